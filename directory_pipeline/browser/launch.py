"""Launching Chromium the way this project runs it: headless, container-safe, offline, and
with none of our secrets in its environment."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
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
    "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter",
]

# What Chromium may inherit from our environment: how to find its libraries, fonts, locale
# and a temp folder. Everything else (DATABASE_URL, AWS_*, SUPABASE_*, LLM keys, ...) stays
# out: a compromised renderer must find nothing worth taking.
_INHERITED = (
    "PATH",
    "HOME",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "FONTCONFIG_PATH",
    "FONTCONFIG_FILE",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_RUNTIME_DIR",
    "DISPLAY",
    "LD_LIBRARY_PATH",
)


def browser_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment Chromium is started with: an allow-list, not a deny-list."""
    source = os.environ if environ is None else environ
    kept = {name: source[name] for name in _INHERITED if name in source}
    kept.update({name: value for name, value in source.items() if name.startswith("LC_")})
    return kept


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


SESSION_SWITCH = "--directory-pipeline-session"


def launch_chromium(
    playwright: Any, executable_path: str | None = None, session: str | None = None
) -> Any:
    """A headless Chromium browser from a started `sync_playwright()`. `session` tags the
    process's command line (Chromium ignores the switch) so it can be found to be killed."""
    tag = [f"{SESSION_SWITCH}={session}"] if session else []
    return playwright.chromium.launch(
        headless=True,
        executable_path=chromium_executable(executable_path),
        args=CHROMIUM_ARGS + tag,
        env=browser_environment(),
    )
