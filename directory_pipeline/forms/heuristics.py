"""Deterministic field mapping: autocomplete tokens, label/name synonyms in six languages,
input types, consent boxes and free-plan choices. A field it cannot place confidently is
returned as unresolved (for the LLM layer) or left alone; it never guesses.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import cast

from directory_pipeline.domain.profile import ProfileKey
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import FieldOption, FormField, FormSchema
from directory_pipeline.forms.vocabulary import (
    ATTRIBUTE_PHRASES,
    BUSINESS_PHRASES,
    CHOICE_CONTEXT,
    CONSENT_PHRASES,
    FREE_OPTION_PHRASES,
    HOUSE_NUMBER_PHRASES,
    NAME_TOKENS,
    NEVER_FILL,
    PAID_OPTION_PATTERN,
    PERSON_STRONG,
    PERSON_WEAK,
    RECIPROCAL_OPTION_PHRASES,
    SECOND_PHONE_WORDS,
    WEEKDAYS,
    normalise,
)

AUTOCOMPLETE_KEYS = {
    "organization": "business_name",
    "email": "email",
    "tel": "phone",
    "tel-national": "phone",
    "url": "website",
    "street-address": "address_line1",
    "address-line1": "address_line1",
    "address-line2": "address_line2",
    "address-level2": "city",
    "address-level1": "region",
    "postal-code": "postal_code",
    "country": "country",
    "country-name": "country",
    "given-name": "contact_first_name",
    "family-name": "contact_last_name",
    "name": "contact_name",
}

TEXT = {"text", "search", ""}
# Which kinds of field can carry which profile key.
COMPATIBLE: dict[str, set[str]] = {
    "email": TEXT | {"email"},
    "phone": TEXT | {"tel", "number"},
    "website": TEXT | {"url"},
    "facebook_url": TEXT | {"url"},
    "instagram_url": TEXT | {"url"},
    "twitter_url": TEXT | {"url"},
    "linkedin_url": TEXT | {"url"},
    "youtube_url": TEXT | {"url"},
    "latitude": TEXT | {"number"},
    "longitude": TEXT | {"number"},
    "year_established": TEXT | {"number", "select"},
    "hours": TEXT | {"textarea"},
    "keywords": TEXT | {"textarea"},
    "description": TEXT | {"textarea"},
    "short_description": TEXT | {"textarea"},
    "primary_category": TEXT | {"select", "radio"},
    "categories": TEXT | {"select-multiple", "checkbox", "textarea"},
    "country": TEXT | {"select"},
    "region": TEXT | {"select"},
    "city": TEXT | {"select"},
    "address_line1": TEXT | {"textarea"},
    "logo": {"file"},
}
PLAIN_TEXT_KEYS = {
    "business_name",
    "contact_first_name",
    "contact_last_name",
    "contact_name",
    "address_line2",
    "postal_code",
}
SEARCH_NAMES = {"q", "s", "query", "search", "keyword", "kw", "term", "search_query", "k"}


def compatible(field: FormField, key: str) -> bool:
    if key in PLAIN_TEXT_KEYS:
        return field.kind in TEXT
    if key == "categories" and field.kind == "checkbox":
        return field.multiple
    return field.kind in COMPATIBLE.get(key, set())


def _padded(text: str) -> str:
    return f" {normalise(text)} "


def _matches(text: str, phrases: Iterable[str]) -> list[str]:
    padded = _padded(text)
    return [p for p in phrases if f" {p} " in padded]


def _longest(text: str, table: dict[str, list[str]]) -> tuple[str | None, int, bool]:
    """The key whose phrase matches longest; `ambiguous` when two keys tie at that length."""
    best: dict[str, int] = {}
    for key, phrases in table.items():
        found = _matches(text, phrases)
        if found:
            best[key] = max(len(p) for p in found)
    if not best:
        return None, 0, False
    top = max(best.values())
    winners = [k for k, v in best.items() if v == top]
    return winners[0], top, len(winners) > 1


def name_tokens(field: FormField) -> list[str]:
    tokens: list[str] = []
    for raw in (field.name, field.id):
        spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", raw)
        tokens += [t for t in re.split(r"[^a-zA-Z0-9]+", spaced.lower()) if t]
    joined = [re.sub(r"[^a-z0-9]", "", raw.lower()) for raw in (field.name, field.id) if raw]
    return tokens + joined


def _texts(field: FormField) -> list[str]:
    s = field.sources
    own = [t for t in (s.label, s.aria_label, s.cell, s.nearby) if t]
    # A row's shared label speaks for a field only when the field has no label of its own.
    shared = "" if own else s.row
    ordered = [t for t in (*own, s.placeholder, s.title, shared) if t]
    if field.label and (field.label != s.row or not own):
        ordered.insert(0, field.label)
    return list(dict.fromkeys(ordered))


def _matched_phrase(text: str, key: str, length: int) -> str:
    return next(p for p in _matches(text, ATTRIBUTE_PHRASES[key]) if len(p) == length)


def _key_from_text(text: str, legend: str = "") -> tuple[str | None, str]:
    """Key named by a piece of text, by tier; (None, why) when nothing or a tie."""
    key, length, ambiguous = _longest(text, ATTRIBUTE_PHRASES)
    longer_business = [p for p in _matches(text, BUSINESS_PHRASES) if len(p) > length]
    if key and any(f" {_matched_phrase(text, key, length)} " in f" {p} " for p in longer_business):
        return "business_name", "label"  # "Trade name" is a name, not a trade
    if key and not ambiguous:
        generic_line = _matches(text, ["line 1", "line 2"])
        outside_address = legend and not _matches(legend, ATTRIBUTE_PHRASES["address_line1"])
        if key in {"address_line1", "address_line2"} and generic_line and outside_address:
            return None, "address line outside an address group"
        return key, "label"
    if ambiguous:
        return None, f"label names two things: {text!r}"
    person, _, tie = _longest(text, PERSON_STRONG)
    if person and not tie:
        return person, "label"
    words = len(normalise(text).split())
    business = _matches(text, BUSINESS_PHRASES)
    # Weak words only count when they carry the label, not when buried in a question
    # ("Is this your business?", "Quel est le nom de votre chien ?").
    names_it = bool(_matches(text, PERSON_WEAK))  # "Nom du site / de l'entreprise"
    if business and (names_it or 3 * max(len(p.split()) for p in business) >= words):
        return "business_name", "label"
    if _matches(text, PERSON_WEAK) and words <= 3:
        return "contact_name", "label (bare name)"
    return None, ""


def _excluded(field: FormField, schema: FormSchema) -> str | None:
    """Why a field must never be filled, or None."""
    if field.kind == "password":
        return "password field"
    if field.honeypot_suspect:
        return f"honeypot suspect ({field.visibility})"
    words = " ".join(_texts(field) + name_tokens(field))
    for reason, phrases in NEVER_FILL.items():
        if reason == "search":
            small_form = len(schema.fields_of(field.form_index)) <= 3
            if not (small_form or field.name.lower() in SEARCH_NAMES):
                continue
        found = _matches(words, phrases)
        if found:
            if reason == "other" and field.kind == "file" and _matches(words, ["logo"]):
                continue
            return f"{reason}: {found[0]!r}"
    if field.name.lower() in {
        "captcha",
        "g-recaptcha-response",
        "h-captcha-response",
        "cf-turnstile-response",
    }:
        return "captcha"
    return None


def _consent(field: FormField) -> FieldDecision | None:
    if field.kind != "checkbox" or field.multiple:
        return None
    text = " ".join(_texts(field) + [o.label for o in field.options])
    if _matches(text, NEVER_FILL["newsletter"]):
        return None
    if _matches(text, CONSENT_PHRASES):
        value = field.options[0].value if field.options else "on"
        return FieldDecision(
            field_key=field.key,
            action="check",
            choice=value,
            confidence=0.95 if field.required else 0.85,
            reason="terms/consent checkbox",
        )
    return None


def _free_choice(field: FormField) -> FieldDecision | None:
    if field.kind not in {"radio", "select"} or len(field.options) < 2:
        return None
    labels = [o.label for o in field.options]
    paid = [o for o in field.options if PAID_OPTION_PATTERN.search(o.label)]
    free = [
        o
        for o in field.options
        if (
            not PAID_OPTION_PATTERN.search(o.label)
            and (_matches(o.label, FREE_OPTION_PHRASES) or _matches(o.value, FREE_OPTION_PHRASES))
        )
        or re.search(r"([$€£]\s*0([.,]00)?\b)|(\b0([.,]00)?\s*[$€£])", o.label)
    ]
    if len(free) == 1 and paid:
        return FieldDecision(
            field_key=field.key,
            action="choose",
            choice=free[0].value,
            confidence=0.9,
            reason=f"free option {free[0].label!r} among {labels}",
        )
    return _only_option_asking_nothing(field)


def _asks_something(option: FieldOption) -> bool:
    """A price, a paid tier or a link back to the directory."""
    return bool(PAID_OPTION_PATTERN.search(option.label)) or bool(
        _matches(option.label, RECIPROCAL_OPTION_PHRASES)
    )


def _only_option_asking_nothing(field: FormField) -> FieldDecision | None:
    """A listing-type or plan choice where every option but one asks for money or a link
    back: that one is the free listing, however it is worded ("Standard, no-follow,
    reviewed within weeks")."""
    if not (field.required or _matches(" ".join(_texts(field)), CHOICE_CONTEXT)):
        return None
    real = [o for o in field.options if o.value.strip() and not _is_placeholder(o)]
    plain = [o for o in real if not _asks_something(o)]
    if len(real) < 2 or len(plain) != 1:
        return None
    return FieldDecision(
        field_key=field.key,
        action="choose",
        choice=plain[0].value,
        confidence=0.85,
        reason=f"the one option asking no payment or link back: {plain[0].label!r}",
    )


def _is_placeholder(option: FieldOption) -> bool:
    return not normalise(option.label) or option.label.strip().startswith(("-", "—", "..."))


def _from_autocomplete(field: FormField) -> str | None:
    tokens = field.autocomplete.split()
    tokens = [
        t
        for t in tokens
        if not t.startswith("section-")
        and t not in {"shipping", "billing", "home", "work", "mobile"}
    ]
    if not tokens:
        return None
    return AUTOCOMPLETE_KEYS.get(tokens[-1])


def _from_type(field: FormField) -> str | None:
    return {"email": "email", "tel": "phone", "url": "website"}.get(field.kind)


def _from_tokens(field: FormField) -> str | None:
    tokens = set(name_tokens(field))
    hits = {key for key, words in NAME_TOKENS.items() if tokens & set(words)}
    if "address_line2" in hits:
        hits.discard("address_line1")
    if "categories" in hits:
        hits.discard("primary_category")
    if len(hits) == 1:
        return hits.pop()
    return None


def weakly_supports(field: FormField, key: str) -> bool:
    """Whether anything about the field, however faint, points at `key`: a word of one of
    the key's phrases in its texts, a name/id token, or its input type. Used to accept a
    model's answer only when the page itself agrees a little."""
    if _from_type(field) == key:
        return True
    if set(name_tokens(field)) & set(NAME_TOKENS.get(key, [])):
        return True
    words = set(normalise(" ".join(_texts(field))).split())
    phrases = ATTRIBUTE_PHRASES.get(key, []) + PERSON_STRONG.get(key, [])
    if key == "business_name":
        phrases = phrases + BUSINESS_PHRASES
    significant = {w for p in phrases for w in p.split() if len(w) > 2}
    return bool(words & significant)


def _adjust_for_kind(field: FormField, key: str) -> str:
    """One category word, two keys: a multi-choice field takes the list."""
    multi = field.kind == "select-multiple" or (field.kind == "checkbox" and field.multiple)
    if key == "primary_category" and multi:
        return "categories"
    if key == "categories" and field.kind in {"select", "radio"}:
        return "primary_category"
    return key


def _text_decision(field: FormField) -> tuple[str | None, str]:
    for text in _texts(field):
        key, how = _key_from_text(text, field.sources.legend)
        if key or how:
            return key, how
    legend = field.sources.legend
    if legend and _matches(field.label, ["line 1", "line 2", "1", "2"]):
        legend_key, _ = _key_from_text(legend)
        if legend_key in {"address_line1", "address_line2"}:
            second = _matches(field.label, ["line 2", "2"])
            return ("address_line2" if second else "address_line1"), "legend + label"
    return None, ""


def decide(field: FormField, schema: FormSchema) -> FieldDecision | None:
    """The heuristic decision for one field; None when it is unresolved but plausible."""
    why_not = _excluded(field, schema)
    if why_not:
        return FieldDecision.leave(field.key, why_not)
    for special in (_consent(field), _free_choice(field)):
        if special:
            return special
    if field.kind in {"radio", "checkbox"} and not (field.kind == "checkbox" and field.multiple):
        return FieldDecision.leave(field.key, "choice with no profile meaning")

    auto = _from_autocomplete(field)
    if auto and compatible(field, auto):
        return _fill(field, auto, 0.97, f"autocomplete={field.autocomplete!r}")

    all_text = " ".join(_texts(field))
    text_key, how = _text_decision(field)
    if text_key:
        text_key = _adjust_for_kind(field, text_key)
        if (
            text_key == "address_line1"
            and _matches(all_text, HOUSE_NUMBER_PHRASES)
            and not (_matches(all_text, ["street", "strasse", "via", "calle", "rue", "rua"]))
        ):
            return FieldDecision.leave(field.key, "house number alone")
        if text_key == "hours" and (
            field.kind in {"time", "select"} or normalise(all_text).split(" ")[0] in WEEKDAYS
        ):
            return FieldDecision.leave(field.key, "per-day opening hours picker")
        type_key = _from_type(field)
        if type_key and type_key != text_key and text_key not in _SOCIAL:
            return None  # label and input type disagree: let the next layer look
        if not compatible(field, text_key):
            return FieldDecision.leave(
                field.key, f"label says {text_key} but the field is a {field.kind}"
            )
        return _fill(field, text_key, 0.9, how or "label")
    if how:
        return None  # the label named two things

    type_key = _from_type(field)
    if type_key and compatible(field, type_key):
        return _fill(field, type_key, 0.85, f"input type {field.kind}")
    token_key = _from_tokens(field)
    if token_key:
        token_key = _adjust_for_kind(field, token_key)
        if compatible(field, token_key) and not all_text:
            return _fill(field, token_key, 0.75, f"field name {field.name or field.id!r}")
        if compatible(field, token_key):
            return None  # a name hint under a label we do not understand: unresolved
    if field.kind == "select" and _looks_like_country_list(field):
        return _fill(field, "country", 0.8, "options are countries")
    if not all_text and not field.name and not field.id:
        return FieldDecision.leave(field.key, "no label, name or id")
    return None


_SOCIAL = {"facebook_url", "instagram_url", "twitter_url", "linkedin_url", "youtube_url"}


def _looks_like_country_list(field: FormField) -> bool:
    import pycountry

    names = {normalise(c.name) for c in pycountry.countries}
    labels = [normalise(o.label) for o in field.options if o.value]
    return len(labels) >= 20 and sum(label in names for label in labels) >= 0.6 * len(labels)


def _fill(field: FormField, key: str, confidence: float, reason: str) -> FieldDecision:
    return FieldDecision(
        field_key=field.key,
        profile_key=cast(ProfileKey, key),
        action="fill",
        confidence=confidence,
        reason=reason,
    )


def _is_small_form_about(schema: FormSchema, form_index: int, phrases: list[str]) -> bool:
    """A small form that is itself a search box or a newsletter sign-up, judged by what its
    button, id, action and text fields say (an opt-in checkbox does not count)."""
    fields = schema.fields_of(form_index)
    form = next((f for f in schema.forms if f.index == form_index), None)
    said_by_form = [
        *(form.submit_labels if form else []),
        form.id if form else "",
        form.name if form else "",
        form.action if form else "",
    ]
    said_by_fields = [t for f in fields if f.kind != "checkbox" for t in [*_texts(f), f.name]]
    words = " ".join(said_by_form + said_by_fields)
    return len(fields) <= 4 and bool(_matches(words, phrases))


def refine_in_context(schema: FormSchema, decisions: dict[str, FieldDecision]) -> None:
    """Decisions that depend on the rest of the form.

    - A bare "name" beside a last-name field is the first name.
    - A second phone (mobile, other) beside the main one is left alone.
    - Every field of a newsletter sign-up box or a search box is left alone.
    """
    for form in schema.forms:
        fields = schema.fields_of(form.index)
        for what in ("newsletter", "search"):
            if _is_small_form_about(schema, form.index, NEVER_FILL[what] + _FORM_WORDS[what]):
                for field in fields:
                    decisions[field.key] = FieldDecision.leave(field.key, f"{what} form")
                break
        else:
            _refine_form(fields, decisions)


_FORM_WORDS = {"newsletter": [], "search": ["find", "finden", "go", "los", "buscar", "trouver"]}


def _split_street_lines(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """Two street inputs in a row under one "Address" label (a table row, a group): the
    second is the address's second line, whatever the inputs are named."""
    lines = [
        f
        for f in fields
        if (d := decisions.get(f.key)) is not None and d.profile_key == "address_line1"
    ]
    for first, second in itertools.pairwise(lines):
        if fields.index(second) == fields.index(first) + 1:
            decisions[second.key] = _fill(
                second, "address_line2", 0.8, "second street input of an address group"
            )
            return


def _refine_form(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """A bare "name" beside a last name is the first name; a second phone is left alone."""
    keys = {decisions[f.key].profile_key for f in fields if f.key in decisions}
    phones = [f for f in fields if f.key in decisions and decisions[f.key].profile_key == "phone"]
    if len(phones) > 1:
        secondary = [
            f for f in phones if _matches(" ".join(_texts(f) + name_tokens(f)), SECOND_PHONE_WORDS)
        ]
        keep = next((f for f in phones if f not in secondary), phones[0])
        for field in phones:
            if field is not keep:
                decisions[field.key] = FieldDecision.leave(field.key, "second phone number")
    _split_street_lines(fields, decisions)
    has_business_name = "business_name" in keys
    for field in fields:
        decision = decisions.get(field.key)
        if (
            decision is not None
            and decision.reason.startswith("legal_name")
            and field.required
            and not has_business_name
            and field.kind in TEXT
        ):
            # A legal-name field that is the form's only (and required) name for the business.
            decisions[field.key] = _fill(
                field, "business_name", 0.8, "legal name is the only business name asked for"
            )
            has_business_name = True
    for field in fields:
        decision = decisions.get(field.key)
        if decision is None or decision.reason != "label (bare name)":
            continue
        if "contact_last_name" in keys and "contact_first_name" not in keys:
            decisions[field.key] = decision.model_copy(
                update={"profile_key": "contact_first_name", "reason": "bare name + last name"}
            )
        elif "contact_first_name" in keys and "contact_last_name" not in keys:
            # "Prénom" + "Nom": the bare name is the family name.
            decisions[field.key] = decision.model_copy(
                update={"profile_key": "contact_last_name", "reason": "bare name + first name"}
            )
