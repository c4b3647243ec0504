"""The sandbox web app: every directory site and the admin API in one Starlette app."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from .admin import admin_routes
from .hosting import SiteHostMiddleware
from .knobs import KnobBoard, SiteKnobs
from .ledger import Ledger
from .mailer import SmtpRelay
from .site_registry import SERVED_DEFINITIONS
from .state import DEFAULT_OUTSIDE_URL, SandboxState


def create_app(
    ledger_path: Path,
    knobs: Mapping[str, SiteKnobs] | None = None,
    *,
    seed: int = 0,
    outside_url: str = DEFAULT_OUTSIDE_URL,
    smtp_host: str | None = None,
    smtp_port: int = 25,
) -> Starlette:
    """The sandbox app writing its ledger at `ledger_path`.

    `knobs` (keyed by slug, or `*` for all sites) are laid over each site's default knobs;
    only their explicitly set fields count. They become what an admin knob reset returns to.
    `seed` seeds every random choice, so a run is repeatable. `outside_url` is where the
    hostile pages (`sandbox.hostile`, served besides the catalog sites) try to lead.
    With `smtp_host`, sites that verify e-mail send their mail through that SMTP server;
    without it they only say they did.
    """
    board = KnobBoard({d.site.slug: d.default_knobs for d in SERVED_DEFINITIONS})
    if knobs:
        board.update(knobs)
        board = KnobBoard(board.snapshot())
    smtp = SmtpRelay(host=smtp_host, port=smtp_port) if smtp_host else None
    state = SandboxState(Ledger(ledger_path), board, seed=seed, outside_url=outside_url, smtp=smtp)
    versions = {d.site.slug: d.form_versions for d in SERVED_DEFINITIONS}
    sites: dict[str, ASGIApp] = {
        d.site.slug: Starlette(routes=d.build_routes(state)) for d in SERVED_DEFINITIONS
    }
    app = Starlette(
        routes=admin_routes(state, versions),
        middleware=[Middleware(SiteHostMiddleware, sites=sites, state=state)],
    )
    app.state.sandbox = state
    return app
