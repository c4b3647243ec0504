"""Directory health records and staff re-enables (migration 0008)."""

from __future__ import annotations

import datetime as dt

from psycopg.types.json import Jsonb

from directory_pipeline.health.metrics import DirectoryHealth
from directory_pipeline.store.database import connect


class HealthStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def write(self, records: list[DirectoryHealth]) -> int:
        """Replace each directory's health record with `records`."""
        with connect(self.dsn) as conn, conn.cursor() as cur:
            cur.executemany(
                """insert into directory_health (directory_slug, computed_at, health)
                   values (%s, %s, %s)
                   on conflict (directory_slug) do update set
                       computed_at = excluded.computed_at, health = excluded.health""",
                [
                    (r.directory_slug, r.computed_at, Jsonb(r.model_dump(mode="json")))
                    for r in records
                ],
            )
        return len(records)

    def latest(self) -> dict[str, DirectoryHealth]:
        """Every directory's latest health record."""
        with connect(self.dsn) as conn:
            rows = conn.execute("select health from directory_health").fetchall()
        records = [DirectoryHealth.model_validate(r["health"]) for r in rows]
        return {r.directory_slug: r for r in records}

    def reenable(self, slug: str, *, by: str, note: str = "") -> dt.datetime:
        """Record that staff re-enabled `slug`; returns when."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                """insert into directory_reenables (directory_slug, reenabled_by, note)
                   values (%s, %s, %s) returning reenabled_at""",
                (slug, by, note),
            ).fetchone()
        assert row is not None
        return row["reenabled_at"]

    def reenabled_at(self) -> dict[str, dt.datetime]:
        """When each directory was last re-enabled by staff."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select directory_slug, max(reenabled_at) as at
                   from directory_reenables group by directory_slug"""
            ).fetchall()
        return {r["directory_slug"]: r["at"] for r in rows}
