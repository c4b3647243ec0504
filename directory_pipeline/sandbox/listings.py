"""Listings the sandbox sites accepted, their e-mail verification and publication, kept in
SQLite beside the ledger (same file, tables of their own)."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .nap import Nap
from .site import Publication, Verification

_SCHEMA = """
CREATE TABLE IF NOT EXISTS listings (
    listing_id INTEGER NOT NULL,
    site TEXT NOT NULL,
    nap TEXT NOT NULL,
    email TEXT NOT NULL,
    verification TEXT NOT NULL,
    publication TEXT NOT NULL,
    token TEXT NOT NULL,
    code TEXT NOT NULL,
    created_at TEXT NOT NULL,
    verify_expires_at TEXT,
    confirmed_at TEXT,
    publish_at TEXT,
    PRIMARY KEY (site, listing_id)
);
CREATE INDEX IF NOT EXISTS listings_token ON listings (token);
CREATE TABLE IF NOT EXISTS verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    listing_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at TEXT NOT NULL
);
"""

_COLUMNS = (
    "listing_id, site, nap, email, verification, publication, token, code, created_at, "
    "verify_expires_at, confirmed_at, publish_at"
)


class ListingStatus(StrEnum):
    """Where a listing stands, as the directory's staff would see it."""

    AWAITING_CONFIRMATION = "awaiting_confirmation"
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"


class VerificationOutcome(StrEnum):
    """What one use of a verification link or code did."""

    CONFIRMED = "confirmed"
    REPEAT = "repeat"
    """The link or code was used again after it had confirmed: nothing changed."""
    EXPIRED = "expired"
    WRONG_CODE = "wrong_code"


class Listing(BaseModel):
    """One accepted listing: what the site received, how it verifies, when it goes live."""

    model_config = ConfigDict(frozen=True)

    listing_id: int
    site: str
    nap: Nap
    email: str
    verification: Verification
    publication: Publication
    token: str
    code: str
    created_at: datetime
    verify_expires_at: datetime | None
    confirmed_at: datetime | None
    publish_at: datetime | None

    @property
    def path(self) -> str:
        """The listing's stable URL path on its site, e.g. `/listing/1001-blue-heron-bakery`."""
        return f"/listing/{self.listing_id}-{slugified(self.nap.name)}"

    @property
    def awaits_confirmation(self) -> bool:
        """Whether the listing still waits for its e-mail address to be confirmed."""
        return self.verification is not Verification.NONE and self.confirmed_at is None

    def expired(self, now: datetime) -> bool:
        """Whether its verification link or code is too old to use at `now`."""
        return self.verify_expires_at is not None and now >= self.verify_expires_at

    def status(self, now: datetime) -> ListingStatus:
        """Its status at `now`: review ends at `publish_at`, with the site's verdict."""
        if self.awaits_confirmation:
            return ListingStatus.AWAITING_CONFIRMATION
        if self.publish_at is None or now < self.publish_at:
            return ListingStatus.PENDING
        if self.publication is Publication.PUBLISHES:
            return ListingStatus.PUBLISHED
        if self.publication is Publication.REJECTS:
            return ListingStatus.REJECTED
        return ListingStatus.PENDING


class VerificationEvent(BaseModel):
    """One use of a verification link or code."""

    model_config = ConfigDict(frozen=True)

    site: str
    listing_id: int
    method: Verification
    outcome: VerificationOutcome
    at: datetime


