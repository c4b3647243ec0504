"""Opening a verification link: in real Chromium through the directory's network guard,
against a real loopback HTTP server, and the pure judgement of what the page said."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.open_link import open_verification_link
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import DirectoryEntry, Package
from directory_pipeline.verification.link_visit import LinkOutcome, LinkVisit, judge_visit

HOSTS = ("mailcheck.localhost",)


class _Directory(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        port = self.server.server_address[1]  # type: ignore[index]
        pages = {
            "/verify/good": (200, "<h1>Thank you</h1><p>Your e-mail address is confirmed.</p>"),
            "/verify/bestaetigt": (200, "<p>Ihre E-Mail-Adresse wurde bestätigt.</p>"),
            "/verify/old": (410, "<p>This link has expired. Please submit again.</p>"),
            "/verify/plain": (200, "<p>Welcome to Mail Check Directory</p>"),
            "/verify/broken": (500, "<p>Your e-mail address is confirmed.</p>"),
        }
        if self.path == "/verify/away":
            self.send_response(302)
            self.send_header("Location", f"http://elsewhere.localhost:{port}/confirmed")
            self.end_headers()
            return
        status, body = pages.get(self.path, (404, "<p>Not found</p>"))
        data = f"<!doctype html><html><body>{body}</body></html>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _in_thread(directory: DirectoryEntry, url: str, **kwargs):
    """In a thread of its own: the session's Chromium fixture keeps a Playwright on the main
    thread, and one thread holds one sync Playwright."""

    def work():
        with BrowserSession() as session:
            return open_verification_link(session, directory, url, **kwargs)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result(timeout=120)


@pytest.fixture(scope="module")
def directory() -> Iterator[DirectoryEntry]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Directory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    yield DirectoryEntry(
        slug="mailcheck",
        name="Mail Check",
        submit_url=f"http://mailcheck.localhost:{port}/add",
        tier=Package.STARTER,
        hosts=list(HOSTS),
        sandbox=True,
    )
    server.shutdown()


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        ("/verify/good", LinkOutcome.CONFIRMED),
        ("/verify/bestaetigt", LinkOutcome.CONFIRMED),
        ("/verify/old", LinkOutcome.EXPIRED),
        ("/verify/plain", LinkOutcome.UNPROVEN),
        ("/verify/broken", LinkOutcome.REFUSED),
        ("/verify/away", LinkOutcome.LEFT_DIRECTORY),
    ],
)
def test_a_link_is_opened_once_through_the_guard_and_judged(
    directory: DirectoryEntry, tmp_path: Path, path: str, outcome: LinkOutcome
) -> None:
    url = directory.submit_url.replace("/add", path)
    _Directory.hits.clear()
    visit, evidence = _in_thread(
        directory, url, store=LocalEvidenceStore(tmp_path), prefix="job/dir"
    )
    assert judge_visit(visit, HOSTS).outcome is outcome
    assert _Directory.hits == [path]  # opened exactly once; the other host never reached
    assert evidence is not None and (tmp_path / "job/dir/verification.jpg").exists()


def test_a_link_to_another_host_is_never_opened(directory: DirectoryEntry, tmp_path: Path) -> None:
    _Directory.hits.clear()
    visit, evidence = _in_thread(
        directory,
        "http://mailcheck.localhost.evil.localhost/verify/good",
        store=LocalEvidenceStore(tmp_path),
        prefix="job/dir",
    )
    assert evidence is None and visit.status is None and _Directory.hits == []


def test_a_confirmation_sentence_on_another_host_proves_nothing() -> None:
    visit = LinkVisit(
        url="http://mailcheck.localhost/verify/x",
        status=200,
        final_url="http://mailcheck.example/done",
        lines=("Your e-mail address is confirmed.",),
    )
    assert judge_visit(visit, HOSTS).outcome is LinkOutcome.LEFT_DIRECTORY
    assert not judge_visit(visit, HOSTS).proves_submission
