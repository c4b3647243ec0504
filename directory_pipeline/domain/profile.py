"""The business profile: the only source of values a form is ever filled with (contracts §2)."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal, get_args
from urllib.parse import urlparse

import phonenumbers
import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

ProfileKey = Literal[
    "business_name",
    "contact_first_name",
    "contact_last_name",
    "contact_name",
    "email",
    "phone",
    "website",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "primary_category",
    "categories",
    "short_description",
    "description",
    "keywords",
    "hours",
    "year_established",
    "facebook_url",
    "instagram_url",
    "twitter_url",
    "linkedin_url",
    "youtube_url",
    "logo",
]
PROFILE_KEYS: tuple[str, ...] = get_args(ProfileKey)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _no_markup(value: str) -> str:
    if re.search(r"<\s*/?\s*[a-zA-Z][^>]*>", value):
        raise ValueError("must be plain text, not HTML")
    return value


def _web_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc or " " in value:
        raise ValueError("must be an absolute http(s) URL")
    return value


def _social_url(*hosts: str):
    def check(value: str) -> str:
        host = (urlparse(_web_url(value)).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValueError(f"must be a link on {' or '.join(hosts)}")
        return value

    return check


PlainText = Annotated[Text, AfterValidator(_no_markup)]
WebUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_web_url)
]


def _social(*hosts: str):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=500),
        AfterValidator(_social_url(*hosts)),
    ]


LOGO_SCHEMES = frozenset({"http", "https", "s3", "supabase"})

PostalCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$")]
Category = Annotated[PlainText, StringConstraints(max_length=80)]
Keyword = Annotated[PlainText, StringConstraints(max_length=50)]


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


_HOURS_RE = re.compile(r"^(closed|(?:[01]\d|2[0-3]):[0-5]\d-(?:[01]\d|2[0-4]):[0-5]\d)$")


def _opening_hours(value: str) -> str:
    ranges = [part.strip() for part in value.split(",")]
    if not all(_HOURS_RE.match(part) for part in ranges):
        raise ValueError("opening hours are 'closed' or ranges like '09:00-17:00, 18:00-22:00'")
    return ", ".join(ranges)


OpeningHours = Annotated[str, AfterValidator(_opening_hours)]
# As shops type it ("Tue-Sun 7:00-15:00", "Mo-Fr 8-18 Uhr"): one line of plain text, passed
# to a form as it is.
OpeningHoursText = Annotated[PlainText, StringConstraints(min_length=1, max_length=200)]


class BusinessProfile(BaseModel):
    """What a customer tells us about their business; forms are filled from it and nothing else.

    Phones are stored in E.164, the country as ISO 3166-1 alpha-2. Unknown keys are ignored so
    the web shop can add fields without breaking intake.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    business_name: Annotated[PlainText, StringConstraints(max_length=120)]
    country: str
    contact_first_name: Annotated[PlainText, StringConstraints(max_length=60)] | None = None
    contact_last_name: Annotated[PlainText, StringConstraints(max_length=60)] | None = None
    email: EmailStr
    phone: str
    website: WebUrl | None = None
    address_line1: Annotated[PlainText, StringConstraints(max_length=120)] | None = None
    address_line2: Annotated[PlainText, StringConstraints(max_length=120)] | None = None
    city: Annotated[PlainText, StringConstraints(max_length=80)]
    region: Annotated[PlainText, StringConstraints(max_length=80)] | None = None
    postal_code: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$")] | None
    ) = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    primary_category: Annotated[PlainText, StringConstraints(max_length=80)]
    categories: Annotated[
        list[Annotated[PlainText, StringConstraints(max_length=80)]], Field(max_length=10)
    ] = []
    short_description: Annotated[PlainText, StringConstraints(max_length=250)] | None = None
    description: Annotated[PlainText, StringConstraints(max_length=5000)] | None = None
    keywords: Annotated[
        list[Annotated[PlainText, StringConstraints(max_length=50)]], Field(max_length=20)
    ] = []
    hours: dict[Weekday, OpeningHours] | OpeningHoursText | None = None
    year_established: int | None = None
    facebook_url: _social("facebook.com", "fb.com") | None = None  # type: ignore[valid-type]
    instagram_url: _social("instagram.com") | None = None  # type: ignore[valid-type]
    twitter_url: _social("twitter.com", "x.com") | None = None  # type: ignore[valid-type]
    linkedin_url: _social("linkedin.com") | None = None  # type: ignore[valid-type]
    youtube_url: _social("youtube.com", "youtu.be") | None = None  # type: ignore[valid-type]
    logo: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None

    @field_validator("country", mode="before")
    @classmethod
    def _iso_country(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        code = value.strip().upper()
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise ValueError("must be an ISO 3166-1 alpha-2 country code such as 'US' or 'DE'")
        return code

    @field_validator("year_established")
    @classmethod
    def _plausible_year(cls, value: int | None) -> int | None:
        if value is not None and not 1700 <= value <= dt.date.today().year:
            raise ValueError(f"must be a year between 1700 and {dt.date.today().year}")
        return value

    @field_validator("logo")
    @classmethod
    def _logo_location(cls, value: str | None) -> str | None:
        """An http(s) URL (fetched through the network guard) or an object in the asset
        store; never a local path or `file:` URL, which would let a profile read our disk."""
        if value is None:
            return value
        parsed = urlparse(value)
        if parsed.scheme.lower() not in LOGO_SCHEMES or not parsed.netloc or " " in value:
            raise ValueError(
                "must be an absolute http(s) URL or an s3://bucket/key or supabase://bucket/key "
                "object, not a local path or file: URL"
            )
        if parsed.scheme.lower() in {"s3", "supabase"} and not parsed.path.strip("/"):
            raise ValueError("must name an object: s3://bucket/key or supabase://bucket/key")
        if not re.search(r"\.(png|jpe?g|gif|webp|svg)$", parsed.path, re.IGNORECASE):
            raise ValueError("must point at a .png, .jpg, .gif, .webp or .svg image")
        return value

    @field_validator("phone")
    @classmethod
    def _e164_phone(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        try:
            parsed = phonenumbers.parse(value, country)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            where = f"for {country}" if country else "(no valid country; give its +country code)"
            raise ValueError(f"not a valid phone number {where}")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> BusinessProfile:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude: give both or neither")
        return self

    @property
    def contact_name(self) -> str | None:
        """First and last name joined, for forms with a single name field."""
        parts = [p for p in (self.contact_first_name, self.contact_last_name) if p]
        return " ".join(parts) or None

    @property
    def country_name(self) -> str:
        country = pycountry.countries.get(alpha_2=self.country)
        assert country is not None
        return getattr(country, "common_name", None) or country.name

    def value_for(self, key: str) -> str | list[str] | None:
        """The profile's value for a vocabulary key, as text a form field can take."""
        if key not in PROFILE_KEYS:
            raise KeyError(f"{key!r} is not a profile key")
        if key == "contact_name":
            return self.contact_name
        value = getattr(self, key)
        if value is None:
            return None
        if key == "hours":
            if isinstance(value, str):
                return value
            return "; ".join(f"{day.value.title()} {spec}" for day, spec in value.items())
        if isinstance(value, list):
            return [str(v) for v in value] or None
        if isinstance(value, float):
            return f"{value:.6f}"
        return str(value)
