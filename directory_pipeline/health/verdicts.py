"""Whether a directory still works, judged from its health (pure). The asset checks report
these verdicts and new jobs skip a directory with an `error` one: both call `judge`."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from directory_pipeline.browser.judge import Reason
from directory_pipeline.health.metrics import DirectoryHealth
from directory_pipeline.health.policy import HealthPolicy

HEALTH_ASSET = "directory_health"
"""The asset (one partition per directory) whose checks report these verdicts."""


class HealthCheck(StrEnum):
    FORM_STILL_MAPPED = "form_still_mapped"
    SUCCESS_RATE_HOLDS = "success_rate_holds"
    ANSWERS_RELIABLY = "answers_reliably"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    HealthCheck.FORM_STILL_MAPPED: (
        "The directory's form is the one that last worked, or a changed form is still mapped "
        "with confidence. Error: a changed form could not be filled; warn: the mapping of a "
        "changed form lost confidence."
    ),
    HealthCheck.SUCCESS_RATE_HOLDS: (
        "The success rate of the recent attempts holds up against the directory's own "
        "baseline. Warn and error at the policy's drops."
    ),
    HealthCheck.ANSWERS_RELIABLY: (
        "The directory answers: its latest attempts did not meet 5xx answers, 429/503 until "
        "the retries ran out, or timeouts, several in a row."
    ),
}


class Severity(StrEnum):
    OK = "ok"
    WARN = "warn"
    ERROR = "error"


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    check: HealthCheck
    severity: Severity
    summary: str

    @property
    def passed(self) -> bool:
        return self.severity is Severity.OK


def judge(health: DirectoryHealth, policy: HealthPolicy) -> list[Verdict]:
    """One verdict per check, in `HealthCheck` order."""
    return [_form(health, policy), _success_rate(health, policy), _answers(health, policy)]


def holding_verdicts(verdicts: list[Verdict]) -> list[Verdict]:
    """The verdicts that keep new jobs away from the directory."""
    return [v for v in verdicts if v.severity is Severity.ERROR]


def _form(health: DirectoryHealth, policy: HealthPolicy) -> Verdict:
    check = HealthCheck.FORM_STILL_MAPPED
    if not health.form_changed_recently:
        return Verdict(
            check=check, severity=Severity.OK, summary="form unchanged since it last worked"
        )
    since = (
        f"form changed ({health.form_changed_at:%Y-%m-%d %H:%M} UTC)"
        if health.form_changed_at
        else "form changed"
    )
    if health.latest_reason == Reason.CANNOT_FILL:
        return Verdict(
            check=check,
            severity=Severity.ERROR,
            summary=f"{since} and the new form could not be filled from the profile",
        )
    now, before = health.mapping_confidence, health.baseline_mapping_confidence
    if now is not None and before is not None and before - now >= policy.warn_confidence_drop:
        return Verdict(
            check=check,
            severity=Severity.WARN,
            summary=f"{since}; mapping confidence fell from {before:.2f} to {now:.2f}",
        )
    return Verdict(
        check=check, severity=Severity.OK, summary=f"{since}; still mapped with confidence"
    )


def _success_rate(health: DirectoryHealth, policy: HealthPolicy) -> Verdict:
    check = HealthCheck.SUCCESS_RATE_HOLDS
    recent, baseline = health.success_rate_recent, health.baseline_success_rate
    if (
        recent is None
        or baseline is None
        or health.recent_attempts < policy.min_recent_attempts
        or health.baseline_attempts < policy.min_baseline_attempts
    ):
        return Verdict(
            check=check,
            severity=Severity.OK,
            summary=f"too few attempts to judge ({health.recent_attempts} recent, "
            f"{health.baseline_attempts} baseline)",
        )
    drop = baseline - recent
    summary = (
        f"{recent:.0%} of the last {health.recent_attempts} attempts succeeded against a "
        f"baseline of {baseline:.0%} ({health.baseline_attempts} attempts)"
    )
    if drop >= policy.error_rate_drop:
        return Verdict(check=check, severity=Severity.ERROR, summary=summary)
    if drop >= policy.warn_rate_drop:
        return Verdict(check=check, severity=Severity.WARN, summary=summary)
    return Verdict(check=check, severity=Severity.OK, summary=summary)


def _answers(health: DirectoryHealth, policy: HealthPolicy) -> Verdict:
    check = HealthCheck.ANSWERS_RELIABLY
    streak = health.unreliable_streak
    summary = f"the last {streak} attempts in a row met 5xx answers or timeouts"
    if streak >= policy.error_unreliable_streak:
        return Verdict(check=check, severity=Severity.ERROR, summary=summary)
    if streak >= policy.warn_unreliable_streak:
        return Verdict(check=check, severity=Severity.WARN, summary=summary)
    return Verdict(
        check=check,
        severity=Severity.OK,
        summary="answering" if not streak else "one attempt met a 5xx answer or a timeout",
    )
