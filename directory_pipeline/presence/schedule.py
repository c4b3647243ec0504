"""When a submitted listing is looked for next, and when looking stops.

Checks come at growing intervals after the submission (1 h, 6 h, 1 d, 3 d, 7 d, then every
7 d): directories publish within hours or weeks, and a check costs a page load on their site.
Looking stops once the listing is live, or at the end of the directory's own review period,
when the presence record says "not found after N days". Pure: the clock comes in as `now`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

CHECK_INTERVALS: tuple[dt.timedelta, ...] = (
    dt.timedelta(hours=1),
    dt.timedelta(hours=6),
    dt.timedelta(days=1),
    dt.timedelta(days=3),
    dt.timedelta(days=7),
)
"""The wait before the first check, then between checks; the last one repeats (the cap)."""


class PresenceState(StrEnum):
    """Where following one submitted listing stands (its own record; the submission's
    status in DESIGN §5 only ever moves `submitted` → `live`)."""

    CHECKING = "checking"
    """Not seen yet; another check is scheduled within the review period."""
    LIVE = "live"
    """Seen published on the directory, at `listing_url`: checks stop."""
    NOT_FOUND = "not_found"
    """Not seen by the end of the directory's review period: checks stop."""


def interval_after(checks: int) -> dt.timedelta:
    """The wait after `checks` checks (0: before the first one)."""
    return CHECK_INTERVALS[min(checks, len(CHECK_INTERVALS) - 1)]


def review_deadline(submitted_at: dt.datetime, review_days: int) -> dt.datetime:
    return submitted_at + dt.timedelta(days=review_days)


def first_check_at(submitted_at: dt.datetime, review_days: int) -> dt.datetime:
    return min(submitted_at + interval_after(0), review_deadline(submitted_at, review_days))


def not_found_note(days: int) -> str:
    return f"not found after {days} days"


class CheckDecision(BaseModel):
    """What one check leads to: the new state, when to look again (None: never) and a note."""

    model_config = ConfigDict(frozen=True)

    state: PresenceState
    next_check_at: AwareDatetime | None
    note: str = ""


def after_check(
    *,
    submitted_at: dt.datetime,
    review_days: int,
    checks: int,
    found: bool,
    now: dt.datetime,
) -> CheckDecision:
    """The decision after a check at `now`, the `checks`-th one (counting this one)."""
    if found:
        return CheckDecision(state=PresenceState.LIVE, next_check_at=None)
    deadline = review_deadline(submitted_at, review_days)
    if now >= deadline:
        days = max(review_days, (now - submitted_at).days)
        return CheckDecision(
            state=PresenceState.NOT_FOUND, next_check_at=None, note=not_found_note(days)
        )
    return CheckDecision(
        state=PresenceState.CHECKING,
        next_check_at=min(now + interval_after(checks), deadline),
    )
