"""The Dagster instance files (local and the production variant) are valid instance config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dagster._core.instance.config import dagster_instance_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", ["dagster.yaml", "docs/deploy/dagster.production.yaml"])
def test_instance_yaml_is_valid(path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", "postgresql://dagster@127.0.0.1:5432/dagster")
    shutil.copyfile(ROOT / path, tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_retries"]["retry_on_asset_or_op_failure"] is False
    assert config["run_monitoring"]["enabled"] is True


def test_the_production_storage_works_on_a_real_postgres(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The production instance's storage section against the suite's Postgres, with the URL
    as the file's comment prescribes: partitions and runs are written and read back."""
    import dagster as dg
    import yaml

    production = yaml.safe_load((ROOT / "docs/deploy/dagster.production.yaml").read_text())
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump({"storage": production["storage"]}))
    url = database_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", url)
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        instance.add_dynamic_partitions("jobs", ["job-a", "job-b"])
        assert sorted(instance.get_dynamic_partitions("jobs")) == ["job-a", "job-b"]
        assert instance.get_run_ids(filters=dg.RunsFilter(tags={"k": "v"})) == []
    finally:
        instance.dispose()
