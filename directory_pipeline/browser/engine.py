"""The submission engine: one Chromium per process, a fresh context per submission, a plan
executed in the directory's form, and an outcome proven with evidence.

Exactly-once: the attempt journal gets the intent before the submit click and the result
after it; a (job, directory) already settled, or left in doubt by a crash, is not submitted
again unless staff force it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import time
import uuid
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pydantic import BaseModel

from directory_pipeline.browser.evidence import SNAPSHOT_JS, EvidenceStore, evidence_json
from directory_pipeline.browser.fill import (
    FillError,
    FillReport,
    alternate_phone,
    empty_required_fields,
    field_locator,
    fill_form,
    submit_control,
)
from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.launch import launch_chromium
from directory_pipeline.browser.outcome import PageReading, read_outcome
from directory_pipeline.browser.throttle import DirectoryThrottle
from directory_pipeline.domain import (
    BusinessProfile,
    DirectoryEntry,
    Evidence,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.forms.capture import ACTIVITY_TRACKER_JS, capture_page, wait_for_fields
from directory_pipeline.forms.mapper import FieldClassifier, PlanCache, map_form
from directory_pipeline.forms.plan import FormPlan
from directory_pipeline.forms.schema import FormSchema
from directory_pipeline.store.attempts import Attempt, AttemptJournal

# Test hook: makes the process die right after the directory answered the submit click and
# before the answer is read, the worst moment for exactly-once. Never set in production.
FAULT_ENV = "DIRECTORY_PIPELINE_FAULT"
CRASH_AFTER_SUBMIT = "crash-after-submit-click"

_READ_PAGE_JS = """
() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const text = (selector) => Array.from(document.querySelectorAll(selector)).filter(shown)
    .map((el) => el.innerText.trim()).filter(Boolean).join(' \\n ');
  const controls = Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((el) => el.type !== 'hidden' && shown(el));
  const invalid = controls.filter((el) => el.getAttribute('aria-invalid') === 'true')
    .map((el) => el.name || el.id || el.type);
  // Fields the browser itself refuses (required, pattern): only telling when nothing was
  // posted, since a result page's own search or newsletter boxes are "invalid" when empty.
  const browserInvalid = controls.filter((el) => el.form && el.matches(':invalid'))
    .map((el) => el.name || el.id || el.type);
  const captcha = !!document.querySelector([
    'iframe[src*="recaptcha"]', 'iframe[src*="hcaptcha"]', 'iframe[src*="turnstile"]',
    'iframe[src*="challenges.cloudflare"]', '.g-recaptcha', '.h-captcha', '.cf-turnstile',
    '[data-sitekey]', 'img[src*="captcha" i]', 'img[alt*="captcha" i]',
    'img[class*="captcha" i]', '[class*="captcha" i] img', '[id*="captcha" i] img',
    '[class*="captcha" i] svg', '[id*="captcha" i] svg', 'input[name*="captcha" i]'].join(','));
  return {
    status: text('[role=status], [aria-live=polite], [aria-live=assertive], output'),
    alerts: text('[role=alert], .error, .errors, .alert-danger, .alert-error, .invalid-feedback,'
      + ' .field-error, .form-error, .errorlist, .notice-error, [class*="error-message"]'),
    invalid, browserInvalid, captcha, body: document.body ? document.body.innerText : '',
  };
}
"""

TRANSIENT_HTTP = {429, 500, 502, 503, 504}


class EngineConfig(BaseModel):
    chromium_executable_path: str | None = None
    navigation_timeout_ms: int = 30_000
    submit_timeout_ms: int = 45_000
    max_transient_retries: int = 3
    max_retry_after_seconds: float = 120.0
    backoff_seconds: float = 1.0


class SubmissionResult(BaseModel):
    """What `submit()` returns: the outcome, or the earlier attempt that settled it."""

    outcome: SubmissionOutcome
    filled: dict[str, str] = {}
    timings: dict[str, float] = {}
    plan_source: str | None = None
    blocked_requests: list[str] = []
    reused: bool = False
    preview_jpeg_b64: str | None = None  # a small view of the last page, for the UI


@dataclass
class _Attempt:
    """One pass through the form: what it saw and what it proved."""

    reading: PageReading | None = None
    http_status: int | None = None
    retry_after: float | None = None
    final_url: str = ""
    evidence: Evidence | None = None
    report: FillReport = field(default_factory=FillReport)
    plan: FormPlan | None = None
    timings: dict[str, float] = field(default_factory=dict)
    preview: bytes | None = None


class SubmissionEngine:
    """Submits profiles to directories in real Chromium. Use as a context manager."""

    def __init__(
        self,
        evidence: EvidenceStore,
        *,
        config: EngineConfig | None = None,
        journal: AttemptJournal | None = None,
        cache: PlanCache | None = None,
        classifier: FieldClassifier | None = None,
        throttle: DirectoryThrottle | None = None,
    ) -> None:
        self.evidence = evidence
        self.config = config or EngineConfig()
        self.journal = journal
        self.cache = cache
        self.classifier = classifier
        self.throttle = throttle or DirectoryThrottle()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    # -- browser lifecycle -------------------------------------------------------------
    def __enter__(self) -> SubmissionEngine:
        self._playwright = sync_playwright().start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def _browser_ready(self) -> Browser:
        """The process's one Chromium, relaunched if it crashed or was closed."""
        browser = self._browser
        if browser is None or not browser.is_connected():
            assert self._playwright is not None, "use the engine as a context manager"
            browser = launch_chromium(self._playwright, self.config.chromium_executable_path)
            self._browser = browser
        return browser

    # -- public ------------------------------------------------------------------------
    def submit(
        self,
        directory: DirectoryEntry,
        profile: BusinessProfile,
        *,
        job_id: uuid.UUID | None = None,
        force: bool = False,
    ) -> SubmissionResult:
        if not directory.enabled:
            return self._policy_skip(directory, "directory is disabled in the catalog")
        if directory.requires_payment:
            return self._policy_skip(directory, "directory only takes paid listings")
        if self.journal is not None and job_id is not None and not force:
            earlier = self._settled_earlier(job_id, directory)
            if earlier is not None:
                return earlier
        with self.throttle.slot(directory):
            return self._submit_with_retries(directory, profile, job_id, force)

    # -- policy and journal ------------------------------------------------------------
    def _policy_skip(self, directory: DirectoryEntry, reason: str) -> SubmissionResult:
        return SubmissionResult(
            outcome=SubmissionOutcome(
                status=SubmissionStatus.SKIPPED,
                directory_slug=directory.slug,
                reason=reason,
                attempts=0,
            )
        )

    def _settled_earlier(
        self, job_id: uuid.UUID, directory: DirectoryEntry
    ) -> SubmissionResult | None:
        assert self.journal is not None
        history = self.journal.history(job_id, directory.slug)
        if not history:
            return None
        last = history[-1]
        if last.result_at is None:
            outcome = self.journal.settle_interrupted(last)
            return SubmissionResult(reused=True, outcome=outcome)
        if last.status is not None and last.status.settles_directory:
            return SubmissionResult(
                reused=True, outcome=AttemptJournal.outcome_of(last, len(history))
            )
        return None

    # -- the attempt loop --------------------------------------------------------------
    def _submit_with_retries(
        self,
        directory: DirectoryEntry,
        profile: BusinessProfile,
        job_id: uuid.UUID | None,
        force: bool,
    ) -> SubmissionResult:
        attempts = 0
        fixed_once = False
        renewed_once = False
        transient = 0
        last: _Attempt | None = None
        blocked: list[str] = []
        phone_override: str | None = None
        while True:
            attempts += 1
            guard = NetworkGuard(directory)
            journal_entry: list[Attempt] = []
            try:
                last = self._one_attempt(
                    directory, profile, guard, job_id, force, journal_entry, phone_override
                )
            except (PlaywrightError, FillError) as exc:
                last = last or _Attempt()
                outcome = self._after_error(directory, exc, journal_entry, attempts)
                if outcome is not None:
                    return SubmissionResult(outcome=outcome, blocked_requests=guard.blocked)
                transient += 1
                if transient > self.config.max_transient_retries:
                    return SubmissionResult(
                        outcome=SubmissionOutcome(
                            status=SubmissionStatus.FAILED,
                            directory_slug=directory.slug,
                            reason=f"browser trouble outlived {transient - 1} retries: {exc}",
                            attempts=attempts,
                        ),
                        blocked_requests=guard.blocked,
                    )
                time.sleep(self.config.backoff_seconds * 2 ** (transient - 1))
                continue
            blocked += guard.blocked
            outcome, retry = self._judge(directory, last, attempts)
            self._finish_journal(journal_entry, outcome)
            if retry == "transient" and transient < self.config.max_transient_retries:
                transient += 1
                wait = last.retry_after or self.config.backoff_seconds * 2 ** (transient - 1)
                time.sleep(min(wait, self.config.max_retry_after_seconds))
                continue
            if retry == "renew" and not renewed_once:
                renewed_once = True
                continue
            if retry == "fix" and not fixed_once:
                fixed_once = True
                phone_override = alternate_phone(profile)
                continue
            if retry == "transient":
                outcome = outcome.model_copy(
                    update={"reason": f"still failing after {transient} retries: {outcome.reason}"}
                )
            return SubmissionResult(
                outcome=outcome,
                filled=last.report.filled,
                timings=last.timings,
                plan_source=_plan_source(last.plan),
                blocked_requests=blocked,
                preview_jpeg_b64=base64.b64encode(last.preview).decode() if last.preview else None,
            )

    def _after_error(
        self, directory: DirectoryEntry, exc: Exception, journal_entry: list[Attempt], attempts: int
    ) -> SubmissionOutcome | None:
        """An error mid-attempt. After the click the outcome is unknown: needs_review.
        Before it, a FillError is final (rejected by our own plan) and browser trouble is
        retried (None)."""
        if journal_entry:
            outcome = SubmissionOutcome(
                status=SubmissionStatus.NEEDS_REVIEW,
                directory_slug=directory.slug,
                reason=f"the browser failed after the submit click: {exc}",
                attempts=attempts,
            )
            self._finish_journal(journal_entry, outcome)
            return outcome
        if isinstance(exc, FillError):
            return SubmissionOutcome(
                status=SubmissionStatus.NEEDS_REVIEW,
                directory_slug=directory.slug,
                reason=str(exc),
                attempts=attempts,
            )
        return None

    def _finish_journal(self, journal_entry: list[Attempt], outcome: SubmissionOutcome) -> None:
        if self.journal is not None and journal_entry:
            self.journal.finish(journal_entry[0], outcome)

    def _one_attempt(
        self,
        directory: DirectoryEntry,
        profile: BusinessProfile,
        guard: NetworkGuard,
        job_id: uuid.UUID | None,
        force: bool,
        journal_entry: list[Attempt],
        phone_override: str | None,
    ) -> _Attempt:
        state = _Attempt()
        context = self._browser_ready().new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=False, service_workers="block"
        )
        context.set_default_timeout(self.config.navigation_timeout_ms)
        try:
            guard.install(context)
            context.add_init_script(ACTIVITY_TRACKER_JS)
            page = context.new_page()
            started = time.perf_counter()
            response = page.goto(directory.submit_url, wait_until="load")
            if response is not None and response.status in TRANSIENT_HTTP:
                state.http_status = response.status
                state.retry_after = _retry_after(response.headers.get("retry-after"))
                state.reading = PageReading("unknown", f"HTTP {response.status} on the form page")
                state.evidence = self._store_evidence(page, directory, job_id, state, "form")
                return state
            schema = capture_page(page)
            state.timings["capture_s"] = time.perf_counter() - started
            plan = map_form(
                schema, directory_slug=directory.slug, cache=self.cache, classifier=self.classifier
            )
            state.plan = plan
            state.timings["map_s"] = time.perf_counter() - started - state.timings["capture_s"]
            if self._captcha_blocks(page, schema, plan):
                state.reading = PageReading("captcha", "the form asks for a CAPTCHA")
                state.evidence = self._store_evidence(page, directory, job_id, state, "form")
                return state
            state.report = fill_form(page, schema, plan, profile)
            if phone_override:
                self._override_phone(page, schema, plan, phone_override)
            state.report.missing_required += empty_required_fields(page, schema, plan)
            if state.report.missing_required:
                raise FillError(
                    "required fields cannot be filled from the profile: "
                    + ", ".join(state.report.missing_required)
                )
            assert plan.target_form is not None
            button = submit_control(page, schema, plan.target_form)
            if self.journal is not None and job_id is not None:
                journal_entry.append(
                    self.journal.begin(job_id, directory.slug, plan.fingerprint, force)
                )
            submit_started = time.perf_counter()
            self._click_and_wait(page, button, state)
            state.timings["submit_s"] = time.perf_counter() - submit_started
            state.reading = self._read(page, posted=state.http_status is not None)
            state.final_url = page.url
            state.evidence = self._store_evidence(page, directory, job_id, state, "result")
            state.timings["total_s"] = time.perf_counter() - started
            return state
        finally:
            with contextlib.suppress(PlaywrightError):
                context.close()

    def _click_and_wait(self, page: Page, button: Any, state: _Attempt) -> None:
        try:
            with page.expect_response(
                lambda r: r.request.method in {"POST", "PUT"},
                timeout=self.config.submit_timeout_ms,
            ) as answer:
                button.click()
            response = answer.value
            state.http_status = response.status
            state.retry_after = _retry_after(response.headers.get("retry-after"))
        except PlaywrightError:
            state.http_status = None  # nothing was posted (client-side validation, dead JS)
        if os.environ.get(FAULT_ENV) == CRASH_AFTER_SUBMIT:
            os._exit(86)
        with contextlib.suppress(PlaywrightError):
            page.wait_for_load_state("load", timeout=self.config.submit_timeout_ms)
        wait_for_fields(page, settle_ms=300, timeout_ms=10_000)

    def _read(self, page: Page, posted: bool = True) -> PageReading:
        parts: list[dict[str, Any]] = []
        for frame in page.frames:
            try:
                parts.append(frame.evaluate(_READ_PAGE_JS))
            except PlaywrightError:
                continue
        return read_outcome(
            status_text=" ".join(p["status"] for p in parts if p["status"]),
            alert_text=" ".join(p["alerts"] for p in parts if p["alerts"]),
            body_text="\n".join(p["body"] for p in parts if p["body"]),
            invalid_fields=tuple(
                name
                for p in parts
                for name in p["invalid"] + ([] if posted else p["browserInvalid"])
            ),
            captcha_present=any(p["captcha"] for p in parts),
        )

    def _captcha_blocks(self, page: Page, schema: FormSchema, plan: FormPlan) -> bool:
        """A CAPTCHA in the target form means a person has to finish it: do not submit."""
        left_for_captcha = any(
            d.action == "leave" and d.reason.startswith("captcha")
            for f in schema.fields_of(plan.target_form or -1)
            for d in [plan.decision(f.key)]
            if d is not None
        )
        return left_for_captcha or self._read(page).verdict == "captcha"

    def _override_phone(self, page: Page, schema: FormSchema, plan: FormPlan, phone: str) -> None:
        for field_ in schema.fields_of(plan.target_form or -1):
            decision = plan.decision(field_.key)
            if decision is not None and decision.profile_key == "phone" and not field_.options:
                field_locator(page, field_).first.fill(phone)

    def _store_evidence(
        self,
        page: Page,
        directory: DirectoryEntry,
        job_id: uuid.UUID | None,
        state: _Attempt,
        moment: str,
    ) -> Evidence:
        stamp = dt.datetime.now(dt.UTC)
        prefix = f"{job_id or 'adhoc'}/{directory.slug}/{stamp:%Y%m%dT%H%M%S%fZ}"
        screenshot = self.evidence.put(
            prefix, f"{moment}.png", page.screenshot(full_page=True), "image/png"
        )
        state.preview = page.screenshot(type="jpeg", quality=45, scale="css")
        html = self.evidence.put(
            prefix, f"{moment}.html", page.evaluate(SNAPSHOT_JS).encode(), "text/html"
        )
        record = {
            "directory": directory.slug,
            "job_id": str(job_id) if job_id else None,
            "moment": moment,
            "final_url": page.url,
            "captured_at": stamp.isoformat(),
            "http_status": state.http_status,
            "verdict": state.reading.verdict if state.reading else None,
            "text": state.reading.evidence_text if state.reading else None,
            "filled": state.report.filled,
            "timings": state.timings,
            "plan_fingerprint": state.plan.fingerprint if state.plan else None,
        }
        self.evidence.put(prefix, "evidence.json", evidence_json(record), "application/json")
        return Evidence(
            uri=self.evidence.uri(prefix),
            screenshot_uri=screenshot,
            html_uri=html,
            final_url=page.url,
            captured_at=stamp,
        )

    def _judge(
        self, directory: DirectoryEntry, state: _Attempt, attempts: int
    ) -> tuple[SubmissionOutcome, str | None]:
        """The outcome of one attempt, and whether (and why) to try again."""
        reading = state.reading or PageReading("unknown", "")
        base: dict[str, Any] = {
            "directory_slug": directory.slug,
            "attempts": attempts,
            "evidence": state.evidence,
            "final_url": state.final_url or (state.evidence.final_url if state.evidence else None),
            "plan_fingerprint": state.plan.fingerprint if state.plan else None,
        }
        if state.http_status in TRANSIENT_HTTP:
            return SubmissionOutcome(
                status=SubmissionStatus.FAILED,
                reason=f"HTTP {state.http_status}: {reading.evidence_text}"[:500],
                **base,
            ), "transient"
        verdict = reading.verdict
        if verdict == "confirmation":
            return SubmissionOutcome(
                status=SubmissionStatus.SUBMITTED, confirmation_text=reading.evidence_text, **base
            ).stamped(), None
        if verdict in {"captcha", "verify_email"}:
            what = "a CAPTCHA" if verdict == "captcha" else "e-mail or phone verification"
            return SubmissionOutcome(
                status=SubmissionStatus.NEEDS_REVIEW,
                reason=f"{what} blocks the listing: {reading.evidence_text}"[:500],
                confirmation_text=reading.evidence_text or None,
                **base,
            ), None
        if verdict in {"duplicate", "refusal", "payment"}:
            return SubmissionOutcome(
                status=SubmissionStatus.REJECTED, reason=reading.evidence_text or verdict, **base
            ), None
        if verdict == "validation":
            phone_invalid = any("phone" in name or "tel" in name for name in reading.invalid_fields)
            return SubmissionOutcome(
                status=SubmissionStatus.REJECTED,
                reason=f"the directory refused the values: {reading.evidence_text}"[:500],
                **base,
            ), "fix" if phone_invalid else None
        if verdict == "expired":
            return SubmissionOutcome(
                status=SubmissionStatus.FAILED,
                reason=f"session or token expired: {reading.evidence_text}",
                **base,
            ), "renew"
        return SubmissionOutcome(
            status=SubmissionStatus.NEEDS_REVIEW,
            reason="no confirmation the engine could recognise; "
            f"page said: {reading.evidence_text}"[:500],
            **base,
        ), None


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


def _plan_source(plan: FormPlan | None) -> str | None:
    if plan is None:
        return None
    sources = {d.source for d in plan.decisions if d.action != "leave"}
    for source in ("llm", "plan-cache", "heuristic"):
        if source in sources:
            return source
    return None
