"""The hostile sandbox pages at the HTTP level: real sandbox server, real outside server,
httpx as the client (no browser, redirects never followed).

Each hostile site serves its form page and answers its listing POST exactly as declared in
its `HostileSite` (status code, ledger entry accepted or not, Location at the outside
server); the catalog sites (`SITES`) are untouched; the outside server counts whatever
reaches it, and nothing here reaches it.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from directory_pipeline.sandbox import SITES, SandboxServer, get_site, sandbox_directories
from directory_pipeline.sandbox.commands import sandbox
from directory_pipeline.sandbox.hostile import FIELD_KEYS, HOSTILE_SITES, HostileSite
from directory_pipeline.sandbox.outside import THANKS_PAGE, OutsideServer
from directory_pipeline.sandbox.state import DEFAULT_OUTSIDE_URL

from .conftest import ABOUT, CITY, EMAIL, NAME, PHONE, POSTAL, STREET, WEBSITE

GOOD = {
    "business_name": NAME,
    "email": EMAIL,
    "phone": PHONE,
    "website": WEBSITE,
    "address": STREET,
    "city": CITY,
    "postal_code": POSTAL,
    "description": ABOUT,
}
THANKS_WORDS = ("thank", "danke", "dank,", "gracias", "merci")
CATALOG_SITE_COUNT = 17

POSTING = [h for h in HOSTILE_SITES if h.post is not None and h.post.path]
BY_FAMILY = {
    family: [h for h in HOSTILE_SITES if h.family == family]
    for family in {h.family for h in HOSTILE_SITES}
}


def _ids(hostile: HostileSite) -> str:
    return hostile.slug


def _thanks(text: str) -> bool:
    return any(word in text.casefold() for word in THANKS_WORDS)


@pytest.fixture(scope="module")
def outside() -> Iterator[OutsideServer]:
    with OutsideServer() as server:
        yield server


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-state")


@pytest.fixture(scope="module")
def server(outside: OutsideServer, state_dir: Path) -> Iterator[SandboxServer]:
    ledger = state_dir / "sandbox" / "ledger.sqlite3"  # where `sandbox ledger` looks
    with SandboxServer(ledger, outside_url=outside.url) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_sandbox(server: SandboxServer, outside: OutsideServer) -> None:
    """Overrides the package's reset of the session sandbox: this module has its own."""
    httpx.post(f"{server.url}/__sandbox/reset", json={"knobs": True}).raise_for_status()
    outside.reset()


@pytest.fixture(autouse=True)
def _nothing_reaches_outside(outside: OutsideServer) -> Iterator[None]:
    yield
    assert outside.requests == [], "a request reached the outside server"


def _client(server: SandboxServer, hostile: HostileSite) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://127.0.0.1:{server.port}",
        headers={"Host": f"{hostile.slug}.localhost:{server.port}"},
        timeout=30,
        follow_redirects=False,
    )


def _ledger(server: SandboxServer, slug: str) -> list[dict]:
    response = httpx.get(f"{server.url}/__sandbox/ledger", params={"site": slug}, timeout=30)
    response.raise_for_status()
    return response.json()


def _post_listing(client: httpx.Client, hostile: HostileSite, **extra: str) -> httpx.Response:
    post = hostile.post
    assert post is not None
    values = {post.fields[key]: GOOD[key] for key in FIELD_KEYS} | extra
    if post.encoding == "json":
        return client.post(post.path, json=values)
    return client.post(post.path, data=values)


