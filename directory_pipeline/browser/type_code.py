"""Typing a mailed verification code into the directory's own "check your e-mail" page,
through the directory's network guard, once; what the page said afterwards is judged like
a verification link's page (`verification/link_visit.py`)."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from directory_pipeline.browser.capture import capture_page
from directory_pipeline.browser.evidence import Evidence, EvidenceStore
from directory_pipeline.browser.fill import field_locator, submit_control
from directory_pipeline.browser.open_link import keep_visit_evidence
from directory_pipeline.browser.session import BrowserSession
from directory_pipeline.domain import DirectoryEntry
from directory_pipeline.forms.field_text import label_texts, leaf_tokens, matches
from directory_pipeline.forms.schema import FormField, FormSchema
from directory_pipeline.verification.link_visit import LinkVisit
from directory_pipeline.verification.matching import on_hosts

CODE_TIMEOUT_MS = 30_000
# Words of a field that takes the mailed code, as normalise() leaves them.
CODE_FIELD_WORDS = [
    "code", "verification code", "confirmation code", "bestatigungscode", "codigo",
    "code de verification", "code de confirmation", "codice", "codice di verifica", "pin",
    "otp", "kod", "koodi", "kood",
]  # fmt: skip


def code_field(schema: FormSchema) -> FormField | None:
    """The visible text input asking for the code: `autocomplete=one-time-code`, or a label
    or name saying "code"."""
    for field in schema.fields:
        if field.kind not in {"text", "tel", "number", ""} or field.honeypot_suspect:
            continue
        said = " ".join(label_texts(field) + leaf_tokens(field))
        if field.autocomplete == "one-time-code" or matches(said, CODE_FIELD_WORDS):
            return field
    return None


def _unproven(url: str, page: Page | None = None) -> LinkVisit:
    final = page.url if page is not None else url
    return LinkVisit(url=url, status=None, final_url=final, lines=())


def type_verification_code(
    session: BrowserSession,
    directory: DirectoryEntry,
    page_url: str,
    code: str,
    *,
    store: EvidenceStore,
    prefix: str,
    timeout_ms: int = CODE_TIMEOUT_MS,
) -> tuple[LinkVisit, Evidence | None]:
    """Open the directory's page at `page_url`, type `code` into its code field and send
    its form once. A page off the directory's hosts is never opened."""
    hosts = tuple(directory.hosts)
    if not on_hosts(page_url, hosts):
        return _unproven(page_url), None

    def work() -> tuple[LinkVisit, Evidence | None]:
        with session.guarded_context(directory, timeout_ms=timeout_ms) as guarded:
            page = guarded.new_page()
            try:
                page.goto(page_url, wait_until="load")
                schema = capture_page(page)
            except PlaywrightError:
                return _unproven(page_url, page), None
            field = code_field(schema)
            if field is None:
                return _unproven(page_url, page), None
            field_locator(page, field).first.fill(code)
            status: int | None = None
            try:
                with page.expect_navigation(wait_until="load") as navigation:
                    submit_control(page, schema, field.form_index).click()
                response = navigation.value
                status = response.status if response is not None else None
            except PlaywrightError:
                status = None  # no answer: nothing is proven
            visit = LinkVisit(
                url=page_url,
                status=status,
                final_url=page.url,
                lines=tuple(page.inner_text("body").splitlines()),
            )
            evidence = keep_visit_evidence(session, page, visit, hosts, store, prefix)
            return visit, evidence

    return session.run(work)
