"""One pass over the listings being followed: submissions of finished jobs on directories
that say how to find their listings are enrolled, and every listing whose check is due is
looked for once. Found: `live` (with its URL, NAP comparison and screenshot); past the
directory's review period: "not found after N days"; else the next check is scheduled
further out. Side effects come in as arguments, and the clock as `now`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from directory_pipeline.domain import BusinessProfile, DirectoryEntry
from directory_pipeline.presence.nap import NapReport
from directory_pipeline.presence.schedule import (
    CheckDecision,
    PresenceState,
    after_check,
    first_check_at,
)
from directory_pipeline.presence.sighting import Sighting
from directory_pipeline.store.presence import FollowedListing

Look = Callable[[DirectoryEntry, BusinessProfile, str], Sighting]
"""Look for one listing (directory, profile, evidence prefix) through the network guard."""
MarkLive = Callable[[uuid.UUID, DirectoryEntry, Sighting, dt.datetime], bool]
"""Record the listing live in the outcome file, `job_results` and its presence record."""


class PresenceRecords(Protocol):
    """Where presence is kept (`store/presence.py`)."""

    def unfollowed(self, slugs: list[str]) -> list[tuple[uuid.UUID, str, dt.datetime]]: ...

    def enroll(
        self,
        job_id: uuid.UUID,
        directory_slug: str,
        submitted_at: dt.datetime,
        review_days: int,
        next_check_at: dt.datetime,
    ) -> bool: ...

    def due(self, now: dt.datetime, limit: int) -> list[FollowedListing]: ...

    def record_check(
        self,
        job_id: uuid.UUID,
        directory_slug: str,
        decision: CheckDecision,
        now: dt.datetime,
        note: str | None = None,
    ) -> bool: ...


class CheckedListing(BaseModel):
    """What one check found, for the run's log, the UI and tests."""

    model_config = ConfigDict(frozen=True)

    job_id: uuid.UUID
    directory_slug: str
    state: PresenceState
    checks: int
    listing_url: str | None = None
    nap: NapReport | None = None
    screenshot_uri: str | None = None
    preview_jpeg_b64: str | None = None
    next_check_at: dt.datetime | None = None
    note: str = ""


def followed_directories(directories: dict[str, DirectoryEntry]) -> dict[str, DirectoryEntry]:
    return {slug: d for slug, d in directories.items() if d.presence is not None}


def enroll_submissions(records: PresenceRecords, directories: dict[str, DirectoryEntry]) -> int:
    """Start following every `submitted` listing of a finished job not followed yet."""
    followed = followed_directories(directories)
    enrolled = 0
    for job_id, slug, submitted_at in records.unfollowed(sorted(followed)):
        check = followed[slug].presence
        assert check is not None
        first = first_check_at(submitted_at, check.review_days)
        enrolled += records.enroll(job_id, slug, submitted_at, check.review_days, first)
    return enrolled


def _stop(
    records: PresenceRecords, listing: FollowedListing, now: dt.datetime, note: str
) -> CheckedListing:
    decision = CheckDecision(state=PresenceState.NOT_FOUND, next_check_at=None, note=note)
    records.record_check(listing.job_id, listing.directory_slug, decision, now)
    return CheckedListing(
        job_id=listing.job_id,
        directory_slug=listing.directory_slug,
        state=PresenceState.NOT_FOUND,
        checks=listing.checks,
        note=note,
    )


def check_listing(
    records: PresenceRecords,
    listing: FollowedListing,
    directory: DirectoryEntry | None,
    look: Look,
    mark_live: MarkLive,
    now: dt.datetime,
) -> CheckedListing:
    """Look for one due listing once and record what it leads to."""
    if directory is None or directory.presence is None:
        return _stop(records, listing, now, "the catalog no longer says how to find it")
    if listing.result_status != "submitted":
        return _stop(records, listing, now, f"the submission is {listing.result_status} now")
    try:
        profile = BusinessProfile.model_validate(listing.business or {})
    except ValidationError:
        return _stop(records, listing, now, "the job has no valid business profile")
    prefix = f"{listing.job_id}/{directory.slug}/presence-{listing.checks + 1}"
    try:
        sighting = look(directory, profile, prefix)
        failure = ""
    except Exception as exc:  # the directory's trouble counts as a check that saw nothing
        sighting, failure = Sighting(looked_at=""), f"check failed: {exc!r}"[:300]
    checks = listing.checks + 1
    decision = after_check(
        submitted_at=listing.submitted_at,
        review_days=listing.review_days,
        checks=checks,
        found=sighting.found,
        now=now,
    )
    if decision.state is PresenceState.LIVE:
        if mark_live(listing.job_id, directory, sighting, now):
            assert sighting.evidence is not None
            return CheckedListing(
                job_id=listing.job_id,
                directory_slug=directory.slug,
                state=PresenceState.LIVE,
                checks=checks,
                listing_url=sighting.listing_url,
                nap=sighting.nap,
                screenshot_uri=sighting.evidence.screenshot_uri,
                preview_jpeg_b64=sighting.preview_jpeg_b64,
                note=sighting.nap.summary() if sighting.nap else "",
            )
        return _stop(records, listing, now, "seen live, but the submission had moved on")
    note = failure or decision.note
    records.record_check(listing.job_id, directory.slug, decision, now, note)
    return CheckedListing(
        job_id=listing.job_id,
        directory_slug=directory.slug,
        state=decision.state,
        checks=checks,
        next_check_at=decision.next_check_at,
        note=note,
    )


def follow_listings(
    records: PresenceRecords,
    directories: dict[str, DirectoryEntry],
    look: Look,
    mark_live: MarkLive,
    *,
    now: dt.datetime,
    limit: int,
) -> list[CheckedListing]:
    """Enroll new submissions, then check every listing due at `now` (at most `limit`)."""
    enroll_submissions(records, directories)
    return [
        check_listing(
            records, listing, directories.get(listing.directory_slug), look, mark_live, now
        )
        for listing in records.due(now, limit)
    ]
