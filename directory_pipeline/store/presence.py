"""Following submitted listings (`listing_presence`, migration 0006), and the one move it
makes in `job_results`: `submitted` → `live`, conditional on the row still being
`submitted` (forward only), in the same transaction as the presence record."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict

from directory_pipeline.domain.job import FINAL_STATUSES
from directory_pipeline.presence.schedule import CheckDecision, PresenceState
from directory_pipeline.store.database import connect

_FINISHED = [s.value for s in FINAL_STATUSES]


class FollowedListing(BaseModel):
    """One presence row due for a check, with what the check needs to know."""

    model_config = ConfigDict(frozen=True)

    job_id: uuid.UUID
    directory_slug: str
    package: str
    business: dict[str, Any] | None
    submitted_at: dt.datetime
    review_days: int
    checks: int
    result_status: str


class PresenceStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def unfollowed(self, slugs: list[str]) -> list[tuple[uuid.UUID, str, dt.datetime]]:
        """`submitted` results of finished jobs, on directories in `slugs`, not yet followed.
        Only finished jobs: a job's own run (or its resumption) re-records its outcomes, and
        would write `submitted` again over `live`."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select r.job_id, r.directory_slug,
                          coalesce(r.submitted_at, r.updated_at) as submitted_at
                   from job_results r join jobs j on j.id = r.job_id
                   left join listing_presence p
                       on p.job_id = r.job_id and p.directory_slug = r.directory_slug
                   where r.status = 'submitted' and j.status = any(%s)
                     and r.directory_slug = any(%s) and p.job_id is null
                   order by 3""",
                (_FINISHED, slugs),
            ).fetchall()
        return [(r["job_id"], r["directory_slug"], r["submitted_at"]) for r in rows]

    def enroll(
        self,
        job_id: uuid.UUID,
        directory_slug: str,
        submitted_at: dt.datetime,
        review_days: int,
        next_check_at: dt.datetime,
    ) -> bool:
        with connect(self.dsn) as conn:
            row = conn.execute(
                """insert into listing_presence (job_id, directory_slug, submitted_at,
                       review_days, next_check_at)
                   values (%s, %s, %s, %s, %s)
                   on conflict (job_id, directory_slug) do nothing returning job_id""",
                (job_id, directory_slug, submitted_at, review_days, next_check_at),
            ).fetchone()
        return row is not None

    def due(self, now: dt.datetime, limit: int) -> list[FollowedListing]:
        """Listings still being looked for whose next check has come, oldest due first."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select p.job_id, p.directory_slug, j.package, j.business, p.submitted_at,
                          p.review_days, p.checks, r.status as result_status
                   from listing_presence p
                   join jobs j on j.id = p.job_id
                   join job_results r
                       on r.job_id = p.job_id and r.directory_slug = p.directory_slug
                   where p.state = 'checking' and p.next_check_at <= %s
                   order by p.next_check_at limit %s""",
                (now, limit),
            ).fetchall()
        return [FollowedListing.model_validate(dict(r)) for r in rows]

    def count_due(self, now: dt.datetime, slugs: list[str], first_wait: dt.timedelta) -> int:
        """How many checks are due at `now`: followed listings whose time has come, and
        submissions not followed yet whose first check has come (for the sensor; reads only)."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                """select
                     (select count(*) from listing_presence
                      where state = 'checking' and next_check_at <= %(now)s)
                   + (select count(*) from job_results r join jobs j on j.id = r.job_id
                      left join listing_presence p
                          on p.job_id = r.job_id and p.directory_slug = r.directory_slug
                      where r.status = 'submitted' and j.status = any(%(finished)s)
                        and r.directory_slug = any(%(slugs)s) and p.job_id is null
                        and coalesce(r.submitted_at, r.updated_at) + %(wait)s <= %(now)s)
                   as due""",
                {"now": now, "finished": _FINISHED, "slugs": slugs, "wait": first_wait},
            ).fetchone()
        return int(row["due"]) if row else 0

    def record_check(
        self,
        job_id: uuid.UUID,
        directory_slug: str,
        decision: CheckDecision,
        now: dt.datetime,
        note: str | None = None,
    ) -> bool:
        """A check that did not find the listing (or found it gone from `submitted`)."""
        if decision.state is PresenceState.LIVE:
            raise ValueError("a live listing is recorded with record_live")
        with connect(self.dsn) as conn:
            row = conn.execute(
                """update listing_presence set state = %s, next_check_at = %s,
                       last_checked_at = %s, checks = checks + 1, note = %s, updated_at = now()
                   where job_id = %s and directory_slug = %s and state = 'checking'
                   returning job_id""",
                (
                    decision.state.value,
                    decision.next_check_at,
                    now,
                    note if note is not None else decision.note,
                    job_id,
                    directory_slug,
                ),
            ).fetchone()
        return row is not None

    def record_live(
        self,
        job_id: uuid.UUID,
        directory_slug: str,
        *,
        listing_url: str,
        nap: dict[str, Any],
        evidence_uri: str | None,
        now: dt.datetime,
        note: str = "",
    ) -> bool:
        """The listing seen live: its presence record and `job_results` (`submitted` →
        `live`, the listing URL as its final URL, the live page's screenshot as its evidence)
        in one transaction; False, and nothing written, unless both were waiting for it."""
        moved = False
        with connect(self.dsn) as conn, conn.transaction():
            presence = conn.execute(
                """update listing_presence set state = 'live', listing_url = %s,
                       first_seen_live_at = %s, last_checked_at = %s, next_check_at = null,
                       checks = checks + 1, nap = %s, evidence_uri = %s, note = %s,
                       updated_at = now()
                   where job_id = %s and directory_slug = %s and state = 'checking'
                   returning job_id""",
                (listing_url, now, now, Jsonb(nap), evidence_uri, note, job_id, directory_slug),
            ).fetchone()
            result = conn.execute(
                """update job_results set status = 'live', final_url = %s, evidence_uri = %s,
                       updated_at = now()
                   where job_id = %s and directory_slug = %s and status = 'submitted'
                   returning job_id""",
                (listing_url, evidence_uri, job_id, directory_slug),
            ).fetchone()
            if presence is None or result is None:
                raise psycopg.Rollback()  # both move, or neither
            moved = True
        return moved

    def rows(self, job_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
        """Presence records (of one job, or all) with the job's package, for staff and
        analysts."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select p.*, j.package from listing_presence p join jobs j on j.id = p.job_id
                   where %(job)s::uuid is null or p.job_id = %(job)s::uuid
                   order by p.submitted_at, p.directory_slug""",
                {"job": job_id},
            ).fetchall()
        return [dict(r) for r in rows]
