"""Fixtures for the sandbox tests: one server and one Chromium per session, reset per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from directory_pipeline.sandbox import SandboxServer, get_site
from directory_pipeline.sandbox.guards import expected_js_token

# Business data the tests submit, in the shape each site's form wants.
NAME = "Blue Heron Bakery"
PHONE = "+1 503 555 0142"
EMAIL = "hello@blueheronbakery.example"
WEBSITE = "https://blueheronbakery.example"
STREET = "1208 SE Hawthorne Blvd"
CITY = "Portland"
POSTAL = "97214"
ABOUT = "Neighbourhood bakery baking sourdough, pastries and celebration cakes since 2011."

GOOD_FIELDS: dict[str, dict[str, str | list[str]]] = {
    "citylocal-hub": {
        "listingfields[1]": NAME,
        "listingfields[2]": "bakeries",
        "listingfields[3]": "Sourdough and pastries",
        "listingfields[4]": ABOUT,
        "listingfields[5]": WEBSITE,
        "listingfields[6]": PHONE,
        "listingfields[7]": EMAIL,
        "listingfields[8]": STREET,
        "listingfields[10]": CITY,
        "listingfields[11]": "OR",
        "listingfields[12]": POSTAL,
        "listingfields[13]": "US",
        "terms-and-conditions-agreement": "1",
    },
    "bizlist-wizard": {
        "company_name": NAME,
        "category_ids[]": ["bakeries", "cafes"],
        "contact_first": "Maya",
        "contact_last": "Lindqvist",
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "website_url": WEBSITE,
        "addr_street": STREET,
        "addr_city": CITY,
        "addr_region": "OR",
        "addr_postcode": POSTAL,
        "addr_country": "US",
        "about": ABOUT,
        "agree_terms": "yes",
    },
    "linkhaven-directory": {
        "LINK_TYPE": "free",
        "TITLE": NAME,
        "URL": WEBSITE,
        "DESCRIPTION": ABOUT,
        "OWNER_NAME": "Maya Lindqvist",
        "OWNER_EMAIL": EMAIL,
        "CATEGORY_ID": "202",
        "AGREERULES": "on",
    },
    "yellowbook-local": {
        "listing_type": "basic",
        "business_name": NAME,
        "categories[]": ["bakeries", "cafes"],
        "phone": PHONE,
        "email": EMAIL,
        "website": WEBSITE,
        "address1": STREET,
        "city": CITY,
        "state": "OR",
        "zip": POSTAL,
        "description": ABOUT,
    },
    "localpages-directory": {
        "post_title": NAME,
        "tax_input[gd_placecategory][]": "bakeries",
        "post_content": ABOUT,
        "street": STREET,
        "city": CITY,
        "region": "Oregon",
        "country": "United States",
        "zip": POSTAL,
        "phone": PHONE,
        "email": EMAIL,
        "website": WEBSITE,
        "geodir_accept_term_condition": "1",
    },
    "metro-biz-index": {
        "name": NAME,
        "category": "bakeries",
        "phone": PHONE,
        "email": EMAIL,
        "website": WEBSITE,
        "street": STREET,
        "city": CITY,
        "zip": POSTAL,
        "about": ABOUT,
    },
    "stadtbranchen-de": {
        "f1": "Bäckerei Blauer Reiher",
        "f2": "101",
        "f3": "Maya",
        "f4": "Lindqvist",
        "f5": "Oranienstraße 12",
        "f6": "10999",
        "f7": "Berlin",
        "f8": "Berlin",
        "f9": "DE",
        "f10": "+49 30 5550142",
        "f11": EMAIL,
        "f12": WEBSITE,
        "f13": "Handwerksbäckerei mit Sauerteigbrot und Kuchen.",
        "f14": "ja",
    },
    "trustedtrades-directory": {
        "trade_name": NAME,
        "trade_category": "bakeries",
        "owner_first": "Maya",
        "owner_last": "Lindqvist",
        "email": EMAIL,
        "phone": PHONE,
        "trade_website": WEBSITE,
        "service_area": CITY,
        "postcode": POSTAL,
        "about": ABOUT,
        "agree": "on",
    },
    "webfinder-links": {
        "site_title": NAME,
        "site_url": WEBSITE,
        "site_desc": ABOUT,
        "cat": "bakeries",
        "your_name": "Maya Lindqvist",
        "your_email": EMAIL,
    },
    "shopfront-finder": {
        "shop_name": NAME,
        "shop_type": "bakeries",
        "owner_name": "Maya Lindqvist",
        "email": EMAIL,
        "phone": PHONE,
        "website": WEBSITE,
        "address": STREET,
        "city": CITY,
        "postcode": POSTAL,
        "country": "US",
        "description": ABOUT,
    },
    "guia-negocios-es": {
        "f1": "Panadería Garza Azul",
        "f2": "panaderias",
        "f3": "Maya Lindqvist",
        "f4": "+34 915 550 142",
        "f5": EMAIL,
        "f6": WEBSITE,
        "f7": "Calle de Atocha 12",
        "f8": "28012",
        "f9": "Madrid",
        "f10": "Madrid",
        "f11": "ES",
        "f12": "Panadería artesana de masa madre.",
        "f13": "1",
    },
    "annuaire-pro-fr": {
        "f1": "Boulangerie Héron Bleu",
        "f2": "12",
        "f3": "Maya",
        "f4": "Lindqvist",
        "f5": EMAIL,
        "f6": "+33 1 55 50 14 20",
        "f7": WEBSITE,
        "f8": "12 rue Oberkampf",
        "f9": "75011",
        "f10": "Paris",
        "f11": "France",
        "f12": "Boulangerie artisanale au levain.",
        "f13": "oui",
    },
    "heritage-register": {
        "business_name": NAME,
        "established": "2011",
        "category": "bakeries",
        "contact_name": "Maya Lindqvist",
        "email": EMAIL,
        "phone": PHONE,
        "website": WEBSITE,
        "address_line1": STREET,
        "town": CITY,
        "county": "Multnomah",
        "postcode": POSTAL,
        "history": ABOUT,
        "consent": "Y",
    },
    "nearbyguide": {
        "biz_name": NAME,
        "biz_category": "bakeries",
        "biz_phone": PHONE,
        "biz_email": EMAIL,
        "biz_web": WEBSITE,
        "biz_city": CITY,
        "biz_desc": ABOUT,
    },
    "premium-placements": {
        "plan": "spotlight",
        "company": NAME,
        "category": "bakeries",
        "email": EMAIL,
        "phone": PHONE,
        "website": WEBSITE,
    },
    "towncrier-listings": {
        "business": NAME,
        "category": "bakeries",
        "contact": "Maya Lindqvist",
        "email": EMAIL,
        "phone": PHONE,
        "website": WEBSITE,
        "town": CITY,
        "postcode": POSTAL,
        "blurb": ABOUT,
        "consent": "yes",
    },
}

QUICKLIST_GOOD = {
    "businessName": NAME,
    "category": "bakeries",
    "phone": PHONE,
    "email": EMAIL,
    "website": WEBSITE,
    "city": CITY,
    "description": ABOUT,
    "acceptTerms": True,
}

# (stamp field, token field) of the sites whose page script sets a token on load.
JS_TOKENS = {
    "trustedtrades-directory": ("tt_ts", "tt_js"),
    "guia-negocios-es": ("f_k", "f_t"),
}

# Pages that hold a site's form when that is not its catalogue form page.
FORM_PAGES = {"towncrier-listings": ("forms.", "/embed/listing-form")}


@dataclass
class ParsedForm:
    """One <form> of a page: where it posts and the hidden values it carries."""

    action: str
    method: str
    hidden: dict[str, str]
    names: set[str]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[ParsedForm] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(
                ParsedForm(attr.get("action", ""), attr.get("method", "get").lower(), {}, set())
            )
        elif tag in {"input", "select", "textarea"} and self.forms and attr.get("name"):
            form = self.forms[-1]
            form.names.add(attr["name"])
            if attr.get("type") == "hidden":
                form.hidden[attr["name"]] = attr.get("value", "")


def listing_form(html: str) -> ParsedForm:
    """The page's submission form: the POST form with the most fields (not search/newsletter)."""
    parser = _FormParser()
    parser.feed(html)
    posts = [
        form for form in parser.forms if form.method == "post" and form.action != "/newsletter"
    ]
    assert posts, "no POST form on the page"
    return max(posts, key=lambda form: len(form.names))


