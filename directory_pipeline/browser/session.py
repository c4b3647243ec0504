"""The browser room: guarded contexts for one directory at a time, in a Chromium of the
session's own or in the run's shared one.

Alone, a `BrowserSession` starts Playwright on its thread and launches a Chromium of its own
(relaunched if it died). Given a `SharedChromium`, it owns nothing: its browser work runs on
the run's one Playwright connection (`PlaywrightHub`), in the run's one Chromium, next to
every other worker's. `run()` is where that work goes; `offload()` is how work running there
does anything that blocks without a Playwright call.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from directory_pipeline.browser.capture import ACTIVITY_TRACKER_JS
from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.launch import SESSION_SWITCH, launch_chromium
from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.domain import DirectoryEntry

T = TypeVar("T")


@dataclass
class _ContextWatch:
    """What the watchdog needs to close one context of a shared Chromium: its DevTools id,
    known once its first page is open."""

    context_id: str | None = None


@dataclass
class GuardedContext:
    """A fresh browser context whose every request is checked against one directory."""

    context: BrowserContext
    guard: NetworkGuard
    on_page: Callable[[Page], None] = field(default=lambda page: None)

    def new_page(self) -> Page:
        page = self.context.new_page()
        self.on_page(page)
        return page


class BrowserSession:
    """Playwright and Chromium for one worker (own, or the run's shared ones). Use as a
    context manager."""

    def __init__(
        self, executable_path: str | None = None, shared: SharedChromium | None = None
    ) -> None:
        self.executable_path = executable_path
        self.shared = shared
        self.tag = shared.tag if shared is not None else uuid.uuid4().hex
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> Self:
        if self.shared is None:
            self._playwright = sync_playwright().start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None

    def run(self, work: Callable[[], T]) -> T:
        """`work` (browser work: guarded contexts and what is done in them) where this
        session's Playwright lives: the run's hub, or this thread."""
        return self.shared.hub().run(work) if self.shared is not None else work()

    def offload(self, blocking: Callable[[], T]) -> T:
        """From inside `run()`: `blocking` off the hub thread, the hub serving the others
        meanwhile. Without a hub it simply runs here."""
        return self.shared.hub().offload(blocking) if self.shared is not None else blocking()

    def browser(self) -> Browser:
        """The session's Chromium, relaunched (or reconnected) if it crashed or was closed."""
        if self.shared is not None:
            return self.shared.hub().browser()
        browser = self._browser
        if browser is None or not browser.is_connected():
            if self._playwright is None:
                raise RuntimeError("use the browser session as a context manager")
            browser = launch_chromium(self._playwright, self.executable_path, self.tag)
            self._browser = browser
        return browser

    def _forget_browser(self) -> None:
        if self.shared is not None:
            self.shared.hub().forget_browser()
        else:
            self._browser = None

    def kill_browser(self) -> None:
        """Kill this session's Chromium from any thread: the last resort when a page holds
        a Playwright call past every timeout (a renderer spinning in a loop does: Playwright's
        own timeouts wait on the page). Pending calls then fail and the next context starts
        a new browser. A shared Chromium is killed for every session using it: contexts use
        `guarded_context`'s watchdog, which disposes of only their own context."""
        if self.shared is not None:
            self.shared.kill()
            return
        import psutil

        switch = f"{SESSION_SWITCH}={self.tag}"
        for process in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if switch in process.cmdline():
                    for child in process.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            child.kill()
                    process.kill()

    @contextlib.contextmanager
    def guarded_context(
        self,
        directory: DirectoryEntry,
        *,
        timeout_ms: int = 30_000,
        watchdog_s: float | None = None,
    ) -> Iterator[GuardedContext]:
        """A new context for `directory`, its guard running and the activity tracker
        installed; closed (and the guard's proxy stopped) on exit. Inside `run()`. With
        `watchdog_s`, if the context is still in use that long after it opened, its own
        browser is killed, or, in a shared Chromium, only this context is disposed of."""
        guard = NetworkGuard(directory).start()
        try:
            options = {
                "viewport": {"width": 1280, "height": 900},
                "accept_downloads": False,
                **guard.context_options(),
            }
            try:
                context = self.browser().new_context(**options)
            except PlaywrightError:
                # Chromium died and Playwright has not noticed yet: start a new one, once.
                self._forget_browser()
                context = self.browser().new_context(**options)
            watch = _ContextWatch()
            watchdog = self._watchdog(watchdog_s, watch) if watchdog_s else None
            try:
                context.set_default_timeout(timeout_ms)
                context.add_init_script(ACTIVITY_TRACKER_JS)
                guard.install(context)
                yield GuardedContext(context, guard, on_page=self._page_watcher(watch))
            finally:
                if watchdog is not None:
                    watchdog.cancel()
                with contextlib.suppress(PlaywrightError):
                    context.close()
        finally:
            self.offload(guard.stop)  # waits for the proxy's thread: not on the hub

    def _page_watcher(self, watch: _ContextWatch) -> Callable[[Page], None]:
        """In a shared Chromium, learn the context's DevTools id from its first page's own
        target: nothing else can be mistaken for it."""

        def on_page(page: Page) -> None:
            if self.shared is None or watch.context_id is not None:
                return
            with contextlib.suppress(PlaywrightError, KeyError):
                cdp = page.context.new_cdp_session(page)
                info: dict[str, Any] = cdp.send("Target.getTargetInfo")
                watch.context_id = info["targetInfo"]["browserContextId"]
                cdp.detach()

        return on_page

    def _watchdog(self, after_s: float, watch: _ContextWatch) -> threading.Timer:
        shared = self.shared

        def fire() -> None:
            if shared is not None and watch.context_id is not None:
                shared.dispose_context(watch.context_id)
            else:
                self.kill_browser()

        timer = threading.Timer(after_s, fire)
        timer.daemon = True
        timer.start()
        return timer
