"""Sending the sites' mail over real SMTP, off the event loop."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from pydantic import BaseModel, ConfigDict, Field

SMTP_TIMEOUT_S = 10.0


class SmtpRelay(BaseModel):
    """Where the sandbox hands its mail: a plain SMTP server (no TLS, no login), e.g. the
    local stack's mail catcher."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int = Field(default=25, ge=1, le=65535)

    @classmethod
    def parse(cls, address: str) -> SmtpRelay:
        """`HOST:PORT` (or a bare HOST, port 25) as a relay."""
        host, colon, port = address.rpartition(":")
        if not colon:
            return cls(host=address)
        return cls(host=host.strip("[]"), port=int(port))


class Mailer:
    """Sends messages through a relay; without one, nothing is sent."""

    def __init__(self, relay: SmtpRelay | None) -> None:
        self.relay = relay

    @property
    def enabled(self) -> bool:
        """Whether there is a relay to send through."""
        return self.relay is not None

    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` to its To addresses; runs smtplib in a worker thread so the
        event loop keeps serving. Raises OSError or smtplib.SMTPException when it fails."""
        if self.relay is None:
            raise RuntimeError("no SMTP relay configured")
        await asyncio.to_thread(_send, self.relay, message)


def _send(relay: SmtpRelay, message: EmailMessage) -> None:
    with smtplib.SMTP(relay.host, relay.port, timeout=SMTP_TIMEOUT_S) as smtp:
        smtp.send_message(message)
