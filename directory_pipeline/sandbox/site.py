"""What staff and other modules know about one sandbox directory site."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Tier = Literal["starter", "growth", "pro", "enterprise"]
"""The cheapest listing package that includes a directory."""

Outcome = Literal["submitted", "live", "needs_review", "rejected", "skipped", "failed"]
"""A submission outcome status (contracts §5)."""

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Verification(StrEnum):
    """What a site asks of the contact e-mail address before it takes a listing further."""

    NONE = "none"
    """No verification: the listing goes to review at once."""
    LINK = "link"
    """A mail with a confirmation link on the site's own host; opening it confirms."""
    CODE = "code"
    """A mail with a code to type into a small form on the "check your e-mail" page."""
    SILENT = "silent"
    """The page says "check your e-mail", but no mail is ever sent."""
    OFFSITE_LINK = "offsite_link"
    """Hostile: a mail whose confirmation link points at another host (phishing-like)."""


class Publication(StrEnum):
    """What becomes of an accepted (and, where asked, confirmed) listing after review."""

    PUBLISHES = "publishes"
    """Published after the `publish_delay_s` knob, at its listing URL, search and sitemap."""
    REJECTS = "rejects"
    """Refused after review: the listing URL answers 410 and search never finds it."""
    NEVER = "never"
    """Silently never appears: the listing URL stays 404, the review never ends."""


class NapStyle(StrEnum):
    """How a site shows the name, address and phone it received on the listing page."""

    AS_RECEIVED = "as_received"
    PHONE_REFORMATTED = "phone_reformatted"
    """The phone in the site's own format, e.g. "+1 415 555 0100" shown "(415) 555-0100"."""
    STREET_ABBREVIATED = "street_abbreviated"
    """Street words abbreviated, e.g. "Valencia Street" shown "Valencia St."."""


class SandboxSite(BaseModel):
    """One fictional directory served by the sandbox, and what an honest engine should get."""

    model_config = ConfigDict(frozen=True)

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str
    form_path: str = Field(pattern=r"^/")
    features: list[str]
    expected_outcome: Outcome
    tier: Tier
    requires_payment: bool = False
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    description: str
    verification: Verification = Verification.NONE
    publication: Publication = Publication.PUBLISHES
    nap_style: NapStyle = NapStyle.AS_RECEIVED
