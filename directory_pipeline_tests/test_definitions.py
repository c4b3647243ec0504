"""The code location loads, validates with Dagster's own command, and its assets run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from directory_pipeline.defs.catalog import directory_catalog
from directory_pipeline.defs.resources import CatalogResource, SqsResource, SupabaseResource

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_definitions_load_with_named_resources() -> None:
    from directory_pipeline.definitions import defs

    repo = defs.get_repository_def()
    assert dg.AssetKey("directory_catalog") in repo.asset_graph.get_all_asset_keys()
    assert {"supabase", "sqs"} <= set(repo.get_top_level_resources())


def test_dagster_definitions_validate_passes(tmp_path: Path) -> None:
    dagster = Path(sys.executable).with_name("dagster")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", str(PROJECT_ROOT / "workspace.yaml")],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Validation successful" in result.stderr + result.stdout


def test_directory_catalog_asset_writes_the_directories_table(
    migrated_database_url: str, catalog_file: Path
) -> None:
    result = dg.materialize(
        [directory_catalog],
        resources={
            "supabase": SupabaseResource(database_url=migrated_database_url),
            "catalog": CatalogResource(path=str(catalog_file)),
        },
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("directory_catalog")
    assert materialization.metadata["directories"].value == 3
    with psycopg.connect(migrated_database_url) as conn:
        rows = conn.execute("select slug, tier, hosts from directories order by slug").fetchall()
    assert rows == [
        ("alpha-listings", "starter", ["alpha-listings.example"]),
        ("bravo-local", "starter", ["bravo-local.example"]),
        ("charlie-pro", "pro", ["charlie-pro.example"]),
    ]


def test_supabase_rest_client_needs_url_and_key() -> None:
    """supabase-py is only built, never called: no PostgREST server runs here."""
    bare = SupabaseResource(database_url="postgresql://x@127.0.0.1:1/db")
    with pytest.raises(dg.DagsterInvariantViolationError, match="SUPABASE_URL"):
        bare.rest_client()
    configured = SupabaseResource(
        database_url="postgresql://x@127.0.0.1:1/db",
        url="http://127.0.0.1:1",
        service_role_key="sb_secret_test",
    )
    assert str(configured.rest_client().rest_url) == "http://127.0.0.1:1/rest/v1"


def test_sqs_resource_talks_to_the_configured_endpoint(job_queue, sqs_server) -> None:
    resource = SqsResource(
        queue_url=job_queue.queue_url,
        dlq_url=job_queue.dlq_url,
        endpoint_url=sqs_server.endpoint_url,
        access_key_id="local",
        secret_access_key="local",
    )
    queue = resource.job_queue()
    queue.send_body('{"hello": 1}')
    assert queue.depth() == 1
