"""The catalogue of sandbox sites and where each one's form lives."""

from __future__ import annotations

from .hostile import HOSTILE_DEFINITIONS
from .site import SandboxSite
from .sites import SITE_DEFINITIONS, SiteDefinition

SITES: tuple[SandboxSite, ...] = tuple(definition.site for definition in SITE_DEFINITIONS)
"""Every sandbox directory site (the product's sandbox catalog; hostile pages are not in it)."""

SERVED_DEFINITIONS: tuple[SiteDefinition, ...] = (*SITE_DEFINITIONS, *HOSTILE_DEFINITIONS)
"""Everything the sandbox server hosts: the catalog sites, then the hostile pages."""

_BY_SLUG = {definition.site.slug: definition.site for definition in SERVED_DEFINITIONS}
if len(_BY_SLUG) != len(SERVED_DEFINITIONS):
    raise RuntimeError("a hostile sandbox page shares its slug with another site")


def get_site(slug: str) -> SandboxSite:
    """The site called `slug`, a hostile page included; KeyError when there is none."""
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
