"""Connections to the Postgres behind Supabase."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import DictRow, dict_row

Connection = psycopg.Connection[DictRow]


@contextmanager
def connect(dsn: str, *, connect_timeout: int = 10) -> Iterator[Connection]:
    """A connection whose rows are dicts; commits on success, rolls back on error."""
    conn = Connection.connect(
        dsn, row_factory=dict_row, connect_timeout=connect_timeout, autocommit=False
    )
    with conn:
        yield conn
