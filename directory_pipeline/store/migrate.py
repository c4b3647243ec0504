"""Apply the SQL migrations in `store/migrations/` in order, each once.

Applied versions are recorded in `schema_migrations` with a checksum, so an edited
migration is refused rather than silently skipped. An advisory lock keeps two migrators
(say, two containers starting at once) from racing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from directory_pipeline.store.database import connect

_LOCK_ID = 7_301_114  # arbitrary, constant: the advisory lock key of this project's migrator


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationDriftError(RuntimeError):
    """An applied migration's file has changed since it was applied."""


def available_migrations() -> list[Migration]:
    folder = resources.files("directory_pipeline.store").joinpath("migrations")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [Migration(version=f.name.removesuffix(".sql"), sql=f.read_text()) for f in files]


def applied_versions(dsn: str) -> dict[str, str]:
    """Applied migration versions and their checksums (empty if none were applied)."""
    with connect(dsn) as conn:
        exists = conn.execute("select to_regclass('schema_migrations') as t").fetchone()
        if not exists or exists["t"] is None:
            return {}
        rows = conn.execute("select version, checksum from schema_migrations").fetchall()
        return {r["version"]: r["checksum"] for r in rows}


def pending_migrations(dsn: str) -> list[Migration]:
    applied = applied_versions(dsn)
    return [m for m in available_migrations() if m.version not in applied]


def migrate(dsn: str) -> list[str]:
    """Apply what is pending; returns the versions applied now (empty when up to date)."""
    applied_now: list[str] = []
    with connect(dsn) as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute(
            """create table if not exists schema_migrations (
                   version text primary key,
                   checksum text not null,
                   applied_at timestamptz not null default now())"""
        )
        done = {
            r["version"]: r["checksum"]
            for r in conn.execute("select version, checksum from schema_migrations")
        }
        for migration in available_migrations():
            if migration.version in done:
                if done[migration.version] != migration.checksum:
                    raise MigrationDriftError(
                        f"migration {migration.version} was changed after it was applied; "
                        "add a new migration instead of editing an applied one"
                    )
                continue
            conn.execute(migration.sql.encode())
            conn.execute(
                "insert into schema_migrations (version, checksum) values (%s, %s)",
                (migration.version, migration.checksum),
            )
            applied_now.append(migration.version)
    return applied_now
