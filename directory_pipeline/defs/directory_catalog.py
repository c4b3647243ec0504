"""The directory catalog as an asset: what we sell and where we submit.

`directory_catalog` is the only writer of the `directories` table. `directory_catalog_sensor`
materializes it when the code location first loads (the local stack's start) and whenever
the catalog's content changes; a sensor reading one file is cheaper than a run per check.
"""

import dagster as dg

from directory_pipeline.defs.partitions import partition_requests
from directory_pipeline.defs.resources import CatalogResource, SupabaseResource

CATALOG_DIGEST = "catalog_digest"


@dg.asset(
    group_name="catalog",
    kinds={"postgres", "yaml"},
    description=(
        "Directories we submit to, with their package tier, allowed hosts and politeness "
        "limits, kept in step with the catalog file in the `directories` table (the "
        "local stack's catalog file includes its sandbox sites). Materialized by "
        "`directory_catalog_sensor` whenever the catalog changes."
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
            CATALOG_DIGEST: dg.MetadataValue.text(directories.digest()),
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


refresh_directory_catalog = dg.define_asset_job(
    "refresh_directory_catalog",
    selection=dg.AssetSelection.assets(directory_catalog),
    description="Writes the catalog into the `directories` table.",
    executor_def=dg.in_process_executor,
)


def _materialized_digest(instance: dg.DagsterInstance) -> tuple[str | None, float]:
    """The digest the last materialization wrote, and when (0: never)."""
    event = instance.get_latest_materialization_event(directory_catalog.key)
    if event is None or event.asset_materialization is None:
        return None, 0.0
    value = event.asset_materialization.metadata.get(CATALOG_DIGEST)
    return (str(value.value) if value is not None else None), event.timestamp


@dg.sensor(
    job=refresh_directory_catalog,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Materializes `directory_catalog` when the catalog differs from what the table "
        "holds (at the first tick, and after every change), and adds new directories as "
        "partitions."
    ),
)
def directory_catalog_sensor(
    context: dg.SensorEvaluationContext, catalog: CatalogResource
) -> dg.SensorResult:
    try:
        directories = catalog.catalog()
    except Exception as exc:  # a broken file is staff's to fix; the table keeps the last one
        return dg.SensorResult(skip_reason=f"the directory catalog could not be loaded: {exc}")
    digest = directories.digest()
    written, written_at = _materialized_digest(context.instance)
    additions = partition_requests(context.instance, [], [d.slug for d in directories.directories])
    if written == digest:
        return dg.SensorResult(
            skip_reason="the directories table holds this catalog",
            dynamic_partitions_requests=additions,
        )
    # Keyed by what was last written too, so a catalog changed back to an earlier version
    # is written again; a failed run is not retried until the catalog or the table changes.
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"{digest}-{written_at:.6f}")],
        dynamic_partitions_requests=additions,
    )
