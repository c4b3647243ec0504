"""Opening a verification link in a guarded context: only the directory's hosts can be
reached, the visit is read and its evidence stored. The judgement is pure
(`verification/link_visit.py`)."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from directory_pipeline.browser.evidence import (
    Evidence,
    EvidenceStore,
    capture_page_evidence,
    store_evidence,
)
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import DirectoryEntry
from directory_pipeline.verification.link_visit import LinkVisit, judge_visit
from directory_pipeline.verification.matching import on_hosts

LINK_TIMEOUT_MS = 30_000


def open_verification_link(
    session: BrowserSession,
    directory: DirectoryEntry,
    url: str,
    *,
    store: EvidenceStore,
    prefix: str,
    timeout_ms: int = LINK_TIMEOUT_MS,
) -> tuple[LinkVisit, Evidence | None]:
    """Open `url` once, through the directory's network guard, and keep what the page said.
    A link off the directory's hosts is never opened."""
    hosts = tuple(directory.hosts)
    if not on_hosts(url, hosts):
        return LinkVisit(url=url, status=None, final_url=url, lines=()), None

    def visit() -> tuple[LinkVisit, Evidence | None]:
        with session.guarded_context(directory, timeout_ms=timeout_ms) as guarded:
            page = guarded.new_page()
            try:
                response = page.goto(url, wait_until="load")
            except PlaywrightError:
                response = None  # refused, reset, blocked by the guard or timed out
            lines = tuple(page.inner_text("body").splitlines()) if page.url != "about:blank" else ()
            seen = LinkVisit(
                url=url,
                status=response.status if response is not None else None,
                final_url=page.url,
                lines=lines,
            )
            return seen, keep_visit_evidence(session, page, seen, hosts, store, prefix)

    return session.run(visit)


def keep_visit_evidence(
    session: BrowserSession,
    page: Page,
    visit: LinkVisit,
    hosts: tuple[str, ...],
    store: EvidenceStore,
    prefix: str,
) -> Evidence:
    """The page after a verification step, stored with what it was judged to say. A typed
    code is never stored (the address opened is: a link is the directory's own)."""
    judgement = judge_visit(visit, hosts)
    captured = capture_page_evidence(page, offload=session.offload)
    record = {
        "opened": visit.url,
        "status": visit.status,
        "outcome": judgement.outcome.value,
        "said": judgement.said,
    }
    return session.offload(lambda: store_evidence(store, prefix, "verification", captured, record))
