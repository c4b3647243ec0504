"""A job's status moves forward only (contracts §4.1): the transition table itself, and the
conditional SQL in `store/results.py` that writes it, against a real Postgres (the suite's
embedded server, a fresh migrated database per test). Nothing here is faked."""

from __future__ import annotations

import itertools
import threading
import uuid

import pytest

from directory_pipeline.domain import JobStatus, SubmissionStatus
from directory_pipeline.domain.job import FINAL_STATUSES, may_move, statuses_that_may_move_to
from directory_pipeline.store.results import ResultStore
from directory_pipeline_tests.job_rows import insert_job, insert_result, job_row

PEND, PROG, DONE, PART, FAIL = (
    JobStatus.PENDING,
    JobStatus.IN_PROGRESS,
    JobStatus.COMPLETED,
    JobStatus.PARTIALLY_COMPLETED,
    JobStatus.FAILED,
)

# Every move the lifecycle allows; anything else is refused.
FORWARD = {(PEND, PROG), (PEND, FAIL), (PROG, PROG), (PROG, DONE), (PROG, PART), (PROG, FAIL)}
# A finished job is reopened only by an explicit staff re-run.
STAFF_ONLY = {(DONE, PROG), (PART, PROG), (FAIL, PROG)}


@pytest.mark.parametrize(
    ("current", "target", "staff_rerun"),
    list(itertools.product(JobStatus, JobStatus, [False, True])),
    ids=lambda v: v.value if isinstance(v, JobStatus) else ("staff" if v else "auto"),
)
def test_every_transition(current: JobStatus, target: JobStatus, staff_rerun: bool) -> None:
    expected = (current, target) in FORWARD or (staff_rerun and (current, target) in STAFF_ONLY)
    assert may_move(current, target, staff_rerun=staff_rerun) is expected


def test_the_where_clauses_come_from_the_same_table() -> None:
    assert statuses_that_may_move_to(JobStatus.IN_PROGRESS) == ["pending", "in_progress"]
    assert sorted(statuses_that_may_move_to(JobStatus.IN_PROGRESS, staff_rerun=True)) == sorted(
        ["pending", "in_progress", "completed", "partially_completed", "failed"]
    )
    assert statuses_that_may_move_to(JobStatus.COMPLETED) == ["in_progress"]
    assert statuses_that_may_move_to(JobStatus.FAILED) == ["pending", "in_progress"]
    assert statuses_that_may_move_to(JobStatus.PENDING) == []
    assert statuses_that_may_move_to(JobStatus.PENDING, staff_rerun=True) == []
    assert {s for s in JobStatus if s.is_final} == FINAL_STATUSES


# -- mark_finished ----------------------------------------------------------------------


@pytest.mark.parametrize("finished", sorted(FINAL_STATUSES))
@pytest.mark.parametrize("target", sorted(FINAL_STATUSES))
def test_mark_finished_never_overwrites_a_finished_job(
    migrated_database_url: str, finished: JobStatus, target: JobStatus
) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status=finished.value, total=2, error="what happened first")
    before = job_row(dsn, job_id)
    assert ResultStore(dsn).mark_finished(job_id, target, "a late writer") is False
    after = job_row(dsn, job_id)
    assert after["status"] == finished.value
    assert after["error"] == "what happened first"
    assert after["completed_at"] == before["completed_at"]


@pytest.mark.parametrize("target", sorted(FINAL_STATUSES))
def test_mark_finished_settles_a_job_in_progress(
    migrated_database_url: str, target: JobStatus
) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status="in_progress", total=1, started_minutes_ago=1)
    assert ResultStore(dsn).mark_finished(job_id, target, "why") is True
    row = job_row(dsn, job_id)
    assert (row["status"], row["error"]) == (target.value, "why")
    assert row["completed_at"] is not None


def test_a_pending_job_may_only_fail(migrated_database_url: str) -> None:
    """A job that never started cannot be `completed` by anyone; it can fail (its run died
    before it started)."""
    dsn = migrated_database_url
    job_id = insert_job(dsn)
    assert ResultStore(dsn).mark_finished(job_id, JobStatus.COMPLETED) is False
    assert ResultStore(dsn).mark_finished(job_id, JobStatus.PARTIALLY_COMPLETED) is False
    assert job_row(dsn, job_id)["status"] == "pending"
    assert ResultStore(dsn).mark_finished(job_id, JobStatus.FAILED, "no profile") is True
    assert job_row(dsn, job_id)["status"] == "failed"


