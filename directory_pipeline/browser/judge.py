"""The judge: what one attempt proved, and whether another POST is allowed. Pure.

It takes what the attempt driver observed — the form page's answer, the page before and
after the submit click, the submit control's own request and its answer, what the guard
blocked — and applies contracts §5:

* `submitted` needs all three proofs: the submit request reached the directory and was
  answered 2xx/3xx without leaving it; the confirmation is new (not on the page before the
  click); and the answer shows no CAPTCHA, validation error, failure sentence or unchanged
  form.
* A new attempt only when the directory provably did not process this one: nothing was
  posted yet, or the POST met a refused/reset connection, a 429 or a 503. Anything else
  after the click that is not proof is `needs_review`: the directory may have it.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from directory_pipeline.browser.phrases import PhraseKind, excerpt, line_with
from directory_pipeline.domain import SubmissionStatus
from directory_pipeline.forms.vocabulary import normalise

# A POST may be repeated after these answers only: the directory says it did not take it.
NOT_PROCESSED_HTTP = frozenset({429, 503})


class NetworkFailure(StrEnum):
    """How the submit request failed when no HTTP answer came back."""

    REFUSED = "refused"  # the directory's server refused the connection: nothing sent
    RESET = "reset"  # the connection broke before the directory answered anything
    BLOCKED = "blocked"  # the network guard kept it in the browser: it never left
    TIMED_OUT = "timed-out"  # sent, no answer in time
    OTHER = "other"  # aborted, crashed, or anything Chromium reports otherwise

    @property
    def provably_unprocessed(self) -> bool:
        return self in {NetworkFailure.REFUSED, NetworkFailure.RESET, NetworkFailure.BLOCKED}


class PreClickStop(StrEnum):
    """Why an attempt stopped before the submit click (nothing was posted)."""

    FORM_PAGE_HTTP_ERROR = "form-page-http-error"
    FORM_PAGE_UNREACHABLE = "form-page-unreachable"
    FORM_PAGE_OUTSIDE = "form-page-outside"
    CAPTCHA = "captcha"
    CANNOT_FILL = "cannot-fill"
    BROWSER_TROUBLE = "browser-trouble"


class Reason(StrEnum):
    """Why the judge decided what it did; `sentence` is what staff read."""

    CONFIRMED = "confirmed"
    FORM_PAGE_UNAVAILABLE = "form-page-unavailable"
    FORM_PAGE_OUTSIDE = "form-page-outside"
    CAPTCHA = "captcha"
    CANNOT_FILL = "cannot-fill"
    BROWSER_TROUBLE = "browser-trouble"
    NOT_PROCESSED = "not-processed"
    MAY_HAVE_RECEIVED = "may-have-received"
    FORM_POSTS_OUTSIDE = "form-posts-outside"
    LEFT_DIRECTORY = "left-directory"
    NO_SUBMIT_REQUEST = "no-submit-request"
    VERIFICATION = "verification"
    DUPLICATE = "duplicate"
    VALIDATION = "validation"
    REFUSAL = "refusal"
    PAYMENT = "payment"
    HTTP_CLIENT_ERROR = "http-client-error"
    DIRECTORY_REPORTED_FAILURE = "directory-reported-failure"
    CONFIRMATION_NOT_NEW = "confirmation-not-new"
    FORM_UNCHANGED = "form-unchanged"
    NO_CONFIRMATION = "no-confirmation"

    @property
    def sentence(self) -> str:
        return _SENTENCES[self]


_SENTENCES: dict[Reason, str] = {
    Reason.CONFIRMED: "the directory confirmed receipt",
    Reason.FORM_PAGE_UNAVAILABLE: "the form page was unavailable; nothing was posted",
    Reason.FORM_PAGE_OUTSIDE: "the form page sent the browser outside the directory; nothing "
    "was posted",
    Reason.CAPTCHA: "a CAPTCHA blocks the listing",
    Reason.CANNOT_FILL: "the form cannot be filled truthfully from the profile; nothing was posted",
    Reason.BROWSER_TROUBLE: "the browser failed before the submit click; nothing was posted",
    Reason.NOT_PROCESSED: "the directory did not process the submission",
    Reason.MAY_HAVE_RECEIVED: "the directory may have received it",
    Reason.FORM_POSTS_OUTSIDE: "the form posts to a host outside the directory; nothing was sent",
    Reason.LEFT_DIRECTORY: "the directory's answer led outside the directory; the directory "
    "may have received it",
    Reason.NO_SUBMIT_REQUEST: "the submit click sent no request the engine could tie to the form",
    Reason.VERIFICATION: "e-mail or phone verification blocks the listing",
    Reason.DUPLICATE: "the directory says the business is already listed",
    Reason.VALIDATION: "the directory refused the values",
    Reason.REFUSAL: "the directory refused the listing",
    Reason.PAYMENT: "the directory asks for payment",
    Reason.HTTP_CLIENT_ERROR: "the directory answered with an HTTP error; the directory may "
    "have received it",
    Reason.DIRECTORY_REPORTED_FAILURE: "the directory reported a failure; the directory may "
    "have received it",
    Reason.CONFIRMATION_NOT_NEW: "the only confirmation text was already on the page before "
    "the click",
    Reason.FORM_UNCHANGED: "the form was unchanged after the click",
    Reason.NO_CONFIRMATION: "no confirmation the engine could recognise",
}


class PageSnapshot(BaseModel):
    """What a page showed at one moment, across its frames."""

    model_config = ConfigDict(frozen=True)

    url: str = ""
    status_texts: tuple[str, ...] = ()  # role=status, aria-live, <output>
    alert_texts: tuple[str, ...] = ()  # role=alert and error containers
    body_lines: tuple[str, ...] = ()  # visible text, line by line
    invalid_fields: tuple[str, ...] = ()  # aria-invalid=true
    browser_invalid_fields: tuple[str, ...] = ()  # :invalid in a form (required, pattern)
    captcha: bool = False
    form_values: tuple[tuple[str, str], ...] | None = None  # the target form; None if gone


class SubmitExchange(BaseModel):
    """The submit control's own request (the form's action, or the request the click
    caused that carries the listing) and what answered it."""

    model_config = ConfigDict(frozen=True)

    method: str
    url: str
    status: int | None = None  # the directory's own first answer; 3xx included
    retry_after_s: float | None = None
    failure: NetworkFailure | None = None
    left_directory: bool = False  # a redirect hop went to a host the directory does not own


class Observation(BaseModel):
    """Everything one attempt saw, for the judge."""

    model_config = ConfigDict(frozen=True)

    form_page_status: int | None = None
    form_page_retry_after_s: float | None = None
    stopped: PreClickStop | None = None
    stop_detail: str = ""
    clicked: bool = False
    before: PageSnapshot | None = None
    after: PageSnapshot | None = None
    submit: SubmitExchange | None = None
    final_url_inside: bool = True
    error_after_click: str | None = None
    blocked_requests: tuple[str, ...] = ()


class RetryDecision(StrEnum):
    NONE = "none"
    RETRY = "retry"  # the directory provably did not process this attempt


class Judgement(BaseModel):
    """The judge's answer: a status, the reason, the page's own words, and the retry."""

    model_config = ConfigDict(frozen=True)

    status: SubmissionStatus
    reason: Reason
    detail: str = ""
    confirmation_text: str | None = None
    retry: RetryDecision = RetryDecision.NONE
    retry_after_s: float | None = Field(default=None, ge=0)

    @property
    def explanation(self) -> str:
        text = self.reason.sentence
        return f"{text}: {self.detail}"[:500] if self.detail else text


def _judged(
    status: SubmissionStatus,
    reason: Reason,
    detail: str = "",
    *,
    confirmation: str | None = None,
    retry: bool = False,
    retry_after_s: float | None = None,
) -> Judgement:
    return Judgement(
        status=status,
        reason=reason,
        detail=" ".join(detail.split())[:400],
        confirmation_text=confirmation,
        retry=RetryDecision.RETRY if retry else RetryDecision.NONE,
        retry_after_s=retry_after_s,
    )


# -- reading the change the click made -----------------------------------------------------


def _new(after: Sequence[str], before: Sequence[str]) -> list[str]:
    """Texts of `after` that were not on the page before (compared normalised)."""
    seen = {normalise(text) for text in before}
    return [text for text in after if text.strip() and normalise(text) not in seen]


class _Change(BaseModel):
    status: list[str]
    alerts: list[str]
    body: list[str]

    @property
    def focused(self) -> list[str]:
        return self.status + self.alerts

    @property
    def everything(self) -> list[str]:
        return self.status + self.alerts + self.body

    def find(self, kind: PhraseKind, *, focused_only: bool = False) -> str | None:
        lines = self.focused if focused_only else self.everything
        return line_with(lines, kind)


def _change(before: PageSnapshot, after: PageSnapshot) -> _Change:
    return _Change(
        status=_new(after.status_texts, before.status_texts + before.body_lines),
        alerts=_new(after.alert_texts, before.alert_texts + before.body_lines),
        body=_new(after.body_lines, before.body_lines + before.status_texts),
    )


def _old_confirmation(before: PageSnapshot) -> str | None:
    return line_with(
        before.status_texts + before.alert_texts + before.body_lines, PhraseKind.CONFIRMATION
    )


# -- the rules -------------------------------------------------------------------------------


def _before_click(observed: Observation) -> Judgement:
    stop, detail = observed.stopped, observed.stop_detail
    if stop is PreClickStop.CAPTCHA:
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.CAPTCHA, detail)
    if stop is PreClickStop.CANNOT_FILL:
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.CANNOT_FILL, detail)
    if stop is PreClickStop.FORM_PAGE_OUTSIDE:
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.FORM_PAGE_OUTSIDE, detail)
    # Nothing was posted: trying again cannot duplicate anything.
    if stop is PreClickStop.FORM_PAGE_HTTP_ERROR:
        code = observed.form_page_status
        return _judged(
            SubmissionStatus.FAILED,
            Reason.FORM_PAGE_UNAVAILABLE,
            f"HTTP {code} {detail}".strip(),
            retry=True,
            retry_after_s=observed.form_page_retry_after_s,
        )
    if stop is PreClickStop.FORM_PAGE_UNREACHABLE:
        return _judged(SubmissionStatus.FAILED, Reason.FORM_PAGE_UNAVAILABLE, detail, retry=True)
    return _judged(SubmissionStatus.FAILED, Reason.BROWSER_TROUBLE, detail, retry=True)


def _without_answer(observed: Observation) -> Judgement:
    """The click sent no request we can tie to the form."""
    after = observed.after
    if observed.error_after_click:
        return _judged(
            SubmissionStatus.NEEDS_REVIEW, Reason.MAY_HAVE_RECEIVED, observed.error_after_click
        )
    if after is not None and (after.browser_invalid_fields or after.invalid_fields):
        fields = after.invalid_fields or after.browser_invalid_fields
        return _judged(
            SubmissionStatus.REJECTED,
            Reason.VALIDATION,
            f"nothing was posted; the form refused {', '.join(fields)}",
        )
    return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.NO_SUBMIT_REQUEST)


def _network_failure(exchange: SubmitExchange) -> Judgement:
    failure = exchange.failure
    assert failure is not None
    if failure is NetworkFailure.BLOCKED:
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.FORM_POSTS_OUTSIDE, exchange.url)
    if failure.provably_unprocessed:
        return _judged(
            SubmissionStatus.FAILED,
            Reason.NOT_PROCESSED,
            f"connection {failure.value} before any answer",
            retry=True,
        )
    return _judged(
        SubmissionStatus.NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        f"the request was sent and then {failure.value.replace('-', ' ')}",
    )


def _read_answer(observed: Observation, exchange: SubmitExchange) -> Judgement:
    """A 2xx/3xx/4xx answer from inside the directory: what did the page say?"""
    before = observed.before or PageSnapshot()
    after = observed.after or PageSnapshot()
    change = _change(before, after)
    status = exchange.status or 0
    challenge = change.find(PhraseKind.CAPTCHA)
    if after.captcha or challenge:
        return _judged(
            SubmissionStatus.NEEDS_REVIEW,
            Reason.CAPTCHA,
            challenge or excerpt(change.everything) or "a CAPTCHA appeared after the click",
        )
    verification = change.find(PhraseKind.VERIFY_EMAIL)
    if verification:
        return _judged(
            SubmissionStatus.NEEDS_REVIEW,
            Reason.VERIFICATION,
            verification,
            confirmation=verification,
        )
    for kind, reason in (
        (PhraseKind.DUPLICATE, Reason.DUPLICATE),
        (PhraseKind.REFUSAL, Reason.REFUSAL),
        (PhraseKind.PAYMENT, Reason.PAYMENT),
    ):
        found = change.find(kind)
        if found:
            return _judged(SubmissionStatus.REJECTED, reason, found)
    if after.invalid_fields:
        found = change.find(PhraseKind.VALIDATION, focused_only=True)
        detail = found or f"fields marked invalid: {', '.join(after.invalid_fields)}"
        return _judged(SubmissionStatus.REJECTED, Reason.VALIDATION, detail)
    # "An error occurred, please try again" is not a refusal of our values: the directory
    # may have stored the listing before failing.
    for kind in (PhraseKind.EXPIRED, PhraseKind.FAILURE):
        found = change.find(kind)
        if found:
            return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.DIRECTORY_REPORTED_FAILURE, found)
    validation = change.find(PhraseKind.VALIDATION, focused_only=True)
    if validation:
        return _judged(SubmissionStatus.REJECTED, Reason.VALIDATION, validation)
    if 400 <= status < 500:
        return _judged(
            SubmissionStatus.NEEDS_REVIEW,
            Reason.HTTP_CLIENT_ERROR,
            f"HTTP {status}: {excerpt(change.everything, 300)}",
        )
    confirmation = change.find(PhraseKind.CONFIRMATION, focused_only=True) or change.find(
        PhraseKind.CONFIRMATION
    )
    if confirmation:
        return _judged(
            SubmissionStatus.SUBMITTED, Reason.CONFIRMED, confirmation, confirmation=confirmation
        )
    old = _old_confirmation(before)
    if old:
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.CONFIRMATION_NOT_NEW, old)
    if (
        not change.everything
        and after.form_values is not None
        and (after.form_values == before.form_values)
    ):
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.FORM_UNCHANGED)
    return _judged(
        SubmissionStatus.NEEDS_REVIEW, Reason.NO_CONFIRMATION, excerpt(change.everything, 300)
    )


def judge(observed: Observation) -> Judgement:
    """The outcome of one attempt and whether another POST is allowed (contracts §5)."""
    if not observed.clicked:
        return _before_click(observed)
    exchange = observed.submit
    if exchange is None:
        return _without_answer(observed)
    if exchange.failure is not None:
        return _network_failure(exchange)
    status = exchange.status
    if status in NOT_PROCESSED_HTTP:
        return _judged(
            SubmissionStatus.FAILED,
            Reason.NOT_PROCESSED,
            f"HTTP {status}",
            retry=True,
            retry_after_s=exchange.retry_after_s,
        )
    if status is None or status >= 500 or status < 200:
        return _judged(
            SubmissionStatus.NEEDS_REVIEW,
            Reason.MAY_HAVE_RECEIVED,
            f"HTTP {status}" if status else "no answer",
        )
    if exchange.left_directory or not observed.final_url_inside:
        return _judged(SubmissionStatus.NEEDS_REVIEW, Reason.LEFT_DIRECTORY, exchange.url)
    if observed.error_after_click:
        return _judged(
            SubmissionStatus.NEEDS_REVIEW, Reason.MAY_HAVE_RECEIVED, observed.error_after_click
        )
    return _read_answer(observed, exchange)
