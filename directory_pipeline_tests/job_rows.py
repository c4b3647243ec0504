"""Rows of the `jobs` and `job_results` tables written straight into a test's database, in
any state a test needs (a job half done, finished, idle for an hour), the way the web shop
and earlier runs would have left them."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from directory_pipeline.store.database import connect
from directory_pipeline_tests.conftest import SAMPLE_PROFILE


def insert_job(
    dsn: str,
    *,
    status: str = "pending",
    directories: list[str] | None = None,
    total: int | None = None,
    started_minutes_ago: float | None = None,
    created_minutes_ago: float = 0.0,
    package: str = "enterprise",
    business: dict[str, Any] | None = SAMPLE_PROFILE,
    error: str | None = None,
) -> uuid.UUID:
    job_id = uuid.uuid4()
    finished = status in {"completed", "partially_completed", "failed"}
    with psycopg.connect(dsn) as conn:
        conn.execute(
            """insert into jobs (id, customer_id, package, status, business,
                   directories_total, requested_directories, created_at, started_at,
                   completed_at, error)
               values (%(id)s, %(customer)s, %(package)s, %(status)s, %(business)s,
                   %(total)s, %(directories)s,
                   now() - make_interval(secs => %(created)s),
                   case when %(started)s::float is null then null
                        else now() - make_interval(secs => %(started)s::float) end,
                   case when %(finished)s then now() end, %(error)s)""",
            {
                "id": job_id,
                "customer": uuid.uuid4(),
                "package": package,
                "status": status,
                "business": Jsonb(business) if business is not None else None,
                "total": total if total is not None else len(directories or []),
                "directories": directories,
                "created": created_minutes_ago * 60,
                "started": started_minutes_ago * 60 if started_minutes_ago is not None else None,
                "finished": finished,
                "error": error,
            },
        )
    return job_id


def insert_result(
    dsn: str, job_id: uuid.UUID, slug: str, status: str, *, minutes_ago: float = 0.0
) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(
            """insert into job_results (job_id, directory_slug, status, error, updated_at)
               values (%s, %s, %s, %s, now() - make_interval(secs => %s))""",
            (job_id, slug, status, None if status == "submitted" else "test", minutes_ago * 60),
        )


def job_row(dsn: str, job_id: uuid.UUID) -> dict[str, Any]:
    with connect(dsn) as conn:
        row = conn.execute("select * from jobs where id = %s", (job_id,)).fetchone()
    assert row is not None
    return dict(row)
