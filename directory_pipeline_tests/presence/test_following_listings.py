"""Following submitted listings on the sandbox sites until they are live, end to end: real
Postgres (`jobs`, `job_results`, `listing_presence`), the sandbox server publishing (or
refusing, or never showing) what it received, and real Chromium through each directory's
network guard. Time is the pass's `now` argument: days pass without sleeping."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
import pandas as pd
import pytest

from directory_pipeline.analytics.outcome_files import outcome_file
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.listing_page import look_for_listing
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import SubmissionStatus
from directory_pipeline.presence.nap import NapField, NapVerdict
from directory_pipeline.presence.record_live import record_live
from directory_pipeline.presence.schedule import PresenceState
from directory_pipeline.presence.service import CheckedListing, follow_listings
from directory_pipeline.store.presence import PresenceStore
from directory_pipeline.store.results import ResultStore

from .conftest import Submitted, assert_in_sync

HOUR = dt.timedelta(hours=1)


def _pass(
    dsn: str, tmp_path: Path, session: BrowserSession, item: Submitted, now: dt.datetime
) -> list[CheckedListing]:
    store = PresenceStore(dsn)
    return follow_listings(
        store,
        {item.directory.slug: item.directory},
        lambda directory, profile, prefix: look_for_listing(
            session,
            directory,
            profile,
            store=LocalEvidenceStore(tmp_path / "evidence"),
            prefix=prefix,
        ),
        partial(record_live, store, tmp_path / "analytics"),
        now=now,
        limit=50,
    )


def _wait_published(admin: httpx.Client, slug: str, timeout_s: float = 15.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        [row] = admin.get("/__sandbox/listings", params={"site": slug}).json()
        if row["status"] == "published":
            return row["url"]
        time.sleep(0.1)
    raise AssertionError(f"{slug} did not publish")


@pytest.mark.parametrize(
    ("slug", "tolerated"),
    [("citylocal-hub", NapField.STREET), ("yellowbook-local", NapField.PHONE)],
)
def test_a_listing_goes_from_submitted_to_live_with_its_url_and_nap_check(
    migrated_database_url: str,
    tmp_path: Path,
    sandbox: httpx.Client,
    browser_session: BrowserSession,
    submitted: Callable[..., Submitted],
    slug: str,
    tolerated: NapField,
) -> None:
    dsn, analytics = migrated_database_url, tmp_path / "analytics"
    item = submitted(slug, {"publish_delay_s": 2.5})

    assert _pass(dsn, tmp_path, browser_session, item, item.submitted_at + HOUR / 2) == []
    [first] = _pass(dsn, tmp_path, browser_session, item, item.submitted_at + HOUR)
    assert first.state is PresenceState.CHECKING  # still in review on the site
    assert first.next_check_at == item.submitted_at + 7 * HOUR
    assert_in_sync(dsn, analytics, item.job_id)

    url = _wait_published(sandbox, slug)
    assert _pass(dsn, tmp_path, browser_session, item, item.submitted_at + 2 * HOUR) == []
    [seen] = _pass(dsn, tmp_path, browser_session, item, item.submitted_at + 7 * HOUR)

    assert seen.state is PresenceState.LIVE and seen.listing_url == url
    assert seen.nap is not None and seen.nap.consistent and seen.nap.differences == {}
    assert seen.nap.fields[tolerated].verdict is NapVerdict.EQUIVALENT  # the site's format
    assert seen.nap.fields[NapField.NAME].verdict is NapVerdict.MATCH
    assert seen.screenshot_uri and Path(seen.screenshot_uri.removeprefix("file://")).exists()
    assert ResultStore(dsn).result_statuses(item.job_id) == {slug: SubmissionStatus.LIVE}
    recorded = pd.read_parquet(outcome_file(analytics, item.job_id, slug)).iloc[0]
    assert recorded["status"] == "live" and recorded["final_url"] == url
    assert recorded["confirmation_text"].startswith("Thank you")
    [row] = PresenceStore(dsn).rows(item.job_id)
    assert row["state"] == "live" and row["listing_url"] == url and row["checks"] == 2
    assert row["first_seen_live_at"] == item.submitted_at + 7 * HOUR
    assert row["nap"]["fields"][tolerated.value]["verdict"] == "equivalent"
    assert_in_sync(dsn, analytics, item.job_id)

    # Forward only: nothing is due any more, and live never moves back.
    assert _pass(dsn, tmp_path, browser_session, item, item.submitted_at + 90 * 24 * HOUR) == []
    assert ResultStore(dsn).result_statuses(item.job_id) == {slug: SubmissionStatus.LIVE}


def test_a_silent_directory_ends_not_found_after_its_review_period(
    migrated_database_url: str,
    tmp_path: Path,
    sandbox: httpx.Client,
    browser_session: BrowserSession,
    submitted: Callable[..., Submitted],
) -> None:
    dsn, analytics = migrated_database_url, tmp_path / "analytics"
    item = submitted("metro-biz-index", {"publish_delay_s": 0, "retry_after_s": 0})
    days = item.directory.presence.review_days if item.directory.presence else 0

    now, seen = item.submitted_at + HOUR, []
    while len(seen) < 20:
        [checked] = _pass(dsn, tmp_path, browser_session, item, now)
        seen.append(checked)
        assert_in_sync(dsn, analytics, item.job_id)
        if checked.next_check_at is None:
            break
        now = checked.next_check_at

    assert [c.state for c in seen[:-1]] == [PresenceState.CHECKING] * (len(seen) - 1)
    assert seen[-1].state is PresenceState.NOT_FOUND
    assert seen[-1].note == f"not found after {days} days"
    assert [c.checks for c in seen] == list(range(1, len(seen) + 1))
    assert 5 <= len(seen) <= 8  # growing intervals: a handful of checks in 14 days
    [row] = PresenceStore(dsn).rows(item.job_id)
    assert row["state"] == "not_found" and row["note"] == f"not found after {days} days"
    assert row["listing_url"] is None and row["next_check_at"] is None
    # The submission's own status does not change meaning: it stays submitted.
    assert ResultStore(dsn).result_statuses(item.job_id) == {
        "metro-biz-index": SubmissionStatus.SUBMITTED
    }


def test_a_rejecting_directory_is_never_marked_live(
    migrated_database_url: str,
    tmp_path: Path,
    sandbox: httpx.Client,
    browser_session: BrowserSession,
    submitted: Callable[..., Submitted],
) -> None:
    dsn, analytics = migrated_database_url, tmp_path / "analytics"
    item = submitted("linkhaven-directory", {"publish_delay_s": 0})
    [row] = sandbox.get("/__sandbox/listings", params={"site": "linkhaven-directory"}).json()
    assert row["status"] == "rejected"

    [first] = _pass(dsn, tmp_path, browser_session, item, item.submitted_at + HOUR)
    [second] = _pass(dsn, tmp_path, browser_session, item, item.submitted_at + 7 * HOUR)

    assert first.state is second.state is PresenceState.CHECKING
    assert ResultStore(dsn).result_statuses(item.job_id) == {
        "linkhaven-directory": SubmissionStatus.SUBMITTED
    }
    assert_in_sync(dsn, analytics, item.job_id)
