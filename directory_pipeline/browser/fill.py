"""Executing a form plan on a live page: locate each field (in iframes too), fill it the way
it asks, move through wizard steps, and find the form's own submit control."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page

from directory_pipeline.browser.logo import LogoFile
from directory_pipeline.domain import BusinessProfile
from directory_pipeline.forms.options import choose_options
from directory_pipeline.forms.plan import FieldDecision, FormPlan
from directory_pipeline.forms.schema import FormField, FormSchema
from directory_pipeline.forms.vocabulary import normalise

NEXT_WORDS = [
    "next",
    "continue",
    "next step",
    "weiter",
    "siguiente",
    "continuar",
    "suivant",
    "continuer",
    "avanti",
    "prossimo",
    "proximo",
    "seguinte",
    "volgende",
]
SUBMIT_WORDS = [
    "submit",
    "send",
    "add",
    "add listing",
    "publish",
    "register",
    "save",
    "create",
    "post",
    "senden",
    "absenden",
    "eintragen",
    "speichern",
    "enviar",
    "publicar",
    "registrar",
    "envoyer",
    "publier",
    "valider",
    "enregistrer",
    "invia",
    "inviare",
    "pubblica",
    "salva",
    "registra",
    "salvar",
    "cadastrar",
]


class FillError(RuntimeError):
    """The plan cannot be carried out on this page (e.g. a required field has no value)."""


@dataclass
class FillReport:
    filled: dict[str, str] = field(default_factory=dict)  # field name -> profile key/action
    missing_required: list[str] = field(default_factory=list)
    read_back_mismatches: list[str] = field(default_factory=list)


def scope(page: Page, frame_path: str) -> Page | FrameLocator:
    """The page, or the (nested) iframe a field lives in."""
    current: Page | FrameLocator = page
    for part in [p.strip() for p in frame_path.split(" >> iframe") if p.strip()]:
        selector = part if part.startswith("iframe") else f"iframe{part}"
        current = current.frame_locator(selector)
    return current


def field_locator(page: Page, field_: FormField) -> Locator:
    return scope(page, field_.frame).locator(field_.selector)


def form_locator(page: Page, schema: FormSchema, form_index: int) -> Locator | None:
    """The <form> element, or None for fields outside any form."""
    form = next(f for f in schema.forms if f.index == form_index)
    if form.is_virtual:
        return None
    local = [f for f in schema.forms if f.frame == form.frame and not f.is_virtual]
    return scope(page, form.frame).locator("form").nth(local.index(form))


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary where there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = cut.rfind(" ")
    return (cut[:boundary] if boundary > limit * 0.6 else cut).rstrip(" ,;:-")


_STAND_INS = {"description": "short_description", "short_description": "description"}


def format_text(field_: FormField, key: str, profile: BusinessProfile) -> str | None:
    """The profile's value for a text field, shaped the way the field asks for it."""
    value = profile.value_for(key)
    if value is None and key in _STAND_INS:
        # One description for the other: both are the customer's own words about the business.
        value = profile.value_for(_STAND_INS[key])
        if value is not None and key == "short_description":
            value = cut_at_word(str(value), field_.maxlength or 250)
    if value is None:
        return None
    text = ", ".join(value) if isinstance(value, list) else value
    if key == "phone":
        text = _phone_for(field_, profile)
    if key == "country" and not (field_.maxlength and field_.maxlength <= 3):
        text = profile.country_name
    if field_.maxlength:
        text = cut_at_word(text, field_.maxlength)
    return text


def _phone_for(field_: FormField, profile: BusinessProfile) -> str:
    parsed = phonenumbers.parse(profile.phone, profile.country)
    e164 = profile.phone
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    hint = f"{field_.pattern} {field_.sources.placeholder}"
    candidates = [e164, national, re.sub(r"\D", "", national)]
    if field_.pattern:
        for candidate in candidates:
            try:
                if re.fullmatch(field_.pattern, candidate):
                    return candidate
            except re.error:
                break
    if hint.strip() and "+" not in hint and re.search(r"\d", field_.sources.placeholder):
        return national
    return e164


def alternate_phone(profile: BusinessProfile) -> str:
    parsed = phonenumbers.parse(profile.phone, profile.country)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _check_option(locator: Locator, value: str) -> bool:
    for index in range(locator.count()):
        candidate = locator.nth(index)
        if candidate.get_attribute("value") == value:
            candidate.check()
            return True
    return False


