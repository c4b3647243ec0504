"""The browser room: one Chromium, and guarded contexts for one directory at a time.

`BrowserSession` owns Playwright and the Chromium process (relaunched if it died) and hands
out contexts that are already behind the directory's network guard. Nothing else in the
project launches a browser for submissions, so the move to one Chromium serving many
contexts at once stays inside this module.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Self

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.launch import SESSION_SWITCH, launch_chromium
from directory_pipeline.domain import DirectoryEntry


@dataclass
class GuardedContext:
    """A fresh browser context whose every request is checked against one directory."""

    context: BrowserContext
    guard: NetworkGuard


class BrowserSession:
    """Playwright and one Chromium for this thread. Use as a context manager."""

    def __init__(self, executable_path: str | None = None) -> None:
        self.executable_path = executable_path
        self.tag = uuid.uuid4().hex
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

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
        """The session's Chromium, relaunched if it crashed or was closed."""
        browser = self._browser
        if browser is None or not browser.is_connected():
            if self._playwright is None:
                raise RuntimeError("use the browser session as a context manager")
            browser = launch_chromium(self._playwright, self.executable_path, self.tag)
            self._browser = browser
        return browser

    def kill_browser(self) -> None:
        """Kill this session's Chromium from any thread: the last resort when a page holds
        a Playwright call past every timeout (a renderer spinning in a loop does: Playwright's
        own timeouts wait on the page). Pending calls then fail and the next context starts
        a new browser."""
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
        stopped) on exit. With `watchdog_s`, the browser is killed if the context is still
        in use that long after it opened."""
        watchdog = threading.Timer(watchdog_s, self.kill_browser) if watchdog_s else None
        if watchdog is not None:
            watchdog.daemon = True
            watchdog.start()
        try:
            with self._guarded_context(directory, timeout_ms) as guarded:
                yield guarded
        finally:
            if watchdog is not None:
                watchdog.cancel()

    @contextlib.contextmanager
    def _guarded_context(
        self, directory: DirectoryEntry, timeout_ms: int
    ) -> Iterator[GuardedContext]:
        with NetworkGuard(directory) as guard:
            options = {
                "viewport": {"width": 1280, "height": 900},
                "accept_downloads": False,
                **guard.context_options(),
            }
            try:
                context = self.browser().new_context(**options)
            except PlaywrightError:
                # Chromium died and Playwright has not noticed yet: start a new one, once.
                self._browser = None
                context = self.browser().new_context(**options)
            try:
                context.set_default_timeout(timeout_ms)
                guard.install(context)
                yield GuardedContext(context, guard)
            finally:
                with contextlib.suppress(PlaywrightError):
                    context.close()
