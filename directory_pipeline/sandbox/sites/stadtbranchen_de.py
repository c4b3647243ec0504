"""Stadtbranchen: a German local directory with German labels and opaque field names f1…f14."""

from __future__ import annotations

from ..data import CATEGORIES_DE, COUNTRIES_DE, DE_STATES
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="stadtbranchen-de",
    name="Stadtbranchen Verzeichnis",
    form_path="/eintrag-erstellen",
    features=[
        "i18n-de",
        "opaque-names",
        "unlinked-labels",
        "search-box",
        "category-single",
        "address-split",
        "country-codes",
        "terms",
        "server-validation",
    ],
    expected_outcome="submitted",
    tier="growth",
    language="de",
    description=(
        "German city directory: labels in German, mostly not linked to inputs, fields named "
        "f1..f14, a 'Was/Wo' header search and a required privacy consent."
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="Das Branchenbuch für Ihre Stadt",
        accent="#c8102e",
        nav=("Startseite", "Branchen", "Firma eintragen", "Kontakt"),
        search_action="/suche",
        search_param="was",
        search_button="Finden",
        search_placeholder="Was? (Branche, Firma)",
        where_param="wo",
        where_placeholder="Wo? (Ort, PLZ)",
    ),
    template="sites/stadtbranchen_de.html",
    rules=(
        FieldRule("f1", required=True),
        FieldRule("f2", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_DE)),
        FieldRule("f4", required=True),
        FieldRule("f5", required=True),
        FieldRule("f6", required=True),
        FieldRule("f7", required=True),
        FieldRule("f8", "choice", choices=DE_STATES),
        FieldRule("f9", "choice", required=True, choices=tuple(k for k, _ in COUNTRIES_DE)),
        FieldRule("f10", "phone", required=True),
        FieldRule("f11", "email", required=True),
        FieldRule("f12", "url"),
        FieldRule("f13", required=True),
        FieldRule("f14", "checkbox", required=True),
    ),
    name_field="f1",
    phone_field="f10",
    email_field="f11",
    street_field="f5",
    postal_field="f6",
    city_field="f7",
    website_field="f12",
    extra={"categories": CATEGORIES_DE, "states": DE_STATES, "countries": COUNTRIES_DE},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
