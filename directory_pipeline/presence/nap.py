"""NAP consistency: the live listing's name, address (street, postal code, city) and phone
against the business profile, field by field.

Formatting is tolerated and reported as such: case, punctuation and accents, street words
abbreviated ("Blvd." for "Boulevard", "Str." for "Straße"), a phone written another way
("(503) 555-0142" for "+1 503 555 0142", compared as numbers by `phonenumbers`), a ZIP+4 for
its ZIP. Anything else is a difference the customer is told about. Pure.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum

import phonenumbers
from pydantic import BaseModel, ConfigDict

from directory_pipeline.domain import BusinessProfile
from directory_pipeline.presence.finding import normalised


class NapField(StrEnum):
    NAME = "name"
    STREET = "street"
    POSTAL_CODE = "postal_code"
    CITY = "city"
    PHONE = "phone"


class NapVerdict(StrEnum):
    """How one field on the live page compares with the profile."""

    MATCH = "match"
    """Shown exactly as in the profile."""
    EQUIVALENT = "equivalent"
    """Shown differently, formatting only (tolerated)."""
    DIFFERS = "differs"
    """Shown with another value: a real difference."""
    MISSING = "missing"
    """Not shown on the page."""


class FieldCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    verdict: NapVerdict
    expected: str
    shown: str = ""


class NapReport(BaseModel):
    """The comparison of every field the profile has."""

    model_config = ConfigDict(frozen=True)

    fields: dict[NapField, FieldCheck]

    @property
    def differences(self) -> dict[NapField, FieldCheck]:
        """The fields a customer should hear about: another value, or not shown."""
        tolerated = {NapVerdict.MATCH, NapVerdict.EQUIVALENT}
        return {f: c for f, c in self.fields.items() if c.verdict not in tolerated}

    @property
    def consistent(self) -> bool:
        return not any(c.verdict is NapVerdict.DIFFERS for c in self.fields.values())

    def summary(self) -> str:
        if not self.differences:
            return "consistent"
        return "; ".join(
            f"{f.value} {c.verdict.value}"
            + (f" ({c.shown!r} vs {c.expected!r})" if c.shown else "")
            for f, c in self.differences.items()
        )


class ShownNap(BaseModel):
    """What the live page shows, as read from its markup (schema.org microdata or JSON-LD);
    `text` is the page's visible text, looked in for fields the markup does not carry."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    text: str = ""


_STREET_WORDS = {
    "st": "street",
    "str": "strasse",
    "ave": "avenue",
    "av": "avenue",
    "rd": "road",
    "blvd": "boulevard",
    "dr": "drive",
    "ln": "lane",
    "pl": "place",
    "ct": "court",
    "sq": "square",
    "hwy": "highway",
    "pkwy": "parkway",
    "ste": "suite",
    "apt": "apartment",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "ne": "northeast",
    "nw": "northwest",
    "se": "southeast",
    "sw": "southwest",
}


def canonical_street(street: str) -> str:
    """Street words spelled out, so "1208 SE Hawthorne Blvd." reads as the profile's."""
    words = []
    for word in normalised(street).split():
        word = _STREET_WORDS.get(word, word)
        if word.endswith("str") and len(word) > 3:  # "Oranienstr." for "Oranienstraße"
            word += "asse"
        words.append(word)
    return " ".join(words)


def _postal(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def _same_phone(shown: str, expected: str, country: str) -> bool:
    try:
        a = phonenumbers.parse(shown, country)
        b = phonenumbers.parse(expected, country)
    except phonenumbers.NumberParseException:
        return False
    return (a.country_code, a.national_number) == (b.country_code, b.national_number)


def _equivalent(field: NapField, shown: str, expected: str, country: str) -> bool:
    if field is NapField.PHONE:
        return _same_phone(shown, expected, country)
    if field is NapField.STREET:
        return canonical_street(shown) == canonical_street(expected)
    if field is NapField.POSTAL_CODE:
        a, b = _postal(shown), _postal(expected)
        return a == b or (country == "US" and a[:5] == b[:5] and len(min(a, b, key=len)) == 5)
    return normalised(shown) == normalised(expected)


_PHONE_LIKE = re.compile(r"\+?[\d(][\d\s().\-/]{5,}\d")


def _in_text(field: NapField, expected: str, text: str, country: str) -> str:
    """The text's occurrence of an expected value, up to formatting; "" when there is none."""
    if field is NapField.PHONE:
        return next((m for m in _PHONE_LIKE.findall(text) if _same_phone(m, expected, country)), "")
    canonical = canonical_street if field is NapField.STREET else normalised
    if f" {canonical(expected)} " in f" {canonical(text)} ":
        return expected
    return ""


def expected_nap(profile: BusinessProfile) -> dict[NapField, str]:
    """The profile's NAP fields that it has."""
    values = {
        NapField.NAME: profile.business_name,
        NapField.STREET: profile.address_line1 or "",
        NapField.POSTAL_CODE: profile.postal_code or "",
        NapField.CITY: profile.city or "",
        NapField.PHONE: profile.phone,
    }
    return {field: value for field, value in values.items() if value}


def compare_nap(shown: ShownNap, profile: BusinessProfile) -> NapReport:
    """Each field the profile has, as the page shows it."""
    country = profile.country or "US"
    checks: dict[NapField, FieldCheck] = {}
    for field, expected in expected_nap(profile).items():
        value = getattr(shown, field.value).strip()
        if not value:
            found = _in_text(field, expected, shown.text, country)
            verdict = NapVerdict.EQUIVALENT if found else NapVerdict.MISSING
            checks[field] = FieldCheck(verdict=verdict, expected=expected, shown=found)
        elif value == expected:
            checks[field] = FieldCheck(verdict=NapVerdict.MATCH, expected=expected, shown=value)
        elif _equivalent(field, value, expected, country):
            checks[field] = FieldCheck(
                verdict=NapVerdict.EQUIVALENT, expected=expected, shown=value
            )
        else:
            checks[field] = FieldCheck(verdict=NapVerdict.DIFFERS, expected=expected, shown=value)
    return NapReport(fields=checks)


_ITEMPROPS = {
    "name": "name",
    "streetAddress": "street",
    "postalCode": "postal_code",
    "addressLocality": "city",
    "telephone": "phone",
}


def _from_json_ld(document: object) -> dict[str, str]:
    """NAP of the first JSON-LD object that has an address or a telephone."""
    stack = [document]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "address" in item or "telephone" in item:
                address = item.get("address")
                address = address if isinstance(address, dict) else {}
                values = {**item, **address}
                return {
                    ours: str(values[prop])
                    for prop, ours in _ITEMPROPS.items()
                    if isinstance(values.get(prop), str | int)
                }
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return {}


def read_shown(itemprops: dict[str, str], json_ld: list[str], text: str) -> ShownNap:
    """What a listing page shows: schema.org microdata first, then JSON-LD, and its text."""
    values: dict[str, str] = {}
    for raw in json_ld:
        try:
            values = _from_json_ld(json.loads(raw))
        except ValueError:
            continue
        if values:
            break
    for prop, ours in _ITEMPROPS.items():
        if itemprops.get(prop, "").strip():
            values[ours] = " ".join(itemprops[prop].split())
    return ShownNap(**values, text=text)
