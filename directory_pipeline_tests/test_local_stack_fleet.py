"""The fleet view through the real daemon: `directory-pipeline dev` as staff run it.

After one completed job, the analyst tables, the charts and directory health materialize by
themselves (declarative automation in Dagster's daemon; nobody launches a run). Then a
sandbox directory's form changes to one the profile cannot fill: its next job fails there,
its health check turns red, one alert reaches the webhook, and the next job skips it.

The webhook is a small HTTP server in this test, standing in for Slack (no Slack is reachable
here); everything else is the real local stack."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import pytest

from directory_pipeline.local.ports import free_port
from directory_pipeline.local.stack import read_stack_state
from directory_pipeline_tests.test_local_stack import (
    EXAMPLE_PROFILE,
    RunningStack,
    _cli,
    _wait_for_final_status,
)

CHANGING, STEADY = "nearbyguide", "citylocal-hub"
ANALYST_ASSETS = [
    "directory_success_rates",
    "job_summaries",
    "success_rate_chart",
    "fleet_health",
]


class Webhook:
    """Records the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/alerts"

    def mentioning(self, *words: str) -> list[dict[str, Any]]:
        return [b for b in self.bodies if all(w in json.dumps(b) for w in words)]


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def _wait(what: str, condition: Callable[[], Any], timeout: float = 240) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _instance(state_dir: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(state_dir / "dagster"))


def _materialized_after(instance: dg.DagsterInstance, key: str, after: float) -> bool:
    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    return event is not None and event.timestamp > after


def _health_evaluation(instance: dg.DagsterInstance, slug: str, check: str) -> Any:
    records = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(dg.AssetKey("directory_health"), check), limit=50
    )
    for record in records:
        evaluation = record.event.asset_check_evaluation if record.event else None
        if evaluation is not None and evaluation.partition == slug:
            return evaluation
    return None


def _enqueue(state_dir: Path) -> str:
    enqueued = _cli(
        state_dir,
        "enqueue",
        "--package",
        "enterprise",
        "--profile",
        str(EXAMPLE_PROFILE),
        "--directories",
        f"{CHANGING},{STEADY}",
        "--json",
    )
    assert enqueued.returncode == 0, enqueued.stderr
    return json.loads(enqueued.stdout)["job_id"]


def test_the_daemon_keeps_the_fleet_view_fresh_alerts_once_and_holds_a_broken_directory(
    tmp_path: Path, webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)
    state_dir = tmp_path / "stack"
    stack = RunningStack(state_dir, free_port())
    try:
        stack.wait_ready()
        state = read_stack_state(state_dir)
        assert state is not None
        instance = stack_instance = _instance(state_dir)
        # the catalog is written by its asset when the stack starts, not by the stack
        _wait("directory_catalog", lambda: _materialized_after(instance, "directory_catalog", 0))

        first = _enqueue(state_dir)
        done = _wait_for_final_status(state_dir, first)
        assert {r["directory_slug"]: r["status"] for r in done["results"]} == {
            CHANGING: "submitted",
            STEADY: "submitted",
        }
        finished = time.time()
        for key in ANALYST_ASSETS:  # nobody launches these: the automation sensor does
            _wait(key, lambda key=key: _materialized_after(instance, key, finished - 60))
        healthy = _wait(
            "a health verdict",
            lambda: _health_evaluation(instance, CHANGING, "form_still_mapped"),
        )
        assert healthy.passed

        sandbox = f"http://127.0.0.1:{state.ports.sandbox}"
        httpx.post(
            f"{sandbox}/__sandbox/form-version", json={"site": CHANGING, "version": 3}, timeout=10
        ).raise_for_status()
        second = _enqueue(state_dir)
        done = _wait_for_final_status(state_dir, second)
        results = {r["directory_slug"]: r["status"] for r in done["results"]}
        assert results[CHANGING] in {"failed", "needs_review"} and results[STEADY] == "submitted"

        red = _wait(
            "the form check to turn red",
            lambda: (
                (e := _health_evaluation(instance, CHANGING, "form_still_mapped"))
                and not e.passed
                and e
            ),
        )
        assert red.severity is dg.AssetCheckSeverity.ERROR
        _wait("the health alert", lambda: webhook.mentioning(CHANGING, "form_still_mapped"))

        third = _enqueue(state_dir)
        done = _wait_for_final_status(state_dir, third)
        rows = {r["directory_slug"]: r for r in done["results"]}
        assert rows[CHANGING]["status"] == "skipped"
        assert rows[STEADY]["status"] == "submitted"
        ledger = json.loads(_cli(state_dir, "sandbox", "ledger", "--json").stdout)
        assert len([e for e in ledger if e["site"] == CHANGING]) == 1  # only the first job's

        # later ticks and health runs (after the third job) raise no second alert for it
        after_third = time.time()
        _wait(
            "health after the third job",
            lambda: _materialized_after(instance, "fleet_health", after_third),
        )
        time.sleep(35)
        assert len(webhook.mentioning(CHANGING, "form_still_mapped")) == 1
        assert all(
            state.settings.get("database_url", "§") not in json.dumps(b) for b in webhook.bodies
        )
    finally:
        if "stack_instance" in locals():
            stack_instance.dispose()
        code = stack.stop(signal.SIGTERM)
    assert code == 0, "".join(stack.lines)
