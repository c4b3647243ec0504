"""Submission outcomes carry the proof their status needs: no proof, no `submitted`."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from directory_pipeline.domain import Evidence, SubmissionOutcome, SubmissionStatus

EVIDENCE = Evidence(
    uri="file:///evidence/job/dir/1",
    screenshot_uri="file:///evidence/s.png",
    html_uri="file:///evidence/p.html",
    final_url="http://x.localhost/thanks",
)


def test_submitted_needs_confirmation_url_and_screenshot() -> None:
    ok = SubmissionOutcome(
        status=SubmissionStatus.SUBMITTED,
        directory_slug="d",
        confirmation_text="Thank you, pending review",
        final_url="http://x.localhost/thanks",
        evidence=EVIDENCE,
    )
    assert ok.status.counts_as_success
    for missing in ("confirmation_text", "final_url", "evidence"):
        fields = {"confirmation_text": "Thanks", "final_url": "http://x/", "evidence": EVIDENCE}
        fields.pop(missing)
        with pytest.raises(ValidationError, match="'submitted' needs proof"):
            SubmissionOutcome(status=SubmissionStatus.SUBMITTED, directory_slug="d", **fields)


def test_evidence_without_screenshot_is_not_proof() -> None:
    with pytest.raises(ValidationError, match="screenshot"):
        SubmissionOutcome(
            status=SubmissionStatus.SUBMITTED,
            directory_slug="d",
            confirmation_text="Thanks",
            final_url="http://x/",
            evidence=Evidence(uri="file:///e"),
        )


@pytest.mark.parametrize(
    "status", [SubmissionStatus.REJECTED, SubmissionStatus.SKIPPED, SubmissionStatus.FAILED]
)
def test_negative_outcomes_need_a_reason(status: SubmissionStatus) -> None:
    with pytest.raises(ValidationError, match="needs a reason"):
        SubmissionOutcome(status=status, directory_slug="d")
    assert SubmissionOutcome(status=status, directory_slug="d", reason="why").reason == "why"


def test_needs_review_needs_evidence_or_reason_and_live_needs_listing_url() -> None:
    with pytest.raises(ValidationError):
        SubmissionOutcome(status=SubmissionStatus.NEEDS_REVIEW, directory_slug="d")
    with pytest.raises(ValidationError, match="listing_url"):
        SubmissionOutcome(status=SubmissionStatus.LIVE, directory_slug="d")
    SubmissionOutcome(status=SubmissionStatus.NEEDS_REVIEW, directory_slug="d", reason="CAPTCHA")


def test_settled_statuses_are_never_resubmitted_blindly() -> None:
    settled = {s for s in SubmissionStatus if s.settles_directory}
    assert settled == {
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.LIVE,
        SubmissionStatus.REJECTED,
        SubmissionStatus.NEEDS_REVIEW,
    }
