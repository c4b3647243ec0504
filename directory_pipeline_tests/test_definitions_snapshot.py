"""The shape staff and automation rely on, pinned: asset keys and their partitions, checks,
jobs, sensors and schedules. A change here is a change to what the UI shows and what runs,
so it must be deliberate (update the snapshot in the same commit, and the README's table)."""

from __future__ import annotations

import dagster as dg

from directory_pipeline.definitions import defs

SNAPSHOT = {
    "assets": {
        "directory_catalog": None,
        "paid_job": "jobs",
        "listing_submission": "directories*jobs",
        "listing_presence": "directories*jobs",
        "directory_success_rates": None,
        "job_summaries": None,
        "success_rate_chart": None,
        "success_rate_history_chart": None,
        "outcome_mix_chart": None,
        "submission_time_chart": None,
        "time_to_submission_chart": None,
        "live_rates": None,
        "live_rate_chart": None,
        "directory_health": "directories",
        "fleet_health": None,
    },
    "checks": {
        ("paid_job", "job_results_in_sync"),
        ("directory_health", "form_still_mapped"),
        ("directory_health", "success_rate_holds"),
        ("directory_health", "answers_reliably"),
    },
    "jobs": {
        "submit_listings",
        "resubmit_directory",
        "repair_job_results",
        "partition_retention",
        "verification_mail",
        "follow_listings",
        "refresh_directory_catalog",
        "reenable_directory",
    },
    "sensors": {
        "directory_catalog_sensor",
        "fleet_automation",
        "sqs_job_sensor",
        "pending_jobs_sensor",
        "stalled_jobs_sensor",
        "failed_job_run_sensor",
        "cancelled_job_run_sensor",
        "verification_mail_sensor",
        "listing_presence_sensor",
        "fleet_alerts_sensor",
    },
    "schedules": {"nightly_partition_retention"},
}


def _partitions(spec: dg.AssetSpec) -> str | None:
    definition = spec.partitions_def
    if definition is None:
        return None
    if isinstance(definition, dg.MultiPartitionsDefinition):
        return "*".join(sorted(str(d.partitions_def.name) for d in definition.partitions_defs))  # type: ignore[attr-defined]
    return str(definition.name)  # type: ignore[attr-defined]


def test_the_definitions_match_the_snapshot() -> None:
    repository = defs.get_repository_def()
    graph = repository.asset_graph
    assets = {
        key.to_user_string(): _partitions(graph.get(key).to_asset_spec())  # type: ignore[attr-defined]
        for key in graph.get_all_asset_keys()
    }
    checks = {(check.asset_key.to_user_string(), check.name) for check in graph.asset_check_keys}
    jobs = {j.name for j in repository.get_all_jobs() if not j.name.startswith("__")}
    sensors = {s.name for s in repository.sensor_defs}
    schedules = {s.name for s in repository.schedule_defs}
    assert {
        "assets": assets,
        "checks": checks,
        "jobs": jobs,
        "sensors": sensors,
        "schedules": schedules,
    } == SNAPSHOT


def test_every_job_runs_its_steps_in_the_run_process() -> None:
    """Each Dagster job here has one step; a step process per run would import the code
    location a second time (seconds of per-job overhead, benchmarks/scale)."""
    repository = defs.get_repository_def()
    executors = {
        job.name: job.executor_def.name
        for job in repository.get_all_jobs()
        if not job.name.startswith("__")
    }
    assert executors == dict.fromkeys(SNAPSHOT["jobs"], dg.in_process_executor.name)
