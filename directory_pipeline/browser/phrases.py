"""The sentences directories answer with, in six languages (`outcome_phrases.yaml`), and
how to find them in a page's text. Pure: the judge decides what a found phrase means."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

from directory_pipeline.forms.vocabulary import normalise


class PhraseKind(StrEnum):
    CONFIRMATION = "confirmation"
    VERIFY_EMAIL = "verify_email"
    DUPLICATE = "duplicate"
    VALIDATION = "validation"
    REFUSAL = "refusal"
    PAYMENT = "payment"
    EXPIRED = "expired"
    FAILURE = "failure"
    CAPTCHA = "captcha"
    ADDRESS_CONFIRMED = "address_confirmed"  # after a verification link only
    NOT_PUBLISHED = "not_published"  # on a listing page only


@cache
def phrases() -> dict[PhraseKind, tuple[str, ...]]:
    text = resources.files("directory_pipeline.browser").joinpath("outcome_phrases.yaml")
    data = yaml.safe_load(text.read_text())
    return {PhraseKind(kind): tuple(found) for kind, found in data.items()}


def find_phrase(text: str, kind: PhraseKind) -> str | None:
    """The first phrase of `kind` that `text` contains as whole words, if any."""
    padded = f" {normalise(text)} "
    return next((p for p in phrases()[kind] if f" {p} " in padded), None)


def line_with(lines: Iterable[str], kind: PhraseKind, limit: int = 300) -> str | None:
    """The first line holding a phrase of `kind`, with the line after it when short: the
    directory's own words, without its header and navigation."""
    cleaned = [" ".join(line.split()) for line in lines]
    cleaned = [line for line in cleaned if line]
    for index, line in enumerate(cleaned):
        if find_phrase(line, kind):
            following = cleaned[index + 1] if index + 1 < len(cleaned) else ""
            joined = f"{line} {following}" if following and len(line) < 80 else line
            return joined[:limit]
    return None


def excerpt(lines: Iterable[str], limit: int = 500) -> str:
    return " ".join(" ".join(lines).split())[:limit]
