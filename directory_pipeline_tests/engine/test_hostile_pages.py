"""The submission engine against every hostile sandbox page (`sandbox.hostile`).

Every peer is real: a real headless Chromium driven by the real `SubmissionEngine`, the
real sandbox HTTP server (uvicorn on loopback) serving the hostile pages and recording
listing POSTs in its SQLite ledger, and a real second HTTP server, the `OutsideServer`,
standing for "anywhere else on the internet": the hostile pages try to lead the browser
there, and it counts every request that reaches it.

Each hostile site is submitted to once with `SAMPLE_PROFILE` (lazily, by the first test that
needs it) and the tests below check one property of that run each: the honest status
(contracts §5: nothing is `submitted` without proof, nothing retried that the directory may
have received), the exact number of listing POSTs in the ledger, zero requests at the
outside server, and, for pages that try to leave on their own, that the engine reports the
requests it blocked.

One engine (one Chromium) serves the module from a worker thread of its own, because a
Playwright sync object must stay on the thread that created it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, Package, SubmissionStatus
from directory_pipeline.sandbox import Ledger, LedgerEntry, SandboxServer, site_url
from directory_pipeline.sandbox.hostile import HOSTILE_SITES, HostileSite
from directory_pipeline.sandbox.outside import OutsideRequest, OutsideServer
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)
LEAVING = [h for h in HOSTILE_SITES if h.tries_to_leave]


def _ids(hostile: HostileSite) -> str:
    return hostile.slug


class EngineThread:
    """A SubmissionEngine created, used and closed on one worker thread."""

    def __init__(self, evidence_root: Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hostile-engine")
        self._engine = self._pool.submit(self._start, evidence_root).result(timeout=120)

    @staticmethod
    def _start(evidence_root: Path) -> SubmissionEngine:
        engine = SubmissionEngine(
            LocalEvidenceStore(evidence_root),
            config=EngineConfig(chromium_executable_path=None),
        )
        engine.__enter__()
        return engine

    def submit(self, directory: DirectoryEntry, profile: BusinessProfile) -> SubmissionResult:
        return self._pool.submit(self._engine.submit, directory, profile).result(timeout=90)

    def close(self) -> None:
        try:
            self._pool.submit(self._engine.__exit__, None, None, None).result(timeout=60)
        finally:
            self._pool.shutdown(wait=True)


@dataclass(frozen=True, repr=False)
class HostileRun:
    """One submission to one hostile site and what the two servers saw of it."""

    hostile: HostileSite
    result: SubmissionResult | None
    error: BaseException | None
    entries: list[LedgerEntry]
    outside: list[OutsideRequest]
    seconds: float

    def outcome(self) -> SubmissionResult:
        """The engine's result; the test fails (with the engine's error) when it raised."""
        if self.error is not None:
            pytest.fail(f"the engine raised on {self.hostile.slug}: {self.error!r}")
        assert self.result is not None
        return self.result


@pytest.fixture(scope="module")
def outside() -> Iterator[OutsideServer]:
    with OutsideServer() as server:
        yield server


@pytest.fixture(scope="module")
def hostile_server(
    tmp_path_factory: pytest.TempPathFactory, outside: OutsideServer
) -> Iterator[SandboxServer]:
    ledger = tmp_path_factory.mktemp("hostile-sandbox") / "ledger.sqlite3"
    with SandboxServer(ledger, outside_url=outside.url) as server:
        yield server


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineThread]:
    worker = EngineThread(tmp_path_factory.mktemp("hostile-evidence"))
    yield worker
    worker.close()


def _directory(hostile: HostileSite, port: int) -> DirectoryEntry:
    return DirectoryEntry(
        slug=hostile.slug,
        name=hostile.site.name,
        submit_url=site_url(hostile.slug, port),
        tier=Package.STARTER,
        language=hostile.site.language,
        sandbox=True,
        hosts=[f"{hostile.slug}.localhost"],
        max_concurrency=1,
        min_interval_seconds=0,
    )


@pytest.fixture(scope="module")
def _runs() -> dict[str, HostileRun]:
    return {}


@pytest.fixture
def run(
    _runs: dict[str, HostileRun],
    engine: EngineThread,
    hostile_server: SandboxServer,
    outside: OutsideServer,
) -> Callable[[HostileSite], HostileRun]:
    """The module's one SAMPLE_PROFILE submission to a hostile site (made on first ask)."""
    ledger = Ledger(hostile_server.app.state.sandbox.ledger.path)

    def get(hostile: HostileSite) -> HostileRun:
        if hostile.slug not in _runs:
            outside.reset()
            started = time.monotonic()
            result: SubmissionResult | None = None
            error: BaseException | None = None
            try:
                result = engine.submit(_directory(hostile, hostile_server.port), PROFILE)
            except Exception as raised:  # reported by the tests, one site at a time
                error = raised
            time.sleep(0.3)  # let a late request (a beacon, a redirect hop) land
            _runs[hostile.slug] = HostileRun(
                hostile=hostile,
                result=result,
                error=error,
                entries=ledger.entries(hostile.slug),
                outside=outside.requests,
                seconds=time.monotonic() - started,
            )
        return _runs[hostile.slug]

    return get


