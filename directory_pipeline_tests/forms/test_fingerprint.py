"""Fingerprints follow a form's structure, not its values, nonces or CAPTCHA questions."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from directory_pipeline.browser.capture import capture_page, open_target
from directory_pipeline.sandbox import SandboxServer

FORM = """<form method="post" action="/add?nonce={nonce}">
<input type="hidden" name="csrf" value="{nonce}">
<label for="a">{label}</label><input id="a" name="name" value="{value}">
<label for="q">What is {x} + {y}?</label><input id="q" name="answer">
</form>"""


def _fingerprint(page: Page, **parts: object) -> str:
    values = {"nonce": "n1", "label": "Business name", "value": "", "x": 3, "y": 4} | parts
    page.set_content(FORM.format(**values))
    return capture_page(page, timeout_ms=2000).fingerprint


def test_same_structure_same_fingerprint(page: Page) -> None:
    first = _fingerprint(page)
    assert _fingerprint(page, nonce="n2", value="prefilled", x=8, y=1) == first


def test_changed_structure_changes_the_fingerprint(page: Page) -> None:
    first = _fingerprint(page)
    assert _fingerprint(page, label="Company name") != first


def test_versioned_sandbox_site_gets_a_new_fingerprint(
    page: Page, sandbox_server: SandboxServer
) -> None:
    url = sandbox_server.url_for("nearbyguide")
    open_target(page, url)
    before = capture_page(page).fingerprint
    open_target(page, url)
    assert capture_page(page).fingerprint == before  # fresh nonces, same form
    admin = f"{sandbox_server.url}/__sandbox/form-version"
    httpx.post(admin, json={"site": "nearbyguide", "version": 2}, timeout=10).raise_for_status()
    try:
        open_target(page, url)
        assert capture_page(page).fingerprint != before
    finally:
        httpx.post(admin, json={"site": "nearbyguide", "version": 1}, timeout=10)
