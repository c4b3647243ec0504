"""The browser room: one Chromium, and guarded contexts for one directory at a time.

`BrowserSession` owns Playwright and the Chromium process (relaunched if it died) and hands
out contexts that are already behind the directory's network guard. Nothing else in the
project launches a browser for submissions, so the move to one Chromium serving many
contexts at once stays inside this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Self

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.launch import launch_chromium
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
            browser = launch_chromium(self._playwright, self.executable_path)
            self._browser = browser
        return browser

    @contextlib.contextmanager
    def guarded_context(
        self, directory: DirectoryEntry, *, timeout_ms: int = 30_000
    ) -> Iterator[GuardedContext]:
        """A new context for `directory`, its guard running; closed (and the guard's proxy
        stopped) on exit."""
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
