"""The business profile: valid input round-trips; bad input is refused, naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from directory_pipeline.domain import PROFILE_KEYS, BusinessProfile, describe_validation_error
from directory_pipeline_tests.conftest import SAMPLE_PROFILE
from directory_pipeline_tests.strategies import profiles


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_profile_round_trips_through_json(profile: BusinessProfile) -> None:
    again = BusinessProfile.model_validate_json(profile.model_dump_json())
    assert again == profile
    assert again.phone.startswith("+")
    assert again.country == again.country.upper()


def test_phone_is_normalised_to_e164_using_the_country() -> None:
    profile = BusinessProfile.model_validate(
        {**SAMPLE_PROFILE, "phone": "030 1234567", "country": "de"}
    )
    assert profile.phone == "+49301234567"
    assert profile.country == "DE"
    assert profile.country_name == "Germany"


def test_contact_name_is_derived_from_first_and_last() -> None:
    profile = BusinessProfile.model_validate(SAMPLE_PROFILE)
    assert profile.contact_name == "Rosa Martinez"
    assert profile.value_for("contact_name") == "Rosa Martinez"
    alone = BusinessProfile.model_validate(
        {k: v for k, v in SAMPLE_PROFILE.items() if k != "contact_last_name"}
    )
    assert alone.contact_name == "Rosa"


def test_every_vocabulary_key_has_a_value_accessor() -> None:
    profile = BusinessProfile.model_validate(SAMPLE_PROFILE)
    assert len(PROFILE_KEYS) == 28
    for key in PROFILE_KEYS:
        profile.value_for(key)  # raises for a key the model cannot answer
    assert profile.value_for("hours") == "Mon 07:00-15:00; Sat 08:00-14:00; Sun closed"
    with pytest.raises(KeyError):
        profile.value_for("password")


BAD_VALUES = [
    ("email", "not-an-email", "value is not a valid email"),
    ("phone", "12", "not a valid phone number for US"),
    ("country", "USA", "ISO 3166-1 alpha-2"),
    ("country", "ZZ", "ISO 3166-1 alpha-2"),
    ("website", "rosasbakery.example", "absolute http(s) URL"),
    ("facebook_url", "https://myspace.com/rosa", "facebook.com"),
    ("business_name", "x" * 121, "at most 120"),
    ("business_name", "<b>Rosa</b>", "plain text"),
    ("short_description", "y" * 251, "at most 250"),
    ("year_established", 1492, "between 1700"),
    ("postal_code", "!!", "pattern"),
    ("logo", "https://cdn.example/logo.exe", "image"),
    ("logo", "/etc/passwd.png", "not a local path or file: URL"),
    ("logo", "file:///x.png", "not a local path or file: URL"),
    ("logo", "ftp://files.example/logo.png", "absolute http(s) URL or an s3://"),
    ("logo", "s3://assets/", "must name an object"),
    ("latitude", 123.0, "less than or equal to 90"),
]


@pytest.mark.parametrize(("field", "value", "expected"), BAD_VALUES)
def test_bad_value_is_rejected_with_the_field_and_reason(
    field: str, value: object, expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        BusinessProfile.model_validate({**SAMPLE_PROFILE, field: value})
    lines = describe_validation_error(caught.value, "business")
    assert any(line.startswith(f"business.{field}") and expected in line for line in lines), lines


@pytest.mark.parametrize(
    "field", ["business_name", "email", "phone", "city", "country", "primary_category"]
)
def test_missing_required_field_is_named(field: str) -> None:
    payload = {k: v for k, v in SAMPLE_PROFILE.items() if k != field}
    with pytest.raises(ValidationError) as caught:
        BusinessProfile.model_validate(payload)
    lines = describe_validation_error(caught.value)
    assert f"{field}: required field is missing" in lines


@pytest.mark.parametrize(
    "logo",
    [
        "https://cdn.example/rosa/logo.png",
        "http://rosasbakery.example/img/LOGO.JPG",
        "s3://evidence-bucket/assets/logo.webp",
        "supabase://assets/customers/42/logo.svg",
    ],
)
def test_logo_is_a_web_url_or_an_asset_store_object(logo: str) -> None:
    assert BusinessProfile.model_validate({**SAMPLE_PROFILE, "logo": logo}).logo == logo


def test_latitude_without_longitude_is_refused() -> None:
    with pytest.raises(ValidationError, match="give both or neither"):
        BusinessProfile.model_validate({**SAMPLE_PROFILE, "latitude": 37.7})


def test_unknown_keys_are_ignored() -> None:
    profile = BusinessProfile.model_validate({**SAMPLE_PROFILE, "loyalty_tier": "gold"})
    assert "loyalty_tier" not in profile.model_dump()


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["email", "phone", "country", "business_name", "city"]),
    st.one_of(st.integers(), st.just(""), st.just("   "), st.lists(st.integers(), max_size=2)),
)
def test_garbage_in_a_required_field_is_always_refused(field: str, garbage: object) -> None:
    with pytest.raises(ValidationError) as caught:
        BusinessProfile.model_validate({**SAMPLE_PROFILE, field: garbage})
    assert any(line.startswith(field) for line in describe_validation_error(caught.value))


@pytest.mark.parametrize(
    "typed",
    ["Tue-Sun 7:00-15:00", "Mo-Fr 8-18 Uhr, Sa 9-13 Uhr", "24/7", "Lun\u2013Ven 9h\u201318h"],
)
def test_hours_as_the_shop_types_them_are_kept_and_given_to_forms_as_typed(typed: str) -> None:
    profile = BusinessProfile.model_validate({**SAMPLE_PROFILE, "hours": typed})
    assert profile.value_for("hours") == typed


@pytest.mark.parametrize(
    ("hours", "names"),
    [
        ("", "hours"),
        ("   ", "hours"),
        ("x" * 201, "hours"),
        ("<b>9-5</b>", "hours"),
        ({"mon": "9 to 5"}, "hours"),
    ],
)
def test_hours_that_are_neither_text_nor_per_day_ranges_are_rejected_naming_hours(
    hours: object, names: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        BusinessProfile.model_validate({**SAMPLE_PROFILE, "hours": hours})
    assert all(error["loc"][0] == names for error in raised.value.errors())
