"""How long one paid job takes, and how much memory, as one Dagster run.

    uv run python benchmarks/orchestration/run_job.py [--parallel 1,2] [--out results.md]

Starts its own Postgres, SQS API and sandbox (latency 300-1500 ms per request, as a real
directory), enqueues a job over every starter+growth sandbox site that a US business can
submit to, and materializes it in process. Reports wall time, time per directory, and peak
RSS of this process plus its Chromium children.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path

import dagster as dg
import httpx
import psutil

from directory_pipeline.defs.resources import (
    AnalyticsResource,
    HealthPolicyResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.defs.submissions import listing_submission, paid_job
from directory_pipeline.domain import BusinessProfile, JobMessage, Package
from directory_pipeline.local.ports import free_port
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.sandbox import SandboxServer, write_sandbox_catalog
from directory_pipeline.store.jobs import JobStore
from directory_pipeline.store.migrate import migrate

SITES = [
    "citylocal-hub",
    "bizlist-wizard",
    "linkhaven-directory",
    "yellowbook-local",
    "localpages-directory",
    "metro-biz-index",
    "trustedtrades-directory",
    "shopfront-finder",
    "quicklist-app",
    "towncrier-listings",
    "heritage-register",
    "nearbyguide",
]
PROFILE = Path(__file__).resolve().parents[2] / "examples" / "profile.json"


class PeakRss:
    """Samples RSS of this process and its children every 100 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_once(work: Path, parallel: int, dsn: str, sandbox: SandboxServer) -> dict:
    httpx.post(f"{sandbox.url}/__sandbox/reset", json={}, timeout=10)
    profile = BusinessProfile.model_validate(json.loads(PROFILE.read_text()))
    message = JobMessage.new(Package.ENTERPRISE, profile, uuid.uuid4(), SITES)
    JobStore(dsn).create_pending(message, len(SITES))
    job_id = str(message.job_id)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("jobs", [job_id])
    supabase = SupabaseResource(database_url=dsn)
    resources = {
        "supabase": supabase,
        "engine": SubmissionEngineResource(
            evidence_root=str(work / "evidence"), max_parallel=parallel
        ),
        "analytics": AnalyticsResource(root=str(work / "analytics")),
        "health_policy": HealthPolicyResource(),
    }
    with PeakRss() as rss:
        started = time.perf_counter()
        result = dg.materialize(
            [paid_job, listing_submission],
            selection=dg.AssetSelection.assets(paid_job),
            partition_key=job_id,
            instance=instance,
            resources=resources,
        )
        elapsed = time.perf_counter() - started
    statuses = [
        m.metadata["status"].value
        for m in result.asset_materializations_for_node("paid_job")
        if m.asset_key == dg.AssetKey("listing_submission")
    ]
    return {
        "parallel": parallel,
        "directories": len(statuses),
        "seconds": elapsed,
        "per_directory": elapsed / max(len(statuses), 1),
        "submitted": statuses.count("submitted"),
        "peak_rss_mb": rss.peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parallel", default="1,2")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        postgres = LocalPostgres(work / "pg", free_port())
        postgres.start()
        try:
            dsn = postgres.dsn()
            migrate(dsn)
            knobs = {"*": {"latency_ms_min": 300, "latency_ms_max": 1500}}
            with SandboxServer(work / "ledger.sqlite3") as sandbox:
                catalog = write_sandbox_catalog(work / "catalog.yaml", sandbox.port)
                os.environ["DIRECTORY_CATALOG"] = str(catalog)
                httpx.post(f"{sandbox.url}/__sandbox/knobs", json=knobs, timeout=10)
                rows = [run_once(work, int(p), dsn, sandbox) for p in args.parallel.split(",")]
        finally:
            postgres.stop()
    lines = [
        "| workers (Chromiums) | directories | submitted | wall s | s per directory "
        "| peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['parallel']} | {r['directories']} | {r['submitted']} | "
            f"{r['seconds']:.1f} | {r['per_directory']:.2f} | {r['peak_rss_mb']:.0f} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(
            "# One paid job as one Dagster run (in process)\n\n"
            "Sandbox latency 300-1500 ms per request; 2 cores. Produced by "
            "`uv run python benchmarks/orchestration/run_job.py --out "
            "benchmarks/orchestration/results.md`.\n\n" + table + "\n"
        )


if __name__ == "__main__":
    main()
