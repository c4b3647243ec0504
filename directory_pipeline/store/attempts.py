"""The attempt journal: exactly-once submissions across crashes and re-runs.

The intent is written (and committed) before the submit click and the result after it. A
(job, directory) with an intent but no result was interrupted at the worst moment: the
directory may or may not have the listing, so it is settled as `needs_review`, never
submitted again unless staff force it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel

from directory_pipeline.domain import Evidence, SubmissionOutcome, SubmissionStatus
from directory_pipeline.store.claims import ClaimKind, advisory_claim
from directory_pipeline.store.database import connect


class Attempt(BaseModel):
    id: int
    job_id: uuid.UUID
    directory_slug: str
    attempt_no: int
    forced: bool
    plan_fingerprint: str | None
    intent_at: dt.datetime
    result_at: dt.datetime | None
    status: SubmissionStatus | None
    error: str | None
    evidence_uri: str | None
    confirmation_text: str | None = None
    final_url: str | None = None
    screenshot_uri: str | None = None


class AttemptJournal:
    """The `submission_attempts` table."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    @contextmanager
    def claim(self, job_id: uuid.UUID, directory_slug: str) -> Iterator[bool]:
        """Claim the (job, directory) for this worker across every process: yields False
        when another worker holds it (it is submitting right now)."""
        with advisory_claim(self.dsn, ClaimKind.SUBMISSION, f"{job_id}/{directory_slug}") as got:
            yield got

    def has_open_intent(self, job_id: uuid.UUID, directory_slug: str) -> bool:
        """Whether an attempt clicked submit and has no result recorded."""
        history = self.history(job_id, directory_slug)
        return bool(history) and history[-1].result_at is None

    def history(self, job_id: uuid.UUID, directory_slug: str) -> list[Attempt]:
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select * from submission_attempts where job_id = %s and directory_slug = %s
                   order by attempt_no""",
                (job_id, directory_slug),
            ).fetchall()
        return [Attempt.model_validate(r) for r in rows]

    def begin(
        self,
        job_id: uuid.UUID,
        directory_slug: str,
        plan_fingerprint: str | None,
        forced: bool = False,
    ) -> Attempt:
        """Record the intent to click submit; committed before this returns."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                """insert into submission_attempts
                       (job_id, directory_slug, attempt_no, forced, plan_fingerprint)
                   select %s, %s, coalesce(max(attempt_no), 0) + 1, %s, %s
                   from submission_attempts where job_id = %s and directory_slug = %s
                   returning *""",
                (job_id, directory_slug, forced, plan_fingerprint, job_id, directory_slug),
            ).fetchone()
        assert row is not None
        return Attempt.model_validate(row)

    def finish(self, attempt: Attempt, outcome: SubmissionOutcome) -> None:
        """Record what the attempt proved (status, reason and the proof's locations)."""
        evidence = outcome.evidence
        with connect(self.dsn) as conn:
            conn.execute(
                """update submission_attempts
                   set result_at = now(), status = %s, error = %s, evidence_uri = %s,
                       confirmation_text = %s, final_url = %s, screenshot_uri = %s
                   where id = %s""",
                (
                    outcome.status.value,
                    outcome.reason,
                    evidence.uri if evidence else None,
                    outcome.confirmation_text,
                    outcome.final_url,
                    evidence.screenshot_uri if evidence else None,
                    attempt.id,
                ),
            )

    def settle_interrupted(self, attempt: Attempt) -> SubmissionOutcome:
        """Close an intent that never got its result (the process died after the click)."""
        outcome = SubmissionOutcome(
            status=SubmissionStatus.NEEDS_REVIEW,
            directory_slug=attempt.directory_slug,
            reason="interrupted between the submit click and the directory's answer; the "
            "listing may exist: check the directory before forcing a new attempt",
            attempts=attempt.attempt_no,
            plan_fingerprint=attempt.plan_fingerprint,
        )
        self.finish(attempt, outcome)
        return outcome

    @staticmethod
    def outcome_of(attempt: Attempt, attempts: int) -> SubmissionOutcome:
        """A finished attempt's outcome, rebuilt from the proof the journal kept."""
        assert attempt.status is not None
        evidence = (
            Evidence(
                uri=attempt.evidence_uri,
                screenshot_uri=attempt.screenshot_uri,
                final_url=attempt.final_url,
            )
            if attempt.evidence_uri
            else None
        )
        return SubmissionOutcome(
            status=attempt.status,
            directory_slug=attempt.directory_slug,
            confirmation_text=attempt.confirmation_text,
            final_url=attempt.final_url,
            evidence=evidence,
            reason=attempt.error,
            attempts=attempts,
            submitted_at=attempt.result_at if attempt.status.counts_as_success else None,
            plan_fingerprint=attempt.plan_fingerprint,
        )
