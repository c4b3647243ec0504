"""QuickList: a script-rendered app; unnamed fields appear late and submit as JSON by fetch()."""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..data import CATEGORIES_EN
from ..forms import FieldRule, FieldValue, first_value, json_fields, validate
from ..nap import Nap
from ..site import SandboxSite
from ..state import SandboxState
from ._base import SiteDefinition, Theme
from ._flow import chrome_routes

SITE = SandboxSite(
    slug="quicklist-app",
    name="QuickList",
    form_path="/new",
    features=[
        "js-render",
        "js-fetch",
        "placeholder-only",
        "status-region",
        "server-validation",
        "category-single",
        "terms",
    ],
    expected_outcome="submitted",
    tier="pro",
    description=(
        "Single-page app: fields without name or label (placeholder/aria-label only) are drawn "
        "by script after a delay and sent as JSON with fetch(); the result shows in role=status."
    ),
)

THEME = Theme(layout="layouts/portal.html", tagline="List your business in a minute")

RULES: tuple[FieldRule, ...] = (
    FieldRule("businessName", required=True),
    FieldRule("category", "choice", required=True, choices=tuple(k for k, _ in CATEGORIES_EN)),
    FieldRule("phone", "phone", required=True),
    FieldRule("email", "email", required=True),
    FieldRule("website", "url"),
    FieldRule("city", required=True),
    FieldRule("description", required=True),
    FieldRule("acceptTerms", "checkbox", required=True),
)


def _nap(fields: dict[str, FieldValue]) -> Nap:
    return Nap(
        name=first_value(fields, "businessName"),
        city=first_value(fields, "city"),
        phone=first_value(fields, "phone"),
        website=first_value(fields, "website"),
    )


def _routes(state: SandboxState) -> list[BaseRoute]:
    msg = state.messages(SITE)

    async def app_shell(request: Request) -> Response:
        return state.render(
            request,
            SITE,
            "sites/quicklist_app.html",
            render_delay_ms=state.knobs(SITE.slug).js_render_delay_ms,
            categories=[{"value": key, "label": label} for key, label in CATEGORIES_EN],
        )

    async def create_listing(request: Request) -> Response:
        state.count(SITE.slug, "submissions")
        delay = state.knobs(SITE.slug).submit_delay_ms
        if delay:
            await asyncio.sleep(delay / 1000)
        try:
            payload = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            state.record(SITE, {}, accepted=False)
            return JSONResponse({"ok": False, "message": "Malformed request."}, 400)
        fields = json_fields(payload)
        errors = validate(fields, RULES, msg)
        if errors:
            state.record(SITE, fields, accepted=False)
            return JSONResponse({"ok": False, "message": msg.errors_summary, "errors": errors}, 422)
        state.record(SITE, fields, accepted=True)
        listing = state.accept(SITE, _nap(fields), first_value(fields, "email"))
        return JSONResponse(
            {
                "ok": True,
                "id": listing.listing_id,
                "message": f"{msg.thanks_title} {msg.thanks_text}",
            },
            201,
        )

    return [
        *chrome_routes(state, SITE, THEME),
        Route(SITE.form_path, app_shell),
        Route("/api/listings", create_listing, methods=["POST"]),
    ]


DEFINITION = SiteDefinition(site=SITE, build_routes=_routes)