@pytest.mark.parametrize("hostile", HOSTILE_SITES, ids=_ids)
def test_honest_status(run: Callable[[HostileSite], HostileRun], hostile: HostileSite) -> None:
    outcome = run(hostile).outcome().outcome
    status, expected = outcome.status, SubmissionStatus(hostile.expected_outcome)
    assert status is expected, (
        f"{hostile.slug}: {status.value} ({outcome.reason!r}); "
        f"expected {expected.value}: {hostile.site.description}"
    )


@pytest.mark.parametrize("hostile", HOSTILE_SITES, ids=_ids)
def test_exact_number_of_listing_posts(
    run: Callable[[HostileSite], HostileRun], hostile: HostileSite
) -> None:
    entries = run(hostile).entries
    posts, expected = len(entries), hostile.expected_posts
    assert posts == expected, (
        f"{hostile.slug}: {posts} listing POST(s) in the ledger "
        f"(accepted: {[e.accepted for e in entries]}), expected {expected}"
    )


@pytest.mark.parametrize("hostile", HOSTILE_SITES, ids=_ids)
def test_nothing_reaches_the_outside_server(
    run: Callable[[HostileSite], HostileRun], hostile: HostileSite
) -> None:
    reached = run(hostile).outside
    assert reached == [], f"{hostile.slug}: {len(reached)} request(s) reached the outside server"


@pytest.mark.parametrize("hostile", LEAVING, ids=_ids)
def test_requests_that_try_to_leave_are_reported_blocked(
    run: Callable[[HostileSite], HostileRun], hostile: HostileSite
) -> None:
    blocked = run(hostile).outcome().blocked_requests
    assert blocked, f"{hostile.slug}: no blocked request reported"


@pytest.mark.parametrize("hostile", LEAVING, ids=_ids)
def test_blocked_requests_are_kept_with_the_evidence(
    run: Callable[[HostileSite], HostileRun], hostile: HostileSite
) -> None:
    result = run(hostile).outcome()
    evidence = result.outcome.evidence
    assert evidence is not None, f"{hostile.slug}: no evidence stored"
    folder = Path(evidence.uri.removeprefix("file://"))
    record = json.loads((folder / "evidence.json").read_text())
    assert record["blocked_requests"] == result.blocked_requests
    assert record["blocked_requests"], f"{hostile.slug}: evidence.json lists nothing blocked"


@pytest.mark.parametrize("hostile", HOSTILE_SITES, ids=_ids)
def test_a_new_post_only_when_the_directory_provably_did_not_process_one(
    run: Callable[[HostileSite], HostileRun], hostile: HostileSite
) -> None:
    """None of these pages answers 429/503 or refuses the connection to the listing POST,
    so no second listing attempt is ever allowed."""
    result = run(hostile).outcome()
    assert result.outcome.attempts == 1, f"{hostile.slug}: {result.outcome.attempts} attempts"
