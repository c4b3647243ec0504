"""Choosing among a field's options for a profile value: countries and regions by code or
name, categories by synonym and, failing that, by their broader group."""

from __future__ import annotations

import gettext
from functools import cache, lru_cache
from importlib import resources

import pycountry
import yaml

from directory_pipeline.domain.profile import BusinessProfile
from directory_pipeline.forms.schema import FieldOption
from directory_pipeline.forms.vocabulary import normalise

LANGUAGES = ["de", "es", "fr", "it", "pt"]


@cache
def _taxonomy() -> dict[str, dict]:
    text = resources.files("directory_pipeline.forms").joinpath("categories.yaml").read_text()
    return yaml.safe_load(text)["groups"]


def _singular(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    return word


@lru_cache(maxsize=65_536)
def _words(text: str) -> str:
    return " ".join(_singular(w) for w in normalise(text.replace("&", " and ")).split())


def _contains(text: str, term: str) -> bool:
    return f" {_words(term)} " in f" {_words(text)} "


def category_groups(category: str) -> list[str]:
    """Taxonomy groups a category belongs to (most specific first)."""
    return list(_category_groups(category))


@lru_cache(maxsize=16_384)  # every option of every category select is looked up, form after form
def _category_groups(category: str) -> tuple[str, ...]:
    groups = [
        name
        for name, group in _taxonomy().items()
        if any(_contains(category, t) or _words(category) == _words(t) for t in group["terms"])
    ]
    return tuple(sorted(groups, key=lambda g: "parent" not in _taxonomy()[g]))


def _option_groups(option: FieldOption) -> set[str]:
    return set(category_groups(option.label)) | set(category_groups(option.value))


def match_categories(
    options: list[FieldOption], categories: list[str], limit: int = 3
) -> list[str]:
    """Option values for the profile's categories: exact, then synonym, then parent group."""
    usable = [o for o in options if o.value and not o.disabled]
    chosen: list[str] = []
    for category in categories:
        exact = [o for o in usable if _words(o.label) == _words(category)]
        if exact:
            chosen.append(exact[0].value)
            continue
        groups = category_groups(category)
        specific = [g for g in groups if "parent" in _taxonomy()[g]] or groups
        same = [o for o in usable if _option_groups(o) & set(specific)]
        if same:
            chosen.append(same[0].value)
            continue
        parents = {_taxonomy()[g]["parent"] for g in groups if "parent" in _taxonomy()[g]}
        broader = [o for o in usable if _option_groups(o) & parents]
        if broader:
            chosen.append(broader[0].value)
    return list(dict.fromkeys(chosen))[:limit]


@cache
def country_names(code: str) -> set[str]:
    """The country's names in English and the directory languages, normalised."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return set()
    english = {
        country.name,
        getattr(country, "common_name", country.name),
        getattr(country, "official_name", country.name),
    }
    names = {normalise(n) for n in english}
    for language in LANGUAGES:
        translation = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        names |= {normalise(translation.gettext(n)) for n in english}
    names |= {normalise(code), normalise(country.alpha_3)}
    return names


def match_country(options: list[FieldOption], code: str) -> str | None:
    names = country_names(code)
    for option in options:
        if option.value and (normalise(option.value) in names or normalise(option.label) in names):
            return option.value
    return None


def region_names(country: str, region: str) -> set[str]:
    """The profile's region as code and name (e.g. CA, US-CA, California)."""
    wanted = {normalise(region)}
    for subdivision in pycountry.subdivisions.get(country_code=country) or []:
        short = subdivision.code.split("-", 1)[1]
        candidates = {normalise(subdivision.code), normalise(short), normalise(subdivision.name)}
        if wanted & candidates:
            return candidates
    return wanted


def match_region(options: list[FieldOption], country: str, region: str) -> str | None:
    names = region_names(country, region)
    for option in options:
        if option.value and (normalise(option.value) in names or normalise(option.label) in names):
            return option.value
    return None


def choose_options(options: list[FieldOption], key: str, profile: BusinessProfile) -> list[str]:
    """Option values to select for a profile key; empty when no option fits."""
    if key == "country":
        found = match_country(options, profile.country)
        return [found] if found else []
    if key == "region" and profile.region:
        found = match_region(options, profile.country, profile.region)
        return [found] if found else []
    if key == "primary_category":
        return match_categories(options, [profile.primary_category], limit=1)
    if key == "categories":
        return match_categories(
            options, list(dict.fromkeys([profile.primary_category, *profile.categories]))
        )
    value = profile.value_for(key)
    if isinstance(value, str):
        for option in options:
            if option.value and normalise(value) in {
                normalise(option.value),
                normalise(option.label),
            }:
                return [option.value]
    return []


@cache
def _subdivision_names() -> frozenset[str]:
    names: set[str] = set()
    for subdivision in pycountry.subdivisions:
        names.add(normalise(subdivision.name))
        names.add(normalise(subdivision.name.split("(")[0]))
    return frozenset(n for n in names if n)


@cache
def _all_country_names() -> frozenset[str]:
    return frozenset(normalise(c.name) for c in pycountry.countries)


def _real(options: list[FieldOption]) -> list[FieldOption]:
    return [
        o
        for o in options
        if o.value.strip() and normalise(o.label) and not o.label.strip().startswith(("-", "—"))
    ]


# The languages a directory's pages are written in, for the names of languages in options.
_PAGE_LANGUAGES = [
    "de", "es", "fr", "it", "pt", "nl", "ca", "pl", "sv", "da", "nb_NO", "fi", "et", "lv",
    "lt", "cs", "sk", "hu", "ro", "tr", "el", "hr", "sl",
]  # fmt: skip


@cache
def _language_names() -> frozenset[str]:
    """Names of the ISO 639-1 languages in English and in the pages' languages ("French",
    "Französisch", "ranska")."""
    english = [lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    names = {normalise(n) for n in english}
    for language in _PAGE_LANGUAGES:
        translation = gettext.translation(
            "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        names |= {normalise(translation.gettext(n)) for n in english}
    return frozenset(n for n in names if n)


def is_language_list(options: list[FieldOption]) -> bool:
    """Whether most of the options are names of languages ("English", "French", "Cree"): a
    choice of the languages a business serves in, not of its categories."""
    labels = [normalise(o.label) for o in _real(options)]
    known = sum(1 for label in labels if label in _language_names())
    return len(labels) >= 2 and known / len(labels) >= 0.75


def option_list_kind(options: list[FieldOption]) -> str | None:
    """What a list of options is a list of, when most of them say so: `country` (country
    names), `region` (a country's states, provinces or counties) or `category` (business
    categories the taxonomy knows)."""
    real = _real(options)
    if len(real) < 4:
        return None
    labels = [normalise(o.label) for o in real]

    def share(test) -> float:
        return sum(1 for label in labels if test(label)) / len(labels)

    if len(real) >= 20 and share(lambda label: label in _all_country_names()) >= 0.6:
        return "country"
    if share(lambda label: label in _subdivision_names()) >= 0.6:
        return "region"
    if share(lambda label: bool(_category_groups(label))) >= 0.5:
        return "category"
    return None
