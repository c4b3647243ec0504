"""Submission guards that make a site misbehave the way overloaded directories do."""

from __future__ import annotations

import math
import time

from starlette.requests import Request
from starlette.responses import Response

from ..forms import FieldValue
from ..state import SandboxState
from ._flow import ListingForm, render_outcome


async def throttle_first_try(
    state: SandboxState, form: ListingForm, request: Request, fields: dict[str, FieldValue]
) -> Response | None:
    """429 with Retry-After for a listing's first submission and any retry that comes early."""
    slug, key = form.site.slug, form.listing_key(fields)
    wait = state.knobs(slug).retry_after_s
    deadline = state.throttle_deadline(slug, key)
    now = time.monotonic()
    if deadline is None:
        state.throttle(slug, key, wait)
        remaining = wait
    elif now < deadline:
        remaining = max(1, math.ceil(deadline - now))
    else:
        return None
    state.count(slug, "throttled")
    msg = state.messages(form.site)
    return render_outcome(
        state,
        form,
        request,
        title="429 Too Many Requests",
        text=msg.throttled.format(seconds=remaining),
        kind="throttled",
        status_code=429,
        headers={"Retry-After": str(remaining)},
    )


async def fail_first_try(
    state: SandboxState, form: ListingForm, request: Request, fields: dict[str, FieldValue]
) -> Response | None:
    """503 for the first submission of each listing; its retry goes through."""
    slug, key = form.site.slug, form.listing_key(fields)
    if (slug, key) in state.memory.first_tries:
        return None
    state.memory.first_tries.add((slug, key))
    state.count(slug, "failed-first-try")
    msg = state.messages(form.site)
    return render_outcome(
        state,
        form,
        request,
        title="503 Service Unavailable",
        text=msg.unavailable,
        kind="unavailable",
        status_code=503,
    )
