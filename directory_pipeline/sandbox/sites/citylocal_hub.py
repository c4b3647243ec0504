"""CityLocal Hub: a WordPress site running a "Business Directory Plugin"-style single-page form."""

from __future__ import annotations

from ..data import CA_PROVINCES, CATEGORIES_EN, COUNTRIES_EN, US_STATES
from ..forms import FieldRule
from ..site import NapStyle, SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="citylocal-hub",
    name="CityLocal Hub",
    form_path="/add-listing",
    features=[
        "single-page",
        "search-box",
        "server-validation",
        "category-single",
        "address-split",
        "country-codes",
        "terms",
        "newsletter-widget",
    ],
    expected_outcome="submitted",
    tier="starter",
    description=(
        "WordPress directory-plugin form with numbered listingfields[N] names, state and "
        "country selects by code, a header search box and a newsletter widget."
    ),
    nap_style=NapStyle.STREET_ABBREVIATED,
)

_STATE_CODES = tuple(code for code, _ in US_STATES + CA_PROVINCES)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/wordpress.html",
        tagline="Your neighbourhood, listed.",
        accent="#0f5e7a",
    ),
    template="sites/citylocal_hub.html",
    rules=(
        FieldRule("listingfields[1]", required=True),
        FieldRule(
            "listingfields[2]", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)
        ),
        FieldRule("listingfields[4]", required=True),
        FieldRule("listingfields[5]", "url"),
        FieldRule("listingfields[6]", "phone", required=True),
        FieldRule("listingfields[7]", "email", required=True),
        FieldRule("listingfields[8]", required=True),
        FieldRule("listingfields[10]", required=True),
        FieldRule("listingfields[11]", "choice", required=True, choices=_STATE_CODES),
        FieldRule("listingfields[12]", required=True),
        FieldRule(
            "listingfields[13]", "choice", required=True, choices=tuple(k for k, _ in COUNTRIES_EN)
        ),
        FieldRule("terms-and-conditions-agreement", "checkbox", required=True),
    ),
    name_field="listingfields[1]",
    phone_field="listingfields[6]",
    email_field="listingfields[7]",
    street_field="listingfields[8]",
    postal_field="listingfields[12]",
    city_field="listingfields[10]",
    website_field="listingfields[5]",
    extra={
        "categories": CATEGORIES_EN,
        "us_states": US_STATES,
        "ca_provinces": CA_PROVINCES,
        "countries": COUNTRIES_EN,
    },
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
