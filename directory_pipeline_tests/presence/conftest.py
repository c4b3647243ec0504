"""Fixtures for following listings: a sandbox reset per test, a job whose listing a sandbox
site received for real (an HTTP POST of its form), recorded `submitted` in `jobs`,
`job_results` and its outcome file as a job's run would have left it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from directory_pipeline.analytics.drift import job_results_drift
from directory_pipeline.analytics.outcome_files import write_outcome
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.domain import (
    DirectoryEntry,
    Evidence,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.sandbox import SandboxServer, sandbox_directories
from directory_pipeline.store.jobs import JobStore
from directory_pipeline.store.results import ResultStore
from directory_pipeline_tests.job_rows import insert_job, job_row
from directory_pipeline_tests.sandbox.conftest import (
    CITY,
    GOOD_FIELDS,
    NAME,
    PHONE,
    POSTAL,
    STREET,
    SiteClient,
)

BUSINESS = {
    "business_name": NAME,
    "email": "hello@blueheronbakery.example",
    "phone": PHONE,
    "website": "https://blueheronbakery.example",
    "address_line1": STREET,
    "city": CITY,
    "region": "OR",
    "postal_code": POSTAL,
    "country": "US",
    "primary_category": "Bakery",
}
"""The profile the sandbox tests' form fields were typed from."""


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[httpx.Client]:
    """The admin API, with every site reset (ledger, listings, knobs) before and after."""
    with httpx.Client(base_url=sandbox_server.url, timeout=30) as admin:
        admin.post("/__sandbox/reset", json={"knobs": True}).raise_for_status()
        yield admin
        admin.post("/__sandbox/reset", json={"knobs": True}).raise_for_status()


@pytest.fixture(scope="module")
def browser_session() -> Iterator[BrowserSession]:
    """A session on a Chromium of its own, whose Playwright runs on the shared hub's thread:
    the session's `chromium` fixture may already hold a sync Playwright on this thread."""
    with SharedChromium() as shared, BrowserSession(shared=shared) as session:
        yield session


@dataclass
class Submitted:
    job_id: uuid.UUID
    directory: DirectoryEntry
    submitted_at: dt.datetime


@pytest.fixture
def submitted(
    migrated_database_url: str, sandbox_server: SandboxServer, tmp_path: Path
) -> Callable[..., Submitted]:
    """Submit the bakery to a sandbox site over HTTP, and record the job as its run would."""

    def submit(slug: str, knobs: dict[str, Any]) -> Submitted:
        with httpx.Client(base_url=sandbox_server.url) as admin:
            admin.post("/__sandbox/knobs", json={slug: knobs}).raise_for_status()
        site = SiteClient(sandbox_server, slug)
        try:
            answer = site.submit(GOOD_FIELDS[slug])
            if answer.status_code == 429:  # a throttling site's first answer
                answer = site.submit(GOOD_FIELDS[slug])
            assert answer.status_code == 200, answer.text
        finally:
            site.close()
        directory = next(d for d in sandbox_directories(sandbox_server.port) if d.slug == slug)
        dsn = migrated_database_url
        job = insert_job(
            dsn, status="completed", directories=[slug], package="starter", business=BUSINESS
        )
        outcome = SubmissionOutcome(
            status=SubmissionStatus.SUBMITTED,
            directory_slug=slug,
            confirmation_text="Thank you! Your listing is pending review.",
            final_url=directory.submit_url,
            evidence=Evidence(
                uri=f"file:///evidence/{job}/{slug}/1",
                screenshot_uri=f"file:///evidence/{job}/{slug}/1/after.jpg",
            ),
        ).stamped()
        results = ResultStore(dsn)
        results.upsert_result(job, outcome)
        results.record_progress(job)
        write_outcome(tmp_path / "analytics", job, "starter", directory, outcome, "heuristic", 2.0)
        assert outcome.submitted_at is not None
        return Submitted(job, directory, outcome.submitted_at)

    return submit


def assert_in_sync(dsn: str, analytics_root: Path, job_id: uuid.UUID) -> None:
    """`job_results` matches the recorded outcomes, and the job keeps its finished status."""
    assert job_results_drift(JobStore(dsn), analytics_root, job_id) == []
    row = job_row(dsn, job_id)
    assert row["status"] == "completed" and row["directories_done"] == 1
