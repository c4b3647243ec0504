"""`directory-pipeline dev` end to end: the README's first command on a fresh state dir.

Starts the real stack as a subprocess (embedded Postgres, moto's SQS server, the sandbox
sites, llama.cpp, `dagster dev` with its daemon), sends a job through `enqueue`, waits for the
daemon's sensor and one run to submit it to every starter directory, checks Supabase rows
against the sandbox ledger and `doctor`, stops it with SIGTERM, then restarts on the same
state dir and finds the job again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from directory_pipeline.domain import load_catalog
from directory_pipeline.local.ports import free_port, port_is_free
from directory_pipeline.local.stack import read_stack_state
from directory_pipeline.sandbox import SITES

CLI = str(Path(sys.executable).with_name("directory-pipeline"))
EXAMPLE_PROFILE = Path(__file__).resolve().parents[1] / "examples" / "profile.json"


class RunningStack:
    def __init__(self, state_dir: Path, ui_port: int) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [CLI, "dev", "--state-dir", str(state_dir), "--ui-port", str(ui_port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._ready = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "ready" in line:
                self._ready.set()

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if self._ready.wait(0.5):
                return
        raise AssertionError("stack never printed 'ready':\n" + "".join(self.lines))

    def stop(self, sig: signal.Signals) -> int:
        self.process.send_signal(sig)
        return self.process.wait(90)


def _cli(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DIRECTORY_PIPELINE_STATE_DIR"}
    return subprocess.run(
        [CLI, *args, "--state-dir", str(state_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _wait_for_final_status(state_dir: Path, job_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    status: dict = {}
    while time.monotonic() < deadline:
        status = json.loads(_cli(state_dir, "status", job_id, "--json").stdout)
        if status["job"]["status"] in {"completed", "partially_completed", "failed"}:
            return status
        time.sleep(2)
    raise AssertionError(f"job still {status.get('job')} after {timeout:.0f}s")


def _processes_of(state_dir: Path, settle_seconds: float = 15) -> list[psutil.Process]:
    """Processes that belong to the stack, once they had a moment to exit."""
    deadline = time.monotonic() + settle_seconds
    while True:
        found = _scan(state_dir)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _scan(state_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("DIRECTORY_PIPELINE_STATE_DIR") == str(state_dir) or any(
                str(state_dir) in part for part in proc.cmdline()
            ):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_dev_stack_accepts_a_job_stops_cleanly_and_keeps_state(tmp_path: Path) -> None:
    state_dir = tmp_path / "stack"
    ui_port = free_port()
    stack = RunningStack(state_dir, ui_port)
    try:
        stack.wait_ready()
        state = read_stack_state(state_dir)
        assert state is not None and state.running
        # The product sees the sandbox sites only in the catalog file the stack wrote.
        catalog_path = Path(state.settings["catalog_path"])
        assert catalog_path == state_dir / "catalog.yaml"
        assert {s.slug for s in SITES} <= {d.slug for d in load_catalog(catalog_path).directories}

        enqueued = _cli(
            state_dir,
            "enqueue",
            "--package",
            "starter",
            "--profile",
            str(EXAMPLE_PROFILE),
            "--json",
        )
        assert enqueued.returncode == 0, enqueued.stderr
        job_id = json.loads(enqueued.stdout)["job_id"]

        # The daemon's SQS sensor picks the job up and one run submits to every directory.
        status = _wait_for_final_status(state_dir, job_id)
        starter_sites = {s.slug for s in SITES if s.tier == "starter"}
        assert status["job"]["status"] in {"completed", "partially_completed"}, status
        assert status["job"]["directories_total"] == len(starter_sites)
        assert status["job"]["directories_done"] == len(starter_sites)
        results = {r["directory_slug"]: r for r in status["results"]}
        assert set(results) == starter_sites
        ledger = json.loads(_cli(state_dir, "sandbox", "ledger", "--json").stdout)
        for slug, row in results.items():
            accepted = [e for e in ledger if e["site"] == slug and e["accepted"]]
            if row["status"] == "submitted":
                assert row["confirmation_text"] and row["evidence_uri"], row
                assert len(accepted) == 1, slug
            else:
                assert accepted == [], slug
        assert sum(r["status"] == "submitted" for r in results.values()) >= 4

        doctor = json.loads(_cli(state_dir, "doctor", "--json").stdout)
        checks = {c["name"]: c for c in doctor["checks"]}
        assert checks["database"]["status"] == "ok"
        assert checks["queue"]["status"] == "ok"
        assert checks["browser"]["status"] == "ok"
        assert checks["llm"]["status"] == "ok", checks["llm"]  # the stack's own llama.cpp
        assert checks["dagster"]["status"] == "ok", checks["dagster"]
        assert "daemon healthy" in checks["dagster"]["detail"]
    finally:
        code = stack.stop(signal.SIGTERM)
    assert code == 0, "".join(stack.lines)
    assert "stopped" in "".join(stack.lines)
    assert port_is_free(ui_port)
    assert _processes_of(state_dir) == []
    stopped_state = read_stack_state(state_dir)
    assert stopped_state is not None and not stopped_state.running

    again = RunningStack(state_dir, ui_port)
    try:
        again.wait_ready()
        status = _cli(state_dir, "status", job_id, "--json")
        assert json.loads(status.stdout)["job"]["id"] == job_id
    finally:
        code = again.stop(signal.SIGINT)
    assert code == 0, "".join(again.lines)
    assert _processes_of(state_dir) == []
