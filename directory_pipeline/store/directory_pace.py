"""Politeness per directory across every run and process: at most `max_concurrency`
submissions at once (advisory-lock slots) and `min_interval_seconds` between the starts of
two submissions (the `directory_pace` table)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from directory_pipeline.domain import DirectoryEntry
from directory_pipeline.store.claims import ClaimKind, advisory_claim
from directory_pipeline.store.database import connect

_TAKE_TURN = """
insert into directory_pace (slug, next_start_at)
values (%(slug)s, now() + make_interval(secs => %(gap)s))
on conflict (slug) do update
    set next_start_at = greatest(directory_pace.next_start_at, now())
                        + make_interval(secs => %(gap)s)
returning extract(epoch from next_start_at - make_interval(secs => %(gap)s) - now())::float
    as wait_s
"""


class PostgresDirectoryThrottle:
    """`slot(directory)` blocks until this process may start a submission to `directory`."""

    def __init__(self, dsn: str, poll_seconds: float = 0.5) -> None:
        self.dsn = dsn
        self.poll_seconds = poll_seconds

    def _turn(self, directory: DirectoryEntry) -> float:
        """Book the next start; returns how long to wait for it."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                _TAKE_TURN, {"slug": directory.slug, "gap": directory.min_interval_seconds}
            ).fetchone()
        return max(float(row["wait_s"]), 0.0) if row else 0.0

    @contextlib.contextmanager
    def slot(self, directory: DirectoryEntry) -> Iterator[None]:
        while True:
            for index in range(directory.max_concurrency):
                with advisory_claim(
                    self.dsn, ClaimKind.DIRECTORY_SLOT, f"{directory.slug}#{index}"
                ) as claimed:
                    if not claimed:
                        continue
                    wait = self._turn(directory)
                    if wait > 0:
                        time.sleep(wait)  # the directory's minimum interval, booked in Postgres
                    yield
                    return
            time.sleep(self.poll_seconds)  # every slot is busy in some process