def slugified(name: str) -> str:
    """`name` as a URL slug: ASCII letters and digits joined by hyphens ("listing" if empty)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "listing"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parsed(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


class ListingBook:
    """SQLite (WAL) store of listings and verification events, readable from any thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10.0)) as db, db:
            yield db

    def last_id(self) -> int:
        """The highest listing id handed out so far (0 when there is none)."""
        with self._connect() as db:
            row = db.execute("SELECT MAX(listing_id) FROM listings").fetchone()
        return int(row[0] or 0)

    def add(
        self,
        listing_id: int,
        site: str,
        nap: Nap,
        *,
        email: str,
        verification: Verification,
        publication: Publication,
        token: str,
        code: str,
        verify_ttl_s: float,
        publish_delay_s: float,
        now: datetime | None = None,
    ) -> Listing:
        """Store a freshly accepted listing. One that needs no confirmation is scheduled for
        the end of its review at once; one that does gets its link/code expiry instead."""
        now = now or datetime.now(UTC)
        verifies = verification is not Verification.NONE
        listing = Listing(
            listing_id=listing_id,
            site=site,
            nap=nap,
            email=email,
            verification=verification,
            publication=publication,
            token=token,
            code=code,
            created_at=now,
            verify_expires_at=now + timedelta(seconds=verify_ttl_s) if verifies else None,
            confirmed_at=None,
            publish_at=None if verifies else now + timedelta(seconds=publish_delay_s),
        )
        with self._connect() as db:
            db.execute(
                f"INSERT INTO listings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    listing.listing_id,
                    listing.site,
                    listing.nap.model_dump_json(),
                    listing.email,
                    listing.verification.value,
                    listing.publication.value,
                    listing.token,
                    listing.code,
                    _when(listing.created_at),
                    _when(listing.verify_expires_at),
                    None,
                    _when(listing.publish_at),
                ),
            )
        return listing

    def listings(self, site: str | None = None) -> list[Listing]:
        """Every listing in the order they were accepted, optionally of one site."""
        query, params = f"SELECT {_COLUMNS} FROM listings", ()
        if site is not None:
            query, params = query + " WHERE site = ?", (site,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at, listing_id", params).fetchall()
        return [self._listing(row) for row in rows]

    def get(self, site: str, listing_id: int) -> Listing | None:
        """One listing of `site`, if there is one."""
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM listings WHERE site = ? AND listing_id = ?",
                (site, listing_id),
            ).fetchone()
        return self._listing(row) if row else None

    def by_token(self, site: str, token: str) -> Listing | None:
        """The listing of `site` whose verification link carries `token`."""
        if not token:
            return None
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM listings WHERE site = ? AND token = ?", (site, token)
            ).fetchone()
        return self._listing(row) if row else None

    def confirm(
        self, listing: Listing, *, publish_delay_s: float, now: datetime | None = None
    ) -> Listing | None:
        """Mark `listing` confirmed at `now`, its review ending `publish_delay_s` later; None
        when it was already confirmed (by an earlier use of its link or code)."""
        now = now or datetime.now(UTC)
        publish_at = now + timedelta(seconds=publish_delay_s)
        with self._connect() as db:
            changed = db.execute(
                "UPDATE listings SET confirmed_at = ?, publish_at = ? "
                "WHERE site = ? AND listing_id = ? AND confirmed_at IS NULL",
                (_when(now), _when(publish_at), listing.site, listing.listing_id),
            ).rowcount
        if not changed:
            return None
        return listing.model_copy(update={"confirmed_at": now, "publish_at": publish_at})

    def note(
        self,
        listing: Listing,
        outcome: VerificationOutcome,
        *,
        method: Verification,
        now: datetime | None = None,
    ) -> VerificationEvent:
        """Record one use of `listing`'s verification link or code."""
        event = VerificationEvent(
            site=listing.site,
            listing_id=listing.listing_id,
            method=method,
            outcome=outcome,
            at=now or datetime.now(UTC),
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO verifications (site, listing_id, method, outcome, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    event.site,
                    event.listing_id,
                    event.method.value,
                    event.outcome.value,
                    _when(event.at),
                ),
            )
        return event

    def events(self, site: str | None = None) -> list[VerificationEvent]:
        """Every verification event in the order it happened, optionally of one site."""
        query, params = "SELECT site, listing_id, method, outcome, at FROM verifications", ()
        if site is not None:
            query, params = query + " WHERE site = ?", (site,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", params).fetchall()
        return [
            VerificationEvent(
                site=row[0],
                listing_id=row[1],
                method=Verification(row[2]),
                outcome=VerificationOutcome(row[3]),
                at=datetime.fromisoformat(row[4]),
            )
            for row in rows
        ]

    def clear(self) -> None:
        """Forget every listing and verification event."""
        with self._connect() as db:
            db.execute("DELETE FROM listings")
            db.execute("DELETE FROM verifications")

    @staticmethod
    def _listing(row: tuple[object, ...]) -> Listing:
        return Listing(
            listing_id=int(str(row[0])),
            site=str(row[1]),
            nap=Nap.model_validate(json.loads(str(row[2]))),
            email=str(row[3]),
            verification=Verification(row[4]),
            publication=Publication(row[5]),
            token=str(row[6]),
            code=str(row[7]),
            created_at=datetime.fromisoformat(str(row[8])),
            verify_expires_at=_parsed(row[9] if isinstance(row[9], str) else None),
            confirmed_at=_parsed(row[10] if isinstance(row[10], str) else None),
            publish_at=_parsed(row[11] if isinstance(row[11], str) else None),
        )
