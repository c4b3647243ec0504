"""Everything a running sandbox remembers, shared by the site handlers and the admin API."""

from __future__ import annotations

import random
import secrets
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .guards import CaptchaStore, NonceStore
from .i18n import Messages, messages_for
from .knobs import KnobBoard, SiteKnobs
from .ledger import FieldValue, Ledger, LedgerEntry
from .listings import Listing, ListingBook
from .mailer import Mailer, SmtpRelay
from .nap import Nap
from .site import SandboxSite
from .templating import template_environment

DEFAULT_OUTSIDE_URL = "http://outside.invalid"
"""Where hostile pages lead off-site when no outside server is given: a name that never
resolves (RFC 6761), so nothing is ever reached."""


@dataclass
class Memory:
    """Short-lived per-site memory that a reset wipes (besides the ledger)."""

    first_tries: set[tuple[str, str]] = field(default_factory=set)
    throttled_until: dict[tuple[str, str], float] = field(default_factory=dict)
    confirmations: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    next_listing_id: int = 1000

    def listing_id(self) -> int:
        """A fresh listing number, as sites show on confirmation pages."""
        self.next_listing_id += 1
        return self.next_listing_id


class SandboxState:
    """The services and memory of one sandbox app."""

    def __init__(
        self,
        ledger: Ledger,
        board: KnobBoard,
        seed: int = 0,
        *,
        outside_url: str = DEFAULT_OUTSIDE_URL,
        smtp: SmtpRelay | None = None,
    ) -> None:
        self.ledger = ledger
        self.listings = ListingBook(ledger.path)
        """Accepted listings, their e-mail verification and publication (the ledger's file)."""
        self.mailer = Mailer(smtp)
        """Sends the verification mail; sends nothing when no SMTP relay is given."""
        self.board = board
        self.seed = seed
        self.outside_url = outside_url.rstrip("/")
        """Base URL of a server outside every site, where hostile pages try to lead."""
        self.templates: jinja2.Environment = template_environment()
        self.nonces = NonceStore()
        self.captchas = CaptchaStore(random.Random(f"{seed}:captcha"))
        self.memory = Memory(next_listing_id=max(1000, self.listings.last_id()))
        self.stats: Counter[tuple[str, str]] = Counter()
        self._rngs: dict[str, random.Random] = {}

    def rng(self, slug: str) -> random.Random:
        """The seeded random source of one site (so sites do not disturb each other)."""
        if slug not in self._rngs:
            self._rngs[slug] = random.Random(f"{self.seed}:{slug}")
        return self._rngs[slug]

    def knobs(self, slug: str) -> SiteKnobs:
        """The knobs in force for `slug`."""
        return self.board.get(slug)

    def count(self, slug: str, event: str) -> None:
        """Bump one per-site counter shown by the admin stats endpoint."""
        self.stats[(slug, event)] += 1

    def record(
        self,
        site: SandboxSite,
        fields: Mapping[str, FieldValue],
        *,
        accepted: bool,
        spam: bool = False,
    ) -> LedgerEntry:
        """Write one submission to the ledger."""
        self.count(site.slug, "accepted" if accepted else "refused")
        return self.ledger.record(site.slug, accepted=accepted, spam=spam, fields=fields)

    def accept(self, site: SandboxSite, nap: Nap, email: str) -> Listing:
        """Store a listing the site accepted, under a fresh listing number, with its
        verification token and code and the review timing of the site's knobs."""
        knobs = self.knobs(site.slug)
        return self.listings.add(
            self.memory.listing_id(),
            site.slug,
            nap,
            email=email,
            verification=site.verification,
            publication=site.publication,
            token=secrets.token_urlsafe(18),
            code=f"{secrets.randbelow(1_000_000):06d}",
            verify_ttl_s=knobs.verify_ttl_s,
            publish_delay_s=knobs.publish_delay_s,
        )

    def render(
        self,
        request: Request,
        site: SandboxSite,
        template: str,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """Render one of the site's pages."""
        html = self.templates.get_template(template).render(
            site=site,
            request=request,
            msg=messages_for(site.language),
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def messages(self, site: SandboxSite) -> Messages:
        """The texts in the site's language."""
        return messages_for(site.language)

    def throttle_deadline(self, slug: str, key: str) -> float | None:
        """When a throttled listing may be tried again (monotonic clock), if it was throttled."""
        return self.memory.throttled_until.get((slug, key))

    def throttle(self, slug: str, key: str, seconds: float) -> None:
        """Refuse `key` on `slug` for `seconds` from now."""
        self.memory.throttled_until[(slug, key)] = time.monotonic() + seconds

    def reset(self, *, knobs: bool = False) -> None:
        """Forget the ledger, the listings and all short-lived memory; with `knobs`, also
        restore knobs."""
        self.ledger.clear()
        self.listings.clear()
        self.nonces.clear()
        self.captchas.clear()
        self.memory = Memory()
        self.stats.clear()
        self._rngs.clear()
        if knobs:
            self.board.reset()
