"""Deterministic field mapping: autocomplete tokens, label/name synonyms in six languages,
input types, consent boxes and free-plan choices. A field it cannot place confidently is
returned as unresolved (for the LLM layer) or left alone; it never guesses.
"""

from __future__ import annotations

import itertools
import re
from enum import IntEnum
from functools import lru_cache
from typing import NamedTuple, cast

from directory_pipeline.domain.profile import ProfileKey
from directory_pipeline.forms.choices import consent, free_choice
from directory_pipeline.forms.field_text import (
    container_tokens,
    identifier_tokens,
    label_texts,
    leaf_tokens,
    leaf_words,
    longest,
    matches,
    matches_not_included,
    name_tokens,
    stem_matches,
)
from directory_pipeline.forms.field_text import texts as _texts
from directory_pipeline.forms.options import is_language_list, option_list_kind
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import FormField, FormSchema
from directory_pipeline.forms.vocabulary import (
    ATTRIBUTE_PHRASES,
    BILLING_ADDRESS_STEMS,
    BUSINESS_PHRASES,
    DELIVERY_ADDRESS_STEMS,
    GATED_PHRASES,
    HOUSE_NUMBER_PHRASES,
    NAME_TOKENS,
    NEVER_FILL,
    NEVER_FILL_FALSE_FRIENDS,
    NEVER_FILL_STEMS,
    PERSON_STRONG,
    PERSON_WEAK,
    SECOND_ORDINALS,
    SECOND_PHONE_WORDS,
    SUBREGIONS,
    WEEKDAYS,
    normalise,
)

__all__ = ["compatible", "decide", "name_tokens", "refine_in_context", "weakly_supports"]

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


@lru_cache(maxsize=256)
def _attribute_phrases(languages: frozenset[str]) -> dict[str, list[str]]:
    """The attribute phrases, with the short words that name a key only in one of the
    page's languages ("kraj" is a Czech region and a Polish country)."""
    table = {key: list(phrases) for key, phrases in ATTRIBUTE_PHRASES.items()}
    for key, words in GATED_PHRASES.items():
        table[key] += [word for word, used_in in words.items() if languages & set(used_in)]
    return table


def _matched_phrase(text: str, phrases: list[str], length: int) -> str:
    return next(p for p in matches(text, phrases) if len(p) == length)


# Words that make a description the short one ("Short business description", "Descripción
# corta"), next to a word for a description or text ("A short history" is not one).
SHORT_WORDS = {
    "short", "brief", "kurz", "kurze", "kurzer", "court", "courte", "breve", "corta", "curta",
    "corto", "curto", "kort", "korte", "lyhyt", "luhike", "kratky", "kratka", "kratki",
    "krotki", "rovid", "scurta", "kisa",
}  # fmt: skip
DESCRIPTION_NOUNS = {
    "description", "descriptions", "beschreibung", "descripcion", "descricao", "descrizione",
    "beskrivning", "beskrivelse", "kuvaus", "kirjeldus", "apraksts", "aprasymas", "popis",
    "opis", "leiras", "descriere", "aciklama", "omschrijving", "beschrijving", "descripcio",
    "text", "texte", "testo", "texto", "tekst", "presentation", "presentacion", "prezentare",
    "presentazione", "apresentacao", "bio", "blurb", "intro",
}  # fmt: skip
# A business word after a number word is an identifier ("N° d'entreprise", "Company no.").
NUMBER_WORDS = {"n", "no", "nr", "num", "numero", "number", "nummer", "cislo", "broj", "szam"}


def _says_short(text: str) -> bool:
    words = normalise(text).split()
    return any(
        w in SHORT_WORDS
        and any(n in DESCRIPTION_NOUNS for n in words[max(0, i - 2) : i] + words[i + 1 : i + 4])
        for i, w in enumerate(words)
    )


_PARENTHESES = re.compile(r"\([^)]*\)")


