"""NearbyGuide: a directory whose form markup changes version on demand (v1 → v2 → v3)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..data import CATEGORIES_EN
from ..forms import FieldRule, FieldValue, first_value
from ..site import SandboxSite
from ..state import SandboxState
from ._base import SiteDefinition, Theme
from ._flow import ListingForm, chrome_routes, render_form, submit_listing

SITE = SandboxSite(
    slug="nearbyguide",
    name="NearbyGuide",
    form_path="/add-place",
    features=["versioned", "category-single", "server-validation", "search-box"],
    expected_outcome="submitted",
    tier="enterprise",
    description=(
        "Its form has three markup versions switched by an admin knob: v2 renames and "
        "reorders fields and adds a required ZIP code and terms box; v3 turns the directory "
        "invitation-only (a required invitation code no profile can answer); stale posts "
        "are refused."
    ),
)

STALE_NOTICE = "This form has been updated since you loaded it. Please review it and submit again."

THEME = Theme(
    layout="layouts/portal.html",
    tagline="What's good near you",
    accent="#16a085",
    nav=("Home", "Explore", "Add a Place", "Blog"),
    search_action="/search",
    search_param="q",
)

_CATEGORY_KEYS = tuple(k for k, _ in CATEGORIES_EN)


async def _current_version_only(
    state: SandboxState, form: ListingForm, request: Request, fields: dict[str, FieldValue]
) -> Response | None:
    current = state.knobs(SITE.slug).form_version
    if first_value(fields, "form_rev") == str(current):
        return None
    return render_form(state, FORMS[current], request, notice=STALE_NOTICE)


FORMS: dict[int, ListingForm] = {
    1: ListingForm(
        site=SITE,
        theme=THEME,
        template="sites/nearbyguide_v1.html",
        rules=(
            FieldRule("biz_name", required=True),
            FieldRule("biz_category", "choice", required=True, choices=_CATEGORY_KEYS),
            FieldRule("biz_phone", "phone", required=True),
            FieldRule("biz_email", "email", required=True),
            FieldRule("biz_web", "url"),
            FieldRule("biz_city", required=True),
            FieldRule("biz_desc", required=True),
        ),
        name_field="biz_name",
        phone_field="biz_phone",
        email_field="biz_email",
        city_field="biz_city",
        website_field="biz_web",
        guards=(_current_version_only,),
        extra={"categories": CATEGORIES_EN, "version": 1},
    ),
    2: ListingForm(
        site=SITE,
        theme=THEME,
        template="sites/nearbyguide_v2.html",
        rules=(
            FieldRule("contact_email", "email", required=True),
            FieldRule("company", required=True),
            FieldRule("category", "choice", required=True, choices=_CATEGORY_KEYS),
            FieldRule("telephone", "phone", required=True),
            FieldRule("homepage", "url"),
            FieldRule("town", required=True),
            FieldRule("zip_code", required=True),
            FieldRule("summary", required=True),
            FieldRule("agree_tos", "checkbox", required=True),
        ),
        name_field="company",
        phone_field="telephone",
        email_field="contact_email",
        postal_field="zip_code",
        city_field="town",
        website_field="homepage",
        guards=(_current_version_only,),
        extra={"categories": CATEGORIES_EN, "version": 2},
    ),
    3: ListingForm(
        site=SITE,
        theme=THEME,
        template="sites/nearbyguide_v3.html",
        rules=(
            FieldRule("invite_code", required=True),
            FieldRule("partner_ref", required=True),
            FieldRule("place_name", required=True),
            FieldRule("mail", "email", required=True),
        ),
        name_field="place_name",
        email_field="mail",
        guards=(_current_version_only,),
        extra={"version": 3},
    ),
}


def _routes(state: SandboxState) -> list[BaseRoute]:
    async def page(request: Request) -> Response:
        form = FORMS[state.knobs(SITE.slug).form_version]
        if request.method == "POST":
            return await submit_listing(state, form, request)
        return render_form(state, form, request)

    return [
        *chrome_routes(state, SITE, THEME),
        Route(SITE.form_path, page, methods=["GET", "POST"]),
    ]


DEFINITION = SiteDefinition(site=SITE, build_routes=_routes, form_versions=len(FORMS))
