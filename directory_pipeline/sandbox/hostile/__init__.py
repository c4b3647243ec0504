"""Hostile sandbox pages: the classes of page that fool a naive submission engine.

They are served by the same sandbox server under their own `<slug>.localhost` hosts and
record into the same ledger, but they are NOT part of `SITES` (the product's sandbox
catalog): no listing package ever submits to them. Tests drive an engine at them on purpose.

Pages that lead off-site point at `SandboxState.outside_url` (`sandbox serve --outside-url`,
`SandboxServer(outside_url=...)`), normally an `OutsideServer` that counts what reaches it.
"""

from __future__ import annotations

from . import beacons, captcha_thanks, friendly_4xx, offsite, stored_then_5xx, thanks_first
from ._base import FIELD_KEYS, Family, HostileSite, HostileVariant, ListingPost

HOSTILE_VARIANTS: tuple[HostileVariant, ...] = (
    *thanks_first.VARIANTS,
    *stored_then_5xx.VARIANTS,
    *beacons.VARIANTS,
    *offsite.VARIANTS,
    *captcha_thanks.VARIANTS,
    *friendly_4xx.VARIANTS,
)

HOSTILE_SITES: tuple[HostileSite, ...] = tuple(v.hostile for v in HOSTILE_VARIANTS)
"""Every hostile site with its expected outcome and listing-POST count."""

HOSTILE_DEFINITIONS = tuple(v.definition for v in HOSTILE_VARIANTS)
"""How to serve them (the same `SiteDefinition` the normal sites use)."""

_BY_SLUG = {h.slug: h for h in HOSTILE_SITES}


def get_hostile_site(slug: str) -> HostileSite:
    """The hostile site called `slug`; KeyError when there is none."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"no hostile sandbox site {slug!r}") from None


__all__ = [
    "FIELD_KEYS",
    "HOSTILE_DEFINITIONS",
    "HOSTILE_SITES",
    "HOSTILE_VARIANTS",
    "Family",
    "HostileSite",
    "HostileVariant",
    "ListingPost",
    "get_hostile_site",
]
