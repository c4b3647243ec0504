"""The submission engine: policy, the attempt journal, politeness and the retry loop.

The work is done in four rooms: the browser (`session.py`: Chromium, guarded contexts),
the attempt driver (`attempt.py`: fill, click, follow the submit request), the evidence
store (`evidence.py`) and the judge (`judge.py`: a pure function from what was observed to
the outcome and the retry decision). This module only strings them together.

Exactly-once: the attempt journal gets the intent before the submit click and the result
after it; a (job, directory) already settled, or left in doubt by a crash, is not submitted
again unless staff force it. A new attempt is made only when the judge says the directory
provably did not process the last one.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
import uuid
from typing import Any, Self

from pydantic import BaseModel

from directory_pipeline.browser.attempt import AttemptDriver, AttemptHooks, AttemptRecord, Deadline
from directory_pipeline.browser.evidence import EvidenceStore, store_evidence
from directory_pipeline.browser.judge import Judgement, Reason, RetryDecision, judge
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.browser.throttle import DirectoryThrottle, Throttle
from directory_pipeline.domain import (
    BusinessProfile,
    DirectoryEntry,
    Evidence,
    SubmissionOutcome,
    SubmissionStatus,
)
from directory_pipeline.forms.mapper import FieldClassifier, PlanCache
from directory_pipeline.forms.plan import FormPlan
from directory_pipeline.store.attempts import Attempt, AttemptJournal
from directory_pipeline.verification.aliases import alias_for


class EngineConfig(BaseModel):
    chromium_executable_path: str | None = None
    navigation_timeout_ms: int = 30_000
    submit_timeout_ms: int = 45_000
    directory_timeout_s: float = 300.0
    watchdog_grace_s: float = 15.0  # past the directory's budget, the browser is killed
    max_transient_retries: int = 3
    max_retry_after_seconds: float = 120.0
    backoff_seconds: float = 1.0
    # The shop's mailbox: each submission gives its own plus-address of it as the contact
    # e-mail, so the directory's verification mail says which submission it is about.
    verification_address: str | None = None


class SubmissionResult(BaseModel):
    """What `submit()` returns: the outcome, or the earlier attempt that settled it."""

    outcome: SubmissionOutcome
    reason: Reason | None = None  # the judge's reason for the last attempt
    filled: dict[str, str] = {}
    timings: dict[str, float] = {}
    plan_source: str | None = None
    mapping_confidence: float | None = None  # mean confidence of the fields the plan filled
    blocked_requests: list[str] = []
    submit_request: str | None = None
    reused: bool = False
    busy: bool = False  # another worker holds this (job, directory): nothing was done here
    preview_jpeg_b64: str | None = None  # a small view of the last page, for the UI


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
        throttle: Throttle | None = None,
        hooks: AttemptHooks | None = None,
        shared_browser: SharedChromium | None = None,
    ) -> None:
        """With `shared_browser`, pages open in the run's one Chromium; without, the engine
        launches a Chromium of its own."""
        self.evidence = evidence
        self.config = config or EngineConfig()
        self.journal = journal
        self.throttle: Throttle = throttle or DirectoryThrottle()
        self.session = BrowserSession(self.config.chromium_executable_path, shared_browser)
        self.driver = AttemptDriver(
            cache=cache,
            classifier=classifier,
            hooks=hooks,
            navigation_timeout_ms=self.config.navigation_timeout_ms,
            submit_timeout_ms=self.config.submit_timeout_ms,
            offload=self.session.offload,
        )

    def __enter__(self) -> Self:
        self.session.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.__exit__(*exc)

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
        if self.config.verification_address and job_id is not None:
            alias = alias_for(self.config.verification_address, job_id, directory.slug)
            profile = profile.model_copy(update={"email": alias})
        if self.journal is None or job_id is None:
            with self.throttle.slot(directory):
                return self._submit_with_retries(directory, profile, job_id, force)
        with self.journal.claim(job_id, directory.slug) as claimed:
            if not claimed:
                return self._busy(directory)
            earlier = self._settled_earlier(job_id, directory)  # settles an open intent too
            if earlier is not None and not force:
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

    def _busy(self, directory: DirectoryEntry) -> SubmissionResult:
        return SubmissionResult(
            busy=True,
            outcome=SubmissionOutcome(
                status=SubmissionStatus.NEEDS_REVIEW,
                directory_slug=directory.slug,
                reason="another worker is submitting this directory for this job right now; "
                "its outcome is the one recorded",
                attempts=0,
            ),
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
        deadline = Deadline(self.config.directory_timeout_s)
        attempts = retries = 0
        blocked: list[str] = []
        while True:
            attempts += 1
            intent: list[Attempt] = []

            def before_click(plan: FormPlan, intent: list[Attempt] = intent) -> None:
                if self.journal is not None and job_id is not None:
                    intent.append(
                        self.journal.begin(job_id, directory.slug, plan.fingerprint, force)
                    )

            def attempt(before_click=before_click) -> tuple[AttemptRecord, list[str]]:
                with self.session.guarded_context(
                    directory,
                    timeout_ms=self.config.navigation_timeout_ms,
                    watchdog_s=deadline.remaining_s() + self.config.watchdog_grace_s,
                ) as guarded:
                    record = self.driver.run(guarded, directory, profile, deadline, before_click)
                    return record, guarded.guard.blocked

            record, refused = self.session.run(attempt)
            blocked += [url for url in refused if url not in blocked]
            judgement = judge(record.observation)
            evidence = self._store(directory, job_id, record, judgement, blocked)
            outcome = self._outcome(directory, judgement, record, evidence, attempts)
            if self.journal is not None and intent:
                self.journal.finish(intent[0], outcome)
            wait = self._retry_wait(judgement, retries, deadline)
            if wait is not None:
                retries += 1
                time.sleep(wait)
                continue
            if judgement.retry is RetryDecision.RETRY and retries:
                outcome = outcome.model_copy(
                    update={"reason": f"still failing after {retries} retries: {outcome.reason}"}
                )
            return SubmissionResult(
                outcome=outcome,
                reason=judgement.reason,
                filled=record.report.filled,
                timings=record.timings,
                plan_source=_plan_source(record.plan),
                mapping_confidence=_mapping_confidence(record.plan),
                blocked_requests=blocked,
                submit_request=record.submit_request,
                preview_jpeg_b64=(
                    base64.b64encode(record.evidence.preview_jpeg).decode()
                    if record.evidence
                    else None
                ),
            )

    def _retry_wait(self, judgement: Judgement, retries: int, deadline: Deadline) -> float | None:
        """Seconds to wait before the next attempt, or None for no next attempt."""
        if judgement.retry is not RetryDecision.RETRY:
            return None
        if retries >= self.config.max_transient_retries:
            return None
        wait = judgement.retry_after_s
        if wait is None:
            wait = self.config.backoff_seconds * 2**retries
        if wait > self.config.max_retry_after_seconds or wait >= deadline.remaining_s():
            return None
        return wait

    def _store(
        self,
        directory: DirectoryEntry,
        job_id: uuid.UUID | None,
        record: AttemptRecord,
        judgement: Judgement,
        blocked: list[str],
    ) -> Evidence | None:
        if record.evidence is None:
            return None
        stamp = dt.datetime.now(dt.UTC)
        prefix = f"{job_id or 'adhoc'}/{directory.slug}/{stamp:%Y%m%dT%H%M%S%fZ}"
        observed = record.observation
        exchange = observed.submit
        document: dict[str, Any] = {
            "directory": directory.slug,
            "job_id": str(job_id) if job_id else None,
            "status": judgement.status.value,
            "reason": judgement.reason.value,
            "explanation": judgement.explanation,
            "submit_request": exchange.model_dump(mode="json") if exchange else None,
            "form_page_status": observed.form_page_status,
            "filled": record.report.filled,
            "timings": record.timings,
            "plan_fingerprint": record.plan.fingerprint if record.plan else None,
            "blocked_requests": blocked,
        }
        moment = "result" if observed.clicked else "form"
        return store_evidence(self.evidence, prefix, moment, record.evidence, document)

    @staticmethod
    def _outcome(
        directory: DirectoryEntry,
        judgement: Judgement,
        record: AttemptRecord,
        evidence: Evidence | None,
        attempts: int,
    ) -> SubmissionOutcome:
        status = judgement.status
        reason: str | None = None if status is SubmissionStatus.SUBMITTED else judgement.explanation
        if status is SubmissionStatus.SUBMITTED and evidence is None:
            status, reason = SubmissionStatus.NEEDS_REVIEW, "confirmed, but no evidence was stored"
        outcome = SubmissionOutcome(
            status=status,
            directory_slug=directory.slug,
            confirmation_text=judgement.confirmation_text,
            final_url=evidence.final_url if evidence else None,
            evidence=evidence,
            reason=reason,
            attempts=attempts,
            plan_fingerprint=record.plan.fingerprint if record.plan else None,
        )
        return outcome.stamped() if status is SubmissionStatus.SUBMITTED else outcome


def _mapping_confidence(plan: FormPlan | None) -> float | None:
    if plan is None:
        return None
    filled = [d.confidence for d in plan.decisions if d.action != "leave"]
    return round(sum(filled) / len(filled), 3) if filled else None


def _plan_source(plan: FormPlan | None) -> str | None:
    if plan is None:
        return None
    sources = {d.source for d in plan.decisions if d.action != "leave"}
    for source in ("llm", "plan-cache", "heuristic"):
        if source in sources:
            return source
    return None
