"""LinkHaven: a classic phpLD-style link directory laid out with tables, with paid link types."""

from __future__ import annotations

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import Publication, SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, PaidChoice, Plan, listing_routes

SITE = SandboxSite(
    slug="linkhaven-directory",
    name="LinkHaven Directory",
    form_path="/submit.php",
    features=[
        "table-layout",
        "unlinked-labels",
        "paid-choice",
        "category-single",
        "terms",
        "search-box",
        "server-validation",
    ],
    expected_outcome="submitted",
    tier="starter",
    description=(
        "phpLinkDirectory-style submit page: table layout, labels in cells without for=, "
        "UPPERCASE field names, and free/regular/featured link-type radios."
    ),
    publication=Publication.REJECTS,
)

PLANS = PaidChoice(
    field="LINK_TYPE",
    plans=(
        Plan("free", "Free Link (review within 4-8 weeks)"),
        Plan("normal", "Regular Link (review within 3 days)", "$9.99"),
        Plan("featured", "Featured Link (top of category, review within 24 hours)", "$29.99"),
    ),
)

# Parent categories and their indented children, as phpLD prints its category tree.
CATEGORY_TREE: tuple[tuple[str, str, int], ...] = (
    ("2", "Business & Economy", 0),
    *((f"2{index:02d}", label, 1) for index, (_, label) in enumerate(CATEGORIES_EN[:10])),
    ("3", "Regional", 0),
    *((f"3{index:02d}", label, 1) for index, (_, label) in enumerate(CATEGORIES_EN[10:])),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/phpld.html",
        tagline="Human-edited web directory since 2006",
        accent="#24527a",
        search_action="/search.php",
        search_param="search",
    ),
    template="sites/linkhaven_directory.html",
    rules=(
        FieldRule(
            "LINK_TYPE", "choice", required=True, choices=tuple(p.value for p in PLANS.plans)
        ),
        FieldRule("TITLE", required=True),
        FieldRule("URL", "url", required=True),
        FieldRule("DESCRIPTION", required=True),
        FieldRule("OWNER_NAME", required=True),
        FieldRule("OWNER_EMAIL", "email", required=True),
        FieldRule(
            "CATEGORY_ID",
            "choice",
            required=True,
            choices=tuple(c for c, _, d in CATEGORY_TREE if d),
        ),
        FieldRule("RECPR_URL", "url"),
        FieldRule("AGREERULES", "checkbox", required=True),
    ),
    name_field="TITLE",
    email_field="OWNER_EMAIL",
    website_field="URL",
    paid=PLANS,
    extra={"plans": PLANS.plans, "tree": CATEGORY_TREE},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
