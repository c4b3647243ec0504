"""What a choice means: a consent to tick, and the free listing among paid or link-back
options, in any wording. Pure functions of a captured field."""

from __future__ import annotations

from directory_pipeline.forms.field_text import container_tokens, leaf_tokens, matches, texts
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import FieldOption, FormField
from directory_pipeline.forms.vocabulary import (
    CHOICE_CONTEXT,
    CONSENT_PHRASES,
    FREE_OPTION_PHRASES,
    NEGATIONS,
    NEVER_FILL,
    PAID_OPTION_WORDS,
    RECIPROCAL_OPTION_PHRASES,
    normalise,
    prices,
)

# Name tokens that say a choice is the listing's plan ("plan_id", "fees[category]",
# "LINK_TYPE", "pricing_id", "regtyp"); whole tokens only.
PLAN_NAME_TOKENS = {
    "plan",
    "plans",
    "pricing",
    "price",
    "fee",
    "fees",
    "package",
    "packages",
    "pkg",
    "tier",
    "level",
    "membership",
    "subscription",
    "product",
    "produkt",
    "formule",
    "tarif",
    "listing type",
    "link type",
    "submission type",
    "regtyp",
}
NEGATION_REACH = 2  # words between a negation and the phrase it negates


def _option_text(option: FieldOption) -> str:
    return f"{option.label} {option.value}" if option.label else option.value


def is_paid(option: FieldOption) -> bool:
    """The option states a price above zero or names a paid tier."""
    return any(amount > 0 for amount in prices(option.label)) or bool(
        matches(option.label, PAID_OPTION_WORDS)
    )


def is_free(option: FieldOption) -> bool:
    """The option says it is free, or states a price of zero."""
    if is_paid(option):
        return False
    said = matches(_option_text(option), FREE_OPTION_PHRASES)
    return bool(said) or (bool(prices(option.label)) and not any(prices(option.label)))


def _negated(words: list[str], start: int, length: int) -> bool:
    before = words[max(0, start - NEGATION_REACH - 1) : start]
    after = words[start + length : start + length + NEGATION_REACH + 1]
    return any(w in NEGATIONS for w in before + after)


def asks_link_back(option: FieldOption) -> bool:
    """The option asks for a link back to the directory ("with a reciprocal link"), and does
    not say it needs none ("no backlink required", "ohne Backlink")."""
    words = normalise(option.label).split()
    for phrase in matches(option.label, RECIPROCAL_OPTION_PHRASES):
        size = len(phrase.split())
        starts = [i for i in range(len(words)) if words[i : i + size] == phrase.split()]
        if any(not _negated(words, i, size) for i in starts):
            return True
    return False


def asks_something(option: FieldOption) -> bool:
    """A price, a paid tier or a link back to the directory."""
    return is_paid(option) or asks_link_back(option)


def is_placeholder(option: FieldOption) -> bool:
    return (
        not option.value.strip()
        or not normalise(option.label)
        or option.label.strip().startswith(("-", "—", "..."))
    )


def is_plan_choice(field: FormField) -> bool:
    """The field chooses the listing's plan or type, by its label or by its name."""
    if matches(" ".join(texts(field)), CHOICE_CONTEXT):
        return True
    tokens = leaf_tokens(field) + container_tokens(field)
    spaced = f" {' '.join(tokens)} "
    return any(f" {t} " in spaced for t in PLAN_NAME_TOKENS)


def free_choice(field: FormField) -> FieldDecision | None:
    """The free listing of a plan choice: the one option that says it is free beside paid
    ones, or, on a required or plan choice, the one option that asks for neither money nor
    a link back, however it is worded ("Standard, no-follow, reviewed within weeks")."""
    if field.kind not in {"radio", "select"} or len(field.options) < 2:
        return None
    real = [o for o in field.options if not is_placeholder(o) and not o.disabled]
    labels = [o.label for o in real]
    paid = [o for o in real if asks_something(o)]
    free = [o for o in real if is_free(o) and not asks_link_back(o)]
    if len(free) == 1 and paid:
        return _choose(field, free[0], 0.9, f"free option {free[0].label!r} among {labels}")
    if not (field.required or is_plan_choice(field)):
        return None
    plain = [o for o in real if not asks_something(o)]
    if len(real) >= 2 and len(plain) == 1 and paid:
        why = f"the one option asking no payment or link back: {plain[0].label!r}"
        return _choose(field, plain[0], 0.85, why)
    return None


def _choose(field: FormField, option: FieldOption, confidence: float, reason: str):
    return FieldDecision(
        field_key=field.key,
        action="choose",
        choice=option.value,
        confidence=confidence,
        reason=reason,
    )


def consent(field: FormField) -> FieldDecision | None:
    """A terms or privacy box to tick; never a newsletter or marketing opt-in."""
    if field.kind == "radio":
        return _consent_radio(field)
    if field.kind != "checkbox" or field.multiple:
        return None
    text = " ".join(texts(field) + [o.label for o in field.options])
    if matches(text, NEVER_FILL["newsletter"]) or not matches(text, CONSENT_PHRASES):
        return None
    value = field.options[0].value if field.options else "on"
    return FieldDecision(
        field_key=field.key,
        action="check",
        choice=value,
        confidence=0.95 if field.required else 0.85,
        reason="terms/consent checkbox",
    )


def _refuses(label: str) -> bool:
    first = normalise(label).split()[:1]
    return bool(first) and first[0] in {*NEGATIONS, "nein", "non", "nei", "nej", "ne", "hayir"}


def _consent_radio(field: FormField) -> FieldDecision | None:
    """A required yes/no on the terms: the option that accepts, when exactly one does and
    the question is about terms or privacy, not a newsletter."""
    question = " ".join(texts(field))
    if not field.required or matches(question, NEVER_FILL["newsletter"]):
        return None
    accepting = [
        o for o in field.options if matches(o.label, CONSENT_PHRASES) and not _refuses(o.label)
    ]
    about_terms = matches(question, CONSENT_PHRASES) or accepting
    if len(accepting) != 1 or not about_terms:
        return None
    return FieldDecision(
        field_key=field.key,
        action="check",
        choice=accepting[0].value,
        confidence=0.9,
        reason="the accepting answer to a required terms question",
    )
