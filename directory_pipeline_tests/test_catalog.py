"""Package tiers and the directories a job gets."""

from __future__ import annotations

import pickle

import pytest

from directory_pipeline.domain import Catalog, DirectoryEntry, Package, load_catalog
from directory_pipeline.domain.catalog import DirectoryOutsidePackageError, UnknownDirectoryError


def _entry(slug: str, tier: Package, **extra: object) -> DirectoryEntry:
    return DirectoryEntry.model_validate(
        {
            "slug": slug,
            "name": slug.title(),
            "submit_url": f"https://{slug}.example/add",
            "tier": tier,
            **extra,
        }
    )


@pytest.fixture
def catalog() -> Catalog:
    shipped = load_catalog()
    return shipped.with_directories(
        [
            _entry("alpha", Package.STARTER),
            _entry("bravo", Package.GROWTH),
            _entry("charlie", Package.PRO),
            _entry("delta", Package.ENTERPRISE),
            _entry("echo", Package.STARTER, enabled=False),
            _entry("foxtrot", Package.STARTER, requires_payment=True),
        ]
    )


def test_shipped_packages_have_prices_and_counts() -> None:
    catalog = load_catalog()
    prices = {t.package: t.price_usd for t in catalog.packages}
    assert prices[Package.STARTER] == 149 and prices[Package.ENTERPRISE] == 799
    counts = [catalog.tier(p).directories for p in Package]
    assert counts == sorted(counts) and len(set(counts)) == 4


def test_a_package_gets_its_tier_and_the_tiers_below(catalog: Catalog) -> None:
    slugs = lambda p: [d.slug for d in catalog.directories_for(p)]  # noqa: E731
    assert slugs(Package.STARTER) == ["alpha", "foxtrot"]
    assert slugs(Package.GROWTH) == ["alpha", "foxtrot", "bravo"]
    assert slugs(Package.ENTERPRISE) == ["alpha", "foxtrot", "bravo", "charlie", "delta"]


def test_the_package_count_caps_the_list(catalog: Catalog) -> None:
    small = Catalog(
        packages=[
            t.model_copy(update={"directories": 1}) if t.package is Package.STARTER else t
            for t in catalog.packages
        ],
        directories=catalog.directories,
    )
    assert [d.slug for d in small.directories_for(Package.STARTER)] == ["alpha"]


def test_explicit_list_is_honoured_and_unknown_slugs_refused(catalog: Catalog) -> None:
    chosen = catalog.directories_for(Package.ENTERPRISE, ["echo", "delta", "echo"])
    assert [d.slug for d in chosen] == ["echo", "delta"]
    with pytest.raises(UnknownDirectoryError, match="nope"):
        catalog.directories_for(Package.STARTER, ["alpha", "nope"])


@pytest.mark.parametrize(
    ("package", "requested", "above"),
    [
        (Package.STARTER, ["alpha", "bravo"], ["bravo"]),
        (Package.STARTER, ["delta", "alpha", "charlie", "delta"], ["delta", "charlie"]),
        (Package.GROWTH, ["bravo", "charlie"], ["charlie"]),
        (Package.PRO, ["delta"], ["delta"]),
    ],
)
def test_explicit_directories_above_the_package_tier_are_refused(
    catalog: Catalog, package: Package, requested: list[str], above: list[str]
) -> None:
    with pytest.raises(DirectoryOutsidePackageError) as caught:
        catalog.directories_for(package, requested)
    assert isinstance(caught.value, ValueError)
    assert caught.value.package is package and caught.value.slugs == above
    message = str(caught.value)
    assert f"outside the {package.value} package" in message
    assert all(slug in message for slug in above)
    assert "alpha" not in message


def test_explicit_directories_of_the_package_tier_or_below_are_accepted(
    catalog: Catalog,
) -> None:
    for package, requested in [
        (Package.STARTER, ["alpha", "echo", "foxtrot"]),
        (Package.GROWTH, ["bravo", "alpha"]),
        (Package.PRO, ["charlie", "bravo", "alpha"]),
        (Package.ENTERPRISE, ["delta", "charlie", "bravo", "alpha"]),
    ]:
        assert [d.slug for d in catalog.directories_for(package, requested)] == requested


def test_the_tier_error_survives_pickling() -> None:
    error = DirectoryOutsidePackageError(Package.STARTER, {"charlie": Package.PRO})
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.slugs == ["charlie"]


def test_hosts_default_to_the_submit_url_host() -> None:
    assert _entry("alpha", Package.STARTER).hosts == ["alpha.example"]
    with pytest.raises(ValueError, match="absolute http"):
        _entry("bad", Package.STARTER, submit_url="ftp://x/")


def test_catalog_refuses_duplicate_slugs(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="listed twice: alpha"):
        catalog.with_directories([_entry("alpha", Package.PRO)])
