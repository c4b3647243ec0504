"""The raw baseline: a plain async Playwright script with the form mapping given.

One Chromium, one browser context per directory, K directories at a time. For each: open
the form page, fill every mapped field by its selector with its value, click the form's own
submit button, and wait for the answer (the navigation it causes to finish loading, or the
fetch it sends to be answered). A 429 or 503 is retried after its Retry-After (1 s when it
has none), at most 3 times, as any polite script does; the answer's HTTP status is the
outcome. It judges nothing else, keeps no evidence and writes nothing anywhere.

It imports nothing from the product but Chromium's launch flags (so flags are not what
differs): its mapping is the `map-form --json` output of the product's CLI (the pipeline's
own plan for the site) turned into `FieldStep`s.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from playwright.async_api import Browser, Frame, Locator, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from directory_pipeline.browser.launch import CHROMIUM_ARGS

NAVIGATION_TIMEOUT_MS = 30_000
ANSWER_TIMEOUT_MS = 45_000
FIND_FORM_TIMEOUT_S = 15.0
RETRY_STATUSES = {429, 503}
MAX_RETRIES = 3
NEXT_BUTTON = re.compile(r"\b(next|continue)\b", re.IGNORECASE)
SUBMIT_BUTTONS = (
    "button[type=submit]:visible, input[type=submit]:visible, button:not([type]):visible"
)


@dataclass(frozen=True)
class FieldStep:
    """One field of the mapping: where it is, what kind of control, what goes in."""

    selector: str
    kind: str
    value: str | list[str]


@dataclass(frozen=True)
class Target:
    """One directory to submit to: its form page and its mapping."""

    directory: str
    url: str
    fields: tuple[FieldStep, ...]


@dataclass
class RawResult:
    directory: str
    status: str  # submitted | rejected | failed
    http_status: int | None
    attempts: int
    seconds: float
    error: str | None = None


def _css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def steps_from_map_form(payload: dict) -> tuple[FieldStep, ...]:
    """The fields the plan fills on its target form, from `map-form --json`, in page order."""
    steps = []
    for row in payload["fields"]:
        if row["form_index"] != payload["target_form"] or row["action"] == "leave":
            continue
        if row.get("value") in (None, [], "") or row["kind"] == "file":
            continue
        if row["name"]:
            selector = f"[name={_css_string(row['name'])}]"
        elif row["id"]:
            selector = f"[id={_css_string(row['id'])}]"
        else:
            continue
        steps.append(FieldStep(selector=selector, kind=row["kind"], value=row["value"]))
    return tuple(steps)


async def _frame_with(page: Page, selector: str) -> Frame:
    """The frame (the page's or an iframe's) holding `selector`, once it is there: forms
    drawn late by script and forms inside frames are found the same way."""
    ends = time.monotonic() + FIND_FORM_TIMEOUT_S
    while time.monotonic() < ends:
        for frame in page.frames:
            try:
                if await frame.locator(selector).count():
                    return frame
            except PlaywrightError:
                continue
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no frame shows {selector}")


async def _reveal(form: Locator, field: Locator) -> None:
    """Click a wizard's Next until `field` shows."""
    for _ in range(6):
        if await field.is_visible():
            return
        await (
            form.locator("button:visible, input[type=button]:visible")
            .filter(has_text=NEXT_BUTTON)
            .first.click()
        )
        try:
            await field.wait_for(state="visible", timeout=3_000)
        except PlaywrightError:
            continue


async def _set(frame: Frame, step: FieldStep) -> None:
    field = frame.locator(step.selector).first
    if step.kind in {"checkbox", "radio"}:
        values = step.value if isinstance(step.value, list) else [step.value]
        for value in values:
            box = (
                field
                if value in {"on", "true"}
                else frame.locator(f"{step.selector}[value={_css_string(value)}]").first
            )
            await box.check()
    elif step.kind.startswith("select"):
        await field.select_option(step.value)
    else:
        await field.fill(step.value if isinstance(step.value, str) else ", ".join(step.value))


async def _fill(page: Page, target: Target) -> tuple[Frame, Locator]:
    """Fill the mapped fields; returns the form's frame and its submit button."""
    first = target.fields[0].selector
    frame = await _frame_with(page, first)
    form = frame.locator(first).first.locator("xpath=ancestor::form[1]")
    for step in target.fields:
        await _reveal(form, frame.locator(step.selector).first)
        await _set(frame, step)
    return frame, form.locator(SUBMIT_BUTTONS).first


async def _click_and_wait(page: Page, frame: Frame, button: Locator) -> tuple[int, float]:
    """Click submit; wait for the answer to load. Returns its status and Retry-After."""
    navigated = asyncio.Event()

    def on_navigated(changed: Frame) -> None:
        if changed == frame:
            navigated.set()

    page.on("framenavigated", on_navigated)
    try:
        async with page.expect_response(
            lambda r: r.request.method == "POST", timeout=ANSWER_TIMEOUT_MS
        ) as answer:
            await button.click()
        response = await answer.value
        if response.request.is_navigation_request():
            await asyncio.wait_for(navigated.wait(), ANSWER_TIMEOUT_MS / 1000)
            await frame.wait_for_load_state("load", timeout=ANSWER_TIMEOUT_MS)
        else:
            await response.finished()
        retry_after = response.headers.get("retry-after", "1")
        return response.status, float(retry_after) if retry_after.isdigit() else 1.0
    finally:
        page.remove_listener("framenavigated", on_navigated)


async def _attempt(page: Page, target: Target) -> tuple[int, float]:
    """One pass: form page, fill, click, answer. Returns the deciding status."""
    opened = await page.goto(target.url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
    if opened is not None and opened.status >= 400:
        retry_after = opened.headers.get("retry-after", "1")
        return opened.status, float(retry_after) if retry_after.isdigit() else 1.0
    frame, button = await _fill(page, target)
    return await _click_and_wait(page, frame, button)


async def submit_one(browser: Browser, target: Target) -> RawResult:
    started = time.perf_counter()
    context = await browser.new_context()
    status: int | None = None
    attempts = 0
    try:
        while True:
            attempts += 1
            page = await context.new_page()
            status, retry_after = await _attempt(page, target)
            await page.close()
            if status not in RETRY_STATUSES or attempts > MAX_RETRIES:
                break
            await asyncio.sleep(retry_after)
    except (PlaywrightError, TimeoutError) as exc:
        return RawResult(
            target.directory, "failed", status, attempts, time.perf_counter() - started, str(exc)
        )
    finally:
        await context.close()
    outcome = "submitted" if status is not None and status < 400 else "rejected"
    return RawResult(target.directory, outcome, status, attempts, time.perf_counter() - started)


async def _worker(browser: Browser, todo: Iterator[Target], results: list[RawResult]) -> None:
    for target in todo:
        results.append(await submit_one(browser, target))


async def run_raw_async(targets: Iterable[Target], k: int, chromium: str) -> list[RawResult]:
    """Submit to every target, `k` at a time, in one Chromium."""
    results: list[RawResult] = []
    todo = iter(list(targets))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            await asyncio.gather(*(_worker(browser, todo, results) for _ in range(k)))
        finally:
            await browser.close()
    return results


def run_raw(targets: Iterable[Target], k: int, chromium: str) -> list[dict]:
    """`run_raw_async` for synchronous callers; results as plain dicts."""
    return [asdict(r) for r in asyncio.run(run_raw_async(targets, k, chromium))]


def target_from_json(data: dict) -> Target:
    fields = tuple(FieldStep(**step) for step in data["fields"])
    return Target(directory=data["directory"], url=data["url"], fields=fields)
