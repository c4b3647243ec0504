"""A paid job end to end, in process: `enqueue` → SQS sensor → one run of `submit_listings`
→ a `listing_submission` materialization per directory → Supabase rows → the sync check →
the sandbox ledger. Real Postgres, real SQS API (moto's server), real Chromium, the sandbox.

Dagster runs in process on a temporary instance (the daemon and webserver are covered by the
local stack test); everything it talks to is real."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import psycopg
import pytest

from directory_pipeline.defs.sensors import pending_jobs_sensor, sqs_job_sensor
from directory_pipeline.queue import JobQueue
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline_tests.orchestration.flow import enqueue, in_thread, run_job, tick

SITES = {
    "citylocal-hub": "submitted",  # WordPress plugin markup, search box, split address
    "bizlist-wizard": "submitted",  # wizard steps shown by JavaScript
    "linkhaven-directory": "submitted",  # table layout, paid/free choice
    "trustedtrades-directory": "submitted",  # honeypot, decoy, script token
    "quicklist-app": "submitted",  # fields rendered late, fetch() JSON submit
    "towncrier-listings": "submitted",  # form inside a cross-origin iframe
    "webfinder-links": "needs_review",  # image CAPTCHA: never submitted
    "premium-placements": "skipped",  # paid-only directory
}


def test_a_paid_job_runs_once_and_every_directory_is_a_proven_partition(
    dagster_env: dict[str, Any],
    profile_file: Path,
    job_queue: JobQueue,
    sandbox_server: SandboxServer,
) -> None:
    resources, dsn = dagster_env["resources"], dagster_env["dsn"]
    job_id = enqueue(profile_file, list(SITES))

    def flow() -> tuple[
        dg.SensorResult, dg.SensorResult, dg.ExecuteInProcessResult, dg.DagsterInstance
    ]:
        instance = dg.DagsterInstance.ephemeral()
        first = tick(sqs_job_sensor, instance, resources)
        [request] = first.run_requests or []
        assert request.run_key == job_id and request.partition_key == job_id
        run = run_job(instance, resources, job_id)
        second = tick(sqs_job_sensor, instance, resources)  # its run exists now
        return first, second, run, instance

    _, second, run, _ = in_thread(flow)
    assert run.success
    assert second.run_requests == []  # the redelivered message made no second run
    assert job_queue.depth() == 0  # ...and was deleted once the run existed

    materialized = {
        m.partition: m
        for m in run.asset_materializations_for_node("paid_job")
        if m.asset_key == dg.AssetKey("listing_submission")
    }
    statuses = {key.split("|")[0]: m.metadata["status"].value for key, m in materialized.items()}
    assert statuses == SITES
    submitted = [m for m in materialized.values() if m.metadata["status"].value == "submitted"]
    for m in submitted:
        assert m.metadata["confirmation_text"].value
        assert "screenshot" in m.metadata and "final_url" in m.metadata
        assert "data:image/jpeg;base64," in m.metadata["preview"].value

    [check] = run.get_asset_check_evaluations()
    assert check.passed, check.metadata

    with psycopg.connect(dsn) as conn:
        job = conn.execute(
            "select status, directories_total, directories_done, started_at, "
            "completed_at from jobs where id = %s",
            (job_id,),
        ).fetchone()
        rows = dict(
            conn.execute(
                "select directory_slug, status from job_results where job_id = %s", (job_id,)
            ).fetchall()
        )
    assert job is not None
    assert job[:3] == ("partially_completed", len(SITES), len(SITES))
    assert job[3] is not None and job[4] is not None
    assert rows == SITES

    ledger = httpx.get(f"{sandbox_server.url}/__sandbox/ledger", timeout=10).json()
    for slug, status in SITES.items():
        accepted = [e for e in ledger if e["site"] == slug and e["accepted"]]
        assert len(accepted) == (1 if status == "submitted" else 0), slug
    assert not any(e["spam"] for e in ledger)


def test_malformed_messages_go_to_the_dlq_with_their_reason(
    dagster_env: dict[str, Any],
    job_queue: JobQueue,
) -> None:
    job_queue.send_body("{not json")
    job_queue.send_body(json.dumps({"schema_version": 1, "job_id": "nope"}))
    result = in_thread(
        lambda: tick(sqs_job_sensor, dg.DagsterInstance.ephemeral(), dagster_env["resources"])
    )
    assert result.run_requests == []
    reasons = sorted(reason or "" for _, reason in job_queue.dead_letters())
    assert len(reasons) == 2
    assert any("not JSON" in r for r in reasons)
    assert any("job_id" in r and "customer_id: required field is missing" in r for r in reasons)
    assert job_queue.depth() == 0


def test_duplicate_messages_make_one_run_request(
    dagster_env: dict[str, Any],
    job_queue: JobQueue,
    profile_file: Path,
) -> None:
    job_id = enqueue(profile_file, ["citylocal-hub"])
    [original] = job_queue.receive()
    job_queue.send_body(original.body)  # the same message delivered again
    job_queue.client.change_message_visibility(
        QueueUrl=job_queue.queue_url, ReceiptHandle=original.receipt_handle, VisibilityTimeout=0
    )
    result = in_thread(
        lambda: tick(sqs_job_sensor, dg.DagsterInstance.ephemeral(), dagster_env["resources"])
    )
    assert [r.run_key for r in result.run_requests or []] == [job_id]


def test_a_job_whose_message_was_lost_is_started_by_reconciliation(
    dagster_env: dict[str, Any],
    job_queue: JobQueue,
    profile_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = enqueue(profile_file, ["citylocal-hub"])
    [lost] = job_queue.receive()
    job_queue.delete(lost)  # the message is gone; only the jobs row remains (grace: 0 min)
    result = in_thread(
        lambda: tick(pending_jobs_sensor, dg.DagsterInstance.ephemeral(), dagster_env["resources"])
    )
    assert [r.run_key for r in result.run_requests or []] == [job_id]
    assert uuid.UUID(job_id)


def test_a_failed_run_marks_its_job_failed(
    dagster_env: dict[str, Any],
    profile_file: Path,
    job_queue: JobQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from directory_pipeline.defs.job_lifecycle import failed_job_run_sensor

    job_id = enqueue(profile_file, ["citylocal-hub"])

    def flow() -> None:
        instance = dg.DagsterInstance.ephemeral()

        @dg.op
        def explode() -> None:
            raise RuntimeError("Chromium could not start")

        @dg.job(tags={"directory_pipeline/job_id": job_id})
        def doomed() -> None:
            explode()

        result = doomed.execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        run = instance.get_run_by_id(result.run_id)
        assert run is not None
        failure = next(
            e
            for e in instance.all_logs(result.run_id)
            if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE"
        )
        context = dg.build_run_status_sensor_context(
            sensor_name="failed_job_run_sensor",
            dagster_instance=instance,
            dagster_run=run,
            dagster_event=failure.dagster_event,
            resources={"supabase": dagster_env["resources"]["supabase"]},
        ).for_run_failure()
        failed_job_run_sensor(context)

    in_thread(flow)
    with psycopg.connect(dagster_env["dsn"]) as conn:
        status, error = conn.execute(
            "select status, error from jobs where id = %s", (job_id,)
        ).fetchone()
    assert status == "failed" and error
