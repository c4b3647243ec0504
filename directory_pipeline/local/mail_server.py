"""The local stack's SMTP server (aiosmtpd): every message the sandbox directories send is
stored in a Maildir, where the verification mail pass reads it, as it reads an IMAP
mailbox in production. It accepts mail for any recipient and relays nothing."""

from __future__ import annotations

import mailbox
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

LOCAL_VERIFICATION_ADDRESS = "listings@shop.example"
"""The local stack's stand-in for the shop's mailbox: submissions give plus-addresses of it."""


class _MaildirHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default_policy)
        if "Delivered-To" not in message and envelope.rcpt_tos:
            message["Delivered-To"] = envelope.rcpt_tos[0]
        mailbox.Maildir(self.folder, create=True).add(message)
        return "250 Message accepted for delivery"


class LocalMailServer:
    """SMTP on 127.0.0.1:`port`, writing into the Maildir at `folder`."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self._controller: Controller | None = None

    def start(self) -> LocalMailServer:
        mailbox.Maildir(self.folder, create=True)
        self._controller = Controller(
            _MaildirHandler(self.folder), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> LocalMailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
