"""The sandbox ledger: every POST that reached a site's submit handler, kept in SQLite."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

FieldValue = str | list[str]
"""A received field: one string, or a list when the field was sent several times."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    spam INTEGER NOT NULL,
    fields TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_site ON entries (site);
"""


class LedgerEntry(BaseModel):
    """One recorded submission; its JSON form is the contracts §6 ledger entry."""

    model_config = ConfigDict(frozen=True)

    site: str
    accepted: bool
    spam: bool
    fields: dict[str, FieldValue]
    at: datetime


class Ledger:
    """SQLite (WAL) store of submissions, safe to read from other processes while written."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation keeps the ledger usable from any thread.
        with closing(sqlite3.connect(self.path, timeout=10.0)) as db, db:
            yield db

    def record(
        self,
        site: str,
        *,
        accepted: bool,
        spam: bool,
        fields: Mapping[str, FieldValue],
        at: datetime | None = None,
    ) -> LedgerEntry:
        """Append one submission and return it as stored."""
        entry = LedgerEntry(
            site=site,
            accepted=accepted,
            spam=spam,
            fields=dict(fields),
            at=at or datetime.now(UTC),
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO entries (site, accepted, spam, fields, at) VALUES (?, ?, ?, ?, ?)",
                (
                    entry.site,
                    int(entry.accepted),
                    int(entry.spam),
                    json.dumps(entry.fields, ensure_ascii=False),
                    entry.at.isoformat(),
                ),
            )
        return entry

    def entries(self, site: str | None = None) -> list[LedgerEntry]:
        """All entries in the order they were recorded, optionally for one site."""
        query = "SELECT site, accepted, spam, fields, at FROM entries"
        params: Sequence[str] = ()
        if site is not None:
            query += " WHERE site = ?"
            params = (site,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", params).fetchall()
        return [
            LedgerEntry(
                site=row[0],
                accepted=bool(row[1]),
                spam=bool(row[2]),
                fields=json.loads(row[3]),
                at=datetime.fromisoformat(row[4]),
            )
            for row in rows
        ]

    def accepted(self, site: str) -> list[LedgerEntry]:
        """Entries of `site` that the site accepted as listings."""
        return [entry for entry in self.entries(site) if entry.accepted]

    def clear(self) -> None:
        """Forget every entry."""
        with self._connect() as db:
            db.execute("DELETE FROM entries")


def entries_json(entries: Sequence[LedgerEntry]) -> list[dict[str, object]]:
    """Entries as the JSON-ready list of contracts §6."""
    return [entry.model_dump(mode="json") for entry in entries]
