"""BizList Pro: a four-step wizard in one form, later steps revealed by page script."""

from __future__ import annotations

from ..data import CATEGORIES_EN, COUNTRIES_EN
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="bizlist-wizard",
    name="BizList Pro",
    form_path="/get-listed",
    features=[
        "wizard",
        "category-multi",
        "terms",
        "server-validation",
        "search-box",
        "split-contact-name",
    ],
    expected_outcome="submitted",
    tier="starter",
    description=(
        "Four-step listing wizard in a single form: steps 2-4 are hidden until the Next "
        "button's script shows them; the last step posts everything."
    ),
)

STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Business", ("company_name", "category_ids[]", "tagline")),
    ("Contact", ("contact_first", "contact_last", "contact_email", "contact_phone", "website_url")),
    ("Location", ("addr_street", "addr_city", "addr_region", "addr_postcode", "addr_country")),
    ("Details", ("about", "year_founded", "social_facebook", "agree_terms")),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/wordpress.html",
        tagline="Get found by local customers in four easy steps",
        accent="#6a2c91",
    ),
    template="sites/bizlist_wizard.html",
    rules=(
        FieldRule("company_name", required=True),
        FieldRule(
            "category_ids[]", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)
        ),
        FieldRule("contact_first", required=True),
        FieldRule("contact_last", required=True),
        FieldRule("contact_email", "email", required=True),
        FieldRule("contact_phone", "phone", required=True),
        FieldRule("website_url", "url"),
        FieldRule("addr_street", required=True),
        FieldRule("addr_city", required=True),
        FieldRule("addr_postcode", required=True),
        FieldRule(
            "addr_country", "choice", required=True, choices=tuple(k for k, _ in COUNTRIES_EN)
        ),
        FieldRule("about", required=True),
        FieldRule("social_facebook", "url"),
        FieldRule("agree_terms", "checkbox", required=True),
    ),
    name_field="company_name",
    phone_field="contact_phone",
    email_field="contact_email",
    street_field="addr_street",
    postal_field="addr_postcode",
    city_field="addr_city",
    website_field="website_url",
    extra={"categories": CATEGORIES_EN, "countries": COUNTRIES_EN, "steps": STEPS},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
