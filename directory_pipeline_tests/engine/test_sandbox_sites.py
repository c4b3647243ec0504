"""The submission engine against every sandbox directory site: real Chromium, real sandbox.

One engine (one Chromium) serves the whole module from a worker thread of its own, because
a Playwright sync object must stay on the thread that created it and the session's
`chromium` fixture may already hold this thread's Playwright.

The module runs its own sandbox server rather than the session one: it puts a request
recorder in front of the sandbox app (before the server starts), so the tests can prove that
nothing was posted to a site and that no header search box was used; the admin stats have
no counter for searches.

Each site is submitted to once with `SAMPLE_PROFILE` (lazily, by the first test that needs
it); what the engine returned, the site's ledger entries, its admin stats and the requests
its hosts received are kept, and the tests below each check one property of that run.
"""

from __future__ import annotations

import base64
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, SubmissionStatus
from directory_pipeline.sandbox import (
    SITES,
    Ledger,
    LedgerEntry,
    SandboxServer,
    SandboxSite,
    sandbox_directories,
)
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)
BY_SLUG = {site.slug: site for site in SITES}

# Sites where the engine's honest answer for SAMPLE_PROFILE (a bakery in San Francisco, US)
# is stricter than the catalogue's expected outcome (which assumes a business the site can
# describe). Each of these asks for a required country from a list without the United
# States, so the profile cannot fill the form truthfully: contracts §5 makes that
# `needs_review` (a blocker a person must look at), and nothing may be posted: sending the
# pre-selected default instead would list a US business as German or Spanish.
COUNTRY_NOT_OFFERED = {
    "stadtbranchen-de": "f9",  # "Land *": Deutschland, Österreich, Schweiz, ...
    "guia-negocios-es": "f11",  # "País *": España (pre-selected), Andorra, Argentina, ...
    "annuaire-pro-fr": "f11",  # "Pays *": France (pre-selected), Belgique, Suisse, ...
}


def honest_status(site: SandboxSite) -> SubmissionStatus:
    """The status an honest engine reports for SAMPLE_PROFILE on `site`."""
    if site.slug in COUNTRY_NOT_OFFERED:
        return SubmissionStatus.NEEDS_REVIEW
    return SubmissionStatus(site.expected_outcome)


SUBMITTED_SITES = [s for s in SITES if honest_status(s) is SubmissionStatus.SUBMITTED]
NOTHING_POSTED_SITES = [s for s in SITES if honest_status(s) is not SubmissionStatus.SUBMITTED]
CAPTCHA_OR_PAID_SITES = [s for s in SITES if "captcha" in s.features or s.requires_payment]


def _ids(site: SandboxSite) -> str:
    return site.slug


# -- the sandbox, with a request recorder in front of it ----------------------------------


@dataclass(frozen=True)
class SeenRequest:
    """One HTTP request the sandbox received."""

    host: str
    method: str
    path: str
    query: dict[str, list[str]]

    def is_for(self, slug: str) -> bool:
        """Whether the request went to `slug`'s host or one of its subdomains."""
        site_host = f"{slug}.localhost"
        return self.host == site_host or self.host.endswith("." + site_host)


class RequestRecorder:
    """ASGI middleware noting every request before the sandbox (and its faults) sees it."""

    def __init__(self, app: ASGIApp, log: list[SeenRequest]) -> None:
        self.app = app
        self.log = log
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            host = headers.get("host", "").rsplit(":", 1)[0].lower()
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            with self._lock:
                self.log.append(SeenRequest(host, scope["method"], scope["path"], query))
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class SearchBox:
    """A GET form of a site's page (its header search box): where it goes, what it sends."""

    action: str
    names: frozenset[str]

    def used_by(self, request: SeenRequest) -> bool:
        """Whether `request` is this search box being submitted (or its endpoint being hit)."""
        if request.path != self.action:
            return False
        return self.action != "/" or bool(self.names & request.query.keys())


