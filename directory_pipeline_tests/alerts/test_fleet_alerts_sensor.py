"""`fleet_alerts_sensor` tick by tick, with every peer real: Postgres (the `alerts` and job
tables), moto's SQS server (the dead-letter queue), a Dagster instance holding the health
checks' evaluations, and a webhook receiver on loopback standing in for Slack."""

from __future__ import annotations

import json
from typing import Any

import dagster as dg
import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from directory_pipeline.defs.alerts import fleet_alerts_sensor
from directory_pipeline.defs.partitions import JOB_TAG
from directory_pipeline.defs.resources import SubmissionEngineResource, SupabaseResource
from directory_pipeline.local.sqs import LocalSqs
from directory_pipeline.queue.sqs import JobQueue
from directory_pipeline.store.alerts import StoredAlert
from directory_pipeline_tests.alerts.conftest import (
    UI_URL,
    WebhookReceiver,
    log_health,
    sensor_resources,
)
from directory_pipeline_tests.conftest import SAMPLE_PROFILE
from directory_pipeline_tests.job_rows import insert_job, insert_result


class Ticks:
    """The sensor's ticks one after another, each with the cursor the last one returned."""

    def __init__(self, instance: dg.DagsterInstance, resources: dict[str, Any]) -> None:
        self.instance = instance
        self.resources = resources
        self.cursor: str | None = None
        self.reasons: list[str] = []

    def __call__(self) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=self.instance, resources=self.resources, cursor=self.cursor
        )
        result = fleet_alerts_sensor(context)
        assert isinstance(result, dg.SensorResult)
        assert not result.run_requests
        self.cursor = result.cursor
        assert result.skip_reason is not None
        self.reasons.append(result.skip_reason.skip_message or "")
        return result


def _alerts(database_url: str) -> list[StoredAlert]:
    return SupabaseResource(database_url=database_url).alerts().rows()


def _titles(bodies: list[dict[str, Any]]) -> list[str]:
    return [b["blocks"][0]["text"]["text"].split("*")[1] for b in bodies]


@dg.op
def stand_in_work() -> None:
    return None


@dg.job
def job_run_stand_in() -> None:
    """Stands in for a paid job's `submit_listings` run (only its tag matters here)."""
    stand_in_work()


def _dead_letter(job_queue: JobQueue, body: str = "not json") -> None:
    job_queue.client.send_message(QueueUrl=job_queue.dlq_url, MessageBody=body)


def test_a_health_check_alerts_once_while_red_and_again_after_green(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
) -> None:
    tick = Ticks(
        instance,
        sensor_resources(migrated_database_url, job_queue, sqs_server, webhook_url=receiver.url),
    )
    log_health(instance, "alpha-listings", "form_still_mapped", passed=True)
    tick()
    assert receiver.bodies == []

    log_health(
        instance, "alpha-listings", "form_still_mapped", passed=False, summary="form changed"
    )
    log_health(instance, "bravo-local", "answers_reliably", passed=False, severity="WARN")
    tick()
    assert sorted(_titles(receiver.bodies)) == [
        "alpha-listings: health check form_still_mapped failed",
        "bravo-local: health check answers_reliably failed",
    ]
    assert tick.reasons[-1].startswith("2 new alerts; 2 sent")

    # still red on later evaluations and ticks: nothing more
    log_health(instance, "alpha-listings", "form_still_mapped", passed=False)
    tick()
    tick()
    assert len(receiver.bodies) == 2

    # green, then red again: a second alert for that pair only
    log_health(instance, "alpha-listings", "form_still_mapped", passed=True)
    tick()
    log_health(instance, "alpha-listings", "form_still_mapped", passed=False, summary="again")
    tick()
    tick()
    assert _titles(receiver.bodies) == [
        *_titles(receiver.bodies[:2]),
        "alpha-listings: health check form_still_mapped failed",
    ]
    stored = _alerts(migrated_database_url)
    assert [a.kind.value for a in stored] == ["health_check_failed"] * 3
    assert all(a.sent_at is not None and a.attempts == 1 for a in stored)
    assert len({a.alert_key for a in stored}) == 3
    first = next(b for b in receiver.bodies if "form changed" in json.dumps(b))
    section = first["blocks"][0]["text"]["text"]
    link = f"{UI_URL}/assets/directory_health?view=checks&checkDetail=form_still_mapped"
    assert f"<{link}&partition=alpha-listings|" in section
    assert ":rotating_light:" in section  # ERROR
    warn = next(b for b in receiver.bodies if "bravo-local" in b["text"])
    assert ":warning:" in warn["blocks"][0]["text"]["text"]


