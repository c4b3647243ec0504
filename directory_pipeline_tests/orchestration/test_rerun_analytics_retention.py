"""Staff re-runs of chosen directories, the analyst tables and chart, and partition
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
from directory_pipeline.defs.partitions import DIRECTORIES, JOBS
from directory_pipeline.defs.resources import JobPolicyResource
from directory_pipeline.defs.retention import partition_retention
from directory_pipeline.queue import JobQueue
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline.store.jobs import JobStore
from directory_pipeline_tests.orchestration.flow import enqueue, in_thread, run_job


def test_staff_rerun_one_directory_and_force_submits_again(
    dagster_env: dict[str, Any],
    profile_file: Path,
    job_queue: JobQueue,
    sandbox_server: SandboxServer,
) -> None:
    """`resubmit_directory` (a staff run of paid_job with `directories` set): without `force`
    the settled directory is reported again from the journal; with it, submitted again."""
    resources = dagster_env["resources"]
    job_id = enqueue(profile_file, ["yellowbook-local", "citylocal-hub"])

    def flow() -> tuple[
        dg.ExecuteInProcessResult, dg.ExecuteInProcessResult, dg.ExecuteInProcessResult
    ]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [job_id])
        instance.add_dynamic_partitions(DIRECTORIES, ["yellowbook-local", "citylocal-hub"])
        first = run_job(instance, resources, job_id)
        again = run_job(instance, resources, job_id, directories=["yellowbook-local"], staff=True)
        forced = run_job(
            instance, resources, job_id, directories=["yellowbook-local"], force=True, staff=True
        )
        return first, again, forced

    first, again, forced = in_thread(flow)

    def reported(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
        return {
            str(m.partition).split("|")[0]: m.metadata
            for m in result.asset_materializations_for_node("paid_job")
            if m.asset_key == dg.AssetKey("listing_submission")
        }

    assert first.success and again.success and forced.success
    assert set(reported(again)) == set(reported(forced)) == {"yellowbook-local"}
    assert reported(again)["yellowbook-local"]["status"].value == "submitted"
    assert reported(again)["yellowbook-local"]["reused_earlier_attempt"].value is True
    # the directory's own duplicate check answers the forced second POST
    assert reported(forced)["yellowbook-local"]["status"].value == "rejected"
    with psycopg.connect(dagster_env["dsn"]) as conn:
        rows = dict(
            conn.execute(
                "select directory_slug, status from job_results where job_id = %s", (job_id,)
            ).fetchall()
        )
        [(job_status,)] = conn.execute(
            "select status from jobs where id = %s", (job_id,)
        ).fetchall()
    assert rows == {"yellowbook-local": "rejected", "citylocal-hub": "submitted"}
    assert job_status == "partially_completed"  # settled again from every recorded outcome
    for result in (first, again, forced):
        [check] = result.get_asset_check_evaluations()
        assert check.passed, check.metadata


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

    def flow() -> list[str]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [old, recent])
        result = partition_retention.execute_in_process(
            instance=instance,
            resources={
                "supabase": dagster_env["resources"]["supabase"],
                "policy": JobPolicyResource(retention_days=90),
            },
        )
        assert result.success
        return list(instance.get_dynamic_partitions(JOBS))

    assert in_thread(flow) == [recent]
    with psycopg.connect(dsn) as conn:  # the rows themselves stay
        assert conn.execute("select count(*) from jobs").fetchone() == (2,)


def test_the_check_only_compares_and_the_repair_job_repairs(
    dagster_env: dict[str, Any],
    profile_file: Path,
    job_queue: JobQueue,
    sandbox_server: SandboxServer,
) -> None:
    """Drift made by hand in `job_results`: the check reports it and changes nothing; the
    explicit `repair_job_results` job rewrites the row from the recorded outcome."""
    from directory_pipeline.analytics.drift import job_results_drift
    from directory_pipeline.defs.checks import repair_job_results
    from directory_pipeline.defs.submissions import job_results_check

    resources, dsn = dagster_env["resources"], dagster_env["dsn"]
    job_id = enqueue(profile_file, ["citylocal-hub"])

    def run() -> dg.ExecuteInProcessResult:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [job_id])
        instance.add_dynamic_partitions(DIRECTORIES, ["citylocal-hub"])
        return run_job(instance, resources, job_id)

    assert in_thread(run).success
    with psycopg.connect(dsn) as conn:
        conn.execute("update job_results set status = 'failed' where job_id = %s", (job_id,))
    analytics_root = resources["analytics"].path

    check = job_results_check(JobStore(dsn), analytics_root, uuid.UUID(job_id))
    assert not check.passed
    assert "citylocal-hub" in str(check.metadata["diff"].value)
    with psycopg.connect(dsn) as conn:
        [(still,)] = conn.execute(
            "select status from job_results where job_id = %s", (job_id,)
        ).fetchall()
    assert still == "failed"  # the check wrote nothing

    repaired = in_thread(
        lambda: repair_job_results.execute_in_process(
            run_config={"ops": {"job_results_rewritten": {"config": {"job_id": job_id}}}},
            resources={k: resources[k] for k in ("supabase", "analytics")},
        )
    )
    assert repaired.success
    assert job_results_drift(JobStore(dsn), analytics_root, uuid.UUID(job_id)) == []
