"""E-mail verification end to end, every part real: the engine submits to sandbox
directories that verify (in Chromium, each submission with its own plus-address), the
directories send their mail over SMTP to the local stack's server (aiosmtpd, into a
Maildir), and one mailbox pass follows what may be followed: a link opened, a code typed
into the page the submission ended on. Postgres holds the results."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import httpx
import pytest

from directory_pipeline.analytics.outcome_files import write_outcome
from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.browser.open_link import open_verification_link
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.browser.type_code import type_verification_code
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, Package, SubmissionStatus
from directory_pipeline.local.mail_server import LocalMailServer
from directory_pipeline.local.ports import free_port
from directory_pipeline.sandbox import VERIFICATION_SITES, SandboxServer
from directory_pipeline.sandbox.outside import OutsideServer
from directory_pipeline.store.database import connect
from directory_pipeline.store.results import ResultStore
from directory_pipeline.store.verification_mails import VerificationMailStore
from directory_pipeline.verification.mailbox import MaildirMailbox
from directory_pipeline.verification.matching import MailVerdict
from directory_pipeline.verification.record_confirmation import record_confirmation
from directory_pipeline.verification.service import process_mailbox
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

ADDRESS = "listings@shop.example"
LINK, CODE, SILENT, OFFSITE = (
    "branchenbuch-nord",
    "pinpoint-local",
    "quietpages-directory",
    "trustmark-listings",
)


def _entry(slug: str, port: int) -> DirectoryEntry:
    site = next(s for s in VERIFICATION_SITES if s.slug == slug)
    return DirectoryEntry(
        slug=slug,
        name=site.name,
        submit_url=f"http://{slug}.localhost:{port}{site.form_path}",
        tier=Package.STARTER,
        language=site.language,
        sandbox=True,
        min_interval_seconds=0,
    )


@pytest.fixture
def stack(tmp_path: Path):
    mail = LocalMailServer(tmp_path / "mail", free_port()).start()
    outside = OutsideServer().start()
    server = SandboxServer(
        tmp_path / "ledger.sqlite3",
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        outside_url=outside.url,
    ).start()
    yield server, mail, outside
    server.stop()
    outside.stop()
    mail.stop()


def test_mail_is_matched_links_followed_and_codes_typed_once_and_off_host_links_never(
    stack, migrated_database_url: str, tmp_path: Path
) -> None:
    server, _mail, outside = stack
    dsn, outcomes = migrated_database_url, tmp_path / "analytics"
    profile = BusinessProfile.model_validate(SAMPLE_PROFILE)
    directories = {slug: _entry(slug, server.port) for slug in (LINK, CODE, SILENT, OFFSITE)}
    job = uuid.uuid4()
    config = EngineConfig(verification_address=ADDRESS)
    evidence = LocalEvidenceStore(tmp_path / "evidence")

    def submit_all():
        with SubmissionEngine(evidence, config=config) as engine:
            return {s: engine.submit(d, profile, job_id=job) for s, d in directories.items()}

    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(submit_all).result(timeout=600)
    with connect(dsn) as conn:
        conn.execute(
            "insert into jobs (id, customer_id, package, status) "
            "values (%s, %s, 'starter', 'partially_completed')",
            (job, uuid.uuid4()),
        )
    results_store = ResultStore(dsn)
    for slug, result in results.items():
        assert result.outcome.status is SubmissionStatus.NEEDS_REVIEW, (slug, result.outcome)
        results_store.upsert_result(job, result.outcome)
        write_outcome(outcomes, job, "starter", directories[slug], result.outcome, "x", 1.0)

    records = VerificationMailStore(dsn)

    def mailbox_pass():
        with BrowserSession() as session:
            return process_mailbox(
                MaildirMailbox(tmp_path / "mail"),
                records,
                ADDRESS,
                directories,
                lambda d, url, prefix: open_verification_link(
                    session, d, url, store=evidence, prefix=prefix
                ),
                partial(record_confirmation, results_store, outcomes),
                lambda d, page_url, code, prefix: type_verification_code(
                    session, d, page_url, code, store=evidence, prefix=prefix
                ),
            )

    with ThreadPoolExecutor(max_workers=1) as pool:
        handled = pool.submit(mailbox_pass).result(timeout=300)
        again = pool.submit(mailbox_pass).result(timeout=300)

    verdicts = {h.decision.directory_slug: h.decision.verdict for h in handled}
    assert verdicts == {
        LINK: MailVerdict.CONFIRMATION_LINK,
        CODE: MailVerdict.CODE,
        OFFSITE: MailVerdict.LINK_TO_ANOTHER_HOST,
    }  # the silent directory sent nothing
    assert again == []  # every mail was handled once
    statuses = results_store.result_statuses(job)
    assert statuses[LINK] is statuses[CODE] is SubmissionStatus.SUBMITTED
    assert {statuses[s] for s in (SILENT, OFFSITE)} == {SubmissionStatus.NEEDS_REVIEW}
    events = httpx.get(f"{server.url}/__sandbox/verifications", timeout=10).json()
    # The link followed and the code typed exactly once each, and the code was right.
    assert sorted((e["site"], e["outcome"]) for e in events) == [
        (LINK, "confirmed"),
        (CODE, "confirmed"),
    ]
    assert outside.count == 0  # the phishing-like link was never opened
