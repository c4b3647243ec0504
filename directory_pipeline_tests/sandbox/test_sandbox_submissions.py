"""Server-side behaviour of each sandbox site, driven over HTTP with the site's Host header."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from directory_pipeline.sandbox import Ledger, SandboxServer
from directory_pipeline.sandbox.i18n import messages_for

from .conftest import GOOD_FIELDS, QUICKLIST_GOOD, SiteClient

MakeClient = Callable[..., SiteClient]

EN = messages_for("en")


def ledger_of(server: SandboxServer) -> Ledger:
    return server.app.state.sandbox.ledger


SIMPLE_ACCEPTING = [
    ("citylocal-hub", EN.thanks_text),
    ("bizlist-wizard", EN.thanks_text),
    ("linkhaven-directory", EN.thanks_text),
    ("yellowbook-local", EN.thanks_text),
    ("stadtbranchen-de", messages_for("de").thanks_text),
    ("trustedtrades-directory", EN.thanks_text),
    ("webfinder-links", EN.thanks_text),
    ("guia-negocios-es", messages_for("es").thanks_text),
    ("heritage-register", EN.thanks_text),
    ("nearbyguide", EN.thanks_text),
]


@pytest.mark.parametrize(("slug", "confirmation"), SIMPLE_ACCEPTING)
def test_correct_submission_is_accepted_and_recorded_once(
    slug: str, confirmation: str, site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    response = site_client(slug).submit(GOOD_FIELDS[slug])

    assert response.status_code == 200
    assert confirmation in response.text
    entries = ledger_of(sandbox_server).entries(slug)
    assert len(entries) == 1
    assert entries[0].accepted and not entries[0].spam
    for name, value in GOOD_FIELDS[slug].items():
        assert entries[0].fields[name] == value
    assert ledger_of(sandbox_server).entries() == entries


def test_confirmation_speaks_the_site_language(site_client: MakeClient) -> None:
    response = site_client("stadtbranchen-de").submit(GOOD_FIELDS["stadtbranchen-de"])

    assert "Vielen Dank!" in response.text
    assert 'lang="de"' in response.text


def test_form_inside_the_iframe_posts_to_its_own_origin(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    host_page = site_client("towncrier-listings").get("/list-your-business")
    widget_src = f"http://forms.towncrier-listings.localhost:{sandbox_server.port}/embed/"
    assert f'<iframe id="listing-widget" title="Business listing form" src="{widget_src}' in (
        host_page.text
    )
    assert 'name="business"' not in host_page.text

    widget = site_client("towncrier-listings", subdomain="forms.")
    response = widget.submit(GOOD_FIELDS["towncrier-listings"], path="/embed/listing-form")

    assert EN.thanks_text in response.text
    assert len(ledger_of(sandbox_server).accepted("towncrier-listings")) == 1


def test_redirect_after_post_lands_on_a_confirmation_page(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("localpages-directory")
    response = client.submit(GOOD_FIELDS["localpages-directory"])

    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/listing-submitted/?ref=")
    confirmation = client.get(location)
    assert confirmation.status_code == 200
    assert EN.thanks_text in confirmation.text
    assert len(ledger_of(sandbox_server).accepted("localpages-directory")) == 1


def test_upload_is_recorded_by_name_and_size(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    logo = b"\x89PNG\r\n\x1a\n" + b"\0" * 120
    response = site_client("yellowbook-local").submit(
        GOOD_FIELDS["yellowbook-local"], files={"logo": ("heron.png", logo, "image/png")}
    )

    assert EN.thanks_text in response.text
    (entry,) = ledger_of(sandbox_server).accepted("yellowbook-local")
    assert entry.fields["logo"] == "heron.png (128 bytes)"
    assert entry.fields["categories[]"] == ["bakeries", "cafes"]


@pytest.mark.parametrize(
    ("slug", "trap"),
    [("trustedtrades-directory", "website"), ("trustedtrades-directory", "email_confirm")],
)
def test_filled_honeypot_or_decoy_gets_a_plausible_page_but_is_spam(
    slug: str, trap: str, site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    response = site_client(slug).submit({**GOOD_FIELDS[slug], trap: "bot@example.com"})

    assert response.status_code == 200
    assert EN.thanks_text in response.text
    (entry,) = ledger_of(sandbox_server).entries(slug)
    assert entry.spam and not entry.accepted


@pytest.mark.parametrize("slug", ["trustedtrades-directory", "guia-negocios-es"])
def test_missing_or_wrong_js_token_is_refused(
    slug: str, site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client(slug)
    missing = client.submit(GOOD_FIELDS[slug], run_script=False)
    token_field = "tt_js" if slug == "trustedtrades-directory" else "f_t"
    forged = client.submit(
        GOOD_FIELDS[slug], run_script=False, hidden_overrides={token_field: "abc-42"}
    )

    for response in (missing, forged):
        assert response.status_code == 403
        assert 'role="alert"' in response.text
    entries = ledger_of(sandbox_server).entries(slug)
    assert [(entry.accepted, entry.spam) for entry in entries] == [(False, False)] * 2


def test_csrf_nonce_is_single_use(site_client: MakeClient, sandbox_server: SandboxServer) -> None:
    client = site_client("annuaire-pro-fr")
    _, form = client.load_form()
    data = {**form.hidden, **GOOD_FIELDS["annuaire-pro-fr"]}

    first = client.post("/inscription", data=data)
    replay = client.post("/inscription", data=data)

    fr = messages_for("fr")
    assert first.status_code == 200
    assert fr.verify_title in first.text
    assert "hello@blueheronbakery.example" in first.text
    assert replay.status_code == 403
    assert fr.csrf_expired in replay.text
    entries = ledger_of(sandbox_server).entries("annuaire-pro-fr")
    assert [entry.accepted for entry in entries] == [True, False]


def test_missing_unknown_or_stale_csrf_nonce_is_refused(
    site_client: MakeClient, admin: httpx.Client, sandbox_server: SandboxServer
) -> None:
    client = site_client("annuaire-pro-fr")
    without = client.post("/inscription", data=GOOD_FIELDS["annuaire-pro-fr"])
    unknown = client.submit(GOOD_FIELDS["annuaire-pro-fr"], hidden_overrides={"_jeton": "f00d"})
    admin.post("/__sandbox/knobs", json={"annuaire-pro-fr": {"nonce_ttl_s": 0}}).raise_for_status()
    stale = client.submit(GOOD_FIELDS["annuaire-pro-fr"])

    assert [r.status_code for r in (without, unknown, stale)] == [403, 403, 403]
    assert ledger_of(sandbox_server).accepted("annuaire-pro-fr") == []


def test_duplicate_listing_is_rejected_the_second_time(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("yellowbook-local")
    first = client.submit(GOOD_FIELDS["yellowbook-local"])
    same_name = client.submit({**GOOD_FIELDS["yellowbook-local"], "phone": "+1 503 555 0199"})
    same_phone = client.submit({**GOOD_FIELDS["yellowbook-local"], "business_name": "Heron II"})

    assert EN.thanks_text in first.text
    for again in (same_name, same_phone):
        assert EN.duplicate in again.text
        assert 'role="alert"' in again.text
    entries = ledger_of(sandbox_server).entries("yellowbook-local")
    assert [entry.accepted for entry in entries] == [True, False, False]


def test_paid_plan_choice_ends_at_checkout_not_accepted(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    response = site_client("linkhaven-directory").submit(
        {**GOOD_FIELDS["linkhaven-directory"], "LINK_TYPE": "featured"}
    )

    assert EN.checkout_title in response.text
    assert "$29.99" in response.text
    (entry,) = ledger_of(sandbox_server).entries("linkhaven-directory")
    assert not entry.accepted


def test_paid_only_site_never_accepts(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    response = site_client("premium-placements").submit(GOOD_FIELDS["premium-placements"])

    assert EN.checkout_title in response.text
    assert ledger_of(sandbox_server).accepted("premium-placements") == []


def test_rate_limited_site_answers_429_with_retry_after(
    site_client: MakeClient, admin: httpx.Client, sandbox_server: SandboxServer
) -> None:
    client = site_client("metro-biz-index")
    first = client.submit(GOOD_FIELDS["metro-biz-index"])
    too_early = client.submit(GOOD_FIELDS["metro-biz-index"])

    assert first.status_code == 429
    assert first.headers["retry-after"] == "2"
    assert too_early.status_code == 429
    assert int(too_early.headers["retry-after"]) >= 1

    # With a zero wait the throttle lifts at once: the next retry goes through.
    admin.post("/__sandbox/knobs", json={"metro-biz-index": {"retry_after_s": 0}})
    other = {**GOOD_FIELDS["metro-biz-index"], "name": "Heron Annex", "phone": "+1 503 555 0101"}
    throttled = client.submit(other)
    retried = client.submit(other)

    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "0"
    assert retried.status_code == 200
    assert EN.thanks_text in retried.text
    accepted = ledger_of(sandbox_server).accepted("metro-biz-index")
    assert [entry.fields["name"] for entry in accepted] == ["Heron Annex"]


def test_flaky_site_fails_first_try_then_accepts(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("shopfront-finder")
    first = client.submit(GOOD_FIELDS["shopfront-finder"])
    second = client.submit(GOOD_FIELDS["shopfront-finder"])

    assert first.status_code == 503
    assert second.status_code == 200
    assert EN.thanks_text in second.text
    entries = ledger_of(sandbox_server).entries("shopfront-finder")
    assert [entry.accepted for entry in entries] == [False, True]


@pytest.mark.parametrize(
    ("slug", "broken", "field", "message"),
    [
        ("citylocal-hub", {"listingfields[7]": "not-an-email"}, "listingfields[7]", "e-mail"),
        ("stadtbranchen-de", {"f1": ""}, "f1", "Pflichtfeld"),
        (
            "localpages-directory",
            {"geodir_accept_term_condition": ""},
            "geodir_accept_term_condition",
            "terms",
        ),
        ("bizlist-wizard", {"contact_phone": "12"}, "contact_phone", "phone"),
    ],
)
def test_validation_errors_are_rendered_in_the_page(
    slug: str,
    broken: dict[str, str],
    field: str,
    message: str,
    site_client: MakeClient,
    sandbox_server: SandboxServer,
) -> None:
    response = site_client(slug).submit({**GOOD_FIELDS[slug], **broken})

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert message in response.text
    (tag,) = re.findall(
        rf'<(?:input|select|textarea)[^>]*name="{re.escape(field)}"[^>]*>', response.text
    )
    assert 'aria-invalid="true"' in tag
    assert response.text.count('aria-invalid="true"') == 1
    # Submitted values come back in the re-rendered form.
    first_good = next(v for k, v in GOOD_FIELDS[slug].items() if k not in broken)
    assert isinstance(first_good, str)
    assert first_good in response.text
    (entry,) = ledger_of(sandbox_server).entries(slug)
    assert not entry.accepted


def test_wizard_reopens_on_the_step_with_the_error(site_client: MakeClient) -> None:
    response = site_client("bizlist-wizard").submit(
        {**GOOD_FIELDS["bizlist-wizard"], "addr_postcode": ""}
    )

    assert 'data-active-step="3"' in response.text
    assert '<fieldset class="bl-step" data-step="3">' in response.text
    assert '<fieldset class="bl-step" data-step="1" style="display:none">' in response.text


def test_captcha_refuses_wrong_or_missing_answers(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("webfinder-links")
    wrong = client.submit(
        {**GOOD_FIELDS["webfinder-links"], "captcha_code": "ZZZZZ"}, solve_captcha=False
    )
    missing = client.submit(GOOD_FIELDS["webfinder-links"], solve_captcha=False)

    assert EN.captcha_wrong in wrong.text
    assert EN.required in missing.text
    assert ledger_of(sandbox_server).accepted("webfinder-links") == []
    assert len(ledger_of(sandbox_server).entries("webfinder-links")) == 2


def test_captcha_is_an_svg_image_without_its_text(site_client: MakeClient) -> None:
    client = site_client("webfinder-links")
    _, form = client.load_form()
    challenge = form.hidden["captcha_id"]
    answer = client.server_captcha_answer(challenge)

    image = client.get("/captcha.php", params={"id": challenge})

    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert "<text" not in image.text and answer not in image.text
    assert image.text.count("<rect") > 30


def test_captcha_answer_works_only_once(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("webfinder-links")
    _, form = client.load_form()
    data = {
        **form.hidden,
        **GOOD_FIELDS["webfinder-links"],
        "captcha_code": client.server_captcha_answer(form.hidden["captcha_id"]).lower(),
    }

    first = client.post("/add-url", data=data)
    replay = client.post("/add-url", data={**data, "site_title": "Heron Two"})

    assert EN.thanks_text in first.text
    assert EN.captcha_wrong in replay.text
    entries = ledger_of(sandbox_server).entries("webfinder-links")
    assert [entry.accepted for entry in entries] == [True, False]


def test_versioned_form_changes_and_refuses_stale_posts(
    site_client: MakeClient, admin: httpx.Client, sandbox_server: SandboxServer
) -> None:
    client = site_client("nearbyguide")
    _, v1 = client.load_form()
    assert {"biz_name", "biz_phone"} <= v1.names and v1.hidden["form_rev"] == "1"

    bumped = admin.post("/__sandbox/form-version", json={"site": "nearbyguide"})
    assert bumped.json() == {"site": "nearbyguide", "version": 2}
    v2_page, v2 = client.load_form()

    assert v2.hidden["form_rev"] == "2"
    assert {"company", "telephone", "zip_code", "agree_tos"} <= v2.names
    assert not {"biz_name", "biz_phone"} & v2.names
    assert v2_page.text.index('name="contact_email"') < v2_page.text.index('name="company"')

    stale = client.post("/add-place", data={**v1.hidden, **GOOD_FIELDS["nearbyguide"]})
    assert "This form has been updated" in stale.text
    assert 'name="zip_code"' in stale.text

    v2_fields = {
        "contact_email": "hello@blueheronbakery.example",
        "company": "Blue Heron Bakery",
        "category": "bakeries",
        "telephone": "+1 503 555 0142",
        "town": "Portland",
        "summary": "Bakery.",
    }
    missing_new = client.submit(v2_fields)
    assert EN.required in missing_new.text and EN.must_accept in missing_new.text
    accepted = client.submit({**v2_fields, "zip_code": "97214", "agree_tos": "1"})
    assert EN.thanks_text in accepted.text

    entries = ledger_of(sandbox_server).entries("nearbyguide")
    assert [entry.accepted for entry in entries] == [False, False, True]
    assert admin.get("/__sandbox/form-version").json() == {"nearbyguide": 2}


def test_quicklist_json_api_validates_and_accepts(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("quicklist-app")
    bad = client.post("/api/listings", json={**QUICKLIST_GOOD, "acceptTerms": False, "email": ""})
    good = client.post("/api/listings", json=QUICKLIST_GOOD)

    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"acceptTerms", "email"}
    assert good.status_code == 201
    assert EN.thanks_text in good.json()["message"]
    entries = ledger_of(sandbox_server).entries("quicklist-app")
    assert [entry.accepted for entry in entries] == [False, True]
    assert entries[1].fields["acceptTerms"] == "true"


def test_newsletter_widget_is_not_a_submission(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    response = site_client("citylocal-hub").post("/newsletter", data={"ne": "a@b.example"})

    assert response.status_code == 200
    assert ledger_of(sandbox_server).entries() == []


def test_header_search_is_a_separate_get_form(site_client: MakeClient) -> None:
    client = site_client("stadtbranchen-de")
    page, form = client.load_form()
    assert 'action="/suche" method="get"' in page.text
    assert "f1" in form.names and "was" not in form.names

    results = client.get("/suche", params={"was": "Bäckerei", "wo": "Berlin"})
    assert results.status_code == 200
    assert "Suchergebnisse für „Bäckerei“" in results.text
