"""The customer's logo: fetched over http(s) through a real `GuardProxy` from a real loopback
HTTP server, one redirect hop at a time; anything but a small image, or any hop the guard
refuses, is `LogoUnavailable`. Then the fetched bytes land in a real file input in Chromium."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

import pytest
from playwright.sync_api import Page

from directory_pipeline.browser.capture import capture_page
from directory_pipeline.browser.fill import fill_form
from directory_pipeline.browser.logo import LogoUnavailable, fetch_logo
from directory_pipeline.browser.network_policy import NetworkPolicy, Refusal
from directory_pipeline.browser.proxy import GuardAnswer, GuardProxy, ProxyEvent
from directory_pipeline.domain import BusinessProfile
from directory_pipeline.forms.mapper import map_form
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


class _Logos(BaseHTTPRequestHandler):
    """Routes for the tests: an image, a page, big bodies, and redirects."""

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        port = cast(ThreadingHTTPServer, self.server).server_port
        routes: dict[str, tuple[int, bytes, dict[str, str]]] = {
            "/heron.png": (200, PNG, {"Content-Type": "image/png"}),
            "/page.png": (200, b"<html>not an image</html>", {"Content-Type": "text/html"}),
            "/fake.png": (200, b"GIF89a not a png", {"Content-Type": "image/png"}),
            "/declared-big.png": (
                200,
                PNG,
                {"Content-Type": "image/png", "Content-Length": "5000000"},
            ),
            "/moved.png": (302, b"", {"Location": "/heron.png"}),
            "/to-metadata.png": (
                302,
                b"",
                {"Location": f"http://169.254.169.254:{port}/latest/meta-data.png"},
            ),
            "/to-private.png": (302, b"", {"Location": f"http://10.0.0.8:{port}/x.png"}),
            "/to-file.png": (302, b"", {"Location": "file:///etc/passwd"}),
            "/loop.png": (302, b"", {"Location": "/loop.png"}),
        }
        if self.path == "/streamed-big.png":
            # No Content-Length: the body only ends when the connection closes.
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(PNG)
            for _ in range(50):
                self.wfile.write(b"\0" * 10_000)
            return
        status, body, headers = routes.get(self.path, (404, b"", {}))
        if "Content-Length" not in headers:
            headers = {**headers, "Content-Length": str(len(body))}
        self._send(status, body, headers)


def _events(proxy: GuardProxy, count: int) -> list[ProxyEvent]:
    """The proxy's events once it has noted `count` of them: a forwarded request is noted
    when the origin closes, which can be just after the client has its answer."""
    deadline = time.monotonic() + 5
    while len(proxy.events) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(proxy.events)


@pytest.fixture(scope="module")
def logo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Logos)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(logo_server: str) -> Iterator[GuardProxy]:
    """A guard proxy that allows only the loopback test server's port."""
    port = int(logo_server.rsplit(":", 1)[1])
    with GuardProxy(NetworkPolicy(("*",), frozenset({port}), loopback_only=True)) as guard:
        yield guard


def test_an_image_is_fetched_through_the_proxy(logo_server: str, proxy: GuardProxy) -> None:
    logo = fetch_logo(f"{logo_server}/heron.png", proxy.url)
    assert (logo.name, logo.mime_type, logo.data) == ("heron.png", "image/png", PNG)
    assert [(e.target, e.answer) for e in _events(proxy, 1)] == [
        (f"{logo_server}/heron.png", GuardAnswer.FORWARDED)
    ]


def test_each_redirect_hop_goes_through_the_proxy(logo_server: str, proxy: GuardProxy) -> None:
    logo = fetch_logo(f"{logo_server}/moved.png", proxy.url)
    assert logo.data == PNG
    assert [e.target for e in _events(proxy, 2)] == [
        f"{logo_server}/moved.png",
        f"{logo_server}/heron.png",
    ]


