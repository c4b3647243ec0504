"""The run's one Playwright connection: many worker threads' browser work interleaves on one
thread and one Playwright driver, blocking work is taken off it, and nothing hangs when it
goes away (the next piece of work gets a new connection).

Real Chromium (the run's `SharedChromium`) and the real Playwright driver; the pages are
`data:` documents, since these tests are about who drives the pages, not about sites.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
from playwright.sync_api import Error as PlaywrightError

from directory_pipeline.browser.playwright_hub import HubStopped, PlaywrightHub, pause
from directory_pipeline.browser.shared_chromium import SharedChromium

PAGE = "data:text/html,<title>hub</title><p>hello</p>"


def _drivers() -> list[psutil.Process]:
    """Playwright driver processes started by this test process."""
    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if "run-driver" in process.cmdline():
                found.append(process)
        except psutil.Error:
            continue
    return found


def _in_threads(hub: PlaywrightHub, works: list[Callable[[], object]]) -> list[object]:
    with ThreadPoolExecutor(max_workers=len(works)) as pool:
        futures = [pool.submit(hub.run, work) for work in works]
        return [f.result(timeout=120) for f in futures]


def test_workers_pages_interleave_on_one_connection_and_one_driver() -> None:
    events: list[str] = []
    drivers_seen: list[int] = []
    all_open = threading.Barrier(4, timeout=60)

    def work(i: int) -> Callable[[], str]:
        def run() -> str:
            hub = shared.hub()
            context = hub.browser().new_context()
            try:
                page = context.new_page()
                page.goto(PAGE)
                events.append(f"open {i}")
                # the hub thread is parked in Playwright: the barrier is met by the workers'
                # threads only if every piece of work got to here at the same time
                hub.offload(all_open.wait)
                drivers_seen.append(len(_drivers()))
                page.wait_for_timeout(200)
                events.append(f"done {i}")
                return page.title()
            finally:
                context.close()

        return run

    drivers_before = len(_drivers())
    with SharedChromium() as shared:
        hub = shared.hub()
        titles = _in_threads(hub, [work(i) for i in range(4)])
        hub_thread = hub._thread
        connections = hub.connections
    assert titles == ["hub"] * 4
    assert all(e.startswith("open") for e in events[:4]), events
    assert set(drivers_seen) == {drivers_before + 1}
    assert connections == 1
    assert hub_thread is not None and not hub_thread.is_alive()


def test_blocking_work_is_offloaded_and_the_hub_keeps_serving_pages() -> None:
    """One piece of work blocks (off the hub) until another has driven a page: if blocking
    held the hub thread, the second could never run and the first would time out."""
    released = threading.Event()

    def waits() -> bool:
        return hub.offload(lambda: released.wait(timeout=30))

    def drives() -> str:
        context = hub.browser().new_context()
        try:
            page = context.new_page()
            page.goto(PAGE)
            released.set()
            return page.title()
        finally:
            context.close()

    with SharedChromium() as shared:
        hub = shared.hub()
        waited, title = _in_threads(hub, [waits, drives])
    assert waited is True
    assert title == "hub"


def test_an_error_in_the_work_is_raised_in_the_worker() -> None:
    def fails() -> None:
        hub.browser().new_context().new_page().goto("http://127.0.0.1:9/never")

    with SharedChromium() as shared:
        hub = shared.hub()
        with pytest.raises(PlaywrightError):
            hub.run(fails)
        assert hub.run(lambda: 41 + 1) == 42  # and the hub goes on


def test_work_in_flight_fails_instead_of_hanging_when_the_driver_dies() -> None:
    started = threading.Event()

    def waits_long() -> None:
        page = hub.browser().new_context().new_page()
        started.set()
        page.wait_for_timeout(30_000)

    before = {p.pid for p in _drivers()}
    with SharedChromium() as shared:
        hub = shared.hub()
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(hub.run, waits_long)
            assert started.wait(timeout=60)
            [driver] = [p for p in _drivers() if p.pid not in before]
            driver.kill()
            with pytest.raises((PlaywrightError, HubStopped)):
                future.result(timeout=30)
        with pytest.raises(HubStopped):
            hub.run(lambda: None)
        # the run's next directory gets a new connection to the same Chromium
        again = shared.hub()
        assert again is not hub
        assert again.run(lambda: again.browser().new_context().new_page().evaluate("1 + 1")) == 2
        assert shared.launches == 1


def test_run_after_stop_is_refused() -> None:
    with SharedChromium() as shared:
        hub = shared.hub()
    with pytest.raises(HubStopped):
        hub.run(lambda: None)


def test_pause_delivers_the_pages_events_meanwhile() -> None:
    """`pause` sends nothing to the driver, but the event loop runs: what the page logs
    during the pause reaches our listener before it returns."""
    seen: list[str] = []

    def work() -> list[str]:
        page = hub.browser().new_context().new_page()
        page.on("console", lambda message: seen.append(message.text))
        page.evaluate("setTimeout(() => console.log('late'), 100)")
        pause(page, 0.6)
        return list(seen)

    with SharedChromium() as shared:
        hub = shared.hub()
        assert hub.run(work) == ["late"]
