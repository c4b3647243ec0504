"""Forms built by web components, filled and submitted in real Chromium from a real loopback
HTTP server: a form inside a custom element's shadow root, and a light-DOM form whose inputs
each sit in a shadow root of their own. What the browser actually posts is checked, so the
`submits_natively` flag is shown to tell the truth."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page

from directory_pipeline.browser.capture import capture_page, open_target
from directory_pipeline.browser.fill import fill_form, submit_control
from directory_pipeline.domain import BusinessProfile
from directory_pipeline.forms.mapper import map_form
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

SHADOW_FORM = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<form action="/search"><input name="q" aria-label="Search"></form>
<listing-form></listing-form>
<script>
customElements.define("listing-form", class extends HTMLElement {
  connectedCallback() {
    this.attachShadow({ mode: "open" }).innerHTML = `
      <form method="post" action="/add">
        <p><label for="n">Business name</label> <input id="n" name="business_name" required></p>
        <p><label for="e">Email</label> <input id="e" name="email" type="email" required></p>
        <p><label for="c">City</label> <input id="c" name="city"></p>
        <p><label><input type="checkbox" name="terms" value="1" required>
          I accept the terms and conditions</label></p>
        <p><button type="submit">Submit listing</button></p>
      </form>`;
  }
});
</script></body></html>"""

WRAPPED_FORM = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<form method="post" action="/add">
  <label for="biz">Business name</label> <fa-input id="biz" name="business_name"></fa-input>
  <label for="mail">Email</label> <fa-input id="mail" name="email"></fa-input>
  <label for="town">City</label> <plain-input id="town" name="city"></plain-input>
  <button type="submit">Submit listing</button>
</form>
<script>
// Form-associated: the value goes with the form through ElementInternals.
customElements.define("fa-input", class extends HTMLElement {
  static formAssociated = true;
  constructor() { super(); this.internals = this.attachInternals(); }
  connectedCallback() {
    const input = document.createElement("input");
    input.name = this.getAttribute("name");
    input.addEventListener("input", () => this.internals.setFormValue(input.value));
    this.attachShadow({ mode: "open" }).appendChild(input);
  }
});
// Not form-associated, and no script copies the value: the browser does not submit it.
customElements.define("plain-input", class extends HTMLElement {
  connectedCallback() {
    const input = document.createElement("input");
    input.name = this.getAttribute("name");
    this.attachShadow({ mode: "open" }).appendChild(input);
  }
});
</script></body></html>"""

PAGES = {"/shadow": SHADOW_FORM, "/wrapped": WRAPPED_FORM}


class _Site(BaseHTTPRequestHandler):
    posts: list[dict[str, list[str]]]

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def _send(self, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(PAGES.get(self.path, "<p>not found</p>"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        _Site.posts.append(parse_qs(self.rfile.read(length).decode()))
        self._send("<p>Thank you, your listing was received.</p>")


@pytest.fixture
def site() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    _Site.posts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _Site.posts
    finally:
        server.shutdown()
        server.server_close()


def _fill_and_submit(page: Page, url: str):
    open_target(page, url)
    schema = capture_page(page)
    plan = map_form(schema)
    assert plan.target_form is not None
    report = fill_form(page, schema, plan, BusinessProfile.model_validate(SAMPLE_PROFILE))
    with page.expect_navigation():
        submit_control(page, schema, plan.target_form).click()
    return schema, report


def test_a_form_inside_a_shadow_root_is_filled_and_submitted(
    page: Page, site: tuple[str, list[dict[str, list[str]]]]
) -> None:
    base, posts = site
    schema, report = _fill_and_submit(page, f"{base}/shadow")
    assert [f.frame for f in schema.forms] == ["", ""] and schema.forms[1].method == "post"
    assert report.filled == {
        "business_name": "business_name",
        "email": "email",
        "city": "city",
        "terms": "@consent",
    }
    assert report.read_back_mismatches == []
    [posted] = posts
    assert posted == {
        "business_name": ["Rosa's Bakery"],
        "email": ["hello@rosasbakery.example"],
        "city": ["San Francisco"],
        "terms": ["1"],
    }


def test_inputs_in_their_own_shadow_roots_are_filled_and_only_form_associated_ones_post(
    page: Page, site: tuple[str, list[dict[str, list[str]]]]
) -> None:
    base, posts = site
    schema, report = _fill_and_submit(page, f"{base}/wrapped")
    native = {f.name: f.submits_natively for f in schema.fields}
    assert native == {"business_name": True, "email": True, "city": False}
    assert set(report.filled) == {"business_name", "email", "city"}
    [posted] = posts
    # The plain wrapper was filled, but nothing hands its value to the form: as flagged.
    assert posted == {
        "business_name": ["Rosa's Bakery"],
        "email": ["hello@rosasbakery.example"],
    }
