"""Metro Biz Index: a busy city index that answers 429 with Retry-After before accepting."""

from __future__ import annotations

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import Publication, SandboxSite
from ._base import SiteDefinition, Theme
from ._faults import throttle_first_try
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="metro-biz-index",
    name="Metro Biz Index",
    form_path="/submit-business",
    features=["rate-limit-429", "category-single", "search-box", "server-validation"],
    expected_outcome="submitted",
    tier="starter",
    description=(
        "City business index whose server answers a listing's first POST, and any retry "
        "sent before the wait is over, with 429 and a Retry-After header."
    ),
    publication=Publication.NEVER,
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="Every business in the metro area",
        accent="#34495e",
        nav=("Home", "Neighbourhoods", "Submit a Business", "About"),
        search_action="/search",
        search_param="q",
    ),
    template="sites/metro_biz_index.html",
    rules=(
        FieldRule("name", required=True),
        FieldRule("category", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
        FieldRule("phone", "phone", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("website", "url"),
        FieldRule("street", required=True),
        FieldRule("city", required=True),
        FieldRule("zip", required=True),
        FieldRule("about", required=True),
    ),
    name_field="name",
    phone_field="phone",
    email_field="email",
    street_field="street",
    postal_field="zip",
    city_field="city",
    website_field="website",
    guards=(throttle_first_try,),
    extra={"categories": CATEGORIES_EN},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
