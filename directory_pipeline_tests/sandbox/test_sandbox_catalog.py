"""The sandbox catalogue: enough varied sites, well-formed, spread over the package tiers."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from directory_pipeline.domain import load_catalog
from directory_pipeline.sandbox import (
    SITES,
    SandboxSite,
    get_site,
    site_url,
    write_sandbox_catalog,
)

REQUIRED_FEATURES = {
    "wizard",
    "category-single",
    "category-multi",
    "paid-choice",
    "terms",
    "upload",
    "country-codes",
    "country-names",
    "i18n-de",
    "i18n-es",
    "i18n-fr",
    "opaque-names",
    "js-render",
    "js-fetch",
    "iframe",
    "honeypot",
    "decoy",
    "js-token",
    "csrf",
    "search-box",
    "server-validation",
    "captcha",
    "verify-email",
    "duplicate-check",
    "rate-limit-429",
    "flaky-503",
    "slow",
    "versioned",
}


def test_at_least_fifteen_sites_with_unique_well_formed_slugs() -> None:
    slugs = [site.slug for site in SITES]
    assert len(slugs) >= 15
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)


def test_every_required_behaviour_has_a_site() -> None:
    offered = {feature for site in SITES for feature in site.features}
    assert offered >= REQUIRED_FEATURES


def test_tiers_are_spread_like_the_packages() -> None:
    tiers = Counter(site.tier for site in SITES)
    assert tiers["starter"] >= 5 and tiers["growth"] >= 3 and tiers["pro"] >= 3
    assert tiers["enterprise"] >= 3


def test_expected_outcomes_follow_the_blockers() -> None:
    for site in SITES:
        if site.requires_payment:
            assert site.expected_outcome == "skipped", site.slug
        elif {"captcha", "verify-email"} & set(site.features):
            assert site.expected_outcome == "needs_review", site.slug
        else:
            assert site.expected_outcome == "submitted", site.slug


def test_non_english_sites_declare_their_language() -> None:
    languages = {
        site.language for site in SITES if any(f.startswith("i18n-") for f in site.features)
    }
    assert languages == {"de", "es", "fr"}
    for site in SITES:
        for feature in site.features:
            if feature.startswith("i18n-"):
                assert site.language == feature.removeprefix("i18n-")


def test_site_url_and_lookup() -> None:
    assert site_url("citylocal-hub", 8765) == "http://citylocal-hub.localhost:8765/add-listing"
    assert site_url("nearbyguide", 80, host="sandbox.test") == (
        "http://nearbyguide.sandbox.test:80/add-place"
    )
    assert get_site("citylocal-hub").name == "CityLocal Hub"
    with pytest.raises(KeyError):
        get_site("no-such-site")


def test_site_model_rejects_bad_slugs() -> None:
    with pytest.raises(ValueError):
        SandboxSite(
            slug="Bad_Slug",
            name="x",
            form_path="/x",
            features=(),
            expected_outcome="submitted",
            tier="starter",
            description="x",
        )


def test_the_stack_catalog_file_is_the_shipped_catalog_plus_the_sandbox_sites(
    tmp_path: Path,
) -> None:
    """What the product reads while the local stack runs: a plain catalog file."""
    path = write_sandbox_catalog(tmp_path / "catalog.yaml", 8765)
    shipped, written = load_catalog(), load_catalog(path)
    assert written.packages == shipped.packages
    assert written.directories[: len(shipped.directories)] == shipped.directories
    sandbox = written.directories[len(shipped.directories) :]
    assert [d.slug for d in sandbox] == [s.slug for s in SITES]
    assert all(d.sandbox and d.hosts == [f"{d.slug}.localhost"] for d in sandbox)
    assert written.directory("citylocal-hub").submit_url == site_url("citylocal-hub", 8765)


def test_rewriting_the_stack_catalog_for_a_new_port_replaces_the_sandbox_sites(
    tmp_path: Path,
) -> None:
    base = write_sandbox_catalog(tmp_path / "base.yaml", 8765)
    again = load_catalog(write_sandbox_catalog(tmp_path / "catalog.yaml", 9876, base=base))
    slugs = [d.slug for d in again.directories]
    assert len(slugs) == len(set(slugs)) == len(load_catalog(base).directories)
    assert again.directory("citylocal-hub").submit_url == site_url("citylocal-hub", 9876)
