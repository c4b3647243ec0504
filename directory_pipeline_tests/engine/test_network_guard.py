"""The network guard: the pure policy (hosts, ports, internal address ranges), the filtering
proxy for real (httpx through `GuardProxy` to small HTTP servers on loopback), the guard in
real Chromium, and the scrubbed environment Chromium is started with.

Every origin server here is started by the test itself on 127.0.0.1 and counts what
reaches it: "refused" means the origin counted zero requests, not only that the client saw
an error.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import psutil
import pytest
from playwright.sync_api import Browser

from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.launch import browser_environment
from directory_pipeline.browser.network_policy import (
    NetworkPolicy,
    Refusal,
    is_internal_address,
)
from directory_pipeline.browser.proxy import GUARD_HEADER, GuardAnswer, GuardProxy
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import DirectoryEntry, Package

# -- small loopback origins ------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# path -> (status, headers, body)
Route = tuple[int, dict[str, str], bytes]


@dataclass
class Origin:
    """An HTTP server on 127.0.0.1 that answers from `routes` and records every request."""

    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def start(self) -> Origin:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                origin.seen.append(
                    Seen(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                status, headers, payload = origin.routes.get(
                    self.path.split("?", 1)[0],
                    (200, {"Content-Type": "text/plain"}, f"origin {origin.port}".encode()),
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_HEAD = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def origins() -> Iterator[Callable[..., Origin]]:
    """Start as many loopback origins as a test needs; all stopped afterwards."""
    started: list[Origin] = []

    def start(routes: dict[str, Route] | None = None) -> Origin:
        origin = Origin(routes or {}).start()
        started.append(origin)
        return origin

    yield start
    for origin in started:
        origin.stop()


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _HangUp:
    """A TCP server on loopback that accepts every connection and closes it unanswered."""

    def __init__(self) -> None:
        self.accepted = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.2)
        self._running = True
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._sock.getsockname()[1]

    def _loop(self) -> None:
        while self._running:
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def stop(self) -> None:
        self._running = False
        self._thread.join(timeout=5)
        self._sock.close()


def _client(proxy: GuardProxy, **options: object) -> httpx.Client:
    return httpx.Client(proxy=proxy.url, trust_env=False, timeout=10, **options)  # type: ignore[arg-type]


def _loopback_policy(*ports: int) -> NetworkPolicy:
    return NetworkPolicy(("localhost",), frozenset(ports), loopback_only=True)


def _entry(**extra: object) -> DirectoryEntry:
    return DirectoryEntry.model_validate(
        {
            "slug": "acme",
            "name": "Acme",
            "submit_url": "https://www.acme.example/add",
            "tier": Package.STARTER,
            **extra,
        }
    )


# -- internal addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("10.0.0.1", id="10/8"),
        pytest.param("10.255.255.254", id="10/8-top"),
        pytest.param("172.16.0.1", id="172.16/12"),
        pytest.param("172.31.255.1", id="172.16/12-top"),
        pytest.param("192.168.1.1", id="192.168/16"),
        pytest.param("127.0.0.1", id="127/8"),
        pytest.param("127.42.0.9", id="127/8-other"),
        pytest.param("169.254.169.254", id="169.254/16-metadata"),
        pytest.param("100.64.0.1", id="cgnat-low"),
        pytest.param("100.127.255.254", id="cgnat-high"),
        pytest.param("0.0.0.0", id="0.0.0.0"),
        pytest.param("fc00::1", id="ula-fc"),
        pytest.param("fd12:3456:789a::1", id="ula-fd"),
        pytest.param("fe80::1", id="link-local-v6"),
        pytest.param("fe80::1%eth0", id="link-local-v6-scoped"),
        pytest.param("::1", id="loopback-v6"),
        pytest.param("::ffff:10.0.0.1", id="v4-mapped-private"),
        pytest.param("::ffff:127.0.0.1", id="v4-mapped-loopback"),
        pytest.param("::ffff:169.254.169.254", id="v4-mapped-metadata"),
        pytest.param("2002:a00:1::", id="6to4-private"),
        pytest.param("224.0.0.1", id="multicast-v4"),
        pytest.param("239.255.255.250", id="multicast-v4-ssdp"),
        pytest.param("ff02::1", id="multicast-v6"),
        pytest.param("255.255.255.255", id="broadcast"),
        pytest.param("::", id="unspecified-v6"),
    ],
)
def test_internal_addresses(address: str) -> None:
    assert is_internal_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "100.63.255.255",
        "100.128.0.1",
        "172.32.0.1",
        "2606:4700::1111",
        "2001:4860:4860::8888",
        "::ffff:8.8.8.8",
    ],
)
def test_public_addresses(address: str) -> None:
    assert not is_internal_address(address)


# -- the policy for one directory ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("https://www.acme.example/add", None),
        ("https://acme.example/", None),
        ("https://cdn.acme.example/logo.png", None),
        ("https://a.b.acme.example/deep", None),
        ("http://www.acme.example/add", None),
        ("wss://www.acme.example/socket", None),
        ("HTTPS://WWW.ACME.EXAMPLE/Add", None),
        ("https://www.acme.example./add", None),
        ("data:image/png;base64,AAAA", None),
        ("blob:https://www.acme.example/4f2c-11", None),
        ("https://acme.example.evil.example/", Refusal.HOST),
        ("https://evilacme.example/", Refusal.HOST),
        ("https://acme.example@evil.example/", Refusal.HOST),
        ("https://tracker.example/pixel.gif", Refusal.HOST),
        ("http://localhost/", Refusal.HOST),
        ("http://127.0.0.1/", Refusal.HOST),
        ("https://www.acme.example:8443/", Refusal.PORT),
        ("http://www.acme.example:5432/", Refusal.PORT),
        ("https://www.acme.example:99999/", Refusal.PORT),
        ("file:///etc/passwd", Refusal.SCHEME),
        ("chrome://settings", Refusal.SCHEME),
        ("chrome-extension://abc/page.html", Refusal.SCHEME),
        ("ftp://acme.example/file", Refusal.SCHEME),
        ("javascript:alert(1)", Refusal.SCHEME),
    ],
)
def test_policy_for_a_directory(url: str, refusal: Refusal | None) -> None:
    policy = NetworkPolicy.for_directory(_entry(hosts=["acme.example"]))
    assert policy.check_url(url) == refusal


def test_hosts_default_to_the_submit_urls_host() -> None:
    policy = NetworkPolicy.for_directory(_entry())
    assert policy.hosts == ("www.acme.example",)
    assert policy.ports == frozenset({80, 443})
    assert not policy.loopback_only
    assert policy.check_url("https://static.www.acme.example/a.css") is None
    assert policy.check_url("https://acme.example/") == Refusal.HOST


def test_a_public_directory_refuses_every_internal_address() -> None:
    policy = NetworkPolicy.for_directory(_entry(hosts=["acme.example"]))
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "100.64.7.7",
        "169.254.169.254",
        "::1",
        "fd00::5",
        "::ffff:192.168.0.1",
    ):
        assert policy.check_address(address) == Refusal.INTERNAL_ADDRESS, address
    for address in ("93.184.216.34", "2606:4700::1111"):
        assert policy.check_address(address) is None, address


def test_a_sandbox_directory_reaches_only_loopback_on_its_own_port() -> None:
    sandbox = _entry(hosts=["localhost"], sandbox=True, submit_url="http://localhost:9000/")
    policy = NetworkPolicy.for_directory(sandbox)
    assert policy.loopback_only
    assert policy.ports == frozenset({9000})
    assert policy.check_url("http://localhost:9000/add") is None
    assert policy.check_url("http://localhost:80/") == Refusal.PORT
    assert policy.check_url("http://localhost:5432/") == Refusal.PORT
    assert policy.check_url("http://127.0.0.1:9000/") == Refusal.HOST
    for address in ("127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"):
        assert policy.check_address(address) is None, address
    for address in ("10.0.0.1", "192.168.1.1", "100.64.0.1", "8.8.8.8", "2606:4700::1111"):
        assert policy.check_address(address) == Refusal.INTERNAL_ADDRESS, address


# -- the filtering proxy, for real ---------------------------------------------------------------


def test_an_allowed_request_is_forwarded(origins: Callable[..., Origin]) -> None:
    origin = origins({"/hello": (200, {"X-Origin": "yes"}, b"hello from the directory")})
    with GuardProxy(_loopback_policy(origin.port)) as proxy, _client(proxy) as client:
        response = client.get(f"http://localhost:{origin.port}/hello?x=1")
    assert response.status_code == 200
    assert response.text == "hello from the directory"
    assert response.headers["x-origin"] == "yes"
    assert GUARD_HEADER not in response.headers
    assert [(s.method, s.path) for s in origin.seen] == [("GET", "/hello?x=1")]
    assert "proxy-connection" not in origin.seen[0].headers
    assert [e.answer for e in proxy.events] == [GuardAnswer.FORWARDED]


def test_a_host_outside_the_policy_is_refused(origins: Callable[..., Origin]) -> None:
    origin = origins()
    with GuardProxy(_loopback_policy(origin.port)) as proxy, _client(proxy) as client:
        by_address = client.get(f"http://127.0.0.1:{origin.port}/")
        by_name = client.get(f"http://evil.example:{origin.port}/")
    for response in (by_address, by_name):
        assert response.status_code == 403
        assert response.headers[GUARD_HEADER] == "refused"
    assert origin.seen == []
    assert [e.refusal for e in proxy.refused()] == [Refusal.HOST, Refusal.HOST]


def test_a_post_body_is_forwarded_intact(origins: Callable[..., Origin]) -> None:
    origin = origins({"/add": (201, {}, b"created")})
    body = bytes(range(256)) * 1024 + "Rosa's Bäckerei & Café".encode()  # ~256 KiB
    with GuardProxy(_loopback_policy(origin.port)) as proxy, _client(proxy) as client:
        response = client.post(
            f"http://localhost:{origin.port}/add",
            content=body,
            headers={"Content-Type": "application/octet-stream"},
        )
    assert (response.status_code, response.text) == (201, "created")
    assert len(origin.seen) == 1
    seen = origin.seen[0]
    assert (seen.method, seen.path) == ("POST", "/add")
    assert seen.body == body
    assert seen.headers["content-type"] == "application/octet-stream"


def test_a_redirect_out_of_the_policy_is_refused_at_the_next_hop(
    origins: Callable[..., Origin],
) -> None:
    second = origins()
    first = origins({"/add": (307, {"Location": f"http://127.0.0.1:{second.port}/steal"}, b"")})
    with (
        GuardProxy(_loopback_policy(first.port)) as proxy,
        _client(proxy, follow_redirects=True) as client,
    ):
        response = client.post(f"http://localhost:{first.port}/add", content=b"name=Rosa")
    assert [r.status_code for r in response.history] == [307]
    assert response.status_code == 403
    assert response.headers[GUARD_HEADER] == "refused"
    assert [s.path for s in first.seen] == ["/add"]
    assert second.seen == []
    assert [(e.method, e.target) for e in proxy.refused()] == [
        ("POST", f"http://127.0.0.1:{second.port}/steal")
    ]


def test_a_redirect_to_another_port_of_an_allowed_host_is_refused(
    origins: Callable[..., Origin],
) -> None:
    second = origins()
    first = origins({"/": (302, {"Location": f"http://localhost:{second.port}/"}, b"")})
    with (
        GuardProxy(_loopback_policy(first.port)) as proxy,
        _client(proxy, follow_redirects=True) as client,
    ):
        response = client.get(f"http://localhost:{first.port}/")
    assert response.status_code == 403
    assert second.seen == []
    assert [e.refusal for e in proxy.refused()] == [Refusal.PORT]


def test_dns_is_checked_at_connect_time(origins: Callable[..., Origin]) -> None:
    """The name passes the policy; the address it resolves to (127.0.0.1) does not, for a
    directory that is not a sandbox site."""
    origin = origins()
    policy = NetworkPolicy(("localhost",), frozenset({origin.port}), loopback_only=False)
    url = f"http://localhost:{origin.port}/"
    assert policy.check_url(url) is None
    with GuardProxy(policy) as proxy, _client(proxy) as client:
        response = client.get(url)
    assert response.status_code == 403
    assert response.headers[GUARD_HEADER] == "refused"
    assert origin.seen == []
    assert [e.refusal for e in proxy.refused()] == [Refusal.INTERNAL_ADDRESS]


def _raw(proxy: GuardProxy, request: bytes) -> bytes:
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and data.startswith(b"HTTP/1.1 200 Connection"):
                break
    return data


def test_a_connect_to_a_refused_host_is_refused(origins: Callable[..., Origin]) -> None:
    origin = origins()
    with GuardProxy(_loopback_policy(origin.port)) as proxy:
        outside = _raw(proxy, b"CONNECT evil.example:443 HTTP/1.1\r\n\r\n")
        by_address = _raw(
            proxy,
            f"CONNECT 127.0.0.1:{origin.port} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode(),
        )
        other_port = _raw(proxy, b"CONNECT localhost:22 HTTP/1.1\r\nHost: localhost\r\n\r\n")
    for answer in (outside, by_address, other_port):
        assert answer.startswith(b"HTTP/1.1 403"), answer
        assert f"{GUARD_HEADER}: refused".encode() in answer
    assert origin.seen == []
    assert [e.refusal for e in proxy.refused()] == [Refusal.HOST, Refusal.HOST, Refusal.PORT]
    assert all(e.method == "CONNECT" for e in proxy.events)


def test_a_connect_to_an_allowed_host_tunnels(origins: Callable[..., Origin]) -> None:
    origin = origins()
    with GuardProxy(_loopback_policy(origin.port)) as proxy:
        host, port = proxy.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(f"CONNECT localhost:{origin.port} HTTP/1.1\r\n\r\n".encode())
            assert sock.recv(1024).startswith(b"HTTP/1.1 200")
            sock.sendall(b"GET /tunnelled HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    assert data.startswith(b"HTTP/1.0 200") or data.startswith(b"HTTP/1.1 200"), data
    assert [s.path for s in origin.seen] == ["/tunnelled"]


def test_an_origin_that_refuses_the_connection(origins: Callable[..., Origin]) -> None:
    port = _closed_port()
    with GuardProxy(_loopback_policy(port)) as proxy, _client(proxy) as client:
        response = client.post(f"http://localhost:{port}/add", content=b"name=Rosa")
    assert response.status_code == 502
    assert response.headers[GUARD_HEADER] == "origin-refused"
    assert [e.answer for e in proxy.events] == [GuardAnswer.ORIGIN_REFUSED]


def test_an_origin_that_hangs_up_without_answering() -> None:
    hang_up = _HangUp()
    try:
        with GuardProxy(_loopback_policy(hang_up.port)) as proxy, _client(proxy) as client:
            response = client.post(f"http://localhost:{hang_up.port}/add", content=b"name=Rosa")
    finally:
        hang_up.stop()
    assert hang_up.accepted >= 1
    assert response.status_code == 502
    assert response.headers[GUARD_HEADER] == "origin-reset"
    assert [e.answer for e in proxy.events] == [GuardAnswer.ORIGIN_RESET]


# -- the guard in real Chromium ----------------------------------------------------------------


def test_chromium_reaches_nothing_outside_the_directory(
    chromium: Browser, origins: Callable[..., Origin]
) -> None:
    """Redirect hops of subresources and frames, fetch() and WebSockets: nothing reaches a
    second loopback server."""
    outside = origins()
    elsewhere = f"http://127.0.0.1:{outside.port}"
    page_html = f"""<!doctype html><html><body>
        <h1>Acme sandbox</h1>
        <img src="/img-hop" alt="logo">
        <iframe src="/frame-hop"></iframe>
        <script>
          fetch("{elsewhere}/fetched").catch(() => {{}});
          try {{ new WebSocket("ws://127.0.0.1:{outside.port}/socket"); }} catch (e) {{}}
        </script>
        </body></html>""".encode()
    directory_site = origins(
        {
            "/": (200, {"Content-Type": "text/html; charset=utf-8"}, page_html),
            "/img-hop": (302, {"Location": f"{elsewhere}/img"}, b""),
            "/frame-hop": (302, {"Location": f"{elsewhere}/frame"}, b""),
        }
    )
    directory = _entry(
        hosts=["localhost"], sandbox=True, submit_url=f"http://localhost:{directory_site.port}/"
    )
    with NetworkGuard(directory) as guard:
        context = chromium.new_context(**guard.context_options())
        try:
            guard.install(context)
            page = context.new_page()
            page.goto(directory.submit_url, wait_until="load", timeout=15_000)
            wanted = ("/img", "/frame", "/fetched", "/socket")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not all(
                any(w in b for b in guard.blocked) for w in wanted
            ):
                page.wait_for_timeout(100)
            blocked = guard.blocked
        finally:
            context.close()
    assert "/" in [s.path for s in directory_site.seen]
    assert outside.seen == [], [s.path for s in outside.seen]
    for path in wanted:
        assert any(f"{outside.port}{path}" in b for b in blocked), (path, blocked)


# -- Chromium's environment ----------------------------------------------------------------------

SECRETS = {
    "DATABASE_URL": "postgresql://canary:db-secret@db.internal/prod",
    "AWS_ACCESS_KEY_ID": "AKIACANARYKEY",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-canary",
    "AWS_SESSION_TOKEN": "aws-session-canary",
    "SUPABASE_URL": "https://canary.supabase.co",
    "SUPABASE_SERVICE_ROLE_KEY": "supabase-secret-canary",
    "LLM_API_KEY": "llm-secret-canary",
}


def test_the_browser_environment_is_an_allow_list() -> None:
    environ = {
        "PATH": "/usr/local/bin:/usr/bin",
        "HOME": "/home/worker",
        "LANG": "de_DE.UTF-8",
        "LC_ALL": "de_DE.UTF-8",
        "TZ": "Europe/Berlin",
        "SQS_QUEUE_URL": "https://sqs.example/queue",
        "DAGSTER_HOME": "/opt/dagster",
        **SECRETS,
    }
    assert browser_environment(environ) == {
        "PATH": "/usr/local/bin:/usr/bin",
        "HOME": "/home/worker",
        "LANG": "de_DE.UTF-8",
        "LC_ALL": "de_DE.UTF-8",
        "TZ": "Europe/Berlin",
    }


def _chromium_processes() -> dict[int, psutil.Process]:
    found = {}
    for child in psutil.Process().children(recursive=True):
        try:
            name = child.name().lower()
            command = " ".join(child.cmdline()).lower()
        except psutil.Error:
            continue
        if "chrom" in name or "headless_shell" in name or "chrom" in command.split(" ")[0]:
            found[child.pid] = child
    return found


def test_chromium_starts_without_our_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    already = set(_chromium_processes())
    found: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with BrowserSession() as session:
                browser = session.browser()
                page = browser.new_page()  # a renderer too, not only the browser process
                page.set_content("<p>hello</p>")
                for pid in _chromium_processes():
                    if pid not in already:
                        try:
                            found[pid] = Path(f"/proc/{pid}/environ").read_bytes()
                        except OSError:
                            continue
                page.close()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert not errors, errors
    assert found, "no Chromium process found among this process's children"
    for pid, environ in found.items():
        names = {entry.split(b"=", 1)[0].decode() for entry in environ.split(b"\0") if entry}
        assert not names & set(SECRETS), (pid, names & set(SECRETS))
        for value in SECRETS.values():
            assert value.encode() not in environ, (pid, value)
    assert os.environ["DATABASE_URL"] == SECRETS["DATABASE_URL"]  # the test's own env was set


class _KeepAliveOrigin:
    """A raw-socket HTTP server that ignores `Connection: close` and answers every request it
    reads on one connection: a test double for a non-compliant origin, written here because
    no real server ships with this fault."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(1)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self._sock.accept()
        conn.settimeout(3)
        data = b""
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
                while b"\r\n\r\n" in data:
                    head, _, data = data.partition(b"\r\n\r\n")
                    self.lines.append(head.split(b"\r\n", 1)[0].decode())
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


def test_a_second_request_on_one_connection_is_never_forwarded_unchecked() -> None:
    """Two pipelined requests on one proxy connection, the second for another host: the
    origin (which keeps connections open) sees only the first."""
    origin = _KeepAliveOrigin()
    with GuardProxy(_loopback_policy(origin.port)) as proxy:
        answer = _raw(
            proxy,
            f"GET http://localhost:{origin.port}/first HTTP/1.1\r\nHost: localhost\r\n\r\n"
            "GET http://evil.example/second HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode(),
        )
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b"ok")
    assert origin.lines == ["GET /first HTTP/1.1"]
