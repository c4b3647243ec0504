"""Listings going live (or not) on the sandbox sites: after the review delay at a stable
URL, in search and in the sitemap; refused by one site, silently never shown by another."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from directory_pipeline.sandbox import SandboxServer

from .conftest import GOOD_FIELDS, NAME, SiteClient

MakeClient = Callable[..., SiteClient]


def set_knobs(admin: httpx.Client, knobs: dict[str, dict[str, Any]]) -> None:
    admin.post("/__sandbox/knobs", json=knobs).raise_for_status()


def listings(admin: httpx.Client, slug: str) -> list[dict[str, Any]]:
    return admin.get("/__sandbox/listings", params={"site": slug}).json()


def path_of(row: dict[str, Any]) -> str:
    return "/" + row["url"].split("/", 3)[3]


def test_a_listing_goes_live_after_the_delay_at_its_url_in_search_and_sitemap(
    admin: httpx.Client, site_client: MakeClient
) -> None:
    set_knobs(admin, {"citylocal-hub": {"publish_delay_s": 0.4}})
    site = site_client("citylocal-hub")
    site.submit(GOOD_FIELDS["citylocal-hub"])
    [row] = listings(admin, "citylocal-hub")
    path = path_of(row)

    assert row["status"] == "pending"
    assert path == f"/listing/{row['listing_id']}-blue-heron-bakery"
    assert site.get(path).status_code == 404
    assert "blue-heron-bakery" not in site.get("/sitemap.xml").text

    time.sleep(0.5)
    page = site.get(path)
    found = site.get("/", params={"s": "heron"})
    sitemap = site.get("/sitemap.xml")

    assert listings(admin, "citylocal-hub")[0]["status"] == "published"
    assert page.status_code == 200
    assert NAME in page.text and "Portland" in page.text and "97214" in page.text
    assert "+1 503 555 0142" in page.text
    # This site abbreviates street words, so a NAP check has a difference to report.
    assert "1208 SE Hawthorne Blvd." in page.text
    assert row["received"]["street"] == "1208 SE Hawthorne Blvd"
    assert f'href="{path}"' in found.text
    assert "no-results" in site.get("/", params={"s": "plumber"}).text
    assert sitemap.headers["content-type"].startswith("application/xml")
    assert f"{path}</loc>" in sitemap.text


def test_a_site_shows_the_phone_in_its_own_format(
    admin: httpx.Client, site_client: MakeClient
) -> None:
    set_knobs(admin, {"yellowbook-local": {"publish_delay_s": 0}})
    site = site_client("yellowbook-local")
    site.submit(GOOD_FIELDS["yellowbook-local"])
    [row] = listings(admin, "yellowbook-local")

    page = site.get(path_of(row))

    assert "(503) 555-0142" in page.text
    assert row["shown"]["phone"] == "(503) 555-0142"
    assert row["received"]["phone"] == "+1 503 555 0142"
    assert NAME in site.get("/search", params={"what": "Blue", "where": "portland"}).text
    assert NAME not in site.get("/search", params={"what": "Blue", "where": "Salem"}).text


def test_a_rejecting_site_answers_gone_and_never_lists_it(
    admin: httpx.Client, site_client: MakeClient
) -> None:
    set_knobs(admin, {"linkhaven-directory": {"publish_delay_s": 0}})
    site = site_client("linkhaven-directory")
    site.submit(GOOD_FIELDS["linkhaven-directory"])
    [row] = listings(admin, "linkhaven-directory")

    assert row["status"] == "rejected"
    assert site.get(path_of(row)).status_code == 410
    assert NAME not in site.get("/search.php", params={"search": "Heron"}).text
    assert "listing/" not in site.get("/sitemap.xml").text


def test_a_never_publishing_site_keeps_it_pending_and_hidden(
    admin: httpx.Client, site_client: MakeClient
) -> None:
    set_knobs(admin, {"metro-biz-index": {"publish_delay_s": 0, "retry_after_s": 0}})
    site = site_client("metro-biz-index")
    assert site.submit(GOOD_FIELDS["metro-biz-index"]).status_code == 429  # its first try
    assert site.submit(GOOD_FIELDS["metro-biz-index"]).status_code == 200
    [row] = listings(admin, "metro-biz-index")

    assert row["status"] == "pending" and row["publication"] == "never"
    assert site.get(path_of(row)).status_code == 404
    assert NAME not in site.get("/search", params={"q": "Heron"}).text


def test_a_verifying_site_publishes_only_after_confirmation(
    admin: httpx.Client, site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    """Without an SMTP relay no mail goes out, but the listing still waits for its link."""
    set_knobs(admin, {"annuaire-pro-fr": {"publish_delay_s": 0}})
    site = site_client("annuaire-pro-fr")
    site.submit(GOOD_FIELDS["annuaire-pro-fr"])
    [row] = listings(admin, "annuaire-pro-fr")
    token = sandbox_server.app.state.sandbox.listings.get(
        "annuaire-pro-fr", row["listing_id"]
    ).token

    assert row["status"] == "awaiting_confirmation"
    assert site.get(path_of(row)).status_code == 404
    assert site.get("/inscription/confirmer", params={"token": token}).status_code == 200
    assert listings(admin, "annuaire-pro-fr")[0]["status"] == "published"
    assert site.get(path_of(row)).status_code == 200


def test_reset_forgets_listings_and_verifications(
    admin: httpx.Client, site_client: MakeClient
) -> None:
    site_client("citylocal-hub").submit(GOOD_FIELDS["citylocal-hub"])
    assert listings(admin, "citylocal-hub")

    admin.post("/__sandbox/reset", json={}).raise_for_status()

    assert admin.get("/__sandbox/listings").json() == []
    assert admin.get("/__sandbox/verifications").json() == []
