"""The attempt driver: one pass through a directory's form, and what it observed.

It loads the form page, captures and maps the form, fills it, reads the page, clicks the
form's own submit control, follows that control's request (and only that one) to its
answer, reads the page again and takes the evidence. It decides nothing: the judge reads
the `Observation` it returns.

Which request is the submit control's own: a navigation of the page (the form's action) or
a fetch/XHR started after the click, that carries the values we typed. A beacon, a
heartbeat or a pixel carries none of them and never stands in for the form's answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote_plus

from playwright.sync_api import BrowserContext, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError

from directory_pipeline.browser.capture import capture_page, wait_for_fields
from directory_pipeline.browser.evidence import PageEvidence, capture_page_evidence
from directory_pipeline.browser.fill import (
    FillError,
    FillReport,
    empty_required_fields,
    fill_form,
    submit_control,
)
from directory_pipeline.browser.judge import (
    NetworkFailure,
    Observation,
    PageSnapshot,
    PreClickStop,
    SubmitExchange,
)
from directory_pipeline.browser.logo import LogoFile, LogoUnavailable, fetch_logo
from directory_pipeline.browser.network_policy import NetworkPolicy
from directory_pipeline.browser.playwright_hub import pause
from directory_pipeline.browser.proxy import GUARD_HEADER, GuardAnswer, GuardProxy
from directory_pipeline.browser.scripts import evaluate_within
from directory_pipeline.browser.session import GuardedContext
from directory_pipeline.domain import BusinessProfile, DirectoryEntry
from directory_pipeline.forms.mapper import FieldClassifier, PlanCache, map_form
from directory_pipeline.forms.plan import FormPlan
from directory_pipeline.forms.schema import FormSchema

_READ_PAGE_JS = """
() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const texts = (selector) => Array.from(document.querySelectorAll(selector)).filter(shown)
    .map((el) => el.innerText.trim()).filter(Boolean);
  const controls = Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((el) => el.type !== 'hidden' && el.type !== 'password' && shown(el));
  const label = (el) => el.name || el.id || el.type;
  const captcha = !!document.querySelector([
    'iframe[src*="recaptcha"]', 'iframe[src*="hcaptcha"]', 'iframe[src*="turnstile"]',
    'iframe[src*="challenges.cloudflare"]', '.g-recaptcha', '.h-captcha', '.cf-turnstile',
    '[data-sitekey]', 'img[src*="captcha" i]', 'img[alt*="captcha" i]',
    'img[class*="captcha" i]', '[class*="captcha" i] img', '[id*="captcha" i] img',
    '[class*="captcha" i] svg', '[id*="captcha" i] svg', 'input[name*="captcha" i]'].join(','));
  const inForms = controls.filter((el) => el.form);
  // Words on buttons and links ("No thank you") are choices offered, not the page speaking.
  const offered = new Set(texts('button, a, [role=button], [role=link], label, option, summary')
    .map((t) => t.replace(/\\s+/g, ' ').trim()));
  return {
    status: texts('[role=status], [aria-live=polite], [aria-live=assertive], output'),
    alerts: texts('[role=alert], .error, .errors, .alert-danger, .alert-error,'
      + ' .invalid-feedback, .field-error, .form-error, .errorlist, .notice-error,'
      + ' [class*="error-message"]'),
    body: (document.body ? document.body.innerText.split('\\n') : [])
      .filter((line) => !offered.has(line.replace(/\\s+/g, ' ').trim())),
    invalid: controls.filter((el) => el.getAttribute('aria-invalid') === 'true').map(label),
    browserInvalid: inForms.filter((el) => el.matches(':invalid')).map(label),
    captcha,
    values: inForms.filter((el) => el.name).map((el) => [el.name,
      (el.type === 'checkbox' || el.type === 'radio') ? String(el.checked) : String(el.value)]),
  };
}
"""

_SUBMIT_METHODS = {"POST", "PUT", "PATCH"}
_NEVER_THE_FORM = {"ping", "beacon", "image", "stylesheet", "font", "script", "media"}
_MARKER_MIN_LENGTH = 4


@dataclass
class AttemptHooks:
    """Fault injection for tests: called at the worst moments. Never set in production."""

    after_submit_answer: Callable[[], None] | None = None  # the directory answered the POST


class Deadline:
    """A time budget for one directory; every browser step gets what is left of it."""

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds

    def remaining_s(self) -> float:
        return max(self._ends - time.monotonic(), 0.0)

    def ms(self, cap_ms: int) -> int:
        """The step's own timeout, or what is left of the budget if that is less."""
        return max(min(cap_ms, int(self.remaining_s() * 1000)), 1)

    @property
    def expired(self) -> bool:
        return self.remaining_s() <= 0


