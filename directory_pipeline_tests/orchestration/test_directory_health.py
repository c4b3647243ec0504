"""Directory health end to end, in process: a sandbox directory whose form changes to one
the profile cannot fill turns its health check red, and new jobs skip it until staff
re-enable it. Real Postgres, real SQS API (moto's server), real Chromium, the sandbox;
Dagster runs in process on a temporary instance (the daemon drives the same assets in the
local stack test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import psycopg
import pytest

from directory_pipeline.defs.health import (
    directory_health,
    directory_health_checks,
    fleet_health,
    reenable_directory,
)
from directory_pipeline.defs.resources import HealthPolicyResource
from directory_pipeline.defs.sensors import sqs_job_sensor
from directory_pipeline.defs.submissions import listing_submission, paid_job
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline_tests.orchestration.flow import enqueue, in_thread, run_job, tick

CHANGING = "nearbyguide"  # three markup versions; v3 asks for an invitation code
STEADY = "citylocal-hub"


@pytest.fixture
def health_tables(dagster_env: dict[str, Any], sandbox_server: SandboxServer) -> Iterator[str]:
    """The health tables start and end empty, and the changing site ends on its first form:
    a hold or a form left behind would change other tests' jobs."""
    dsn = dagster_env["dsn"]

    def clear() -> None:
        with psycopg.connect(dsn) as conn:
            conn.execute("delete from directory_health")
            conn.execute("delete from directory_reenables")
        httpx.post(
            f"{sandbox_server.url}/__sandbox/form-version",
            json={"site": CHANGING, "version": 1},
            timeout=10,
        ).raise_for_status()

    clear()
    yield dsn
    clear()


