"""The directory catalog as an asset: what we sell and where we submit."""

from __future__ import annotations

import dagster as dg

from directory_pipeline.defs.resources import CatalogResource, SupabaseResource


@dg.asset(
    group_name="catalog",
    kinds={"postgres", "yaml"},
    description=(
        "Directories we submit to, with their package tier, allowed hosts and politeness "
        "limits, kept in step with the catalog file in the `directories` table (the "
        "local stack's catalog file includes its sandbox sites)."
    ),
)
def directory_catalog(supabase: SupabaseResource, catalog: CatalogResource) -> dg.MaterializeResult:
    directories = catalog.catalog()
    written = supabase.directories().upsert(directories.directories)
    by_tier = {
        tier.package.value: sum(1 for d in directories.directories if d.tier is tier.package)
        for tier in directories.packages
    }
    return dg.MaterializeResult(
        metadata={
            "directories": dg.MetadataValue.int(written),
            "enabled": dg.MetadataValue.int(sum(d.enabled for d in directories.directories)),
            "by_tier": dg.MetadataValue.json(by_tier),
            "packages": dg.MetadataValue.md(
                "| package | price | directories |\n|---|---|---|\n"
                + "\n".join(
                    f"| {t.package.value} | ${t.price_usd} | {t.directories} |"
                    for t in directories.packages
                )
            ),
        }
    )
