"""The judge, rule by rule (contracts §5): what one attempt proved, and whether another POST is
allowed.

Pure unit tests, no peers: no browser, no server, no database. Each case is an
`Observation` built by the small constructors below and the status, reason and retry the
judge must answer. The wording varies on purpose, in several languages: the judge must
recognise kinds of pages, not one sentence.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory_pipeline.browser.judge import (
    Judgement,
    NetworkFailure,
    Observation,
    PageSnapshot,
    PreClickStop,
    Reason,
    RetryDecision,
    SubmitExchange,
    judge,
)
from directory_pipeline.domain import SubmissionStatus

SUBMITTED = SubmissionStatus.SUBMITTED
NEEDS_REVIEW = SubmissionStatus.NEEDS_REVIEW
REJECTED = SubmissionStatus.REJECTED
FAILED = SubmissionStatus.FAILED
RETRY = RetryDecision.RETRY
NONE = RetryDecision.NONE

SUBMIT_URL = "https://www.acme.example/add"
FILLED = (("business_name", "Rosa's Bakery"), ("email", "hello@rosasbakery.example"))
FORM_PAGE = ("Acme Directory", "Add your business", "Business name", "E-mail", "Submit")


# -- constructors ---------------------------------------------------------------------------


def page(
    *body: str,
    status: tuple[str, ...] = (),
    alerts: tuple[str, ...] = (),
    invalid: tuple[str, ...] = (),
    browser_invalid: tuple[str, ...] = (),
    captcha: bool = False,
    form: tuple[tuple[str, str], ...] | None = None,
    url: str = SUBMIT_URL,
) -> PageSnapshot:
    """A page snapshot: `body` is its visible text, line by line."""
    return PageSnapshot(
        url=url,
        status_texts=status,
        alert_texts=alerts,
        body_lines=body,
        invalid_fields=invalid,
        browser_invalid_fields=browser_invalid,
        captcha=captcha,
        form_values=form,
    )


BEFORE = page(*FORM_PAGE, form=FILLED)  # the filled form, just before the click


def stopped(
    stop: PreClickStop,
    detail: str = "",
    *,
    form_status: int | None = None,
    retry_after: float | None = None,
) -> Observation:
    """An attempt that stopped before the submit click."""
    return Observation(
        form_page_status=form_status,
        form_page_retry_after_s=retry_after,
        stopped=stop,
        stop_detail=detail,
        before=page(*FORM_PAGE, form=FILLED)
        if stop is not PreClickStop.FORM_PAGE_UNREACHABLE
        else None,
    )


def no_request(after: PageSnapshot, *, error: str | None = None) -> Observation:
    """The click happened but sent nothing the engine could tie to the form."""
    return Observation(clicked=True, before=BEFORE, after=after, error_after_click=error)


def network(failure: NetworkFailure) -> Observation:
    """The submit request failed without any HTTP answer."""
    return Observation(
        clicked=True,
        before=BEFORE,
        after=page(*FORM_PAGE, form=FILLED),
        submit=SubmitExchange(method="POST", url=SUBMIT_URL, failure=failure),
    )


def answered(
    status: int,
    after: PageSnapshot,
    *,
    before: PageSnapshot = BEFORE,
    retry_after: float | None = None,
    left_directory: bool = False,
    final_url_inside: bool = True,
    error: str | None = None,
) -> Observation:
    """The submit request was answered with `status`; `after` is what the page then showed."""
    return Observation(
        clicked=True,
        before=before,
        after=after,
        submit=SubmitExchange(
            method="POST",
            url=SUBMIT_URL,
            status=status,
            retry_after_s=retry_after,
            left_directory=left_directory,
        ),
        final_url_inside=final_url_inside,
        error_after_click=error,
    )


def ok(*body: str, **snapshot: object) -> Observation:
    """A 200 answer whose page shows `body` (and whatever `snapshot` adds)."""
    return answered(200, page(*body, **snapshot))  # type: ignore[arg-type]


THANKS = "Thank you! Your listing has been submitted and is pending review."
ALREADY_THERE = "Thank you for supporting local business. All listings are reviewed by hand."


def case(observation: Observation, status, reason, retry, id: str):
    return pytest.param(observation, status, reason, retry, id=id)


# -- the table ------------------------------------------------------------------------------

CASES = [
    # Before the click: nothing was posted.
    case(
        stopped(
            PreClickStop.FORM_PAGE_HTTP_ERROR,
            "Service Unavailable",
            form_status=503,
            retry_after=120,
        ),
        FAILED,
        Reason.FORM_PAGE_UNAVAILABLE,
        RETRY,
        id="pre/form-page-503-retry-after",
    ),
    case(
        stopped(PreClickStop.FORM_PAGE_HTTP_ERROR, form_status=502),
        FAILED,
        Reason.FORM_PAGE_UNAVAILABLE,
        RETRY,
        id="pre/form-page-502",
    ),
    case(
        stopped(PreClickStop.FORM_PAGE_UNREACHABLE, "net::ERR_CONNECTION_REFUSED"),
        FAILED,
        Reason.FORM_PAGE_UNAVAILABLE,
        RETRY,
        id="pre/unreachable-refused",
    ),
    case(
        stopped(PreClickStop.FORM_PAGE_UNREACHABLE, "net::ERR_NAME_NOT_RESOLVED"),
        FAILED,
        Reason.FORM_PAGE_UNAVAILABLE,
        RETRY,
        id="pre/unreachable-dns",
    ),
    case(
        stopped(PreClickStop.CAPTCHA, "reCAPTCHA iframe on the form"),
        NEEDS_REVIEW,
        Reason.CAPTCHA,
        NONE,
        id="pre/captcha-recaptcha",
    ),
    case(
        stopped(PreClickStop.CAPTCHA, "hCaptcha widget"),
        NEEDS_REVIEW,
        Reason.CAPTCHA,
        NONE,
        id="pre/captcha-hcaptcha",
    ),
    case(
        stopped(PreClickStop.CANNOT_FILL, "required field 'VAT number' has no profile value"),
        NEEDS_REVIEW,
        Reason.CANNOT_FILL,
        NONE,
        id="pre/cannot-fill",
    ),
    case(
        stopped(PreClickStop.FORM_PAGE_OUTSIDE, "redirected to https://login.other.example/"),
        NEEDS_REVIEW,
        Reason.FORM_PAGE_OUTSIDE,
        NONE,
        id="pre/form-page-outside",
    ),
    case(
        stopped(PreClickStop.BROWSER_TROUBLE, "Target page, context or browser has been closed"),
        FAILED,
        Reason.BROWSER_TROUBLE,
        RETRY,
        id="pre/browser-trouble",
    ),
    # The click sent nothing the engine could tie to the form.
    case(
        no_request(page(*FORM_PAGE, browser_invalid=("email",), form=FILLED)),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="no-request/browser-invalid-email",
    ),
    case(
        no_request(page(*FORM_PAGE, browser_invalid=("phone", "postal_code"), form=FILLED)),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="no-request/browser-invalid-pattern",
    ),
    case(
        no_request(page(*FORM_PAGE, form=FILLED)),
        NEEDS_REVIEW,
        Reason.NO_SUBMIT_REQUEST,
        NONE,
        id="no-request/nothing",
    ),
    case(
        # Another request of the page (a newsletter widget, say) never stands in for it.
        no_request(page(*FORM_PAGE, "Thanks for your submission!", form=FILLED)),
        NEEDS_REVIEW,
        Reason.NO_SUBMIT_REQUEST,
        NONE,
        id="no-request/thanks-from-elsewhere",
    ),
    case(
        no_request(page(*FORM_PAGE, form=FILLED), error="Target crashed"),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="no-request/error-after-click",
    ),
    case(
        no_request(page(*FORM_PAGE, browser_invalid=("email",)), error="Navigation timeout"),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="no-request/error-beats-invalid",
    ),
    # The submit request failed without an answer.
    case(network(NetworkFailure.REFUSED), FAILED, Reason.NOT_PROCESSED, RETRY, id="net/refused"),
    case(network(NetworkFailure.RESET), FAILED, Reason.NOT_PROCESSED, RETRY, id="net/reset"),
    case(
        network(NetworkFailure.BLOCKED),
        NEEDS_REVIEW,
        Reason.FORM_POSTS_OUTSIDE,
        NONE,
        id="net/blocked",
    ),
    case(
        network(NetworkFailure.TIMED_OUT),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="net/timed-out",
    ),
    case(
        network(NetworkFailure.OTHER),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="net/other",
    ),
    # HTTP answers the directory says it did not process: retry.
    case(
        answered(429, page("Too Many Requests"), retry_after=30),
        FAILED,
        Reason.NOT_PROCESSED,
        RETRY,
        id="http/429",
    ),
    case(
        answered(503, page("Service Unavailable", "Please come back later"), retry_after=90),
        FAILED,
        Reason.NOT_PROCESSED,
        RETRY,
        id="http/503",
    ),
    case(
        answered(503, page(THANKS)),
        FAILED,
        Reason.NOT_PROCESSED,
        RETRY,
        id="http/503-even-with-thanks",
    ),
    # 5xx other than 503: the directory may have it. Never retried, whatever the page says.
    case(
        answered(500, page("Internal Server Error")),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="http/500",
    ),
    case(
        answered(500, page(THANKS)),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="http/500-with-thanks",
    ),
    case(
        answered(502, page("502 Bad Gateway", "nginx")),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="http/502",
    ),
    case(
        answered(504, page("Gateway Timeout")),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="http/504",
    ),
    case(
        answered(501, page("Not Implemented")),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="http/501",
    ),
    # The answer led outside the directory: never proof, even with a thank-you page.
    case(
        answered(303, page(THANKS, url="https://thanks.partner.example/"), left_directory=True),
        NEEDS_REVIEW,
        Reason.LEFT_DIRECTORY,
        NONE,
        id="left/redirect-chain-left",
    ),
    case(
        answered(
            200,
            page("Vielen Dank! Ihr Eintrag wurde übermittelt.", url="https://tracker.example/done"),
            final_url_inside=False,
        ),
        NEEDS_REVIEW,
        Reason.LEFT_DIRECTORY,
        NONE,
        id="left/final-url-outside",
    ),
    case(
        answered(200, page(THANKS), error="Execution context was destroyed"),
        NEEDS_REVIEW,
        Reason.MAY_HAVE_RECEIVED,
        NONE,
        id="http/200-then-error-after-click",
    ),
    # 2xx/3xx with a new confirmation: submitted.
    case(
        ok(*FORM_PAGE, status=("Thanks — your listing is pending review.",), form=FILLED),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/status-region-en",
    ),
    case(
        ok(*FORM_PAGE, status=("Submission received. We will email you once it is live.",)),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/status-region-submission-received",
    ),
    case(
        ok("Acme Directory", "Thank you for your submission.", "Back to home"),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-en-thank-you",
    ),
    case(
        ok("Acme Directory", "We've received your listing. It will be reviewed within 48 hours."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-en-received",
    ),
    case(
        answered(302, page("Your business has been added and is awaiting approval.")),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/302-body-en-awaiting-approval",
    ),
    case(
        ok("Branchenbuch", "Vielen Dank! Ihr Eintrag wurde übermittelt und wird geprüft."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-de",
    ),
    case(
        ok("Danke für Ihre Anmeldung.", "Ihr Eintrag wird von unserer Redaktion geprüft."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-de-danke",
    ),
    case(
        ok("Directorio", "¡Gracias! Su anuncio ha sido enviado y será revisado."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-es",
    ),
    case(
        ok("Hemos recibido su solicitud. Pendiente de revisión."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-es-recibido",
    ),
    case(
        ok("Annuaire", "Merci ! Votre fiche a bien été enregistrée."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-fr",
    ),
    case(
        ok("Votre annonce a été transmise. Elle est en attente de validation."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-fr-en-attente",
    ),
    case(
        ok("Grazie! La tua scheda è stata inviata correttamente."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-it",
    ),
    case(
        ok("Obrigado! Seu anúncio foi enviado e está em análise."),
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="ok/body-pt",
    ),
    # The confirmation was already on the page before the click: not proof.
    case(
        answered(
            200,
            page(*FORM_PAGE, ALREADY_THERE, form=FILLED),
            before=page(*FORM_PAGE, ALREADY_THERE, form=FILLED),
        ),
        NEEDS_REVIEW,
        Reason.CONFIRMATION_NOT_NEW,
        NONE,
        id="old/body-before-and-after",
    ),
    case(
        answered(
            200,
            page(*FORM_PAGE, status=(ALREADY_THERE,), form=FILLED),
            before=page(*FORM_PAGE, status=(ALREADY_THERE,), form=FILLED),
        ),
        NEEDS_REVIEW,
        Reason.CONFIRMATION_NOT_NEW,
        NONE,
        id="old/status-region-stayed",
    ),
    case(
        answered(
            200,
            page(*FORM_PAGE, status=(ALREADY_THERE,)),
            before=page(*FORM_PAGE, ALREADY_THERE, form=FILLED),
        ),
        NEEDS_REVIEW,
        Reason.CONFIRMATION_NOT_NEW,
        NONE,
        id="old/body-then-status-region",
    ),
    case(
        answered(
            200,
            page(
                "Branchenbuch",
                "Vielen Dank für Ihr Interesse, alle Einträge werden geprüft.",
                "Neuer Eintrag",
            ),
            before=page(
                "Branchenbuch",
                "Vielen Dank für Ihr Interesse, alle Einträge werden geprüft.",
                "Neuer Eintrag",
                form=FILLED,
            ),
        ),
        NEEDS_REVIEW,
        Reason.CONFIRMATION_NOT_NEW,
        NONE,
        id="old/body-de",
    ),
    case(
        answered(
            200,
            page("Merci de votre visite ! Toutes les fiches sont vérifiées.", "Page d'accueil"),
            before=page(
                "Merci de votre visite ! Toutes les fiches sont vérifiées.", *FORM_PAGE, form=FILLED
            ),
        ),
        NEEDS_REVIEW,
        Reason.CONFIRMATION_NOT_NEW,
        NONE,
        id="old/body-fr-new-page",
    ),
    # A failure sentence after the click, even under a thank-you intro: not proof, no retry.
    case(
        ok("Thank you!", "We could not save your listing, please try again."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/en-could-not-save",
    ),
    case(
        ok("Thanks for your submission. Unfortunately something went wrong."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/en-same-line",
    ),
    case(
        ok("Vielen Dank!", "Speichern fehlgeschlagen. Bitte später erneut versuchen."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/de",
    ),
    case(
        ok("¡Gracias! No se pudo guardar su anuncio. Inténtelo de nuevo."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/es",
    ),
    case(
        ok("Merci !", "Une erreur est survenue. Veuillez réessayer."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/fr-body",
    ),
    case(
        ok(*FORM_PAGE, status=("Thanks! Something went wrong, please try again.",), form=FILLED),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/en-status-region",
    ),
    # The same failure sentences shown in a role=alert box, as most form libraries do.
    case(
        ok(*FORM_PAGE, alerts=("Une erreur est survenue. Veuillez réessayer.",), form=FILLED),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/fr-alert",
    ),
    case(
        ok(*FORM_PAGE, alerts=("An error occurred while saving. Please try again.",), form=FILLED),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/en-alert",
    ),
    case(
        ok(
            *FORM_PAGE,
            alerts=("Ein Fehler ist aufgetreten. Speichern fehlgeschlagen.",),
            form=FILLED,
        ),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="fail/de-alert",
    ),
    # CAPTCHA after the click, even with thanks.
    case(
        ok("Thanks! One last thing: prove you are human.", captcha=True),
        NEEDS_REVIEW,
        Reason.CAPTCHA,
        NONE,
        id="after/captcha-with-thanks",
    ),
    case(
        ok("Vielen Dank! Bitte bestätigen Sie, dass Sie kein Roboter sind.", captcha=True),
        NEEDS_REVIEW,
        Reason.CAPTCHA,
        NONE,
        id="after/captcha-de",
    ),
    # Verification.
    case(
        ok("Almost done! Check your inbox and click the link to publish your listing."),
        NEEDS_REVIEW,
        Reason.VERIFICATION,
        NONE,
        id="after/verify-en",
    ),
    case(
        ok("Fast geschafft! Bitte prüfen Sie Ihr Postfach."),
        NEEDS_REVIEW,
        Reason.VERIFICATION,
        NONE,
        id="after/verify-de",
    ),
    case(
        ok("Merci ! Encore une étape : consultez votre boîte de réception."),
        NEEDS_REVIEW,
        Reason.VERIFICATION,
        NONE,
        id="after/verify-fr",
    ),
    case(
        ok("Thank you. Enter the code we sent to your phone."),
        NEEDS_REVIEW,
        Reason.VERIFICATION,
        NONE,
        id="after/verify-phone",
    ),
    # Duplicate, validation, payment: the directory refused it.
    case(
        ok("This business is already listed in our directory."),
        REJECTED,
        Reason.DUPLICATE,
        NONE,
        id="after/duplicate-en",
    ),
    case(
        ok(*FORM_PAGE, alerts=("Dieser Eintrag existiert bereits.",), form=FILLED),
        REJECTED,
        Reason.DUPLICATE,
        NONE,
        id="after/duplicate-de-alert",
    ),
    case(
        ok("Este negocio ya existe en nuestro directorio."),
        REJECTED,
        Reason.DUPLICATE,
        NONE,
        id="after/duplicate-es",
    ),
    case(
        ok(*FORM_PAGE, alerts=("Please enter a valid phone number.",), form=FILLED),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="after/validation-alert-en",
    ),
    case(
        ok(*FORM_PAGE, alerts=("Bitte geben Sie eine gültige Postleitzahl ein.",), form=FILLED),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="after/validation-alert-de",
    ),
    case(
        ok(*FORM_PAGE, alerts=("Champ obligatoire : catégorie",), form=FILLED),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="after/validation-alert-fr",
    ),
    case(
        ok(*FORM_PAGE, invalid=("email", "website"), form=FILLED),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="after/aria-invalid-fields",
    ),
    case(
        ok("Thanks! Proceed to payment to publish your listing."),
        REJECTED,
        Reason.PAYMENT,
        NONE,
        id="after/payment-en",
    ),
    case(
        ok("Merci ! Finalisez votre paiement pour activer votre fiche."),
        REJECTED,
        Reason.PAYMENT,
        NONE,
        id="after/payment-fr",
    ),
    case(
        ok("Submission rejected: reciprocal link required."),
        REJECTED,
        Reason.REFUSAL,
        NONE,
        id="after/refusal-reciprocal-link",
    ),
    # Expired session after the POST: the directory may still have it; never retried.
    case(
        ok("Your session has expired. Please reload the page."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="after/expired-en",
    ),
    case(
        ok("La sesión ha caducado."),
        NEEDS_REVIEW,
        Reason.DIRECTORY_REPORTED_FAILURE,
        NONE,
        id="after/expired-es",
    ),
    # Nothing new at all.
    case(
        answered(200, page(*FORM_PAGE, form=FILLED)),
        NEEDS_REVIEW,
        Reason.FORM_UNCHANGED,
        NONE,
        id="after/form-unchanged",
    ),
    case(
        answered(302, page(*FORM_PAGE, form=FILLED)),
        NEEDS_REVIEW,
        Reason.FORM_UNCHANGED,
        NONE,
        id="after/form-unchanged-302",
    ),
    case(
        ok("Acme Directory", "Welcome! Browse our categories.", "Restaurants", "Shops"),
        NEEDS_REVIEW,
        Reason.NO_CONFIRMATION,
        NONE,
        id="after/no-confirmation",
    ),
    case(
        ok("Thanks, recorded."),  # new after a 2xx from the directory: its own words
        SUBMITTED,
        Reason.CONFIRMED,
        NONE,
        id="after/bare-thanks",
    ),
    # 4xx with a friendly page: never submitted.
    *[
        case(
            answered(code, page("Thanks! We got your details.")),
            NEEDS_REVIEW,
            Reason.HTTP_CLIENT_ERROR,
            NONE,
            id=f"4xx/{code}-we-got-your-details",
        )
        for code in (400, 403, 409, 422)
    ],
    *[
        case(
            answered(code, page("Thank you! We have received your listing.")),
            NEEDS_REVIEW,
            Reason.HTTP_CLIENT_ERROR,
            NONE,
            id=f"4xx/{code}-received",
        )
        for code in (400, 403, 409, 422)
    ],
    # 4xx with the directory's refusal: rejected.
    case(
        answered(409, page("A listing with this name already exists.")),
        REJECTED,
        Reason.DUPLICATE,
        NONE,
        id="4xx/409-duplicate",
    ),
    case(
        answered(422, page(*FORM_PAGE, alerts=("The email field is required.",), form=FILLED)),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="4xx/422-validation-alert",
    ),
    case(
        answered(400, page(*FORM_PAGE, invalid=("postal_code",), form=FILLED)),
        REJECTED,
        Reason.VALIDATION,
        NONE,
        id="4xx/400-aria-invalid",
    ),
    case(
        answered(403, page("Spam detected. Submission rejected.")),
        REJECTED,
        Reason.REFUSAL,
        NONE,
        id="4xx/403-spam",
    ),
]


@pytest.mark.parametrize(("observation", "status", "reason", "retry"), CASES)
def test_judge(
    observation: Observation,
    status: SubmissionStatus,
    reason: Reason,
    retry: RetryDecision,
) -> None:
    judged = judge(observation)
    assert (judged.status, judged.reason, judged.retry) == (status, reason, retry), judged


# -- what the verdicts carry ------------------------------------------------------------------


def test_the_form_pages_retry_after_is_carried() -> None:
    judged = judge(stopped(PreClickStop.FORM_PAGE_HTTP_ERROR, form_status=503, retry_after=120))
    assert judged.retry_after_s == 120
    assert "503" in judged.detail


@pytest.mark.parametrize("code", [429, 503])
def test_the_submit_answers_retry_after_is_carried(code: int) -> None:
    judged = judge(answered(code, page("Slow down"), retry_after=45.5))
    assert (judged.retry, judged.retry_after_s) == (RETRY, 45.5)
    assert str(code) in judged.detail


def test_a_confirmation_in_a_status_region_is_the_confirmation_text() -> None:
    judged = judge(ok(*FORM_PAGE, status=("Thanks — your listing is pending review.",)))
    assert judged.status is SUBMITTED
    assert judged.confirmation_text == "Thanks — your listing is pending review."


def test_the_confirmation_text_is_the_directorys_own_words() -> None:
    judged = judge(ok("Branchenbuch", "Vielen Dank!", "Ihr Eintrag wird geprüft.", "Impressum"))
    assert judged.status is SUBMITTED
    assert judged.confirmation_text is not None
    assert judged.confirmation_text.startswith("Vielen Dank!")
    assert "Branchenbuch" not in judged.confirmation_text


def test_rejections_quote_the_directory() -> None:
    judged = judge(ok("This business is already listed in our directory."))
    assert "already listed" in judged.explanation


# -- properties over the whole table -----------------------------------------------------------


def _judged_table() -> list[tuple[str, Observation, Judgement]]:
    table = []
    for param in CASES:
        observation = param.values[0]
        assert isinstance(observation, Observation)
        table.append((str(param.id), observation, judge(observation)))
    return table


def _may_retry(observation: Observation) -> bool:
    """contracts §5: a new POST only when the directory provably did not process the attempt."""
    if not observation.clicked:
        return True
    exchange = observation.submit
    if exchange is None:
        return False
    if exchange.failure is not None:
        return exchange.failure in {NetworkFailure.REFUSED, NetworkFailure.RESET}
    return exchange.status in {429, 503}


def test_submitted_always_carries_its_proof() -> None:
    for name, observation, judged in _judged_table():
        if judged.status is SUBMITTED:
            assert judged.reason is Reason.CONFIRMED, name
            assert judged.confirmation_text and judged.confirmation_text.strip(), name
            assert observation.submit is not None, name
            assert observation.submit.status is not None, name
            assert 200 <= observation.submit.status < 400, name
            assert judged.retry is NONE, name


def test_retry_only_when_the_directory_provably_did_not_process_it() -> None:
    for name, observation, judged in _judged_table():
        if judged.retry is RETRY:
            assert _may_retry(observation), name


def test_failed_means_retry_and_retry_means_failed() -> None:
    """`failed` is only for attempts that cannot exist at the directory: exactly those
    that may be tried again."""
    for name, _, judged in _judged_table():
        assert (judged.status is FAILED) == (judged.retry is RETRY), name


def test_the_table_covers_every_reason_stop_and_network_failure() -> None:
    judged = _judged_table()
    assert {j.reason for _, _, j in judged} == set(Reason)
    assert {o.stopped for _, o, _ in judged if o.stopped} == set(PreClickStop)
    assert {o.submit.failure for _, o, _ in judged if o.submit and o.submit.failure} == set(
        NetworkFailure
    )


# -- a sweep over every HTTP status code ---------------------------------------------------------

CONFIRMATIONS = [
    THANKS,
    "Thank you for your submission.",
    "Vielen Dank! Ihr Eintrag wurde übermittelt.",
    "¡Gracias! Hemos recibido su anuncio.",
    "Merci ! Votre fiche a bien été enregistrée.",
]


@given(
    code=st.integers(min_value=100, max_value=599),
    text=st.sampled_from(CONFIRMATIONS),
    where=st.sampled_from(["body", "status"]),
)
def test_every_http_status_with_a_thank_you_page(code: int, text: str, where: str) -> None:
    after = page(text) if where == "body" else page(*FORM_PAGE, status=(text,))
    judged = judge(answered(code, after, retry_after=10))
    assert (judged.retry is RETRY) == (code in {429, 503}), (code, judged)
    if judged.status is SUBMITTED:
        assert 200 <= code < 400, (code, judged)
    if 200 <= code < 400:
        assert judged.status is SUBMITTED, (code, judged)