def _fill_one(
    page: Page,
    field_: FormField,
    decision: FieldDecision,
    profile: BusinessProfile,
    report: FillReport,
    logo: LogoFile | None = None,
) -> None:
    locator = field_locator(page, field_)
    target = field_.name or field_.id or field_.selector
    if decision.action == "check":
        if field_.kind == "radio" and decision.choice is not None:
            _check_option(locator, decision.choice)  # "Yes, I accept" of a yes/no pair
        else:
            locator.first.check()
        report.filled[target] = "@consent"
        return
    if decision.action == "choose" and decision.choice is not None:
        if field_.kind == "select":
            locator.first.select_option(value=decision.choice)
        else:
            _check_option(locator, decision.choice)
        report.filled[target] = "@free_choice"
        return
    key = decision.profile_key
    if decision.action != "fill" or key is None:
        return
    if field_.kind == "file":
        # Only a logo fetched through the network guard is uploaded; nothing is read from disk.
        if logo is None or key != "logo":
            if field_.required:
                report.missing_required.append(f"{target} (logo file)")
            return
        locator.first.set_input_files(
            {"name": logo.name, "mimeType": logo.mime_type, "buffer": logo.data}
        )
        report.filled[target] = key
        return
    if field_.options:
        chosen = choose_options(field_.options, key, profile)
        if not chosen:
            preselected = [o.label for o in field_.options if o.selected and o.value]
            if field_.required or preselected:
                # Leaving a preselected option would tell the directory something untrue.
                shown = f"; the form preselects {preselected[0]!r}" if preselected else ""
                report.missing_required.append(f"{target} (no option fits {key}{shown})")
            return
        if field_.tag == "select":
            locator.first.select_option(value=chosen if field_.multiple else chosen[0])
        else:
            for value in chosen if field_.multiple else chosen[:1]:
                _check_option(locator, value)
        report.filled[target] = key
        return
    text = format_text(field_, key, profile)
    if text is None:
        if field_.required:
            report.missing_required.append(f"{target} (profile has no {key})")
        return
    locator.first.fill(text)
    report.filled[target] = key
    if locator.first.input_value() != text:
        report.read_back_mismatches.append(target)


def _buttons(container: Locator | Page | FrameLocator) -> Locator:
    return container.locator(
        "button, input[type=submit], input[type=button], a[role=button], [role=button]"
    )


def _button_text(button: Locator) -> str:
    text = button.inner_text() or button.get_attribute("value") or ""
    return normalise(text or button.get_attribute("aria-label") or "")


def advance_wizard(
    page: Page,
    container: Locator | Page | FrameLocator,
    want_visible: Locator,
    timeout_ms: int = 10_000,
) -> bool:
    """Click the visible "Next"-like button until `want_visible` shows; False if it never does."""
    for _ in range(6):
        if want_visible.is_visible():
            return True
        buttons = _buttons(container)
        clicked = False
        for index in range(buttons.count()):
            button = buttons.nth(index)
            if not button.is_visible():
                continue
            words = _button_text(button)
            if any(f" {w} " in f" {words} " for w in NEXT_WORDS):
                button.click()
                clicked = True
                break
        if not clicked:
            return False
        try:
            want_visible.wait_for(state="visible", timeout=timeout_ms)
            return True
        except PlaywrightError:
            continue
    return want_visible.is_visible()


def fill_form(
    page: Page,
    schema: FormSchema,
    plan: FormPlan,
    profile: BusinessProfile,
    logo: LogoFile | None = None,
) -> FillReport:
    """Fill the plan's target form; hidden wizard steps are reached through their buttons.

    A file input mapped to `logo` gets `logo` (fetched beforehand through the network guard,
    see `browser.logo`); without one it is left empty, and reported if the form requires it.
    """
    if plan.target_form is None:
        raise FillError("no form on the page has fields this profile can fill")
    report = FillReport()
    container = form_locator(page, schema, plan.target_form) or page
    for field_ in schema.fields_of(plan.target_form):
        decision = plan.decision(field_.key)
        if decision is None or decision.action == "leave":
            continue
        locator = field_locator(page, field_).first
        hidden_step = field_.step is not None and not locator.is_visible()
        if hidden_step and not advance_wizard(page, container, locator):
            raise FillError(f"could not reach the wizard step holding {field_.key}")
        _fill_one(page, field_, decision, profile, report, logo)
    return report


def submit_control(page: Page, schema: FormSchema, form_index: int) -> Locator:
    """The target form's own submit button (never a header search box's)."""
    form = form_locator(page, schema, form_index)
    if form is not None:
        explicit = form.locator("button[type=submit], input[type=submit], input[type=image]")
        for index in range(explicit.count()):
            if explicit.nth(index).is_visible():
                return explicit.nth(index)
        implicit = form.locator("button:not([type])")
        for index in range(implicit.count()):
            if implicit.nth(index).is_visible():
                return implicit.nth(index)
    frame = next(f.frame for f in schema.forms if f.index == form_index)
    container: Locator | Page | FrameLocator = form if form is not None else scope(page, frame)
    buttons = _buttons(container)
    for index in range(buttons.count()):
        button = buttons.nth(index)
        words = _button_text(button)
        if button.is_visible() and any(f" {w} " in f" {words} " for w in SUBMIT_WORDS):
            return button
    raise FillError("the form has no visible submit control")


def empty_required_fields(page: Page, schema: FormSchema, plan: FormPlan) -> list[str]:
    """Visible required fields of the target form still empty after filling: the plan has
    nothing for them, so submitting would only earn a refusal."""
    empty: list[str] = []
    for field_ in schema.fields_of(plan.target_form if plan.target_form is not None else -1):
        if not field_.required or field_.honeypot_suspect or field_.kind == "file":
            continue
        locator = field_locator(page, field_).first
        if not locator.is_visible():
            continue
        if field_.kind in {"checkbox", "radio"}:
            group = field_locator(page, field_)
            filled = any(group.nth(i).is_checked() for i in range(group.count()))
        else:
            filled = bool(locator.input_value().strip())
        if not filled:
            decision = plan.decision(field_.key)
            why = decision.reason if decision is not None and decision.reason else "no key"
            empty.append(f"{field_.name or field_.id} ({field_.label or 'no label'}: {why})")
    return empty
