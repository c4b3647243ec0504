"""One attempt per (job, directory) and each directory's pace, across workers and processes.

Every peer is real: the suite's Postgres (a fresh migrated database per test) holds the
claims, the journal and the pace; each engine has its own Playwright and Chromium in a thread
of its own, as two run workers would; the sandbox site records every POST it received in its
ledger; the claim holder that dies is a separate Python process killed with SIGKILL."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from directory_pipeline.browser.engine import SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.domain import (
    BusinessProfile,
    DirectoryEntry,
    Package,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline.sandbox.site_registry import sandbox_directories
from directory_pipeline.store.attempts import AttemptJournal
from directory_pipeline.store.claims import ClaimKind, advisory_claim
from directory_pipeline.store.directory_pace import PostgresDirectoryThrottle
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)
SITE = "citylocal-hub"


def _directory(server: SandboxServer, slug: str = SITE) -> DirectoryEntry:
    return next(d for d in sandbox_directories(server.port) if d.slug == slug)


def _ledger(server: SandboxServer, slug: str = SITE) -> list[dict]:
    response = httpx.get(f"{server.url}/__sandbox/ledger", params={"site": slug}, timeout=10)
    return response.json()


@pytest.fixture
def fresh_sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    httpx.post(
        f"{sandbox_server.url}/__sandbox/reset", json={"knobs": True}, timeout=10
    ).raise_for_status()
    return sandbox_server


# -- two engines, one (job, directory) -------------------------------------------------


def test_two_workers_submitting_one_directory_at_once_post_it_once(
    fresh_sandbox: SandboxServer, migrated_database_url: str, tmp_path: Path
) -> None:
    """Two run workers (two engines, two Chromiums, two journals on the same database) reach
    the same (job, directory) at the same moment; the site takes 3 s to answer the POST, so
    the first worker is still waiting for the answer when the second arrives."""
    httpx.post(
        f"{fresh_sandbox.url}/__sandbox/knobs",
        json={SITE: {"submit_delay_ms": 3000}},
        timeout=10,
    ).raise_for_status()
    directory = _directory(fresh_sandbox)
    job_id = uuid.uuid4()
    ready = threading.Barrier(2)

    def worker(name: str) -> SubmissionResult:
        journal = AttemptJournal(migrated_database_url)  # each worker its own
        with SubmissionEngine(LocalEvidenceStore(tmp_path / name), journal=journal) as engine:
            ready.wait(timeout=120)  # both browsers up: go together
            return engine.submit(directory, PROFILE, job_id=job_id)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(worker, "one"), pool.submit(worker, "two")]
        results = [f.result(timeout=300) for f in futures]

    [done] = [r for r in results if not r.busy]
    [busy] = [r for r in results if r.busy]
    assert done.outcome.status is SubmissionStatus.SUBMITTED
    assert "another worker" in (busy.outcome.reason or "")
    assert busy.outcome.attempts == 0 and busy.submit_request is None and not busy.filled
    posts = _ledger(fresh_sandbox)
    assert len(posts) == 1 and posts[0]["accepted"]
    [attempt] = AttemptJournal(migrated_database_url).history(job_id, directory.slug)
    assert attempt.status is SubmissionStatus.SUBMITTED and attempt.result_at is not None


def test_a_claimed_directory_is_left_alone_and_the_claim_is_released_after_submitting(
    fresh_sandbox: SandboxServer, migrated_database_url: str, tmp_path: Path
) -> None:
    """While another worker holds the (job, directory) claim, the engine does nothing at all
    (no page load, no journal row); once the claim is released, the same engine submits."""
    directory = _directory(fresh_sandbox, "nearbyguide")
    job_id = uuid.uuid4()
    journal = AttemptJournal(migrated_database_url)

    def work() -> tuple[SubmissionResult, SubmissionResult, bool]:
        with SubmissionEngine(LocalEvidenceStore(tmp_path / "e"), journal=journal) as engine:
            with AttemptJournal(migrated_database_url).claim(job_id, directory.slug) as held:
                assert held
                refused = engine.submit(directory, PROFILE, job_id=job_id)
            submitted = engine.submit(directory, PROFILE, job_id=job_id)
        with journal.claim(job_id, directory.slug) as free_again:
            return refused, submitted, free_again

    with ThreadPoolExecutor(max_workers=1) as pool:
        refused, submitted, free_again = pool.submit(work).result(timeout=300)
    assert refused.busy and refused.outcome.status is SubmissionStatus.NEEDS_REVIEW
    assert not submitted.busy and submitted.outcome.status is SubmissionStatus.SUBMITTED
    assert free_again  # the engine let go of its claim when the submission ended
    assert len(_ledger(fresh_sandbox, "nearbyguide")) == 1
    assert len(journal.history(job_id, directory.slug)) == 1


# -- advisory claims ---------------------------------------------------------------------


def test_an_advisory_claim_is_exclusive_across_connections_until_its_block_ends(
    migrated_database_url: str,
) -> None:
    dsn = migrated_database_url
    with advisory_claim(dsn, ClaimKind.SUBMISSION, "job-1/alpha") as first:
        assert first
        with advisory_claim(dsn, ClaimKind.SUBMISSION, "job-1/alpha") as second:
            assert not second
        with advisory_claim(dsn, ClaimKind.SUBMISSION, "job-1/bravo") as other_key:
            assert other_key
        with advisory_claim(dsn, ClaimKind.JOB_RUN, "job-1/alpha") as other_kind:
            assert other_kind
        # still refused after the refused attempt's connection closed
        with advisory_claim(dsn, ClaimKind.SUBMISSION, "job-1/alpha") as third:
            assert not third
    with advisory_claim(dsn, ClaimKind.SUBMISSION, "job-1/alpha") as after:
        assert after


def test_an_advisory_claim_is_released_when_its_block_raises(migrated_database_url: str) -> None:
    dsn = migrated_database_url
    with pytest.raises(RuntimeError), advisory_claim(dsn, ClaimKind.JOB_RUN, "job-2") as got:
        assert got
        raise RuntimeError("the run blew up while holding the job")
    with advisory_claim(dsn, ClaimKind.JOB_RUN, "job-2") as again:
        assert again


def test_only_one_of_many_threads_gets_a_claim(migrated_database_url: str) -> None:
    dsn = migrated_database_url
    barrier = threading.Barrier(8)
    release = threading.Event()
    got: list[bool] = []

    def contend() -> None:
        with advisory_claim(dsn, ClaimKind.SUBMISSION, "job-3/alpha") as claimed:
            got.append(claimed)
            barrier.wait(timeout=30)  # everyone has tried before anyone lets go
            if claimed:
                release.wait(timeout=30)

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(got) == [False] * 7 + [True]


HOLDER = """
import sys, time
from directory_pipeline.store.claims import ClaimKind, advisory_claim
with advisory_claim(sys.argv[1], ClaimKind.SUBMISSION, sys.argv[2]) as claimed:
    print("held" if claimed else "refused", flush=True)
    time.sleep(600)
