"""The catalogue of sandbox sites and where each one's form lives."""

from __future__ import annotations

import importlib
from pathlib import Path
from urllib.parse import urlencode

from directory_pipeline.domain import Catalog, DirectoryEntry, Package, load_catalog, write_catalog
from directory_pipeline.domain.catalog import PresenceCheck, PresenceKind

from .hostile import HOSTILE_DEFINITIONS
from .site import SandboxSite
from .sites import SITE_DEFINITIONS, SiteDefinition, Theme
from .verification import VERIFICATION_DEFINITIONS

SITES: tuple[SandboxSite, ...] = tuple(definition.site for definition in SITE_DEFINITIONS)
"""Every sandbox directory site (the product's sandbox catalog; hostile pages are not in it)."""

SERVED_DEFINITIONS: tuple[SiteDefinition, ...] = (
    *SITE_DEFINITIONS,
    *HOSTILE_DEFINITIONS,
    *VERIFICATION_DEFINITIONS,
)
"""Everything the sandbox server hosts: the catalog sites, the hostile pages, then the
verifying sites outside the catalog."""

_BY_SLUG = {definition.site.slug: definition.site for definition in SERVED_DEFINITIONS}
if len(_BY_SLUG) != len(SERVED_DEFINITIONS):
    raise RuntimeError("a sandbox site outside the catalog shares its slug with another site")


def get_site(slug: str) -> SandboxSite:
    """The site called `slug`, hostile and verifying sites included; KeyError when there is
    none."""
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


SANDBOX_REVIEW_DAYS = 14
"""The review period the sandbox sites' catalog entries declare (their real review takes
`publish_delay_s`; the pipeline's clock decides when 14 days have passed)."""


def _theme_of(site: SandboxSite) -> Theme | None:
    """The look a site module declares (`FORM.theme`, or a module-level `Theme`)."""
    module = importlib.import_module(f"{__package__}.sites.{site.slug.replace('-', '_')}")
    for value in vars(module).values():
        theme = getattr(value, "theme", value)
        if isinstance(theme, Theme):
            return theme
    return None


def sandbox_presence(site: SandboxSite) -> PresenceCheck:
    """How the pipeline finds a sandbox site's published listing: the site's own header
    search (its path and parameter names vary by site), else its sitemap."""
    theme = _theme_of(site)
    if theme is None:
        return PresenceCheck(
            kind=PresenceKind.SITEMAP, url="/sitemap.xml", review_days=SANDBOX_REVIEW_DAYS
        )
    query = {theme.search_param: "{name}"}
    if theme.where_param:
        query[theme.where_param] = "{city}"
    url = theme.search_action + "?" + urlencode(query, safe="{}")
    return PresenceCheck(kind=PresenceKind.SEARCH, url=url, review_days=SANDBOX_REVIEW_DAYS)


def sandbox_directories(port: int) -> list[DirectoryEntry]:
    """Catalog entries for the sandbox sites served on `port` (loopback, no politeness wait)."""
    return [
        DirectoryEntry(
            slug=site.slug,
            name=site.name,
            submit_url=site_url(site.slug, port),
            tier=Package(site.tier),
            requires_payment=site.requires_payment,
            language=site.language,
            sandbox=True,
            hosts=[f"{site.slug}.localhost"],
            max_concurrency=2,
            min_interval_seconds=0.0,
            presence=sandbox_presence(site),
        )
        for site in SITES
    ]


def with_sandbox_sites(catalog: Catalog, port: int) -> Catalog:
    """`catalog` plus the sandbox sites on `port`; sandbox sites it already lists (a catalog
    written for an earlier port) are replaced, not listed twice."""
    sandbox = sandbox_directories(port)
    slugs = {entry.slug for entry in sandbox}
    kept = [d for d in catalog.directories if d.slug not in slugs]
    return Catalog(packages=catalog.packages, directories=[*kept, *sandbox])


def write_sandbox_catalog(path: Path, port: int, base: Path | None = None) -> Path:
    """Write the catalog the product reads while the local stack runs: the catalog at `base`
    (the shipped one by default) plus the sandbox sites on `port`. Point `DIRECTORY_CATALOG`
    at the returned path; the product itself knows nothing of the sandbox."""
    return write_catalog(with_sandbox_sites(load_catalog(base), port), path)