def _key_from_text(
    text: str, legend: str = "", languages: frozenset[str] = frozenset()
) -> tuple[str | None, str]:
    """Key named by a piece of text, by tier; (None, why) when nothing or a tie. What is in
    parentheses only counts when the rest names nothing ("Postcode (where you trade)")."""
    bare = _PARENTHESES.sub(" ", text)
    if bare != text and normalise(bare):
        key, how = _key_from_words(bare, legend, languages)
        if key or how:
            return key, how
    return _key_from_words(text, legend, languages)


def _key_from_words(text: str, legend: str, languages: frozenset[str]) -> tuple[str | None, str]:
    attributes = _attribute_phrases(languages)
    key, length, ambiguous = longest(text, attributes)
    if key == "description" and _says_short(text):
        return "short_description", "label (short)"
    longer_business = [p for p in matches(text, BUSINESS_PHRASES) if len(p) > length]
    if key and any(
        f" {_matched_phrase(text, attributes[key], length)} " in f" {p} " for p in longer_business
    ):
        return "business_name", "label"  # "Trade name" is a name, not a trade
    if key and not ambiguous:
        generic_line = matches(text, ["line 1", "line 2"])
        outside_address = legend and not matches(legend, ATTRIBUTE_PHRASES["address_line1"])
        if key in {"address_line1", "address_line2"} and generic_line and outside_address:
            return None, "address line outside an address group"
        return key, "label"
    if ambiguous:
        return None, f"label names two things: {text!r}"
    person, _, tie = longest(text, PERSON_STRONG)
    first = matches(text, PERSON_STRONG["contact_first_name"])
    last = matches(text, PERSON_STRONG["contact_last_name"])
    if first and last and not any(f in p or p in f for f in first for p in last):
        return "contact_name", "label (first and last name in one field)"
    if person and not tie:
        return person, "label"
    words = len(normalise(text).split())
    business = matches(text, BUSINESS_PHRASES)
    if business and set(normalise(text).split()) & NUMBER_WORDS:
        return None, ""  # a company number, not its name
    # Weak words only count when they carry the label, not when buried in a question
    # ("Is this your business?", "Quel est le nom de votre chien ?").
    names_it = bool(matches(text, PERSON_WEAK))  # "Nom du site / de l'entreprise"
    if business and (names_it or 3 * max(len(p.split()) for p in business) >= words):
        return "business_name", "label"
    if matches(text, PERSON_WEAK) and _only_a_name(text):
        return "contact_name", "label (bare name)"
    return None, ""


# Words that may stand beside a bare "name" without naming something else ("Your name",
# "Ihr Name", "Numele tău", "Full name").
NAME_COMPANIONS = {
    "your", "you", "full", "complete", "votre", "ton", "ihr", "dein", "ihre", "deine", "su",
    "tu", "seu", "sua", "teu", "tua", "il", "tuo", "vostro", "suo", "uw", "je", "jouw",
    "din", "ditt", "sinu", "jusu", "tavo", "vase", "vasi", "vas", "tvoje", "tvoj", "az", "on",
    "tau", "dumneavoastra", "adiniz", "sizin", "to", "sas", "sou", "el", "la",
    "le", "de", "del", "and", "e", "y", "et", "und", "en", "og", "och", "ja", "a", "i",
}  # fmt: skip


def _only_a_name(text: str) -> bool:
    """The label is a bare name, perhaps "your" or "full": "Name of the venue" or "Venue
    name" name something else, and a name of something we do not know is not a person's."""
    words = normalise(text).split()
    weak = {w for p in matches(text, PERSON_WEAK) for w in p.split()}
    return len(words) <= 3 and all(w in weak or w in NAME_COMPANIONS for w in words)


