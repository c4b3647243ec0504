"""Helpers to drive Dagster in process from the tests."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
from click.testing import CliRunner

from directory_pipeline.cli import main
from directory_pipeline.defs.submissions import listing_submission, paid_job


def in_thread(fn, *args):
    """Dagster in a thread of its own, clear of the suite's Playwright loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result(timeout=600)


def tick(sensor, instance: dg.DagsterInstance, resources: dict) -> dg.SensorResult:
    context = dg.build_sensor_context(instance=instance, resources=resources)
    result = sensor(context)
    assert isinstance(result, dg.SensorResult)
    for request in result.dynamic_partitions_requests or []:
        assert isinstance(request, dg.AddDynamicPartitionsRequest)
        instance.add_dynamic_partitions(
            request.partitions_def_name, list(request.partition_keys or [])
        )
    return result


def run_job(
    instance: dg.DagsterInstance,
    resources: dict,
    job_id: str,
    *,
    directories: list[str] | None = None,
    force: bool = False,
    staff: bool = False,
) -> dg.ExecuteInProcessResult:
    """A run of `paid_job` for one job, as the sensor starts it (tagged with the job), or as
    staff start `resubmit_directory` from the UI (`staff=True`: no job tag)."""
    config = {"directories": directories or [], "force": force}
    return dg.materialize(
        [paid_job, listing_submission],
        selection=dg.AssetSelection.assets(paid_job),
        partition_key=job_id,
        instance=instance,
        resources=resources,
        run_config={"ops": {"paid_job": {"config": config}}},
        tags={} if staff else {"directory_pipeline/job_id": job_id},
    )


def enqueue(profile_file: Path, directories: list[str]) -> str:
    result = CliRunner().invoke(
        main,
        [
            "enqueue",
            "--package",
            "enterprise",
            "--profile",
            str(profile_file),
            "--directories",
            ",".join(directories),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["job_id"]
