"""A run finishes what it can, and a job ends honestly whatever happens to its run.

Real peers throughout: the suite's Postgres (a fresh migrated database per test), real
engines (Playwright and Chromium per worker thread) against the sandbox sites, whose ledger
shows every POST they received, and Dagster in process on an ephemeral instance. Database
faults are raised by Postgres itself, from a trigger the test installs on `job_results`,
with the error a restarting server answers (SQLSTATE 57P03, "the database system is starting
up", a `psycopg.OperationalError`): the error and its path through psycopg are real, only
its cause is staged. A trigger can fail exactly the first two writes (a sequence counts
them, outside the aborted transactions), so `record`'s retries need no test double."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Generator
from pathlib import Path
from typing import Any, cast

import dagster as dg
import httpx
import psycopg
import pytest
from psycopg import sql

from directory_pipeline.analytics.outcome_files import outcome_file
from directory_pipeline.browser.attempt import AttemptHooks
from directory_pipeline.browser.engine import SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.defs.job_lifecycle import (
    cancelled_job_run_sensor,
    failed_job_run_sensor,
    has_live_run,
    stalled_jobs_sensor,
)
from directory_pipeline.defs.partitions import JOB_TAG, JOBS
from directory_pipeline.defs.resources import JobPolicyResource, SupabaseResource
from directory_pipeline.domain import SubmissionOutcome, SubmissionStatus, load_catalog
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.paid_jobs.plan import JobPlan, plan_job
from directory_pipeline.paid_jobs.recording import record
from directory_pipeline.paid_jobs.worker_pool import DirectoryDone, submit_all
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline.sandbox.site_registry import with_sandbox_sites
from directory_pipeline.store.attempts import AttemptJournal
from directory_pipeline.store.claims import ClaimKind, advisory_claim
from directory_pipeline.store.directory_pace import PostgresDirectoryThrottle
from directory_pipeline.store.jobs import JobStore
from directory_pipeline.store.results import ResultStore
from directory_pipeline_tests.conftest import create_database
from directory_pipeline_tests.job_rows import insert_job, insert_result, job_row
from directory_pipeline_tests.orchestration.flow import in_thread, run_job

QUICK_SITES = ["citylocal-hub", "nearbyguide", "stadtbranchen-de", "yellowbook-local"]


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    httpx.post(
        f"{sandbox_server.url}/__sandbox/reset", json={"knobs": True}, timeout=10
    ).raise_for_status()
    return sandbox_server


def _posts(server: SandboxServer) -> dict[str, int]:
    """How many listing POSTs each site received."""
    ledger = httpx.get(f"{server.url}/__sandbox/ledger", timeout=10).json()
    counts: dict[str, int] = {}
    for entry in ledger:
        counts[entry["site"]] = counts.get(entry["site"], 0) + 1
    return counts


def _plan(dsn: str, server: SandboxServer, sites: list[str]) -> JobPlan:
    job_id = insert_job(dsn, directories=sites)
    return plan_job(JobStore(dsn), with_sandbox_sites(load_catalog(), server.port), job_id)


def _new_submitters(before: set[threading.Thread]) -> list[str]:
    """`submit_all`'s worker threads still alive that were not alive `before`."""
    return [
        t.name for t in threading.enumerate() if t.name.startswith("submitter-") and t not in before
    ]


def _fail_results_writes(dsn: str, *, first: int | None = None, slug: str | None = None) -> None:
    """Make Postgres refuse writes to `job_results` the way a failing server does: the first
    `first` writes (a sequence counts them, outside any transaction), or every write of
    `slug`."""
    rule = ("first", str(first)) if first is not None else ("slug", str(slug))
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create sequence if not exists blip_count")
        conn.execute(
            """create or replace function blip() returns trigger language plpgsql as $$
               begin
                   if (tg_argv[0] = 'first' and nextval('blip_count') <= tg_argv[1]::int)
                      or (tg_argv[0] = 'slug' and new.directory_slug = tg_argv[1]) then
                       raise exception 'the database system is starting up'
                           using errcode = '57P03';
                   end if;
                   return new;
               end $$"""
        )
        conn.execute(
            sql.SQL(
                """create or replace trigger blip before insert or update on job_results
                   for each row execute function blip({}, {})"""
            ).format(sql.Literal(rule[0]), sql.Literal(rule[1]))
        )


