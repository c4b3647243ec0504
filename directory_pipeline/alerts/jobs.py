"""Job alerts: a job that ended `partially_completed` or `failed`, once per ending (a staff
re-run that ends badly again is a new ending, with a new `completed_at`)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict

from directory_pipeline.alerts.model import Alert, AlertKind, AlertSeverity
from directory_pipeline.domain.job import JobStatus

BAD_ENDINGS = frozenset({JobStatus.PARTIALLY_COMPLETED, JobStatus.FAILED})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class EndedJob(BaseModel):
    """A finished job and how its directories ended (status -> how many)."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    package: str
    status: JobStatus
    completed_at: dt.datetime
    directories_total: int
    counts: dict[str, int]


def job_alert_key(job: EndedJob) -> str:
    micros = (job.completed_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{AlertKind.JOB_ENDED_BADLY.value}:{job.id}:{micros}"


def job_alert(job: EndedJob, link: str | None) -> Alert:
    if job.status not in BAD_ENDINGS:
        raise ValueError(f"job {job.id} ended {job.status.value}: nothing to alert")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(job.counts.items()))
    return Alert(
        key=job_alert_key(job),
        kind=AlertKind.JOB_ENDED_BADLY,
        severity=AlertSeverity.ERROR if job.status is JobStatus.FAILED else AlertSeverity.WARNING,
        title=f"Job {job.id} ended {job.status.value}",
        text=(
            f"{job.package} package, {job.directories_total} directories: "
            f"{counts or 'no outcome recorded'}."
        ),
        link=link,
        link_label="Open the job's run in Dagster",
    )
