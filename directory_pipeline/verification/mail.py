"""A received e-mail as the verification code sees it, parsed from RFC 822 bytes."""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from html.parser import HTMLParser

from pydantic import BaseModel, ConfigDict


class MailLink(BaseModel):
    """A link in a mail: its address and the words it is shown with."""

    model_config = ConfigDict(frozen=True)

    url: str
    text: str = ""


class ReceivedMail(BaseModel):
    """One message: who sent it to whom, what it says, and the links in it."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    sender: str  # the From address, lower case
    recipients: tuple[str, ...]  # To, Cc, Delivered-To and X-Original-To addresses
    subject: str
    text: str  # the plain-text body, or the HTML body's text
    links: tuple[MailLink, ...]
    received_at: datetime

    @property
    def sender_host(self) -> str:
        return self.sender.rpartition("@")[2]


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[MailLink] = []
        self.text: list[str] = []
        self._href: str | None = None
        self._anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or None
            self._anchor = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append(MailLink(url=self._href.strip(), text=" ".join(self._anchor)))
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            self._anchor.append(data.strip())


_BARE_URL = re.compile(r"""https?://[^\s<>"')\]]+""")


def _addresses(message: EmailMessage, *headers: str) -> tuple[str, ...]:
    values = [v for h in headers for v in message.get_all(h, [])]
    return tuple(a.lower() for _, a in email.utils.getaddresses(values) if a)


def parse_mail(raw: bytes, received_at: datetime | None = None) -> ReceivedMail:
    """The parts of a message verification needs; links from the HTML's anchors and from
    bare URLs in the text."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    anchors = _Anchors()
    if html is not None:
        anchors.feed(html.get_content())
    text = plain.get_content() if plain is not None else " ".join(anchors.text)
    links = list(anchors.links)
    known = {link.url for link in links}
    for url in _BARE_URL.findall(text):
        url = url.rstrip(".,;:!?")
        if url not in known:
            links.append(MailLink(url=url))
            known.add(url)
    senders = _addresses(message, "From")
    return ReceivedMail(
        message_id=str(message.get("Message-ID", "")).strip(),
        sender=senders[0] if senders else "",
        recipients=_addresses(message, "To", "Cc", "Delivered-To", "X-Original-To"),
        subject=str(message.get("Subject", "")),
        text=" ".join(text.split()),
        links=tuple(links),
        received_at=received_at or datetime.now(UTC),
    )
