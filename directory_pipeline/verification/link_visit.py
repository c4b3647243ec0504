"""What the page behind a verification link said: the pure judgement of one visit. The
directory's own confirmation, on its own host, is the only thing that moves a submission
waiting for e-mail verification to `submitted`."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from directory_pipeline.browser.phrases import PhraseKind, line_with
from directory_pipeline.verification.matching import on_hosts


class LinkOutcome(StrEnum):
    CONFIRMED = "confirmed"  # the directory says the address or listing is confirmed
    EXPIRED = "expired"  # the link is no longer valid
    REFUSED = "refused"  # an error page or a refusal
    UNPROVEN = "unproven"  # nothing on the page proves anything
    LEFT_DIRECTORY = "left_directory"  # the visit ended on another host


class LinkVisit(BaseModel):
    """What the browser saw after opening the link."""

    model_config = ConfigDict(frozen=True)

    url: str
    status: int | None  # the link's own response; None when there was none
    final_url: str
    lines: tuple[str, ...]  # the visible text, line by line


class LinkJudgement(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: LinkOutcome
    said: str = ""  # the sentence that decided it, for the evidence

    @property
    def proves_submission(self) -> bool:
        return self.outcome is LinkOutcome.CONFIRMED


def judge_visit(visit: LinkVisit, hosts: tuple[str, ...]) -> LinkJudgement:
    """Confirmed only on the directory's host, answered 2xx/3xx, with a confirmation
    sentence and no expiry, error or refusal sentence."""
    if not on_hosts(visit.final_url, hosts):
        return LinkJudgement(outcome=LinkOutcome.LEFT_DIRECTORY, said=visit.final_url)
    expired = line_with(visit.lines, PhraseKind.EXPIRED)
    if expired:
        return LinkJudgement(outcome=LinkOutcome.EXPIRED, said=expired)
    if visit.status is None or visit.status >= 400:
        return LinkJudgement(outcome=LinkOutcome.REFUSED, said=f"HTTP {visit.status}")
    for kind in (PhraseKind.FAILURE, PhraseKind.REFUSAL, PhraseKind.VALIDATION):
        refused = line_with(visit.lines, kind)
        if refused:
            return LinkJudgement(outcome=LinkOutcome.REFUSED, said=refused)
    confirmed = line_with(visit.lines, PhraseKind.ADDRESS_CONFIRMED)
    if confirmed:
        return LinkJudgement(outcome=LinkOutcome.CONFIRMED, said=confirmed)
    return LinkJudgement(outcome=LinkOutcome.UNPROVEN)
