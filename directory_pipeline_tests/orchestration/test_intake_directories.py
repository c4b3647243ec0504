"""SQS intake refuses a job whose directories the catalog will not give it (a tier above the
package, or unknown slugs): the message goes to the DLQ with its reason, no jobs row is
written and no run is requested. Real SQS API (moto's server), real Postgres, the sandbox
sites as the catalog; the sensor runs in process."""

from __future__ import annotations

import json
import uuid
from typing import Any

import dagster as dg
import psycopg
import pytest

from directory_pipeline.defs.sensors import sqs_job_sensor
from directory_pipeline.domain import JobMessage, Package
from directory_pipeline.queue import JobQueue
from directory_pipeline.sandbox import SITES
from directory_pipeline.store.jobs import JobStore
from directory_pipeline_tests.conftest import SAMPLE_PROFILE
from directory_pipeline_tests.orchestration.flow import in_thread, tick

STARTER_SITE = next(s.slug for s in SITES if s.tier == "starter")
PRO_SITE = next(s.slug for s in SITES if s.tier == "pro")
ENTERPRISE_SITE = next(s.slug for s in SITES if s.tier == "enterprise")


def _body(package: str, directories: list[str] | None, job_id: uuid.UUID | None = None) -> str:
    payload: dict[str, Any] = {
        "schema_version": 1,
        "job_id": str(job_id or uuid.uuid4()),
        "customer_id": str(uuid.uuid4()),
        "package": package,
        "business": SAMPLE_PROFILE,
        "requested_at": "2026-11-29T10:00:00Z",
    }
    if directories is not None:
        payload["directories"] = directories
    return json.dumps(payload)


def _job_ids(dsn: str) -> list[uuid.UUID]:
    with psycopg.connect(dsn) as conn:
        return [row[0] for row in conn.execute("select id from jobs").fetchall()]


@pytest.mark.parametrize(
    ("package", "directories", "expected"),
    [
        (
            "starter",
            [STARTER_SITE, PRO_SITE],
            f"directories outside the starter package: {PRO_SITE} (pro)",
        ),
        (
            "growth",
            [ENTERPRISE_SITE],
            f"directories outside the growth package: {ENTERPRISE_SITE} (enterprise)",
        ),
        ("starter", [STARTER_SITE, "nowhere-dir"], "unknown directories: nowhere-dir"),
    ],
)
def test_a_message_naming_directories_outside_its_package_is_dead_lettered(
    dagster_env: dict[str, Any],
    job_queue: JobQueue,
    package: str,
    directories: list[str],
    expected: str,
) -> None:
    job_queue.send_body(_body(package, directories))
    result = in_thread(
        lambda: tick(sqs_job_sensor, dg.DagsterInstance.ephemeral(), dagster_env["resources"])
    )
    assert result.run_requests == []
    assert result.dynamic_partitions_requests == []
    [(dead, reason)] = job_queue.dead_letters()
    assert reason is not None and expected in reason
    assert json.loads(dead.body)["directories"] == directories
    assert job_queue.depth() == 0
    assert _job_ids(dagster_env["dsn"]) == []


def test_a_jobs_row_naming_directories_outside_its_package_is_dead_lettered_too(
    dagster_env: dict[str, Any], job_queue: JobQueue
) -> None:
    """The run works from the row: a row the web shop wrote with a higher-tier directory is
    refused even when the message itself names none."""
    row = JobMessage.model_validate_json(_body("starter", [PRO_SITE]))
    JobStore(dagster_env["dsn"]).create_pending(row, directories_total=1)
    job_queue.send_body(_body("starter", None, job_id=row.job_id))
    result = in_thread(
        lambda: tick(sqs_job_sensor, dg.DagsterInstance.ephemeral(), dagster_env["resources"])
    )
    assert result.run_requests == []
    [(_, reason)] = job_queue.dead_letters()
    assert reason is not None and reason.startswith("the job's row: directories outside")
    assert job_queue.depth() == 0


def test_directories_within_the_package_still_make_a_run(
    dagster_env: dict[str, Any], job_queue: JobQueue
) -> None:
    job_id = uuid.uuid4()
    job_queue.send_body(_body(Package.PRO.value, [PRO_SITE, STARTER_SITE], job_id=job_id))
    result = in_thread(
        lambda: tick(sqs_job_sensor, dg.DagsterInstance.ephemeral(), dagster_env["resources"])
    )
    assert [r.run_key for r in result.run_requests or []] == [str(job_id)]
    assert job_queue.dead_letters() == []
