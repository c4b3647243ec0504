"""Which directories new jobs leave alone until staff re-enable them (pure)."""

from __future__ import annotations

import datetime as dt

from directory_pipeline.health.metrics import DirectoryHealth
from directory_pipeline.health.policy import HealthPolicy
from directory_pipeline.health.verdicts import holding_verdicts, judge

REENABLE_HINT = "staff re-enable it with the `reenable_directory` job"


def held_directories(
    latest: dict[str, DirectoryHealth],
    reenabled_at: dict[str, dt.datetime],
    policy: HealthPolicy,
) -> dict[str, str]:
    """Slug → why it is held: its latest health record has an `error` verdict and was
    computed after staff last re-enabled it."""
    held: dict[str, str] = {}
    for slug, record in latest.items():
        reenabled = reenabled_at.get(slug)
        if reenabled is not None and reenabled >= record.computed_at:
            continue
        errors = holding_verdicts(judge(record, policy))
        if errors:
            found = "; ".join(f"{v.check.value}: {v.summary}" for v in errors)
            held[slug] = f"held by directory health ({found}); {REENABLE_HINT}"
    return held