def test_jobs_that_ended_badly_alert_once_with_their_counts_and_run_link(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
) -> None:
    partial = insert_job(migrated_database_url, status="partially_completed", total=3)
    insert_result(migrated_database_url, partial, "alpha-listings", "submitted")
    insert_result(migrated_database_url, partial, "bravo-local", "needs_review")
    insert_result(migrated_database_url, partial, "charlie-pro", "failed")
    failed = insert_job(migrated_database_url, status="failed", total=1)
    insert_job(migrated_database_url, status="completed", total=1)
    insert_job(migrated_database_url, status="in_progress", total=1)
    # the partial job's run, tagged as the intake sensor tags it; the failed job has none
    run_id = job_run_stand_in.execute_in_process(
        instance=instance, tags={JOB_TAG: str(partial)}
    ).run_id

    tick = Ticks(
        instance,
        sensor_resources(migrated_database_url, job_queue, sqs_server, webhook_url=receiver.url),
    )
    tick()
    tick()
    tick()
    by_job = {b["text"].split()[2]: b for b in receiver.bodies}
    assert set(by_job) == {str(partial), str(failed)}
    partial_text = by_job[str(partial)]["blocks"][0]["text"]["text"]
    assert "ended partially_completed" in partial_text
    assert "3 directories: 1 failed, 1 needs_review, 1 submitted." in partial_text
    assert f"<{UI_URL}/runs/{run_id}|" in partial_text
    failed_text = by_job[str(failed)]["blocks"][0]["text"]["text"]
    assert f"<{UI_URL}/assets/paid_job?partition={failed}|" in failed_text
    assert ":rotating_light:" in failed_text and ":warning:" in partial_text

    # a staff re-run that ends badly again is a new ending: one more alert
    with psycopg.connect(migrated_database_url) as conn:
        conn.execute(
            "update jobs set completed_at = now() + interval '1 second' where id = %s", (failed,)
        )
    tick()
    tick()
    assert len(receiver.bodies) == 3


def test_dead_letters_alert_once_per_rise_and_are_never_consumed(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
) -> None:
    tick = Ticks(
        instance,
        sensor_resources(migrated_database_url, job_queue, sqs_server, webhook_url=receiver.url),
    )
    tick()
    assert receiver.bodies == []
    _dead_letter(job_queue)
    _dead_letter(job_queue)
    tick()
    tick()
    assert _titles(receiver.bodies) == ["Dead-letter queue: 2 new messages"]
    assert "holds 2 messages (was 0)" in receiver.bodies[0]["text"]
    assert f"<{UI_URL}/automation|" in receiver.bodies[0]["blocks"][0]["text"]["text"]
    _dead_letter(job_queue)
    tick()
    tick()
    assert _titles(receiver.bodies)[1:] == ["Dead-letter queue: 1 new message"]
    assert job_queue.depth(dead_letter=True) == 3  # counted, never received
    assert [a.kind.value for a in _alerts(migrated_database_url)] == ["dead_letters"] * 2


def test_a_failing_webhook_gets_the_alert_exactly_once_when_it_recovers(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
) -> None:
    receiver.answers = [500]
    tick = Ticks(
        instance,
        sensor_resources(migrated_database_url, job_queue, sqs_server, webhook_url=receiver.url),
    )
    log_health(instance, "alpha-listings", "success_rate_holds", passed=False)
    tick()
    [stored] = _alerts(migrated_database_url)
    assert stored.sent_at is None and stored.attempts == 1
    assert stored.last_error == "answered HTTP 500"
    assert "1 not delivered (answered HTTP 500; retried next tick)" in tick.reasons[-1]
    tick()
    tick()
    assert receiver.statuses == [500, 200]
    assert len(receiver.delivered) == 1
    assert receiver.bodies[0] == receiver.bodies[1] == stored.payload
    [stored] = _alerts(migrated_database_url)
    assert stored.sent_at is not None and stored.attempts == 2 and stored.last_error is None