@dataclass
class AttemptRecord:
    """What one attempt saw and kept: the judge's input, and the evidence."""

    observation: Observation
    evidence: PageEvidence | None = None
    plan: FormPlan | None = None
    report: FillReport = field(default_factory=FillReport)
    timings: dict[str, float] = field(default_factory=dict)
    submit_request: str | None = None


class _RequestLog:
    """Every request of the context after the click, and what became of each."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.answers: dict[Request, Response] = {}
        self.failures: dict[Request, str] = {}

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_failed)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request)

    def _on_response(self, response: Response) -> None:
        self.answers[response.request] = response

    def _on_failed(self, request: Request) -> None:
        self.failures[request] = request.failure or ""

    def settled(self, request: Request) -> bool:
        return request in self.answers or request in self.failures


def _carried_text(request: Request) -> str:
    try:
        body = request.post_data_buffer or b""
    except (PlaywrightError, ValueError):
        body = b""
    raw = body.decode("utf-8", errors="ignore") + " " + request.url
    return raw + " " + unquote_plus(raw)


def submit_rank(request: Request, markers: list[str]) -> int | None:
    """How surely `request` is the submit control's own (lower is surer); None if not."""
    if request.resource_type in _NEVER_THE_FORM:
        return None
    carries = not markers or any(m in _carried_text(request) for m in markers)
    if not carries:
        return None
    if request.is_navigation_request():
        return 0 if request.method in _SUBMIT_METHODS else 1
    if request.resource_type in {"fetch", "xhr"} and request.method in _SUBMIT_METHODS:
        return 2
    return None


def _failure_kind(text: str, guard: GuardProxy, started: dt.datetime) -> NetworkFailure:
    text = text.upper()
    if "BLOCKED_BY_CLIENT" in text:
        return NetworkFailure.BLOCKED
    if "CONNECTION_REFUSED" in text:
        return NetworkFailure.REFUSED
    if "CONNECTION_RESET" in text or "EMPTY_RESPONSE" in text:
        return NetworkFailure.RESET
    if "TIMED_OUT" in text:
        return NetworkFailure.TIMED_OUT
    if "TUNNEL_CONNECTION_FAILED" in text:
        answers = {e.answer for e in guard.events if e.at >= started}
        if GuardAnswer.REFUSED in answers:
            return NetworkFailure.BLOCKED
        if GuardAnswer.ORIGIN_REFUSED in answers:
            return NetworkFailure.REFUSED
    return NetworkFailure.OTHER


def _guard_answer(response: Response) -> GuardAnswer | None:
    value = response.headers.get(GUARD_HEADER)
    try:
        return GuardAnswer(value) if value else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)


def _call(blocking: Callable[[], Any]) -> Any:
    return blocking()


def _pump(page: Page, until: Callable[[], bool], timeout_ms: int) -> bool:
    """Let Playwright deliver events until `until()` holds; False at the timeout."""
    ends = time.monotonic() + timeout_ms / 1000
    while not until():
        if time.monotonic() >= ends:
            return False
        try:
            pause(page, 0.05)  # Playwright's event loop delivers the request log's events
        except PlaywrightError:
            return until()
    return True


