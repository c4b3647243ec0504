"""Dagster per-job overhead on the real local stack: how long a paid job waits before its
first directory is worked on, and where that time goes.

    PYTHONPATH=. python benchmarks/scale/job_overhead.py [--jobs 5] [--directories a,b]

Starts `directory-pipeline dev` in a temporary state dir (embedded Postgres, moto's SQS, the
sandbox sites, Dagster's webserver and daemon with the project's `dagster.yaml`), then sends
N small jobs through `directory-pipeline enqueue`, one after the other (the next is sent once
the previous run has ended). For each job it reads, after the fact:

- from Postgres: `jobs.created_at` (the enqueue: the row is written, the SQS message follows),
  `jobs.started_at` (the `paid_job` body marked the job started), the first
  `submission_attempts.intent_at` (the first directory's submit intent: Chromium up, form
  captured and mapped) and `jobs.completed_at`;
- from Dagster's instance (DAGSTER_HOME in the state dir): the run's creation (the sensor's
  run request turned into a queued run), RUN_STARTING (dequeued, handed to the launcher),
  RUN_START (the run worker process loaded the code), STEP_START of `paid_job` (the
  multiprocess executor's step subprocess loaded it again), the first `listing_submission`
  materialization and the run's end; and the run's event-log footprint (rows, bytes).

Every job's row carries the machine's background load over its window (`machine_load.py`).
Writes `job_overhead.json` next to this file (read by `report.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
from dagster._serdes import serialize_value
from machine_load import LoadMonitor, load_note

from directory_pipeline.defs.partitions import JOB_TAG
from directory_pipeline.domain import SubmissionStatus
from directory_pipeline.local.ports import free_port
from directory_pipeline.local.stack import read_stack_state

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLI = str(Path(sys.executable).with_name("directory-pipeline"))
PROFILE = ROOT / "examples" / "profile.json"
OUT = HERE / "job_overhead.json"
_EVENTS = {
    "starting": dg.DagsterEventType.RUN_STARTING,  # dequeued, the launcher called
    "run_started": dg.DagsterEventType.RUN_START,  # the run worker loaded the code
    "step_started": dg.DagsterEventType.STEP_START,  # the step's subprocess is in paid_job
}
SUBMISSION_ASSET = dg.AssetKey("listing_submission")
DIRECTORY_MATERIALIZATION = "DIRECTORY: listing_submission materialization"
DIRECTORY_LOG = "DIRECTORY: outcome log line"
_TERMINAL = {
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
}
# Spans reported, as (name, from mark, to mark).
SPANS = [
    ("enqueue → run requested", "enqueued", "run_created"),
    ("run requested → launched", "run_created", "starting"),
    ("launched → run started", "starting", "run_started"),
    ("run started → step started", "run_started", "step_started"),
    ("step started → job body", "step_started", "job_body"),
    ("job body → first intent", "job_body", "first_intent"),
    ("enqueue → run started", "enqueued", "run_started"),
    ("enqueue → job body", "enqueued", "job_body"),
    ("enqueue → first intent", "enqueued", "first_intent"),
    ("enqueue → first directory done", "enqueued", "first_materialized"),
    ("enqueue → run finished", "enqueued", "run_finished"),
]


class Stack:
    """`directory-pipeline dev` as a child process, stopped with SIGTERM."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.lines: list[str] = []
        self.ready = threading.Event()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("DIRECTORY_PIPELINE_STATE_DIR", None)
        self.process = subprocess.Popen(
            [CLI, "dev", "--state-dir", str(state_dir), "--ui-port", str(free_port())],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=ROOT,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "ready" in line:
                self.ready.set()

    def wait_ready(self, timeout: float = 300) -> float:
        started = time.monotonic()
        while not self.ready.wait(0.5):
            if self.process.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError("stack did not start:\n" + "".join(self.lines[-40:]))
        return time.monotonic() - started

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(120)
        except subprocess.TimeoutExpired:
            self.process.kill()


def enqueue(state_dir: Path, package: str, directories: str | None) -> tuple[str, float]:
    """Send one job the web shop's way; returns its id and the CLI's wall seconds."""
    argv = [CLI, "enqueue", "--package", package, "--profile", str(PROFILE), "--json"]
    argv += ["--directories", directories] if directories else []
    started = time.monotonic()
    done = subprocess.run(
        [*argv, "--state-dir", str(state_dir)], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"enqueue failed: {done.stderr}")
    return json.loads(done.stdout)["job_id"], time.monotonic() - started


def runs_of(instance: dg.DagsterInstance, job_id: str) -> list[dg.RunRecord]:
    return list(instance.get_run_records(filters=dg.RunsFilter(tags={JOB_TAG: job_id})))


def wait_run_ended(instance: dg.DagsterInstance, job_id: str, timeout: float) -> dg.RunRecord:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = runs_of(instance, job_id)
        if records and records[0].dagster_run.status in _TERMINAL:
            return records[0]
        time.sleep(0.5)
    raise RuntimeError(f"job {job_id}: no finished run after {timeout:.0f}s")


def dagster_marks(instance: dg.DagsterInstance, record: dg.RunRecord) -> dict[str, float]:
    run_id = record.dagster_run.run_id
    marks = {"run_created": record.create_timestamp.timestamp()}
    events = instance.all_logs(run_id)
    for name, kind in _EVENTS.items():
        stamps = [e.timestamp for e in events if e.dagster_event_type == kind]
        if stamps:
            marks[name] = min(stamps)
    materialized = [
        e.timestamp
        for e in events
        if e.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and e.asset_materialization is not None
        and e.asset_materialization.asset_key == SUBMISSION_ASSET
    ]
    if materialized:
        marks["first_materialized"] = min(materialized)
    ends = {dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE}
    ended = [e.timestamp for e in events if e.dagster_event_type in ends]
    if ended:
        marks["run_finished"] = min(ended)
    return marks


def event_kind(entry: dg.EventLogEntry) -> str:
    """The event type, with what each directory adds told apart: its `listing_submission`
    materialization and its "slug: status" log line."""
    materialization = entry.asset_materialization
    if materialization is not None and materialization.asset_key == SUBMISSION_ASSET:
        return DIRECTORY_MATERIALIZATION
    if entry.dagster_event_type is None:
        status = entry.user_message.rsplit(": ", 1)[-1]
        return DIRECTORY_LOG if status in set(SubmissionStatus) else "LOG_MESSAGE"
    return entry.dagster_event_type.value


def footprint(instance: dg.DagsterInstance, run_id: str) -> dict[str, Any]:
    """Rows and bytes this run left in the event log: each entry's serialized JSON is what
    the `event_logs.event` column holds; the preview images ride in the materializations."""
    rows: dict[str, list[int]] = {}
    previews: list[int] = []
    for entry in instance.all_logs(run_id):
        rows.setdefault(event_kind(entry), []).append(len(serialize_value(entry)))
        materialization = entry.asset_materialization
        if materialization is not None and "preview" in materialization.metadata:
            previews.append(len(str(materialization.metadata["preview"].value)))
    return {
        "rows": sum(len(v) for v in rows.values()),
        "bytes": sum(sum(v) for v in rows.values()),
        "by_type": {k: {"rows": len(v), "bytes": sum(v)} for k, v in sorted(rows.items())},
        "preview_bytes": previews,
    }


def postgres_marks(dsn: str, job_id: str) -> dict[str, Any]:
    with psycopg.connect(dsn) as conn:
        job = conn.execute(
            """select extract(epoch from created_at), extract(epoch from started_at),
                      extract(epoch from completed_at), status, directories_total
               from jobs where id = %s""",
            (job_id,),
        ).fetchone()
        intent = conn.execute(
            "select extract(epoch from min(intent_at)), count(*) from submission_attempts "
            "where job_id = %s",
            (job_id,),
        ).fetchone()
    assert job is not None and intent is not None
    marks = {
        "enqueued": job[0],
        "job_body": job[1],
        "pg_completed": job[2],
        "first_intent": intent[0],
    }
    return {
        "marks": {k: float(v) for k, v in marks.items() if v is not None},
        "status": job[3],
        "directories": job[4],
        "attempts": intent[1],
    }


def spans(marks: dict[str, float]) -> dict[str, float]:
    return {
        name: round(marks[b] - marks[a], 2) for name, a, b in SPANS if a in marks and b in marks
    }


def measure_job(
    state_dir: Path, instance: dg.DagsterInstance, dsn: str, args: argparse.Namespace
) -> dict[str, Any]:
    wall_start = time.time()
    job_id, cli_seconds = enqueue(state_dir, args.package, args.directories)
    record = wait_run_ended(instance, job_id, args.job_timeout)
    time.sleep(1.0)  # let the last events and the jobs row settle
    pg = postgres_marks(dsn, job_id)
    marks = {**pg["marks"], **dagster_marks(instance, record)}
    return {
        "job_id": job_id,
        "run_status": record.dagster_run.status.value,
        "job_status": pg["status"],
        "directories": pg["directories"],
        "attempts": pg["attempts"],
        "enqueue_cli_s": round(cli_seconds, 2),
        "marks": marks,
        "spans_s": spans(marks),
        "event_log": footprint(instance, record.dagster_run.run_id),
        "window": [wall_start, time.time()],
    }


def summarise(jobs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    summary: dict[str, dict[str, float]] = {}
    for name, _, _ in SPANS:
        values = [j["spans_s"][name] for j in jobs if name in j["spans_s"]]
        if values:
            summary[name] = {
                "p50": round(statistics.median(values), 2),
                "max": round(max(values), 2),
                "min": round(min(values), 2),
                "n": len(values),
            }
    return summary


def refootprint(state_dir: Path) -> None:
    """Recount the event-log footprint of the jobs in OUT from a kept state dir."""
    instance = dg.DagsterInstance.from_config(str(state_dir / "dagster"))
    result = json.loads(OUT.read_text())
    for job in result["jobs"]:
        record = runs_of(instance, job["job_id"])[0]
        job["event_log"] = footprint(instance, record.dagster_run.run_id)
    OUT.write_text(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5)
    parser.add_argument("--package", default="starter")
    parser.add_argument("--directories", default=None, help="explicit slugs, comma-separated")
    parser.add_argument("--gap", type=float, default=3.0, help="seconds between jobs")
    parser.add_argument("--job-timeout", type=float, default=600)
    parser.add_argument("--keep", type=Path, default=None, help="state dir to keep")
    parser.add_argument(
        "--refootprint", type=Path, default=None, help="recount a kept run's event logs"
    )
    args = parser.parse_args()
    if args.refootprint:
        refootprint(args.refootprint)
        return

    state_dir = args.keep or Path(tempfile.mkdtemp(prefix="scale-overhead-")) / "stack"
    with LoadMonitor() as load:
        stack = Stack(state_dir)
        try:
            ready_s = stack.wait_ready()
            print(f"stack ready in {ready_s:.1f}s at {state_dir}", flush=True)
            state = read_stack_state(state_dir)
            assert state is not None
            dsn = state.settings["database_url"]
            instance = dg.DagsterInstance.from_config(state.settings["dagster_home"])
            jobs = []
            for n in range(args.jobs):
                job = measure_job(state_dir, instance, dsn, args)
                job["load"] = load.window(*job["window"])
                jobs.append(job)
                print(f"job {n + 1}: {job['spans_s']} | {load_note(job['load'])}", flush=True)
                time.sleep(args.gap)
        finally:
            stack.stop()
            if not args.keep:
                shutil.rmtree(state_dir.parent, ignore_errors=True)
    result = {
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "dagster_version": dg.__version__,
        "stack_ready_s": round(ready_s, 1),
        "package": args.package,
        "directories_arg": args.directories,
        "jobs": jobs,
        "summary": summarise(jobs),
        "load_whole_run": load.window(load.samples[0].at, load.samples[-1].at)
        if load.samples
        else {},
    }
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
