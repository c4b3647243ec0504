"""Yellowbook Local: a multipart form with a logo upload, plan radios and a duplicate check."""

from __future__ import annotations

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import NapStyle, SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, PaidChoice, Plan, listing_routes

SITE = SandboxSite(
    slug="yellowbook-local",
    name="Yellowbook Local",
    form_path="/add-your-business",
    features=[
        "upload",
        "paid-choice",
        "category-multi",
        "duplicate-check",
        "server-validation",
        "search-box",
    ],
    expected_outcome="submitted",
    tier="starter",
    description=(
        "Multipart form with a logo upload, category checkboxes and free/featured plan "
        "radios; a second listing with the same business name or phone is refused."
    ),
    nap_style=NapStyle.PHONE_REFORMATTED,
)

PLANS = PaidChoice(
    field="listing_type",
    plans=(
        Plan("basic", "Basic listing (free)"),
        Plan("featured", "Featured listing", "$19/month"),
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="Local businesses, one phone call away",
        accent="#b8860b",
        nav=("Home", "Categories", "Add Your Business", "Advertise"),
        search_action="/search",
        search_param="what",
        search_placeholder="Business or category",
        where_param="where",
        where_placeholder="City or ZIP",
    ),
    template="sites/yellowbook_local.html",
    rules=(
        FieldRule(
            "listing_type", "choice", required=True, choices=tuple(p.value for p in PLANS.plans)
        ),
        FieldRule("business_name", required=True),
        FieldRule(
            "categories[]", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)
        ),
        FieldRule("phone", "phone", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("website", "url"),
        FieldRule("address1", required=True),
        FieldRule("city", required=True),
        FieldRule("zip", required=True),
        FieldRule("description", required=True),
        FieldRule("logo", "file"),
    ),
    name_field="business_name",
    phone_field="phone",
    email_field="email",
    street_field="address1",
    postal_field="zip",
    city_field="city",
    website_field="website",
    duplicate_check=True,
    paid=PLANS,
    extra={"categories": CATEGORIES_EN, "plans": PLANS.plans},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
