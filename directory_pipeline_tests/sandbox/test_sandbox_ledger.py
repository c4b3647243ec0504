"""The ledger: SQLite in WAL mode, readable from elsewhere, JSON exactly as contracts §6."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from directory_pipeline.sandbox import Ledger, SandboxServer

from .conftest import GOOD_FIELDS, SiteClient

MakeClient = Callable[..., SiteClient]


def test_record_and_query(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    first = ledger.record("a-site", accepted=True, spam=False, fields={"name": "Heron"})
    ledger.record("b-site", accepted=False, spam=True, fields={"tags": ["x", "y"]})
    ledger.record("a-site", accepted=False, spam=False, fields={})

    assert [entry.site for entry in ledger.entries()] == ["a-site", "b-site", "a-site"]
    assert ledger.entries("a-site")[0] == first
    assert ledger.accepted("a-site") == [first]
    assert ledger.entries("b-site")[0].fields == {"tags": ["x", "y"]}
    assert first.at.utcoffset() == timedelta(0)

    ledger.clear()
    assert ledger.entries() == []


def test_ledger_is_wal_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "ledger.sqlite3"
    Ledger(path).record("a-site", accepted=True, spam=False, fields={"k": "v"})

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert len(Ledger(path).entries()) == 1


def test_entry_json_matches_the_contract(site_client: MakeClient, admin: httpx.Client) -> None:
    site_client("citylocal-hub").submit(GOOD_FIELDS["citylocal-hub"])

    (entry,) = admin.get("/__sandbox/ledger", params={"site": "citylocal-hub"}).json()

    assert list(entry) == ["site", "accepted", "spam", "fields", "at"]
    assert entry["site"] == "citylocal-hub"
    assert entry["accepted"] is True and entry["spam"] is False
    assert entry["fields"]["listingfields[1]"] == "Blue Heron Bakery"
    assert all(isinstance(v, str | list) for v in entry["fields"].values())
    at = datetime.fromisoformat(entry["at"])
    assert at.utcoffset() == timedelta(0)
    assert entry["at"].endswith("Z")


def test_another_process_reads_the_ledger_while_the_server_runs(
    site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    site_client("metro-biz-index").submit(GOOD_FIELDS["metro-biz-index"])
    path = sandbox_server.app.state.sandbox.ledger.path
    reader = (
        "import json, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "rows = db.execute('SELECT site, accepted FROM entries').fetchall()\n"
        "print(json.dumps(rows))\n"
    )

    out = subprocess.run(
        [sys.executable, "-c", reader, str(path)], capture_output=True, text=True, check=True
    )

    assert json.loads(out.stdout) == [["metro-biz-index", 0]]
