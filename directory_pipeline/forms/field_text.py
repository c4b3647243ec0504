"""What a field says about itself: its texts (label, aria, table cell, placeholder...) in the
order the mapper trusts them, the developer's tokens in its name and id, and whole-word
phrase matching over both."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from directory_pipeline.forms.schema import FormField
from directory_pipeline.forms.vocabulary import normalise

# A segment of a bracket or dotted name that only says where the value sits, not what it is:
# "body[0][value]" is about the body, "data[Listing][title]" about the title.
_PLACEHOLDER_SEGMENTS = {"value", "values", "text", "input", "answer", "field", "fields", "data"}
_SEGMENT_SPLIT = re.compile(r"[\[\].]+")
# A separate-words helper: "jr_address1" -> "jr address 1", "YearStarted" -> "Year Started",
# "URLField" -> "URL Field", "add2" -> "add 2".
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DIGITS = re.compile(r"(?<=[a-zA-Z])(?=\d)|(?<=\d)(?=[a-zA-Z])")


@lru_cache(maxsize=16_384)
def identifier_tokens(raw: str) -> tuple[str, ...]:
    """Lower-case words of an identifier written in snake, kebab, camel or bracket form."""
    spaced = _DIGITS.sub(" ", _CAMEL.sub(" ", raw))
    return tuple(t for t in re.split(r"[^a-zA-Z0-9]+", spaced.lower()) if t)


def segments(raw: str) -> list[str]:
    """The pieces of a bracket or dotted name: `a[b][c]` and `a.b.c` give a, b, c."""
    return [s for s in _SEGMENT_SPLIT.split(raw) if s]


def leaf_segment(raw: str) -> str:
    """The piece of a structured name that says what the field is: the last one that is not
    a number, an id-like hash or a placeholder such as `value`."""
    pieces = segments(raw)
    for piece in reversed(pieces):
        words = identifier_tokens(piece)
        if not words or all(w.isdigit() for w in words):
            continue
        if piece.lower() in _PLACEHOLDER_SEGMENTS:
            continue
        return piece
    return pieces[-1] if pieces else ""


def name_tokens(field: FormField) -> list[str]:
    """Every token of the field's name and id, plus each of them with separators removed."""
    tokens: list[str] = []
    for raw in (field.name, field.id):
        tokens += identifier_tokens(raw)
    joined = [re.sub(r"[^a-z0-9]", "", raw.lower()) for raw in (field.name, field.id) if raw]
    return tokens + joined


def leaf_tokens(field: FormField) -> list[str]:
    """Tokens of what the name and id say the field is, without the containers around it
    (`data[Field][Listing][jr_city]` says city; `data` and `Listing` only say where)."""
    tokens: list[str] = []
    for raw in (field.name, field.id):
        leaf = leaf_segment(raw)
        tokens += identifier_tokens(leaf)
        squashed = re.sub(r"[^a-z0-9]", "", leaf.lower())
        if squashed and squashed not in tokens:
            tokens.append(squashed)
    return tokens


def leaf_words(field: FormField) -> list[str]:
    """The words of the name's and id's leaves, each once, without squashed forms."""
    words: list[str] = []
    for raw in (field.name, field.id):
        words += identifier_tokens(leaf_segment(raw))
    return list(dict.fromkeys(words))


def container_tokens(field: FormField) -> list[str]:
    """Tokens of the containers a structured name puts the field in (`billing[city]`)."""
    tokens: list[str] = []
    for raw in (field.name, field.id):
        pieces = segments(raw)
        leaf = leaf_segment(raw)
        for piece in pieces:
            if piece != leaf:
                tokens += identifier_tokens(piece)
    return tokens


def texts(field: FormField) -> list[str]:
    """The field's texts, most trusted first, without repeats."""
    s = field.sources
    own = [t for t in (s.label, s.aria_label, s.cell, s.nearby) if t]
    # A row's shared label speaks for a field only when the field has no label of its own.
    shared = "" if own else s.row
    ordered = [t for t in (*own, s.placeholder, s.title, shared) if t]
    if field.label and (field.label != s.row or not own):
        ordered.insert(0, field.label)
    return list(dict.fromkeys(ordered))


# Longer than this, a nearby paragraph or a row's text is help text, not a label.
LABEL_WORDS = 8


def label_texts(field: FormField) -> list[str]:
    """The texts that name the field: its own label, aria label, cell, placeholder and title,
    and nearby or row text only when it is short or there is nothing else. A help paragraph
    ("We check your ABN before your profile goes live") must not decide what a field is."""
    s = field.sources
    named = [t for t in (field.label, s.label, s.aria_label, s.cell, s.placeholder, s.title) if t]
    around = [t for t in (s.nearby, s.row) if t]
    short = [t for t in around if len(normalise(t).split()) <= LABEL_WORDS]
    return list(dict.fromkeys(named + (short if named else around)))


def padded(text: str) -> str:
    return f" {normalise(text)} "


def matches(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases that occur in `text` as whole words."""
    spaced = padded(text)
    return [p for p in phrases if f" {p} " in spaced]


def longest(text: str, table: dict[str, list[str]]) -> tuple[str | None, int, bool]:
    """The key whose phrase matches longest; `ambiguous` when two keys tie at that length."""
    best: dict[str, int] = {}
    for key, phrases in table.items():
        found = matches(text, phrases)
        if found:
            best[key] = max(len(p) for p in found)
    if not best:
        return None, 0, False
    top = max(best.values())
    winners = [k for k, v in best.items() if v == top]
    return winners[0], top, len(winners) > 1


# "Celular com DDD", "Phone (with area code)", "Telefon inkl. Vorwahl": what follows these
# is part of the thing asked for, not the thing itself.
INCLUDING_WORDS = {"with", "incl", "including", "com", "con", "mit", "inkl", "avec", "med", "ile"}


def matches_not_included(text: str, phrases: Iterable[str]) -> list[str]:
    """`matches`, without the phrases that only occur right after an including word."""
    words = normalise(text).split()
    kept = []
    for phrase in matches(text, phrases):
        size = len(phrase.split())
        for i in range(len(words) - size + 1):
            before = set(words[max(0, i - 2) : i])
            if words[i : i + size] == phrase.split() and not INCLUDING_WORDS & before:
                kept.append(phrase)
                break
    return kept


def stem_matches(text: str, stems: Iterable[str]) -> list[str]:
    """The stems that begin a word of `text`: "urodzen" in "Miejsce urodzenia", "geburt" in
    "Geburtsort" (inflected and compound words a whole-word phrase cannot list)."""
    words = normalise(text).split()
    return [s for s in stems if any(w.startswith(s) for w in words)]
