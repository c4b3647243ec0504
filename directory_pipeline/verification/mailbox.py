"""Where verification mail is read from: a Maildir (the local stack's SMTP server writes
one) or an IMAP mailbox (production). Both hand over each message once, until it is
marked handled, so a crash between reading and acting reads it again."""

from __future__ import annotations

import imaplib
import mailbox
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict


class RawMail(BaseModel):
    """One unhandled message as the mailbox stores it."""

    model_config = ConfigDict(frozen=True)

    key: str  # the mailbox's own id for it
    data: bytes


class Mailbox(Protocol):
    def unhandled(self) -> list[RawMail]: ...

    def unhandled_keys(self) -> list[str]:
        """The keys of `unhandled()`, without reading the messages where that costs."""
        ...

    def mark_handled(self, key: str) -> None: ...


class MaildirMailbox:
    """A Maildir: new messages in `new/`; handled ones move to `cur/` with the seen flag."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._box = mailbox.Maildir(path, create=True)

    def unhandled(self) -> list[RawMail]:
        found = []
        for key in sorted(self._box.iterkeys()):
            message = self._box.get_message(key)
            if "S" not in message.get_flags():
                found.append(RawMail(key=key, data=message.as_bytes()))
        return found

    def unhandled_keys(self) -> list[str]:
        return [mail.key for mail in self.unhandled()]  # local files: cheap to read

    def mark_handled(self, key: str) -> None:
        message = self._box.get_message(key)
        message.set_subdir("cur")
        message.add_flag("S")
        self._box[key] = message


class ImapMailbox:
    """An IMAP folder: unhandled messages are the unseen ones, read with BODY.PEEK so that
    reading alone does not mark them; handling sets \\Seen."""

    def __init__(
        self, host: str, user: str, password: str, *, port: int = 993, folder: str = "INBOX"
    ) -> None:
        self.host, self.port, self.user, self.password, self.folder = (
            host,
            port,
            user,
            password,
            folder,
        )

    @contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4]:
        client = imaplib.IMAP4_SSL(self.host, self.port)
        try:
            client.login(self.user, self.password)
            client.select(self.folder)
            yield client
        finally:
            with suppress(imaplib.IMAP4.error, OSError):
                client.logout()

    @staticmethod
    def _unseen(client: imaplib.IMAP4) -> list[str]:
        _, found = client.uid("SEARCH", "UNSEEN")
        return [uid.decode() for uid in found[0].split()] if found and found[0] else []

    def unhandled_keys(self) -> list[str]:
        """Unseen messages' UIDs only: the sensor asks every minute, bodies stay put."""
        with self._session() as client:
            return self._unseen(client)

    def unhandled(self) -> list[RawMail]:
        with self._session() as client:
            uids = self._unseen(client)
            mails = []
            for uid in uids:
                _, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
                data = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if isinstance(data, bytes):
                    mails.append(RawMail(key=uid, data=data))
            return mails

    def mark_handled(self, key: str) -> None:
        with self._session() as client:
            client.uid("STORE", key, "+FLAGS", "(\\Seen)")
