"""The mapper's word lists (six languages), loaded from `vocabulary.yaml`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=65_536)  # the same labels and option texts come back form after form
def normalise(text: str) -> str:
    """Lower case, accents stripped, anything but letters and digits turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("ß", "ss").replace("ł", "l").replace("ø", "o").replace("\u0131", "i")
    plain = plain.replace("æ", "ae").replace("đ", "d")
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

PAID_OPTION_PATTERN = re.compile(
    r"([$€£]\s*[1-9])|([1-9][\d.,]*\s*[$€£])|\b(usd|eur|gbp)\b|\b(premium|featured|sponsored|"
    r"pro|gold|platinum|vip|destacado|destacada|hervorgehoben|en vedette|in evidenza|"
    r"destaque|prioritaire|prioritario|prioritaria)\b",
    re.IGNORECASE,
)
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
