"""Looking for a published listing on its directory, in a guarded context (only the
directory's hosts): the page the catalog entry declares (search, listing URL or sitemap),
then the listings it points at, until one shows this business; its screenshot is stored as
evidence. What counts as found, and the NAP comparison, are pure (`presence/`)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import partial

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from directory_pipeline.browser.evidence import (
    EvidenceStore,
    capture_page_evidence,
    store_evidence,
)
from directory_pipeline.browser.scripts import evaluate_within
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import BusinessProfile, DirectoryEntry
from directory_pipeline.presence.finding import PageLink, candidates, presence_url
from directory_pipeline.presence.nap import compare_nap, read_shown
from directory_pipeline.presence.sighting import Sighting, is_this_listing, says_not_live

PAGE_TIMEOUT_MS = 30_000
MAX_CANDIDATES = 3
"""Listing pages opened per check at most (same-name results in other cities are skipped
before opening; this bounds what a crowded result page costs)."""

_READ_PAGE_JS = """
() => {
  const props = {};
  for (const el of document.querySelectorAll('[itemprop]')) {
    const key = el.getAttribute('itemprop');
    if (key in props || el.hasAttribute('itemscope')) continue;
    const value = el.getAttribute('content') || el.innerText || '';
    if (value.trim()) props[key] = value;
  }
  const jsonLd = [...document.querySelectorAll('script[type="application/ld+json"]')]
    .map((s) => s.textContent || '');
  const links = [...document.querySelectorAll('a[href]')].map((a) => ({
    href: a.href,
    text: a.innerText || '',
    block: (a.closest('li, article, tr, .result, .listing') || a.parentElement || a)
      .innerText || '',
  }));
  return { props, jsonLd, links, text: document.body ? document.body.innerText : '' };
}
"""


@dataclass
class PageReading:
    """One page as the browser read it."""

    url: str
    status: int | None
    final_url: str
    body: str = ""
    links: list[PageLink] = field(default_factory=list)
    props: dict[str, str] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def answered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _read(page: Page, url: str) -> PageReading:
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError:
        return PageReading(url=url, status=None, final_url=page.url)
    status = response.status if response is not None else None
    body = ""
    if response is not None and "xml" in (response.headers.get("content-type") or ""):
        body = response.text()
    try:
        seen = evaluate_within(page, _READ_PAGE_JS) or {}
    except PlaywrightError:
        seen = {}
    return PageReading(
        url=url,
        status=status,
        final_url=page.url,
        body=body,
        links=[PageLink.model_validate(link) for link in seen.get("links", [])],
        props={str(k): str(v) for k, v in (seen.get("props") or {}).items()},
        json_ld=[str(s) for s in seen.get("jsonLd", [])],
        text=str(seen.get("text", "")),
    )


def look_for_listing(
    session: BrowserSession,
    directory: DirectoryEntry,
    profile: BusinessProfile,
    *,
    store: EvidenceStore,
    prefix: str,
    timeout_ms: int = PAGE_TIMEOUT_MS,
) -> Sighting:
    """One check of one listing: open the entry's presence page, then up to
    `MAX_CANDIDATES` listings it points at; the first that shows this business is the
    sighting, with its screenshot stored under `prefix`."""
    check = directory.presence
    if check is None:
        raise ValueError(f"{directory.slug} declares no way to find its listings")
    city = profile.city or ""
    start = presence_url(check, directory.submit_url, profile.business_name, city)

    def visit() -> Sighting:
        sighting = Sighting(looked_at=start)
        with session.guarded_context(directory, timeout_ms=timeout_ms) as guarded:
            page = guarded.new_page()
            first = _read(page, start)
            sighting.pages.append(first.final_url)
            if not first.answered:
                return sighting
            found = candidates(
                check,
                page_url=first.final_url,
                links=first.links,
                body=first.body,
                name=profile.business_name,
                city=city,
                hosts=directory.hosts,
            )
            for url in found[:MAX_CANDIDATES]:
                reading = first if url == first.final_url else _read(page, url)
                if reading is not first:
                    sighting.pages.append(reading.final_url)
                if not reading.answered:
                    continue
                if says_not_live(reading.text.splitlines()):
                    continue  # "awaiting review": the name is there, the listing is not
                shown = read_shown(reading.props, reading.json_ld, reading.text)
                report = compare_nap(shown, profile)
                if not is_this_listing(report):
                    continue
                captured = capture_page_evidence(page, offload=session.offload)
                record = {
                    "looked_at": start,
                    "listing_url": reading.final_url,
                    "status": reading.status,
                    "nap": report.model_dump(mode="json"),
                }
                evidence = session.offload(
                    partial(store_evidence, store, prefix, "live", captured, record)
                )
                return sighting.model_copy(
                    update={
                        "listing_url": reading.final_url,
                        "nap": report,
                        "evidence": evidence,
                        "preview_jpeg_b64": base64.b64encode(captured.preview_jpeg).decode(),
                    }
                )
        return sighting

    return session.run(visit)
