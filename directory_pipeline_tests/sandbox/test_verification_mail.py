"""E-mail verification on the sandbox sites, with real mail over SMTP: what the sites send,
and what their links and codes do (confirm once, then repeats; expired links refused)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from directory_pipeline.sandbox import SandboxServer, get_site
from directory_pipeline.sandbox.i18n import messages_for
from directory_pipeline.sandbox.outside import OutsideServer
from directory_pipeline.verification.aliases import alias_for
from directory_pipeline.verification.mail import ReceivedMail, parse_mail
from directory_pipeline.verification.matching import (
    AwaitingVerification,
    MailDecision,
    MailVerdict,
    decide,
)

from .conftest import GOOD_FIELDS, SiteClient
from .smtp_peer import SmtpInbox

MAILBOX = "listings@shop.example"
JOB = uuid.UUID("3f2a9c1e-07b4-4d5e-9a10-2b3c4d5e6f70")
FR, DE, EN = messages_for("fr"), messages_for("de"), messages_for("en")

VERIFYING_FIELDS: dict[str, dict[str, str]] = {
    "branchenbuch-nord": {
        "firma": "Bäckerei Blauer Reiher",
        "strasse": "Oranienstraße 12",
        "plz": "10999",
        "ort": "Berlin",
        "telefon": "+49 30 5550142",
        "web": "https://blueheronbakery.example",
        "beschreibung": "Handwerksbäckerei mit Sauerteigbrot.",
        "datenschutz": "1",
    },
    "pinpoint-local": {
        "business_name": "Blue Heron Bakery",
        "phone": "+1 503 555 0142",
        "address": "1208 SE Hawthorne Blvd",
        "city": "Portland",
        "zip": "97214",
        "website": "https://blueheronbakery.example",
        "terms": "1",
    },
    "quietpages-directory": {
        "title": "Blue Heron Bakery",
        "town": "Portland",
        "details": "Neighbourhood bakery.",
    },
    "trustmark-listings": {
        "company": "Blue Heron Bakery",
        "phone": "+1 503 555 0142",
        "street": "1208 SE Hawthorne Blvd",
        "postcode": "97214",
        "city": "Portland",
    },
}
EMAIL_FIELD = {
    "annuaire-pro-fr": "f5",
    "branchenbuch-nord": "email",
    "pinpoint-local": "contact_email",
    "quietpages-directory": "email",
    "trustmark-listings": "email",
}


@pytest.fixture(scope="module")
def inbox() -> Iterator[SmtpInbox]:
    with SmtpInbox() as server:
        yield server


@pytest.fixture(scope="module")
def outside() -> Iterator[OutsideServer]:
    with OutsideServer() as server:
        yield server


@pytest.fixture(scope="module")
def mailing_sandbox(
    tmp_path_factory: pytest.TempPathFactory, inbox: SmtpInbox, outside: OutsideServer
) -> Iterator[SandboxServer]:
    """A sandbox whose sites mail through the test's SMTP server."""
    ledger = tmp_path_factory.mktemp("mailing") / "ledger.sqlite3"
    with SandboxServer(
        ledger, smtp_host="127.0.0.1", smtp_port=inbox.port, outside_url=outside.url
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(mailing_sandbox: SandboxServer, inbox: SmtpInbox, outside: OutsideServer) -> None:
    httpx.post(f"{mailing_sandbox.url}/__sandbox/reset", json={"knobs": True}).raise_for_status()
    inbox.clear()
    outside.reset()


@pytest.fixture
def client(mailing_sandbox: SandboxServer) -> Iterator[Callable[[str], SiteClient]]:
    made: list[SiteClient] = []

    def make(slug: str) -> SiteClient:
        made.append(SiteClient(mailing_sandbox, slug))
        return made[-1]

    yield make
    for one in made:
        one.close()


def submit(client: Callable[[str], SiteClient], slug: str) -> tuple[httpx.Response, str]:
    """Submit the site's good listing with the job's alias as contact; the alias too."""
    alias = alias_for(MAILBOX, JOB, slug)
    fields = {**(GOOD_FIELDS.get(slug) or VERIFYING_FIELDS[slug]), EMAIL_FIELD[slug]: alias}
    return client(slug).submit(fields), alias


def received(inbox: SmtpInbox) -> list[ReceivedMail]:
    return [parse_mail(d.data) for d in inbox.wait_for(1)]


def decision(mail: ReceivedMail, slug: str) -> MailDecision:
    awaiting = [AwaitingVerification(job_id=JOB, directory_slug=slug, hosts=(f"{slug}.localhost",))]
    return decide(mail, MAILBOX, awaiting)


def follow(client: Callable[[str], SiteClient], slug: str, url: str) -> httpx.Response:
    parts = urlsplit(url)
    assert parts.hostname == f"{slug}.localhost"
    return client(slug).get(f"{parts.path}?{parts.query}")


def events(server: SandboxServer, slug: str) -> list[str]:
    found = httpx.get(f"{server.url}/__sandbox/verifications", params={"site": slug}).json()
    return [event["outcome"] for event in found]


@pytest.mark.parametrize(
    ("slug", "words"),
    [("annuaire-pro-fr", "Confirmer mon inscription"), ("branchenbuch-nord", "Eintrag bestätigen")],
)
def test_link_mail_comes_from_the_site_to_the_alias_with_a_link_the_pipeline_picks(
    slug: str, words: str, client: Callable[[str], SiteClient], inbox: SmtpInbox
) -> None:
    page, alias = submit(client, slug)

    assert page.status_code == 200
    deliveries = inbox.wait_for(1)
    assert len(deliveries) == 1
    assert deliveries[0].recipients == (alias,)
    assert deliveries[0].mail_from == f"noreply@{slug}.localhost"
    mail = parse_mail(deliveries[0].data)
    assert mail.sender == f"noreply@{slug}.localhost"
    assert mail.recipients == (alias,)
    assert mail.message_id.endswith(f"@{slug}.localhost>")
    assert get_site(slug).name in mail.subject
    anchors = [link for link in mail.links if link.text]
    assert words in [link.text for link in anchors]
    assert len(anchors) >= 4  # home, guidelines, unsubscribe, privacy besides the link
    made = decision(mail, slug)
    assert made.verdict is MailVerdict.CONFIRMATION_LINK
    assert made.url is not None and "token=" in made.url
    assert urlsplit(made.url).hostname == f"{slug}.localhost"


def test_a_link_confirms_once_and_a_second_use_is_a_repeat(
    client: Callable[[str], SiteClient], inbox: SmtpInbox, mailing_sandbox: SandboxServer
) -> None:
    submit(client, "branchenbuch-nord")
    url = decision(received(inbox)[0], "branchenbuch-nord").url
    assert url is not None

    first = follow(client, "branchenbuch-nord", url)
    again = follow(client, "branchenbuch-nord", url)

    assert first.status_code == 200 and DE.confirmed_text in first.text
    assert again.status_code == 200 and DE.already_confirmed in again.text
    assert events(mailing_sandbox, "branchenbuch-nord") == ["confirmed", "repeat"]


def test_an_expired_link_is_gone_and_confirms_nothing(
    client: Callable[[str], SiteClient], inbox: SmtpInbox, mailing_sandbox: SandboxServer
) -> None:
    httpx.post(
        f"{mailing_sandbox.url}/__sandbox/knobs", json={"annuaire-pro-fr": {"verify_ttl_s": 0}}
    ).raise_for_status()
    submit(client, "annuaire-pro-fr")
    url = decision(received(inbox)[0], "annuaire-pro-fr").url
    assert url is not None

    answer = follow(client, "annuaire-pro-fr", url)

    assert answer.status_code == 410
    assert FR.link_expired in answer.text
    assert events(mailing_sandbox, "annuaire-pro-fr") == ["expired"]
    listings = httpx.get(f"{mailing_sandbox.url}/__sandbox/listings").json()
    assert [row["status"] for row in listings] == ["awaiting_confirmation"]


def test_a_code_is_typed_into_the_page_wrong_then_right(
    client: Callable[[str], SiteClient], inbox: SmtpInbox, mailing_sandbox: SandboxServer
) -> None:
    posted, _ = submit(client, "pinpoint-local")
    assert posted.status_code == 303  # Post/Redirect/Get: the code page has an address
    page = client("pinpoint-local").get(posted.headers["location"])
    assert 'name="code"' in page.text and 'action="/verify"' in page.text
    mail = received(inbox)[0]
    made = decision(mail, "pinpoint-local")
    assert made.verdict is MailVerdict.CODE and made.code is not None
    listing = page.text.split('name="listing" value="')[1].split('"')[0]
    site = client("pinpoint-local")

    wrong = site.post("/verify", data={"listing": listing, "code": "000000x"})
    right = site.post("/verify", data={"listing": listing, "code": made.code})

    assert EN.code_wrong in wrong.text and 'role="alert"' in wrong.text
    assert right.status_code == 200 and EN.confirmed_text in right.text
    assert events(mailing_sandbox, "pinpoint-local") == ["wrong_code", "confirmed"]


def test_a_silent_site_says_check_your_mail_and_sends_nothing(
    client: Callable[[str], SiteClient], inbox: SmtpInbox
) -> None:
    page, _ = submit(client, "quietpages-directory")

    assert page.status_code == 200 and EN.verify_title in page.text
    assert inbox.wait_for(1, timeout=0.5) == []


def test_the_offsite_link_points_at_the_outside_host_and_is_refused(
    client: Callable[[str], SiteClient], inbox: SmtpInbox, outside: OutsideServer
) -> None:
    submit(client, "trustmark-listings")
    mail = received(inbox)[0]

    made = decision(mail, "trustmark-listings")

    assert mail.sender == "noreply@trustmark-listings.localhost"
    assert made.verdict is MailVerdict.LINK_TO_ANOTHER_HOST
    assert made.url is not None and made.url.startswith(outside.url)
    assert outside.count == 0


def test_a_send_that_fails_is_counted_and_the_page_still_answers(
    tmp_path: Path, site_client: Callable[..., SiteClient]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with SandboxServer(
        tmp_path / "ledger.sqlite3", smtp_host="127.0.0.1", smtp_port=closed_port
    ) as server:
        site = SiteClient(server, "annuaire-pro-fr")
        page = site.submit(GOOD_FIELDS["annuaire-pro-fr"])
        site.close()
        stats = httpx.get(f"{server.url}/__sandbox/stats").json()

    assert page.status_code == 200 and FR.verify_title in page.text
    assert stats["annuaire-pro-fr"]["mail-failed"] == 1
