"""Script-driven behaviour of the sandbox sites, checked in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from directory_pipeline.sandbox import SITES, Ledger, SandboxServer
from directory_pipeline.sandbox.guards import expected_js_token
from directory_pipeline.sandbox.i18n import messages_for

from .conftest import ABOUT, CITY, EMAIL, NAME, PHONE, POSTAL, STREET, WEBSITE

EN = messages_for("en")


def ledger_of(server: SandboxServer) -> Ledger:
    return server.app.state.sandbox.ledger


@pytest.mark.parametrize("slug", [site.slug for site in SITES])
def test_form_page_loads_without_script_errors(
    slug: str, sandbox_page: Page, sandbox_server: SandboxServer
) -> None:
    errors: list[str] = []
    sandbox_page.on("pageerror", lambda error: errors.append(str(error)))
    sandbox_page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    response = sandbox_page.goto(sandbox_server.url_for(slug))

    assert response is not None and response.status == 200
    expect(sandbox_page.locator("form[method=post], form:not([method]), iframe")).not_to_have_count(
        0
    )
    assert errors == []


def test_wizard_shows_later_steps_only_through_its_script(
    sandbox_page: Page, sandbox_server: SandboxServer
) -> None:
    page = sandbox_page
    page.goto(sandbox_server.url_for("bizlist-wizard"))
    email = page.get_by_label("Email *")
    expect(email).to_be_hidden()

    page.get_by_role("button", name="Next").first.click()
    expect(page.locator("#bl-company")).to_be_visible()
    expect(email).to_be_hidden()

    page.get_by_label("Company name").fill(NAME)
    page.get_by_label("Categories").select_option(["bakeries", "cafes"])
    page.locator('fieldset[data-step="1"]').get_by_role("button", name="Next").click()
    expect(email).to_be_visible()
    expect(page.locator("#bl-company")).to_be_hidden()
    expect(page.locator("#bl-progress-text")).to_have_text("Step 2 of 4")

    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Lindqvist")
    email.fill(EMAIL)
    page.get_by_label("Phone").fill(PHONE)
    page.locator('fieldset[data-step="2"]').get_by_role("button", name="Next").click()
    page.get_by_label("Street address").fill(STREET)
    page.get_by_label("City").fill(CITY)
    page.get_by_label("Postcode").fill(POSTAL)
    page.get_by_label("Country").select_option("US")
    page.locator('fieldset[data-step="3"]').get_by_role("button", name="Next").click()
    page.get_by_label("About your business").fill(ABOUT)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Submit my listing").click()

    expect(page.get_by_text(EN.thanks_text)).to_be_visible()
    (entry,) = ledger_of(sandbox_server).accepted("bizlist-wizard")
    assert entry.fields["category_ids[]"] == ["bakeries", "cafes"]
    assert entry.fields["contact_email"] == EMAIL


def test_script_rendered_fields_submit_json_and_report_in_status_region(
    sandbox_page: Page, sandbox_server: SandboxServer
) -> None:
    page = sandbox_page
    url = sandbox_server.url_for("quicklist-app")
    served = page.goto(url)
    assert served is not None
    # The served HTML carries only the header search box; the form is drawn by script.
    assert served.text().count("<input") == 1

    business = page.get_by_placeholder("Business name")
    business.wait_for()
    inputs = page.locator("#root input, #root select, #root textarea")
    expect(inputs).to_have_count(8)
    assert inputs.evaluate_all("els => els.filter(e => e.name || e.labels.length).length") == 0

    status = page.get_by_role("status")
    page.get_by_role("button", name="Publish listing").click()
    expect(status).to_have_text(EN.errors_summary)
    expect(business).to_have_attribute("aria-invalid", "true")

    business.fill(NAME)
    page.get_by_label("Category").select_option("bakeries")
    page.get_by_placeholder("Phone number").fill(PHONE)
    page.get_by_placeholder("Email address").fill(EMAIL)
    page.get_by_placeholder("Website (optional)").fill(WEBSITE)
    page.get_by_label("City").fill(CITY)
    page.get_by_placeholder("What does your business do?").fill(ABOUT)
    page.get_by_label("I accept the terms of service").check()
    page.get_by_role("button", name="Publish listing").click()

    expect(status).to_have_text(f"{EN.thanks_title} {EN.thanks_text}")
    assert page.url == url
    entries = ledger_of(sandbox_server).entries("quicklist-app")
    assert [entry.accepted for entry in entries] == [False, True]
    assert entries[1].fields["businessName"] == NAME
    assert entries[1].fields["acceptTerms"] == "true"


def test_form_in_cross_origin_iframe_submits_inside_the_frame(
    sandbox_page: Page, sandbox_server: SandboxServer
) -> None:
    page = sandbox_page
    page.goto(sandbox_server.url_for("towncrier-listings"))
    assert page.locator("form[method=post]").count() == 0
    frame = page.frame_locator("#listing-widget")

    frame.get_by_label("Business name").fill(NAME)
    frame.get_by_label("Category").select_option("bakeries")
    frame.get_by_label("Contact person").fill("Maya Lindqvist")
    frame.get_by_label("Email").fill(EMAIL)
    frame.get_by_label("Phone").fill(PHONE)
    frame.get_by_label("Town", exact=True).fill(CITY)
    frame.get_by_label("Postcode").fill(POSTAL)
    frame.get_by_label("Describe your business").fill(ABOUT)
    frame.get_by_label("I agree").check()
    frame.get_by_role("button", name="Send listing").click()

    expect(frame.get_by_text(EN.thanks_text)).to_be_visible()
    widget = next(f for f in page.frames if f != page.main_frame)
    assert widget.url.startswith(
        f"http://forms.towncrier-listings.localhost:{sandbox_server.port}/"
    )
    assert len(ledger_of(sandbox_server).accepted("towncrier-listings")) == 1


def test_page_script_sets_the_token_and_traps_stay_out_of_sight(
    sandbox_page: Page, sandbox_server: SandboxServer
) -> None:
    page = sandbox_page
    page.goto(sandbox_server.url_for("trustedtrades-directory"))
    stamp = page.locator("input[name=tt_ts]").input_value()
    expect(page.locator("input[name=tt_js]")).to_have_value(expected_js_token(stamp))
    expect(page.locator("input[name=website]")).to_be_hidden()
    decoy = page.locator("input[name=email_confirm]")
    box = decoy.bounding_box()
    assert box is not None and box["x"] + box["width"] < 0

    page.get_by_label("Trading name").fill(NAME)
    page.get_by_label("Main trade").select_option("bakeries")
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Lindqvist")
    page.get_by_label("Email address", exact=True).fill(EMAIL)
    page.get_by_label("Phone").fill(PHONE)
    page.get_by_label("Town or area you cover").fill(CITY)
    page.get_by_label("Postcode").fill(POSTAL)
    page.get_by_label("About your work").fill(ABOUT)
    page.get_by_label("I confirm the details").check()
    page.get_by_role("button", name="Create my profile").click()

    expect(page.get_by_text(EN.thanks_text)).to_be_visible()
    (entry,) = ledger_of(sandbox_server).entries("trustedtrades-directory")
    assert entry.accepted and not entry.spam


def test_captcha_image_renders_and_only_the_right_code_passes(
    sandbox_page: Page, sandbox_server: SandboxServer
) -> None:
    page = sandbox_page
    page.goto(sandbox_server.url_for("webfinder-links"))
    image = page.locator("img.captcha-image")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 100")

    def fill_form(code: str) -> None:
        page.locator("input[name=site_title]").fill(NAME)
        page.locator("input[name=site_url]").fill(WEBSITE)
        page.locator("textarea[name=site_desc]").fill(ABOUT)
        page.locator("select[name=cat]").select_option("bakeries")
        page.locator("input[name=your_name]").fill("Maya Lindqvist")
        page.locator("input[name=your_email]").fill(EMAIL)
        page.locator("input[name=captcha_code]").fill(code)
        page.get_by_role("button", name="Add my site").click()

    fill_form("WRONG")
    expect(page.get_by_text(EN.captcha_wrong)).to_be_visible()

    challenge = page.locator("input[name=captcha_id]").input_value()
    answer = sandbox_server.app.state.sandbox.captchas.answer("webfinder-links", challenge)
    fill_form(answer)

    expect(page.get_by_text(EN.thanks_text)).to_be_visible()
    entries = ledger_of(sandbox_server).entries("webfinder-links")
    assert [entry.accepted for entry in entries] == [False, True]
