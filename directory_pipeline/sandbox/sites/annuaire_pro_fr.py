"""Annuaire Pro: a French directory with a single-use CSRF nonce and e-mail confirmation."""

from __future__ import annotations

from ..data import CATEGORIES_FR, COUNTRIES_FR
from ..forms import FieldRule
from ..site import SandboxSite, Verification
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="annuaire-pro-fr",
    name="Annuaire Pro France",
    form_path="/inscription",
    features=[
        "i18n-fr",
        "opaque-names",
        "csrf",
        "verify-email",
        "category-single",
        "country-names",
        "terms",
        "server-validation",
        "search-box",
    ],
    expected_outcome="needs_review",
    tier="enterprise",
    language="fr",
    description=(
        "French directory: labels in French, fields f1..f13, a CSRF nonce issued per page "
        "load and good once, countries by French name; ends with 'check your e-mail'."
    ),
    verification=Verification.LINK,
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="L’annuaire des professionnels",
        accent="#1f3a93",
        nav=("Accueil", "Rubriques", "Inscription", "Contact"),
        search_action="/recherche",
        search_param="quoi",
        search_button="Rechercher",
        search_placeholder="Quoi, qui ?",
        where_param="ou",
        where_placeholder="Où ?",
    ),
    template="sites/annuaire_pro_fr.html",
    rules=(
        FieldRule("f1", required=True),
        FieldRule("f2", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_FR)),
        FieldRule("f4", required=True),
        FieldRule("f5", "email", required=True),
        FieldRule("f6", "phone", required=True),
        FieldRule("f7", "url"),
        FieldRule("f8", required=True),
        FieldRule("f9", required=True),
        FieldRule("f10", required=True),
        FieldRule("f11", "choice", required=True, choices=COUNTRIES_FR),
        FieldRule("f12", required=True),
        FieldRule("f13", "checkbox", required=True),
    ),
    name_field="f1",
    phone_field="f6",
    email_field="f5",
    street_field="f8",
    postal_field="f9",
    city_field="f10",
    website_field="f7",
    csrf_field="_jeton",
    verify_path="/inscription/confirmer",
    extra={"categories": CATEGORIES_FR, "countries": COUNTRIES_FR},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
