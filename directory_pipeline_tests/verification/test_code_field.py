"""Which input of a directory's "check your e-mail" page takes the mailed code, captured in
real Chromium: never a search box or a honeypot."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from directory_pipeline.browser.capture import capture_page
from directory_pipeline.browser.type_code import code_field

PAGES = {
    "autocomplete": '<form method=post><input name=otp_value autocomplete="one-time-code">'
    "<button>Confirm</button></form>",
    "german label": "<form method=post><label for=c>Bestätigungscode</label>"
    "<input id=c name=feld7><button>Bestätigen</button></form>",
    "name only": '<form method=post><input name="verify[code]" placeholder="123456">'
    "<button>OK</button></form>",
}


@pytest.mark.parametrize("markup", PAGES.values(), ids=PAGES.keys())
def test_the_code_input_is_found(page: Page, markup: str) -> None:
    page.set_content(
        '<form action="/search"><input name="q" aria-label="Search"></form>'
        '<input name="code_trap" style="display:none">' + markup
    )
    found = code_field(capture_page(page))
    assert found is not None and found.name not in {"q", "code_trap"}


def test_a_page_without_a_code_input_has_none(page: Page) -> None:
    page.set_content("<p>Thanks! Check your e-mail.</p><form><input name=q></form>")
    assert code_field(capture_page(page)) is None
