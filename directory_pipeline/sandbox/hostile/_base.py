"""What a hostile sandbox site declares beyond a normal one: how many listing POSTs an
honest engine leaves in the ledger, whether its pages try to leave the site, and how its
listing form posts (for the sandbox's own HTTP tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import BaseRoute

from ..site import Outcome, SandboxSite
from ..sites._base import SiteDefinition
from ..state import SandboxState

Family = Literal[
    "thanks-first",
    "stored-then-5xx",
    "background-beacons",
    "offsite-redirects",
    "captcha-thanks",
    "friendly-4xx",
]
"""The class of page that fools a naive submission engine."""

FIELD_KEYS = (
    "business_name",
    "email",
    "phone",
    "website",
    "address",
    "city",
    "postal_code",
    "description",
)
"""The listing fields every hostile form asks for, in display order."""


class ListingPost(BaseModel):
    """How the site's listing form posts, and what a well-filled POST gets."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="Same-host path the form posts to; '' when it posts off-host.")
    encoding: Literal["form", "json"] = "form"
    fields: dict[str, str] = Field(description="Field key (FIELD_KEYS) → name the form sends.")
    status: int = Field(description="HTTP status answering a well-filled POST.")
    accepted: bool = Field(description="Whether the ledger records that POST as accepted.")
    redirects_outside: bool = Field(
        default=False, description="The answer's Location points at the outside server."
    )


class HostileSite(BaseModel):
    """A sandbox page built to fool a naive engine, and what an honest engine gets there."""

    model_config = ConfigDict(frozen=True)

    site: SandboxSite
    family: Family
    expected_posts: int = Field(
        ge=0, description="Listing POSTs in the ledger after one honest submission."
    )
    tries_to_leave: bool = Field(
        default=False,
        description=(
            "The page, or the directory's answer, makes the browser request another host on "
            "its own (so a guarded engine reports blocked requests)."
        ),
    )
    post: ListingPost | None = Field(
        default=None, description="The listing form's submission; None for script-only forms."
    )
    offsite_paths: tuple[str, ...] = Field(
        default=(), description="Same-host paths answered with a redirect to the outside server."
    )
    beacon_paths: tuple[str, ...] = Field(
        default=(), description="Background POST endpoints answered 503 (never in the ledger)."
    )

    @property
    def slug(self) -> str:
        return self.site.slug

    @property
    def expected_outcome(self) -> Outcome:
        return self.site.expected_outcome


@dataclass(frozen=True)
class HostileVariant:
    """One hostile site: its declaration and how to serve it."""

    hostile: HostileSite
    definition: SiteDefinition


def hostile_variant(
    site: SandboxSite,
    build_routes: Callable[[SandboxState], list[BaseRoute]],
    *,
    family: Family,
    post: ListingPost,
    expected_posts: int = 1,
    tries_to_leave: bool = False,
    offsite_paths: tuple[str, ...] = (),
    beacon_paths: tuple[str, ...] = (),
) -> HostileVariant:
    """`site` declared as a hostile site of `family`, served by `build_routes`."""
    hostile = HostileSite(
        site=site,
        family=family,
        expected_posts=expected_posts,
        tries_to_leave=tries_to_leave,
        post=post,
        offsite_paths=offsite_paths,
        beacon_paths=beacon_paths,
    )
    return HostileVariant(hostile, SiteDefinition(site=site, build_routes=build_routes))
