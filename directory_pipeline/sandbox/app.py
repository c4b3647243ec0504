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
from .sites import SITE_DEFINITIONS
from .state import SandboxState


def create_app(
    ledger_path: Path, knobs: Mapping[str, SiteKnobs] | None = None, *, seed: int = 0
) -> Starlette:
    """The sandbox app writing its ledger at `ledger_path`.

    `knobs` (keyed by slug, or `*` for all sites) are laid over each site's default knobs;
    only their explicitly set fields count. They become what an admin knob reset returns to.
    `seed` seeds every random choice, so a run is repeatable.
    """
    board = KnobBoard({d.site.slug: d.default_knobs for d in SITE_DEFINITIONS})
    if knobs:
        board.update(knobs)
        board = KnobBoard(board.snapshot())
    state = SandboxState(Ledger(ledger_path), board, seed=seed)
    versions = {d.site.slug: d.form_versions for d in SITE_DEFINITIONS}
    sites: dict[str, ASGIApp] = {
        d.site.slug: Starlette(routes=d.build_routes(state)) for d in SITE_DEFINITIONS
    }
    app = Starlette(
        routes=admin_routes(state, versions),
        middleware=[Middleware(SiteHostMiddleware, sites=sites, state=state)],
    )
    app.state.sandbox = state
    return app
