"""Sandbox directory sites: fictional web directories, served on loopback, to submit to.

One uvicorn server hosts every site; each is addressed by Host `<slug>.localhost:<port>`
and records the submissions it receives in a SQLite ledger. The admin API lives on the
bare host (`127.0.0.1:<port>/__sandbox/...`).

An add-on, like `directory_pipeline.local`: it imports the product, the product never
imports it, and its web stack (starlette, uvicorn, jinja2) comes with the `local` extra. The
product sees the sites only as entries of the catalog file `write_sandbox_catalog` writes.
"""

from __future__ import annotations

from .app import create_app
from .knobs import SiteKnobs
from .ledger import Ledger, LedgerEntry
from .server import SandboxServer, serve_forever
from .site import SandboxSite
from .site_registry import (
    SITES,
    get_site,
    sandbox_directories,
    site_url,
    with_sandbox_sites,
    write_sandbox_catalog,
)
from .verification import VERIFICATION_SITES

__all__ = [
    "SITES",
    "VERIFICATION_SITES",
    "Ledger",
    "LedgerEntry",
    "SandboxServer",
    "SandboxSite",
    "SiteKnobs",
    "create_app",
    "get_site",
    "sandbox_directories",
    "serve_forever",
    "site_url",
    "with_sandbox_sites",
    "write_sandbox_catalog",
]