def test_mark_finished_on_an_unknown_job_is_false(migrated_database_url: str) -> None:
    assert ResultStore(migrated_database_url).mark_finished(uuid.uuid4(), JobStatus.FAILED) is False


def test_racing_writers_settle_a_job_exactly_once(migrated_database_url: str) -> None:
    """Eight writers (a run finishing, sensors reacting) try to finish one job at the same
    moment, each on a connection of its own: the row lock and the conditional WHERE let one
    through; the others see a finished job."""
    dsn = migrated_database_url
    job_id = insert_job(dsn, status="in_progress", total=1, started_minutes_ago=1)
    targets = [DONE, FAIL, PART, FAIL, DONE, FAIL, PART, DONE]
    barrier = threading.Barrier(len(targets))
    won: dict[int, bool] = {}

    def write(index: int, target: JobStatus) -> None:
        barrier.wait(timeout=30)
        won[index] = ResultStore(dsn).mark_finished(job_id, target, f"writer {index}")

    threads = [threading.Thread(target=write, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    [winner] = [i for i, ok in won.items() if ok]
    assert len(won) == len(targets)
    row = job_row(dsn, job_id)
    assert (row["status"], row["error"]) == (targets[winner].value, f"writer {winner}")


# -- mark_started -----------------------------------------------------------------------


def test_mark_started_moves_a_pending_job_in_progress(migrated_database_url: str) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, directories=["a", "b"])
    assert ResultStore(dsn).mark_started(job_id, 3) is True
    row = job_row(dsn, job_id)
    assert (row["status"], row["directories_total"]) == ("in_progress", 3)
    assert row["started_at"] is not None and row["completed_at"] is None


def test_a_resumed_job_keeps_its_first_start(migrated_database_url: str) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    started = job_row(dsn, job_id)["started_at"]
    assert ResultStore(dsn).mark_started(job_id, 2) is True
    assert job_row(dsn, job_id)["started_at"] == started


@pytest.mark.parametrize("finished", sorted(FINAL_STATUSES))
def test_mark_started_refuses_a_finished_job_unless_staff_rerun_it(
    migrated_database_url: str, finished: JobStatus
) -> None:
    dsn = migrated_database_url
    job_id = insert_job(
        dsn, status=finished.value, total=2, started_minutes_ago=60, error="earlier"
    )
    before = job_row(dsn, job_id)
    assert ResultStore(dsn).mark_started(job_id, 5) is False
    assert ResultStore(dsn).mark_started(job_id, 5, staff_rerun=False) is False
    untouched = job_row(dsn, job_id)
    assert untouched == before

    assert ResultStore(dsn).mark_started(job_id, 5, staff_rerun=True) is True
    reopened = job_row(dsn, job_id)
    assert reopened["status"] == "in_progress"
    assert reopened["directories_total"] == 5
    assert reopened["completed_at"] is None and reopened["error"] is None
    assert reopened["started_at"] == before["started_at"]


def test_mark_started_on_an_unknown_job_is_false(migrated_database_url: str) -> None:
    assert (
        ResultStore(migrated_database_url).mark_started(uuid.uuid4(), 1, staff_rerun=True) is False
    )


# -- settle_after_run_ended ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        ({"a": "submitted", "b": "skipped"}, JobStatus.COMPLETED),
        ({"a": "submitted", "b": "needs_review"}, JobStatus.PARTIALLY_COMPLETED),
        ({"a": "failed", "b": "rejected"}, JobStatus.FAILED),
    ],
)
def test_a_run_that_ended_after_recording_everything_settles_from_the_results(
    migrated_database_url: str, recorded: dict[str, str], expected: JobStatus
) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status="in_progress", directories=list(recorded))
    for slug, status in recorded.items():
        insert_result(dsn, job_id, slug, status)
    assert ResultStore(dsn).settle_after_run_ended(job_id, "run failed: boom") is expected
    row = job_row(dsn, job_id)
    assert row["status"] == expected.value
    assert row["error"] is None
    assert row["completed_at"] is not None


