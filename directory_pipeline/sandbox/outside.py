"""A server *outside* every sandbox directory: it counts whatever reaches it.

Hostile sandbox pages try to make the browser talk to it (redirects after a POST, pixels
and iframes that redirect, WebSockets, forms whose action is on its host). A guarded engine
never lets a request through, so a test asserts `OutsideServer.count == 0` afterwards.

It answers every request (any method or path, WebSocket upgrade attempts and CONNECT
included) with a friendly "Thank you! Your listing has been submitted and is pending
review." page, so an engine that followed a redirect here would be fooled into reporting
a submission that never happened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple, Self, cast

THANKS_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Thank you!</title>'
    "</head><body><main><h1>Thank you!</h1>"
    '<p role="status">Thank you! Your listing has been submitted and is pending review.</p>'
    "</main></body></html>"
)
"""What the outside server answers to everything."""


class OutsideRequest(NamedTuple):
    """One request the outside server received."""

    method: str
    path: str
    host: str


class _Counter(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], note: Callable[[OutsideRequest], None]) -> None:
        super().__init__(address, _Handler)
        self.note = note


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def parse_request(self) -> bool:
        # Noted here, so that even a request the stdlib refuses (bad request line) counts.
        parsed = super().parse_request()
        headers = getattr(self, "headers", None)
        host = headers.get("Host", "") if parsed and headers is not None else ""
        command = getattr(self, "command", None) or "?"
        path = getattr(self, "path", None) or getattr(self, "requestline", "")
        cast(_Counter, self.server).note(OutsideRequest(command, path, host))
        return parsed

    def __getattr__(self, name: str) -> Any:
        # `do_GET`, `do_POST`, `do_CONNECT`, `do_PROPFIND`, ...: every method is answered.
        if name.startswith("do_"):
            return self._answer
        raise AttributeError(name)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(length)
        body = THANKS_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True


class OutsideServer:
    """A plain HTTP server on loopback (port 0: the OS picks) that counts every request.

    Use as a context manager; `.url` is where it listens, `.requests` what reached it.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._requested_port = port
        self._server: _Counter | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._seen: list[OutsideRequest] = []

    @property
    def port(self) -> int:
        """The port it listens on."""
        if self._server is None:
            raise RuntimeError("the outside server is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Its base URL, e.g. http://127.0.0.1:40123 (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The same address for WebSockets, e.g. ws://127.0.0.1:40123."""
        return f"ws://{self.host}:{self.port}"

    @property
    def requests(self) -> list[OutsideRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._seen)

    @property
    def count(self) -> int:
        """How many requests reached it."""
        return len(self.requests)

    def reset(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._seen.clear()

    def _note(self, request: OutsideRequest) -> None:
        with self._lock:
            self._seen.append(request)

    def start(self) -> Self:
        """Bind and serve on a daemon thread."""
        self._server = _Counter((self.host, self._requested_port), self._note)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="outside-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
