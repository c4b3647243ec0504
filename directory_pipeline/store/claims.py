"""Claims that hold across processes: Postgres advisory locks, each on a connection of its
own for as long as the claim lasts.

A claim is released when its block ends, and by Postgres itself when the holder dies (its
connection closes), so a killed worker never leaves a directory or a job locked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import psycopg


class ClaimKind(StrEnum):
    """What is claimed; part of the lock's key."""

    JOB_RUN = "job-run"  # one run works on a job at a time
    SUBMISSION = "submission"  # one worker submits a (job, directory) at a time
    DIRECTORY_SLOT = "directory-slot"  # one of a directory's concurrent submission slots


@contextmanager
def advisory_claim(dsn: str, kind: ClaimKind, key: str) -> Iterator[bool]:
    """Try to claim (kind, key) without waiting; yields whether this holder got it."""
    conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    try:
        row = conn.execute(
            "select pg_try_advisory_lock(hashtext(%s), hashtext(%s))", (kind.value, key)
        ).fetchone()
        yield bool(row and row[0])
    finally:
        conn.close()  # ends the session: its advisory locks go with it
