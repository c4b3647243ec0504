"""The catalogue of sandbox sites and where each one's form lives."""

from __future__ import annotations

from .site import SandboxSite
from .sites import SITE_DEFINITIONS

SITES: tuple[SandboxSite, ...] = tuple(definition.site for definition in SITE_DEFINITIONS)
"""Every sandbox directory site."""

_BY_SLUG = {site.slug: site for site in SITES}


def get_site(slug: str) -> SandboxSite:
    """The site called `slug`; KeyError when there is none."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"no sandbox site {slug!r}") from None


def site_url(slug: str, port: int, host: str = "localhost") -> str:
    """The URL of a site's form page, e.g. http://citylocal-hub.localhost:8765/add-listing."""
    return f"http://{slug}.{host}:{port}{get_site(slug).form_path}"


def slug_of_host(hostname: str) -> str | None:
    """The site a Host header addresses: the first dot-separated label that is a site slug."""
    return next((label for label in hostname.split(".") if label in _BY_SLUG), None)
