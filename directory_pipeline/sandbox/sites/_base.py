"""The pieces every site module declares: its catalogue entry, look and routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.routing import BaseRoute

from ..knobs import SiteKnobs
from ..site import SandboxSite
from ..state import SandboxState


@dataclass(frozen=True)
class Theme:
    """How a site looks: which layout family it uses and what its chrome says."""

    layout: str
    tagline: str = ""
    accent: str = "#1d4e89"
    nav: tuple[str, ...] = ("Home", "Browse Listings", "Add Listing", "Contact")
    search_action: str = "/"
    search_param: str = "s"
    search_button: str = "Search"
    search_placeholder: str = "Search listings…"
    where_param: str = ""
    where_placeholder: str = ""


@dataclass(frozen=True)
class SiteDefinition:
    """One sandbox site: what the catalogue says about it and how to serve it."""

    site: SandboxSite
    build_routes: Callable[[SandboxState], list[BaseRoute]]
    default_knobs: SiteKnobs = field(default_factory=SiteKnobs)
    form_versions: int = 1
