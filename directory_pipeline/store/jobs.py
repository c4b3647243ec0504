"""Reading and writing the `jobs` and `job_results` tables."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from psycopg.types.json import Jsonb
from pydantic import BaseModel

from directory_pipeline.domain import BusinessProfile, JobMessage, JobStatus, SubmissionStatus
from directory_pipeline.store.database import Connection, connect

RowWritten = Literal["created", "filled", "unchanged"]


class JobRow(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    package: str
    status: JobStatus
    business: dict[str, Any] | None
    directories_total: int
    directories_done: int
    requested_directories: list[str] | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    error: str | None

    def profile(self) -> BusinessProfile | None:
        return BusinessProfile.model_validate(self.business) if self.business else None


class JobResultRow(BaseModel):
    job_id: uuid.UUID
    directory_slug: str
    status: SubmissionStatus
    submitted_at: dt.datetime | None
    confirmation_text: str | None
    final_url: str | None
    evidence_uri: str | None
    error: str | None
    attempts: int
    plan_fingerprint: str | None
    updated_at: dt.datetime


class JobStore:
    """The `jobs` and `job_results` tables of one database."""

    def __init__(
        self, dsn: str, *, connect_timeout: int = 10, statement_timeout_s: float | None = None
    ) -> None:
        """`connect_timeout` and `statement_timeout_s` bound how long a caller waits on a
        database that is down or slow (the SQS sensor uses short ones)."""
        self.dsn = dsn
        self.connect_timeout = connect_timeout
        self.statement_timeout_s = statement_timeout_s

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        with connect(self.dsn, connect_timeout=self.connect_timeout) as conn:
            if self.statement_timeout_s is not None:
                # For this transaction only; a startup `options` would be refused by poolers.
                conn.execute(
                    "select set_config('statement_timeout', %s, true)",
                    (f"{int(self.statement_timeout_s * 1000)}ms",),
                )
            yield conn

    def ping(self) -> None:
        """Raise a psycopg error unless the database answers and has the `jobs` table."""
        with self._connect() as conn:
            conn.execute("select 1 from jobs limit 0")

    def create_pending(self, message: JobMessage, directories_total: int) -> RowWritten:
        """Write the job's row as the web shop does, before its message is sent.

        Idempotent and safe against a concurrent writer of the same job: a row that exists
        already is kept as it is, except that a row without a business profile takes the
        message's (contracts §3: the row is the source of the profile when a message has none).
        Returns what happened to the row.
        """
        business = (
            message.business.model_dump(mode="json", exclude_none=True)
            if message.business
            else None
        )
        with self._connect() as conn:
            written = conn.execute(
                """insert into jobs (id, customer_id, package, status, business,
                                     directories_total, requested_directories, created_at)
                   values (%s, %s, %s, 'pending', %s, %s, %s, %s)
                   on conflict (id) do update set business = excluded.business
                       where jobs.business is null and excluded.business is not null
                   returning (xmax = 0) as created""",
                (
                    message.job_id,
                    message.customer_id,
                    message.package.value,
                    Jsonb(business) if business is not None else None,
                    directories_total,
                    message.directories,
                    message.requested_at,
                ),
            ).fetchone()
        if written is None:
            return "unchanged"
        return "created" if written["created"] else "filled"

    def get(self, job_id: uuid.UUID) -> JobRow | None:
        with self._connect() as conn:
            row = conn.execute("select * from jobs where id = %s", (job_id,)).fetchone()
        return JobRow.model_validate(row) if row else None

    def created_at(self, job_ids: list[uuid.UUID]) -> dict[uuid.UUID, dt.datetime]:
        """When each of `job_ids` was paid for (its row created); missing ones are left out."""
        if not job_ids:
            return {}
        with self._connect() as conn:
            rows = conn.execute(
                "select id, created_at from jobs where id = any(%s)", (job_ids,)
            ).fetchall()
        return {r["id"]: r["created_at"] for r in rows}

    def results(self, job_id: uuid.UUID) -> list[JobResultRow]:
        with self._connect() as conn:
            rows = conn.execute(
                "select * from job_results where job_id = %s order by directory_slug", (job_id,)
            ).fetchall()
        return [JobResultRow.model_validate(r) for r in rows]