# Exclusions a structured name's containers can carry: `billing[city]`, `card[name]`,
# `newsletter[email]`. The rest ("data", "date", "image"...) say nothing about a container.
GROUP_EXCLUSIONS = {"payment", "shipping", "newsletter", "captcha", "coupon", "reciprocal"}
# Exclusions about data a tick box cannot carry: they do not stop a consent box.
DATA_EXCLUSIONS = {"identity", "tax", "account", "free_text", "other"}
# Data exclusions that also say a list of options is not the business's: countries under
# "Country of birth" (but a region select under "Departamento" is still a region).
LIST_EXCLUSIONS = {"identity", "tax", "account"}
CAPTCHA_NAMES = {"captcha", "g-recaptcha-response", "h-captcha-response", "cf-turnstile-response"}


class Exclusion(NamedTuple):
    """Why a field must never be filled: `any` for filling it from the profile, `hard` (the
    same minus data exclusions) for ticking or choosing it, `listed` (hard plus
    LIST_EXCLUSIONS) for filling it from what its options are. None where nothing excludes."""

    any: str | None
    hard: str | None
    listed: str | None


@lru_cache(maxsize=64)
def _never_fill(languages: frozenset[str]) -> dict[str, list[str]]:
    """The never-fill phrases on a page in `languages`: without those that mean something
    else in one of them (NEVER_FILL_FALSE_FRIENDS)."""
    false = {p for p, used_in in NEVER_FILL_FALSE_FRIENDS.items() if languages & set(used_in)}
    if not false:
        return NEVER_FILL
    return {kind: [p for p in phrases if p not in false] for kind, phrases in NEVER_FILL.items()}


def _excluded(field: FormField, schema: FormSchema, languages: frozenset[str]) -> Exclusion:
    """The exclusions of a field, from one pass over the never-fill phrases and word
    beginnings (in their order: the first kind found is the reason)."""
    if field.kind == "password":
        return Exclusion("password field", "password field", "password field")
    if field.honeypot_suspect:
        reason = f"honeypot suspect ({field.visibility})"
        return Exclusion(reason, reason, reason)
    own = " ".join(label_texts(field) + leaf_tokens(field))
    around = " ".join(container_tokens(field))
    first: str | None = None
    listed: str | None = None
    for kind, phrases in _never_fill(languages).items():
        if kind == "search":
            small_form = len(schema.fields_of(field.form_index)) <= 3
            if not (small_form or field.name.lower() in SEARCH_NAMES):
                continue
        # "Telefon inkl. Vorwahl" is a whole phone; "with our link back" still asks a link.
        found = (matches_not_included if kind == "other" else matches)(own, phrases)
        if not found and kind in NEVER_FILL_STEMS:
            found = stem_matches(own, NEVER_FILL_STEMS[kind])
        if not found and kind in GROUP_EXCLUSIONS:
            found = matches(around, phrases)
        if not found or (kind == "other" and field.kind == "file" and matches(own, ["logo"])):
            continue
        reason = f"{kind}: {found[0]!r}"
        first = first or reason
        if kind in LIST_EXCLUSIONS:
            listed = listed or reason
        if kind not in DATA_EXCLUSIONS:
            return Exclusion(first, reason, listed or reason)
    captcha = "captcha" if field.name.lower() in CAPTCHA_NAMES else None
    return Exclusion(first or captcha, captcha, listed or captcha)


def _choice_decision(field: FormField, exclusion: Exclusion) -> FieldDecision | None:
    """A consent box to tick or a free plan to choose. Data exclusions ("tratamiento de
    datos", "I declare the information is true") do not stop a consent; payment, newsletter
    and link-back exclusions do."""
    if field.kind not in {"checkbox", "radio", "select"} or exclusion.hard:
        return None
    return consent(field) or free_choice(field)


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


def _from_tokens(field: FormField, tokens: list[str] | None = None) -> str | None:
    """The one key the name's tokens point at (all tokens unless given), else None."""
    found = set(name_tokens(field) if tokens is None else tokens)
    hits = {key for key, words in NAME_TOKENS.items() if found & set(words)}
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


