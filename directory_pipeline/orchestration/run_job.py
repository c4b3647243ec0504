"""One paid job, start to finish: resolve its directories, submit to each (one Chromium per
worker thread, `max_parallel` workers), record every outcome in Supabase and the analyst
tables, and settle the job's status."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from directory_pipeline.analytics.outcomes import write_outcome
from directory_pipeline.browser.engine import SubmissionEngine, SubmissionResult
from directory_pipeline.domain import (
    BusinessProfile,
    Catalog,
    DirectoryEntry,
    JobStatus,
    Package,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.domain.job import final_status
from directory_pipeline.store.jobs import JobRow, JobStore
from directory_pipeline.store.results import ResultStore


class JobNotRunnable(RuntimeError):
    """The job cannot run at all (no row, no profile, unknown directories)."""


@dataclass(frozen=True)
class DirectoryDone:
    directory: DirectoryEntry
    result: SubmissionResult
    duration_s: float


@dataclass
class JobPlan:
    job: JobRow
    profile: BusinessProfile
    directories: list[DirectoryEntry]


def plan_job(jobs: JobStore, catalog: Catalog, job_id: uuid.UUID) -> JobPlan:
    job = jobs.get(job_id)
    if job is None:
        raise JobNotRunnable(f"job {job_id} has no row in jobs")
    profile = job.profile()
    if profile is None:
        raise JobNotRunnable(f"job {job_id} has no business profile")
    try:
        directories = catalog.directories_for(Package(job.package), job.requested_directories)
    except ValueError as exc:
        raise JobNotRunnable(f"job {job_id}: {exc}") from exc
    return JobPlan(job=job, profile=profile, directories=directories)


def _engine_failure(
    engine: SubmissionEngine, plan: JobPlan, directory: DirectoryEntry, exc: Exception
) -> SubmissionOutcome:
    """The engine's own bug. Before the click nothing exists at the directory (`failed`);
    after it the directory may have the listing (`needs_review`, the intent settled)."""
    journal = engine.journal
    if journal is not None:
        history = journal.history(plan.job.id, directory.slug)
        if history and history[-1].result_at is None:
            return journal.settle_interrupted(history[-1])
    return SubmissionOutcome(
        status=SubmissionStatus.FAILED,
        directory_slug=directory.slug,
        reason=f"engine error before the submit click: {exc!r}"[:500],
    )


def submit_all(
    plan: JobPlan,
    engine_factory: Callable[[], SubmissionEngine],
    *,
    max_parallel: int = 1,
    force: set[str] | None = None,
) -> Iterator[DirectoryDone]:
    """Submit to every directory; yields each result as it lands (in the caller's thread).

    Each worker thread owns one engine (one Chromium): Playwright's sync API belongs to the
    thread that started it. When the caller stops early, workers finish the directory in
    hand, take no new one, and are joined before this returns.
    """
    todo: queue.Queue[DirectoryEntry] = queue.Queue()
    for directory in plan.directories:
        todo.put(directory)
    done: queue.Queue[DirectoryDone | BaseException] = queue.Queue()
    stop = threading.Event()

    def worker() -> None:
        try:
            with engine_factory() as engine:
                while not stop.is_set():
                    try:
                        directory = todo.get_nowait()
                    except queue.Empty:
                        return
                    started = time.perf_counter()
                    try:
                        result = engine.submit(
                            directory,
                            plan.profile,
                            job_id=plan.job.id,
                            force=directory.slug in (force or set()),
                        )
                    except Exception as exc:  # the engine's own bug: record, keep going
                        result = SubmissionResult(
                            outcome=_engine_failure(engine, plan, directory, exc)
                        )
                    done.put(DirectoryDone(directory, result, time.perf_counter() - started))
        except BaseException as exc:  # e.g. Chromium would not launch
            done.put(exc)

    workers = [
        threading.Thread(target=worker, name=f"submitter-{i}", daemon=True)
        for i in range(max(1, min(max_parallel, len(plan.directories))))
    ]
    for thread in workers:
        thread.start()
    try:
        for _ in plan.directories:
            item = done.get()
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        for thread in workers:
            thread.join()


def record(
    results: ResultStore,
    analytics_root: Path,
    plan: JobPlan,
    done: DirectoryDone,
    *,
    tries: int = 4,
    backoff_s: float = 1.0,
) -> None:
    """Supabase row, progress counter and analyst table for one directory's outcome; a
    database blip is retried with backoff before the error is raised."""
    outcome = done.result.outcome
    for attempt in range(tries):
        try:
            results.upsert_result(plan.job.id, outcome)
            results.record_progress(plan.job.id)
            break
        except psycopg.OperationalError:
            if attempt == tries - 1:
                raise
            time.sleep(backoff_s * 2**attempt)
    write_outcome(
        analytics_root,
        plan.job.id,
        plan.job.package,
        done.directory,
        outcome,
        done.result.plan_source,
        done.duration_s,
    )


def settle(results: ResultStore, job_id: uuid.UUID, statuses: list[SubmissionStatus]) -> JobStatus:
    """The job's final status from its directories' outcomes (forward only): the status the
    job has afterwards, which is the earlier one if it was already finished."""
    status = final_status(statuses)
    if results.mark_finished(job_id, status):
        return status
    return results.job_status(job_id) or status
