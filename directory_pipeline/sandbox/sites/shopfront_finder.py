"""Shopfront Finder: a shop directory whose server fails a listing's first POST with a 503."""

from __future__ import annotations

from ..data import CATEGORIES_EN, COUNTRIES_EN
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._faults import fail_first_try
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="shopfront-finder",
    name="Shopfront Finder",
    form_path="/list-your-shop",
    features=["flaky-503", "category-single", "country-codes", "newsletter-optin", "search-box"],
    expected_outcome="submitted",
    tier="growth",
    description=(
        "Shop directory whose server answers 503 to the first submission of each listing "
        "and accepts the retry; also offers an optional newsletter opt-in to leave alone."
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/wordpress.html",
        tagline="Independent shops on your high street",
        accent="#b5482b",
        nav=("Home", "Shops", "List Your Shop", "Blog"),
    ),
    template="sites/shopfront_finder.html",
    rules=(
        FieldRule("shop_name", required=True),
        FieldRule("shop_type", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
        FieldRule("owner_name", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("phone", "phone", required=True),
        FieldRule("website", "url"),
        FieldRule("address", required=True),
        FieldRule("city", required=True),
        FieldRule("postcode", required=True),
        FieldRule("country", "choice", choices=tuple(k for k, _ in COUNTRIES_EN)),
        FieldRule("description", required=True),
    ),
    name_field="shop_name",
    phone_field="phone",
    email_field="email",
    street_field="address",
    postal_field="postcode",
    city_field="city",
    website_field="website",
    guards=(fail_first_try,),
    extra={"categories": CATEGORIES_EN, "countries": COUNTRIES_EN},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
