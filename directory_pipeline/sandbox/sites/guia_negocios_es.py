"""Guía de Negocios: a Spanish business guide with opaque field names and a script-set token."""

from __future__ import annotations

from ..data import CATEGORIES_ES, COUNTRIES_ES, ES_PROVINCES
from ..forms import FieldRule
from ..site import SandboxSite
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="guia-negocios-es",
    name="Guía de Negocios Local",
    form_path="/alta-empresa",
    features=[
        "i18n-es",
        "opaque-names",
        "js-token",
        "category-single",
        "address-split",
        "country-codes",
        "terms",
        "server-validation",
        "search-box",
    ],
    expected_outcome="submitted",
    tier="pro",
    language="es",
    description=(
        "Spanish business guide: Spanish labels, fields f1..f13, province and country "
        "selects, and a hidden token that its script fills on load (refused without it)."
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/portal.html",
        tagline="Empresas y profesionales cerca de usted",
        accent="#d35400",
        nav=("Inicio", "Categorías", "Alta de empresa", "Contacto"),
        search_action="/buscar",
        search_param="q",
        search_button="Buscar",
        search_placeholder="¿Qué busca?",
    ),
    template="sites/guia_negocios_es.html",
    rules=(
        FieldRule("f1", required=True),
        FieldRule("f2", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_ES)),
        FieldRule("f4", "phone", required=True),
        FieldRule("f5", "email", required=True),
        FieldRule("f6", "url"),
        FieldRule("f7", required=True),
        FieldRule("f8", required=True),
        FieldRule("f9", required=True),
        FieldRule("f10", "choice", choices=ES_PROVINCES),
        FieldRule("f11", "choice", required=True, choices=tuple(k for k, _ in COUNTRIES_ES)),
        FieldRule("f12", required=True),
        FieldRule("f13", "checkbox", required=True),
    ),
    name_field="f1",
    phone_field="f4",
    email_field="f5",
    street_field="f7",
    postal_field="f8",
    city_field="f9",
    website_field="f6",
    js_token=("f_k", "f_t"),
    extra={"categories": CATEGORIES_ES, "provinces": ES_PROVINCES, "countries": COUNTRIES_ES},
)

DEFINITION = SiteDefinition(site=SITE, build_routes=lambda state: listing_routes(state, FORM))