class _GetForms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._open: set[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._open = None
            if attr.get("method", "get").lower() == "get":
                self._open = set()
                self.forms.append((urlparse(attr.get("action", "")).path or "/", self._open))
        elif tag in {"input", "select", "textarea"} and self._open is not None and attr.get("name"):
            self._open.add(attr["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


@dataclass
class Sandbox:
    """The module's sandbox server, its ledger, its request log and its admin API."""

    server: SandboxServer
    ledger: Ledger
    requests: list[SeenRequest]
    admin: httpx.Client
    search_boxes: dict[str, list[SearchBox]] = field(default_factory=dict)

    def reset(self) -> None:
        """Forget ledger, memory and stats; restore knobs and form versions."""
        self.admin.post("/__sandbox/reset", json={"knobs": True}).raise_for_status()

    def stats(self, slug: str) -> dict[str, int]:
        response = self.admin.get("/__sandbox/stats")
        response.raise_for_status()
        return response.json().get(slug, {})

    def knobs(self, slug: str) -> dict[str, Any]:
        response = self.admin.get("/__sandbox/knobs")
        response.raise_for_status()
        return response.json()[slug]

    def find_search_boxes(self, site: SandboxSite) -> list[SearchBox]:
        """The GET forms (header search boxes) of the site's form page, as served."""
        page = httpx.get(
            f"http://127.0.0.1:{self.server.port}{site.form_path}",
            headers={"Host": f"{site.slug}.localhost:{self.server.port}"},
            timeout=30,
        )
        page.raise_for_status()
        parser = _GetForms()
        parser.feed(page.text)
        return [SearchBox(action, frozenset(names)) for action, names in parser.forms]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    ledger_path = tmp_path_factory.mktemp("sandbox-sites") / "ledger.sqlite3"
    server = SandboxServer(ledger_path)
    log: list[SeenRequest] = []
    server.app.add_middleware(RequestRecorder, log=log)  # outermost: sees every request
    with server, httpx.Client(base_url=server.url, timeout=30) as admin:
        box = Sandbox(server, Ledger(ledger_path), log, admin)
        box.search_boxes = {site.slug: box.find_search_boxes(site) for site in SITES}
        yield box


@pytest.fixture(autouse=True)
def _fresh_sandbox(sandbox: Sandbox) -> None:
    """Every test starts from an empty ledger, no site memory and default knobs."""
    sandbox.reset()


# -- one engine on a thread of its own ------------------------------------------------------


class EngineThread:
    """A SubmissionEngine created, used and closed on one worker thread.

    A one-worker ThreadPoolExecutor runs every call on the same thread, the one that
    started the engine's Playwright.
    """

    def __init__(self, evidence_root: Path, config: EngineConfig) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self._engine = self._pool.submit(self._start, evidence_root, config).result(timeout=120)

    @staticmethod
    def _start(evidence_root: Path, config: EngineConfig) -> SubmissionEngine:
        engine = SubmissionEngine(LocalEvidenceStore(evidence_root), config=config)
        engine.__enter__()
        return engine

    def submit(self, directory: DirectoryEntry, profile: BusinessProfile) -> SubmissionResult:
        return self._pool.submit(self._engine.submit, directory, profile).result(timeout=240)

    def close(self) -> None:
        try:
            self._pool.submit(self._engine.__exit__, None, None, None).result(timeout=60)
        finally:
            self._pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineThread]:
    worker = EngineThread(tmp_path_factory.mktemp("evidence"), EngineConfig(backoff_seconds=0.2))
    yield worker
    worker.close()


@pytest.fixture(scope="module")
def directories(sandbox: Sandbox) -> dict[str, DirectoryEntry]:
    return {entry.slug: entry for entry in sandbox_directories(sandbox.server.port)}


# -- one submission per site, observed ----------------------------------------------------


@dataclass(frozen=True)
class SiteRun:
    """One submission to one site and everything the sandbox saw of it."""

    site: SandboxSite
    result: SubmissionResult
    entries: list[LedgerEntry]
    requests: list[SeenRequest]
    stats: dict[str, int]

    @property
    def accepted(self) -> list[LedgerEntry]:
        return [entry for entry in self.entries if entry.accepted]

    @property
    def posts(self) -> list[SeenRequest]:
        return [r for r in self.requests if r.method not in {"GET", "HEAD", "OPTIONS"}]


Submit = Callable[[SandboxSite, BusinessProfile], SiteRun]


@pytest.fixture(scope="module")
def submit_observed(
    sandbox: Sandbox, engine: EngineThread, directories: dict[str, DirectoryEntry]
) -> Submit:
    """Submit `profile` to a site and snapshot what the sandbox recorded meanwhile.

    The caller is responsible for the sandbox being fresh (the autouse reset does that).
    """

    def run(site: SandboxSite, profile: BusinessProfile) -> SiteRun:
        first = len(sandbox.requests)
        result = engine.submit(directories[site.slug], profile)
        return SiteRun(
            site=site,
            result=result,
            entries=sandbox.ledger.entries(site.slug),
            requests=[r for r in sandbox.requests[first:] if r.is_for(site.slug)],
            stats=sandbox.stats(site.slug),
        )

    return run


@pytest.fixture(scope="module")
def _runs() -> dict[str, SiteRun]:
    return {}


@pytest.fixture
def site_run(
    _runs: dict[str, SiteRun], submit_observed: Submit
) -> Callable[[SandboxSite], SiteRun]:
    """The module's one SAMPLE_PROFILE submission to a site (made by the first test asking)."""

    def get(site: SandboxSite) -> SiteRun:
        if site.slug not in _runs:
            _runs[site.slug] = submit_observed(site, PROFILE)
        return _runs[site.slug]

    return get


# -- helpers -------------------------------------------------------------------------------


def _squash(text: str) -> str:
    """Lower-case letters and digits only: formatting, accents and punctuation dropped."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "", plain.casefold())


def _values(entry: LedgerEntry) -> list[str]:
    return [
        v for value in entry.fields.values() for v in ([value] if isinstance(value, str) else value)
    ]


def _assert_carries_profile(entry: LedgerEntry, profile: BusinessProfile) -> None:
    values = _values(entry)
    name = _squash(profile.business_name)
    assert any(name in _squash(value) for value in values), (
        f"business name {profile.business_name!r} not in the posted fields {entry.fields}"
    )
    email = str(profile.email).casefold()
    assert any(email in value.casefold() for value in values), (
        f"e-mail {profile.email!r} not in the posted fields {entry.fields}"
    )


def _file(uri: str | None) -> Path:
    assert uri is not None and uri.startswith("file://"), uri
    return Path(unquote(urlparse(uri).path))


def _describe(run: SiteRun) -> str:
    outcome = run.result.outcome
    return (
        f"{run.site.slug}: status={outcome.status.value} attempts={outcome.attempts} "
        f"reason={outcome.reason!r} ledger={[(e.accepted, e.spam) for e in run.entries]}"
    )


# -- every site -----------------------------------------------------------------------------


@pytest.mark.parametrize("site", SITES, ids=_ids)
def test_status_is_the_honest_one(site: SandboxSite, site_run: Callable[..., SiteRun]) -> None:
    """The catalogue's expected outcome, except on the sites that ask for a country this
    profile's (United States) is not among: there a required field cannot be filled
    truthfully, so `needs_review` naming that field (contracts §5) is the honest answer."""
    run = site_run(site)
    outcome = run.result.outcome
    assert outcome.status is honest_status(site), _describe(run)
    assert outcome.directory_slug == site.slug
    if site.slug in COUNTRY_NOT_OFFERED:
        reason = outcome.reason or ""
        assert COUNTRY_NOT_OFFERED[site.slug] in reason and "country" in reason, reason


@pytest.mark.parametrize("site", SITES, ids=_ids)
def test_ledger_accepts_exactly_what_was_reported(
    site: SandboxSite, site_run: Callable[..., SiteRun]
) -> None:
    """One accepted listing for a `submitted` site (refused 429/503 answers before it are
    fine), none anywhere else."""
    run = site_run(site)
    expected = 1 if run.result.outcome.status is SubmissionStatus.SUBMITTED else 0
    assert len(run.accepted) == expected, _describe(run)
    if honest_status(site) is SubmissionStatus.SUBMITTED:
        assert len(run.accepted) == 1, _describe(run)
    else:
        assert run.accepted == [], _describe(run)


@pytest.mark.parametrize("site", SITES, ids=_ids)
def test_no_trap_field_is_filled(site: SandboxSite, site_run: Callable[..., SiteRun]) -> None:
    """Honeypots and decoys stay empty: no ledger entry is flagged spam."""
    run = site_run(site)
    assert [entry.fields for entry in run.entries if entry.spam] == []


@pytest.mark.parametrize("site", SITES, ids=_ids)
def test_header_search_box_and_newsletter_widget_are_never_submitted(
    site: SandboxSite, sandbox: Sandbox, site_run: Callable[..., SiteRun]
) -> None:
    run = site_run(site)
    boxes = sandbox.search_boxes[site.slug]
    assert boxes, f"{site.slug}'s page should have a header search box"
    searches = [r for r in run.requests for box in boxes if box.used_by(r)]
    assert searches == []
    # No ledger entry is a search box's fields alone (nor a post of nothing else).
    search_names = frozenset().union(*(box.names for box in boxes))
    assert [e.fields for e in run.entries if set(e.fields) <= search_names] == []
    assert "newsletter" not in run.stats, run.stats
    assert [r for r in run.posts if r.path == "/newsletter"] == []


@pytest.mark.parametrize("site", SUBMITTED_SITES, ids=_ids)
def test_submitted_outcome_carries_its_proof(
    site: SandboxSite, site_run: Callable[..., SiteRun]
) -> None:
    run = site_run(site)
    outcome = run.result.outcome
    assert outcome.status is SubmissionStatus.SUBMITTED, _describe(run)
    assert (outcome.confirmation_text or "").strip()
    assert outcome.evidence is not None
    for uri in (outcome.evidence.screenshot_uri, outcome.evidence.html_uri):
        path = _file(uri)
        assert path.is_file() and path.stat().st_size > 0, uri
    assert _file(outcome.evidence.screenshot_uri).read_bytes().startswith(b"\xff\xd8\xff")  # JPEG
    html = _file(outcome.evidence.html_uri).read_text().lower()
    assert "content-security-policy" in html and "<script" not in html
    preview = base64.b64decode(run.result.preview_jpeg_b64 or "")
    assert preview.startswith(b"\xff\xd8") and len(preview) < 40_000  # kilobytes for the UI
    host = urlparse(outcome.final_url or "").hostname or ""
    site_host = f"{site.slug}.localhost"
    assert host == site_host or host.endswith("." + site_host), outcome.final_url


@pytest.mark.parametrize("site", SUBMITTED_SITES, ids=_ids)
def test_accepted_listing_carries_the_profile(
    site: SandboxSite, site_run: Callable[..., SiteRun]
) -> None:
    run = site_run(site)
    assert len(run.accepted) == 1, _describe(run)
    _assert_carries_profile(run.accepted[0], PROFILE)


@pytest.mark.parametrize("site", NOTHING_POSTED_SITES, ids=_ids)
def test_nothing_is_posted_where_the_engine_must_stop(
    site: SandboxSite, site_run: Callable[..., SiteRun]
) -> None:
    """A CAPTCHA, a paid-only site, or a form the profile cannot fill truthfully: the form is
    never sent, so the site receives no POST at all."""
    run = site_run(site)
    assert run.posts == [], _describe(run)
    assert run.entries == []
    assert "submissions" not in run.stats, run.stats


@pytest.mark.parametrize("site", CAPTCHA_OR_PAID_SITES, ids=_ids)
def test_captcha_and_paid_only_sites_are_not_submitted(
    site: SandboxSite, site_run: Callable[..., SiteRun]
) -> None:
    run = site_run(site)
    outcome = run.result.outcome
    assert run.posts == [] and run.entries == [], _describe(run)
    if site.requires_payment:
        assert outcome.status is SubmissionStatus.SKIPPED, _describe(run)
        assert outcome.attempts == 0
        assert run.requests == []  # not even opened
        assert "paid" in (outcome.reason or "")
    else:
        assert outcome.status is SubmissionStatus.NEEDS_REVIEW, _describe(run)
        assert "captcha" in (outcome.reason or "").casefold()
        assert outcome.evidence is not None  # what blocked it, for the person reviewing
        assert _file(outcome.evidence.screenshot_uri).stat().st_size > 0


# -- site behaviours ----------------------------------------------------------------------


def test_throttling_site_is_retried_only_after_retry_after(
    sandbox: Sandbox, site_run: Callable[..., SiteRun]
) -> None:
    """metro-biz-index answers the first POST with 429 and Retry-After; a retry sent early is
    refused again. Exactly one refusal, then the accepted post no earlier than Retry-After
    seconds later (ledger timestamps)."""
    site = BY_SLUG["metro-biz-index"]
    retry_after = float(sandbox.knobs(site.slug)["retry_after_s"])
    assert retry_after > EngineConfig(backoff_seconds=0.2).backoff_seconds
    run = site_run(site)
    assert run.result.outcome.status is SubmissionStatus.SUBMITTED, _describe(run)
    assert [e.accepted for e in run.entries] == [False, True], _describe(run)
    refused, accepted = run.entries
    assert (accepted.at - refused.at).total_seconds() >= retry_after
    assert run.stats.get("throttled") == 1, run.stats
    assert run.result.outcome.attempts == 2


def test_flaky_site_is_retried_once_after_its_503(site_run: Callable[..., SiteRun]) -> None:
    """shopfront-finder fails a listing's first POST with 503 and accepts the retry; its
    optional newsletter opt-in is left unticked."""
    run = site_run(BY_SLUG["shopfront-finder"])
    assert run.result.outcome.status is SubmissionStatus.SUBMITTED, _describe(run)
    assert [e.accepted for e in run.entries] == [False, True], _describe(run)
    assert run.stats.get("failed-first-try") == 1, run.stats
    assert "newsletter" not in run.accepted[0].fields


def test_slow_site_still_succeeds(site_run: Callable[..., SiteRun]) -> None:
    """heritage-register lags every page and takes ~2 s to answer a submission."""
    run = site_run(BY_SLUG["heritage-register"])
    outcome = run.result.outcome
    assert outcome.status is SubmissionStatus.SUBMITTED, _describe(run)
    assert outcome.attempts == 1
    assert len(run.entries) == 1 and run.entries[0].accepted
    assert run.result.timings.get("submit_s", 0.0) >= 2.0, run.result.timings


def test_versioned_site_submits_after_its_form_changes(
    sandbox: Sandbox, submit_observed: Submit
) -> None:
    """nearbyguide's v2 form renames and reorders fields and adds a ZIP code and terms box.

    Its category select is now labelled "Type of place *" (name `category`, options the
    usual categories, "Bakeries" among them): the profile's primary category fills it, so
    the listing must still go through.
    """
    site = BY_SLUG["nearbyguide"]
    try:
        sandbox.admin.post(
            "/__sandbox/form-version", json={"site": site.slug, "version": 2}
        ).raise_for_status()
        assert sandbox.admin.get("/__sandbox/form-version").json()[site.slug] == 2
        run = submit_observed(site, PROFILE)
    finally:
        sandbox.reset()
    # Never a post built from the old markup (the site would refuse it as stale).
    assert [e.fields for e in run.entries if not e.accepted] == [], _describe(run)
    assert run.result.outcome.status is SubmissionStatus.SUBMITTED, _describe(run)
    assert len(run.entries) == 1 and run.entries[0].accepted, _describe(run)
    entry = run.entries[0]
    assert entry.fields.get("form_rev") == "2"
    assert entry.fields.get("agree_tos") and entry.fields.get("zip_code") == PROFILE.postal_code
    _assert_carries_profile(entry, PROFILE)
    assert not entry.spam


# -- the foreign-language sites, with a business the site can describe ------------------------

LOCAL_PROFILES: dict[str, dict[str, str]] = {
    "stadtbranchen-de": {
        "country": "DE",
        "phone": "+49 30 5550142",
        "address_line1": "Oranienstraße 12",
        "postal_code": "10999",
        "city": "Berlin",
        "region": "Berlin",
    },
    "guia-negocios-es": {
        "country": "ES",
        "phone": "+34 915 550 142",
        "address_line1": "Calle de Atocha 12",
        "postal_code": "28012",
        "city": "Madrid",
        "region": "Madrid",
    },
    "annuaire-pro-fr": {
        "country": "FR",
        "phone": "+33 1 55 50 14 20",
        "address_line1": "12 rue Oberkampf",
        "postal_code": "75011",
        "city": "Paris",
        "region": "Île-de-France",
    },
}


@pytest.mark.parametrize("site", [BY_SLUG[slug] for slug in LOCAL_PROFILES], ids=_ids)
def test_foreign_language_site_with_a_local_business(
    site: SandboxSite, submit_observed: Submit
) -> None:
    """With a business in a country the site lists, the site's own story plays out: the
    German and Spanish sites confirm receipt; the French one (its "Raison sociale *" is the
    company name) takes the post once and then asks for e-mail verification, which is
    `needs_review` with one accepted post and no second one."""
    profile = BusinessProfile.model_validate({**SAMPLE_PROFILE, **LOCAL_PROFILES[site.slug]})
    run = submit_observed(site, profile)
    outcome = run.result.outcome
    assert outcome.status is SubmissionStatus(site.expected_outcome), _describe(run)
    assert [e.accepted for e in run.entries] == [True], _describe(run)
    assert not run.entries[0].spam
    _assert_carries_profile(run.entries[0], profile)
    assert outcome.evidence is not None
    assert _file(outcome.evidence.screenshot_uri).stat().st_size > 0
    if outcome.status is SubmissionStatus.NEEDS_REVIEW:
        assert "verification" in (outcome.reason or ""), outcome.reason