class _Forms(HTMLParser):
    """Every form of a page: its action, method, field names and buttons' formaction."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(
                {"action": attr.get("action", ""), "method": attr.get("method", "get").lower(),
                 "names": set(), "hidden": {}, "formaction": []}
            )  # fmt: skip
        elif self.forms and tag in {"input", "textarea", "select"} and attr.get("name"):
            self.forms[-1]["names"].add(attr["name"])
            if attr.get("type") == "hidden":
                self.forms[-1]["hidden"][attr["name"]] = attr.get("value", "")
        if self.forms and tag in {"button", "input"} and attr.get("formaction"):
            self.forms[-1]["formaction"].append(attr["formaction"])


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


# -- the family stays apart from the product's catalog -------------------------------------


def test_the_catalog_sites_are_unchanged_and_exclude_hostile_pages(server: SandboxServer) -> None:
    hostile = {h.slug for h in HOSTILE_SITES}
    assert len(SITES) == CATALOG_SITE_COUNT
    assert not hostile & {site.slug for site in SITES}
    assert not hostile & {entry.slug for entry in sandbox_directories(server.port)}
    assert len(hostile) == len(HOSTILE_SITES)
    listed = httpx.get(f"{server.url}/__sandbox/sites").json()
    assert {site["slug"] for site in listed} == {site.slug for site in SITES}
    assert httpx.get(f"{server.url}/__sandbox/health").json()["sites"] == CATALOG_SITE_COUNT


def test_every_class_has_varied_variants() -> None:
    assert set(BY_FAMILY) == {
        "thanks-first",
        "stored-then-5xx",
        "background-beacons",
        "offsite-redirects",
        "captcha-thanks",
        "friendly-4xx",
    }
    for family, variants in BY_FAMILY.items():
        assert len(variants) >= 2, family
        assert len({h.site.form_path for h in variants}) == len(variants), family
        assert len({tuple(h.post.fields.values()) for h in variants if h.post}) > 1, family
    assert {h.site.language for h in HOSTILE_SITES} >= {"en", "de", "es", "fr"}


@pytest.mark.parametrize("hostile", HOSTILE_SITES, ids=_ids)
def test_each_site_describes_itself_and_is_known_by_slug(hostile: HostileSite) -> None:
    assert get_site(hostile.slug) == hostile.site
    assert "hostile" in hostile.site.features
    assert f"Expected: {hostile.expected_outcome}" in hostile.site.description
    assert hostile.site.expected_outcome in {"submitted", "needs_review"}


# -- pages and answers ---------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE_SITES, ids=_ids)
def test_each_site_serves_its_listing_form(server: SandboxServer, hostile: HostileSite) -> None:
    with _client(server, hostile) as client:
        page = client.get(hostile.site.form_path)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f'lang="{hostile.site.language}"' in page.text
    assert hostile.post is not None
    listing = max(_forms(page.text), key=lambda form: len(form["names"]))
    assert listing["method"] == "post"
    assert set(hostile.post.fields.values()) <= listing["names"]
    assert page.text.count(" required") >= 7


@pytest.mark.parametrize("hostile", POSTING, ids=_ids)
def test_each_listing_post_is_answered_and_recorded_as_declared(
    server: SandboxServer, outside: OutsideServer, hostile: HostileSite
) -> None:
    assert hostile.post is not None
    with _client(server, hostile) as client:
        answer = _post_listing(client, hostile)

    assert answer.status_code == hostile.post.status, answer.text[:500]
    [entry] = _ledger(server, hostile.slug)
    assert entry["accepted"] is hostile.post.accepted
    assert entry["fields"][hostile.post.fields["business_name"]] == NAME
    if hostile.post.redirects_outside:
        assert answer.headers["location"].startswith(outside.url + "/")
    else:
        assert "location" not in answer.headers


@pytest.mark.parametrize("hostile", BY_FAMILY["thanks-first"], ids=_ids)
def test_thanks_first_pages_thank_before_and_fail_after(
    server: SandboxServer, hostile: HostileSite
) -> None:
    with _client(server, hostile) as client:
        page = client.get(hostile.site.form_path)
        answer = _post_listing(client, hostile)

    assert _thanks(page.text) and _thanks(answer.text)
    assert answer.status_code in {200, 500}
    if answer.status_code == 200:  # the same form again, with the values kept
        assert NAME in answer.text and 'method="post"' in answer.text
    assert not _ledger(server, hostile.slug)[0]["accepted"]


@pytest.mark.parametrize("hostile", BY_FAMILY["stored-then-5xx"], ids=_ids)
def test_stored_then_5xx_keeps_the_listing_and_answers_an_error_page(
    server: SandboxServer, hostile: HostileSite
) -> None:
    assert hostile.post is not None
    with _client(server, hostile) as client:
        answer = _post_listing(client, hostile)
        refused = _post_listing(client, hostile, **{hostile.post.fields["email"]: "not-an-email"})

    assert answer.status_code in {500, 502, 504}
    assert refused.status_code == 200 and "aria-invalid" in refused.text
    assert [entry["accepted"] for entry in _ledger(server, hostile.slug)] == [True, False]


@pytest.mark.parametrize("hostile", BY_FAMILY["background-beacons"], ids=_ids)
def test_background_posts_get_503_and_never_reach_the_ledger(
    server: SandboxServer, hostile: HostileSite
) -> None:
    with _client(server, hostile) as client:
        page = client.get(hostile.site.form_path)
        beats = [client.post(path, data={"action": "heartbeat"}) for path in hostile.beacon_paths]

    assert len(hostile.beacon_paths) == 2
    for path, beat in zip(hostile.beacon_paths, beats, strict=True):
        assert json.dumps(path) in page.text  # the page's own script posts there
        assert beat.status_code == 503 and int(beat.headers["retry-after"]) > 0
    assert "setInterval(beat, 300)" in page.text and "sendBeacon" in page.text
    assert _ledger(server, hostile.slug) == []


@pytest.mark.parametrize(
    "hostile", [h for h in BY_FAMILY["offsite-redirects"] if h.offsite_paths], ids=_ids
)
def test_resource_paths_redirect_to_the_outside_server(
    server: SandboxServer, outside: OutsideServer, hostile: HostileSite
) -> None:
    with _client(server, hostile) as client:
        page = client.get(hostile.site.form_path)
        hops = {path: client.get(path) for path in hostile.offsite_paths}

    for path, hop in hops.items():
        assert path in page.text
        assert hop.status_code in {302, 307}
        assert hop.headers["location"] == outside.url + path
    assert hostile.tries_to_leave
    assert f"{outside.url}" in page.text and outside.ws_url in page.text  # fetch + WebSocket


@pytest.mark.parametrize(
    "hostile",
    [h for h in BY_FAMILY["offsite-redirects"] if h.expected_posts == 0],
    ids=_ids,
)
def test_offsite_forms_send_to_the_outside_host(
    server: SandboxServer, outside: OutsideServer, hostile: HostileSite
) -> None:
    with _client(server, hostile) as client:
        page = client.get(hostile.site.form_path)
    [form] = _forms(page.text)
    targets = [form["action"], *form["formaction"]]
    assert any(target.startswith(outside.url + "/") for target in targets)
    assert hostile.post is not None and hostile.post.path == ""


@pytest.mark.parametrize("hostile", BY_FAMILY["captcha-thanks"], ids=_ids)
def test_captcha_pages_also_say_thanks(server: SandboxServer, hostile: HostileSite) -> None:
    with _client(server, hostile) as client:
        page = client.get(hostile.site.form_path)
        answer = _post_listing(client, hostile)
        challenge_page = page if hostile.expected_posts == 0 else answer
        [widget] = [f for f in _forms(challenge_page.text) if f["hidden"]]
        [(id_field, challenge)] = widget["hidden"].items()
        image_path = next(
            line.split('src="')[1].split("?")[0]
            for line in challenge_page.text.split("<img")[1:]
            if f"id={challenge}" in line
        )
        image = client.get(image_path, params={"id": challenge})

    assert _thanks(challenge_page.text)
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg")
    assert answer.status_code == 200
    assert [entry["accepted"] for entry in _ledger(server, hostile.slug)] == [False]
    assert id_field in challenge_page.text


def test_a_solved_form_captcha_is_accepted(server: SandboxServer) -> None:
    """Sanity: the CAPTCHA is real, not a wall (only the sandbox's hook can solve it)."""
    hostile = next(h for h in BY_FAMILY["captcha-thanks"] if h.expected_posts == 0)
    assert hostile.post is not None
    with _client(server, hostile) as client:
        [form] = [f for f in _forms(client.get(hostile.site.form_path).text) if f["hidden"]]
        [(id_field, challenge)] = form["hidden"].items()
        solution = httpx.get(
            f"{server.url}/__sandbox/captcha", params={"site": hostile.slug, "id": challenge}
        ).json()["answer"]
        [code_field] = form["names"] - {id_field} - set(hostile.post.fields.values())
        answer = _post_listing(client, hostile, **{id_field: challenge, code_field: solution})

    assert answer.status_code == 200 and _thanks(answer.text)
    assert [entry["accepted"] for entry in _ledger(server, hostile.slug)] == [True]


@pytest.mark.parametrize("hostile", BY_FAMILY["friendly-4xx"], ids=_ids)
def test_friendly_4xx_pages_read_like_thanks(server: SandboxServer, hostile: HostileSite) -> None:
    with _client(server, hostile) as client:
        answer = _post_listing(client, hostile)

    assert 400 <= answer.status_code < 500
    assert _thanks(answer.text)


# -- the outside server --------------------------------------------------------------------


def test_the_outside_server_counts_every_request(outside: OutsideServer) -> None:
    with httpx.Client(base_url=outside.url, timeout=10) as client:
        got = client.get("/pixel.gif")
        client.post("/thanks", data={"a": "b"})
        client.head("/")
        client.request("PROPFIND", "/dav")
        client.get("/live", headers={"Connection": "Upgrade", "Upgrade": "websocket",
                                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                     "Sec-WebSocket-Version": "13"})  # fmt: skip
    with socket.create_connection(("127.0.0.1", outside.port), timeout=10) as raw:
        raw.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        assert raw.recv(64).startswith(b"HTTP/1.1 200")

    assert got.status_code == 200 and got.text == THANKS_PAGE
    assert "Your listing has been submitted and is pending review." in got.text
    assert outside.count == 6
    assert [r.method for r in outside.requests] == [
        "GET", "POST", "HEAD", "PROPFIND", "GET", "CONNECT"
    ]  # fmt: skip
    assert outside.requests[5].path == "example.com:443"
    assert outside.requests[0].host == f"127.0.0.1:{outside.port}"
    outside.reset()
    assert outside.count == 0


def test_the_outside_url_defaults_to_a_name_that_never_resolves(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "ledger.sqlite3") as plain:
        assert (
            plain.app.state.sandbox.outside_url == DEFAULT_OUTSIDE_URL == "http://outside.invalid"
        )
        hostile = next(h for h in HOSTILE_SITES if h.offsite_paths)
        with _client(plain, hostile) as client:
            hop = client.get(hostile.offsite_paths[0])
    assert hop.headers["location"].startswith("http://outside.invalid/")
    help_text = CliRunner().invoke(sandbox, ["serve", "--help"]).output
    assert "--outside-url" in help_text


# -- ledger command and admin reset --------------------------------------------------------


def test_ledger_command_and_admin_reset_cover_hostile_sites(
    server: SandboxServer, state_dir: Path
) -> None:
    hostile = BY_FAMILY["friendly-4xx"][0]
    with _client(server, hostile) as client:
        _post_listing(client, hostile)
    runner = CliRunner()
    args = ["ledger", "--site", hostile.slug, "--json", "--state-dir", str(state_dir)]

    shown = runner.invoke(sandbox, args)
    assert shown.exit_code == 0, shown.output
    [entry] = json.loads(shown.output)
    assert entry["site"] == hostile.slug and entry["accepted"] is False

    httpx.post(f"{server.url}/__sandbox/reset", json={}).raise_for_status()
    assert json.loads(runner.invoke(sandbox, args).output) == []
    info = httpx.get(f"{server.url}/__sandbox/sites/{hostile.slug}").json()
    assert info["slug"] == hostile.slug and "knobs" in info
