"""The network guard for one browser context: nothing outside the directory, ever.

Two layers with one policy (`NetworkPolicy`). In the browser, Playwright's routes refuse
what a page asks for directly (documents, subresources, fetches, form posts, WebSockets)
and name the URL. Under it, the context's traffic goes through a `GuardProxy`, which sees
what routing cannot: every redirect hop, connections Chromium makes on its own, and the
addresses names resolve to at connect time. Everything either layer refused is listed in
`blocked` and kept with the evidence.
"""

from __future__ import annotations

import threading
from typing import Any, Self

from playwright.sync_api import BrowserContext, Route, WebSocketRoute

from directory_pipeline.browser.network_policy import NetworkPolicy
from directory_pipeline.browser.proxy import GuardProxy
from directory_pipeline.domain import DirectoryEntry


class NetworkGuard:
    """The directory's allow-list, enforced in the browser and at the network layer."""

    def __init__(self, directory: DirectoryEntry) -> None:
        self.directory = directory
        self.policy = NetworkPolicy.for_directory(directory)
        self.proxy = GuardProxy(self.policy)
        self._refused_in_browser: list[str] = []
        self._lock = threading.Lock()

    def allows(self, url: str) -> bool:
        """The name-level check (scheme, host, port); addresses are checked at connect time."""
        return self.policy.check_url(url) is None

    @property
    def blocked(self) -> list[str]:
        """Every request either layer refused, in the order they were refused."""
        with self._lock:
            seen = list(self._refused_in_browser)
        for event in self.proxy.refused():
            described = event.describe()
            if not any(event.target in url for url in seen):
                seen.append(described)
        return seen

    # -- lifecycle: the proxy runs as long as the context -----------------------------------
    def start(self) -> Self:
        self.proxy.start()
        return self

    def stop(self) -> None:
        self.proxy.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def context_options(self) -> dict[str, Any]:
        """Options for `browser.new_context`: the proxy (loopback included), no service
        workers (they would fetch outside the page's routes)."""
        return {
            "proxy": {"server": self.proxy.url, "bypass": "<-loopback>"},
            "service_workers": "block",
        }

    # -- the browser layer -----------------------------------------------------------------
    def _refuse(self, url: str) -> None:
        with self._lock:
            self._refused_in_browser.append(url)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if self.allows(url):
            route.fallback()
        else:
            self._refuse(url)
            route.abort("blockedbyclient")

    def _route_socket(self, socket: WebSocketRoute) -> None:
        if self.allows(socket.url):
            socket.connect_to_server()
        else:
            self._refuse(socket.url)
            socket.close(code=1008, reason="blocked by the network guard")

    def install(self, context: BrowserContext) -> None:
        context.route(self.policy.needs_checking(), self._route)
        context.route_web_socket("**/*", self._route_socket)
