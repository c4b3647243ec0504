"""`directory_catalog_sensor`: the catalog asset is the only writer of `directories`, and is
materialized at the first tick (the stack's start) and after every change of the catalog's
content. Real Postgres; Dagster in process on a temporary instance."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg

from directory_pipeline.defs.directory_catalog import directory_catalog, directory_catalog_sensor
from directory_pipeline.defs.partitions import DIRECTORIES
from directory_pipeline.defs.resources import CatalogResource, SupabaseResource
from directory_pipeline.domain import load_catalog
from directory_pipeline.domain.catalog import write_catalog
from directory_pipeline.sandbox import write_sandbox_catalog
from directory_pipeline_tests.orchestration.flow import in_thread, tick


def _names(dsn: str) -> dict[str, str]:
    with psycopg.connect(dsn) as conn:
        return dict(conn.execute("select slug, name from directories").fetchall())


def test_the_catalog_is_written_at_the_first_tick_and_after_each_change(
    migrated_database_url: str, tmp_path: Path
) -> None:
    path = write_sandbox_catalog(tmp_path / "catalog.yaml", 8080)
    resources = {
        "supabase": SupabaseResource(database_url=migrated_database_url),
        "catalog": CatalogResource(path=str(path)),
    }

    def materialize(instance: dg.DagsterInstance) -> None:
        assert dg.materialize([directory_catalog], instance=instance, resources=resources).success

    def flow() -> dict[str, object]:
        instance = dg.DagsterInstance.ephemeral()
        seen: dict[str, object] = {}
        first = tick(directory_catalog_sensor, instance, resources)
        seen["first"] = first
        seen["partitions"] = set(instance.get_dynamic_partitions(DIRECTORIES))
        materialize(instance)
        seen["unchanged"] = tick(directory_catalog_sensor, instance, resources)
        catalog = load_catalog(path)
        renamed = catalog.directories[0].model_copy(update={"name": "Renamed Directory"})
        write_catalog(
            catalog.model_copy(update={"directories": [renamed, *catalog.directories[1:]]}),
            path,
        )
        seen["changed"] = tick(directory_catalog_sensor, instance, resources)
        materialize(instance)
        seen["after"] = tick(directory_catalog_sensor, instance, resources)
        seen["renamed"] = renamed.slug
        return seen

    assert _names(migrated_database_url) == {}
    seen = in_thread(flow)
    slugs = {d.slug for d in load_catalog(path).directories}
    first = seen["first"]
    assert isinstance(first, dg.SensorResult)
    assert len(first.run_requests or []) == 1
    assert seen["partitions"] == slugs  # every directory is a partition from the first tick

    unchanged = seen["unchanged"]
    assert isinstance(unchanged, dg.SensorResult) and not unchanged.run_requests

    changed = seen["changed"]
    assert isinstance(changed, dg.SensorResult)
    [request] = changed.run_requests or []
    assert request.run_key != (first.run_requests or [])[0].run_key

    after = seen["after"]
    assert isinstance(after, dg.SensorResult) and not after.run_requests
    names = _names(migrated_database_url)
    assert set(names) == slugs
    assert names[str(seen["renamed"])] == "Renamed Directory"


def test_a_formatting_change_is_not_a_catalog_change(tmp_path: Path) -> None:
    path = write_sandbox_catalog(tmp_path / "catalog.yaml", 8080)
    catalog = load_catalog(path)
    path.write_text("# a comment staff added\n" + path.read_text())
    assert load_catalog(path).digest() == catalog.digest()