def _heal(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("drop trigger if exists blip on job_results")


# -- submit_all ----------------------------------------------------------------------------


def test_a_consumer_that_stops_early_stops_the_workers(
    migrated_database_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The run stops reading after the first outcome (its step failed, it was cancelled):
    the worker finishes the directory in hand, takes no new one, and is joined before
    `submit_all` returns."""
    dsn = migrated_database_url
    plan = _plan(dsn, sandbox, QUICK_SITES)

    def engine() -> SubmissionEngine:
        return SubmissionEngine(LocalEvidenceStore(tmp_path / "e"), journal=AttemptJournal(dsn))

    before = set(threading.enumerate())
    outcomes = cast(
        "Generator[DirectoryDone, None, None]", submit_all(plan, engine, max_parallel=1)
    )
    first = next(outcomes)
    outcomes.close()  # what a for loop's early exit or an exception in its body does

    assert first.directory.slug == QUICK_SITES[0]
    assert first.result.outcome.status is SubmissionStatus.SUBMITTED
    assert _new_submitters(before) == []
    posts = _posts(sandbox)
    assert posts.get(QUICK_SITES[0]) == 1
    assert posts.get(QUICK_SITES[1], 0) <= 1  # at most the directory in hand
    assert all(slug not in posts for slug in QUICK_SITES[2:]), posts
    time.sleep(2)  # nothing is still working in the background
    assert _posts(sandbox) == posts


def test_an_exception_in_the_consumer_stops_the_workers_too(
    migrated_database_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    dsn = migrated_database_url
    plan = _plan(dsn, sandbox, QUICK_SITES)

    def engine() -> SubmissionEngine:
        return SubmissionEngine(LocalEvidenceStore(tmp_path / "e"), journal=AttemptJournal(dsn))

    before = set(threading.enumerate())

    def consume() -> None:
        for _ in submit_all(plan, engine, max_parallel=2):
            raise RuntimeError("recording blew up")

    with pytest.raises(RuntimeError, match="recording blew up"):
        consume()
    assert _new_submitters(before) == []
    posts = _posts(sandbox)
    assert sum(posts.values()) <= 3  # the first, plus one in hand per worker at most
    assert all(count == 1 for count in posts.values())


def test_an_engine_error_after_the_click_is_needs_review_with_the_intent_settled(
    migrated_database_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The engine's own code raises after the directory answered the submit POST (a hook
    installed in the real engine): the directory has the listing, so the outcome is
    `needs_review` and the journal's intent is closed, never `failed`."""
    dsn = migrated_database_url
    plan = _plan(dsn, sandbox, ["citylocal-hub"])
    journal = AttemptJournal(dsn)

    def explode() -> None:
        raise RuntimeError("bug in reading the answer")

    def engine() -> SubmissionEngine:
        return SubmissionEngine(
            LocalEvidenceStore(tmp_path / "e"),
            journal=journal,
            hooks=AttemptHooks(after_submit_answer=explode),
        )

    [done] = list(submit_all(plan, engine))
    outcome = done.result.outcome
    assert outcome.status is SubmissionStatus.NEEDS_REVIEW
    assert "interrupted" in (outcome.reason or "")
    assert _posts(sandbox) == {"citylocal-hub": 1}
    [attempt] = journal.history(plan.job.id, "citylocal-hub")
    assert attempt.result_at is not None and attempt.status is SubmissionStatus.NEEDS_REVIEW
    assert not journal.has_open_intent(plan.job.id, "citylocal-hub")


def test_an_engine_error_before_the_click_is_failed(
    migrated_database_url: str,
    postgres_server: LocalPostgres,
    sandbox: SandboxServer,
    tmp_path: Path,
) -> None:
    """The engine fails before any page is loaded: its directory pace lives in a database
    that lacks the `directory_pace` table (a real Postgres error from the real throttle).
    Nothing can exist at the directory, so the outcome is `failed`."""
    dsn = migrated_database_url
    unmigrated = create_database(postgres_server)
    plan = _plan(dsn, sandbox, ["citylocal-hub", "nearbyguide"])
    journal = AttemptJournal(dsn)

    def engine() -> SubmissionEngine:
        return SubmissionEngine(
            LocalEvidenceStore(tmp_path / "e"),
            journal=journal,
            throttle=PostgresDirectoryThrottle(unmigrated),
        )

    outcomes = {d.directory.slug: d.result.outcome for d in submit_all(plan, engine)}
    assert set(outcomes) == {"citylocal-hub", "nearbyguide"}  # one error stops nothing
    for slug, outcome in outcomes.items():
        assert outcome.status is SubmissionStatus.FAILED, slug
        assert "before the submit click" in (outcome.reason or "")
        assert "directory_pace" in (outcome.reason or "")
        assert journal.history(plan.job.id, slug) == []
    assert _posts(sandbox) == {}


# -- record --------------------------------------------------------------------------------


def _done(plan: JobPlan, status: SubmissionStatus = SubmissionStatus.NEEDS_REVIEW) -> DirectoryDone:
    directory = plan.directories[0]
    return DirectoryDone(
        directory,
        SubmissionResult(
            outcome=SubmissionOutcome(
                status=status, directory_slug=directory.slug, reason="captcha on the form"
            )
        ),
        1.5,
    )


def test_record_rides_out_a_database_blip_with_backoff(
    migrated_database_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    dsn = migrated_database_url
    plan = _plan(dsn, sandbox, ["webfinder-links"])
    _fail_results_writes(dsn, first=2)
    started = time.monotonic()
    record(ResultStore(dsn), tmp_path / "analytics", plan, _done(plan), backoff_s=0.01)
    assert time.monotonic() - started >= 0.01 + 0.02  # waited before each retry
    with psycopg.connect(dsn) as conn:
        [(blips,)] = conn.execute("select last_value from blip_count").fetchall()
    assert blips == 3  # two refused writes, then the one that went through
    assert {k: v.value for k, v in _statuses(dsn, plan).items()} == {
        "webfinder-links": "needs_review"
    }
    assert job_row(dsn, plan.job.id)["directories_done"] == 1
    assert outcome_file(tmp_path / "analytics", plan.job.id, "webfinder-links").is_file()


def test_record_gives_up_after_its_tries(
    migrated_database_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    dsn = migrated_database_url
    plan = _plan(dsn, sandbox, ["webfinder-links"])
    _fail_results_writes(dsn, slug="webfinder-links")
    with pytest.raises(psycopg.OperationalError, match="starting up"):
        record(ResultStore(dsn), tmp_path / "analytics", plan, _done(plan), tries=3, backoff_s=0.01)
    assert _statuses(dsn, plan) == {}
    assert not outcome_file(tmp_path / "analytics", plan.job.id, "webfinder-links").exists()


def _statuses(dsn: str, plan: JobPlan) -> dict[str, SubmissionStatus]:
    from directory_pipeline.store.results import ResultStore

    return ResultStore(dsn).result_statuses(plan.job.id)


# -- paid_job -----------------------------------------------------------------------------


def _materialized(run: dg.ExecuteInProcessResult, asset: str) -> list[dg.AssetMaterialization]:
    return [
        m
        for m in run.asset_materializations_for_node("paid_job")
        if m.asset_key == dg.AssetKey(asset)
    ]


def _materialize_job(
    instance: dg.DagsterInstance,
    resources: dict,
    job_id: str,
    tags: dict[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    """A run of `submit_listings`'s step; without `tags` it is one launched from the UI (no
    job tag, only the partition)."""
    from directory_pipeline.defs.submissions import listing_submission, paid_job

    return dg.materialize(
        [paid_job, listing_submission],
        selection=dg.AssetSelection.assets(paid_job),
        partition_key=job_id,
        instance=instance,
        resources=resources,
        tags=tags,
        raise_on_error=False,
    )


def test_a_run_of_a_job_another_run_holds_does_nothing(
    dagster_env: dict[str, Any], sandbox: SandboxServer
) -> None:
    """The other run is represented by its claim, the very lock a run of `paid_job` holds
    in Postgres while it works on the job."""
    resources, dsn = dagster_env["resources"], dagster_env["dsn"]
    job_id = str(insert_job(dsn, directories=["citylocal-hub"]))

    def flow() -> tuple[dg.ExecuteInProcessResult, dg.ExecuteInProcessResult]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [job_id])
        with advisory_claim(dsn, ClaimKind.JOB_RUN, job_id) as held:
            assert held
            second = run_job(instance, resources, job_id)
        after = run_job(instance, resources, job_id)
        return second, after

    second, after = in_thread(flow)
    assert second.success
    [skipped] = _materialized(second, "paid_job")
    assert "another run" in skipped.metadata["skipped"].value  # type: ignore[attr-defined]
    assert _materialized(second, "listing_submission") == []
    assert after.success
    assert _posts(sandbox) == {"citylocal-hub": 1}  # only the run that got the claim posted
    assert job_row(dsn, uuid.UUID(job_id))["status"] == "completed"


def test_a_finished_job_is_reopened_only_by_staff(
    dagster_env: dict[str, Any], sandbox: SandboxServer
) -> None:
    resources, dsn = dagster_env["resources"], dagster_env["dsn"]
    job_id = insert_job(dsn, status="failed", directories=["citylocal-hub"], error="earlier")

    def flow() -> tuple[dg.ExecuteInProcessResult, dict, dg.ExecuteInProcessResult]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [str(job_id)])
        by_sensor = run_job(instance, resources, str(job_id))  # tagged with the job id
        between = job_row(dsn, job_id)
        by_staff = _materialize_job(instance, resources, str(job_id))
        return by_sensor, between, by_staff

    by_sensor, between, by_staff = in_thread(flow)
    assert by_sensor.success
    [refused] = _materialized(by_sensor, "paid_job")
    assert refused.metadata["job_status"].value == "failed"  # type: ignore[attr-defined]
    assert _materialized(by_sensor, "listing_submission") == []
    assert (between["status"], between["error"]) == ("failed", "earlier")

    assert by_staff.success
    assert len(_materialized(by_staff, "listing_submission")) == 1
    assert _posts(sandbox) == {"citylocal-hub": 1}
    row = job_row(dsn, job_id)
    assert (row["status"], row["error"]) == ("completed", None)


def test_a_directory_that_cannot_be_recorded_does_not_stop_the_others(
    dagster_env: dict[str, Any], sandbox: SandboxServer
) -> None:
    """Postgres refuses every write of one directory's outcome: the run records the others,
    fails saying which one, and leaves the job in progress; a resumed run records the one
    left from the journal, without submitting anything again."""
    resources, dsn = dagster_env["resources"], dagster_env["dsn"]
    job_id = insert_job(dsn, directories=["citylocal-hub", "nearbyguide"])
    _fail_results_writes(dsn, slug="nearbyguide")

    def flow() -> tuple[dg.ExecuteInProcessResult, dict, dg.ExecuteInProcessResult]:
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(JOBS, [str(job_id)])
        broken = _materialize_job(instance, resources, str(job_id), {JOB_TAG: str(job_id)})
        between = job_row(dsn, job_id)
        _heal(dsn)
        resumed = run_job(instance, resources, str(job_id))
        return broken, between, resumed

    broken, between, resumed = in_thread(flow)
    assert not broken.success
    [failure] = [e for e in broken.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "nearbyguide" in str(failure.event_specific_data)
    assert between["status"] == "in_progress"
    assert between["directories_done"] == 1
    assert _posts(sandbox) == {"citylocal-hub": 1, "nearbyguide": 1}

    assert resumed.success
    statuses = {
        m.partition: m.metadata["reused_earlier_attempt"].value  # type: ignore[attr-defined]
        for m in _materialized(resumed, "listing_submission")
    }
    assert set(statuses.values()) == {True}
    assert _posts(sandbox) == {"citylocal-hub": 1, "nearbyguide": 1}  # nothing posted again
    row = job_row(dsn, job_id)
    assert (row["status"], row["directories_done"]) == ("completed", 2)


# -- lifecycle sensors ---------------------------------------------------------------------


@dg.op
def _noop() -> None:
    pass


@dg.job
def placeholder() -> None:
    """Stands in for `submit_listings` when a run is created directly on the instance."""
    _noop()


def _run(
    instance: dg.DagsterInstance,
    tags: dict[str, str],
    status: dg.DagsterRunStatus = dg.DagsterRunStatus.STARTED,
) -> dg.DagsterRun:
    """A run of `placeholder` in `status`, as the daemon would have launched it (a queued
    run must name the code location it comes from)."""
    from dagster._core.remote_origin import RegisteredCodeLocationOrigin, RemoteRepositoryOrigin

    origin = RemoteRepositoryOrigin(
        RegisteredCodeLocationOrigin("directory_pipeline"), "__repository__"
    ).get_job_origin("placeholder")
    return instance.create_run_for_job(
        placeholder, tags=tags, status=status, remote_job_origin=origin
    )


def _failed(
    dsn: str, instance: dg.DagsterInstance, tags: dict[str, str], will_retry: bool = False
) -> dg.RunFailureSensorContext:
    run = _run(instance, tags)
    event = instance.report_run_failed(run, "the run worker was lost")
    if will_retry:  # what Dagster's run retries put on a run it is about to retry
        instance.add_run_tags(run.run_id, {"dagster/will_retry": "true"})
    ended = instance.get_run_by_id(run.run_id)
    assert ended is not None and ended.status is dg.DagsterRunStatus.FAILURE
    return dg.build_run_status_sensor_context(
        sensor_name="failed_job_run_sensor",
        dagster_instance=instance,
        dagster_run=ended,
        dagster_event=event,
        resources={"supabase": SupabaseResource(database_url=dsn)},
    ).for_run_failure()


def _cancelled(
    dsn: str, instance: dg.DagsterInstance, tags: dict[str, str], will_retry: bool = False
) -> dg.RunStatusSensorContext:
    run = _run(instance, tags)
    event = instance.report_run_canceled(run)
    if will_retry:
        instance.add_run_tags(run.run_id, {"dagster/will_retry": "true"})
    ended = instance.get_run_by_id(run.run_id)
    assert ended is not None and ended.status is dg.DagsterRunStatus.CANCELED
    return dg.build_run_status_sensor_context(
        sensor_name="cancelled_job_run_sensor",
        dagster_instance=instance,
        dagster_run=ended,
        dagster_event=event,
        resources={"supabase": SupabaseResource(database_url=dsn)},
    )


@pytest.fixture
def lifecycle_dsn(migrated_database_url: str) -> str:
    return migrated_database_url


def test_a_failed_run_never_overwrites_a_completed_job(lifecycle_dsn: str) -> None:
    dsn = lifecycle_dsn
    job_id = insert_job(dsn, status="completed", directories=["a"])
    insert_result(dsn, job_id, "a", "submitted")
    before = job_row(dsn, job_id)

    def flow() -> None:
        failed_job_run_sensor(_failed(dsn, dg.DagsterInstance.ephemeral(), {JOB_TAG: str(job_id)}))

    in_thread(flow)
    assert job_row(dsn, job_id) == before


def test_a_failed_run_that_will_be_retried_leaves_its_job_to_the_retry(
    lifecycle_dsn: str,
) -> None:
    dsn = lifecycle_dsn
    job_id = insert_job(dsn, status="in_progress", directories=["a", "b"])
    insert_result(dsn, job_id, "a", "submitted")

    def flow() -> None:
        instance = dg.DagsterInstance.ephemeral()
        failed_job_run_sensor(_failed(dsn, instance, {JOB_TAG: str(job_id)}, will_retry=True))
        cancelled_job_run_sensor(_cancelled(dsn, instance, {JOB_TAG: str(job_id)}, will_retry=True))

    in_thread(flow)
    row = job_row(dsn, job_id)
    assert (row["status"], row["error"]) == ("in_progress", None)


def test_a_failed_run_with_every_directory_recorded_settles_from_the_results(
    lifecycle_dsn: str,
) -> None:
    dsn = lifecycle_dsn
    job_id = insert_job(dsn, status="in_progress", directories=["a", "b"])
    insert_result(dsn, job_id, "a", "submitted")
    insert_result(dsn, job_id, "b", "needs_review")

    def flow() -> None:
        failed_job_run_sensor(_failed(dsn, dg.DagsterInstance.ephemeral(), {JOB_TAG: str(job_id)}))

    in_thread(flow)
    row = job_row(dsn, job_id)
    assert (row["status"], row["error"]) == ("partially_completed", None)


def test_a_failed_run_with_directories_missing_leaves_the_job_to_be_resumed(
    lifecycle_dsn: str,
) -> None:
    """The run was launched by staff (no job tag): the job is found from its partition, and
    with directories still open it stays in progress for the stalled-job sweep."""
    dsn = lifecycle_dsn
    job_id = insert_job(dsn, status="in_progress", directories=["a", "b", "c"])
    insert_result(dsn, job_id, "a", "submitted")

    def flow() -> None:
        tags = {"dagster/partition": str(job_id)}
        failed_job_run_sensor(_failed(dsn, dg.DagsterInstance.ephemeral(), tags))

    in_thread(flow)
    row = job_row(dsn, job_id)
    assert row["status"] == "in_progress" and row["error"] is None


def test_after_its_last_run_fails_a_job_ends_honestly_with_the_reason(
    lifecycle_dsn: str,
) -> None:
    """Three runs of the job already: no more resumes. One directory got through, so the
    job is partially completed, and the error says how far it got."""
    from directory_pipeline.defs.job_lifecycle import MAX_RUNS_PER_JOB

    dsn = lifecycle_dsn
    job_id = insert_job(dsn, status="in_progress", directories=["a", "b", "c"])
    insert_result(dsn, job_id, "a", "submitted")

    def flow() -> None:
        instance = dg.DagsterInstance.ephemeral()
        tags = {JOB_TAG: str(job_id)}
        for _ in range(MAX_RUNS_PER_JOB - 1):
            _run(instance, tags, dg.DagsterRunStatus.FAILURE)
        failed_job_run_sensor(_failed(dsn, instance, tags))

    in_thread(flow)
    row = job_row(dsn, job_id)
    assert row["status"] == "partially_completed"
    assert "the run worker was lost" in row["error"]
    assert "(1 of 3 directories done)" in row["error"]


def test_a_failed_run_of_no_job_changes_nothing(lifecycle_dsn: str) -> None:
    dsn = lifecycle_dsn
    job_id = insert_job(dsn, status="in_progress", directories=["a"])

    def flow() -> None:
        instance = dg.DagsterInstance.ephemeral()
        failed_job_run_sensor(_failed(dsn, instance, {}))
        failed_job_run_sensor(_failed(dsn, instance, {JOB_TAG: "not-a-uuid"}))

    in_thread(flow)
    assert job_row(dsn, job_id)["status"] == "in_progress"


def test_a_cancelled_run_ends_its_job_honestly(lifecycle_dsn: str) -> None:
    dsn = lifecycle_dsn
    half_done = insert_job(dsn, status="in_progress", directories=["a", "b"])
    insert_result(dsn, half_done, "a", "submitted")
    all_done = insert_job(dsn, status="in_progress", directories=["a"])
    insert_result(dsn, all_done, "a", "submitted")
    finished = insert_job(dsn, status="partially_completed", directories=["a"])
    before = job_row(dsn, finished)

    def flow() -> None:
        instance = dg.DagsterInstance.ephemeral()
        for job_id in (half_done, all_done, finished):
            cancelled_job_run_sensor(_cancelled(dsn, instance, {JOB_TAG: str(job_id)}))

    in_thread(flow)
    row = job_row(dsn, half_done)
    assert row["status"] == "partially_completed"  # one directory got through
    assert row["error"] == "its run was cancelled (1 of 2 directories done)"
    assert job_row(dsn, all_done)["status"] == "completed"
    assert job_row(dsn, finished) == before


ALIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
ENDED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def test_has_live_run_sees_queued_and_running_runs_of_the_job_only() -> None:
    def flow() -> dict[str, bool]:
        instance = dg.DagsterInstance.ephemeral()
        seen = {}
        for status in ALIVE + ENDED:
            job_id = str(uuid.uuid4())
            _run(instance, {JOB_TAG: job_id}, status)
            _run(instance, {JOB_TAG: str(uuid.uuid4())}, dg.DagsterRunStatus.STARTED)
            seen[status.value] = has_live_run(instance, job_id)
        return seen

    seen = in_thread(flow)
    assert seen == {s.value: s in ALIVE for s in ALIVE + ENDED}


def test_the_stalled_job_sweep_resumes_idle_jobs_with_no_live_run(lifecycle_dsn: str) -> None:
    dsn = lifecycle_dsn
    never_ran = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    run_died = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    insert_result(dsn, run_died, "a", "submitted", minutes_ago=20)
    queued = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    running = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    busy = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    insert_result(dsn, busy, "a", "submitted", minutes_ago=1)
    insert_job(dsn, status="pending", created_minutes_ago=60)  # the pending sweep's, not this
    insert_job(dsn, status="failed", total=1, started_minutes_ago=60)
    resources = {
        "supabase": SupabaseResource(database_url=dsn),
        "policy": JobPolicyResource(stalled_minutes=10),
    }

    def flow() -> tuple[dg.SensorResult, dg.SensorResult, dg.SensorResult]:
        instance = dg.DagsterInstance.ephemeral()
        _run(instance, {JOB_TAG: str(run_died)}, dg.DagsterRunStatus.FAILURE)
        _run(instance, {JOB_TAG: str(queued)}, dg.DagsterRunStatus.QUEUED)
        _run(instance, {JOB_TAG: str(running)}, dg.DagsterRunStatus.STARTED)

        def tick() -> dg.SensorResult:
            context = dg.build_sensor_context(instance=instance, resources=resources)
            # `running`'s worker is alive: it holds the job's run claim
            with advisory_claim(dsn, ClaimKind.JOB_RUN, str(running)) as held:
                assert held
                result = stalled_jobs_sensor(context)
            assert isinstance(result, dg.SensorResult)
            return result

        first = tick()
        # The resume of `never_ran` is queued; `run_died`'s resume dies as well.
        _run(instance, {JOB_TAG: str(never_ran)}, dg.DagsterRunStatus.QUEUED)
        _run(instance, {JOB_TAG: str(run_died)}, dg.DagsterRunStatus.FAILURE)
        second = tick()
        return first, second, tick()

    first, second, third = in_thread(flow)
    requests = {r.partition_key: r for r in first.run_requests or []}
    assert set(requests) == {str(never_ran), str(run_died)}
    assert requests[str(never_ran)].run_key == f"{never_ran}:resume:0"
    assert requests[str(run_died)].run_key == f"{run_died}:resume:1"
    for job_id, request in requests.items():
        assert request.tags[JOB_TAG] == job_id
    [partitions] = first.dynamic_partitions_requests or []
    assert set(partitions.partition_keys or []) == set(requests)  # type: ignore[union-attr]

    # A resume that died too is followed by another, under a run key not used before.
    assert [r.run_key for r in second.run_requests or []] == [f"{run_died}:resume:2"]
    assert [r.run_key for r in third.run_requests or []] == [f"{run_died}:resume:2"]


def test_a_started_run_whose_worker_died_is_failed_and_its_job_resumed(
    lifecycle_dsn: str,
) -> None:
    """Dagster still calls the run started, but no worker holds the job's run claim in
    Postgres (the daemon died with it): the sweep fails that run and resumes the job. While a
    worker holds the claim, the same run is left alone."""
    dsn = lifecycle_dsn
    orphaned = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    working = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    resources = {
        "supabase": SupabaseResource(database_url=dsn),
        "policy": JobPolicyResource(stalled_minutes=10),
    }

    def flow() -> tuple[dg.SensorResult, dict[str, dg.DagsterRunStatus]]:
        instance = dg.DagsterInstance.ephemeral()
        lost = _run(instance, {JOB_TAG: str(orphaned)}, dg.DagsterRunStatus.STARTED)
        alive = _run(instance, {JOB_TAG: str(working)}, dg.DagsterRunStatus.STARTED)
        with advisory_claim(dsn, ClaimKind.JOB_RUN, str(working)) as held:
            assert held
            result = stalled_jobs_sensor(
                dg.build_sensor_context(instance=instance, resources=resources)
            )
        assert isinstance(result, dg.SensorResult)
        statuses = {}
        for run in (lost, alive):
            record = instance.get_run_by_id(run.run_id)
            assert record is not None
            statuses[run.run_id] = record.status
        return result, {"lost": statuses[lost.run_id], "alive": statuses[alive.run_id]}

    result, statuses = in_thread(flow)
    assert [r.run_key for r in result.run_requests or []] == [f"{orphaned}:resume:1"]
    assert statuses == {
        "lost": dg.DagsterRunStatus.FAILURE,
        "alive": dg.DagsterRunStatus.STARTED,
    }
