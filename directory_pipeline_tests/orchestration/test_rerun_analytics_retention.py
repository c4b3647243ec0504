"""Re-running one (job, directory) partition, the analyst tables and chart, and partition
retention. Real Postgres, sandbox and Chromium; Dagster in process."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import psycopg

from directory_pipeline.defs.analytics import (
    directory_success_rates,
    job_summaries,
    success_rate_chart,
)
from directory_pipeline.defs.partitions import DIRECTORIES, JOBS, submission_key
from directory_pipeline.defs.retention import partition_retention_job
from directory_pipeline.defs.submissions import listing_submission
from directory_pipeline.queue import JobQueue
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline_tests.orchestration.flow import enqueue, in_thread, run_job


def test_one_partition_reruns_alone_and_force_submits_again(
    dagster_env: dict[str, Any],
    profile_file: Path,
    job_queue: JobQueue,
    sandbox_server: SandboxServer,
) -> None:
    resources = dagster_env["resources"]
    job_id = enqueue(profile_file, ["yellowbook-local"])

    def flow() -> tuple[
        dg.ExecuteInProcessResult, dg.ExecuteInProcessResult, dg.ExecuteInProcessResult
    ]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [job_id])
        instance.add_dynamic_partitions(DIRECTORIES, ["yellowbook-local"])
        first = run_job(instance, resources, job_id)
        key = submission_key(job_id, "yellowbook-local")
        again = dg.materialize(
            [listing_submission], partition_key=str(key), instance=instance, resources=resources
        )
        forced = dg.materialize(
            [listing_submission],
            partition_key=str(key),
            instance=instance,
            resources=resources,
            run_config={"ops": {"listing_submission": {"config": {"force": True}}}},
        )
        return first, again, forced

    first, again, forced = in_thread(flow)
    status = lambda r: r.asset_materializations_for_node("listing_submission")[0].metadata  # noqa: E731
    assert first.success and again.success and forced.success
    assert status(again)["status"].value == "submitted"
    assert status(again)["reused_earlier_attempt"].value is True
    assert status(forced)["status"].value == "rejected"  # the directory's duplicate check
    with psycopg.connect(dagster_env["dsn"]) as conn:
        [(row_status,)] = conn.execute(
            "select status from job_results where job_id = %s", (job_id,)
        ).fetchall()
    assert row_status == "rejected"


def test_analyst_tables_and_chart(
    dagster_env: dict[str, Any], profile_file: Path, job_queue: JobQueue
) -> None:
    resources = dagster_env["resources"]
    job_id = enqueue(profile_file, ["citylocal-hub", "webfinder-links", "premium-placements"])

    def flow() -> dg.ExecuteInProcessResult:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [job_id])
        assert run_job(instance, resources, job_id).success
        return dg.materialize(
            [directory_success_rates, job_summaries, success_rate_chart],
            instance=instance,
            resources=resources,
        )

    result = in_thread(flow)
    assert result.success
    root = Path(resources["analytics"].root)
    rates = pd.read_parquet(root / "directory_success_rates.parquet").set_index("directory_slug")
    assert rates.loc["citylocal-hub", "success_rate"] == 1.0
    assert rates.loc["webfinder-links", "success_rate"] == 0.0
    assert rates.loc["webfinder-links", "needs_review"] == 1
    summary = pd.read_parquet(root / "job_summaries.parquet")
    [row] = summary.to_dict("records")
    assert (row["job_id"], row["submitted"], row["needs_review"], row["skipped"]) == (
        job_id,
        1,
        1,
        1,
    )
    png = (root / "success_rate_chart.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 2000


def test_retention_drops_old_finished_jobs_from_the_live_partitions(
    dagster_env: dict[str, Any],
    monkeypatch,
) -> None:
    dsn = dagster_env["dsn"]
    old, recent = str(uuid.uuid4()), str(uuid.uuid4())
    with psycopg.connect(dsn) as conn:
        for job_id, age in ((old, "200 days"), (recent, "1 day")):
            conn.execute(
                "insert into jobs (id, customer_id, package, status, created_at) values "
                "(%s, gen_random_uuid(), 'starter', 'completed', now() - %s::interval)",
                (job_id, age),
            )
    monkeypatch.setenv("JOB_PARTITION_RETENTION_DAYS", "90")

    def flow() -> list[str]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [old, recent])
        result = partition_retention_job.execute_in_process(
            instance=instance, resources={"supabase": dagster_env["resources"]["supabase"]}
        )
        assert result.success
        return list(instance.get_dynamic_partitions(JOBS))

    assert in_thread(flow) == [recent]
    with psycopg.connect(dsn) as conn:  # the rows themselves stay
        assert conn.execute("select count(*) from jobs").fetchone() == (2,)
