"""What staff and other modules know about one sandbox directory site."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Tier = Literal["starter", "growth", "pro", "enterprise"]
"""The cheapest listing package that includes a directory."""

Outcome = Literal["submitted", "live", "needs_review", "rejected", "skipped", "failed"]
"""A submission outcome status (contracts §5)."""

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class SandboxSite(BaseModel):
    """One fictional directory served by the sandbox, and what an honest engine should get."""

    model_config = ConfigDict(frozen=True)

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str
    form_path: str = Field(pattern=r"^/")
    features: list[str]
    expected_outcome: Outcome
    tier: Tier
    requires_payment: bool = False
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    description: str
