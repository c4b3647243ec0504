"""Keep the `directories` table in step with the catalog."""

from __future__ import annotations

from directory_pipeline.domain import DirectoryEntry
from directory_pipeline.store.database import connect


class DirectoryStore:
    """The `directories` table: the catalog as the database sees it."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def upsert(self, entries: list[DirectoryEntry]) -> int:
        """Insert or update every entry; rows of directories no longer listed stay."""
        with connect(self.dsn) as conn, conn.cursor() as cur:
            cur.executemany(
                """insert into directories (slug, name, submit_url, tier, enabled,
                           requires_payment, hosts, language, sandbox, max_concurrency,
                           min_interval_seconds, updated_at)
                       values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())
                       on conflict (slug) do update set
                           name = excluded.name, submit_url = excluded.submit_url,
                           tier = excluded.tier, enabled = excluded.enabled,
                           requires_payment = excluded.requires_payment, hosts = excluded.hosts,
                           language = excluded.language, sandbox = excluded.sandbox,
                           max_concurrency = excluded.max_concurrency,
                           min_interval_seconds = excluded.min_interval_seconds,
                           updated_at = now()""",
                [
                    (
                        e.slug,
                        e.name,
                        e.submit_url,
                        e.tier.value,
                        e.enabled,
                        e.requires_payment,
                        e.hosts,
                        e.language,
                        e.sandbox,
                        e.max_concurrency,
                        e.min_interval_seconds,
                    )
                    for e in entries
                ],
            )
        return len(entries)
