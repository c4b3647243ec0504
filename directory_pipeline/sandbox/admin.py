"""The admin API and index page, served on the bare host (never on a site host)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .ledger import entries_json
from .site_registry import SITES, get_site
from .state import SandboxState


def admin_routes(state: SandboxState, versions: dict[str, int]) -> list[BaseRoute]:
    """Routes of the bare host. `versions` is how many form versions each site has."""

    async def index(request: Request) -> Response:
        port = request.url.port or 80
        html = state.templates.get_template("pages/index.html").render(
            sites=SITES, port=port, knobs=state.board.snapshot()
        )
        return HTMLResponse(html)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "sites": len(SITES)})

    async def sites(request: Request) -> Response:
        port = request.url.port or 80
        return JSONResponse(
            [
                {
                    **site.model_dump(mode="json"),
                    "url": f"http://{site.slug}.localhost:{port}{site.form_path}",
                }
                for site in SITES
            ]
        )

    async def knobs(request: Request) -> Response:
        if request.method == "POST":
            changes = await _json_object(request)
            if isinstance(changes, Response):
                return changes
            try:
                state.board.update(changes)
            except KeyError as missing:
                return _problem(404, f"unknown site {missing}")
            except (ValidationError, TypeError, ValueError) as invalid:
                return _problem(422, str(invalid))
        return JSONResponse(
            {slug: knob.model_dump() for slug, knob in state.board.snapshot().items()}
        )

    async def reset(request: Request) -> Response:
        options = await _json_object(request)
        if isinstance(options, Response):
            return options
        state.reset(knobs=bool(options.get("knobs", False)))
        return JSONResponse({"ok": True})

    async def form_version(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(
                {slug: state.knobs(slug).form_version for slug, n in versions.items() if n > 1}
            )
        body = await _json_object(request)
        if isinstance(body, Response):
            return body
        slug = str(body.get("site", ""))
        available = versions.get(slug, 0)
        if available < 2:
            return _problem(404, f"{slug!r} is not a versioned site")
        requested = body.get("version")
        current = state.knobs(slug).form_version
        version = int(requested) if requested is not None else current % available + 1
        if not 1 <= version <= available:
            return _problem(422, f"{slug} has versions 1..{available}")
        state.board.set_version(slug, version)
        return JSONResponse({"site": slug, "version": version})

    async def ledger(request: Request) -> Response:
        site = request.query_params.get("site")
        return JSONResponse(entries_json(state.ledger.entries(site)))

    async def listings(request: Request) -> Response:
        port = request.url.port or 80
        now = datetime.now(UTC)
        rows = []
        for listing in state.listings.listings(request.query_params.get("site")):
            style = get_site(listing.site).nap_style
            rows.append(
                {
                    "site": listing.site,
                    "listing_id": listing.listing_id,
                    "status": listing.status(now).value,
                    "url": f"http://{listing.site}.localhost:{port}{listing.path}",
                    "verification": listing.verification.value,
                    "publication": listing.publication.value,
                    "email": listing.email,
                    "received": listing.nap.model_dump(),
                    "shown": listing.nap.shown(style).model_dump(),
                    "created_at": listing.created_at.isoformat(),
                    "confirmed_at": _iso(listing.confirmed_at),
                    "publish_at": _iso(listing.publish_at),
                }
            )
        return JSONResponse(rows)

    async def verifications(request: Request) -> Response:
        events = state.listings.events(request.query_params.get("site"))
        return JSONResponse([event.model_dump(mode="json") for event in events])

    async def stats(request: Request) -> Response:
        counts: dict[str, dict[str, int]] = {}
        for (slug, event), count in sorted(state.stats.items()):
            counts.setdefault(slug, {})[event] = count
        return JSONResponse(counts)

    async def captcha_answer(request: Request) -> Response:
        # Test hook: lets the sandbox's own tests solve a captcha they fetched.
        slug = request.query_params.get("site", "")
        answer = state.captchas.answer(slug, request.query_params.get("id", ""))
        if answer is None:
            return _problem(404, "no such captcha")
        return JSONResponse({"answer": answer})

    async def site_info(request: Request) -> Response:
        try:
            site = get_site(request.path_params["slug"])
        except KeyError as missing:
            return _problem(404, str(missing))
        return JSONResponse(
            {**site.model_dump(mode="json"), "knobs": state.knobs(site.slug).model_dump()}
        )

    return [
        Route("/", index),
        Route("/__sandbox/health", health),
        Route("/__sandbox/sites", sites),
        Route("/__sandbox/sites/{slug}", site_info),
        Route("/__sandbox/knobs", knobs, methods=["GET", "POST"]),
        Route("/__sandbox/reset", reset, methods=["POST"]),
        Route("/__sandbox/form-version", form_version, methods=["GET", "POST"]),
        Route("/__sandbox/ledger", ledger),
        Route("/__sandbox/listings", listings),
        Route("/__sandbox/verifications", verifications),
        Route("/__sandbox/stats", stats),
        Route("/__sandbox/captcha", captcha_answer),
    ]


async def _json_object(request: Request) -> dict[str, Any] | Response:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as bad:
        return _problem(400, f"invalid JSON: {bad}")
    if not isinstance(body, dict):
        return _problem(400, "expected a JSON object")
    return body


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _problem(status: int, detail: str) -> Response:
    return JSONResponse({"error": detail}, status_code=status)