@pytest.mark.parametrize(
    ("start", "recorded", "expected"),
    [
        ("in_progress", "submitted", JobStatus.PARTIALLY_COMPLETED),
        ("in_progress", "failed", JobStatus.FAILED),
        ("pending", "failed", JobStatus.FAILED),  # pending may only fail (never started)
    ],
)
def test_a_run_that_ended_with_directories_missing_ends_the_job_and_says_how_many(
    migrated_database_url: str, start: str, recorded: str, expected: JobStatus
) -> None:
    """Directories never settled count as failed: a job where something got through is
    partially completed, one where nothing did is failed."""
    dsn = migrated_database_url
    job_id = insert_job(dsn, status=start, directories=["a", "b", "c"])
    insert_result(dsn, job_id, "a", recorded)
    assert ResultStore(dsn).settle_after_run_ended(job_id, "its run was cancelled") is expected
    row = job_row(dsn, job_id)
    assert row["status"] == expected.value
    assert row["error"] == "its run was cancelled (1 of 3 directories done)"
    assert ResultStore(dsn).result_statuses(job_id) == {"a": SubmissionStatus(recorded)}


def test_a_resumable_job_with_directories_missing_stays_in_progress(
    migrated_database_url: str,
) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status="in_progress", directories=["a", "b"])
    insert_result(dsn, job_id, "a", "submitted")
    assert ResultStore(dsn).settle_after_run_ended(job_id, "run failed", may_resume=True) is None
    assert job_row(dsn, job_id)["status"] == "in_progress"


@pytest.mark.parametrize("finished", sorted(FINAL_STATUSES))
def test_a_finished_job_is_left_alone_when_a_later_run_ends(
    migrated_database_url: str, finished: JobStatus
) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status=finished.value, directories=["a", "b"])
    insert_result(dsn, job_id, "a", "submitted")
    before = job_row(dsn, job_id)
    assert ResultStore(dsn).settle_after_run_ended(job_id, "run failed") is None
    assert job_row(dsn, job_id) == before


def test_settling_an_unknown_job_is_none(migrated_database_url: str) -> None:
    assert ResultStore(migrated_database_url).settle_after_run_ended(uuid.uuid4(), "x") is None


def test_result_statuses_reads_each_directory(migrated_database_url: str) -> None:
    dsn = migrated_database_url
    job_id = insert_job(dsn, status="in_progress", directories=["a", "b"])
    other = insert_job(dsn, status="in_progress", directories=["a"])
    insert_result(dsn, job_id, "a", "submitted")
    insert_result(dsn, job_id, "b", "needs_review")
    insert_result(dsn, other, "a", "failed")
    assert {k: v.value for k, v in ResultStore(dsn).result_statuses(job_id).items()} == {
        "a": "submitted",
        "b": "needs_review",
    }
    assert ResultStore(dsn).result_statuses(uuid.uuid4()) == {}


# -- in_progress_jobs_idle_for ------------------------------------------------------------


def test_idle_jobs_are_those_in_progress_whose_results_stopped_moving(
    migrated_database_url: str,
) -> None:
    dsn = migrated_database_url
    never_recorded = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=30)
    stale_results = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=60)
    insert_result(dsn, stale_results, "a", "submitted", minutes_ago=20)
    busy = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=60)
    insert_result(dsn, busy, "a", "submitted", minutes_ago=40)
    insert_result(dsn, busy, "b", "submitted", minutes_ago=1)  # the latest result counts
    just_started = insert_job(dsn, status="in_progress", total=2, started_minutes_ago=2)
    no_start_time = insert_job(dsn, status="in_progress", total=1, created_minutes_ago=45)
    insert_job(dsn, status="pending", created_minutes_ago=60)
    for final in ("completed", "partially_completed", "failed"):
        insert_job(dsn, status=final, total=1, started_minutes_ago=90)

    idle = ResultStore(dsn).in_progress_jobs_idle_for(15)
    assert set(idle) == {never_recorded, stale_results, no_start_time}
    assert idle == sorted(idle, key=lambda j: job_row(dsn, j)["created_at"])
    assert busy not in idle and just_started not in idle
    assert set(ResultStore(dsn).in_progress_jobs_idle_for(0.5)) == {
        never_recorded,
        stale_results,
        no_start_time,
        busy,
        just_started,
    }
    assert ResultStore(dsn).in_progress_jobs_idle_for(120) == []
