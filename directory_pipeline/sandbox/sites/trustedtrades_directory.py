"""TrustedTrades: a tradespeople directory guarded by a honeypot, a decoy and a script token."""

from __future__ import annotations

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="trustedtrades-directory",
    name="TrustedTrades Directory",
    form_path="/join",
    features=[
        "honeypot",
        "decoy",
        "js-token",
        "server-validation",
        "category-single",
        "terms",
        "search-box",
    ],
    expected_outcome="submitted",
    tier="growth",
    description=(
        "Trades directory whose form hides a display:none honeypot named 'website', an "
        "off-screen 'email_confirm' decoy, and a token its script must set on load."
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/wordpress.html",
        tagline="Vetted local tradespeople",
        accent="#2f6b2f",
        nav=("Home", "Find a Trade", "Join", "Reviews"),
    ),
    template="sites/trustedtrades_directory.html",
    rules=(
        FieldRule("trade_name", required=True),
        FieldRule(
            "trade_category", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)
        ),
        FieldRule("owner_first", required=True),
        FieldRule("owner_last", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("phone", "phone", required=True),
        FieldRule("trade_website", "url"),
        FieldRule("service_area", required=True),
        FieldRule("postcode", required=True),
        FieldRule("about", required=True),
        FieldRule("agree", "checkbox", required=True),
    ),
    name_field="trade_name",
    phone_field="phone",
    email_field="email",
    postal_field="postcode",
    city_field="service_area",
    website_field="trade_website",
    traps=("website", "email_confirm"),
    js_token=("tt_ts", "tt_js"),
    extra={"categories": CATEGORIES_EN},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
