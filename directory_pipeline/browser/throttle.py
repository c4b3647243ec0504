"""Politeness per directory: at most N submissions at once, and a minimum interval between
the starts of two submissions to the same directory. `DirectoryThrottle` holds within one
process (for `submit-one` and tests); jobs use `store.directory_pace.PostgresDirectoryThrottle`,
which holds across every run and process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from directory_pipeline.domain import DirectoryEntry


class Throttle(Protocol):
    def slot(self, directory: DirectoryEntry) -> AbstractContextManager[None]: ...


class DirectoryThrottle:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, directory: DirectoryEntry) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(
                directory.slug, threading.BoundedSemaphore(directory.max_concurrency)
            )
        with semaphore:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(directory.slug, now))
                self._next_start[directory.slug] = start + directory.min_interval_seconds
            if start > now:
                time.sleep(start - now)  # the directory's minimum interval, not a guess
            yield
