"""A real SMTP server for the sandbox's mail tests, built on the standard library's `smtpd`.

`smtpd` and `asyncore` are deprecated (removed in Python 3.12) and are used ONLY here, in
tests, as the peer the sandbox's `smtplib` client talks to: a genuine SMTP conversation
(EHLO, MAIL FROM, RCPT TO, DATA, QUIT) over a loopback socket, with no package added to
the project. Their DeprecationWarning is silenced for this import alone.
"""

from __future__ import annotations

import threading
import time
import warnings
from types import TracebackType
from typing import Any, NamedTuple, Self

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


class Delivery(NamedTuple):
    """One message as the SMTP server received it."""

    mail_from: str
    recipients: tuple[str, ...]
    data: bytes


class _Collector(smtpd.SMTPServer):
    def __init__(self, deliveries: list[Delivery], lock: threading.Lock, sockets: dict) -> None:
        # The remote address is only used by relaying subclasses; this server keeps mail.
        super().__init__(("127.0.0.1", 0), ("127.0.0.1", 0), map=sockets, decode_data=False)
        self.deliveries = deliveries
        self.lock = lock

    def process_message(
        self, peer: Any, mailfrom: str, rcpttos: list[str], data: bytes | str, **kwargs: Any
    ) -> None:
        raw = data.encode() if isinstance(data, str) else data
        with self.lock:
            self.deliveries.append(Delivery(mailfrom, tuple(rcpttos), raw))


class SmtpInbox:
    """An SMTP server on a free loopback port, keeping every message it receives; use it as
    a context manager. `.port` is where it listens, `.deliveries` what arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._sockets: dict = {}
        self._stop = threading.Event()
        self._server: _Collector | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the SMTP server is not running")
        listening = self._server.socket
        assert listening is not None
        return listening.getsockname()[1]

    @property
    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    def clear(self) -> None:
        with self._lock:
            self._deliveries.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Delivery]:
        """The deliveries once there are at least `count` (or whatever arrived by `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.deliveries) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.deliveries

    def _serve(self) -> None:
        while not self._stop.is_set():
            asyncore.loop(timeout=0.05, map=self._sockets, count=1)

    def start(self) -> Self:
        self._server = _Collector(self._deliveries, self._lock, self._sockets)
        self._thread = threading.Thread(target=self._serve, name="smtp-inbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        asyncore.close_all(map=self._sockets)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
