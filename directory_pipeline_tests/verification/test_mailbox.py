"""The Maildir mailbox the local stack's SMTP server writes: each message handed over until
it is marked handled, so a crash between reading and acting reads it again. (IMAP is the
production reader; no IMAP server runs here, so it is not exercised in tests.)"""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

from directory_pipeline.verification.mail import parse_mail
from directory_pipeline.verification.mailbox import MaildirMailbox


def deliver(path: Path, subject: str) -> None:
    message = EmailMessage()
    message["From"] = "noreply@citylocal.localhost"
    message["To"] = "listings+3f2a9c1e07b4.citylocal@shop.example"
    message["Subject"] = subject
    message.set_content("Confirm: http://citylocal.localhost/verify/1")
    mailbox.Maildir(path, create=True).add(message)


def test_messages_are_handed_over_until_marked_handled(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path / "mail")
    deliver(tmp_path / "mail", "first")
    deliver(tmp_path / "mail", "second")
    found = box.unhandled()
    assert sorted(parse_mail(m.data).subject for m in found) == ["first", "second"]
    assert len(MaildirMailbox(tmp_path / "mail").unhandled()) == 2  # reading marks nothing

    box.mark_handled(found[0].key)
    left = MaildirMailbox(tmp_path / "mail").unhandled()
    assert [m.key for m in left] == [found[1].key]
