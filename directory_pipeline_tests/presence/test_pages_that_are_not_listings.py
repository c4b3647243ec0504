"""A page that names the business but says its listing is not published ("awaiting review",
"no longer available") is not a sighting: real Chromium through the network guard against a
loopback directory whose search links to such pages, and the pure phrase decision."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.listing_page import look_for_listing
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, Package
from directory_pipeline.domain.catalog import PresenceCheck, PresenceKind
from directory_pipeline.presence.sighting import says_not_live
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

LISTING = (
    "<h1>Rosa's Bakery</h1><p>{status}</p>"
    "<p>1 Main Street, 94110 San Francisco</p><p>+1 415 555 0142</p>"
)


class _Directory(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {}

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        body = type(self).pages.get(self.path.split("?")[0], "<p>Not found</p>")
        data = f"<!doctype html><html><body>{body}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def directory() -> Iterator[DirectoryEntry]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Directory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield DirectoryEntry(
        slug="pendingpages",
        name="Pending Pages",
        submit_url=f"http://pendingpages.localhost:{server.server_address[1]}/add",
        tier=Package.STARTER,
        sandbox=True,
        presence=PresenceCheck(kind=PresenceKind.SEARCH, url="/search?q={name}"),
    )
    server.shutdown()


@pytest.mark.parametrize(
    "status",
    [
        "Your listing is awaiting review by our editors.",
        "Dieser Eintrag wird geprüft.",
        "This listing is no longer available.",
    ],
)
def test_a_page_saying_the_listing_is_not_published_is_not_a_sighting(
    directory: DirectoryEntry, tmp_path: Path, status: str
) -> None:
    _Directory.pages = {
        "/search": '<a href="/listing/1-rosa-s-bakery">Rosa\'s Bakery</a> San Francisco',
        "/listing/1-rosa-s-bakery": LISTING.format(status=status),
    }
    profile = BusinessProfile.model_validate(SAMPLE_PROFILE)

    def look():
        with BrowserSession() as session:
            return look_for_listing(
                session, directory, profile, store=LocalEvidenceStore(tmp_path), prefix="p"
            )

    with ThreadPoolExecutor(max_workers=1) as pool:  # the session Chromium holds this thread
        sighting = pool.submit(look).result(timeout=120)
    assert not sighting.found and sighting.listing_url is None


def test_which_sentences_say_not_live() -> None:
    assert says_not_live(["Rosa's Bakery", "Pending approval"]) is not None
    assert says_not_live(["Eintrag noch nicht veröffentlicht"]) is not None
    assert says_not_live(["Rosa's Bakery", "Open today 7-15", "Reviews (3)"]) is None