def _text_decision(
    field: FormField, languages: frozenset[str] = frozenset()
) -> tuple[str | None, str]:
    for text in _texts(field):
        key, how = _key_from_text(text, field.sources.legend, languages)
        if key or how:
            return key, how
    legend = field.sources.legend
    if legend and matches(field.label, ["line 1", "line 2", "1", "2"]):
        legend_key, _ = _key_from_text(legend)
        if legend_key in {"address_line1", "address_line2"}:
            second = matches(field.label, ["line 2", "2"])
            return ("address_line2" if second else "address_line1"), "legend + label"
    return None, ""


def decide(field: FormField, schema: FormSchema, languages: frozenset[str]) -> FieldDecision | None:
    """The heuristic decision for one field of `schema`, a page in `languages`
    (`page_languages`); None when it is unresolved but plausible."""
    exclusion = _excluded(field, schema, languages)
    choice = _choice_decision(field, exclusion)
    if choice:
        return choice
    listed = _from_option_list(field)
    if listed and not exclusion.listed:
        return listed
    why_not = exclusion.any
    if why_not and not (why_not.startswith("account") and _text_decision(field)[0] in _SOCIAL):
        # ("Twitter", placeholder "username" is the Twitter profile, not a login.)
        return FieldDecision.leave(field.key, why_not)
    if field.kind in {"radio", "checkbox"} and not (field.kind == "checkbox" and field.multiple):
        return FieldDecision.leave(field.key, "choice with no profile meaning")

    auto = _from_autocomplete(field)
    if auto and compatible(field, auto):
        return _fill(field, auto, 0.97, f"autocomplete={field.autocomplete!r}")

    all_text = " ".join(_texts(field))
    text_key, how = _text_decision(field, languages)
    if text_key:
        text_key = _adjust_for_kind(field, text_key)
        if (
            text_key == "address_line1"
            and matches(all_text, HOUSE_NUMBER_PHRASES)
            and not (matches(all_text, ["street", "strasse", "via", "calle", "rue", "rua"]))
        ):
            return FieldDecision.leave(field.key, "house number alone")
        if text_key == "hours" and (
            field.kind in {"time", "select"} or normalise(all_text).split(" ")[0] in WEEKDAYS
        ):
            return FieldDecision.leave(field.key, "per-day opening hours picker")
        if text_key in _SOCIAL | {"website"} and _either_or(all_text):
            return FieldDecision.leave(field.key, "label offers a choice of addresses")
        if text_key in {"categories", "primary_category"} and is_language_list(field.options):
            return FieldDecision.leave(field.key, "options are languages")
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
        if type_key == "website" and label_texts(field):
            # An address input labelled as something else ("Link to your listing page",
            # "RSS feed", "Page showing our badge"): not the business's website.
            return None
        return _fill(field, type_key, 0.85, f"input type {field.kind}")
    token_key = _from_tokens(field)
    if token_key:
        token_key = _adjust_for_kind(field, token_key)
        if compatible(field, token_key) and not all_text:
            return _fill(field, token_key, 0.75, f"field name {field.name or field.id!r}")
    leaf_key = _from_tokens(field, _meaningful(leaf_words(field)))
    if leaf_key and leaf_key not in NAMES_TOO_VAGUE_FOR_TOKENS:
        # The label is in words we do not know, and the name's own part (not its containers)
        # says what the field is: `tax_input[at_biz_dir-category][]` under "Obory".
        leaf_key = _adjust_for_kind(field, leaf_key)
        if compatible(field, leaf_key):
            return _fill(field, leaf_key, 0.7, f"field name {field.name or field.id!r}")
    if token_key and compatible(field, token_key):
        return None  # a name hint under a label we do not understand: unresolved
    if not all_text and not field.name and not field.id:
        return FieldDecision.leave(field.key, "no label, name or id")
    return None


