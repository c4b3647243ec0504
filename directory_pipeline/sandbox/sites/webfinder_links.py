"""WebFinder Links: a link directory that demands an image captcha the engine cannot read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..captcha import captcha_svg
from ..data import CATEGORIES_EN
from ..forms import FieldRule
from ..site import SandboxSite
from ..state import SandboxState
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, listing_routes

SITE = SandboxSite(
    slug="webfinder-links",
    name="WebFinder Links",
    form_path="/add-url",
    features=["captcha", "table-layout", "unlinked-labels", "category-single", "server-validation"],
    expected_outcome="needs_review",
    tier="growth",
    description=(
        "Link directory whose form ends in an SVG image captcha; a submission without the "
        "right code is refused and re-rendered with a new challenge."
    ),
)

FORM = ListingForm(
    site=SITE,
    theme=Theme(
        layout="layouts/phpld.html",
        tagline="The friendly web guide",
        accent="#7a4b24",
        search_action="/search",
        search_param="q",
        search_button="Find",
    ),
    template="sites/webfinder_links.html",
    rules=(
        FieldRule("site_title", required=True),
        FieldRule("site_url", "url", required=True),
        FieldRule("site_desc", required=True),
        FieldRule("cat", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
        FieldRule("your_name", required=True),
        FieldRule("your_email", "email", required=True),
        FieldRule("captcha_code", required=True),
    ),
    name_field="site_title",
    email_field="your_email",
    website_field="site_url",
    captcha_fields=("captcha_id", "captcha_code"),
    extra={"categories": CATEGORIES_EN},
)


def _routes(state: SandboxState) -> list[BaseRoute]:
    async def captcha_image(request: Request) -> Response:
        answer = state.captchas.answer(SITE.slug, request.query_params.get("id", ""))
        if answer is None:
            return Response(status_code=404)
        svg = captcha_svg(answer, state.rng(SITE.slug))
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

    return [*listing_routes(state, FORM), Route("/captcha.php", captcha_image)]


DEFINITION = SiteDefinition(site=SITE, build_routes=_routes)
