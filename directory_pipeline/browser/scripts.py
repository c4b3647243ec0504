"""Running our own JavaScript in a directory's page, with a deadline.

`frame.evaluate` has no timeout: a page that spins in a loop would hold the engine forever.
`wait_for_function` does, enforced by Playwright's driver rather than by the page, so our
readers run through it: the function's result is serialised to JSON (always truthy), and a
page that does not answer in time raises `PlaywrightTimeoutError`.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Frame, Page

DEFAULT_EVALUATE_TIMEOUT_MS = 10_000


def evaluate_within(
    where: Page | Frame,
    script: str,
    arg: Any = None,
    *,
    timeout_ms: int = DEFAULT_EVALUATE_TIMEOUT_MS,
) -> Any:
    """`script` (a JS function of one argument) evaluated in `where`, within `timeout_ms`."""
    body = script.strip().rstrip(";")
    wrapper = f"(arg) => JSON.stringify({{ value: ({body})(arg) }})"
    handle = where.wait_for_function(wrapper, arg=arg, timeout=timeout_ms)
    try:
        text = handle.json_value()
    finally:
        handle.dispose()
    return json.loads(text).get("value")
