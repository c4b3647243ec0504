"""The directory catalog and package tiers, loaded from `data/catalog.yaml`."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from directory_pipeline.domain.message import DirectorySlug
from directory_pipeline.domain.tiers import Package


class PackageTier(BaseModel):
    """A package as sold: its price and how many directories it buys."""

    model_config = ConfigDict(frozen=True)

    package: Package
    price_usd: Annotated[int, Field(gt=0)]
    directories: Annotated[int, Field(gt=0)]
    description: str = ""


class PresenceKind(StrEnum):
    """How a directory's published listing is found (issue 14, live verification)."""

    SEARCH = "search"
    """The directory's own search page, e.g. `/search?q={name}`: a result with the
    business's name and city links to the listing."""
    LISTING_URL = "listing_url"
    """A listing URL the directory derives from the name, e.g. `/biz/{slug}-{city_slug}`."""
    SITEMAP = "sitemap"
    """The directory's sitemap, e.g. `/sitemap.xml`: a `<loc>` whose path carries the
    name's slug."""


class PresenceCheck(BaseModel):
    """Where and for how long to look for a directory's published listing.

    `url` is relative to the directory's submit URL (or absolute, on its hosts); it may use
    `{name}`, `{city}` (URL-quoted), `{slug}` and `{city_slug}` (lower-case, hyphenated)."""

    model_config = ConfigDict(frozen=True)

    kind: PresenceKind
    url: str = Field(min_length=1)
    review_days: Annotated[int, Field(ge=1, le=365)] = Field(
        default=28,
        description="The directory's own review period: not found after it, the presence "
        "record says 'not found after N days' and checks stop.",
    )


class DirectoryEntry(BaseModel):
    """A directory we can submit to, with the politeness and safety limits that apply to it."""

    model_config = ConfigDict(frozen=True)

    slug: DirectorySlug
    name: str
    submit_url: str
    tier: Package
    enabled: bool = True
    requires_payment: bool = False
    hosts: list[str] = Field(
        default_factory=list, description="Hosts the browser may reach; defaults to submit_url's."
    )
    language: str = "en"
    sandbox: bool = Field(default=False, description="A local sandbox site on loopback.")
    max_concurrency: Annotated[int, Field(ge=1)] = 1
    min_interval_seconds: Annotated[float, Field(ge=0)] = 30.0
    presence: PresenceCheck | None = Field(
        default=None, description="How to find the listing once published; none: not followed."
    )

    @model_validator(mode="after")
    def _hosts_default_to_submit_url(self) -> DirectoryEntry:
        parsed = urlparse(self.submit_url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise ValueError(f"submit_url must be an absolute http(s) URL, got {self.submit_url!r}")
        if not self.hosts:
            object.__setattr__(self, "hosts", [parsed.hostname])
        return self


def host_matches(host: str, allowed_hosts: list[str]) -> bool:
    """Whether `host` is one of the allowed hosts or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == h.lower() or host.endswith("." + h.lower()) for h in allowed_hosts)


class UnknownDirectoryError(ValueError):
    """A job named directories the catalog does not have."""


class DirectoryOutsidePackageError(ValueError):
    """A job named directories of a higher tier than the package it bought."""

    def __init__(self, package: Package, tiers: dict[str, Package]) -> None:
        self.package = package
        self.tiers = dict(tiers)
        self.slugs = list(tiers)
        named = ", ".join(f"{slug} ({tier.value})" for slug, tier in tiers.items())
        super().__init__(
            f"directories outside the {package.value} package: {named}; a {package.value} "
            "job may name directories of its own tier or lower"
        )

    def __reduce__(self) -> tuple[type, tuple[Package, dict[str, Package]]]:
        return (type(self), (self.package, self.tiers))


class Catalog(BaseModel):
    """Packages and directories; answers which directories a job gets."""

    model_config = ConfigDict(frozen=True)

    packages: list[PackageTier]
    directories: list[DirectoryEntry]

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        sold = [tier.package for tier in self.packages]
        if sorted(sold, key=lambda p: p.rank) != list(Package):
            raise ValueError("packages must list each of starter, growth, pro, enterprise once")
        slugs = [d.slug for d in self.directories]
        duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
        if duplicates:
            raise ValueError(f"directory slugs listed twice: {', '.join(duplicates)}")
        return self

    def tier(self, package: Package) -> PackageTier:
        return next(t for t in self.packages if t.package is package)

    def digest(self) -> str:
        """A short fingerprint of the content (not the file's formatting)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    def directory(self, slug: str) -> DirectoryEntry:
        for entry in self.directories:
            if entry.slug == slug:
                return entry
        raise UnknownDirectoryError(f"unknown directory {slug!r}")

    def directories_for(
        self, package: Package, requested: list[str] | None = None
    ) -> list[DirectoryEntry]:
        """The directories a job works on.

        An explicit list is honoured as given (disabled or paid-only entries stay in it and
        end as `skipped`, so staff see them), as long as every directory in it belongs to the
        package's tier or a lower one; otherwise the package's enabled directories, lower
        tiers first, up to the number the package buys.

        Raises `UnknownDirectoryError` for slugs the catalog lacks,
        `DirectoryOutsidePackageError` for directories above the package's tier, and
        ValueError for more directories than the package buys.
        """
        limit = self.tier(package).directories
        if requested:
            unknown = [s for s in requested if s not in {d.slug for d in self.directories}]
            if unknown:
                raise UnknownDirectoryError(f"unknown directories: {', '.join(unknown)}")
            above = {
                slug: self.directory(slug).tier
                for slug in dict.fromkeys(requested)
                if not package.includes(self.directory(slug).tier)
            }
            if above:
                raise DirectoryOutsidePackageError(package, above)
            if len(set(requested)) > limit:
                raise ValueError(
                    f"{len(set(requested))} directories requested; {package.value} buys {limit}"
                )
            return [self.directory(slug) for slug in dict.fromkeys(requested)]
        eligible = [d for d in self.directories if d.enabled and package.includes(d.tier)]
        eligible.sort(key=lambda d: d.tier.rank)
        return eligible[:limit]

    def directory_for_url(self, url: str) -> DirectoryEntry | None:
        """The directory whose hosts cover the URL's host, if any."""
        host = urlparse(url).hostname or ""
        return next((d for d in self.directories if host_matches(host, d.hosts)), None)

    def with_directories(self, extra: list[DirectoryEntry]) -> Catalog:
        return Catalog(packages=self.packages, directories=[*self.directories, *extra])


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog from `path` (a deployment's own, or the one the local stack writes with
    its sandbox sites), or the one shipped with the package."""
    if path is None:
        text = resources.files("directory_pipeline.data").joinpath("catalog.yaml").read_text()
    else:
        text = path.read_text()
    return Catalog.model_validate(yaml.safe_load(text))


def write_catalog(catalog: Catalog, path: Path) -> Path:
    """Write `catalog` where `load_catalog(path)` reads it back (atomically: a reader never
    sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(yaml.safe_dump(catalog.model_dump(mode="json"), sort_keys=False))
    tmp.replace(path)
    return path
