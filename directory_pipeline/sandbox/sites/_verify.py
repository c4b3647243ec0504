"""E-mail verification of an accepted listing: the mail a site sends, and the link or code
form that confirms the address (once; later uses are repeats, old ones expired)."""

from __future__ import annotations

import math
import smtplib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..forms import first_value, read_submission
from ..listings import Listing, VerificationOutcome
from ..mails import verification_mail
from ..site import Verification
from ..state import SandboxState

if TYPE_CHECKING:
    from ._flow import ListingForm

_MAILED = (Verification.LINK, Verification.CODE, Verification.OFFSITE_LINK)
"""The variants that send a mail (silent sites only say they do)."""


def confirm_url(state: SandboxState, form: ListingForm, request: Request, token: str) -> str:
    """Where a listing's confirmation link leads: the site's own verify path, or, for the
    hostile off-site variant, the same path on the outside server."""
    if form.site.verification is Verification.OFFSITE_LINK:
        origin = state.outside_url
    else:
        origin = f"{request.url.scheme}://{request.url.netloc}"
    return f"{origin}{form.verify_path}?token={token}"


async def send_verification(
    state: SandboxState, form: ListingForm, request: Request, listing: Listing
) -> None:
    """Mail `listing`'s contact the site's verification message, when the site sends one
    and a relay is configured. A failed send is counted (`mail-failed`), never raised."""
    slug = form.site.slug
    if form.site.verification not in _MAILED or not listing.email or not state.mailer.enabled:
        return
    message = verification_mail(
        form.site,
        listing,
        base_url=f"{request.url.scheme}://{request.url.netloc}",
        confirm_url=confirm_url(state, form, request, listing.token),
        valid_minutes=max(1, math.ceil(state.knobs(slug).verify_ttl_s / 60)),
        accent=form.theme.accent,
    )
    try:
        await state.mailer.send(message)
    except (OSError, smtplib.SMTPException):
        state.count(slug, "mail-failed")
        return
    state.count(slug, "mail-sent")


def verification_routes(state: SandboxState, form: ListingForm) -> list[BaseRoute]:
    """The site's verify path: GET with `token` (the mailed link), POST with `listing` and
    `code` (the form on the "check your e-mail" page)."""
    site = form.site
    msg = state.messages(site)

    def page(
        request: Request,
        title: str,
        text: str,
        kind: str,
        *,
        status_code: int = 200,
        listing_id: int | None = None,
        code_form: dict[str, str] | None = None,
    ) -> Response:
        return state.render(
            request,
            site,
            "pages/outcome.html",
            status_code=status_code,
            theme=form.theme,
            title=title,
            text=text,
            kind=kind,
            listing_id=str(listing_id or ""),
            code_form=code_form or {},
        )

    def use(request: Request, listing: Listing, method: Verification) -> Response:
        now = datetime.now(UTC)
        if listing.confirmed_at is None and listing.expired(now):
            state.listings.note(listing, VerificationOutcome.EXPIRED, method=method, now=now)
            return page(
                request,
                msg.link_expired_title,
                msg.link_expired,
                "expired",
                status_code=410,
            )
        delay = state.knobs(site.slug).publish_delay_s
        if state.listings.confirm(listing, publish_delay_s=delay, now=now) is None:
            state.listings.note(listing, VerificationOutcome.REPEAT, method=method, now=now)
            return page(
                request,
                msg.confirmed_title,
                msg.already_confirmed,
                "already-confirmed",
                listing_id=listing.listing_id,
            )
        state.listings.note(listing, VerificationOutcome.CONFIRMED, method=method, now=now)
        return page(
            request,
            msg.confirmed_title,
            msg.confirmed_text,
            "confirmed",
            listing_id=listing.listing_id,
        )

    async def by_link(request: Request) -> Response:
        listing = state.listings.by_token(site.slug, request.query_params.get("token", ""))
        if listing is None:
            return page(request, msg.refused_title, msg.link_invalid, "invalid", status_code=404)
        return use(request, listing, Verification.LINK)

    async def by_code(request: Request) -> Response:
        fields = await read_submission(request)
        ref = first_value(fields, "listing")
        listing = state.listings.get(site.slug, int(ref)) if ref.isdigit() else None
        if listing is None or listing.verification is not Verification.CODE:
            return page(request, msg.refused_title, msg.link_invalid, "invalid", status_code=404)
        typed = "".join(first_value(fields, "code").split())
        if typed != listing.code and listing.confirmed_at is None:
            state.listings.note(listing, VerificationOutcome.WRONG_CODE, method=Verification.CODE)
            email = listing.email or "your address"
            return page(
                request,
                msg.verify_title,
                f"{msg.code_wrong} {msg.verify_code_text.format(email=email)}",
                "code-wrong",
                listing_id=listing.listing_id,
                code_form={"action": form.verify_path, "listing": str(listing.listing_id)},
            )
        return use(request, listing, Verification.CODE)

    return [Route(form.verify_path, _either(by_link, by_code), methods=["GET", "POST"])]


Endpoint = Callable[[Request], Awaitable[Response]]


def _either(get: Endpoint, post: Endpoint) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        return await (post(request) if request.method == "POST" else get(request))

    return endpoint
