"""The mapper's word lists, loaded from `vocabulary.yaml` (en, es, de, fr, it, pt),
`vocabulary_more.yaml` (the other languages) and `vocabulary_languages.yaml` (words that
depend on the page's language, word beginnings, secondary blocks), and the one text
normalisation they share."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

# Greek is written in Latin letters (close to ELOT 743) so that one word list serves it.
_GREEK = str.maketrans(
    {
        **dict(zip("αβγδεζηικλμνξοπρστυφω", "avgdeziiklmnxoprstyfo", strict=True)),
        "ς": "s",
        "θ": "th",
        "χ": "ch",
        "ψ": "ps",
    }
)
_LATIN = str.maketrans({"ß": "ss", "ł": "l", "ø": "o", "\u0131": "i", "æ": "ae", "đ": "d"})


@lru_cache(maxsize=65_536)  # the same labels and option texts come back form after form
def normalise(text: str) -> str:
    """Lower case, accents stripped, Greek transliterated, anything but letters and digits
    turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.translate(_LATIN)
    if any("\u0370" <= c <= "\u03ff" for c in plain):
        plain = plain.replace("\u03bf\u03c5", "ou").translate(_GREEK)  # omicron-upsilon
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _load(name: str) -> dict:
    return yaml.safe_load(resources.files("directory_pipeline.forms").joinpath(name).read_text())


def _merged(base: dict, more: dict) -> dict:
    """`more`'s phrases appended to `base`'s lists, section by section (one level of keys
    deeper where a section is a mapping)."""
    for section, words in more.items():
        if isinstance(words, dict):
            for key, phrases in words.items():
                base[section].setdefault(key, []).extend(phrases)
        else:
            base[section].extend(words)
    return base


_DATA = _merged(_load("vocabulary.yaml"), _load("vocabulary_more.yaml"))

NEVER_FILL: dict[str, list[str]] = _DATA["never_fill"]
ATTRIBUTE_PHRASES: dict[str, list[str]] = _DATA["attributes"]
BUSINESS_PHRASES: list[str] = _DATA["business"]
PERSON_STRONG: dict[str, list[str]] = _DATA["person_strong"]
PERSON_WEAK: list[str] = _DATA["person_weak"]
NAME_TOKENS: dict[str, list[str]] = _DATA["name_tokens"]
CONSENT_PHRASES: list[str] = _DATA["consent"]
FREE_OPTION_PHRASES: list[str] = _DATA["free_option"]
CHOICE_CONTEXT: list[str] = _DATA["choice_context"]
RECIPROCAL_OPTION_PHRASES: list[str] = _DATA["reciprocal_option"]
WEEKDAYS: list[str] = _DATA["weekdays"]
PAID_OPTION_WORDS: list[str] = _DATA["paid_option"]
NEGATIONS: list[str] = _DATA["negation"]

_LANGUAGE_DATA = _load("vocabulary_languages.yaml")
LANGUAGE_LETTERS: dict[str, str] = _LANGUAGE_DATA["letters"]
# key -> word -> the languages in which the word names that key
GATED_PHRASES: dict[str, dict[str, list[str]]] = _LANGUAGE_DATA["gated"]
NEVER_FILL_STEMS: dict[str, list[str]] = _LANGUAGE_DATA["never_fill_stems"]
BILLING_ADDRESS_STEMS: list[str] = _LANGUAGE_DATA["billing_address_stems"]
DELIVERY_ADDRESS_STEMS: list[str] = _LANGUAGE_DATA["delivery_address_stems"]
SECOND_ORDINALS: list[str] = _LANGUAGE_DATA["second_ordinals"]
SUBREGIONS: list[str] = _LANGUAGE_DATA["subregions"]
# phrase -> the languages in which that never-fill phrase means something else
NEVER_FILL_FALSE_FRIENDS: dict[str, list[str]] = _LANGUAGE_DATA["never_fill_false_friends"]

_SIGNS = r"[$€£¥₹₺₽₴₪₩]"
_CODES = "|".join(sorted(map(re.escape, _DATA["currency"]), key=len, reverse=True))
# A currency sign or code next to a number: in the raw text for signs, in the normalised text
# for codes ("R349", "149 Kč", "kr 99", "19,- EUR").
_PRICE_SIGN = re.compile(rf"{_SIGNS}\s*(\d+)|(\d+)(?:[.,]\d+|[.,][-\u2013]+)?\s*{_SIGNS}")
_PRICE_CODE = re.compile(rf"\b(?:{_CODES}) ?(\d+)\b|\b(\d+)(?: \d\d?)? ?(?:{_CODES})\b")


def prices(text: str) -> list[int]:
    """The whole-unit amounts of the prices a text states, in any currency it names."""
    found = [m.group(1) or m.group(2) for m in _PRICE_SIGN.finditer(text)]
    found += [m.group(1) or m.group(2) for m in _PRICE_CODE.finditer(normalise(text))]
    return [int(amount) for amount in found]


HOUSE_NUMBER_PHRASES = [
    "house number",
    "hausnummer",
    "haus nr",
    "street number",
    "numero civico",
    "numero exterior",
    "hausnr",
]
SECOND_PHONE_WORDS = [
    "mobile",
    "cell",
    "cell phone",
    "handy",
    "mobil",
    "movil",
    "celular",
    "portable",
    "cellulare",
    "telemovel",
    "second",
    "other",
    "weitere",
    "otro",
    "autre",
    "altro",
    "outro",
]
