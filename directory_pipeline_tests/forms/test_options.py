"""Choosing options for a profile: categories by synonym and broader group, countries and
regions by code or by name in the directory's language."""

from __future__ import annotations

from directory_pipeline.domain import BusinessProfile
from directory_pipeline.forms.options import choose_options, match_categories
from directory_pipeline.forms.schema import FieldOption as O
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)  # Bakery, Cafe; San Francisco, CA, US


def test_a_bakery_finds_its_category_by_synonym_then_by_group() -> None:
    specific = [
        O(value="", label="Choose…"),
        O(value="3", label="Restaurants"),
        O(value="7", label="Bakeries & Cafes"),
    ]
    assert match_categories(specific, ["Bakery"]) == ["7"]
    german = [O(value="a", label="Friseure"), O(value="b", label="Bäckereien & Konditoreien")]
    assert match_categories(german, ["Bakery"]) == ["b"]
    broad = [O(value="10", label="Home Services"), O(value="11", label="Food & Drink")]
    assert match_categories(broad, ["Bakery"]) == ["11"]
    assert match_categories(broad, ["Quantum computing"]) == []


def test_multi_select_takes_every_profile_category() -> None:
    options = [
        O(value="1", label="Bakeries"),
        O(value="2", label="Coffee Shops"),
        O(value="3", label="Plumbers"),
    ]
    assert choose_options(options, "categories", PROFILE) == ["1", "2"]
    assert choose_options(options, "primary_category", PROFILE) == ["1"]


def test_countries_by_code_or_by_name_in_six_languages() -> None:
    by_code = [O(value="CA", label="Canada"), O(value="US", label="United States")]
    assert choose_options(by_code, "country", PROFILE) == ["US"]
    spanish = [O(value="mx", label="México"), O(value="us", label="Estados Unidos")]
    assert choose_options(spanish, "country", PROFILE) == ["us"]
    german = [O(value="Vereinigte Staaten", label="Vereinigte Staaten")]
    assert choose_options(german, "country", PROFILE) == ["Vereinigte Staaten"]
    assert choose_options([O(value="FR", label="France")], "country", PROFILE) == []


def test_regions_by_code_or_name() -> None:
    names = [O(value="NV", label="Nevada"), O(value="California", label="California")]
    assert choose_options(names, "region", PROFILE) == ["California"]
    codes = [O(value="ca", label="CA"), O(value="or", label="OR")]
    assert choose_options(codes, "region", PROFILE) == ["ca"]
