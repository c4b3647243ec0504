"""Routing by Host header: `<slug>.localhost:<port>` reaches a site, the bare host the admin."""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .site_registry import slug_of_host
from .state import SandboxState

_UNAVAILABLE = (
    "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>"
    "<h1>Service Unavailable</h1><p>The server is temporarily unable to service your request "
    "due to maintenance downtime or capacity problems. Please try again later.</p>"
    "<hr><address>Apache Server</address></body></html>"
)


def hostname_of(scope: Scope) -> str:
    """The Host header's name without port, lower-cased."""
    host = Headers(scope=scope).get("host", "")
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()


class SiteHostMiddleware:
    """Sends requests for a site host to that site (behind its latency/failure knobs).

    Any other `*.localhost` name is unknown (404); every other host is the bare admin host.
    """

    def __init__(self, app: ASGIApp, sites: dict[str, ASGIApp], state: SandboxState) -> None:
        self.app = app
        self.sites = sites
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hostname = hostname_of(scope)
        slug = slug_of_host(hostname)
        if slug is None:
            if hostname.endswith(".localhost"):
                response = HTMLResponse(
                    f"<h1>No directory here</h1><p>{hostname} is not a sandbox site.</p>", 404
                )
                await response(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        state = self.state
        state.count(slug, "requests")
        knobs = state.knobs(slug)
        rng = state.rng(slug)
        if knobs.latency_ms_max:
            await asyncio.sleep(rng.uniform(knobs.latency_ms_min, knobs.latency_ms_max) / 1000)
        if knobs.failure_rate and rng.random() < knobs.failure_rate:
            state.count(slug, "random-503")
            await HTMLResponse(_UNAVAILABLE, 503)(scope, receive, send)
            return
        await self.sites[slug](scope, receive, send)
