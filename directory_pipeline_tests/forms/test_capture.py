"""Capturing forms in real Chromium: labels from every source, options, visibility classes,
late JavaScript fields, wizard steps and iframes."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from directory_pipeline.browser.capture import capture_page, open_target
from directory_pipeline.forms.schema import FormSchema

PAGES = Path(__file__).parent / "pages"


def _capture(page: Page, name: str) -> FormSchema:
    open_target(page, str(PAGES / name))
    return capture_page(page)


def test_labels_come_from_every_place_a_page_puts_them(page: Page) -> None:
    schema = _capture(page, "labels.html")
    labels = {f.name: f.label for f in schema.fields}
    assert labels["b1"] == "Business name"  # label[for]
    assert labels["b2"] == "Phone"  # wrapping label
    assert labels["b3"] == "Your e-mail"  # aria-labelledby
    assert labels["b4"] == "Website address"  # aria-label
    assert labels["b5"] == "Postal code"  # placeholder only
    assert labels["b6"] == "City:"  # table cell
    assert labels["b7"] == "Keywords"  # dt/dd
    assert labels["b8"] == "Year founded"  # text before the field
    assert labels["plan"] == "Listing type"  # legend of a radio group


def test_field_facts_are_captured(page: Page) -> None:
    schema = _capture(page, "labels.html")
    by_name = {f.name: f for f in schema.fields}
    assert "csrf" not in by_name  # hidden inputs are not user-editable
    assert by_name["b1"].required and by_name["b1"].maxlength == 80
    assert by_name["b1"].autocomplete == "organization"
    assert by_name["b2"].kind == "tel" and by_name["b2"].pattern == "[0-9 +]+"
    assert by_name["b8"].inputmode == "numeric"
    assert [(o.value, o.label) for o in by_name["plan"].options] == [
        ("free", "Free listing"),
        ("gold", "Gold listing ($49/year)"),
    ]
    assert by_name["cat"].kind == "select" and by_name["cat"].required
    assert [o.label for o in by_name["cat"].options][1:] == ["Bakeries & Cafes", "Food & Drink"]
    assert by_name["tos"].label == "I accept the terms of service"
    assert by_name["pw"].kind == "password"


def test_honeypot_suspects_are_told_apart_from_visible_fields(page: Page) -> None:
    schema = _capture(page, "labels.html")
    visibility = {f.name: f.visibility for f in schema.fields}
    assert visibility["website_url2"] == "display-none"
    assert visibility["email_confirm"] == "off-screen"
    assert visibility["nick"] == "zero-size"
    assert visibility["fax_hidden"] == "aria-hidden"
    assert visibility["ghost"] == "transparent"
    assert visibility["b1"] == visibility["tos"] == visibility["plan"] == "visible"


def test_each_form_is_its_own_and_the_search_box_is_apart(page: Page) -> None:
    schema = _capture(page, "labels.html")
    assert [f.id for f in schema.forms] == ["search", ""]
    assert schema.forms[1].method == "post"
    assert schema.forms[1].submit_labels == ["Submit listing"]
    assert [f.key for f in schema.fields_of(0)] == ["0/q"]


def test_late_wizard_and_iframe_fields_are_all_captured(page: Page) -> None:
    schema = _capture(page, "dynamic.html")
    by_name = {f.name: f for f in schema.fields}
    # Rendered by a timer 700 ms after load, outside any <form>: a virtual form of its own.
    assert by_name["who"].label == "Contact person"
    assert by_name["about"].label == "Describe your business"
    virtual = schema.forms[by_name["who"].form_index]
    assert virtual.is_virtual
    # A wizard step hidden until "Next": captured, marked as a hidden step, not a honeypot.
    assert by_name["city"].visibility == "hidden-step" and by_name["city"].step == 1
    assert not by_name["city"].honeypot_suspect
    # Inside the iframe, with the path to reach it.
    assert by_name["tel"].frame == "iframe#widget"
    assert schema.forms[by_name["tel"].form_index].frame == "iframe#widget"


def test_selectors_find_their_fields(page: Page) -> None:
    schema = _capture(page, "labels.html")
    for field in schema.fields:
        assert page.locator(field.selector).count() >= 1, field.selector


def test_structures_a_person_reads_at_a_glance_are_mapped(page: Page) -> None:
    """A table row with two street inputs under one "Address" header, a terms box whose
    label wraps it, a free listing type worded without "free", free-text hours; and the
    same address block as a fieldset with bracketed names in German. (Two forms on one page:
    each form's own decisions, before the plan keeps only the form it submits.)"""
    from directory_pipeline.forms.mapper import heuristic_plan

    decisions, _ = heuristic_plan(_capture(page, "structures.html"))
    got = {key: (d.action, d.profile_key or d.choice) for key, d in decisions.items()}
    assert got["0/field_2"] == ("fill", "address_line1")
    assert got["0/field_3"] == ("fill", "address_line2")
    assert got["0/field_4"] == ("fill", "city")
    assert got["0/field_5"] == ("fill", "hours")
    assert got["0/field_6"] == ("choose", "a")
    assert got["0/field_7"] == ("check", "1")
    assert got["1/eintrag[adresse][0]"] == ("fill", "address_line1")
    assert got["1/eintrag[adresse][1]"] == ("fill", "address_line2")
    assert got["1/eintrag[plz]"] == ("fill", "postal_code")
    assert got["1/eintrag[agb]"][0] == "check"


def test_a_required_field_left_empty_is_named_with_its_label_and_why(page: Page) -> None:
    """What stops a submission before the click says which required field and why the
    mapper had nothing for it."""
    from directory_pipeline.browser.fill import empty_required_fields
    from directory_pipeline.forms.mapper import map_form

    page.set_content(
        "<form method=post><label>Business name <input name=biz required></label>"
        "<label>Membership number <input name=member_no required></label>"
        "<button>Send</button></form>"
    )
    schema = capture_page(page)
    plan = map_form(schema)
    page.fill("[name=biz]", "Rosa's Bakery")
    [stopper] = empty_required_fields(page, schema, plan)
    decision = plan.decision(next(f.key for f in schema.fields if f.name == "member_no"))
    assert decision is not None and decision.reason
    assert stopper == f"member_no (Membership number: {decision.reason})"


def test_fields_in_open_shadow_roots_are_captured_with_their_labels(page: Page) -> None:
    """Web-component widgets: inputs each in a custom element's shadow root inside a light
    form, a whole form inside a shadow root, and a form two shadow roots deep."""
    schema = _capture(page, "shadow.html")
    labels = {f.key: f.label for f in schema.fields}
    assert labels == {
        "0/q": "Search",
        "1/company": "Business name",  # <label for> the host, in the light DOM
        "1/email": "E-mail address",  # label[for] inside the root, its text slotted in
        "1/phone": "Phone number",  # aria-labelledby resolved in the root
        "1/website_url2": "",
        "1/plan": "Listing type",  # a light-DOM legend over radios in shadow roots
        "2/listing_title": "Listing title",
        "2/town": "Town",
        "2/opening_hours": "Opening hours",  # text before the host, a nested shadow root
        "2/#notes": "Notes for the editor",
        "2/fax_number": "",
        "3/contact": "Contact person",  # wrapping label two shadow roots deep
    }
    by_key = {f.key: f for f in schema.fields}
    assert [(o.value, o.label) for o in by_key["1/plan"].options] == [
        ("free", "Free listing"),
        ("gold", "Gold listing ($49/year)"),
    ]
    assert by_key["1/email"].required and by_key["2/listing_title"].required


def test_forms_in_shadow_roots_are_numbered_as_playwright_finds_them(page: Page) -> None:
    """The document's forms first, then each shadow root's, depth-first: so the fill's
    `locator("form").nth(i)` is form i, and each form's own submit button is found."""
    from directory_pipeline.browser.fill import form_locator, submit_control

    schema = _capture(page, "shadow.html")
    assert [f.id for f in schema.forms] == ["search", "wrapped", "inner", "deep"]
    assert [f.submit_labels for f in schema.forms[1:]] == [
        ["Add my business"],
        ["Publish listing"],
        ["Send"],
    ]
    for form in schema.forms:
        located = form_locator(page, schema, form.index)
        assert located is not None and located.get_attribute("id") == form.id
    assert submit_control(page, schema, 1).inner_text() == "Add my business"
    assert submit_control(page, schema, 2).inner_text() == "Publish listing"
    assert submit_control(page, schema, 3).inner_text() == "Send"


def test_shadow_fields_say_whether_their_forms_submission_carries_them(page: Page) -> None:
    """A control in a shadow root belongs to the form its host sits in, but only a
    form-associated host (or a form in the same root) makes the browser submit its value."""
    schema = _capture(page, "shadow.html")
    native = {f.key: f.submits_natively for f in schema.fields}
    assert native["1/phone"]  # form-associated custom element
    assert not native["1/company"] and not native["1/email"] and not native["1/plan"]
    assert native["2/listing_title"] and native["2/#notes"]  # the form is in the same root
    assert not native["2/opening_hours"]  # a nested host inside the shadow form
    assert native["0/q"] and native["3/contact"]


def test_a_honeypot_hidden_inside_a_shadow_root_stays_a_suspect(page: Page) -> None:
    schema = _capture(page, "shadow.html")
    visibility = {f.key: f.visibility for f in schema.fields}
    assert visibility["1/website_url2"] == "display-none"  # display:none inside the root
    assert visibility["2/fax_number"] == "off-screen"
    assert visibility["1/company"] == visibility["2/town"] == visibility["3/contact"] == "visible"
    assert {f.key for f in schema.fields if f.honeypot_suspect} == {
        "1/website_url2",
        "2/fax_number",
    }


def test_selectors_find_shadow_fields(page: Page) -> None:
    """Playwright's CSS engine pierces open shadow roots: each selector finds its own field
    (every member of a group), and nothing else."""
    schema = _capture(page, "shadow.html")
    for field in schema.fields:
        located = page.locator(field.selector)
        assert located.count() == (len(field.options) if field.kind == "radio" else 1)
        assert located.first.evaluate("e => e.name || '#' + e.id") == (
            field.name or f"#{field.id}"
        ), field.selector


def test_a_shadow_form_fingerprint_is_stable_across_reloads(page: Page) -> None:
    first = _capture(page, "shadow.html")
    again = _capture(page, "shadow.html")
    assert again.fingerprint == first.fingerprint
    assert [f.key for f in again.fields] == [f.key for f in first.fields]


def test_a_structural_selector_climbs_through_shadow_hosts(page: Page) -> None:
    """Fields with neither a unique id nor a unique name get a path; Playwright's `>`
    crosses from a host into its shadow root, so the path still finds them."""
    page.set_content(
        "<form><x-pair></x-pair><x-pair></x-pair></form><script>"
        "customElements.define('x-pair', class extends HTMLElement { connectedCallback() {"
        " this.attachShadow({mode: 'open'}).innerHTML ="
        " '<div><label>A <input></label><label>B <input></label></div>'; } });</script>"
    )
    schema = capture_page(page)
    assert [f.label for f in schema.fields] == ["A", "B", "A", "B"]
    handles = [page.locator(f.selector) for f in schema.fields]
    assert all(h.count() == 1 for h in handles)
    positions = [
        h.evaluate(
            "e => [...document.querySelectorAll('x-pair')].indexOf(e.getRootNode().host) * 2"
            " + [...e.getRootNode().querySelectorAll('input')].indexOf(e)"
        )
        for h in handles
    ]
    assert positions == [0, 1, 2, 3]


def test_the_pages_declared_language_is_captured_as_written(page: Page, tmp_path: Path) -> None:
    declared = tmp_path / "declared.html"
    declared.write_text(
        '<!doctype html><html lang="da-DK"><body><form method="post">'
        '<label>By <input name="by"></label></form></body></html>'
    )
    open_target(page, str(declared))
    assert capture_page(page).declared_language == "da-DK"
    assert _capture(page, "labels.html").declared_language == ""  # no lang attribute