class SiteClient:
    """An HTTP client for one sandbox site, talking to the server with the site's Host header."""

    def __init__(self, server: SandboxServer, slug: str, subdomain: str = "") -> None:
        self.server = server
        self.slug = slug
        self.host = f"{subdomain}{slug}.localhost:{server.port}"
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{server.port}", headers={"Host": self.host}, timeout=30
        )

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, **kwargs)

    def load_form(self, path: str | None = None) -> tuple[httpx.Response, ParsedForm]:
        """GET the form page and parse its submission form."""
        page = self.get(path or get_site(self.slug).form_path)
        assert page.status_code == 200, page.text
        return page, listing_form(page.text)

    def submit(
        self,
        fields: Mapping[str, str | list[str]],
        *,
        path: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        run_script: bool = True,
        solve_captcha: bool = True,
        hidden_overrides: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Load the form page, then POST `fields` with the page's hidden values, as a browser
        would (running the page's token script unless `run_script` is false)."""
        _, form = self.load_form(path)
        data: dict[str, str | list[str]] = {**form.hidden, **(hidden_overrides or {})}
        if run_script and self.slug in JS_TOKENS:
            stamp_field, token_field = JS_TOKENS[self.slug]
            data[token_field] = expected_js_token(form.hidden[stamp_field])
        if solve_captcha and "captcha_id" in form.hidden:
            data["captcha_code"] = self.server_captcha_answer(form.hidden["captcha_id"])
        data.update(fields)
        action = form.action or (path or get_site(self.slug).form_path)
        return self.post(action, data=data, files=files)

    def server_captcha_answer(self, challenge: str) -> str:
        answer = httpx.get(
            f"{self.server.url}/__sandbox/captcha", params={"site": self.slug, "id": challenge}
        )
        answer.raise_for_status()
        return answer.json()["answer"]

    def close(self) -> None:
        self.http.close()


@pytest.fixture(autouse=True)
def _fresh_sandbox(sandbox_server: SandboxServer) -> None:
    """Each test starts from an empty ledger, no short-term memory and default knobs."""
    httpx.post(f"{sandbox_server.url}/__sandbox/reset", json={"knobs": True}).raise_for_status()


@pytest.fixture
def admin(sandbox_server: SandboxServer) -> Iterator[httpx.Client]:
    """HTTP client for the admin API on the bare host."""
    with httpx.Client(base_url=sandbox_server.url, timeout=30) as client:
        yield client


@pytest.fixture
def site_client(sandbox_server: SandboxServer) -> Iterator[Callable[..., SiteClient]]:
    """Factory of per-site HTTP clients, closed after the test."""
    made: list[SiteClient] = []

    def make(slug: str, subdomain: str = "") -> SiteClient:
        client = SiteClient(sandbox_server, slug, subdomain)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def sandbox_browser(chromium: Browser) -> Browser:
    """The suite's one headless Chromium (see the top-level conftest)."""
    return chromium


@pytest.fixture
def sandbox_page(sandbox_browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context."""
    context = sandbox_browser.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
