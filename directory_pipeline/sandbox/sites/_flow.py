"""The classic server-rendered listing form: show it, judge a POST, answer like a real site."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..forms import (
    FieldRule,
    FieldValue,
    FormView,
    first_value,
    normalized_name,
    normalized_phone,
    read_submission,
    validate,
)
from ..guards import js_token_ok, new_stamp, trap_sprung
from ..listings import Listing
from ..nap import Nap
from ..site import SandboxSite, Verification
from ..state import SandboxState
from ._base import Theme
from ._published import published_routes, search_page
from ._verify import send_verification, verification_routes

Guard = Callable[
    [SandboxState, "ListingForm", Request, dict[str, FieldValue]], Awaitable[Response | None]
]
"""A check run before anything else on a submission; a response ends it as refused."""


@dataclass(frozen=True)
class Plan:
    """One listing plan offered by a paid-vs-free choice."""

    value: str
    label: str
    price: str = ""

    @property
    def free(self) -> bool:
        """Whether choosing this plan costs nothing."""
        return not self.price


@dataclass(frozen=True)
class PaidChoice:
    """A radio group choosing the listing plan."""

    field: str
    plans: tuple[Plan, ...]

    def chosen(self, fields: Mapping[str, FieldValue]) -> Plan | None:
        """The plan a submission picked, if any."""
        value = first_value(fields, self.field)
        return next((plan for plan in self.plans if plan.value == value), None)


@dataclass(frozen=True)
class ListingForm:
    """Declares one site's server-rendered submission form and how the server judges it."""

    site: SandboxSite
    theme: Theme
    template: str
    rules: tuple[FieldRule, ...]
    page_path: str = ""
    submit_path: str = ""
    name_field: str = ""
    phone_field: str = ""
    email_field: str = ""
    street_field: str = ""
    postal_field: str = ""
    city_field: str = ""
    website_field: str = ""
    traps: tuple[str, ...] = ()
    js_token: tuple[str, str] | None = None
    csrf_field: str = ""
    captcha_fields: tuple[str, str] | None = None
    duplicate_check: bool = False
    paid: PaidChoice | None = None
    guards: tuple[Guard, ...] = ()
    confirm_path: str = ""
    verify_path: str = "/verify-email"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def page(self) -> str:
        """Path of the page showing the form (the site's form page unless it is elsewhere)."""
        return self.page_path or self.site.form_path.split("?")[0]

    @property
    def action(self) -> str:
        """Where the form posts to."""
        return self.submit_path or self.page

    def nap(self, fields: Mapping[str, FieldValue]) -> Nap:
        """The name, address, phone and website a submission gave, as the site stores them."""

        def value(name: str) -> str:
            return first_value(fields, name) if name else ""

        return Nap(
            name=value(self.name_field),
            street=value(self.street_field),
            postal_code=value(self.postal_field),
            city=value(self.city_field),
            phone=value(self.phone_field),
            website=value(self.website_field),
        )

    def listing_key(self, fields: Mapping[str, FieldValue]) -> str:
        """What identifies the listing a submission is about (its normalized name)."""
        return normalized_name(first_value(fields, self.name_field)) if self.name_field else ""


