"""Recording a job's outcomes: Supabase's `job_results` and progress, the analyst table,
and the job's final status."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import psycopg

from directory_pipeline.analytics.outcome_files import recorded_outcome, write_outcome
from directory_pipeline.domain import JobStatus, SubmissionStatus
from directory_pipeline.domain.job import final_status
from directory_pipeline.paid_jobs.plan import JobPlan
from directory_pipeline.paid_jobs.worker_pool import DirectoryDone
from directory_pipeline.store.results import ResultStore

# How far a submission's record can move after its attempt, forward only.
_LATER = {
    SubmissionStatus.NEEDS_REVIEW: {SubmissionStatus.SUBMITTED, SubmissionStatus.LIVE},
    SubmissionStatus.SUBMITTED: {SubmissionStatus.LIVE},
}


def moved_on(recorded: SubmissionStatus | None, attempt: SubmissionStatus) -> bool:
    """Whether the record is further along than the attempt's own outcome."""
    return recorded is not None and recorded in _LATER.get(attempt, set())


def recorded_status(root: Path, job_id: uuid.UUID, slug: str) -> SubmissionStatus | None:
    """The status the outcome file of (job, directory) holds, if it exists."""
    row = recorded_outcome(root, job_id, slug)
    return SubmissionStatus(row["status"]) if row is not None else None


def record(
    results: ResultStore,
    analytics_root: Path,
    plan: JobPlan,
    done: DirectoryDone,
    *,
    tries: int = 4,
    backoff_s: float = 1.0,
) -> None:
    """Supabase row, progress counter and analyst table for one directory's outcome; a
    database blip is retried with backoff before the error is raised. An earlier attempt's
    outcome that a re-run reuses never overwrites a record that has moved on since (a
    verification e-mail confirmed it, the listing was seen live): only progress is counted."""
    outcome = done.result.outcome
    keep_record = done.result.reused and moved_on(
        recorded_status(analytics_root, plan.job.id, done.directory.slug), outcome.status
    )
    for attempt in range(tries):
        try:
            if not keep_record:
                results.upsert_result(plan.job.id, outcome)
            results.record_progress(plan.job.id)
            break
        except psycopg.OperationalError:
            if attempt == tries - 1:
                raise
            time.sleep(backoff_s * 2**attempt)
    if keep_record:
        return
    write_outcome(
        analytics_root,
        plan.job.id,
        plan.job.package,
        done.directory,
        outcome,
        done.result.plan_source,
        done.duration_s,
        reason_code=done.result.reason.value if done.result.reason else None,
        mapping_confidence=done.result.mapping_confidence,
    )


def settle(results: ResultStore, job_id: uuid.UUID, statuses: list[SubmissionStatus]) -> JobStatus:
    """The job's final status from its directories' outcomes (forward only): the status the
    job has afterwards, which is the earlier one if it was already finished."""
    status = final_status(statuses)
    if results.mark_finished(job_id, status):
        return status
    return results.job_status(job_id) or status
