"""One Chromium per run: every worker opens its directories' contexts in the run's shared
browser, and one worker's trouble never takes the others' submissions down.

Real Chromium, the sandbox sites, and the hung-page server of `test_hung_pages.py` (a page
that spins its main thread forever: no sandbox site does that on demand).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest

from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.judge import Reason
from directory_pipeline.browser.launch import SESSION_SWITCH
from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, SubmissionStatus
from directory_pipeline.sandbox import SandboxServer, sandbox_directories
from directory_pipeline_tests.conftest import SAMPLE_PROFILE
from directory_pipeline_tests.engine.test_hung_pages import _Directory

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)


@pytest.fixture(autouse=True)
def _fresh_sandbox(sandbox_server: SandboxServer) -> None:
    httpx.post(
        f"{sandbox_server.url}/__sandbox/reset", json={"knobs": True}, timeout=10
    ).raise_for_status()


@pytest.fixture
def hung() -> _Directory:
    served = _Directory()
    yield served  # type: ignore[misc]
    served.release.set()
    served.server.shutdown()
    served.server.server_close()


def _directory(server: SandboxServer, slug: str) -> DirectoryEntry:
    return next(d for d in sandbox_directories(server.port) if d.slug == slug)


def _browser_processes(shared: SharedChromium) -> list[psutil.Process]:
    """The main processes of Chromium browsers tagged with this run's switch (renderers
    and helpers carry `--type=`)."""
    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            line = process.cmdline()
        except psutil.Error:
            continue
        if f"{SESSION_SWITCH}={shared.tag}" in line and not any(
            part.startswith("--type=") for part in line
        ):
            found.append(process)
    return found


def _work_in_parallel(
    shared: SharedChromium, jobs: list[tuple[DirectoryEntry, EngineConfig]], root: Path
) -> list[SubmissionResult]:
    """Each directory submitted by its own worker thread and engine, all at once."""
    start = threading.Barrier(len(jobs))

    def worker(entry: DirectoryEntry, config: EngineConfig) -> Callable[[], SubmissionResult]:
        def run() -> SubmissionResult:
            with SubmissionEngine(
                LocalEvidenceStore(root), config=config, shared_browser=shared
            ) as engine:
                start.wait(timeout=60)
                return engine.submit(entry, PROFILE)

        return run

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(worker(entry, config)) for entry, config in jobs]
        return [future.result(timeout=240) for future in futures]


def test_workers_share_one_chromium_and_each_submits(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    slugs = ["citylocal-hub", "nearbyguide", "yellowbook-local"]
    with SharedChromium() as shared:
        results = _work_in_parallel(
            shared, [(_directory(sandbox_server, s), EngineConfig()) for s in slugs], tmp_path
        )
        browsers = _browser_processes(shared)
    assert [r.outcome.status for r in results] == [SubmissionStatus.SUBMITTED] * 3, [
        r.outcome.reason for r in results
    ]
    assert shared.launches == 1
    assert len(browsers) == 1
    assert not shared.running()  # stopped with the run


def test_a_hung_page_is_disposed_of_alone_while_the_others_submit(
    sandbox_server: SandboxServer, hung: _Directory, tmp_path: Path
) -> None:
    """The spinning page's watchdog closes its own context only: the submissions running
    next to it in the same Chromium end `submitted`, and the browser is never relaunched."""
    spinning = EngineConfig(directory_timeout_s=20, max_transient_retries=0, backoff_seconds=0.1)
    slow = EngineConfig()
    with SharedChromium() as shared:
        # the sandbox sites answer slowly, so they are mid-flight when the watchdog fires
        httpx.post(
            f"{sandbox_server.url}/__sandbox/knobs",
            json={"citylocal-hub": {"latency_ms_min": 2000, "latency_ms_max": 2500}},
            timeout=10,
        ).raise_for_status()
        started = time.monotonic()
        results = _work_in_parallel(
            shared,
            [
                (hung.entry("/spin"), spinning),
                (_directory(sandbox_server, "citylocal-hub"), slow),
                (_directory(sandbox_server, "nearbyguide"), slow),
            ],
            tmp_path,
        )
        elapsed = time.monotonic() - started
        launches = shared.launches
    stuck, *others = results
    assert stuck.outcome.status is SubmissionStatus.FAILED
    assert stuck.reason is Reason.BROWSER_TROUBLE
    assert hung.posts == 0
    assert [r.outcome.status for r in others] == [SubmissionStatus.SUBMITTED] * 2
    assert launches == 1
    assert elapsed < 120


def test_a_crashed_shared_chromium_is_started_again_for_the_next_directory(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    def work() -> tuple[SubmissionResult, SubmissionResult, int]:
        with (
            SharedChromium() as shared,
            SubmissionEngine(LocalEvidenceStore(tmp_path), shared_browser=shared) as engine,
        ):
            first = engine.submit(_directory(sandbox_server, "citylocal-hub"), PROFILE)
            pid = shared.pid
            assert pid is not None
            psutil.Process(pid).kill()
            psutil.Process(pid).wait(timeout=10)
            second = engine.submit(_directory(sandbox_server, "nearbyguide"), PROFILE)
            return first, second, shared.launches

    with ThreadPoolExecutor(max_workers=1) as pool:
        first, second, launches = pool.submit(work).result(timeout=240)
    assert first.outcome.status is SubmissionStatus.SUBMITTED
    assert second.outcome.status is SubmissionStatus.SUBMITTED
    assert launches == 2


def test_the_shared_chromium_inherits_none_of_our_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://secret@db/prod")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret")
    with SharedChromium() as shared:
        [browser] = _browser_processes(shared)
        environment = browser.environ()
    assert "DATABASE_URL" not in environment
    assert "AWS_SECRET_ACCESS_KEY" not in environment
