"""Reading what a directory answered: proof of receipt, a blocker, a refusal, or nothing
we can prove (which is never `submitted`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

from directory_pipeline.forms.vocabulary import normalise

Verdict = Literal[
    "confirmation",
    "verify_email",
    "duplicate",
    "validation",
    "refusal",
    "payment",
    "expired",
    "captcha",
    "unknown",
]


@cache
def phrases() -> dict[str, list[str]]:
    text = resources.files("directory_pipeline.browser").joinpath("outcome_phrases.yaml")
    return yaml.safe_load(text.read_text())


def _found(text: str, kind: str) -> str | None:
    padded = f" {normalise(text)} "
    return next((p for p in phrases()[kind] if f" {p} " in padded), None)


@dataclass(frozen=True)
class PageReading:
    """What the result page says, from its status regions, alerts and visible text."""

    verdict: Verdict
    evidence_text: str
    invalid_fields: tuple[str, ...] = ()


def read_outcome(
    *,
    status_text: str,
    alert_text: str,
    body_text: str,
    invalid_fields: tuple[str, ...],
    captcha_present: bool,
) -> PageReading:
    """Classify a result page. Status regions (aria-live) speak for JS submissions; alerts
    and invalid fields for validation; otherwise the page's visible text.

    Precedence: a CAPTCHA, then verification, duplicates, validation errors, refusals,
    payment and expired sessions, and only then confirmation: a page that says "thank you"
    next to an error message is not a confirmation.
    """
    focused = " ".join(t for t in (status_text, alert_text) if t)
    everything = " ".join(t for t in (status_text, alert_text, body_text) if t)
    if captcha_present and not _found(focused or everything, "confirmation"):
        return PageReading("captcha", _excerpt(alert_text or body_text))
    for kind in ("verify_email", "duplicate"):
        hit = _found(everything, kind)
        if hit:
            return PageReading(kind, _sentence(everything, hit))  # type: ignore[arg-type]
    if invalid_fields or (alert_text and _found(alert_text, "validation")):
        return PageReading("validation", _excerpt(alert_text or body_text), invalid_fields)
    for kind in ("refusal", "payment", "expired"):
        hit = _found(focused or everything, kind)
        if hit:
            return PageReading(kind, _sentence(everything, hit))  # type: ignore[arg-type]
    hit = _found(focused, "confirmation") or _found(body_text, "confirmation")
    if hit:
        return PageReading("confirmation", _sentence(everything, hit))
    return PageReading("unknown", _excerpt(focused or body_text))


def _excerpt(text: str, limit: int = 500) -> str:
    return " ".join(text.split())[:limit]


def _sentence(text: str, phrase: str) -> str:
    """The line of the page that holds the phrase, with the line after it when short: the
    directory's own words, without its header and navigation."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        if f" {phrase} " in f" {normalise(line)} ":
            following = lines[index + 1] if index + 1 < len(lines) else ""
            joined = f"{line} {following}" if following and len(line) < 80 else line
            return joined[:300]
    return _excerpt(text, 300)
