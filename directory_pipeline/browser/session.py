"""The browser room: guarded contexts for one directory at a time, in a Chromium of the
session's own or in the run's shared one.

`BrowserSession` owns this thread's Playwright and hands out contexts that are already
behind the directory's network guard. Alone, it launches a Chromium of its own (relaunched if
it died). Given a `SharedChromium`, it connects to that one over CDP instead: many sessions,
one per worker thread, then open their contexts in one browser.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Self

from playwright.sync_api import Browser, BrowserContext, CDPSession, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.launch import SESSION_SWITCH, launch_chromium
from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.domain import DirectoryEntry


@dataclass
class GuardedContext:
    """A fresh browser context whose every request is checked against one directory."""

    context: BrowserContext
    guard: NetworkGuard


class BrowserSession:
    """Playwright for this thread, and its Chromium (own or shared). Use as a context
    manager."""

    def __init__(
        self, executable_path: str | None = None, shared: SharedChromium | None = None
    ) -> None:
        self.executable_path = executable_path
        self.shared = shared
        self.tag = shared.tag if shared is not None else uuid.uuid4().hex
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._cdp: CDPSession | None = None

    def __enter__(self) -> Self:
        self._playwright = sync_playwright().start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None

    def browser(self) -> Browser:
        """The session's Chromium, relaunched (or reconnected) if it crashed or was closed."""
        browser = self._browser
        if browser is None or not browser.is_connected():
            if self._playwright is None:
                raise RuntimeError("use the browser session as a context manager")
            if self.shared is not None:
                browser = self._playwright.chromium.connect_over_cdp(self.shared.endpoint())
                self._cdp = browser.new_browser_cdp_session()
            else:
                browser = launch_chromium(self._playwright, self.executable_path, self.tag)
            self._browser = browser
        return browser

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
        """A new context for `directory`, its guard running; closed (and the guard's proxy
        stopped) on exit. With `watchdog_s`, if the context is still in use that long after
        it opened, its own browser is killed, or, in a shared Chromium, only this context
        is disposed of."""
        with NetworkGuard(directory) as guard:
            options = {
                "viewport": {"width": 1280, "height": 900},
                "accept_downloads": False,
                **guard.context_options(),
            }
            try:
                context, context_id = self._new_context(options)
            except PlaywrightError:
                # Chromium died and Playwright has not noticed yet: start a new one, once.
                self._browser = None
                context, context_id = self._new_context(options)
            watchdog = self._watchdog(watchdog_s, context_id) if watchdog_s else None
            try:
                context.set_default_timeout(timeout_ms)
                guard.install(context)
                yield GuardedContext(context, guard)
            finally:
                if watchdog is not None:
                    watchdog.cancel()
                with contextlib.suppress(PlaywrightError):
                    context.close()

    def _new_context(self, options: dict[str, Any]) -> tuple[BrowserContext, str | None]:
        """A context, and in a shared Chromium its DevTools id (what the watchdog needs):
        the one id that appeared while this session held the creation lock."""
        browser = self.browser()
        if self.shared is None or self._cdp is None:
            return browser.new_context(**options), None
        with self.shared.context_creation:
            before = set(self._cdp.send("Target.getBrowserContexts")["browserContextIds"])
            context = browser.new_context(**options)
            after = set(self._cdp.send("Target.getBrowserContexts")["browserContextIds"])
        created = after - before
        return context, created.pop() if len(created) == 1 else None

    def _watchdog(self, after_s: float, context_id: str | None) -> threading.Timer:
        shared = self.shared
        if shared is not None and context_id is not None:
            action = functools.partial(shared.dispose_context, context_id)
        else:
            action = self.kill_browser
        timer = threading.Timer(after_s, action)
        timer.daemon = True
        timer.start()
        return timer
