"""Fleet alerts (`alerts`, migration 0007): recorded once per key, then sent until delivered;
and the one read alerting makes of the job tables (jobs that ended badly lately)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict

from directory_pipeline.alerts.jobs import BAD_ENDINGS, EndedJob
from directory_pipeline.alerts.model import Alert, AlertKind
from directory_pipeline.store.database import connect


class StoredAlert(BaseModel):
    """An alert as recorded, with the exact body to post."""

    model_config = ConfigDict(frozen=True)

    alert_key: str
    kind: AlertKind
    title: str
    payload: dict[str, Any]
    created_at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str | None


class AlertStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def record(self, alert: Alert, payload: dict[str, Any]) -> bool:
        """Record `alert` with the body to post; False when its key was recorded before."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                """insert into alerts (alert_key, kind, severity, title, payload)
                   values (%s, %s, %s, %s, %s)
                   on conflict (alert_key) do nothing returning id""",
                (alert.key, alert.kind.value, alert.severity.value, alert.title, Jsonb(payload)),
            ).fetchone()
        return row is not None

    def known(self, keys: list[str]) -> set[str]:
        """Which of `keys` are recorded already."""
        if not keys:
            return set()
        with connect(self.dsn) as conn:
            rows = conn.execute(
                "select alert_key from alerts where alert_key = any(%s)", (keys,)
            ).fetchall()
        return {r["alert_key"] for r in rows}

    def unsent(self, limit: int) -> list[StoredAlert]:
        """Alerts not delivered yet, oldest first."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select alert_key, kind, title, payload, created_at, sent_at, attempts,
                          last_error
                   from alerts where sent_at is null order by created_at, id limit %s""",
                (limit,),
            ).fetchall()
        return [StoredAlert.model_validate(dict(r)) for r in rows]

    def mark_sent(self, key: str) -> None:
        with connect(self.dsn) as conn:
            conn.execute(
                """update alerts set sent_at = now(), attempts = attempts + 1,
                       last_attempt_at = now(), last_error = null
                   where alert_key = %s and sent_at is null""",
                (key,),
            )

    def mark_failed(self, key: str, error: str) -> None:
        with connect(self.dsn) as conn:
            conn.execute(
                """update alerts set attempts = attempts + 1, last_attempt_at = now(),
                       last_error = %s
                   where alert_key = %s and sent_at is null""",
                (error[:500], key),
            )

    def rows(self) -> list[StoredAlert]:
        """Every alert recorded, oldest first (for staff and tests)."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select alert_key, kind, title, payload, created_at, sent_at, attempts,
                          last_error
                   from alerts order by created_at, id"""
            ).fetchall()
        return [StoredAlert.model_validate(dict(r)) for r in rows]

    def jobs_ended_badly(self, since: dt.datetime) -> list[EndedJob]:
        """Jobs that ended `partially_completed` or `failed` at or after `since`, with how
        their directories ended."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select j.id, j.package, j.status, j.completed_at, j.directories_total,
                          coalesce(
                              (select jsonb_object_agg(status, n) from (
                                   select r.status, count(*) as n from job_results r
                                   where r.job_id = j.id group by r.status) c),
                              '{}'::jsonb) as counts
                   from jobs j
                   where j.status = any(%s) and j.completed_at >= %s
                   order by j.completed_at, j.id""",
                ([s.value for s in BAD_ENDINGS], since),
            ).fetchall()
        return [EndedJob.model_validate(dict(r)) for r in rows]
