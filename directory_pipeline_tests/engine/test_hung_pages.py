"""Deadlines: a page that never answers our scripts, and a POST that is never answered, do
not hold the engine, and neither is ever `submitted` or posted twice.

Real Chromium against a small loopback HTTP server written for these faults (a page that
spins its main thread forever; a form handler that reads the POST and never answers): no
directory of ours misbehaves this way on demand, so the server is part of the test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.judge import Reason
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, Package, SubmissionStatus
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)

FORM = """<!doctype html><html><head><title>Add your business</title></head><body>
<h1>Add your business</h1>
<form method="post" action="/add">
  <label for="n">Business name</label><input id="n" name="business_name" required>
  <label for="e">Email</label><input id="e" name="email" type="email" required>
  <label for="p">Phone</label><input id="p" name="phone" required>
  <label for="w">Website</label><input id="w" name="website">
  <button type="submit">Submit listing</button>
</form>
{script}
</body></html>"""

SPIN = "<script>setTimeout(() => { for (;;) {} }, 200);</script>"


class _Directory:
    """The fault server: `/spin` spins after load, `/` is a normal form whose POST hangs."""

    def __init__(self) -> None:
        self.posts = 0
        self.release = threading.Event()
        directory = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = FORM.format(script=SPIN if self.path == "/spin" else "").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                directory.posts += 1
                directory.release.wait(60)  # the directory never answers in time

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def entry(self, path: str) -> DirectoryEntry:
        return DirectoryEntry(
            slug="hung-directory",
            name="Hung Directory",
            submit_url=f"http://localhost:{self.server.server_address[1]}{path}",
            tier=Package.STARTER,
            hosts=["localhost"],
            sandbox=True,
            min_interval_seconds=0,
        )


@pytest.fixture
def directory() -> Iterator[_Directory]:
    served = _Directory()
    yield served
    served.release.set()
    served.server.shutdown()
    served.server.server_close()


def _submit(
    entry: DirectoryEntry, config: EngineConfig, root: Path
) -> tuple[SubmissionResult, float]:
    def work() -> tuple[SubmissionResult, float]:
        with SubmissionEngine(LocalEvidenceStore(root), config=config) as engine:
            started = time.monotonic()
            return engine.submit(entry, PROFILE), time.monotonic() - started

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result(timeout=240)


def test_a_page_that_never_answers_our_scripts_is_given_up_within_the_budget(
    directory: _Directory, tmp_path: Path
) -> None:
    config = EngineConfig(directory_timeout_s=30, max_transient_retries=1, backoff_seconds=0.1)
    result, seconds = _submit(directory.entry("/spin"), config, tmp_path)
    assert result.outcome.status is SubmissionStatus.FAILED
    assert result.reason is Reason.BROWSER_TROUBLE
    assert directory.posts == 0
    assert seconds < 90


def test_a_post_that_is_never_answered_is_needs_review_and_never_repeated(
    directory: _Directory, tmp_path: Path
) -> None:
    config = EngineConfig(submit_timeout_ms=3_000, directory_timeout_s=60)
    result, seconds = _submit(directory.entry("/"), config, tmp_path)
    assert result.outcome.status is SubmissionStatus.NEEDS_REVIEW
    assert result.reason is Reason.MAY_HAVE_RECEIVED
    assert "may have received" in (result.outcome.reason or "")
    assert directory.posts == 1
    assert seconds < 60
