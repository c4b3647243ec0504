"""What a directory's recorded outcomes say about it (pure: a frame of outcomes in, a
`DirectoryHealth` out)."""

from __future__ import annotations

import datetime as dt
from statistics import median

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from directory_pipeline.analytics.outcome_files import is_missing
from directory_pipeline.browser.judge import Reason
from directory_pipeline.domain import SubmissionStatus
from directory_pipeline.health.policy import HealthPolicy

# Answers that say the directory's server is not coping: an error page or no page where the
# form should be, 429/503 until the retries ran out, a 5xx or a timeout after the POST.
UNRELIABLE_ANSWERS = frozenset(
    {Reason.FORM_PAGE_UNAVAILABLE, Reason.NOT_PROCESSED, Reason.MAY_HAVE_RECEIVED}
)
_SUCCESS = [SubmissionStatus.SUBMITTED.value, SubmissionStatus.LIVE.value]
_NOT_ATTEMPTED = [SubmissionStatus.SKIPPED.value]


class DirectoryHealth(BaseModel):
    """One directory's health at `computed_at`. "Recent" attempts are the last
    `recent_attempts` recorded since staff last re-enabled it; the baseline is the attempts
    before them (within `baseline_days`)."""

    model_config = ConfigDict(frozen=True)

    directory_slug: str
    computed_at: dt.datetime
    attempts: int = Field(description="Outcomes recorded for attempted submissions.")
    success_rate_recent: float | None = None
    recent_attempts: int = 0
    success_rate_30d: float | None = None
    attempts_30d: int = 0
    baseline_success_rate: float | None = None
    baseline_attempts: int = 0
    outcome_mix: dict[str, int] = Field(default_factory=dict)
    median_duration_s: float | None = None
    last_error: str | None = None
    last_error_at: dt.datetime | None = None
    form_fingerprint: str | None = None
    form_changed_at: dt.datetime | None = Field(
        default=None, description="When the form's fingerprint last changed (first seen)."
    )
    form_changed_recently: bool = Field(
        default=False, description="The latest attempt saw a form unlike the last one that worked."
    )
    latest_reason: str | None = None
    mapping_confidence: float | None = None
    baseline_mapping_confidence: float | None = None
    plan_cache_hit_rate: float | None = None
    unreliable_streak: int = Field(
        default=0, description="Latest recent attempts in a row that met 5xx or timeouts."
    )
    reenabled_at: dt.datetime | None = None


def _rate(frame: pd.DataFrame) -> float | None:
    if frame.empty:
        return None
    return round(float(frame["status"].isin(_SUCCESS).mean()), 3)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return pd.Series(frame[name])
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _present(value: object) -> bool:
    return not is_missing(value)


def health_of(
    slug: str,
    outcomes: pd.DataFrame,
    *,
    now: dt.datetime,
    policy: HealthPolicy,
    reenabled_at: dt.datetime | None = None,
) -> DirectoryHealth:
    """Health of `slug` from its outcome rows (the analyst table's columns)."""
    frame = outcomes.loc[~outcomes["status"].isin(_NOT_ATTEMPTED)].copy()
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    frame = frame.sort_values("recorded_at", kind="stable")
    if frame.empty:
        return DirectoryHealth(
            directory_slug=slug, computed_at=now, attempts=0, reenabled_at=reenabled_at
        )
    since_reenable = (
        frame if reenabled_at is None else frame.loc[frame["recorded_at"] > reenabled_at]
    )
    recent = since_reenable.tail(policy.recent_attempts)
    earlier = frame.loc[~frame.index.isin(recent.index)]
    baseline = earlier.loc[earlier["recorded_at"] >= now - dt.timedelta(days=policy.baseline_days)]
    last_30d = frame.loc[frame["recorded_at"] >= now - dt.timedelta(days=30)]

    failures = frame.loc[~frame["status"].isin(_SUCCESS)]
    last_failure = failures.iloc[-1] if not failures.empty else None
    durations = [float(d) for d in _column(frame, "duration_s") if _present(d)]
    sources = [s for s in _column(frame, "plan_source") if _present(s)]

    fingerprint, changed_at, worked_before = _form_history(frame, recent)
    latest_confidence = _last_present(_column(recent, "mapping_confidence"))
    baseline_confidence = None
    if worked_before is not None:
        same_form = frame.loc[
            frame["status"].isin(_SUCCESS) & (_column(frame, "plan_fingerprint") == worked_before)
        ]
        baseline_confidence = _mean_present(_column(same_form, "mapping_confidence"))
    changed_recently = worked_before is not None and worked_before != fingerprint

    reasons = [r for r in _column(recent, "reason_code")]
    streak = 0
    for code in reversed(reasons):
        if not (_present(code) and code in UNRELIABLE_ANSWERS):
            break
        streak += 1

    return DirectoryHealth(
        directory_slug=slug,
        computed_at=now,
        attempts=len(frame),
        success_rate_recent=_rate(recent),
        recent_attempts=len(recent),
        success_rate_30d=_rate(last_30d),
        attempts_30d=len(last_30d),
        baseline_success_rate=_rate(baseline),
        baseline_attempts=len(baseline),
        outcome_mix={str(k): int(v) for k, v in outcomes["status"].value_counts().items()},
        median_duration_s=round(median(durations), 2) if durations else None,
        last_error=None if last_failure is None else _text(last_failure.get("reason")),
        last_error_at=None if last_failure is None else last_failure["recorded_at"],
        form_fingerprint=fingerprint,
        form_changed_at=changed_at,
        form_changed_recently=changed_recently,
        latest_reason=_text(reasons[-1]) if reasons else None,
        mapping_confidence=latest_confidence,
        baseline_mapping_confidence=baseline_confidence,
        plan_cache_hit_rate=(
            round(sum(s == "plan-cache" for s in sources) / len(sources), 3) if sources else None
        ),
        unreliable_streak=streak,
        reenabled_at=reenabled_at,
    )


def _form_history(
    frame: pd.DataFrame, recent: pd.DataFrame
) -> tuple[str | None, dt.datetime | None, str | None]:
    """The latest form fingerprint, when it was first seen after a different one, and the
    fingerprint of the form that last worked before the latest recent attempt (None when
    nothing worked before it, or no recent attempt saw a form)."""
    seen = frame.loc[_column(frame, "plan_fingerprint").map(_present)]
    if seen.empty:
        return None, None, None
    prints = list(seen["plan_fingerprint"])
    times = list(seen["recorded_at"])
    changed_at: dt.datetime | None = None
    for index in range(len(prints) - 1, 0, -1):
        if prints[index] != prints[index - 1]:
            changed_at = times[index]
            break
    recent_seen = recent.loc[_column(recent, "plan_fingerprint").map(_present)]
    if recent_seen.empty:
        return str(prints[-1]), changed_at, None
    worked = seen.loc[seen["status"].isin(_SUCCESS) & (seen.index != recent_seen.index[-1])]
    before = None if worked.empty else str(worked["plan_fingerprint"].iloc[-1])
    return str(recent_seen["plan_fingerprint"].iloc[-1]), changed_at, before


def _last_present(values: pd.Series) -> float | None:
    present = [float(v) for v in values if _present(v)]
    return round(present[-1], 3) if present else None


def _mean_present(values: pd.Series) -> float | None:
    present = [float(v) for v in values if _present(v)]
    return round(sum(present) / len(present), 3) if present else None


def _text(value: object) -> str | None:
    return str(value) if _present(value) else None
