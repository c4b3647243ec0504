"""A staff re-run reuses an earlier attempt's outcome from the journal; it must never write
that older status over a record that has moved on since (a verification e-mail confirmed
the submission). Real Postgres and outcome files; the run's `record()` itself."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from directory_pipeline.analytics.drift import job_results_drift
from directory_pipeline.analytics.outcome_files import read_outcomes, write_outcome
from directory_pipeline.browser.engine import SubmissionResult
from directory_pipeline.browser.judge import Reason
from directory_pipeline.domain import (
    BusinessProfile,
    DirectoryEntry,
    Evidence,
    JobStatus,
    Package,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.paid_jobs.plan import JobPlan
from directory_pipeline.paid_jobs.recording import moved_on, record
from directory_pipeline.paid_jobs.worker_pool import DirectoryDone
from directory_pipeline.store.database import connect
from directory_pipeline.store.jobs import JobRow, JobStore
from directory_pipeline.store.results import ResultStore
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

DIRECTORY = DirectoryEntry(
    slug="mailcheck",
    name="Mail Check",
    submit_url="https://mailcheck.example/add",
    tier=Package.STARTER,
)


def test_forward_only() -> None:
    assert moved_on(SubmissionStatus.SUBMITTED, SubmissionStatus.NEEDS_REVIEW)
    assert moved_on(SubmissionStatus.LIVE, SubmissionStatus.SUBMITTED)
    assert not moved_on(SubmissionStatus.NEEDS_REVIEW, SubmissionStatus.NEEDS_REVIEW)
    assert not moved_on(SubmissionStatus.REJECTED, SubmissionStatus.SUBMITTED)
    assert not moved_on(None, SubmissionStatus.SUBMITTED)


def test_a_reused_needs_review_does_not_undo_a_confirmed_verification(
    migrated_database_url: str, tmp_path: Path
) -> None:
    dsn, root, job = migrated_database_url, tmp_path / "analytics", uuid.uuid4()
    with connect(dsn) as conn:
        conn.execute(
            "insert into jobs (id, customer_id, package, status) "
            "values (%s, %s, 'starter', 'in_progress')",
            (job, uuid.uuid4()),
        )
    waiting = SubmissionOutcome(
        status=SubmissionStatus.NEEDS_REVIEW,
        directory_slug=DIRECTORY.slug,
        reason=Reason.VERIFICATION.sentence,
    )
    confirmed = SubmissionOutcome(
        status=SubmissionStatus.SUBMITTED,
        directory_slug=DIRECTORY.slug,
        confirmation_text="Your e-mail address is confirmed.",
        final_url="https://mailcheck.example/verify/1",
        evidence=Evidence(uri="file:///e", screenshot_uri="file:///e/verification.jpg"),
        submitted_at=dt.datetime.now(dt.UTC),
    )
    results = ResultStore(dsn)
    results.upsert_result(job, confirmed)  # what the verification pass recorded
    write_outcome(root, job, "starter", DIRECTORY, confirmed, "heuristic", 2.0)
    row = JobRow(
        id=job, customer_id=uuid.uuid4(), package="starter", status=JobStatus.IN_PROGRESS,
        business=SAMPLE_PROFILE, directories_total=1, directories_done=0,
        requested_directories=None, created_at=dt.datetime.now(dt.UTC), started_at=None,
        completed_at=None, error=None,
    )  # fmt: skip
    plan = JobPlan(
        job=row, profile=BusinessProfile.model_validate(SAMPLE_PROFILE), directories=[DIRECTORY]
    )

    reused = SubmissionResult(outcome=waiting, reused=True)
    record(results, root, plan, DirectoryDone(directory=DIRECTORY, result=reused, duration_s=0.1))

    assert results.result_statuses(job) == {DIRECTORY.slug: SubmissionStatus.SUBMITTED}
    assert read_outcomes(root, [str(job)]).iloc[0]["status"] == "submitted"
    assert job_results_drift(JobStore(dsn), root, job) == []

    # A new attempt (not reused) is recorded as it is: forcing is staff's explicit choice.
    fresh = SubmissionResult(outcome=waiting, reused=False)
    record(results, root, plan, DirectoryDone(directory=DIRECTORY, result=fresh, duration_s=0.1))
    assert results.result_statuses(job) == {DIRECTORY.slug: SubmissionStatus.NEEDS_REVIEW}