@pytest.mark.parametrize(
    ("path", "kwargs", "reason"),
    [
        ("/page.png", {}, "not an image (content type text/html)"),
        ("/fake.png", {}, "does not look like the image/png"),
        ("/declared-big.png", {}, "5000000 bytes; the limit is 2000000"),
        ("/streamed-big.png", {"max_bytes": 100_000}, "larger than the 100000-byte limit"),
        ("/missing.png", {}, "answered 404"),
        ("/to-file.png", {}, "only http(s) logos are fetched"),
        ("/loop.png", {"max_redirects": 2}, "redirected more than 2 times"),
    ],
)
def test_anything_but_a_small_image_is_refused(
    logo_server: str, proxy: GuardProxy, path: str, kwargs: dict[str, int], reason: str
) -> None:
    with pytest.raises(LogoUnavailable, match=reason.replace("(", r"\(").replace(")", r"\)")):
        fetch_logo(f"{logo_server}{path}", proxy.url, **kwargs)


@pytest.mark.parametrize("path", ["/to-metadata.png", "/to-private.png"])
def test_a_redirect_to_an_internal_address_is_refused_by_the_guard(
    logo_server: str, proxy: GuardProxy, path: str
) -> None:
    with pytest.raises(LogoUnavailable, match="refused by the network guard"):
        fetch_logo(f"{logo_server}{path}", proxy.url)
    first, second = _events(proxy, 2)
    assert first.answer is GuardAnswer.FORWARDED
    assert second.answer is GuardAnswer.REFUSED
    assert second.refusal is Refusal.INTERNAL_ADDRESS


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://127.0.0.1/logo.png", Refusal.INTERNAL_ADDRESS),
        ("http://localhost/logo.png", Refusal.INTERNAL_ADDRESS),
        ("http://[::1]/logo.png", Refusal.SCHEME),  # httpx sends `http://::1/...` to proxies
        ("http://169.254.169.254/logo.png", Refusal.INTERNAL_ADDRESS),
        ("http://127.0.0.1:5432/logo.png", Refusal.PORT),
        ("https://127.0.0.1/logo.png", Refusal.INTERNAL_ADDRESS),  # a CONNECT tunnel
        ("https://localhost:8443/logo.png", Refusal.PORT),
    ],
)
def test_the_public_internet_policy_refuses_loopback_and_internal_targets(
    url: str, refusal: Refusal
) -> None:
    with GuardProxy(NetworkPolicy.public_internet()) as guard:
        with pytest.raises(LogoUnavailable, match="network guard"):
            fetch_logo(url, guard.url)
        [event] = guard.events
    assert event.answer is GuardAnswer.REFUSED and event.refusal is refusal


def test_the_public_internet_policy_refuses_the_loopback_test_server_too(
    logo_server: str,
) -> None:
    with (
        GuardProxy(NetworkPolicy.public_internet()) as guard,
        pytest.raises(LogoUnavailable, match="refused by the network guard"),
    ):
        fetch_logo(f"{logo_server}/heron.png", guard.url)


@pytest.mark.parametrize("url", ["s3://assets/logos/heron.png", "supabase://assets/heron.png"])
def test_store_logos_are_not_supported_yet(url: str, proxy: GuardProxy) -> None:
    with pytest.raises(LogoUnavailable, match="not supported yet"):
        fetch_logo(url, proxy.url)
    assert proxy.events == []


LOGO_FORM = """<form action="/add" method="post">
  <label for="name">Business name</label><input id="name" name="business_name" required>
  <label for="logo">Logo</label><input id="logo" name="logo" type="file" accept="image/*" required>
  <button type="submit">Submit</button>
</form>"""


def _chosen_file(page: Page) -> list[object] | None:
    return page.evaluate(
        "() => { const f = document.querySelector('input[name=logo]').files[0];"
        " return f ? [f.name, f.type, f.size] : null; }"
    )


def test_fill_form_uploads_the_fetched_logo_and_reads_no_local_file(
    logo_server: str, proxy: GuardProxy, page: Page
) -> None:
    profile = BusinessProfile.model_validate({**SAMPLE_PROFILE, "logo": f"{logo_server}/heron.png"})
    page.set_content(LOGO_FORM)
    schema = capture_page(page)
    plan = map_form(schema)
    assert plan.decision(next(f.key for f in schema.fields if f.name == "logo")) is not None

    without = fill_form(page, schema, plan, profile)
    assert _chosen_file(page) is None
    assert without.missing_required == ["logo (logo file)"]

    logo = fetch_logo(f"{logo_server}/heron.png", proxy.url)
    report = fill_form(page, schema, plan, profile, logo)
    assert _chosen_file(page) == ["heron.png", "image/png", len(PNG)]
    assert report.filled["logo"] == "logo" and report.missing_required == []
