"""Writing a listing seen live where the submission's outcome lives: the outcome file (the
run's record, which `repair_job_results` rebuilds Supabase from) first, then, in one
transaction, the presence record and `job_results` (`submitted` → `live`). Forward only: an
outcome that is not `submitted` is left alone, and if the database refuses the move the
outcome file is put back as it was, so the two records never disagree."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from directory_pipeline.analytics.outcome_files import (
    outcome_file,
    recorded_outcome,
    rewrite_outcome,
)
from directory_pipeline.domain import DirectoryEntry, SubmissionOutcome, SubmissionStatus
from directory_pipeline.presence.sighting import Sighting
from directory_pipeline.store.presence import PresenceStore


def live_outcome(row: dict, directory_slug: str, sighting: Sighting) -> SubmissionOutcome:
    """The recorded `submitted` outcome, now `live` at the listing URL (which is also its
    final URL); the confirmation text and submission time are kept."""
    if row["status"] != SubmissionStatus.SUBMITTED.value or not sighting.found:
        raise ValueError(f"{directory_slug}: {row['status']} does not move to live")
    submitted_at = row.get("submitted_at")
    return SubmissionOutcome(
        status=SubmissionStatus.LIVE,
        directory_slug=directory_slug,
        confirmation_text=row.get("confirmation_text"),
        final_url=sighting.listing_url,
        listing_url=sighting.listing_url,
        evidence=sighting.evidence,
        attempts=int(row.get("attempts") or 1),
        submitted_at=submitted_at,
        plan_fingerprint=row.get("plan_fingerprint"),
    )


def record_live(
    store: PresenceStore,
    outcomes_root: Path,
    job_id: uuid.UUID,
    directory: DirectoryEntry,
    sighting: Sighting,
    now: dt.datetime,
) -> bool:
    """Move one `submitted` outcome to `live`; False when nothing moved."""
    path = outcome_file(outcomes_root, job_id, directory.slug)
    row = recorded_outcome(outcomes_root, job_id, directory.slug)
    if row is None or not sighting.found or sighting.nap is None:
        return False
    if row["status"] != SubmissionStatus.SUBMITTED.value:
        return False
    before = path.read_bytes()
    outcome = live_outcome(row, directory.slug, sighting)
    rewrite_outcome(outcomes_root, job_id, directory, outcome, row)
    assert sighting.listing_url is not None
    moved = store.record_live(
        job_id,
        directory.slug,
        listing_url=sighting.listing_url,
        nap=sighting.nap.model_dump(mode="json"),
        evidence_uri=outcome.evidence_uri,
        now=now,
        note=sighting.nap.summary(),
    )
    if not moved:
        path.write_bytes(before)
    return moved
