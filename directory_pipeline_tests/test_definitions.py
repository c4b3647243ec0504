"""The code location loads, validates with Dagster's own command, and its assets run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from directory_pipeline.defs.directory_catalog import directory_catalog
from directory_pipeline.defs.resources import CatalogResource, SqsResource, SupabaseResource

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_definitions_load_with_named_resources() -> None:
    from directory_pipeline.definitions import defs

    repo = defs.get_repository_def()
    assert dg.AssetKey("directory_catalog") in repo.asset_graph.get_all_asset_keys()
    assert {"supabase", "sqs"} <= set(repo.get_top_level_resources())


@pytest.mark.parametrize("deployment", ["production", "local"])
def test_dagster_definitions_validate_passes(tmp_path: Path, deployment: str) -> None:
    """Dagster's own validation, with each resource set (the local one without a running
    stack: its settings are unset and a run would say so)."""
    dagster = Path(sys.executable).with_name("dagster")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env["DIRECTORY_PIPELINE_DEPLOYMENT"] = deployment
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


def _bindings(resource: dg.ConfigurableResource) -> dict[str, object]:
    """Every field of a resource as it was bound (environment variables unresolved), nested
    resources flattened as `<field>.<their field>`."""
    bound: dict[str, object] = {}
    for name in type(resource).model_fields:
        value = getattr(resource, name)
        if isinstance(value, dg.ConfigurableResource):
            bound.update({f"{name}.{k}": v for k, v in _bindings(value).items()})
        else:
            bound[name] = value
    return bound


def test_the_production_set_binds_every_setting_to_an_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is decided at load: not a literal, not the local stack's state file (one is
    present here and must be ignored), and every variable read is one the deployment
    documents."""
    from directory_pipeline.defs.resource_sets import PRODUCTION_VARIABLES, production_resources

    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "stack.json").write_text('{"settings": {"database_url": "postgresql://stale"}}')
    monkeypatch.setenv("DIRECTORY_PIPELINE_STATE_DIR", str(state_dir))
    read: set[str] = set()
    for key, resource in production_resources().items():
        for field, value in _bindings(resource).items():
            name = getattr(value, "env_var_name", None)  # dg.EnvVar and dg.EnvVar.int
            assert name is not None, f"{key}.{field} is bound to {value!r}"
            read.add(name)
    assert read == set(PRODUCTION_VARIABLES)


def test_the_image_declares_every_optional_production_variable() -> None:
    """Optional settings are set empty and tuning has its default in the image, so a
    deployment only has to provide what it must (the queue, the database, storage)."""
    from directory_pipeline.defs.resource_sets import PRODUCTION_VARIABLES

    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    declared = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+)=", dockerfile, re.M))
    must_be_given = {"DATABASE_URL", "SQS_QUEUE_URL", "SQS_DLQ_URL", "EVIDENCE_ROOT"}
    assert set(PRODUCTION_VARIABLES) - must_be_given <= declared
    assert not must_be_given & declared


def test_the_production_set_resolves_at_run_time_with_empty_optional_values(
    migrated_database_url: str, catalog_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The production set in a run: required variables given, optional ones empty (as the
    image declares them) — the catalog asset writes through it."""
    from directory_pipeline.defs.resource_sets import PRODUCTION_VARIABLES, production_resources

    for name in PRODUCTION_VARIABLES:
        monkeypatch.setenv(name, "")
    for name in ("SUBMISSION_PARALLELISM", "LLM_TIMEOUT_SECONDS", "PENDING_JOB_GRACE_MINUTES"):
        monkeypatch.setenv(name, "2")
    for name in ("STALLED_JOB_MINUTES", "SQS_REDELIVERY_SECONDS", "JOB_PARTITION_RETENTION_DAYS"):
        monkeypatch.setenv(name, "7")
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("DIRECTORY_CATALOG", str(catalog_file))
    result = dg.materialize([directory_catalog], resources=production_resources())
    assert result.success
    [materialization] = result.asset_materializations_for_node("directory_catalog")
    assert materialization.metadata["directories"].value == 3


def test_the_local_set_reads_the_running_stack_state_file(tmp_path: Path) -> None:
    from directory_pipeline.defs.resource_sets import local_resources
    from directory_pipeline.settings import load_settings

    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "stack.json").write_text(
        json.dumps(
            {
                "settings": {
                    "database_url": "postgresql://stack@127.0.0.1:5999/pipeline",
                    "sqs_queue_url": "http://127.0.0.1:5998/q/jobs",
                    "sqs_dlq_url": "http://127.0.0.1:5998/q/jobs-dlq",
                    "catalog_path": str(state_dir / "catalog.yaml"),
                    "stalled_job_minutes": 3,
                }
            }
        )
    )
    resources = local_resources(load_settings(state_dir))
    supabase = resources["supabase"]
    assert isinstance(supabase, SupabaseResource)
    assert supabase.database_url == "postgresql://stack@127.0.0.1:5999/pipeline"
    assert _bindings(resources["sqs"])["dlq_url"] == "http://127.0.0.1:5998/q/jobs-dlq"
    assert _bindings(resources["catalog"])["path"] == str(state_dir / "catalog.yaml")
    assert _bindings(resources["policy"])["stalled_minutes"] == 3
    assert _bindings(resources["analytics"])["root"] == str(state_dir / "analytics")
