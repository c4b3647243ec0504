"""Town Crier: a local news site whose listing form is an embedded widget in an iframe."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import SandboxSite
from ..state import SandboxState
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, chrome_routes, listing_routes

SITE = SandboxSite(
    slug="towncrier-listings",
    name="The Town Crier Business Listings",
    form_path="/list-your-business",
    features=["iframe", "cross-origin-frame", "search-box", "category-single", "terms"],
    expected_outcome="submitted",
    tier="pro",
    description=(
        "Local news site: the page holds an article and an iframe whose form widget is "
        "served from the forms.<site> subdomain (another origin); it posts inside the frame."
    ),
)

NEWS_THEME = Theme(
    layout="layouts/portal.html",
    tagline="News, events and businesses of Millbrook",
    accent="#1b1b1b",
    nav=("News", "Events", "List Your Business", "Obituaries"),
    search_action="/search",
    search_param="q",
    search_placeholder="Search the Town Crier",
)

WIDGET = ListingForm(
    site=SITE,
    theme=Theme(layout="layouts/embed.html", accent="#8b0000"),
    template="sites/towncrier_widget.html",
    page_path="/embed/listing-form",
    rules=(
        FieldRule("business", required=True),
        FieldRule("category", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
        FieldRule("contact", required=True),
        FieldRule("email", "email", required=True),
        FieldRule("phone", "phone", required=True),
        FieldRule("website", "url"),
        FieldRule("town", required=True),
        FieldRule("postcode", required=True),
        FieldRule("blurb", required=True),
        FieldRule("consent", "checkbox", required=True),
    ),
    name_field="business",
    phone_field="phone",
    email_field="email",
    postal_field="postcode",
    city_field="town",
    website_field="website",
    extra={"categories": CATEGORIES_EN},
)


def _routes(state: SandboxState) -> list[BaseRoute]:
    async def host_page(request: Request) -> Response:
        host = request.headers.get("host", f"{SITE.slug}.localhost")
        widget_url = f"{request.url.scheme}://forms.{host}{WIDGET.page}?partner=towncrier"
        return state.render(
            request, SITE, "sites/towncrier_listings.html", theme=NEWS_THEME, widget_url=widget_url
        )

    return [
        *chrome_routes(state, SITE, NEWS_THEME),
        Route(SITE.form_path, host_page),
        *listing_routes(state, WIDGET, chrome=False),
    ]


DEFINITION = SiteDefinition(site=SITE, build_routes=_routes)
