"""The peers a run needs, started and stopped by the benchmark itself.

Postgres (the `local` add-on's embedded one), the schema (the `db migrate` command), the
sandbox sites under alias hosts (a child process: its CPU is not the measured tree's), the
local LLM behind a proxy that counts its calls, and the form mapping for the raw baseline
(the `map-form --json` command). Only the local add-on and the CLI are used here.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from directory_pipeline.local.ports import free_port
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.sandbox import get_site

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def python_env(**extra: str) -> dict[str, str]:
    """The environment for child Pythons: this checkout first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(HERE), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> str:
    """Run `directory-pipeline ARGS` from this checkout; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "directory_pipeline.cli", *args],
        env=python_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"directory-pipeline {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout


@contextlib.contextmanager
def postgres(work: Path) -> Iterator[LocalPostgres]:
    """A migrated Postgres for the run."""
    server = LocalPostgres(work / "pg", free_port())
    server.start()
    try:
        cli("db", "migrate", env={"DATABASE_URL": server.dsn()})
        yield server
    finally:
        server.stop()


def form_paths(sites: tuple[str, ...]) -> dict[str, str]:
    return {site: get_site(site).form_path for site in sites}


class Sandbox:
    """`sandbox_hosts.py` in a child process."""

    def __init__(self, work: Path, copies: int, latency_ms: tuple[int, int]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (work / "sandbox.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "sandbox_hosts.py"),
                f"--port={self.port}",
                f"--copies={copies}",
                f"--state-dir={work / 'sandbox'}",
                f"--latency-ms={latency_ms[0]},{latency_ms[1]}",
            ],
            env=python_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout_s: float = 60) -> None:
        ends = time.monotonic() + timeout_s
        while time.monotonic() < ends:
            if self.process.poll() is not None:
                raise RuntimeError("the sandbox exited; see sandbox.log")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/__bench/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("the sandbox did not answer")

    def reset(self) -> None:
        httpx.post(f"{self.url}/__bench/reset", timeout=30).raise_for_status()

    def counts(self) -> dict:
        return httpx.get(f"{self.url}/__bench/counts", timeout=30).json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """Forwards every request to the upstream LLM server and counts completions."""

    upstream = ""
    calls = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        return

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.command == "POST" and self.path.rstrip("/").endswith("completions"):
            with self.lock:
                type(self).calls += 1
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in {"host", "content-length"}
        }
        answer = httpx.request(
            self.command, self.upstream + self.path, content=body, headers=headers, timeout=600
        )
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in {"content-length", "transfer-encoding", "connection"}:
                self.send_header(key, value)
        self.send_header("content-length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = _forward
    do_POST = _forward


class CountingLlm:
    """The local llama.cpp server (the add-on's `LocalLlm`) behind a counting proxy."""

    def __init__(self, work: Path) -> None:
        from directory_pipeline.local.llm_server import MODEL_ALIAS, LocalLlm

        self.model = MODEL_ALIAS
        self.server = LocalLlm(work / "llm", free_port(), work / "llm.log")
        self.server.start()
        handler = type("Handler", (_CountingHandler,), {"upstream": self.server.base_url[:-3]})
        self.handler = handler
        self.proxy = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.proxy.server_address[1]}/v1"

    @property
    def calls(self) -> int:
        return self.handler.calls

    @property
    def pid(self) -> int:
        """The llama.cpp server's process id."""
        process = self.server.child.process
        return process.pid if process is not None else 0

    def stop(self) -> None:
        self.proxy.shutdown()
        self.server.stop()


def llm_available() -> bool:
    from directory_pipeline.local.llm_server import local_llm_available

    return local_llm_available()


def map_forms(urls: dict[str, str], dsn: str, profile: Path, work: Path) -> dict[str, dict]:
    """`map-form --json --no-llm` for each site: with the run's database, the plan the
    pipeline cached for it (`plan-cache` source), else the heuristics' plan."""

    def one(item: tuple[str, str]) -> tuple[str, dict]:
        slug, url = item
        out = cli(
            "map-form",
            url,
            "--no-llm",
            "--json",
            f"--directory={slug}",
            f"--profile={profile}",
            f"--state-dir={work / 'map-form'}",
            env={"DATABASE_URL": dsn},
        )
        return slug, json.loads(out)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, urls.items()))


def chromium_version(chromium: str) -> str:
    done = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()
