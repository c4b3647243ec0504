"""The network guard's filtering proxy: every connection the browser opens goes through it.

Playwright's request interception does not see redirect hops, WebSocket handshakes made by
workers, or anything Chromium fetches on its own; a proxy does. Each browser context gets
its own `GuardProxy` bound to one directory's `NetworkPolicy`. For every request (plain
HTTP in absolute form, or a CONNECT tunnel for TLS and WebSockets) it checks the host and
port, resolves the name right then, checks every address, and connects to the address it
checked, so DNS cannot change between the check and the connection. A redirect is the
browser's next request, so every hop is checked in turn.

Answers the proxy makes itself carry `X-Directory-Pipeline-Guard`, so the engine can tell
them from the directory's: `refused` (policy), `origin-refused` (the directory's server
refused the connection: nothing was sent) and `origin-reset` (the connection broke before
the directory answered a single byte).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import select
import socket
import socketserver
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Self
from urllib.parse import urlsplit

from directory_pipeline.browser.network_policy import NetworkPolicy, Refusal

GUARD_HEADER = "x-directory-pipeline-guard"
_HEAD_LIMIT = 64 * 1024
_CONNECT_TIMEOUT_S = 15.0
_IDLE_TIMEOUT_S = 120.0
_HOP_HEADERS = {"proxy-connection", "proxy-authorization", "keep-alive", "connection"}


class GuardAnswer(StrEnum):
    """What the proxy did with one request."""

    FORWARDED = "forwarded"
    REFUSED = "refused"
    ORIGIN_REFUSED = "origin-refused"
    ORIGIN_RESET = "origin-reset"


@dataclass(frozen=True)
class ProxyEvent:
    """One request the proxy saw: where it wanted to go and what became of it."""

    at: dt.datetime
    method: str
    target: str  # the URL, or host:port for a CONNECT tunnel
    answer: GuardAnswer
    refusal: Refusal | None = None

    def describe(self) -> str:
        why = f" ({self.refusal.value})" if self.refusal else ""
        return f"{self.method} {self.target}{why}"


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """The request head (up to the blank line) and whatever body bytes came with it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(8192)
        if not chunk:
            raise ConnectionError("client closed before sending a request head")
        data += chunk
        if len(data) > _HEAD_LIMIT:
            raise ConnectionError("request head too large")
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _answer(sock: socket.socket, status: str, answer: GuardAnswer, text: str) -> None:
    body = f"{text}\n".encode()
    head = (
        f"HTTP/1.1 {status}\r\n{GUARD_HEADER}: {answer.value}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        sock.sendall(head.encode() + body)


def _pipe(client: socket.socket, origin: socket.socket) -> bool:
    """Copy bytes both ways until either side closes; True if the origin sent anything."""
    heard = False
    sockets = [client, origin]
    while True:
        readable, _, broken = select.select(sockets, [], sockets, _IDLE_TIMEOUT_S)
        if broken or not readable:
            return heard
        for source in readable:
            try:
                chunk = source.recv(65536)
            except OSError:
                return heard
            if not chunk:
                return heard
            target = origin if source is client else client
            try:
                target.sendall(chunk)
            except OSError:
                return heard
            heard = heard or source is origin


def _send_body(
    client: socket.socket, origin: socket.socket, header_lines: list[str], rest: bytes
) -> None:
    """Forward exactly the request's body, and nothing after it: a next request on the
    client's connection may be for another host and must be checked on its own."""
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines if line)
    }
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = rest
        while not body.endswith(b"0\r\n\r\n"):
            chunk = client.recv(65536)
            if not chunk:
                break
            body += chunk
        origin.sendall(body)
        return
    remaining = int(headers.get("content-length", "0") or 0)
    origin.sendall(rest[:remaining])
    remaining -= len(rest[:remaining])
    while remaining > 0:
        chunk = client.recv(min(remaining, 65536))
        if not chunk:
            raise ConnectionError("client closed mid-body")
        origin.sendall(chunk)
        remaining -= len(chunk)


def _answer_length(head: bytes, method: str) -> int | None:
    """How many body bytes follow an answer's head, when its framing says so."""
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        return None
    if 100 <= status < 200:
        return None  # an interim answer: the real one follows, read to the close
    if method == "HEAD" or status in {204, 304}:
        return 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "transfer-encoding":
            return None
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            return int(value.strip())
    return None


def _relay_answer(origin: socket.socket, client: socket.socket, method: str) -> bool:
    """Copy the origin's answer to the client: up to the end its Content-Length gives, else
    until the origin closes (it was asked to). True if the origin sent anything. The
    connection ends with the answer even if the origin ignores `Connection: close`."""
    heard = False
    data = b""
    expected: int | None = None
    origin.settimeout(_IDLE_TIMEOUT_S)
    while True:
        try:
            chunk = origin.recv(65536)
            if not chunk:
                return heard
            heard = True
            client.sendall(chunk)
        except OSError:
            return heard
        if expected is None:
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, body = data.partition(b"\r\n\r\n")
                length = _answer_length(head, method)
                if length is None:
                    expected = -1  # read to the close
                    data = b""
                else:
                    expected = length - len(body)
        else:
            if expected >= 0:
                expected -= len(chunk)
        if expected is not None and 0 <= expected <= 0:
            return heard


