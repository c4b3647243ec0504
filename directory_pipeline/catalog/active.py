"""The catalog in force: the shipped file, plus the sandbox sites when the local stack runs."""

from __future__ import annotations

from pathlib import Path

from directory_pipeline.domain import Catalog, DirectoryEntry, Package, load_catalog


def sandbox_directories(port: int) -> list[DirectoryEntry]:
    """Catalog entries for the local sandbox sites served on `port`."""
    from directory_pipeline.sandbox import SITES, site_url

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
        )
        for site in SITES
    ]


def active_catalog(sandbox_port: int | None = None, path: Path | None = None) -> Catalog:
    """The shipped catalog (or the file at `path`), plus sandbox sites when given a port."""
    catalog = load_catalog(path)
    if sandbox_port:
        catalog = catalog.with_directories(sandbox_directories(sandbox_port))
    return catalog
