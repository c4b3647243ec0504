"""Dead-letter alerts: the dead-letter queue's message count rose since the last tick (each
rise once). The count is read from the queue's attributes; no message is received."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from directory_pipeline.alerts.model import Alert, AlertKind, AlertSeverity


class DeadLetterCount(BaseModel):
    """The count last seen, and since when it has been that."""

    model_config = ConfigDict(frozen=True)

    count: int
    since: dt.datetime


def dead_letter_step(
    previous: DeadLetterCount | None, count: int, now: dt.datetime
) -> tuple[DeadLetterCount, str | None]:
    """The count to remember, and the key of the rise to alert (None when it did not rise).
    The key names the count the rise started from and since when, so a tick that recorded
    the alert but lost its cursor finds the same key again; nothing seen before counts as 0."""
    if previous is not None and count == previous.count:
        return previous, None
    state = DeadLetterCount(count=count, since=now)
    before = previous.count if previous is not None else 0
    if count <= before:
        return state, None
    origin = f"{previous.since:%Y%m%dT%H%M%S.%f}" if previous is not None else "first-seen"
    return state, f"{AlertKind.DEAD_LETTERS.value}:{origin}:{before}->{count}"


def dead_letter_alert(key: str, before: int, count: int, link: str | None) -> Alert:
    arrived = count - before
    return Alert(
        key=key,
        kind=AlertKind.DEAD_LETTERS,
        severity=AlertSeverity.ERROR,
        title=f"Dead-letter queue: {arrived} new message{'s' if arrived != 1 else ''}",
        text=(
            f"The dead-letter queue holds {count} message{'s' if count != 1 else ''} "
            f"(was {before}). Each carries a `reason` attribute; "
            "`directory-pipeline doctor` lists them."
        ),
        link=link,
        link_label="Open the sensors in Dagster",
    )
