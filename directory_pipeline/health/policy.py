"""The thresholds directory health is judged by (staff tune them per deployment)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HealthPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    recent_attempts: int = Field(
        default=10, ge=1, description="Attempts in the recent window judged against the baseline."
    )
    baseline_days: int = Field(default=90, ge=1, description="How far back the baseline reaches.")
    min_recent_attempts: int = Field(
        default=3, ge=1, description="Fewest recent attempts a success-rate verdict needs."
    )
    min_baseline_attempts: int = Field(
        default=3, ge=1, description="Fewest baseline attempts a success-rate verdict needs."
    )
    warn_rate_drop: float = Field(
        default=0.25, gt=0, le=1, description="Drop below the baseline rate that warns."
    )
    error_rate_drop: float = Field(
        default=0.5, gt=0, le=1, description="Drop below the baseline rate that holds it."
    )
    warn_unreliable_streak: int = Field(
        default=2, ge=1, description="Latest attempts in a row with 5xx/timeouts that warn."
    )
    error_unreliable_streak: int = Field(
        default=3, ge=1, description="Latest attempts in a row with 5xx/timeouts that hold it."
    )
    warn_confidence_drop: float = Field(
        default=0.15,
        gt=0,
        le=1,
        description="Confidence a changed form's mapping lost that warns.",
    )
