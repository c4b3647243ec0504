"""Matching received mail to a submission and deciding what it allows: pure decisions on
real RFC 822 messages built with the standard library."""

from __future__ import annotations

import uuid
from email.message import EmailMessage

import pytest

from directory_pipeline.verification.aliases import alias_for, alias_target
from directory_pipeline.verification.mail import parse_mail
from directory_pipeline.verification.matching import AwaitingVerification, MailVerdict, decide

MAILBOX = "listings@shop.example"
JOB = uuid.UUID("3f2a9c1e-07b4-4d6e-9a51-2c8f0e7d1b23")
AWAITING = [
    AwaitingVerification(job_id=JOB, directory_slug="citylocal", hosts=("citylocal.localhost",)),
    AwaitingVerification(job_id=uuid.uuid4(), directory_slug="citylocal", hosts=("x.test",)),
]


def mail(
    body: str,
    *,
    html: str | None = None,
    to: str | None = None,
    sender: str = "noreply@citylocal.localhost",
    subject: str = "Your listing",
) -> bytes:
    message = EmailMessage()
    message["From"] = f"City Local <{sender}>"
    message["To"] = to or alias_for(MAILBOX, JOB, "citylocal")
    message["Subject"] = subject
    message["Message-ID"] = "<1@citylocal.localhost>"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return bytes(message)


def verdict_of(raw: bytes):
    return decide(parse_mail(raw), MAILBOX, AWAITING)


def test_an_alias_names_its_submission_and_only_ours_parse() -> None:
    address = alias_for("Listings+old@Shop.example", JOB, "citylocal")
    assert address == "listings+3f2a9c1e07b4.citylocal@shop.example"
    target = alias_target(address, MAILBOX)
    assert target is not None and target.is_job(JOB) and target.directory_slug == "citylocal"
    assert alias_target("listings+3f2a9c1e07b4.citylocal@other.example", MAILBOX) is None
    assert alias_target("someone+3f2a9c1e07b4.citylocal@shop.example", MAILBOX) is None
    assert alias_target("listings+hello@shop.example", MAILBOX) is None


@pytest.mark.parametrize(
    ("body", "html", "url"),
    [
        (
            "Thanks! Confirm your listing: http://citylocal.localhost/verify/abc123 .",
            None,
            "http://citylocal.localhost/verify/abc123",
        ),
        (
            "Bitte bestätigen Sie Ihren Eintrag.",
            '<p>Bitte <a href="http://citylocal.localhost/e/9f">Eintrag bestätigen</a></p>',
            "http://citylocal.localhost/e/9f",
        ),
        (
            "Activate: see the button",
            '<a href="https://www.citylocal.localhost/a?t=1">Homepage</a>'
            '<a href="https://citylocal.localhost/activate?t=77">Activar anuncio</a>',
            "https://citylocal.localhost/activate?t=77",
        ),
    ],
)
def test_a_confirmation_link_on_the_directorys_host_is_the_one_to_open(
    body: str, html: str | None, url: str
) -> None:
    decision = verdict_of(mail(body, html=html))
    assert decision.verdict is MailVerdict.CONFIRMATION_LINK
    assert decision.url == url and decision.job_id == JOB and decision.acts


@pytest.mark.parametrize(
    "link",
    [
        "http://citylocal-verify.example/confirm?t=1",  # another host entirely
        "http://citylocal.localhost@evil.example/confirm",  # credentials trick
        "http://citylocal.localhost.evil.example/confirm",  # suffix trick
        "javascript:confirm(1)",
    ],
)
def test_a_confirmation_link_anywhere_else_is_refused(link: str) -> None:
    decision = verdict_of(mail("Please confirm", html=f'<a href="{link}">Confirm now</a>'))
    assert decision.verdict is MailVerdict.LINK_TO_ANOTHER_HOST
    assert not decision.acts


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("Your verification code is 482913. It expires in 30 minutes.", "482913"),
        ("Ihr Bestätigungscode: A7K29Q", "A7K29Q"),
        ("Su código de verificación es 7710", "7710"),
        ("Enter code K7Q-4M2 on the page you came from", "K7Q-4M2"),
    ],
)
def test_a_code_to_type_is_read(body: str, code: str) -> None:
    decision = verdict_of(mail(body))
    assert decision.verdict is MailVerdict.CODE and decision.code == code


def test_mail_for_no_alias_of_ours_or_no_waiting_submission_is_recorded_not_used() -> None:
    assert verdict_of(mail("hi", to="someone@else.example")).verdict is MailVerdict.NOT_AN_ALIAS
    unknown = alias_for(MAILBOX, uuid.uuid4(), "citylocal")
    assert verdict_of(mail("hi", to=unknown)).verdict is MailVerdict.UNKNOWN_SUBMISSION


def test_mail_from_a_host_the_directory_does_not_use_is_not_trusted() -> None:
    raw = mail("Confirm: http://citylocal.localhost/verify/1", sender="info@citylocal.example")
    assert verdict_of(raw).verdict is MailVerdict.SENDER_NOT_DIRECTORY


def test_a_receipt_that_asks_nothing_is_nothing_to_do() -> None:
    body = "We received your listing for postcode 90210. See http://citylocal.localhost/"
    decision = verdict_of(mail(body))
    assert decision.verdict is MailVerdict.NOTHING_TO_DO and decision.job_id == JOB


def test_a_number_after_code_that_is_not_the_code_is_not_read() -> None:
    decision = verdict_of(mail("Your code for listing #1042 is pending review."))
    assert decision.verdict is MailVerdict.NOTHING_TO_DO


def test_a_host_named_like_a_confirmation_does_not_make_every_link_one() -> None:
    """A directory called "verify-listings" links its home page first; only the link whose
    own words confirm is opened, and an unsubscribe link with a token never is."""
    awaiting = [
        AwaitingVerification(
            job_id=JOB, directory_slug="citylocal", hosts=("verify-listings.localhost",)
        )
    ]
    html = (
        '<a href="http://verify-listings.localhost/">Verify Listings</a>'
        '<a href="http://verify-listings.localhost/unsubscribe?token=abc">Unsubscribe</a>'
        '<a href="http://verify-listings.localhost/l/77?t=x">Confirm my listing</a>'
    )
    raw = mail("See below", html=html, sender="noreply@verify-listings.localhost")
    decision = decide(parse_mail(raw), MAILBOX, awaiting)
    assert decision.verdict is MailVerdict.CONFIRMATION_LINK
    assert decision.url == "http://verify-listings.localhost/l/77?t=x"
