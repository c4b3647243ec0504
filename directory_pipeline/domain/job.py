"""Lifecycle of a row in the `jobs` table (contracts §4.1): forward only.

`pending → in_progress → completed | partially_completed | failed`. A finished job is never
reopened, except by an explicit staff re-run; nothing else (no sensor, no retry) moves a
finished status. Every transition the project writes is checked here, and the SQL that
writes it is conditioned on the same table (`store/results.py`).
"""

from __future__ import annotations

from enum import StrEnum

from directory_pipeline.domain.outcome import SubmissionStatus


class JobStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIALLY_COMPLETED = "partially_completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.PARTIALLY_COMPLETED, JobStatus.FAILED})

_FORWARD: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.PENDING: frozenset({JobStatus.IN_PROGRESS, JobStatus.FAILED}),
    JobStatus.IN_PROGRESS: FINAL_STATUSES | {JobStatus.IN_PROGRESS},
}


def may_move(current: JobStatus, target: JobStatus, *, staff_rerun: bool = False) -> bool:
    """Whether a job may go from `current` to `target`. Only a staff re-run reopens a
    finished job (to `in_progress`)."""
    if current.is_final:
        return staff_rerun and target is JobStatus.IN_PROGRESS
    return target in _FORWARD[current]


def statuses_that_may_move_to(target: JobStatus, *, staff_rerun: bool = False) -> list[str]:
    """The `status` values an UPDATE to `target` may start from (for its WHERE clause)."""
    return [s.value for s in JobStatus if may_move(s, target, staff_rerun=staff_rerun)]


def final_status(statuses: list[SubmissionStatus]) -> JobStatus:
    """What a job's directories add up to: completed when every one is submitted, live or
    skipped by policy; failed when nothing got through and something failed;
    partially_completed for anything in between."""
    success = {SubmissionStatus.SUBMITTED, SubmissionStatus.LIVE, SubmissionStatus.SKIPPED}
    if statuses and all(s in success for s in statuses):
        return JobStatus.COMPLETED
    if any(s is SubmissionStatus.FAILED for s in statuses) and not any(
        s.counts_as_success for s in statuses
    ):
        return JobStatus.FAILED
    return JobStatus.PARTIALLY_COMPLETED
