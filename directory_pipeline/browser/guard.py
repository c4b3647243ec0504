"""What the browser may reach while submitting to one directory.

Only the directory's own hosts (and their subdomains) from the catalog. Private, loopback and
link-local addresses are refused too, unless the directory is a local sandbox site: a
directory page must not be able to steer our browser into our own network.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlparse

from playwright.sync_api import BrowserContext, Route

from directory_pipeline.domain import DirectoryEntry
from directory_pipeline.domain.catalog import host_matches

_ALWAYS = {"data", "blob", "about"}


@lru_cache(maxsize=1024)
def _resolves_inside(host: str) -> bool:
    """Whether the host is, or resolves to, a private, loopback or link-local address."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the request fails on its own
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return True
    return False


class NetworkGuard:
    """Routes every request of a browser context through the directory's allow-list."""

    def __init__(self, directory: DirectoryEntry) -> None:
        self.directory = directory
        self.blocked: list[str] = []

    def allows(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme in _ALWAYS:
            return True
        if parsed.scheme not in {"http", "https", "ws", "wss"} or not parsed.hostname:
            return False
        if not host_matches(parsed.hostname, self.directory.hosts):
            return False
        return self.directory.sandbox or not _resolves_inside(parsed.hostname)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if self.allows(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def install(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
