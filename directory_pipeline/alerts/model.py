"""The alert: what happened, how bad, where to look. Built by the source modules, recorded
once under `key` (`store/alerts.py`), posted as the payload `payload.slack_payload` builds."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AlertKind(StrEnum):
    HEALTH_CHECK_FAILED = "health_check_failed"
    JOB_ENDED_BADLY = "job_ended_badly"  # partially_completed or failed
    DEAD_LETTERS = "dead_letters"


class AlertSeverity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


class Alert(BaseModel):
    """One thing staff should look at. `key` is stable for the event it reports (the same
    failing evaluation, the same job ending, the same rise of the DLQ), so recording it twice
    records it once."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(min_length=1, max_length=300)
    kind: AlertKind
    severity: AlertSeverity
    title: str = Field(min_length=1, max_length=150)
    text: str = Field(max_length=2500)
    link: str | None = Field(default=None, description="The Dagster UI page to open.")
    link_label: str = "Open in Dagster"