class GuardProxy:
    """A filtering HTTP proxy on loopback for one browser context. Use as a context manager."""

    def __init__(self, policy: NetworkPolicy) -> None:
        self.policy = policy
        self.events: list[ProxyEvent] = []
        self._lock = threading.Lock()
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the guard proxy is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what happened -------------------------------------------------------------------
    def refused(self) -> list[ProxyEvent]:
        with self._lock:
            return [e for e in self.events if e.answer is GuardAnswer.REFUSED]

    def _note(self, method: str, target: str, answer: GuardAnswer, refusal: Refusal | None) -> None:
        event = ProxyEvent(dt.datetime.now(dt.UTC), method, target, answer, refusal)
        with self._lock:
            self.events.append(event)

    # -- one client connection -----------------------------------------------------------
    def _connect(self, host: str, port: int) -> socket.socket:
        """Resolve now, check every address, and connect to one that passed."""
        refusal = self.policy.check_target(host, port)
        if refusal is not None:
            raise _Refused(refusal)
        name = host.strip("[]").lower().rstrip(".")
        if name == "localhost" or name.endswith(".localhost"):
            name = "127.0.0.1"  # RFC 6761: always loopback, as Chromium itself resolves it
        try:
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise _Refused(Refusal.UNRESOLVABLE) from exc
        for info in infos:
            address = str(info[4][0])
            if self.policy.check_address(address) is not None:
                raise _Refused(Refusal.INTERNAL_ADDRESS)  # any bad answer spoils the name
        last_error: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(_CONNECT_TIMEOUT_S)
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                last_error = exc
                continue
            sock.settimeout(None)
            return sock
        raise last_error or ConnectionRefusedError(f"no address for {host}")

    def _handle(self, client: socket.socket) -> None:
        try:
            head, rest = _read_head(client)
        except (ConnectionError, OSError):
            return
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            _answer(client, "400 Bad Request", GuardAnswer.REFUSED, "malformed request line")
            return
        if method.upper() == "CONNECT":
            self._tunnel(client, target)
        else:
            self._forward(client, method, target, version, lines[1:], rest)

    def _tunnel(self, client: socket.socket, target: str) -> None:
        host, _, port_text = target.rpartition(":")
        try:
            port = int(port_text)
        except ValueError:
            _answer(client, "400 Bad Request", GuardAnswer.REFUSED, "bad CONNECT target")
            return
        try:
            origin = self._connect(host, port)
        except _Refused as refused:
            self._note("CONNECT", target, GuardAnswer.REFUSED, refused.refusal)
            _answer(client, "403 Forbidden", GuardAnswer.REFUSED, "blocked by the network guard")
            return
        except OSError:
            self._note("CONNECT", target, GuardAnswer.ORIGIN_REFUSED, None)
            _answer(client, "502 Bad Gateway", GuardAnswer.ORIGIN_REFUSED, "connection refused")
            return
        self._note("CONNECT", target, GuardAnswer.FORWARDED, None)
        with origin, contextlib.suppress(OSError):
            client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            _pipe(client, origin)

    def _forward(
        self,
        client: socket.socket,
        method: str,
        target: str,
        version: str,
        header_lines: list[str],
        rest: bytes,
    ) -> None:
        parts = urlsplit(target)
        refusal = self.policy.check_url(target) if parts.scheme else Refusal.SCHEME
        if refusal is not None:
            self._note(method, target, GuardAnswer.REFUSED, refusal)
            _answer(client, "403 Forbidden", GuardAnswer.REFUSED, "blocked by the network guard")
            return
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme in {"https", "wss"} else 80)
        try:
            origin = self._connect(host, port)
        except _Refused as refused:
            self._note(method, target, GuardAnswer.REFUSED, refused.refusal)
            _answer(client, "403 Forbidden", GuardAnswer.REFUSED, "blocked by the network guard")
            return
        except OSError:
            self._note(method, target, GuardAnswer.ORIGIN_REFUSED, None)
            _answer(client, "502 Bad Gateway", GuardAnswer.ORIGIN_REFUSED, "connection refused")
            return
        upgrade = any(line.lower().startswith("upgrade:") for line in header_lines)
        kept = [
            line
            for line in header_lines
            if line and line.split(":", 1)[0].strip().lower() not in _HOP_HEADERS
        ]
        # One request per origin connection: the next request may be for another host,
        # and must be checked on its own.
        kept.append("Connection: Upgrade" if upgrade else "Connection: close")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        head = "\r\n".join([f"{method} {path} {version}", *kept]) + "\r\n\r\n"
        with origin:
            try:
                origin.sendall(head.encode("latin-1"))
                if upgrade:
                    origin.sendall(rest)
                    heard = _pipe(client, origin)  # a WebSocket: this origin only, both ways
                else:
                    _send_body(client, origin, header_lines, rest)
                    heard = _relay_answer(origin, client, method.upper())
            except OSError:
                heard = False
        if heard:
            self._note(method, target, GuardAnswer.FORWARDED, None)
        else:
            self._note(method, target, GuardAnswer.ORIGIN_RESET, None)
            _answer(client, "502 Bad Gateway", GuardAnswer.ORIGIN_RESET, "no answer")