def _assess(instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    """One run of the health writer and its checks, as the automation sensor starts it."""
    return dg.materialize(
        [paid_job, listing_submission, directory_health, fleet_health, directory_health_checks],
        selection=dg.AssetSelection.assets(fleet_health)
        | dg.AssetSelection.checks(directory_health_checks),
        instance=instance,
        resources=resources,
    )


def _statuses(run: dg.ExecuteInProcessResult) -> dict[str, tuple[str, str]]:
    return {
        str(m.partition).split("|")[0]: (
            str(m.metadata["status"].value),
            str(m.metadata["reason"].value) if "reason" in m.metadata else "",
        )
        for m in run.asset_materializations_for_node("paid_job")
        if m.asset_key == listing_submission.key
    }


def _posts(sandbox: SandboxServer, site: str) -> int:
    ledger = httpx.get(f"{sandbox.url}/__sandbox/ledger", timeout=10).json()
    return sum(1 for e in ledger if e["site"] == site)


def test_a_changed_form_turns_health_red_and_new_jobs_skip_it_until_reenabled(
    dagster_env: dict[str, Any],
    health_tables: str,
    profile_file: Path,
    sandbox_server: SandboxServer,
) -> None:
    resources = dagster_env["resources"]
    directories = [CHANGING, STEADY]

    def job(instance: dg.DagsterInstance) -> dict[str, tuple[str, str]]:
        job_id = enqueue(profile_file, directories)
        tick(sqs_job_sensor, instance, resources)
        run = run_job(instance, resources, job_id)
        assert run.success
        return _statuses(run)

    def flow() -> dict[str, Any]:
        instance = dg.DagsterInstance.ephemeral()
        seen: dict[str, Any] = {"first": job(instance)}
        seen["healthy"] = _assess(instance, resources)
        httpx.post(
            f"{sandbox_server.url}/__sandbox/form-version",
            json={"site": CHANGING, "version": 3},
            timeout=10,
        ).raise_for_status()
        seen["changed"] = job(instance)
        seen["red"] = _assess(instance, resources)
        posts_before = _posts(sandbox_server, CHANGING)
        seen["held"] = job(instance)
        seen["held_posts"] = _posts(sandbox_server, CHANGING) - posts_before
        seen["reenable"] = reenable_directory.execute_in_process(
            run_config={"ops": {"directory_reenabled": {"config": {"directory": CHANGING}}}},
            instance=instance,
            resources={"supabase": resources["supabase"], "catalog": resources["catalog"]},
        )
        seen["after_reenable"] = job(instance)
        return seen

    seen = in_thread(flow)
    assert {slug: s for slug, (s, _) in seen["first"].items()} == {
        CHANGING: "submitted",
        STEADY: "submitted",
    }
    healthy = {
        (e.partition, e.check_name): e for e in seen["healthy"].get_asset_check_evaluations()
    }
    assert healthy[(CHANGING, "form_still_mapped")].passed
    partitions = {
        m.partition for m in seen["healthy"].asset_materializations_for_node("fleet_health")
    }
    assert {CHANGING, STEADY} <= partitions  # each directory's own health partition

    changed_status, changed_reason = seen["changed"][CHANGING]
    assert changed_status in {"failed", "needs_review"}, changed_reason

    red = {(e.partition, e.check_name): e for e in seen["red"].get_asset_check_evaluations()}
    verdict = red[(CHANGING, "form_still_mapped")]
    assert not verdict.passed and verdict.severity is dg.AssetCheckSeverity.ERROR
    assert red[(STEADY, "form_still_mapped")].passed
    summary = red[(None, "form_still_mapped")]
    assert not summary.passed and CHANGING in str(summary.metadata["failing"].value)

    held_status, held_reason = seen["held"][CHANGING]
    assert held_status == "skipped"
    assert "form_still_mapped" in held_reason and "reenable_directory" in held_reason
    assert seen["held"][STEADY][0] == "submitted"
    assert seen["held_posts"] == 0  # never opened, never posted

    assert seen["reenable"].success
    assert seen["after_reenable"][CHANGING][0] != "skipped"  # tried again (and still fails)


FAILING = "bizlist-wizard"


def test_a_directory_that_keeps_answering_503_is_held_after_its_streak(
    dagster_env: dict[str, Any],
    health_tables: str,
    profile_file: Path,
    sandbox_server: SandboxServer,
) -> None:
    """Every request to the site is answered 503 (the sandbox's failure knob, in front of
    the site): the engine retries, gives up, and records why; two such attempts in a row
    (this test's policy) make `answers_reliably` an error and the next job skips it."""
    resources = {
        **dagster_env["resources"],
        "health_policy": HealthPolicyResource(warn_unreliable_streak=1, error_unreliable_streak=2),
    }
    directories = [FAILING, STEADY]

    def job(instance: dg.DagsterInstance) -> dict[str, tuple[str, str]]:
        job_id = enqueue(profile_file, directories)
        tick(sqs_job_sensor, instance, resources)
        run = run_job(instance, resources, job_id)
        assert run.success
        return _statuses(run)

    def flow() -> dict[str, Any]:
        instance = dg.DagsterInstance.ephemeral()
        seen: dict[str, Any] = {"first": job(instance)}
        httpx.post(
            f"{sandbox_server.url}/__sandbox/knobs",
            json={FAILING: {"failure_rate": 1.0}},
            timeout=10,
        ).raise_for_status()
        seen["once"] = job(instance)
        seen["warned"] = _assess(instance, resources)
        seen["twice"] = job(instance)
        seen["red"] = _assess(instance, resources)
        seen["held"] = job(instance)
        return seen

    try:
        seen = in_thread(flow)
    finally:
        httpx.post(
            f"{sandbox_server.url}/__sandbox/knobs",
            json={FAILING: {"failure_rate": 0.0}},
            timeout=10,
        ).raise_for_status()
    assert seen["first"][FAILING][0] == "submitted"
    assert seen["once"][FAILING][0] == "failed"
    warned = {(e.partition, e.check_name): e for e in seen["warned"].get_asset_check_evaluations()}
    assert warned[(FAILING, "answers_reliably")].severity is dg.AssetCheckSeverity.WARN
    assert not warned[(FAILING, "answers_reliably")].passed
    red = {(e.partition, e.check_name): e for e in seen["red"].get_asset_check_evaluations()}
    assert red[(FAILING, "answers_reliably")].severity is dg.AssetCheckSeverity.ERROR
    assert red[(STEADY, "answers_reliably")].passed
    status, reason = seen["held"][FAILING]
    assert status == "skipped" and "answers_reliably" in reason
    assert seen["held"][STEADY][0] == "submitted"