def test_an_unreachable_webhook_is_recorded_without_its_address(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
) -> None:
    dead_url = f"http://127.0.0.1:9/services/T0/B0/unreachable-token-{id(instance)}"
    tick = Ticks(
        instance,
        sensor_resources(migrated_database_url, job_queue, sqs_server, webhook_url=dead_url),
    )
    _dead_letter(job_queue)
    tick()
    [stored] = _alerts(migrated_database_url)
    assert stored.sent_at is None and stored.last_error is not None
    assert stored.last_error.startswith("not reached")
    assert "127.0.0.1:9" not in stored.last_error and "token" not in tick.reasons[-1]


def test_without_a_webhook_alerts_are_recorded_and_sent_once_one_is_set(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
) -> None:
    tick = Ticks(instance, sensor_resources(migrated_database_url, job_queue, sqs_server))
    insert_job(migrated_database_url, status="failed", total=1)
    tick()
    tick()
    assert receiver.bodies == []
    assert "none sent: no webhook configured (ALERT_WEBHOOK_URL), 1 waiting" in tick.reasons[-1]
    [stored] = _alerts(migrated_database_url)
    assert stored.sent_at is None and stored.attempts == 0

    tick.resources = sensor_resources(
        migrated_database_url, job_queue, sqs_server, webhook_url=receiver.url
    )
    tick()
    tick()
    assert len(receiver.bodies) == 1 and receiver.bodies[0] == stored.payload


def test_no_configured_secret_or_profile_detail_reaches_a_payload(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
) -> None:
    """Every kind of alert, with secrets configured in every resource (a database password
    in the connection string, an AWS secret key, an LLM key, the webhook URL itself) and a
    health summary that quotes a credentialed URL and the profile's e-mail and phone."""
    password = "pg-Secret-Pw-7Hs2"
    with psycopg.connect(migrated_database_url, autocommit=True) as conn:
        conn.execute(f"create role alerts_writer login superuser password '{password}'")
    dsn = make_conninfo(migrated_database_url, user="alerts_writer", password=password)
    aws_secret = "aws-Secret-Key-Mq81ZwPx"
    llm_key = "sk-llm-Secret-Key-0a9X"
    resources = sensor_resources(
        dsn, job_queue, sqs_server, webhook_url=receiver.url, secret_access_key=aws_secret
    )
    resources["engine"] = SubmissionEngineResource(evidence_root="/tmp/e", llm_api_key=llm_key)
    tick = Ticks(instance, resources)
    email, phone = SAMPLE_PROFILE["email"], SAMPLE_PROFILE["phone"]
    log_health(
        instance,
        "alpha-listings",
        "form_still_mapped",
        passed=False,
        summary=(
            f"form changed; the page said 'thanks {email}, we will call {phone}'; "
            f"proxy https://scraper:{password}@proxy.example/ refused; token={llm_key}"
        ),
    )
    insert_job(dsn, status="partially_completed", total=2)
    _dead_letter(job_queue, body=json.dumps({"business": SAMPLE_PROFILE}))
    tick()

    assert {a.kind.value for a in _alerts(dsn)} == {
        "health_check_failed",
        "job_ended_badly",
        "dead_letters",
    }
    assert len(receiver.delivered) == 3
    posted = json.dumps(receiver.bodies) + json.dumps([a.payload for a in _alerts(dsn)])
    secrets = [password, aws_secret, llm_key, receiver.url, dsn, email, phone, "T0ALERTS"]
    for secret in secrets:
        assert secret not in posted
    assert "form changed" in posted and "[redacted]" in posted
    for body in receiver.bodies:
        links = [part.split("|")[0] for part in body["blocks"][0]["text"]["text"].split("<")[1:]]
        assert links and all(link.startswith(f"{UI_URL}/") for link in links)


@pytest.mark.parametrize("ui_url", ["", "https://ops.shop.example/dagster/"])
def test_links_follow_the_configured_ui_url(
    instance: dg.DagsterInstance,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
    receiver: WebhookReceiver,
    ui_url: str,
) -> None:
    tick = Ticks(
        instance,
        sensor_resources(
            migrated_database_url,
            job_queue,
            sqs_server,
            webhook_url=receiver.url,
            ui_url=ui_url,
        ),
    )
    log_health(instance, "alpha-listings", "answers_reliably", passed=False)
    tick()
    [body] = receiver.bodies
    section = body["blocks"][0]["text"]["text"]
    if ui_url:
        assert "<https://ops.shop.example/dagster/assets/directory_health?" in section
    else:
        assert "<" not in section and "http" not in body["text"]
