"""The directories of one variant: sandbox sites, repeated under alias hosts past the first 12.

Plain data shared by the orchestrator and both workers; nothing here knows the product.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Every sandbox site a US business can submit to and get `submitted` (the same twelve as
# benchmarks/orchestration): the CAPTCHA, paid-only and foreign-language sites are left out.
BASE_SITES = (
    "citylocal-hub",
    "bizlist-wizard",
    "linkhaven-directory",
    "yellowbook-local",
    "localpages-directory",
    "metro-biz-index",
    "trustedtrades-directory",
    "shopfront-finder",
    "quicklist-app",
    "towncrier-listings",
    "heritage-register",
    "nearbyguide",
)


@dataclass(frozen=True)
class Directory:
    """One directory of a run: a copy of a sandbox site under its own host."""

    slug: str  # unique per directory: the site's slug, plus `-cNN` for copy NN > 0
    site: str  # the sandbox site it is a copy of
    copy: int
    host: str
    url: str

    def to_json(self) -> dict:
        return asdict(self)


def alias_host(site: str, copy: int) -> str:
    """Copy 0 is the sandbox's own host name; copy NN is `cNN.<site>.localhost`."""
    return f"{site}.localhost" if copy == 0 else f"c{copy:02d}.{site}.localhost"


def directories(count: int, port: int, form_paths: dict[str, str]) -> list[Directory]:
    """`count` directories cycling through the base sites: 0-11 are the sites themselves,
    12-23 their copy 1, and so on."""
    result = []
    for index in range(count):
        site = BASE_SITES[index % len(BASE_SITES)]
        copy = index // len(BASE_SITES)
        host = alias_host(site, copy)
        slug = site if copy == 0 else f"{site}-c{copy:02d}"
        url = f"http://{host}:{port}{form_paths[site]}"
        result.append(Directory(slug=slug, site=site, copy=copy, host=host, url=url))
    return result


def copies_needed(count: int) -> int:
    return -(-count // len(BASE_SITES))
