"""A form plan: what to do with each field of a page, and who decided it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from directory_pipeline.domain.profile import ProfileKey

Source = Literal["plan-cache", "heuristic", "llm"]
Action = Literal["fill", "check", "choose", "leave"]


class FieldDecision(BaseModel):
    """The decision for one field: fill it from a profile key, tick it, pick an option, or
    leave it alone (with the reason)."""

    model_config = ConfigDict(frozen=True)

    field_key: str = Field(description="`form_index/name` of the field (FormField.key).")
    profile_key: ProfileKey | None = None
    action: Action = "leave"
    choice: str | None = Field(default=None, description="Option value to pick for `choose`.")
    source: Source = "heuristic"
    confidence: float = 0.0
    reason: str = ""

    @classmethod
    def leave(cls, field_key: str, reason: str, source: Source = "heuristic") -> FieldDecision:
        return cls(
            field_key=field_key, action="leave", reason=reason, source=source, confidence=1.0
        )


class FormPlan(BaseModel):
    """Decisions for every field of a captured page, keyed by its structural fingerprint."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str
    url: str
    target_form: int | None = Field(description="The form to submit: most fields to fill.")
    decisions: list[FieldDecision]
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def decision(self, field_key: str) -> FieldDecision | None:
        return next((d for d in self.decisions if d.field_key == field_key), None)

    def with_source(self, source: Source) -> FormPlan:
        return self.model_copy(
            update={"decisions": [d.model_copy(update={"source": source}) for d in self.decisions]}
        )
