"""Launching Chromium the way this project runs it: headless, container-safe, offline."""

from __future__ import annotations

import os
import shutil
from typing import Any

# Chromium's own background traffic (updates, sync, safe-browsing) fails on closed networks
# and slows every start; none of it is wanted when submitting forms.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def chromium_executable(configured: str | None = None) -> str | None:
    """The configured Chromium, else Debian's, else None (Playwright's own browser)."""
    for candidate in (
        configured,
        os.environ.get("CHROMIUM_EXECUTABLE_PATH"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def launch_chromium(playwright: Any, executable_path: str | None = None) -> Any:
    """A headless Chromium browser from a started `sync_playwright()`."""
    return playwright.chromium.launch(
        headless=True,
        executable_path=chromium_executable(executable_path),
        args=CHROMIUM_ARGS,
    )
