"""Submitting one job to its directories: a pool of worker threads, one engine each (its
pages in the run's shared Chromium, or a Chromium of its own), results handed back in the
caller's thread as they land."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from directory_pipeline.browser.engine import SubmissionEngine, SubmissionResult
from directory_pipeline.domain import DirectoryEntry, SubmissionOutcome, SubmissionStatus
from directory_pipeline.paid_jobs.plan import JobPlan


@dataclass(frozen=True)
class DirectoryDone:
    directory: DirectoryEntry
    result: SubmissionResult
    duration_s: float


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

    Each worker thread owns one engine and its Playwright: Playwright's sync API belongs to
    the thread that started it. When the caller stops early, workers finish the directory in
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