# Plugin and framework prefixes in field names that say nothing about the field.
FILLER_TOKENS = {
    "at", "biz", "dir", "jr", "hp", "tx", "wpbdp", "gd", "geodir", "field", "fields", "input",
    "form", "frm", "ff", "data", "listing", "post", "meta", "custom", "tax", "edit", "txt",
    "inp", "fld", "the", "your",
}  # fmt: skip
# "title", "name": too many things have one (a link's title, a job title, a pet's name).
NAMES_TOO_VAGUE_FOR_TOKENS = {"business_name", "contact_name"}


def _meaningful(tokens: list[str]) -> list[str]:
    """The one token a name's leaf is about, or nothing when it says more than one thing
    (`friendly_url`, `url_retour` are not the website)."""
    words = [t for t in tokens if not t.isdigit() and t not in FILLER_TOKENS]
    return words if len(words) == 1 else []


def _from_option_list(field: FormField) -> FieldDecision | None:
    """A choice whose options say what it is: countries, a country's regions or business
    categories (one or many by the field's kind). A list of years is not enough: a year of
    birth looks the same as a founding year."""
    if field.kind not in {"select", "select-multiple"} and not (
        field.kind == "checkbox" and field.multiple
    ):
        return None
    kind = option_list_kind(field.options)
    key = {
        "country": "country",
        "region": "region",
        "category": "primary_category",
    }.get(kind or "")
    if key is None:
        return None
    if key == "region" and matches(" ".join(label_texts(field)), SUBREGIONS):
        return None  # a district's select lists the regions' names too
    key = _adjust_for_kind(field, key)
    if not compatible(field, key):
        return None
    return _fill(field, key, 0.8, f"options are {kind} names")


_SOCIAL = {"facebook_url", "instagram_url", "twitter_url", "linkedin_url", "youtube_url"}
OR_WORDS = [
    "or", "ou", "oder", "eller", "tai", "vai", "arba", "nebo", "alebo", "vagy", "sau", "veya",
    "ili", "ali", "lub", "albo",
]  # fmt: skip
_WEB_WORDS = ["site", "web", "www", "blog", *ATTRIBUTE_PHRASES["website"]]
# Word beginnings, for inflected forms ("profil na Facebooku").
SOCIAL_BRANDS = ["facebook", "instagram", "linkedin", "youtube", "twitter", "tiktok"]


def _either_or(text: str) -> bool:
    """Whether the label offers a choice ("Site ou Instagram", "Website or Facebook page",
    "Facebook oder Instagram"): the field takes whichever address the business has, so no
    one profile address belongs in it."""
    named = len(stem_matches(text, SOCIAL_BRANDS)) + bool(matches(text, _WEB_WORDS))
    return named > 1 and bool(matches(text, OR_WORDS))


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
    return len(fields) <= 4 and bool(matches(words, phrases))


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


# A part of a phone number split over several inputs ("(", area code, ")", number).
PHONE_PART_WORDS = [
    "area code", "std", "std code", "ddd", "dial code", "prefix", "prefijo", "lada", "vorwahl",
    "indicatif", "prefisso", "indicativo", "extension", "ext", "durchwahl", "poste",
    "first three digits", "last four digits", "country code", "predvolba", "korzetszam",
    "suuntanumero", "riktnummer", "retningsnummer", "numar prefix", "alan kodu",
]  # fmt: skip
# A place inside a town ("Suburb" beside "City"): the town is the city.
PART_OF_TOWN_WORDS = [
    "suburb", "neighbourhood", "neighborhood", "district", "quarter", "barrio", "colonia",
    "bairro", "freguesia", "concelho", "quartier", "arrondissement", "stadtteil", "ortsteil",
    "bezirk", "quartiere", "frazione", "wijk", "deelgemeente", "kaupunginosa", "linnaosa",
    "stadsdel", "bydel", "mestska cast", "cetvrt", "kerulet", "sector", "mahalle", "ilce",
]  # fmt: skip
# A second address block of the same form: the business's own address comes first.
SECONDARY_ADDRESS_WORDS = [
    "postal address", "mailing address", "billing address", "invoice address",
    "correspondence address", "postadresse", "postadress", "postiosoite", "rechnungsadresse",
    "postanschrift", "adresse de facturation", "adresse postale", "direccion de facturacion",
    "direccion postal", "indirizzo di fatturazione", "indirizzo postale", "endereco de faturacao",
    "endereco postal", "factuuradres", "postadres", "korespondencni adresa",
    "adres do korespondencji", "levelezesi cim", "adresa de corespondenta", "fatura adresi",
    "postanska adresa",
]  # fmt: skip
ADDRESS_KEYS = {"address_line1", "address_line2", "city", "postal_code", "region", "country"}


