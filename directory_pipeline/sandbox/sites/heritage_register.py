"""Heritage Business Register: an old, slow site; pages lag and submissions take seconds."""

from __future__ import annotations

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..knobs import SiteKnobs
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="heritage-register",
    name="Heritage Business Register",
    form_path="/register-your-business",
    features=["slow", "category-single", "terms", "server-validation", "search-box"],
    expected_outcome="submitted",
    tier="enterprise",
    description=(
        "Long-established register on an overloaded host: every page takes 300-800 ms and "
        "a submission about 2 s before the confirmation comes back."
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="Established businesses of distinction, since 1998",
        accent="#4a3b2a",
        nav=("Home", "The Register", "Register Your Business", "Members"),
        search_action="/search",
        search_param="keywords",
    ),
    template="sites/heritage_register.html",
    rules=(
        FieldRule("business_name", required=True),
        FieldRule("established", required=True),
        FieldRule("category", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
        FieldRule("contact_name", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("phone", "phone", required=True),
        FieldRule("website", "url"),
        FieldRule("address_line1", required=True),
        FieldRule("town", required=True),
        FieldRule("postcode", required=True),
        FieldRule("history", required=True),
        FieldRule("consent", "checkbox", required=True),
    ),
    name_field="business_name",
    phone_field="phone",
    email_field="email",
    street_field="address_line1",
    postal_field="postcode",
    city_field="town",
    website_field="website",
    extra={"categories": CATEGORIES_EN},
)

DEFINITION = SiteDefinition(
    site=SITE,
    build_routes=lambda state: listing_routes(state, FORM),
    default_knobs=SiteKnobs(latency_ms_min=300, latency_ms_max=800, submit_delay_ms=2000),
)
