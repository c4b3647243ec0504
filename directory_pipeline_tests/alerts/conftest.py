"""Fixtures for the alert tests: a webhook receiver on loopback, a Dagster instance to log
health-check evaluations in, and the sensor's resources pointing at real Postgres and SQS."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dagster as dg
import pytest

from directory_pipeline.alerts.health import HEALTH_ASSET, HEALTH_CHECKS
from directory_pipeline.defs.alerts import AlertWebhookResource
from directory_pipeline.defs.resources import SqsResource, SupabaseResource
from directory_pipeline.local.sqs import LocalSqs
from directory_pipeline.queue.sqs import JobQueue

UI_URL = "https://dagster.shop.example"
WEBHOOK_PATH = "/services/T0ALERTS/B0ALERTS/webhook-token-Hq3vZ8"


class WebhookReceiver:
    """A Slack-compatible incoming webhook on loopback that records every POST body and
    answers with the statuses it is told (200 once they run out). It stands in for Slack:
    no real Slack (or any chat service) is reachable from here."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.answers: list[int] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.bodies.append(body)
                receiver.statuses.append(status)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"error")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{WEBHOOK_PATH}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """The bodies answered 2xx."""
        return [b for b, s in zip(self.bodies, self.statuses, strict=True) if 200 <= s < 300]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    webhook = WebhookReceiver()
    webhook.thread.start()
    yield webhook
    webhook.server.shutdown()
    webhook.server.server_close()


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


_HEALTH_CHECKS = [dg.AssetCheckSpec(name, asset=HEALTH_ASSET) for name in HEALTH_CHECKS]


@dg.multi_asset_check(
    specs=_HEALTH_CHECKS,
    config_schema={
        "check": str,
        "directory": str,
        "passed": bool,
        "summary": str,
        "severity": str,
    },
)
def health_checks_stand_in(context: dg.AssetCheckExecutionContext) -> Any:
    """Logs one directory's evaluation on its partition and a summary result per check, the
    way the lead's `directory_health_checks` does (so the instance holds both kinds)."""
    config = context.op_execution_context.op_config
    context.op_execution_context.log_event(
        dg.AssetCheckEvaluation(  # pyright: ignore[reportArgumentType]
            asset_key=dg.AssetKey(HEALTH_ASSET),
            check_name=config["check"],
            passed=config["passed"],
            partition=config["directory"],
            severity=dg.AssetCheckSeverity(config["severity"]),
            metadata={"summary": dg.MetadataValue.text(config["summary"])},
        )
    )
    for spec in _HEALTH_CHECKS:
        yield dg.AssetCheckResult(
            asset_key=HEALTH_ASSET,
            check_name=spec.name,
            passed=config["passed"] or spec.name != config["check"],
        )


_health_defs = dg.Definitions(
    assets=[dg.AssetSpec(HEALTH_ASSET, partitions_def=dg.DynamicPartitionsDefinition(name="d"))],
    asset_checks=[health_checks_stand_in],
    jobs=[
        dg.define_asset_job("health_evaluations", selection=dg.AssetSelection.all_asset_checks())
    ],
)
health_evaluations = _health_defs.get_job_def("health_evaluations")


def log_health(
    instance: dg.DagsterInstance,
    directory: str,
    check: str,
    *,
    passed: bool,
    summary: str = "",
    severity: str = "ERROR",
) -> None:
    config = {
        "check": check,
        "directory": directory,
        "passed": passed,
        "summary": summary,
        "severity": severity,
    }
    result = health_evaluations.execute_in_process(
        instance=instance,
        run_config={"ops": {"health_checks_stand_in": {"config": config}}},
    )
    assert result.success


def sensor_resources(
    database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    *,
    webhook_url: str = "",
    ui_url: str = UI_URL,
    secret_access_key: str = "local",
) -> dict[str, Any]:
    return {
        "supabase": SupabaseResource(database_url=database_url),
        "sqs": SqsResource(
            queue_url=job_queue.queue_url,
            dlq_url=job_queue.dlq_url,
            endpoint_url=sqs_server.endpoint_url,
            access_key_id="local",
            secret_access_key=secret_access_key,
        ),
        "alerts": AlertWebhookResource(webhook_url=webhook_url, dagster_ui_url=ui_url),
    }