def _fills(decisions: dict[str, FieldDecision], field: FormField, key: str) -> bool:
    return _fills_one_of(decisions, field, {key})


def _fills_one_of(decisions: dict[str, FieldDecision], field: FormField, keys: set[str]) -> bool:
    decision = decisions.get(field.key)
    return decision is not None and decision.action == "fill" and decision.profile_key in keys


def _name_stem(field: FormField) -> tuple[str, ...]:
    """The name's tokens but the last: `biz[phone_area]` and `biz[phone_line]` share one."""
    return identifier_tokens(field.name)[:-1]


def _phone_group(field: FormField, fields: list[FormField]) -> list[FormField]:
    """The inputs one phone number is split over: those near the part that share its row
    label or its name's stem."""
    at = fields.index(field)
    stem = _name_stem(field)
    group = [field]
    for other in fields[max(0, at - 3) : at + 4]:
        if other is field or other.kind not in {"tel", "text", "number"}:
            continue
        same_row = bool(field.sources.row) and other.sources.row == field.sources.row
        if same_row or (stem and _name_stem(other) == stem):
            group.append(other)
    return group


def _is_phone_part(field: FormField) -> bool:
    said = " ".join(label_texts(field) + leaf_tokens(field))
    return bool(matches_not_included(said, PHONE_PART_WORDS)) or (
        field.maxlength is not None and field.maxlength <= 5 and field.kind in {"tel", "text"}
    )