class AttemptDriver:
    """Drives one attempt in a guarded context; see the module docstring."""

    def __init__(
        self,
        *,
        cache: PlanCache | None = None,
        classifier: FieldClassifier | None = None,
        hooks: AttemptHooks | None = None,
        navigation_timeout_ms: int = 30_000,
        submit_timeout_ms: int = 45_000,
        request_wait_ms: int = 15_000,
        offload: Callable[[Callable[[], Any]], Any] | None = None,
    ) -> None:
        """`offload(fn)` runs what blocks without a Playwright call (the plan cache, the LLM,
        the journal, image work) so that a shared Playwright hub keeps serving other pages."""
        self.offload: Callable[[Callable[[], Any]], Any] = offload or _call
        self.cache = cache
        self.classifier = classifier
        self.hooks = hooks or AttemptHooks()
        self.navigation_timeout_ms = navigation_timeout_ms
        self.submit_timeout_ms = submit_timeout_ms
        self.request_wait_ms = request_wait_ms

    # -- the page before the click ---------------------------------------------------------
    def read(self, page: Page, deadline: Deadline) -> PageSnapshot:
        parts: list[dict] = []
        for frame in page.frames:
            try:
                parts.append(evaluate_within(frame, _READ_PAGE_JS, timeout_ms=deadline.ms(10_000)))
            except PlaywrightError:
                continue
        values = [tuple(v) for p in parts for v in p["values"]]
        return PageSnapshot(
            url=page.url,
            status_texts=tuple(t for p in parts for t in p["status"]),
            alert_texts=tuple(t for p in parts for t in p["alerts"]),
            body_lines=tuple(line for p in parts for line in p["body"] if line.strip()),
            invalid_fields=tuple(n for p in parts for n in p["invalid"]),
            browser_invalid_fields=tuple(n for p in parts for n in p["browserInvalid"]),
            captcha=any(p["captcha"] for p in parts),
            form_values=tuple(values) if values else None,  # type: ignore[arg-type]
        )

    def _logo_for(
        self, schema: FormSchema, plan: FormPlan, profile: BusinessProfile
    ) -> LogoFile | None:
        wants_logo = any(
            f.kind == "file" and (d := plan.decision(f.key)) is not None and d.profile_key == "logo"
            for f in schema.fields_of(plan.target_form if plan.target_form is not None else -1)
        )
        if not wants_logo or not profile.logo:
            return None
        with GuardProxy(NetworkPolicy.public_internet()) as proxy:
            try:
                return fetch_logo(profile.logo, proxy.url)
            except LogoUnavailable:
                return None

    def _stop(
        self,
        record: AttemptRecord,
        page: Page | None,
        stop: PreClickStop,
        detail: str,
        **extra: object,
    ) -> AttemptRecord:
        record.observation = Observation(stopped=stop, stop_detail=detail[:400], **extra)  # type: ignore[arg-type]
        if page is not None:
            with contextlib.suppress(PlaywrightError):
                record.evidence = capture_page_evidence(page, offload=self.offload)
        return record

    # -- one attempt -------------------------------------------------------------------------
    def run(
        self,
        guarded: GuardedContext,
        directory: DirectoryEntry,
        profile: BusinessProfile,
        deadline: Deadline,
        before_click: Callable[[FormPlan], None],
    ) -> AttemptRecord:
        """One pass. `before_click(plan)` runs right before the click (the journal's intent);
        if it raises, nothing is clicked."""
        record = AttemptRecord(observation=Observation())
        guard = guarded.guard
        started = time.perf_counter()
        page: Page | None = None
        try:
            page = guarded.new_page()
            response = page.goto(
                directory.submit_url,
                wait_until="load",
                timeout=deadline.ms(self.navigation_timeout_ms),
            )
        except PlaywrightError as exc:
            return self._stop(record, page, PreClickStop.FORM_PAGE_UNREACHABLE, str(exc))
        if (
            response is not None and _guard_answer(response) is GuardAnswer.REFUSED
        ) or not guard.allows(page.url):
            return self._stop(record, page, PreClickStop.FORM_PAGE_OUTSIDE, page.url)
        if response is not None and response.status >= 400:
            return self._stop(
                record,
                page,
                PreClickStop.FORM_PAGE_HTTP_ERROR,
                response.status_text,
                form_page_status=response.status,
                form_page_retry_after_s=_retry_after(response.headers.get("retry-after")),
            )
        try:
            schema = capture_page(page, timeout_ms=deadline.ms(10_000))
            record.timings["capture_s"] = time.perf_counter() - started
            plan: FormPlan = self.offload(
                lambda: map_form(
                    schema,
                    directory_slug=directory.slug,
                    cache=self.cache,
                    classifier=self.classifier,
                )
            )
            record.plan = plan
            record.timings["map_s"] = time.perf_counter() - started - record.timings["capture_s"]
            if self._captcha_in_form(schema, plan):
                return self._stop(record, page, PreClickStop.CAPTCHA, "the form asks for a CAPTCHA")
            logo = self.offload(lambda: self._logo_for(schema, plan, profile))
            fill_error: FillError | None = None
            try:
                record.report = fill_form(page, schema, plan, profile, logo=logo)
                record.report.missing_required += empty_required_fields(page, schema, plan)
            except FillError as exc:
                fill_error = exc
            # One reading of the page serves the CAPTCHA check (a widget outside the form's
            # fields) and the judge's "before": a CAPTCHA outranks a field we cannot fill.
            before = self.read(page, deadline)
            if before.captcha:
                return self._stop(record, page, PreClickStop.CAPTCHA, "the page asks for a CAPTCHA")
            if fill_error is not None:
                raise fill_error
            if record.report.missing_required:
                raise FillError(
                    "required fields cannot be filled from the profile: "
                    + ", ".join(record.report.missing_required)
                )
            assert plan.target_form is not None
            button = submit_control(page, schema, plan.target_form)
        except FillError as exc:
            return self._stop(record, page, PreClickStop.CANNOT_FILL, str(exc))
        except PlaywrightError as exc:
            return self._stop(record, page, PreClickStop.BROWSER_TROUBLE, str(exc))
        if deadline.expired:
            return self._stop(record, page, PreClickStop.BROWSER_TROUBLE, "out of time")

        self.offload(lambda: before_click(plan))
        return self._click_and_observe(record, page, guard, button, before, deadline, started)

    def _captcha_in_form(self, schema: FormSchema, plan: FormPlan) -> bool:
        return any(
            d.action == "leave" and d.reason.startswith("captcha")
            for f in schema.fields_of(plan.target_form if plan.target_form is not None else -1)
            for d in [plan.decision(f.key)]
            if d is not None
        )

    def _click_and_observe(
        self,
        record: AttemptRecord,
        page: Page,
        guard,  # NetworkGuard; untyped to keep the import graph one-way
        button,
        before: PageSnapshot,
        deadline: Deadline,
        started: float,
    ) -> AttemptRecord:
        markers = sorted(
            {
                value
                for name, value in (before.form_values or ())
                if name in record.report.filled
                and len(value.strip()) >= _MARKER_MIN_LENGTH
                and value not in {"true", "false"}
            },
            key=len,
            reverse=True,
        )
        log = _RequestLog()
        log.attach(page.context)
        click_at = dt.datetime.now(dt.UTC)
        submit_started = time.perf_counter()
        error: str | None = None
        submit: Request | None = None
        try:
            button.click(timeout=deadline.ms(self.navigation_timeout_ms), no_wait_after=True)
            submit = self._submit_request(page, log, markers, deadline)
            if submit is not None:
                _pump(
                    page,
                    lambda: self._chain_settled(log, submit),
                    deadline.ms(self.submit_timeout_ms),
                )
            if self.hooks.after_submit_answer is not None:
                self.hooks.after_submit_answer()
            with contextlib.suppress(PlaywrightError):
                page.wait_for_load_state("load", timeout=deadline.ms(self.submit_timeout_ms))
            wait_for_fields(page, timeout_ms=deadline.ms(10_000))
        except PlaywrightError as exc:
            error = f"the browser failed after the submit click: {exc}"
        record.timings["submit_s"] = time.perf_counter() - submit_started
        after: PageSnapshot | None = None
        try:
            after = self.read(page, deadline)
        except PlaywrightError as exc:
            error = error or f"the page could not be read after the click: {exc}"
        exchange = self._exchange(log, submit, guard, click_at) if submit is not None else None
        record.submit_request = f"{submit.method} {submit.url}" if submit is not None else None
        with contextlib.suppress(PlaywrightError):
            record.evidence = capture_page_evidence(page, offload=self.offload)
        record.timings["total_s"] = time.perf_counter() - started
        record.observation = Observation(
            clicked=True,
            before=before,
            after=after,
            submit=exchange,
            final_url_inside=guard.allows(page.url),
            error_after_click=error,
        )
        return record

    def _submit_request(
        self, page: Page, log: _RequestLog, markers: list[str], deadline: Deadline
    ) -> Request | None:
        """The submit control's own request: wait until it shows, or the page settles
        without one."""
        quiet_since = [time.monotonic()]
        seen = [0]

        def found() -> Request | None:
            ranked = [(r, submit_rank(r, markers)) for r in log.requests]
            candidates = [(rank, i, r) for i, (r, rank) in enumerate(ranked) if rank is not None]
            return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None

        def settled_without_one() -> bool:
            if len(log.requests) != seen[0]:
                seen[0] = len(log.requests)
                quiet_since[0] = time.monotonic()
            return time.monotonic() - quiet_since[0] > 2.0 and all(
                log.settled(r) for r in log.requests
            )

        _pump(
            page,
            lambda: found() is not None or settled_without_one(),
            deadline.ms(self.request_wait_ms),
        )
        first = found()
        if first is not None and first.is_navigation_request():
            return first
        # A fetch was seen first; give a slower native navigation a moment to show too.
        _pump(page, lambda: first is None or log.settled(first), deadline.ms(2_000))
        return found()

    @staticmethod
    def _chain(request: Request) -> list[Request]:
        hops = [request]
        while hops[-1].redirected_to is not None and len(hops) < 20:
            hops.append(hops[-1].redirected_to)  # type: ignore[arg-type]
        return hops

    def _chain_settled(self, log: _RequestLog, request: Request) -> bool:
        last = self._chain(request)[-1]
        if not log.settled(last):
            return False
        answer = log.answers.get(last)
        return answer is None or not (300 <= answer.status < 400 and answer.headers.get("location"))

    def _exchange(
        self, log: _RequestLog, submit: Request, guard, click_at: dt.datetime
    ) -> SubmitExchange:
        hops = self._chain(submit)
        first = log.answers.get(submit)
        left = (
            any(not guard.allows(hop.url) for hop in hops[1:])
            or any(
                (a := log.answers.get(hop)) is not None and _guard_answer(a) is GuardAnswer.REFUSED
                for hop in hops[1:]
            )
            or any(
                hop in log.failures and "BLOCKED_BY_CLIENT" in log.failures[hop].upper()
                for hop in hops[1:]
            )
        )
        exchange = {"method": submit.method, "url": submit.url, "left_directory": left}
        if first is None:
            failure = log.failures.get(submit)
            kind = (
                _failure_kind(failure, guard.proxy, click_at)
                if failure is not None
                else NetworkFailure.TIMED_OUT
            )
            return SubmitExchange(**exchange, failure=kind)  # type: ignore[arg-type]
        synthetic = _guard_answer(first)
        if synthetic is GuardAnswer.REFUSED:
            return SubmitExchange(**exchange, failure=NetworkFailure.BLOCKED)  # type: ignore[arg-type]
        if synthetic is GuardAnswer.ORIGIN_REFUSED:
            return SubmitExchange(**exchange, failure=NetworkFailure.REFUSED)  # type: ignore[arg-type]
        if synthetic is GuardAnswer.ORIGIN_RESET:
            return SubmitExchange(**exchange, failure=NetworkFailure.RESET)  # type: ignore[arg-type]
        return SubmitExchange(
            **exchange,  # type: ignore[arg-type]
            status=first.status,
            retry_after_s=_retry_after(first.headers.get("retry-after")),
        )
