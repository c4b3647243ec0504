"""LocalPages: a GeoDirectory-style add-listing page with an address split into named parts."""

from __future__ import annotations

from ..data import CA_PROVINCES, CATEGORIES_EN, COUNTRIES_EN, US_STATES
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="localpages-directory",
    name="LocalPages Directory",
    form_path="/add-listing/",
    features=[
        "address-split",
        "country-names",
        "category-multi",
        "search-box",
        "server-validation",
        "redirect-after-post",
        "unlinked-labels",
        "terms",
    ],
    expected_outcome="submitted",
    tier="starter",
    description=(
        "GeoDirectory-like form: labels not tied to inputs, region and country selects whose "
        "values are full names, a 'Search for / Near' header search, redirect after POST."
    ),
)

_REGIONS = tuple(name for _, name in US_STATES + CA_PROVINCES)
_COUNTRIES = tuple(name for _, name in COUNTRIES_EN)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/wordpress.html",
        tagline="Places near you",
        accent="#c0392b",
        nav=("Home", "Places", "Add Listing", "Events"),
        search_placeholder="Search for",
        where_param="snear",
        where_placeholder="Near",
    ),
    template="sites/localpages_directory.html",
    rules=(
        FieldRule("post_title", required=True),
        FieldRule(
            "tax_input[gd_placecategory][]",
            "choice",
            required=True,
            choices=tuple(k for k, _ in CATEGORIES_EN),
        ),
        FieldRule("post_content", required=True),
        FieldRule("street", required=True),
        FieldRule("city", required=True),
        FieldRule("region", "choice", required=True, choices=_REGIONS),
        FieldRule("country", "choice", required=True, choices=_COUNTRIES),
        FieldRule("zip", required=True),
        FieldRule("phone", "phone", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("website", "url"),
        FieldRule("facebook", "url"),
        FieldRule("twitter", "url"),
        FieldRule("geodir_accept_term_condition", "checkbox", required=True),
    ),
    name_field="post_title",
    phone_field="phone",
    email_field="email",
    street_field="street",
    postal_field="zip",
    city_field="city",
    website_field="website",
    confirm_path="/listing-submitted/",
    extra={
        "categories": CATEGORIES_EN,
        "us_states": US_STATES,
        "ca_provinces": CA_PROVINCES,
        "countries": COUNTRIES_EN,
    },
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