"""


def test_a_claim_dies_with_the_process_holding_it(migrated_database_url: str) -> None:
    """A run worker killed with SIGKILL never unlocks anything itself; its connection closes
    with it and Postgres drops the claim."""
    dsn, key = migrated_database_url, f"{uuid.uuid4()}/alpha"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, dsn, key], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with advisory_claim(dsn, ClaimKind.SUBMISSION, key) as while_alive:
            assert not while_alive
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)
    deadline = time.monotonic() + 15
    while True:
        with advisory_claim(dsn, ClaimKind.SUBMISSION, key) as after_death:
            if after_death:
                break
        assert time.monotonic() < deadline, "the dead holder's claim was never released"
        time.sleep(0.1)


def test_a_claim_dies_with_its_connection(migrated_database_url: str) -> None:
    """The holder's backend ended from outside (a dropped connection, as after a network cut
    or a Postgres restart of that session): the claim goes with it."""
    dsn = migrated_database_url
    with advisory_claim(dsn, ClaimKind.JOB_RUN, "job-4") as held:
        assert held
        with psycopg.connect(dsn, autocommit=True) as admin:
            [(pid,)] = admin.execute(
                """select pid from pg_locks
                   where locktype = 'advisory' and granted and pid <> pg_backend_pid()"""
            ).fetchall()
            admin.execute("select pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 15
        while True:
            with advisory_claim(dsn, ClaimKind.JOB_RUN, "job-4") as taken:
                if taken:
                    break
            assert time.monotonic() < deadline
            time.sleep(0.1)
    # the first block ends on a connection that is already gone: no error


# -- the journal's open intent ----------------------------------------------------------


def test_a_second_open_intent_for_one_directory_is_refused_by_the_database(
    migrated_database_url: str,
) -> None:
    journal = AttemptJournal(migrated_database_url)
    job_id = uuid.uuid4()
    first = journal.begin(job_id, "alpha", "fp-1")
    assert journal.has_open_intent(job_id, "alpha")
    with pytest.raises(psycopg.errors.UniqueViolation):
        AttemptJournal(migrated_database_url).begin(job_id, "alpha", "fp-1")
    with pytest.raises(psycopg.errors.UniqueViolation):
        journal.begin(job_id, "alpha", "fp-1", forced=True)  # not even staff forcing it
    other = journal.begin(job_id, "bravo", "fp-1")  # another directory of the job
    assert other.attempt_no == 1

    journal.finish(
        first,
        SubmissionOutcome(
            status=SubmissionStatus.FAILED, directory_slug="alpha", reason="503 three times"
        ),
    )
    assert not journal.has_open_intent(job_id, "alpha")
    second = journal.begin(job_id, "alpha", "fp-1")  # a closed intent allows the next one
    assert second.attempt_no == 2
    assert [a.attempt_no for a in journal.history(job_id, "alpha")] == [1, 2]
    assert journal.has_open_intent(job_id, "alpha")


def test_racing_begins_leave_one_open_intent(migrated_database_url: str) -> None:
    job_id = uuid.uuid4()
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def begin() -> None:
        barrier.wait(timeout=30)
        try:
            AttemptJournal(migrated_database_url).begin(job_id, "alpha", None)
            outcomes.append("began")
        except psycopg.errors.UniqueViolation:
            outcomes.append("refused")

    threads = [threading.Thread(target=begin) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["began"] + ["refused"] * 5
    assert len(AttemptJournal(migrated_database_url).history(job_id, "alpha")) == 1


# -- the directory's pace across processes ------------------------------------------------


def _entry(max_concurrency: int, min_interval_seconds: float) -> DirectoryEntry:
    slug = f"pace-{uuid.uuid4().hex[:8]}"
    return DirectoryEntry(
        slug=slug,
        name=slug,
        submit_url=f"https://{slug}.example/add",
        tier=Package.STARTER,
        max_concurrency=max_concurrency,
        min_interval_seconds=min_interval_seconds,
    )


def _hammer(
    throttles: list[PostgresDirectoryThrottle],
    directory: DirectoryEntry,
    per_throttle: int,
    hold_s: float,
) -> tuple[list[tuple[float, float]], int]:
    """`per_throttle` threads on each throttle take a slot at once and hold it for
    `hold_s`; returns each holder's (start, end) and the most holders seen at once."""
    lock = threading.Lock()
    spans: list[tuple[float, float]] = []
    inside = [0, 0]  # now, peak
    barrier = threading.Barrier(len(throttles) * per_throttle)

    def submit(throttle: PostgresDirectoryThrottle) -> None:
        barrier.wait(timeout=30)
        with throttle.slot(directory):
            start = time.monotonic()
            with lock:
                inside[0] += 1
                inside[1] = max(inside[1], inside[0])
            time.sleep(hold_s)
            with lock:
                inside[0] -= 1
            end = time.monotonic()
        with lock:
            spans.append((start, end))

    threads = [
        threading.Thread(target=submit, args=(t,)) for t in throttles for _ in range(per_throttle)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(spans) == len(threads)
    return sorted(spans), inside[1]


def test_one_slot_and_a_minimum_interval_hold_across_processes(
    migrated_database_url: str,
) -> None:
    """Two throttles, as two run processes would each have, on one directory with one slot
    and half a second between starts. Starts are booked on Postgres's clock and measured on
    this process's: they agree to within the few milliseconds a round trip takes."""
    directory = _entry(max_concurrency=1, min_interval_seconds=0.5)
    throttles = [
        PostgresDirectoryThrottle(migrated_database_url, poll_seconds=0.05) for _ in range(2)
    ]
    spans, peak = _hammer(throttles, directory, per_throttle=3, hold_s=0.1)
    assert peak == 1
    for (start, end), (next_start, _) in itertools.pairwise(spans):
        assert next_start >= end  # never overlapping
        assert next_start - start >= 0.5 - 0.05, spans


def test_two_slots_let_two_in_at_once_and_never_three(migrated_database_url: str) -> None:
    directory = _entry(max_concurrency=2, min_interval_seconds=0.0)
    throttles = [
        PostgresDirectoryThrottle(migrated_database_url, poll_seconds=0.05) for _ in range(2)
    ]
    spans, peak = _hammer(throttles, directory, per_throttle=3, hold_s=0.5)
    assert peak == 2
    for index, (start, _) in enumerate(spans):
        overlapping = [s for s in spans if s[0] <= start < s[1]]
        assert len(overlapping) <= 2, (index, spans)


def test_the_pace_is_kept_in_postgres_for_every_run(migrated_database_url: str) -> None:
    """A throttle created later (a new run) still waits out the interval booked by an
    earlier one."""
    directory = _entry(max_concurrency=1, min_interval_seconds=1.0)
    with PostgresDirectoryThrottle(migrated_database_url).slot(directory):
        first = time.monotonic()
    with PostgresDirectoryThrottle(migrated_database_url).slot(directory):
        second = time.monotonic()
    assert second - first >= 1.0 - 0.05
    with psycopg.connect(migrated_database_url) as conn:
        [(slug,)] = conn.execute("select slug from directory_pace").fetchall()
    assert slug == directory.slug
