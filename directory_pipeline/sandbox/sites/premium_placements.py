"""Premium Placements: a paid-only directory; an honest engine skips it by policy."""

from __future__ import annotations

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, PaidChoice, Plan, listing_routes

SITE = SandboxSite(
    slug="premium-placements",
    name="Premium Placements",
    form_path="/get-featured",
    features=["paid-only", "paid-choice", "category-single"],
    expected_outcome="skipped",
    tier="enterprise",
    requires_payment=True,
    description=(
        "Directory with paid plans only; a submission never becomes a listing, it ends on a "
        "'complete your payment' page."
    ),
)

PLANS = PaidChoice(
    field="plan",
    plans=(
        Plan("spotlight", "Spotlight (12 months)", "$149"),
        Plan("premier", "Premier (12 months, homepage rotation)", "$349"),
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="Be the first name customers see",
        accent="#8e44ad",
        nav=("Home", "Pricing", "Get Featured", "Login"),
        search_action="/search",
        search_param="q",
    ),
    template="sites/premium_placements.html",
    rules=(
        FieldRule("plan", "choice", required=True, choices=tuple(p.value for p in PLANS.plans)),
        FieldRule("company", required=True),
        FieldRule("category", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
        FieldRule("email", "email", required=True),
        FieldRule("phone", "phone", required=True),
        FieldRule("website", "url"),
    ),
    name_field="company",
    phone_field="phone",
    email_field="email",
    website_field="website",
    paid=PLANS,
    extra={"categories": CATEGORIES_EN, "plans": PLANS.plans},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
