"""Capture every user-editable field of every form on a page, including iframes and fields
that JavaScript renders late, into a `FormSchema`."""

from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from directory_pipeline.browser.scripts import evaluate_within
from directory_pipeline.forms.schema import CapturedForm, FormField, FormSchema

_CAPTURE_JS = resources.files("directory_pipeline.browser").joinpath("capture.js").read_text()

# Installed before any page script runs: counts short timers and requests in flight, so
# "the page has settled" is a state we can wait on instead of a guess in seconds.
ACTIVITY_TRACKER_JS = """
(() => {
  if (window.__dpActivity) return;
  const pendingTimers = new Set();
  let requests = 0;
  const setT = window.setTimeout, clearT = window.clearTimeout;
  window.setTimeout = function (fn, delay, ...args) {
    const short = (Number(delay) || 0) <= 5000;
    const id = setT.call(window, function () {
      pendingTimers.delete(id);
      return typeof fn === 'function' ? fn.apply(this, arguments) : undefined;
    }, delay, ...args);
    if (short) pendingTimers.add(id);
    return id;
  };
  window.clearTimeout = function (id) { pendingTimers.delete(id); return clearT.call(window, id); };
  const origFetch = window.fetch;
  if (origFetch) window.fetch = function () {
    requests++;
    return origFetch.apply(this, arguments).finally(() => { requests--; });
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    requests++;
    this.addEventListener('loadend', () => { requests--; }, { once: true });
    return send.apply(this, arguments);
  };
  window.__dpActivity = () => pendingTimers.size + requests;
})();
"""

# Everything matching a selector, open shadow roots included, in the order Playwright's CSS
# engine finds them (the document first, then each shadow root depth-first).
_DEEP_ALL_JS = """
const deepAll = (root, selector) => {
  const found = Array.from(root.querySelectorAll(selector));
  for (const host of root.querySelectorAll('*'))
    if (host.shadowRoot) found.push(...deepAll(host.shadowRoot, selector));
  return found;
};
"""

# True once no short timer or request is pending and the fields (shadow roots' too) have not
# changed for `settle` ms.
_SETTLED_JS = (
    """
(settle) => {"""
    + _DEEP_ALL_JS
    + """
  const busy = window.__dpActivity ? window.__dpActivity() : 0;
  const n = deepAll(document, 'input, select, textarea, iframe').length;
  const now = performance.now();
  const key = n + ':' + busy;
  if (window.__dpFieldKey !== key) {
    window.__dpFieldKey = key;
    window.__dpSince = now;
    return false;
  }
  return busy === 0 && now - window.__dpSince >= settle;
}
"""
)

_FRAME_SELECTOR_JS = (
    """
(el) => {"""
    + _DEEP_ALL_JS
    + """
  if (el.id && deepAll(document, '#' + CSS.escape(el.id)).length === 1)
    return 'iframe#' + CSS.escape(el.id);
  if (el.name) return `iframe[name="${el.name}"]`;
  const frames = deepAll(document, 'iframe');
  return `iframe >> nth=${frames.indexOf(el)}`;
}
"""
)


# How long the page must stay quiet (no short timer or request pending, the same fields) to
# count as settled. Anything still on its way keeps the tracker busy, so the window only
# covers work the tracker cannot see (animation frames, microtasks): 150 ms is many frames.
SETTLE_MS = 150
SETTLE_POLL_MS = 50


def wait_for_fields(page: Page, settle_ms: int = SETTLE_MS, timeout_ms: int = 10_000) -> None:
    """Wait until the page's fields stop changing; give up quietly at the timeout."""
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(
            _SETTLED_JS, arg=settle_ms, timeout=timeout_ms, polling=SETTLE_POLL_MS
        )


def _frame_path(frame: Frame) -> str:
    """`iframe#a >> iframe#b`: how to reach a frame from the page, for frame_locator()."""
    parts: list[str] = []
    node: Frame | None = frame
    while node is not None and node.parent_frame is not None:
        element = node.frame_element()
        parts.append(str(evaluate_within(node.parent_frame, _FRAME_SELECTOR_JS, element)))
        node = node.parent_frame
    return " >> ".join(reversed(parts))


_LANG_JS = "() => document.documentElement.getAttribute('lang') || ''"


def _capture_frame(frame: Frame) -> dict[str, Any] | None:
    try:
        return evaluate_within(frame, _CAPTURE_JS)
    except PlaywrightError:
        return None  # detached or navigating frame: nothing to capture there


def capture_page(page: Page, *, settle_ms: int = SETTLE_MS, timeout_ms: int = 10_000) -> FormSchema:
    """The forms of an already loaded page and its iframes."""
    wait_for_fields(page, settle_ms, timeout_ms)
    forms: list[CapturedForm] = []
    fields: list[FormField] = []
    frames = [page.main_frame] + [f for f in page.frames if f is not page.main_frame]
    for frame in frames:
        data = _capture_frame(frame)
        if data is None and frame is page.main_frame:
            raise PlaywrightError("the page did not answer the form capture")
        if data is None:
            continue
        frame_path = "" if frame is page.main_frame else _frame_path(frame)
        offset = len(forms)
        for form in data["forms"]:
            forms.append(
                CapturedForm(**{**form, "index": offset + form["index"], "frame": frame_path})
            )
        orphans = [f for f in data["fields"] if f["form_index"] < 0]
        virtual_index = len(forms)
        if orphans:
            forms.append(CapturedForm(index=virtual_index, frame=frame_path, is_virtual=True))
        positions: dict[int, int] = {}
        for field in data["fields"]:
            index = virtual_index if field["form_index"] < 0 else offset + field["form_index"]
            positions[index] = positions.get(index, -1) + 1
            fields.append(
                FormField(
                    **{
                        **field,
                        "form_index": index,
                        "frame": frame_path,
                        "position": positions[index],
                    }
                )
            )
    return FormSchema(
        url=page.url, forms=forms, fields=fields, declared_language=_declared_language(page)
    )


def _declared_language(page: Page) -> str:
    try:
        return str(evaluate_within(page.main_frame, _LANG_JS) or "")[:35]
    except PlaywrightError:
        return ""


def open_target(page: Page, target: str, *, timeout_ms: int = 30_000) -> None:
    """Load a URL, or a saved HTML file given by path."""
    page.add_init_script(ACTIVITY_TRACKER_JS)
    path = Path(target)
    url = path.resolve().as_uri() if "://" not in target and path.exists() else target
    page.goto(url, wait_until="load", timeout=timeout_ms)