def render_form(
    state: SandboxState,
    form: ListingForm,
    request: Request,
    view: FormView | None = None,
    *,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    """The form page, with fresh anti-bot values and any submitted values and errors."""
    slug = form.site.slug
    context: dict[str, Any] = {
        "theme": form.theme,
        "form": form,
        "f": view or FormView(),
        "notice": notice,
        "nonce": state.nonces.issue(slug) if form.csrf_field else "",
        "captcha_id": state.captchas.issue(slug) if form.captcha_fields else "",
        "stamp": new_stamp() if form.js_token else "",
        **form.extra,
    }
    return state.render(request, form.site, form.template, status_code=status_code, **context)


def render_outcome(
    state: SandboxState,
    form: ListingForm,
    request: Request,
    *,
    title: str,
    text: str,
    kind: str,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A page telling the outcome of a submission in the site's own chrome."""
    return state.render(
        request,
        form.site,
        "pages/outcome.html",
        status_code=status_code,
        headers=headers,
        theme=form.theme,
        title=title,
        text=text,
        kind=kind,
        listing_id="",
    )


async def submit_listing(state: SandboxState, form: ListingForm, request: Request) -> Response:
    """Judge one POSTed listing the way the site does, record it, and answer."""
    site, msg = form.site, state.messages(form.site)
    state.count(site.slug, "submissions")
    delay = state.knobs(site.slug).submit_delay_ms
    if delay:
        await asyncio.sleep(delay / 1000)
    fields = await read_submission(request)

    for guard in form.guards:
        refusal = await guard(state, form, request, fields)
        if refusal is not None:
            state.record(site, fields, accepted=False)
            return refusal

    if trap_sprung(fields, form.traps):
        # Anti-spam plugins answer bots with the normal thank-you page and drop the post.
        state.record(site, fields, accepted=False, spam=True)
        return _confirmation(state, form, request, fields, None)

    if form.js_token and not js_token_ok(fields, *form.js_token):
        state.record(site, fields, accepted=False)
        return render_outcome(
            state,
            form,
            request,
            title=msg.refused_title,
            text=msg.js_required,
            kind="refused",
            status_code=403,
        )

    if form.csrf_field:
        nonce = first_value(fields, form.csrf_field)
        if not state.nonces.consume(site.slug, nonce, state.knobs(site.slug).nonce_ttl_s):
            state.record(site, fields, accepted=False)
            return render_outcome(
                state,
                form,
                request,
                title=msg.refused_title,
                text=msg.csrf_expired,
                kind="refused",
                status_code=403,
            )

    errors = validate(fields, form.rules, msg)
    if form.captcha_fields:
        challenge_field, answer_field = form.captcha_fields
        solved = state.captchas.check(
            site.slug, first_value(fields, challenge_field), first_value(fields, answer_field)
        )
        if not solved and answer_field not in errors:
            errors[answer_field] = msg.captcha_wrong
    notice = msg.errors_summary if errors else ""
    if not errors and form.duplicate_check and _already_listed(state, form, fields):
        notice = msg.duplicate
    if notice:
        state.record(site, fields, accepted=False)
        return render_form(state, form, request, FormView(fields, errors), notice=notice)

    plan = form.paid.chosen(fields) if form.paid else None
    if plan is not None and not plan.free:
        # The listing waits for a payment that never comes: not accepted.
        state.record(site, fields, accepted=False)
        return render_outcome(
            state,
            form,
            request,
            title=msg.checkout_title,
            text=msg.checkout_text.format(plan=plan.label, price=plan.price),
            kind="checkout",
        )

    state.record(site, fields, accepted=True)
    listing = state.accept(site, form.nap(fields), first_value(fields, form.email_field))
    await send_verification(state, form, request, listing)
    return _confirmation(state, form, request, fields, listing)


def _already_listed(
    state: SandboxState, form: ListingForm, fields: Mapping[str, FieldValue]
) -> bool:
    name = form.listing_key(fields)
    phone = normalized_phone(first_value(fields, form.phone_field)) if form.phone_field else ""
    for entry in state.ledger.accepted(form.site.slug):
        if name and form.listing_key(entry.fields) == name:
            return True
        if phone and normalized_phone(first_value(entry.fields, form.phone_field)) == phone:
            return True
    return False


def _confirmation(
    state: SandboxState,
    form: ListingForm,
    request: Request,
    fields: Mapping[str, FieldValue],
    listing: Listing | None,
) -> Response:
    """The page after a submission the site took (or pretends to take, for a trapped bot):
    thanks, or "check your e-mail" with the code form where the site sends a code."""
    msg = state.messages(form.site)
    listing_id = str(listing.listing_id if listing else state.memory.listing_id())
    verification = form.site.verification
    code_form: dict[str, str] = {}
    if verification is Verification.NONE:
        title, text, kind = msg.thanks_title, msg.thanks_text, "confirm"
    else:
        email = first_value(fields, form.email_field) or "your address"
        asks = msg.verify_code_text if verification is Verification.CODE else msg.verify_text
        title, text, kind = msg.verify_title, asks.format(email=email), "verify"
        if verification is Verification.CODE:
            code_form = {"action": form.verify_path, "listing": listing_id}
    if form.confirm_path:
        ref = secrets.token_hex(5)
        state.memory.confirmations[(form.site.slug, ref)] = {
            "title": title,
            "text": text,
            "kind": kind,
            "listing_id": listing_id,
            **{f"code_{name}": value for name, value in code_form.items()},
        }
        return RedirectResponse(f"{form.confirm_path}?ref={ref}&pid={listing_id}", 303)
    return state.render(
        request,
        form.site,
        "pages/outcome.html",
        theme=form.theme,
        title=title,
        text=text,
        kind=kind,
        listing_id=listing_id,
        code_form=code_form,
    )


def listing_routes(
    state: SandboxState, form: ListingForm, *, chrome: bool = True
) -> list[BaseRoute]:
    """The form page, its submit handler, any confirmation page and (with `chrome`) the
    site's home and search pages."""

    async def show(request: Request) -> Response:
        return render_form(state, form, request)

    async def submit(request: Request) -> Response:
        return await submit_listing(state, form, request)

    routes = chrome_routes(state, form.site, form.theme) if chrome else []
    if form.action == form.page:
        routes.append(Route(form.page, _either(show, submit), methods=["GET", "POST"]))
    else:
        routes += [Route(form.page, show), Route(form.action, submit, methods=["POST"])]
    if form.confirm_path:
        routes.append(Route(form.confirm_path, _confirmation_page(state, form)))
    if form.site.verification is not Verification.NONE:
        routes += verification_routes(state, form)
    return routes


def _either(
    get: Callable[[Request], Awaitable[Response]], post: Callable[[Request], Awaitable[Response]]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await (post(request) if request.method == "POST" else get(request))

    return endpoint


def _confirmation_page(
    state: SandboxState, form: ListingForm
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        stored = state.memory.confirmations.get(
            (form.site.slug, request.query_params.get("ref", ""))
        )
        if stored is None:
            return state.render(
                request,
                form.site,
                "pages/outcome.html",
                status_code=404,
                theme=form.theme,
                title="Not found",
                text="This page has expired.",
                kind="missing",
                listing_id="",
            )
        return state.render(
            request,
            form.site,
            "pages/outcome.html",
            theme=form.theme,
            title=stored["title"],
            text=stored["text"],
            kind=stored["kind"],
            listing_id=stored["listing_id"],
            code_form={
                name.removeprefix("code_"): value
                for name, value in stored.items()
                if name.startswith("code_")
            },
        )

    return endpoint


def chrome_routes(state: SandboxState, site: SandboxSite, theme: Theme) -> list[BaseRoute]:
    """The site's home page and header search results, as every directory has."""

    async def home(request: Request) -> Response:
        if theme.search_action == "/" and theme.search_param in request.query_params:
            return await search(request)
        return state.render(request, site, "pages/home.html", theme=theme)

    async def search(request: Request) -> Response:
        return search_page(state, site, theme, request)

    async def newsletter(request: Request) -> Response:
        state.count(site.slug, "newsletter")
        msg = state.messages(site)
        return state.render(
            request,
            site,
            "pages/outcome.html",
            theme=theme,
            title=msg.subscribed,
            text=msg.subscribed,
            kind="newsletter",
            listing_id="",
        )

    async def favicon(request: Request) -> Response:
        icon = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
            f'<rect width="16" height="16" rx="3" fill="{theme.accent}"/></svg>'
        )
        return Response(icon, media_type="image/svg+xml")

    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/newsletter", newsletter, methods=["POST"]),
        Route("/favicon.ico", favicon),
    ]
    if theme.search_action != "/":
        routes.append(Route(theme.search_action, search))
    return routes + published_routes(state, site, theme)
