"""Running the sandbox: the background server, `sandbox serve` and `sandbox ledger`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from directory_pipeline.sandbox import Ledger, SandboxServer
from directory_pipeline.sandbox.commands import ledger_path, sandbox


def test_server_binds_a_free_port_and_stops_cleanly(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "ledger.sqlite3") as server:
        port = server.port
        assert port > 0
        assert server.url_for("citylocal-hub") == (
            f"http://citylocal-hub.localhost:{port}/add-listing"
        )
        assert httpx.get(f"{server.url}/__sandbox/health").json()["ok"] is True

    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_ledger_command_prints_contract_json(tmp_path: Path) -> None:
    state = tmp_path / "state"
    ledger = Ledger(ledger_path(state))
    ledger.record("citylocal-hub", accepted=True, spam=False, fields={"a": "1"})
    ledger.record("nearbyguide", accepted=False, spam=True, fields={"b": ["x", "y"]})
    runner = CliRunner()

    everything = runner.invoke(sandbox, ["ledger", "--json", "--state-dir", str(state)])
    one_site = runner.invoke(
        sandbox, ["ledger", "--site", "nearbyguide", "--json", "--state-dir", str(state)]
    )
    text = runner.invoke(sandbox, ["ledger", "--state-dir", str(state)])

    assert everything.exit_code == 0, everything.output
    entries = json.loads(everything.output)
    assert [list(entry) for entry in entries] == [["site", "accepted", "spam", "fields", "at"]] * 2
    assert json.loads(one_site.output) == [entries[1]]
    assert entries[1]["fields"] == {"b": ["x", "y"]}
    assert "2 entries" in text.output


def test_ledger_command_uses_the_state_dir_from_the_environment(
    tmp_path: Path, monkeypatch: object
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        sandbox,
        ["ledger", "--json"],
        env={"DIRECTORY_PIPELINE_STATE_DIR": str(tmp_path / "empty")},
    )
    assert result.exit_code == 0
    assert json.loads(result.output) == []
    assert not (tmp_path / "empty").exists()


def test_ledger_command_rejects_unknown_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(sandbox, ["ledger", "--site", "nope", "--state-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "nope" in result.output


def test_sites_command_lists_the_catalogue() -> None:
    result = CliRunner().invoke(sandbox, ["sites", "--json"])
    assert result.exit_code == 0
    assert len(json.loads(result.output)) >= 15


def test_serve_prints_ready_and_stops_on_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "state"
    command = [
        sys.executable,
        "-c",
        "from directory_pipeline.sandbox.commands import sandbox; sandbox()",
        "serve",
        "--port",
        "0",
        "--state-dir",
        str(state),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy()
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "ready" in line, line
        marker = json.loads((state / "sandbox" / "server.json").read_text())
        assert marker["url"] in line
        health = httpx.get(f"{marker['url']}/__sandbox/health", timeout=10)
        assert health.json()["ok"] is True

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "stopped" in process.stdout.read()
        assert not (state / "sandbox" / "server.json").exists()
        assert ledger_path(state).exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_reports_a_busy_port_cleanly(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            sandbox, ["serve", "--port", str(port), "--state-dir", str(tmp_path)]
        )

    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
