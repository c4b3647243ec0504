"""Writing a confirmed verification where the submission's outcome lives: the outcome file
(the run's record, which `repair_job_results` rebuilds Supabase from) and `job_results`."""

from __future__ import annotations

import uuid
from pathlib import Path

from directory_pipeline.analytics.outcome_files import recorded_outcome, rewrite_outcome
from directory_pipeline.domain import (
    DirectoryEntry,
    Evidence,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.store.results import ResultStore
from directory_pipeline.verification.link_visit import LinkJudgement, LinkVisit


class NotAwaitingVerification(RuntimeError):
    """The recorded outcome is not a `needs_review` waiting for mail: nothing moves."""


def confirmed_outcome(
    previous: SubmissionOutcome, judgement: LinkJudgement, visit: LinkVisit, evidence: Evidence
) -> SubmissionOutcome:
    """`needs_review` → `submitted`, with the confirmation page as its proof."""
    if previous.status is not SubmissionStatus.NEEDS_REVIEW or not judgement.proves_submission:
        raise NotAwaitingVerification(f"{previous.directory_slug}: {previous.status.value}")
    return SubmissionOutcome(
        status=SubmissionStatus.SUBMITTED,
        directory_slug=previous.directory_slug,
        confirmation_text=judgement.said,
        final_url=visit.final_url,
        evidence=evidence,
        attempts=previous.attempts,
        plan_fingerprint=previous.plan_fingerprint,
    ).stamped()


def record_confirmation(
    results: ResultStore,
    outcomes_root: Path,
    job_id: uuid.UUID,
    directory: DirectoryEntry,
    judgement: LinkJudgement,
    visit: LinkVisit,
    evidence: Evidence,
) -> SubmissionOutcome:
    """Move one recorded `needs_review` to `submitted`: the outcome file first (the
    record), then Supabase's copy."""
    row = recorded_outcome(outcomes_root, job_id, directory.slug)
    if row is None:
        raise NotAwaitingVerification(f"{directory.slug}: no recorded outcome")
    previous = SubmissionOutcome(
        status=SubmissionStatus(row["status"]),
        directory_slug=directory.slug,
        reason=row["reason"],
        attempts=int(row["attempts"]),
        plan_fingerprint=row["plan_fingerprint"],
        final_url=row["final_url"],
    )
    outcome = confirmed_outcome(previous, judgement, visit, evidence)
    rewrite_outcome(outcomes_root, job_id, directory, outcome, row)
    results.upsert_result(job_id, outcome)
    return outcome
