"""Hypothesis strategies for valid profiles and job messages."""

from __future__ import annotations

import datetime as dt
import string

import phonenumbers
from hypothesis import strategies as st

from directory_pipeline.domain import BusinessProfile, JobMessage, Package

# Countries with example numbers in phonenumbers' metadata, so phones can be made valid.
COUNTRIES = ["US", "GB", "DE", "FR", "ES", "IT", "PT", "CA", "AU", "NL", "MX", "BR"]

_plain = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "Zs"), include_characters="&'-.,"
        ),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)

_slug_chars = string.ascii_lowercase + string.digits
_words = st.text(alphabet=_slug_chars, min_size=1, max_size=12)


@st.composite
def profiles(draw: st.DrawFn) -> BusinessProfile:
    country = draw(st.sampled_from(COUNTRIES))
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.FIXED_LINE)
    assert example is not None
    style = draw(
        st.sampled_from(
            [
                phonenumbers.PhoneNumberFormat.E164,
                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                phonenumbers.PhoneNumberFormat.NATIONAL,
            ]
        )
    )
    domain = draw(_words) + ".example"
    optional = st.none() | _plain
    payload = {
        "business_name": draw(_plain),
        "country": draw(st.sampled_from([country, country.lower()])),
        "email": f"{draw(_words)}@{domain}",
        "phone": phonenumbers.format_number(example, style),
        "city": draw(_plain),
        "primary_category": draw(_plain),
        "contact_first_name": draw(optional),
        "contact_last_name": draw(optional),
        "website": draw(st.none() | st.just(f"https://{domain}/")),
        "region": draw(optional),
        "categories": draw(st.lists(_plain, max_size=4)),
        "keywords": draw(st.lists(_words, max_size=6)),
        "year_established": draw(st.none() | st.integers(1800, dt.date.today().year)),
        "hours": draw(
            st.none()
            | st.dictionaries(
                st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
                st.sampled_from(["closed", "09:00-17:00", "08:30-12:00, 13:00-18:30"]),
                max_size=7,
            )
        ),
        "instagram_url": draw(st.none() | _words.map(lambda w: f"https://instagram.com/{w}")),
    }
    if draw(st.booleans()):
        payload["latitude"] = draw(st.floats(-90, 90, allow_nan=False))
        payload["longitude"] = draw(st.floats(-180, 180, allow_nan=False))
    return BusinessProfile.model_validate(payload)


@st.composite
def job_messages(draw: st.DrawFn) -> JobMessage:
    return JobMessage(
        schema_version=1,
        job_id=draw(st.uuids()),
        customer_id=draw(st.uuids()),
        package=draw(st.sampled_from(list(Package))),
        business=draw(st.none() | profiles()),
        directories=draw(
            st.none()
            | st.lists(
                st.text(alphabet=_slug_chars + "-", min_size=1, max_size=20).filter(
                    lambda s: s[0] != "-"
                ),
                min_size=1,
                max_size=5,
            )
        ),
        requested_at=draw(
            st.datetimes(
                min_value=dt.datetime(2020, 1, 1),
                max_value=dt.datetime(2035, 1, 1),
                timezones=st.just(dt.UTC),
            )
        ),
    )