def _split_phones(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """A phone number split over several inputs is left whole: one profile phone does not
    go into an area-code box. Of several whole phones, the required, main one is kept."""
    for field in fields:
        if (_fills(decisions, field, "phone") or field.kind == "tel") and _is_phone_part(field):
            for part in _phone_group(field, fields):
                decisions[part.key] = FieldDecision.leave(part.key, "phone split into parts")
    phones = [f for f in fields if _fills(decisions, f, "phone")]
    if len(phones) > 1:
        main = [
            f
            for f in phones
            if not matches(" ".join(_texts(f) + name_tokens(f)), SECOND_PHONE_WORDS)
        ]
        keep = next(
            (f for f in main if f.required),
            main[0] if main else next((f for f in phones if f.required), phones[0]),
        )
        for field in phones:
            if field is not keep:
                decisions[field.key] = FieldDecision.leave(field.key, "second phone number")


def _one_town(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """Of two city fields, the suburb or district is left and the town kept."""
    towns = [f for f in fields if _fills(decisions, f, "city")]
    parts = [f for f in towns if matches(" ".join(label_texts(f)), PART_OF_TOWN_WORDS)]
    if len(towns) > 1 and len(parts) < len(towns):
        for field in parts:
            decisions[field.key] = FieldDecision.leave(field.key, "part of a town beside the town")


class AddressRole(IntEnum):
    """Whose address a block of fields is, by its legend: the business's own, one for
    invoices or post, or one to deliver to."""

    OWN = 0
    BILLING = 1
    DELIVERY = 2


def address_role(legend: str) -> AddressRole:
    """The role a block's legend gives it (word beginnings: "Fakturační", "Rechnungs...")."""
    if stem_matches(legend, DELIVERY_ADDRESS_STEMS):
        return AddressRole.DELIVERY
    if matches(legend, SECONDARY_ADDRESS_WORDS) or stem_matches(legend, BILLING_ADDRESS_STEMS):
        return AddressRole.BILLING
    return AddressRole.OWN


# The fields that make an address block an address: a lone country select does not.
STREET_KEYS = {"address_line1", "city", "postal_code"}


def _one_address_block(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """Of the address blocks a form asks (the business's own, billing or postal, delivery),
    the first role present is the business's address; the blocks of later roles are left
    alone. A checkout's billing block is kept when there is no own address beside it."""
    filled = [f for f in fields if _fills_one_of(decisions, f, ADDRESS_KEYS)]
    roles = {f.key: address_role(f.sources.legend) for f in filled}
    streets = [roles[f.key] for f in filled if _fills_one_of(decisions, f, STREET_KEYS)]
    if not streets:
        return
    first = min(streets)
    for field in filled:
        if roles[field.key] > first:
            decisions[field.key] = FieldDecision.leave(field.key, "second address block")


PERSON_KEYS = {"contact_name", "contact_first_name", "contact_last_name", "email", "phone"}


def _delivery_recipients(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """A person's fields in a delivery block ("Doručovací adresa: Jméno") are whoever
    receives a parcel, left alone when the form asks for a person outside it too."""
    people = [f for f in fields if _fills_one_of(decisions, f, PERSON_KEYS)]
    recipients = [f for f in people if address_role(f.sources.legend) is AddressRole.DELIVERY]
    if recipients and len(recipients) < len(people):
        for field in recipients:
            decisions[field.key] = FieldDecision.leave(field.key, "delivery recipient")


# What a second person's or a second place's block repeats ("Second contact").
PERSON_AND_PLACE_KEYS = ADDRESS_KEYS | PERSON_KEYS


def _second_blocks(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """A block whose legend is a second person or place ("Second contact", "Druhá kontaktná
    osoba"), or a person's field whose own label says second ("Second contact's e-mail"), is
    left alone when the form asks for the first one outside it."""
    filled = [f for f in fields if _fills_one_of(decisions, f, PERSON_AND_PLACE_KEYS)]
    second = [
        f
        for f in filled
        if matches(f.sources.legend, SECOND_ORDINALS)
        or (
            _fills_one_of(decisions, f, PERSON_KEYS)
            and matches(" ".join(label_texts(f)), SECOND_ORDINALS)
        )
    ]
    if second and len(second) < len(filled):
        for field in second:
            decisions[field.key] = FieldDecision.leave(field.key, "second person or place")


# Keys a form may rightly ask twice: a repeated e-mail ("Confirm e-mail"), two street lines
# (paired separately), a list of categories or keywords over several inputs.
MAY_REPEAT = {"email", "address_line1", "address_line2", "categories", "keywords"}


def _one_field_per_key(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """One field per profile key and form: of two "websites" or two "cities", the one the
    page is surest about is kept (its own label over its options or name; then the first),
    and the other is left, since a form rarely asks for one thing twice."""
    by_key: dict[str, list[FormField]] = {}
    for field in fields:
        decision = decisions.get(field.key)
        if decision is not None and decision.action == "fill" and decision.profile_key:
            by_key.setdefault(decision.profile_key, []).append(field)
    for key, same in by_key.items():
        if key in MAY_REPEAT or len(same) < 2:
            continue
        keep = max(same, key=lambda f: (decisions[f.key].confidence, -fields.index(f)))
        for field in same:
            if field is not keep:
                decisions[field.key] = FieldDecision.leave(field.key, f"second field for {key}")


def _refine_form(fields: list[FormField], decisions: dict[str, FieldDecision]) -> None:
    """Decisions that depend on the fields around: phones, towns, address blocks, names."""
    _split_phones(fields, decisions)
    _one_town(fields, decisions)
    _one_address_block(fields, decisions)
    _delivery_recipients(fields, decisions)
    _second_blocks(fields, decisions)
    keys = {decisions[f.key].profile_key for f in fields if f.key in decisions}
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
    _one_field_per_key(fields, decisions)
