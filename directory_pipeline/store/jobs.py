"""Reading and writing the `jobs` and `job_results` tables."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from psycopg.types.json import Jsonb
from pydantic import BaseModel

from directory_pipeline.domain import BusinessProfile, JobMessage, JobStatus, SubmissionStatus
from directory_pipeline.store.database import connect


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

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def create_pending(self, message: JobMessage, directories_total: int) -> None:
        """Write the job's row as the web shop does, before its message is sent."""
        business = (
            message.business.model_dump(mode="json", exclude_none=True)
            if message.business
            else None
        )
        with connect(self.dsn) as conn:
            conn.execute(
                """insert into jobs (id, customer_id, package, status, business,
                                     directories_total, requested_directories, created_at)
                   values (%s, %s, %s, 'pending', %s, %s, %s, %s)""",
                (
                    message.job_id,
                    message.customer_id,
                    message.package.value,
                    Jsonb(business) if business is not None else None,
                    directories_total,
                    message.directories,
                    message.requested_at,
                ),
            )

    def get(self, job_id: uuid.UUID) -> JobRow | None:
        with connect(self.dsn) as conn:
            row = conn.execute("select * from jobs where id = %s", (job_id,)).fetchone()
        return JobRow.model_validate(row) if row else None

    def results(self, job_id: uuid.UUID) -> list[JobResultRow]:
        with connect(self.dsn) as conn:
            rows = conn.execute(
                "select * from job_results where job_id = %s order by directory_slug", (job_id,)
            ).fetchall()
        return [JobResultRow.model_validate(r) for r in rows]
