"""One pass over the verification mailbox end to end: real Postgres (`job_results`,
`verification_mails`), a real Maildir, real Chromium through the network guard, and a real
loopback directory whose confirmation link counts its visits."""

from __future__ import annotations

import mailbox
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from directory_pipeline.analytics.outcome_files import outcome_file, read_outcomes, write_outcome
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.judge import Reason
from directory_pipeline.browser.open_link import open_verification_link
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import DirectoryEntry, Package, SubmissionOutcome, SubmissionStatus
from directory_pipeline.store.database import connect
from directory_pipeline.store.results import ResultStore
from directory_pipeline.store.verification_mails import VerificationMailStore
from directory_pipeline.verification.aliases import alias_for
from directory_pipeline.verification.mailbox import MaildirMailbox
from directory_pipeline.verification.matching import MailVerdict
from directory_pipeline.verification.record_confirmation import record_confirmation
from directory_pipeline.verification.service import process_mailbox

ADDRESS = "listings@shop.example"


class _Directory(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"<html><body><p>Your e-mail address is confirmed. Your listing awaits review.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def directory() -> Iterator[DirectoryEntry]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Directory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Directory.hits.clear()
    yield DirectoryEntry(
        slug="mailcheck",
        name="Mail Check",
        submit_url=f"http://mailcheck.localhost:{server.server_address[1]}/add",
        tier=Package.STARTER,
        sandbox=True,
    )
    server.shutdown()


def _deliver(folder: Path, job: uuid.UUID, link: str, *, sender: str, key: str) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = alias_for(ADDRESS, job, "mailcheck")
    message["Subject"] = "Confirm your listing"
    message["Message-ID"] = f"<{key}@mailcheck.localhost>"
    message.set_content(f"Please confirm your listing: {link}\nThe Mail Check team")
    mailbox.Maildir(folder, create=True).add(message)


def _needs_review(dsn: str, root: Path, job: uuid.UUID, directory: DirectoryEntry) -> None:
    with connect(dsn) as conn:
        conn.execute(
            "insert into jobs (id, customer_id, package, status) "
            "values (%s, %s, 'starter', 'partially_completed')",
            (job, uuid.uuid4()),
        )
    outcome = SubmissionOutcome(
        status=SubmissionStatus.NEEDS_REVIEW,
        directory_slug=directory.slug,
        reason=Reason.VERIFICATION.sentence,
        final_url=directory.submit_url,
        attempts=1,
    )
    ResultStore(dsn).upsert_result(job, outcome)
    write_outcome(root, job, "starter", directory, outcome, "heuristic", 3.0)


def test_a_confirmation_link_is_followed_once_and_the_submission_moves_to_submitted(
    migrated_database_url: str, tmp_path: Path, directory: DirectoryEntry
) -> None:
    dsn, root, maildir = migrated_database_url, tmp_path / "outcomes", tmp_path / "mail"
    job = uuid.uuid4()
    _needs_review(dsn, root, job, directory)
    base = directory.submit_url.removesuffix("/add")
    sender = "Mail Check <noreply@mailcheck.localhost>"
    _deliver(maildir, job, f"{base}/verify/t1", sender=sender, key="a")
    _deliver(maildir, job, "http://mailcheck-login.example/verify/t1", sender=sender, key="b")

    records, results = VerificationMailStore(dsn), ResultStore(dsn)

    def one_pass():
        with BrowserSession() as session:
            return process_mailbox(
                MaildirMailbox(maildir),
                records,
                ADDRESS,
                {directory.slug: directory},
                lambda d, url, prefix: open_verification_link(
                    session, d, url, store=LocalEvidenceStore(tmp_path / "ev"), prefix=prefix
                ),
                partial(record_confirmation, results, root),
            )

    # In a thread of its own: the session's Chromium fixture keeps a Playwright on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(one_pass).result(timeout=300)
        # The same link again (the directory resent it), after the submission moved on.
        _deliver(maildir, job, f"{base}/verify/t1", sender=sender, key="c")
        second = pool.submit(one_pass).result(timeout=300)

    verdicts = sorted(h.decision.verdict for h in first)
    assert MailVerdict.CONFIRMATION_LINK in verdicts
    assert [h.decision.verdict for h in second] == [MailVerdict.UNKNOWN_SUBMISSION]
    assert _Directory.hits == ["/verify/t1"]  # opened once, the other host never
    assert results.result_statuses(job) == {"mailcheck": SubmissionStatus.SUBMITTED}
    recorded = read_outcomes(root, [str(job)]).iloc[0]
    assert recorded["status"] == "submitted" and "confirmed" in recorded["confirmation_text"]
    assert outcome_file(root, job, "mailcheck").exists()
    rows = records.mails_for(job, "mailcheck")
    assert [r["outcome"] for r in rows if r["outcome"]] == ["confirmed"]
    assert MaildirMailbox(maildir).unhandled() == []  # every mail handled, none left
