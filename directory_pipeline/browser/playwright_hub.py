"""One Playwright connection for a whole run: every worker's pages are driven from one thread.

Each Playwright connection is a Node.js driver process of its own (about 0.7 CPU-s to start
and 60-80 MB), and the sync API binds a connection to the thread that opened it. With one
connection per worker thread, K workers paid for K drivers. The hub instead opens one
connection on a thread of its own and runs each worker's browser work there in a greenlet:
Playwright's sync API already runs its event listeners and route handlers that way, and
every sync call hands the thread to the event loop until its answer arrives, so the K
pieces of work interleave while each waits on its page. The code that drives a page stays
plain sync Playwright; workers call `run()` and block until their piece is done.

What must not run on the hub thread is anything that blocks without a Playwright call: a
database write, an LLM call, a download, image encoding. `offload()` runs such a function on
a small pool and hands the hub back to the event loop until it returns.

`pause()` is the same idea in small: waiting for the page's events to arrive, the engine
lets the event loop run for a moment instead of asking the driver to time it.

Playwright exposes no public API for this; the two private pieces used (the sync objects'
event loop and dispatcher greenlet, and `wait_for_future`) are pinned by `uv.lock` and
covered by `test_playwright_hub.py`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import greenlet
from playwright._impl._greenlets import wait_for_future
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

T = TypeVar("T")

START_TIMEOUT_S = 60.0


class HubStopped(RuntimeError):
    """The hub is not running (stopped, or its Playwright connection could not start)."""


class PlaywrightHub:
    """One thread holding one Playwright connection; see the module docstring."""

    def __init__(self, endpoint: Callable[[], str], *, offload_threads: int = 8) -> None:
        """`endpoint()` is the CDP endpoint of the Chromium to drive (started if needed)."""
        self._endpoint = endpoint
        self._offload_threads = offload_threads
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._playwright: Playwright | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._dispatcher: greenlet.greenlet | None = None
        self._stopping: asyncio.Future[None] | None = None
        self._browser: Browser | None = None
        self._connecting: asyncio.Future[None] | None = None
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._working: set[greenlet.greenlet] = set()  # only touched on the hub thread
        self._pending_lock = threading.Lock()
        self._closed = False
        self.connections = 0

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> PlaywrightHub:
        if self._thread is not None:
            return self
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self._offload_threads, thread_name_prefix="hub-offload"
        )
        self._thread = threading.Thread(target=self._serve, name="playwright-hub", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise HubStopped(f"Playwright did not start in {START_TIMEOUT_S} s")
        if self._start_error is not None:
            raise HubStopped(f"Playwright did not start: {self._start_error}")
        return self

    def stop(self) -> None:
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed: the hub ended already
                loop.call_soon_threadsafe(lambda: stopping.done() or stopping.set_result(None))
        thread.join(timeout=30)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._thread = self._pool = None

    @property
    def running(self) -> bool:
        """Started, and its connection has not ended."""
        return (
            self._thread is not None
            and self._thread.is_alive()
            and self._ready.is_set()
            and not self._closed
        )

    def _serve(self) -> None:
        try:
            playwright = self._playwright = sync_playwright().start()
            loop = self._loop = playwright._loop
            dispatcher = self._dispatcher = playwright._dispatcher_fiber
            stopping = self._stopping = loop.create_future()
        except BaseException as exc:  # reported to start()
            self._start_error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            # The thread's own greenlet parks here; the dispatcher runs the event loop, and
            # with it every piece of work `run()` hands over, until `stop()` or until the
            # driver goes away (a closed connection raises here).
            with contextlib.suppress(PlaywrightError):
                wait_for_future(loop, dispatcher, stopping)
        finally:
            if self._browser is not None:
                with contextlib.suppress(PlaywrightError):
                    self._browser.close()
            self._browser = None
            self._end_orphans()
            self._fail_pending()
            with contextlib.suppress(PlaywrightError):
                playwright.stop()

    def _end_orphans(self) -> None:
        """Work still suspended when the connection ended can never be resumed by it: end
        it here, on its own thread, so its cleanup runs now rather than whenever the
        garbage collector finds it."""
        for orphan in list(self._working):
            if not orphan.dead:
                with contextlib.suppress(BaseException):
                    orphan.throw(greenlet.GreenletExit)
        self._working.clear()

    def _fail_pending(self) -> None:
        """Work handed over but never finished (the driver died) fails instead of hanging."""
        with self._pending_lock:
            self._closed = True
            pending, self._pending = self._pending, set()
        for future in pending:
            with contextlib.suppress(concurrent.futures.InvalidStateError):
                future.set_exception(HubStopped("the Playwright hub stopped"))

    # -- for workers: run a piece of browser work on the hub ----------------------------------
    def run(self, work: Callable[[], T]) -> T:
        """Run `work` on the hub thread (in a greenlet of its own) and return its result or
        raise its error. Called from any thread but the hub's own."""
        if self.on_hub_thread():
            return work()
        loop = self._loop
        if not self.running or loop is None or loop.is_closed():
            raise HubStopped("the Playwright hub is not running")
        done: concurrent.futures.Future[T] = concurrent.futures.Future()
        with self._pending_lock:
            if self._closed:
                raise HubStopped("the Playwright hub stopped")
            self._pending.add(done)

        def body() -> None:
            try:
                result = work()
            except BaseException as exc:
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    done.set_exception(exc)
            else:
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    done.set_result(result)
            finally:
                self._working.discard(greenlet.getcurrent())
                with self._pending_lock:
                    self._pending.discard(done)

        # In the loop's callback the current greenlet is the dispatcher: the new greenlet's
        # parent, which it switches back to whenever it waits and when it ends.
        try:
            loop.call_soon_threadsafe(self._start_greenlet, body)
        except RuntimeError as exc:  # the loop closed meanwhile
            with self._pending_lock:
                self._pending.discard(done)
            raise HubStopped("the Playwright hub stopped") from exc
        return done.result()

    def _start_greenlet(self, body: Callable[[], None]) -> None:
        worker = greenlet.greenlet(body)
        self._working.add(worker)
        worker.switch()

    def on_hub_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def offload(self, blocking: Callable[[], T]) -> T:
        """Run `blocking` on the hub's pool; the hub keeps serving the other pages until it
        returns. Off the hub thread it simply runs `blocking` here."""
        if not self.on_hub_thread() or self._pool is None:
            return blocking()
        assert self._loop is not None and self._dispatcher is not None
        future = asyncio.wrap_future(self._pool.submit(blocking), loop=self._loop)
        wait_for_future(self._loop, self._dispatcher, future)
        return future.result()

    # -- on the hub thread -------------------------------------------------------------------
    def browser(self) -> Browser:
        """The connection's browser, (re)connected if it is closed or its Chromium died. Only
        on the hub thread; one reconnection at a time, whoever asks meanwhile waits for it."""
        assert self.on_hub_thread(), "browser() belongs to the hub thread"
        assert self._loop is not None and self._dispatcher is not None
        while self._connecting is not None:
            wait_for_future(self._loop, self._dispatcher, self._connecting)
        browser = self._browser
        if browser is not None and browser.is_connected():
            return browser
        assert self._playwright is not None
        connecting = self._connecting = self._loop.create_future()
        try:
            endpoint = self.offload(self._endpoint)
            browser = self._playwright.chromium.connect_over_cdp(endpoint)
            self._browser = browser
            self.connections += 1
            return browser
        finally:
            self._connecting = None
            connecting.set_result(None)

    def forget_browser(self) -> None:
        """The connection failed in a way Playwright has not noticed yet: reconnect next."""
        self._browser = None


def pause(page: Page, seconds: float) -> None:
    """Let Playwright's event loop run for `seconds`, delivering the page's events, without
    a message to the driver (`page.wait_for_timeout` is one round trip through it)."""
    loop: asyncio.AbstractEventLoop = page._loop
    future = loop.create_future()
    timer = loop.call_later(seconds, lambda: future.done() or future.set_result(None))
    try:
        wait_for_future(loop, page._dispatcher_fiber, future)
    finally:
        timer.cancel()
