"""Sandbox directory sites: fictional web directories, served on loopback, to submit to.

One uvicorn server hosts every site; each is addressed by Host `<slug>.localhost:<port>`
and records the submissions it receives in a SQLite ledger. The admin API lives on the
bare host (`127.0.0.1:<port>/__sandbox/...`).
"""

from __future__ import annotations

from .app import create_app
from .catalog import SITES, get_site, site_url
from .knobs import SiteKnobs
from .ledger import Ledger, LedgerEntry
from .server import SandboxServer, serve_forever
from .site import SandboxSite

__all__ = [
    "SITES",
    "Ledger",
    "LedgerEntry",
    "SandboxServer",
    "SandboxSite",
    "SiteKnobs",
    "create_app",
    "get_site",
    "serve_forever",
    "site_url",
]
