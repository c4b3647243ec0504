"""What happened when a profile was sent to one directory (contracts §5).

The validators encode the rule the product exists for: no status without the proof it needs.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


class SubmissionStatus(StrEnum):
    SUBMITTED = "submitted"
    LIVE = "live"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"
    SKIPPED = "skipped"
    FAILED = "failed"

    @property
    def settles_directory(self) -> bool:
        """Whether a re-run must leave this (job, directory) alone unless staff force it."""
        return self in {
            SubmissionStatus.SUBMITTED,
            SubmissionStatus.LIVE,
            SubmissionStatus.REJECTED,
            SubmissionStatus.NEEDS_REVIEW,
        }

    @property
    def counts_as_success(self) -> bool:
        return self in {SubmissionStatus.SUBMITTED, SubmissionStatus.LIVE}


_NEED_A_REASON = {SubmissionStatus.REJECTED, SubmissionStatus.SKIPPED, SubmissionStatus.FAILED}


class Evidence(BaseModel):
    """Where the proof of one attempt is stored; URIs point under the evidence root."""

    model_config = ConfigDict(frozen=True)

    uri: str = Field(description="The evidence folder (or object prefix) of the attempt.")
    screenshot_uri: str | None = None
    html_uri: str | None = None
    final_url: str | None = None
    captured_at: AwareDatetime | None = None


class SubmissionOutcome(BaseModel):
    """The result of one (job, directory) pair, with the evidence its status requires."""

    model_config = ConfigDict(frozen=True)

    status: SubmissionStatus
    directory_slug: str
    confirmation_text: str | None = None
    final_url: str | None = None
    listing_url: str | None = None
    evidence: Evidence | None = None
    reason: str | None = Field(default=None, description="Why: the blocker, refusal or error.")
    attempts: int = Field(default=1, ge=0)
    submitted_at: AwareDatetime | None = None
    plan_fingerprint: str | None = None

    @model_validator(mode="after")
    def _proof_matches_status(self) -> SubmissionOutcome:
        status = self.status
        if status is SubmissionStatus.SUBMITTED:
            missing = [
                name
                for name, value in (
                    ("confirmation_text", self.confirmation_text),
                    ("final_url", self.final_url),
                    ("evidence.screenshot_uri", self.evidence and self.evidence.screenshot_uri),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"'submitted' needs proof; missing {', '.join(missing)}")
        elif status is SubmissionStatus.LIVE and not self.listing_url:
            raise ValueError("'live' needs the listing_url where it was seen")
        elif status is SubmissionStatus.NEEDS_REVIEW and not (self.evidence or self.reason):
            raise ValueError("'needs_review' needs evidence or a reason saying what blocked it")
        elif status in _NEED_A_REASON and not self.reason:
            raise ValueError(f"'{status.value}' needs a reason")
        return self

    @property
    def evidence_uri(self) -> str | None:
        """The URI recorded for the outcome: the screenshot, else the evidence folder."""
        if self.evidence is None:
            return None
        return self.evidence.screenshot_uri or self.evidence.uri

    def stamped(self) -> SubmissionOutcome:
        """A copy with `submitted_at` set to now, for outcomes that reached the directory."""
        return self.model_copy(update={"submitted_at": dt.datetime.now(dt.UTC)})
