"""Per-site behaviour knobs (latency, random failures, timings) and the board that holds them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

ALL_SITES = "*"
"""Key that addresses every site in a knob update."""


class SiteKnobs(BaseModel):
    """How one site behaves beyond its markup. Defaults are deterministic and fast.

    Latency and random failures apply to every request to the site's hosts, in front of
    the site itself: a random 503 never reaches the site's handler, so it is not in the
    ledger. The other knobs tune behaviours that only some sites have.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency_ms_min: int = Field(default=0, ge=0, description="Least added delay per request.")
    latency_ms_max: int = Field(default=0, ge=0, description="Most added delay per request.")
    failure_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Chance that a request is answered 503."
    )
    submit_delay_ms: int = Field(
        default=0, ge=0, description="Extra delay before a submission is handled."
    )
    retry_after_s: int = Field(
        default=2, ge=0, description="Retry-After of the throttling site's 429 answers."
    )
    js_render_delay_ms: int = Field(
        default=800, ge=0, description="How long script-rendered forms wait before drawing fields."
    )
    nonce_ttl_s: float = Field(
        default=900.0, ge=0.0, description="Age at which a CSRF nonce counts as stale."
    )
    form_version: int = Field(
        default=1, ge=1, description="Markup version of the versioned site's form."
    )
    verify_ttl_s: float = Field(
        default=3600.0, ge=0.0, description="Age at which a verification link or code expires."
    )
    publish_delay_s: float = Field(
        default=30.0,
        ge=0.0,
        description=(
            "Review time between acceptance (or e-mail confirmation) and publication; "
            "tests set it small."
        ),
    )

    @model_validator(mode="after")
    def _latency_range(self) -> Self:
        if self.latency_ms_max < self.latency_ms_min:
            raise ValueError("latency_ms_max must be >= latency_ms_min")
        return self

    def merged(self, changes: Mapping[str, Any]) -> SiteKnobs:
        """These knobs with `changes` applied on top, validated as a whole."""
        return SiteKnobs.model_validate({**self.model_dump(), **changes})

    def explicit(self) -> dict[str, Any]:
        """Only the knobs that were set explicitly when this object was built."""
        return self.model_dump(include=set(self.model_fields_set))


class KnobBoard:
    """The knobs in force for every site, starting from each site's defaults."""

    def __init__(self, defaults: Mapping[str, SiteKnobs]) -> None:
        self._defaults = dict(defaults)
        self._current = dict(defaults)

    def get(self, slug: str) -> SiteKnobs:
        """The knobs in force for `slug`."""
        return self._current[slug]

    def snapshot(self) -> dict[str, SiteKnobs]:
        """The knobs in force for every site."""
        return dict(self._current)

    def update(self, changes: Mapping[str, Mapping[str, Any] | SiteKnobs]) -> None:
        """Apply partial changes keyed by slug (or `*` for every site); all-or-nothing.

        A `SiteKnobs` value contributes only its explicitly set fields, so
        `SiteKnobs(latency_ms_max=900)` keeps the site's other defaults.
        """
        staged = dict(self._current)
        for key, change in changes.items():
            fields = change.explicit() if isinstance(change, SiteKnobs) else dict(change)
            targets = list(staged) if key == ALL_SITES else [key]
            for slug in targets:
                if slug not in staged:
                    raise KeyError(slug)
                staged[slug] = staged[slug].merged(fields)
        self._current = staged

    def set_version(self, slug: str, version: int) -> SiteKnobs:
        """Switch `slug`'s form markup version."""
        self.update({slug: {"form_version": version}})
        return self._current[slug]

    def reset(self) -> None:
        """Back to every site's defaults."""
        self._current = dict(self._defaults)
