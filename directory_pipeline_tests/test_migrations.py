"""Schema migrations against a real Postgres: idempotent, drift-proof, contract columns."""

from __future__ import annotations

import threading

import psycopg
import pytest

from directory_pipeline.store import migrate as migrations
from directory_pipeline.store.migrate import MigrationDriftError, migrate, pending_migrations

CONTRACT_COLUMNS = {
    "jobs": {
        "id",
        "customer_id",
        "package",
        "status",
        "business",
        "directories_total",
        "directories_done",
        "created_at",
        "started_at",
        "completed_at",
        "error",
    },
    "job_results": {
        "job_id",
        "directory_slug",
        "status",
        "submitted_at",
        "confirmation_text",
        "final_url",
        "evidence_uri",
        "error",
        "attempts",
        "plan_fingerprint",
        "updated_at",
    },
    "directories": {"slug", "name", "submit_url", "tier", "enabled"},
    "form_plans": {"directory_slug", "fingerprint", "plan"},
    "submission_attempts": {"job_id", "directory_slug", "attempt_no", "intent_at", "result_at"},
}


def _columns(dsn: str, table: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select column_name from information_schema.columns where table_name = %s", (table,)
        ).fetchall()
    return {r[0] for r in rows}


def test_migrations_apply_twice_cleanly(database_url: str) -> None:
    first = migrate(database_url)
    assert first == [m.version for m in migrations.available_migrations()]
    assert migrate(database_url) == []
    assert pending_migrations(database_url) == []
    for table, columns in CONTRACT_COLUMNS.items():
        assert columns <= _columns(database_url, table), table


def test_concurrent_migrators_apply_each_migration_once(database_url: str) -> None:
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(migrate(database_url))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    applied = [v for r in results for v in r]
    assert sorted(applied) == sorted(m.version for m in migrations.available_migrations())


def test_contract_statuses_are_enforced_by_the_database(migrated_database_url: str) -> None:
    with (
        psycopg.connect(migrated_database_url) as conn,
        pytest.raises(psycopg.errors.CheckViolation),
    ):
        conn.execute(
            "insert into jobs (id, customer_id, package, status) "
            "values (gen_random_uuid(), gen_random_uuid(), 'starter', 'done')"
        )


def test_an_edited_applied_migration_is_refused(
    migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrations.available_migrations()
    edited = [migrations.Migration(real[0].version, real[0].sql + "\n-- edited"), *real[1:]]
    monkeypatch.setattr(migrations, "available_migrations", lambda: edited)
    with pytest.raises(MigrationDriftError, match=real[0].version):
        migrate(migrated_database_url)


def test_migrate_command_reports_what_it_applied(database_url: str, monkeypatch) -> None:
    from click.testing import CliRunner

    from directory_pipeline.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    first = CliRunner().invoke(main, ["db", "migrate"])
    assert first.exit_code == 0, first.output
    assert "0001_core_tables" in first.output
    second = CliRunner().invoke(main, ["db", "migrate"])
    assert second.exit_code == 0 and "up to date" in second.output
