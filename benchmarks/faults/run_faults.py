"""Fault suite: what a paid job survives, measured from the outside on the local stack.

    uv run --extra local python benchmarks/faults/run_faults.py [--quick] [--only garbage,...]

Starts its own `directory-pipeline dev` in a temporary state dir (one stack for the garbage
scenario with the production grace periods, one for the faults with short ones), injects one
fault per scenario, and judges the result only from what an outsider can see: the `jobs`,
`job_results` and `submission_attempts` tables, the SQS queue and its DLQ, the sandbox ledger
(every POST each directory received) and Dagster's runs (GraphQL). Writes `results.md` and
`results.json` next to this file; re-running a subset (`--only`) replaces only those rows.
See README.md in this folder for what each column means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import httpx
import psutil
import psycopg
import yaml
from botocore.config import Config
from psycopg.rows import dict_row

from directory_pipeline.browser.launch import SESSION_SWITCH
from directory_pipeline.domain import BusinessProfile, JobMessage, Package, load_catalog
from directory_pipeline.local.ports import free_port
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.local.state import StackState, read_stack_state
from directory_pipeline.sandbox.site_registry import get_site
from directory_pipeline.settings import ENV_VARS
from directory_pipeline.state_dir import STATE_DIR_ENV
from directory_pipeline.store.jobs import JobStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz import Fuzzer  # this folder is not a package

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROFILE = ROOT / "examples" / "profile.json"
FINAL = {"completed", "partially_completed", "failed"}
SLOW_SITE = "linkhaven-directory"  # slowed with `submit_delay_ms` so a POST is in flight
STARTER_POOL = [
    "citylocal-hub",
    "linkhaven-directory",
    "yellowbook-local",
    "localpages-directory",
    "bizlist-wizard",
]
HOSTILE_5XX = ["pinecrest-directory", "lakeshore-companies"]  # store the listing, answer 502/504
OUTAGE_SECONDS = 60
T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:7.1f}s] {message}", flush=True)


# ---------------------------------------------------------------------------------------
# The stack under test


def snapshot_code(root: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the product code the stacks run from, for the whole suite: the checkout is
    being edited while the suite runs, and a stack restarted mid-suite must run the same code
    (its migration check refuses an applied migration that changed). Returns the copy's root
    and what it holds (commit, files changed from it, a hash of the package)."""
    src = root / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("directory_pipeline", "examples"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("workspace.yaml", "dagster.yaml", "pyproject.toml"):
        shutil.copy2(ROOT / name, src / name)
    digest = hashlib.sha256()
    for path in sorted((src / "directory_pipeline").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(src)).encode())
            digest.update(path.read_bytes())

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = [
        line[3:]
        for line in git("status", "--short", "--", "directory_pipeline").splitlines()
        if line.strip()
    ]
    info = {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted_product_files": changed,
        "package_sha256": digest.hexdigest()[:16],
    }
    return src, info


class Stack:
    """`directory-pipeline dev --state-dir DIR` as a subprocess of this script, running the
    product code from `code` (a snapshot of the checkout)."""

    def __init__(self, name: str, state_dir: Path, env: dict[str, str], code: Path) -> None:
        self.name = name
        self.state_dir = state_dir
        self.env = env
        self.code = code
        self.proc: subprocess.Popen[str] | None = None
        self.output = state_dir.parent / f"{name}-dev.log"
        self._ready = threading.Event()
        self.starts = 0

    def seed_ports(self) -> dict[str, int]:
        """Choose the ports before the first start (the stack prefers the ports of the
        previous `stack.json`), so a catalog file can name the sandbox port in advance."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        ports: dict[str, int] = {}
        for name in ("postgres", "sqs", "sandbox", "dagster", "llm"):
            port = free_port()
            while port in ports.values():
                port = free_port()
            ports[name] = port
        seed = {
            "pid": 0,
            "running": False,
            "started_at": dt.datetime.now(dt.UTC).isoformat(),
            "ports": ports,
            "settings": {},
            "dagster_url": f"http://127.0.0.1:{ports['dagster']}",
            "child_pids": [],
        }
        (self.state_dir / "stack.json").write_text(json.dumps(seed))
        return ports

    def start(self, timeout: float = 600) -> float:
        """Start and wait for the `ready` line; returns the seconds it took."""
        started = time.monotonic()
        self._ready.clear()
        self.starts += 1
        argv = [
            sys.executable,
            "-m",
            "directory_pipeline.cli",
            "dev",
            "--state-dir",
            str(self.state_dir),
        ]
        self.proc = subprocess.Popen(
            argv,
            cwd=self.code,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # our Ctrl-C does not reach it; we stop it ourselves
        )
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        while not self._ready.wait(1):
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"stack {self.name} exited before ready; see {self.output} and "
                    f"{self.state_dir / 'logs'}"
                )
            if time.monotonic() - started > timeout:
                self.stop()
                raise RuntimeError(f"stack {self.name} not ready within {timeout:.0f}s")
        seconds = time.monotonic() - started
        log(f"stack {self.name} ready in {seconds:.0f}s (start #{self.starts})")
        return seconds

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        with self.output.open("a") as out:
            for line in proc.stdout:
                out.write(line)
                out.flush()
                if "ready" in line:
                    self._ready.set()

    def exited(self) -> int | None:
        return self.proc.poll() if self.proc else 0

    def wait_exit(self, timeout: float) -> int | None:
        if self.proc is None:
            return 0
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = 180) -> None:
        """SIGINT (the stack stops its children itself); SIGKILL to its group as a last
        resort."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        if self.wait_exit(timeout) is None:
            log(f"stack {self.name} did not stop in {timeout:.0f}s; killing its group")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    # -- what the stack told us --------------------------------------------------------
    @property
    def state(self) -> StackState:
        state = read_stack_state(self.state_dir)
        assert state is not None, "no stack.json"
        return state

    def setting(self, name: str) -> Any:
        return self.state.settings[name]

    @property
    def dsn(self) -> str:
        return str(self.setting("database_url"))

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.state.ports.sandbox}"

    @property
    def dagster_url(self) -> str:
        return self.state.dagster_url

    def descendants(self) -> list[psutil.Process]:
        """Every process this stack started (only these are ever signalled)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            return []


def cmdline(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def kill_all(processes: Iterable[psutil.Process], sig: int = signal.SIGKILL) -> list[int]:
    killed = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.send_signal(sig)
            killed.append(process.pid)
    return killed


# ---------------------------------------------------------------------------------------
# Looking from the outside


def query(stack: Stack, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    conn = psycopg.Connection[dict[str, Any]].connect(
        stack.dsn, row_factory=dict_row, connect_timeout=3
    )
    with conn:
        return conn.execute(sql.encode(), tuple(params)).fetchall()


def sqs(stack: Stack, read_timeout: float = 30, attempts: int = 3) -> Any:
    return boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=str(stack.setting("sqs_endpoint_url")),
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(
            connect_timeout=3,
            read_timeout=read_timeout,
            retries={"total_max_attempts": attempts},
        ),
    )


def queue_url(stack: Stack, dead: bool = False) -> str:
    return str(stack.setting("sqs_dlq_url" if dead else "sqs_queue_url"))


def queue_depth(stack: Stack, dead: bool = False) -> int:
    attrs = sqs(stack, read_timeout=10).get_queue_attributes(
        QueueUrl=queue_url(stack, dead),
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return sum(int(v) for v in attrs.values())


def sandbox(stack: Stack, path: str, body: dict[str, Any] | None = None) -> Any:
    url = f"{stack.sandbox_url}/__sandbox/{path}"
    response = httpx.post(url, json=body, timeout=15) if body is not None else httpx.get(url)
    response.raise_for_status()
    return response.json()


def set_knobs(stack: Stack, changes: dict[str, dict[str, Any]]) -> None:
    sandbox(stack, "knobs", changes)


def restore_knobs(stack: Stack, original: dict[str, Any], slugs: Iterable[str]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        set_knobs(stack, {s: original[s] for s in slugs if s in original})


def submissions_seen(stack: Stack, slug: str) -> int:
    """POSTs that reached the site's submit handler (counted before any submit delay)."""
    return int(sandbox(stack, "stats").get(slug, {}).get("submissions", 0))


_RUNS_QUERY = """
{ runsOrError(limit: 2000) { __typename ... on Runs { results {
    runId status creationTime startTime endTime tags { key value } } } } }
"""


@dataclass
class RunInfo:
    run_id: str
    status: str
    created: float
    started: float | None
    ended: float | None
    job_id: str | None
    sensor: str | None
    retry_of: str | None


def dagster_runs(stack: Stack) -> list[RunInfo]:
    response = httpx.post(f"{stack.dagster_url}/graphql", json={"query": _RUNS_QUERY}, timeout=30)
    results = response.json()["data"]["runsOrError"]["results"]
    runs = []
    for r in results:
        tags = {t["key"]: t["value"] for t in r["tags"]}
        runs.append(
            RunInfo(
                run_id=r["runId"],
                status=r["status"],
                created=float(r["creationTime"]),
                started=r["startTime"],
                ended=r["endTime"],
                job_id=tags.get("directory_pipeline/job_id") or tags.get("dagster/partition"),
                sensor=tags.get("dagster/sensor_name"),
                retry_of=tags.get("dagster/parent_run_id"),
            )
        )
    return runs


def runs_of(stack: Stack, job_id: str) -> list[RunInfo]:
    try:
        return sorted(
            (r for r in dagster_runs(stack) if r.job_id == job_id), key=lambda r: r.created
        )
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return []


# ---------------------------------------------------------------------------------------
# Jobs


@dataclass
class Job:
    n: int
    label: str
    name: str
    directories: list[str]
    message: JobMessage
    enqueued_at: float = 0.0
    message_ids: list[str] = field(default_factory=list)
    send_errors: list[str] = field(default_factory=list)
    row_written: bool = False

    @property
    def job_id(self) -> str:
        return str(self.message.job_id)

    @property
    def body(self) -> str:
        return self.message.to_body()


class Jobs:
    """Valid jobs with distinct business names, e-mails and phones, so every ledger entry
    can be attributed to its job (the ledger keeps the values each form received)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.count = 0
        self.base = json.loads(PROFILE.read_text())

    def new(self, directories: list[str], label: str) -> Job:
        self.count += 1
        n = self.count
        slug = f"fs{self.tag.lower()}j{n:03d}"
        name = f"FS{self.tag} J{n:03d} Bakery"
        profile = dict(self.base)
        for key in ("facebook_url", "instagram_url"):
            profile.pop(key, None)
        profile.update(
            business_name=name,
            email=f"{slug}@bakery.example",
            phone=f"+1 415 555 {3000 + n:04d}",
            website=f"https://{slug}.example",
            description=f"{name} is a family-run neighbourhood bakery baking sourdough, "
            "croissants and seasonal pastries every morning.",
        )
        message = JobMessage.new(
            Package.STARTER,
            BusinessProfile.model_validate(profile),
            uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{slug}@bakery.example"),
            directories,
        )
        return Job(n=n, label=label, name=name, directories=directories, message=message)


def enqueue(
    stack: Stack, job: Job, *, row: bool = True, send: bool = True, client: Any = None
) -> None:
    """What the web shop does (`directory-pipeline enqueue`): the row, then the message."""
    job.enqueued_at = time.time()
    if row:
        JobStore(stack.dsn, connect_timeout=3).create_pending(job.message, len(job.directories))
        job.row_written = True
    if send:
        send_again(stack, job, client)


def send_again(stack: Stack, job: Job, client: Any = None) -> None:
    try:
        sent = (client or sqs(stack)).send_message(QueueUrl=queue_url(stack), MessageBody=job.body)
        job.message_ids.append(sent["MessageId"])
    except Exception as exc:
        job.send_errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")


def job_rows(stack: Stack, jobs: list[Job]) -> dict[str, dict[str, Any]]:
    rows = query(stack, "select * from jobs where id = any(%s)", [[j.job_id for j in jobs]])
    return {str(r["id"]): r for r in rows}


def wait_final(
    stack: Stack, jobs: list[Job], deadline: float, also: Callable[[], bool] | None = None
) -> None:
    """Until every job has a final status (and `also()` holds), or the deadline."""
    last_report = 0.0
    while time.time() < deadline:
        try:
            rows = job_rows(stack, jobs)
            done = [j for j in jobs if rows.get(j.job_id, {}).get("status") in FINAL]
            if len(done) == len(jobs) and (also is None or also()):
                return
            if time.time() - last_report > 60:
                counts = Counter(str(r.get("status")) for r in rows.values())
                log(f"  waiting: {len(done)}/{len(jobs)} final {dict(counts)}")
                last_report = time.time()
        except (psycopg.Error, httpx.HTTPError, OSError) as exc:
            if time.time() - last_report > 30:
                log(f"  waiting (cannot look: {type(exc).__name__})")
                last_report = time.time()
        time.sleep(3)


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(step)
    return False


def open_intent(stack: Stack, job: Job, slug: str) -> bool:
    rows = query(
        stack,
        "select 1 from submission_attempts where job_id = %s and directory_slug = %s "
        "and result_at is null",
        [job.job_id, slug],
    )
    return bool(rows)


def wait_post_in_flight(stack: Stack, job: Job, slug: str, before: int, timeout: float) -> bool:
    """The attempt journal holds the intent and the site's handler has the POST."""
    return wait_until(
        lambda: open_intent(stack, job, slug) and submissions_seen(stack, slug) > before, timeout
    )


# ---------------------------------------------------------------------------------------
# Judging a scenario


@dataclass
class DeadLetter:
    message_id: str
    body_sha: str
    reason: str | None
    original_message_id: str | None
    job_id: str | None
    sent_at: float | None = None  # when it was put on the DLQ (SQS SentTimestamp)


def drain_dlq(stack: Stack) -> list[DeadLetter]:
    """Read and delete everything on the DLQ."""
    client = sqs(stack, read_timeout=60)
    url = queue_url(stack, dead=True)
    out: list[DeadLetter] = []
    empty = 0
    while empty < 2:
        messages = client.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=900,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["SentTimestamp"],
        ).get("Messages", [])
        if not messages:
            empty += 1
            continue
        empty = 0
        for m in messages:
            attrs = m.get("MessageAttributes", {})
            job_id = None
            with contextlib.suppress(Exception):
                payload = json.loads(m["Body"])
                if isinstance(payload, dict):
                    job_id = str(payload.get("job_id"))
            out.append(
                DeadLetter(
                    message_id=m["MessageId"],
                    body_sha=hashlib.sha256(m["Body"].encode("utf-8", "surrogatepass")).hexdigest(),
                    reason=attrs.get("reason", {}).get("StringValue"),
                    original_message_id=attrs.get("original_message_id", {}).get("StringValue"),
                    job_id=job_id,
                    sent_at=int(m.get("Attributes", {}).get("SentTimestamp", 0)) / 1000 or None,
                )
            )
        client.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            ],
        )
    return out


def mentions(entry: dict[str, Any], name: str) -> bool:
    for value in entry.get("fields", {}).values():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and name in v for v in values):
            return True
    return False


@dataclass
class Outcome:
    name: str
    title: str
    ran: bool = True
    why_not: str = ""
    mode: str = ""
    ran_at: str = ""
    seconds: float = 0.0
    valid_jobs: int = 0
    lost: list[str] = field(default_factory=list)
    submitted_twice: list[str] = field(default_factory=list)
    false_submitted: list[str] = field(default_factory=list)
    malformed_sent: int | None = None
    malformed_missing: list[str] | None = None
    valid_in_dlq: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    latency: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def judge(
    stack: Stack, outcome: Outcome, jobs: list[Job], fault_at: float | None = None
) -> list[DeadLetter]:
    """Fill the zero columns and the per-job record from Postgres, the ledger, the DLQ and
    Dagster's runs."""
    ids = [j.job_id for j in jobs]
    rows = job_rows(stack, jobs)
    results = query(stack, "select * from job_results where job_id = any(%s)", [ids])
    attempts = query(
        stack,
        "select job_id, directory_slug, count(*) as n, count(*) filter (where result_at is null)"
        " as open from submission_attempts where job_id = any(%s) group by 1, 2",
        [ids],
    )
    ledger: list[dict[str, Any]] = sandbox(stack, "ledger")
    dead = drain_dlq(stack)
    outcome.extra["dlq_messages"] = len(dead)
    outcome.valid_jobs = len(jobs)
    by_message = {mid: j for j in jobs for mid in j.message_ids}
    for letter in dead:
        job = by_message.get(letter.original_message_id or "") or by_message.get(letter.message_id)
        if job is None and letter.job_id in ids:
            job = next(j for j in jobs if j.job_id == letter.job_id)
        if job is not None:
            outcome.valid_in_dlq.append(f"{job.label} (reason: {letter.reason or 'none'})")
    for job in jobs:
        row = rows.get(job.job_id)
        status = str(row["status"]) if row else "no row"
        if status not in FINAL:
            outcome.lost.append(f"{job.label}: {status}")
        mine = [e for e in ledger if mentions(e, job.name)]
        per_site: dict[str, dict[str, Any]] = {}
        for slug in job.directories:
            site_entries = [e for e in mine if e["site"] == slug]
            accepted = sum(1 for e in site_entries if e["accepted"])
            per_site[slug] = {"posts": len(site_entries), "accepted": accepted}
            if accepted > 1:
                outcome.submitted_twice.append(f"{job.label} @ {slug} ({accepted} accepted)")
        for r in results:
            if str(r["job_id"]) != job.job_id:
                continue
            slug = r["directory_slug"]
            site = per_site.setdefault(slug, {"posts": 0, "accepted": 0})
            site["status"] = r["status"]
            site["error"] = (r["error"] or "")[:200] or None
            if r["status"] == "submitted" and site["accepted"] == 0:
                outcome.false_submitted.append(f"{job.label} @ {slug}")
        for a in attempts:
            if str(a["job_id"]) == job.job_id:
                site = per_site.setdefault(a["directory_slug"], {"posts": 0, "accepted": 0})
                site["attempts"], site["open_intents"] = int(a["n"]), int(a["open"])
        runs = runs_of(stack, job.job_id)
        if status not in FINAL:
            for r in runs:
                if r.status in ("STARTED", "STARTING") and not _run_processes(stack, r.run_id):
                    outcome.details.append(
                        f"{job.label}: run {r.run_id[:8]} is {r.status} in Dagster but no "
                        "worker process of it is alive"
                    )
        started = row["started_at"].timestamp() if row and row["started_at"] else None
        completed = row["completed_at"].timestamp() if row and row["completed_at"] else None
        outcome.jobs.append(
            {
                "label": job.label,
                "job_id": job.job_id,
                "business": job.name,
                "status": status,
                "error": (row or {}).get("error"),
                "directories": per_site,
                "enqueue_to_in_progress_s": _after(started, job.enqueued_at),
                "enqueue_to_final_s": _after(completed, job.enqueued_at),
                "fault_to_final_s": _after(completed, fault_at),
                "first_run_requested_s": _after(runs[0].created if runs else None, job.enqueued_at),
                "runs": [
                    {
                        "run_id": r.run_id,
                        "status": r.status,
                        "by": f"retry of {r.retry_of[:8]}" if r.retry_of else (r.sensor or "other"),
                        "created_after_enqueue_s": _after(r.created, job.enqueued_at),
                    }
                    for r in runs
                ],
                "message_ids": job.message_ids,
                "send_errors": job.send_errors,
                "row_written_by_shop": job.row_written,
            }
        )
    return dead


def _after(moment: float | None, origin: float | None) -> float | None:
    if moment is None or origin is None:
        return None
    return round(moment - origin, 1)


def describe(job: dict[str, Any]) -> str:
    """One line: how a job ended, per directory, and the runs it took."""
    sites = ", ".join(
        f"{slug} {d.get('status', 'no result')}"
        + (f" ({d['accepted']} accepted POST)" if d.get("accepted") else "")
        + (f" [{d['posts']} POSTs]" if d.get("posts", 0) > 1 else "")
        for slug, d in job["directories"].items()
    )
    runs = ", ".join(f"{r['status'].lower()} ({r['by']})" for r in job["runs"]) or "none"
    timing = ""
    if job["fault_to_final_s"] is not None:
        timing = f"; final {job['fault_to_final_s']:.0f} s after the fault began"
    elif job["enqueue_to_final_s"] is not None:
        timing = f"; final {job['enqueue_to_final_s']:.0f} s after enqueue"
    error = f' (error: "{job["error"][:140]}")' if job.get("error") else ""
    return f"{job['label']}: **{job['status']}**{error} — {sites}; runs: {runs}{timing}"


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# ---------------------------------------------------------------------------------------
# Scenarios


@dataclass
class Context:
    stack: Stack
    jobs: Jobs
    quick: bool
    hostile: bool = False  # whether the catalog names the hostile 5xx sites
    slow_before: int = 0  # POSTs the slowed site's handler had seen before the scenario

    @property
    def knobs(self) -> dict[str, Any]:
        return sandbox(self.stack, "knobs")


def garbage(ctx: Context) -> Outcome:
    """1,000 fuzzed bodies mixed with 20 valid jobs, two of them sent three times."""
    stack = ctx.stack
    out = Outcome(
        "garbage",
        f"{200 if ctx.quick else 1000} fuzzed bodies + {6 if ctx.quick else 20} valid jobs",
    )
    n_garbage, n_valid = (200, 6) if ctx.quick else (1000, 20)
    catalog = load_catalog(Path(stack.setting("catalog_path")))  # what intake reads
    fuzzer = Fuzzer(random.Random(10), json.loads(PROFILE.read_text()), catalog)
    bodies = fuzzer.make(n_garbage)
    out.extra["generated_valid_dropped"] = dict(fuzzer.dropped)
    valid = [
        ctx.jobs.new(
            [STARTER_POOL[i % len(STARTER_POOL)], STARTER_POOL[(i + 2) % len(STARTER_POOL)]],
            f"valid #{i + 1}",
        )
        for i in range(n_valid)
    ]
    # The order of sends: valid jobs spread evenly through the garbage, each of the first
    # two sent twice more, later on.
    plan: list[tuple[str, Any]] = [("garbage", b) for b in bodies]
    for k, job in reversed(list(enumerate(valid))):
        plan.insert(round((k + 0.5) * n_garbage / n_valid), ("valid", job))
    for job in valid[:2]:
        at = next(i for i, (kind, item) in enumerate(plan) if item is job)
        for extra in (1, 2):
            plan.insert(min(at + extra * n_garbage // 10, len(plan)), ("again", job))
    client = sqs(stack, read_timeout=60)
    sent: list[tuple[str, str, str]] = []  # (kind, message id, body sha)
    garbage_ids: list[str] = []  # job ids the garbage carried, where it had one
    refused: Counter[str] = Counter()
    log(f"garbage: sending {len(bodies)} bodies and {n_valid} valid jobs (+4 repeats)")
    send_started = time.time()
    for kind, item in plan:
        if kind == "valid":
            enqueue(stack, item, client=client)
        elif kind == "again":
            send_again(stack, item, client)
        else:
            body_kind, body = item
            try:
                mid = client.send_message(QueueUrl=queue_url(stack), MessageBody=body)["MessageId"]
                sha = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
                sent.append((body_kind, mid, sha))
                with contextlib.suppress(Exception):
                    payload = json.loads(body)
                    if isinstance(payload, dict) and isinstance(payload.get("job_id"), str):
                        garbage_ids.append(payload["job_id"])
            except Exception as exc:
                refused[f"{body_kind}: {type(exc).__name__}"] += 1
    send_seconds = time.time() - send_started
    log(f"garbage: sent in {send_seconds:.0f}s; waiting for intake and the valid jobs")
    drained_at: list[float] = []

    def queue_empty() -> bool:
        if queue_depth(stack) == 0:
            if not drained_at:
                drained_at.append(time.time())
            return True
        return False

    deadline = time.time() + (12 if ctx.quick else 30) * 60
    wait_final(stack, valid, deadline, also=queue_empty)
    with contextlib.suppress(Exception):
        queue_empty()
    letters = judge(stack, out, valid)
    depth_left = queue_depth(stack)
    # The malformed bodies: each must be on the DLQ with a reason.
    by_original = {d.original_message_id or d.message_id: d for d in letters}
    by_sha = {d.body_sha: d for d in letters}
    missing: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    dead_lettered_at: list[float] = []
    for kind, mid, sha in sent:
        letter = by_original.get(mid) or by_sha.get(sha)
        if letter is not None and letter.sent_at:
            dead_lettered_at.append(letter.sent_at)
        if letter is None:
            missing[f"{kind} (not on the DLQ)"] += 1
        elif not letter.reason:
            missing[f"{kind} (on the DLQ without a reason)"] += 1
        else:
            reasons[letter.reason.split(":")[0][:60]] += 1
    out.malformed_sent = len(sent)
    out.malformed_missing = [f"{n} x {k}" for k, n in missing.most_common()]
    garbage_rows = query(
        stack, "select count(*) as n from jobs where id::text = any(%s)", [garbage_ids]
    )[0]["n"]
    # Latency: enqueue → run requested (intake) and enqueue → in_progress (run started).
    intake = [
        j["first_run_requested_s"] for j in out.jobs if j["first_run_requested_s"] is not None
    ]
    started = [
        j["enqueue_to_in_progress_s"] for j in out.jobs if j["enqueue_to_in_progress_s"] is not None
    ]
    out.latency = {
        "valid_jobs": n_valid,
        "bodies": len(bodies),
        "enqueue_to_run_requested_p50_s": percentile(intake, 0.5),
        "enqueue_to_run_requested_p95_s": percentile(intake, 0.95),
        "enqueue_to_in_progress_p50_s": percentile(started, 0.5),
        "enqueue_to_in_progress_p95_s": percentile(started, 0.95),
        "enqueue_to_in_progress_max_s": max(started) if started else None,
        "runs_requested_by": dict(Counter(r["by"] for j in out.jobs for r in j["runs"][:1])),
    }
    runs_per_job = Counter(len(j["runs"]) for j in out.jobs)
    out.extra.update(
        send_seconds=round(send_seconds, 1),
        refused_at_send=dict(refused),
        queue_drained_after_send_s=round(drained_at[0] - send_started - send_seconds, 1)
        if drained_at
        else None,
        queue_depth_at_end=depth_left,
        dlq_reasons=dict(reasons.most_common()),
        garbage_bodies_that_made_a_jobs_row=int(garbage_rows),
        runs_per_job=dict(runs_per_job),
        kinds=dict(Counter(k for k, _, _ in sent)),
    )
    if dead_lettered_at:
        span = max(dead_lettered_at) - send_started
        out.extra["last_garbage_dead_lettered_after_first_send_s"] = round(span, 1)
        out.extra["intake_bodies_per_second"] = round(len(dead_lettered_at) / max(span, 0.1), 2)
    drained = out.extra["queue_drained_after_send_s"]
    out.notes.append(
        f"{len(sent)} bodies of {len(out.extra['kinds'])} kinds sent in {send_seconds:.0f} s"
        + (f" ({sum(refused.values())} refused by SQS at send)" if refused else "")
        + "; the queue was "
        + (f"empty {drained:.0f} s after the last send" if drained is not None else "not empty")
        + f"; {out.extra['dlq_messages']} messages on the DLQ"
        + (
            f"; the last body was dead-lettered "
            f"{out.extra['last_garbage_dead_lettered_after_first_send_s']:.0f} s after the "
            f"first send (intake ≈ {out.extra['intake_bodies_per_second']:.1f} bodies/s)."
            if dead_lettered_at
            else "."
        )
    )
    statuses = Counter(j["status"] for j in out.jobs)
    out.notes.append(
        f"Valid jobs: {dict(statuses)}; runs per job {dict(runs_per_job)}; "
        f"garbage bodies that wrote a jobs row: {garbage_rows}."
    )
    out.details += [describe(j) for j in out.jobs]
    if fuzzer.dropped:
        out.details.append(
            "Generated bodies the domain model would run, so not sent as garbage: "
            + ", ".join(f"{n} {k}" for k, n in fuzzer.dropped.items())
        )
    out.details.append(
        "DLQ reasons (first words): " + "; ".join(f"{n} x {r}" for r, n in reasons.most_common(12))
    )
    return out


def _slowed_job(ctx: Context, label: str, delay_ms: int, others: list[str]) -> tuple[Job, bool]:
    """Enqueue a job whose first directory is slowed, and wait until its POST is in flight
    (the journal's intent is open and the site's handler has the request)."""
    stack = ctx.stack
    set_knobs(stack, {SLOW_SITE: {"submit_delay_ms": delay_ms}})
    before = ctx.slow_before = submissions_seen(stack, SLOW_SITE)
    job = ctx.jobs.new([SLOW_SITE, *others], label)
    enqueue(stack, job)
    in_flight = wait_post_in_flight(stack, job, SLOW_SITE, before, timeout=300)
    log(f"  {label}: POST to {SLOW_SITE} in flight: {in_flight}")
    return job, in_flight


def slow_site_note(ctx: Context) -> str:
    """How many POSTs reached the slowed site's handler in this scenario (the sandbox counts
    a POST on arrival, but stores it in the ledger only after the delay, when it reads the
    body: a POST whose sender died during the delay is counted here and not stored)."""
    try:
        seen = submissions_seen(ctx.stack, SLOW_SITE) - ctx.slow_before
    except httpx.HTTPError:
        return ""
    return (
        f"{SLOW_SITE}'s handler received {seen} POST(s) in this scenario (the sandbox stores "
        "a POST only after its submit delay, once it reads the body)."
    )


def _run_processes(stack: Stack, run_id: str) -> list[psutil.Process]:
    """The run's worker: the code server's child process whose tree carries the run id (its
    compute-log tails name it), with everything under it (step process, Playwright,
    Chromium)."""
    for process in stack.descendants():
        try:
            parent = process.parent()
        except psutil.Error:
            continue
        if parent is None or "api grpc" not in cmdline(parent):
            continue
        if "spawn_main" not in cmdline(process):
            continue
        tree = [process, *process.children(recursive=True)]
        if any(run_id in cmdline(p) for p in tree):
            return tree
    return []


def kill_worker(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("kill_worker", "kill -9 the run worker mid-POST")
    original = ctx.knobs
    job, in_flight = _slowed_job(ctx, "job", 30_000, ["citylocal-hub", "yellowbook-local"])
    runs = [r for r in runs_of(stack, job.job_id) if r.status == "STARTED"]
    tree = _run_processes(stack, runs[0].run_id) if runs else []
    names: Counter[str] = Counter()
    for process in tree:
        with contextlib.suppress(psutil.Error):
            names[process.name()] += 1
    fault_at = time.time()
    killed = kill_all(tree)
    restore_knobs(stack, original, [SLOW_SITE])
    log(f"  killed {len(killed)} processes of run {runs[0].run_id if runs else '?'}")
    out.notes.append(
        f"SIGKILL to the run worker and its {max(len(killed) - 1, 0)} descendants "
        f"({', '.join(f'{n} {k}' for k, n in names.items())}) "
        f"{'while' if in_flight else 'but NOT while'} the POST to {SLOW_SITE} was in flight."
    )
    if not killed:
        out.notes.append("No run worker process was found: the fault was not injected.")
    wait_final(stack, [job], fault_at + 12 * 60)
    judge(stack, out, [job], fault_at)
    out.details += [describe(j) for j in out.jobs]
    out.details.append(slow_site_note(ctx))
    return out


def kill_daemon(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("kill_daemon", "kill -9 the Dagster daemon mid-job, then restart")
    original = ctx.knobs
    job, in_flight = _slowed_job(ctx, "job", 30_000, ["citylocal-hub", "yellowbook-local"])
    daemons = [p for p in stack.descendants() if "dagster._daemon" in cmdline(p)]
    fault_at = time.time()
    killed = kill_all(daemons)
    log(f"  killed the daemon {killed}")
    code = stack.wait_exit(90)
    if code is not None:
        out.notes.append(
            f"`dagster dev` exits when its daemon dies, and `directory-pipeline dev` then stops "
            f"the whole stack (exit {code}, {time.time() - fault_at:.0f} s after the kill): "
            "the run in flight is killed with it. Restarted the stack on the same state dir "
            f"(same ports, Postgres data, Dagster storage, ledger; queues recreated empty)."
        )
        restart = stack.start()
        out.notes.append(f"Restart took {restart:.0f} s.")
    else:
        restore_knobs(stack, original, [SLOW_SITE])
        alive = [p for p in stack.descendants() if "dagster._daemon" in cmdline(p)]
        out.notes.append(
            f"The stack stayed up; daemon processes after the kill: {len(alive)} (restarted by "
            "`dagster dev`)."
        )
    out.extra["post_in_flight_at_kill"] = in_flight
    wait_final(stack, [job], fault_at + 12 * 60)
    judge(stack, out, [job], fault_at)
    out.details += [describe(j) for j in out.jobs]
    return out


def postgres_down(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("postgres_down", f"Postgres down for {OUTAGE_SECONDS} s during a job")
    original = ctx.knobs
    job, in_flight = _slowed_job(ctx, "job in flight", 20_000, ["citylocal-hub", "bizlist-wizard"])
    postgres = LocalPostgres(stack.state_dir / "postgres", stack.state.ports.postgres)
    fault_at = time.time()
    postgres.stop()
    down_at = time.time()
    log(f"  Postgres stopped in {down_at - fault_at:.1f}s")
    # A message that carries its profile for a job with no row (the row is the web shop's,
    # and it cannot write one now): intake must keep it until Postgres is back.
    orphan = ctx.jobs.new(["citylocal-hub", "yellowbook-local"], "message sent during outage")
    enqueue(stack, orphan, row=False)
    time.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.time()))
    postgres.start()
    up_at = time.time()
    log(f"  Postgres back after {up_at - down_at:.0f}s down")
    restore_knobs(stack, original, [SLOW_SITE])
    out.notes.append(
        f"`pg_ctl stop -m fast` while the POST to {SLOW_SITE} was "
        f"{'in flight' if in_flight else 'NOT yet in flight'}; down {up_at - down_at:.0f} s; "
        "a message carrying its profile (no row) was sent during the outage."
    )
    wait_final(stack, [job, orphan], up_at + 12 * 60)
    judge(stack, out, [job, orphan], fault_at)
    for j in out.jobs:
        if j["fault_to_final_s"] is not None:
            j["fault_to_final_s"] = round(j["fault_to_final_s"], 1)
    out.details += [describe(j) for j in out.jobs]
    out.details.append(slow_site_note(ctx))
    return out


def sqs_hung(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("sqs_hung", f"SQS endpoint not answering for {OUTAGE_SECONDS} s (SIGSTOP)")
    original = ctx.knobs
    job, _ = _slowed_job(ctx, "job in flight", 20_000, ["citylocal-hub", "yellowbook-local"])
    moto = [p for p in stack.descendants() if "moto.server" in cmdline(p)]
    fault_at = time.time()
    stopped = kill_all(moto, signal.SIGSTOP)
    try:
        during = ctx.jobs.new(["citylocal-hub", "bizlist-wizard"], "job enqueued during outage")
        enqueue(stack, during, client=sqs(stack, read_timeout=5, attempts=1))
        time.sleep(max(0.0, fault_at + OUTAGE_SECONDS - time.time()))
    finally:
        kill_all(moto, signal.SIGCONT)
    up_at = time.time()
    restore_knobs(stack, original, [SLOW_SITE])
    send = "failed (" + during.send_errors[0][:80] + ")" if during.send_errors else "succeeded"
    out.notes.append(
        f"moto SIGSTOPped ({len(stopped)} process) for {up_at - fault_at:.0f} s: connections "
        f"open but nothing answers. The shop's send during the outage {send}; its row was "
        "written."
    )
    wait_final(stack, [job, during], up_at + 12 * 60)
    judge(stack, out, [job, during], fault_at)
    out.details += [describe(j) for j in out.jobs]
    out.details.append(slow_site_note(ctx))
    return out


def sqs_killed(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("sqs_killed", "SQS endpoint killed (moto SIGKILL), stack restarted")
    job, _ = _slowed_job(ctx, "job in flight", 20_000, ["citylocal-hub", "yellowbook-local"])
    queued = ctx.jobs.new(["citylocal-hub", "bizlist-wizard"], "job queued at the kill")
    enqueue(stack, queued)
    moto = [p for p in stack.descendants() if "moto.server" in cmdline(p)]
    fault_at = time.time()
    kill_all(moto)
    code = stack.wait_exit(90)
    if code is None:
        restore_knobs(stack, ctx.knobs, [SLOW_SITE])
        out.notes.append("The stack kept running without its SQS server.")
    else:
        out.notes.append(
            f"`directory-pipeline dev` stops the whole stack when its SQS server exits (exit "
            f"{code}, {time.time() - fault_at:.0f} s after the kill), so moto cannot be "
            "restarted alone: restarted the stack on the same state dir. moto keeps queues in "
            "memory: the queue and DLQ come back empty, and a message not yet taken is gone."
        )
        restart = stack.start()
        out.notes.append(f"Restart took {restart:.0f} s.")
    up_at = time.time()
    wait_final(stack, [job, queued], up_at + 12 * 60)
    judge(stack, out, [job, queued], fault_at)
    out.details += [describe(j) for j in out.jobs]
    return out


def chromium_killed(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("chromium_killed", "Chromium killed mid-POST")
    original = ctx.knobs
    job, in_flight = _slowed_job(ctx, "job", 20_000, ["citylocal-hub", "bizlist-wizard"])
    browsers = [p for p in stack.descendants() if SESSION_SWITCH in cmdline(p)]
    tree = [q for p in browsers for q in (p, *p.children(recursive=True))]
    fault_at = time.time()
    killed = kill_all(tree)
    restore_knobs(stack, original, [SLOW_SITE])
    out.notes.append(
        f"SIGKILL to {len(browsers)} Chromium browser(s) of the run ({len(killed)} processes) "
        f"{'while' if in_flight else 'but NOT while'} the POST to {SLOW_SITE} was in flight."
    )
    wait_final(stack, [job], fault_at + 12 * 60)
    judge(stack, out, [job], fault_at)
    out.details += [describe(j) for j in out.jobs]
    out.details.append(slow_site_note(ctx))
    return out


def site_faults(ctx: Context) -> Outcome:
    stack = ctx.stack
    out = Outcome("site_5xx_timeout", "directories answering 5xx and timing out")
    original = ctx.knobs
    faults = {
        "bizlist-wizard": {"failure_rate": 1.0},  # every request 503, before the site
        "localpages-directory": {"latency_ms_min": 40_000, "latency_ms_max": 40_000},
        "yellowbook-local": {"submit_delay_ms": 150_000},  # the POST outlives the engine's wait
    }
    set_knobs(stack, faults)
    jobs = [
        ctx.jobs.new(["citylocal-hub", "bizlist-wizard"], "503 on every request"),
        ctx.jobs.new(["linkhaven-directory", "localpages-directory"], "40 s per request"),
        ctx.jobs.new(["yellowbook-local"], "POST answered after 150 s"),
    ]
    if ctx.hostile:
        jobs.append(ctx.jobs.new(HOSTILE_5XX, "stores the listing, answers 502/504"))
    else:
        out.notes.append("Hostile stored-then-5xx sites not in the catalog: not tried.")
    fault_at = time.time()
    for job in jobs:
        enqueue(stack, job)
    wait_final(stack, jobs, fault_at + 15 * 60)
    restore_knobs(stack, original, faults)
    judge(stack, out, jobs, fault_at)
    out.notes.append(
        "bizlist-wizard: failure_rate 1.0 (503 before the site); localpages-directory: "
        "40 s latency on every request; yellowbook-local: POST handled after 150 s"
        + (
            "; pinecrest-directory (502) and lakeshore-companies (504) store, then fail."
            if ctx.hostile
            else "."
        )
    )
    out.details += [describe(j).replace("after the fault began", "after enqueue") for j in out.jobs]
    return out


SCENARIOS: dict[str, Callable[[Context], Outcome]] = {
    "garbage": garbage,
    "kill_worker": kill_worker,
    "kill_daemon": kill_daemon,
    "postgres_down": postgres_down,
    "sqs_hung": sqs_hung,
    "sqs_killed": sqs_killed,
    "chromium_killed": chromium_killed,
    "site_5xx_timeout": site_faults,
}
INTAKE_STACK = {"garbage"}  # production defaults: reconciliation must not mask intake


# ---------------------------------------------------------------------------------------
# Running and reporting


def stack_env(
    *,
    grace_minutes: float,
    stalled_minutes: float,
    redelivery_seconds: int,
    catalog: Path | None,
    code: Path,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS.values() and k != STATE_DIR_ENV}
    env.update(
        PENDING_JOB_GRACE_MINUTES=str(grace_minutes),
        STALLED_JOB_MINUTES=str(stalled_minutes),
        SQS_REDELIVERY_SECONDS=str(redelivery_seconds),
        CREWAI_DISABLE_TELEMETRY="true",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(code),  # the snapshot shadows the editable install of the checkout
    )
    if catalog is not None:
        env["DIRECTORY_CATALOG"] = str(catalog)
    return env


def hostile_catalog(path: Path, sandbox_port: int) -> None:
    """The shipped catalog plus the hostile stored-then-5xx sandbox pages, as the base
    catalog (`DIRECTORY_CATALOG`) the stack adds its sandbox sites to (the hostile pages are
    not among those)."""
    shipped = yaml.safe_load(
        resources.files("directory_pipeline.data").joinpath("catalog.yaml").read_text()
    )
    for slug in HOSTILE_5XX:
        site = get_site(slug)
        shipped["directories"].append(
            {
                "slug": slug,
                "name": site.name,
                "submit_url": f"http://{slug}.localhost:{sandbox_port}{site.form_path}",
                "tier": "starter",
                "sandbox": True,
                "hosts": [f"{slug}.localhost"],
                "max_concurrency": 2,
                "min_interval_seconds": 0.0,
            }
        )
    path.write_text(yaml.safe_dump(shipped))


def run_group(
    names: list[str],
    root: Path,
    stack_name: str,
    jobs: Jobs,
    quick: bool,
    code: tuple[Path, dict[str, Any]],
) -> list[Outcome]:
    state_dir = root / stack_name
    intake = stack_name == "intake"
    stack = Stack(stack_name, state_dir, {}, code[0])
    ports = stack.seed_ports()
    catalog = None if intake else root / "catalog-with-hostile.yaml"
    if catalog is not None:
        hostile_catalog(catalog, ports["sandbox"])
    stack.env = stack_env(
        grace_minutes=10 if intake else 1,
        stalled_minutes=15 if intake else 1,
        redelivery_seconds=10 if intake else 2,
        catalog=catalog,
        code=code[0],
    )
    outcomes: list[Outcome] = []
    try:
        stack.start()
    except Exception as exc:
        log(f"stack {stack_name} failed to start: {exc}")
        return [
            Outcome(n, n, ran=False, why_not=f"the local stack did not start: {exc}") for n in names
        ]
    try:
        hostile = catalog is not None and stack.state.ports.sandbox == ports["sandbox"]
        ctx = Context(stack=stack, jobs=jobs, quick=quick, hostile=hostile)
        for name in names:
            log(f"scenario {name}")
            started = time.monotonic()
            try:
                if stack.exited() is not None:
                    stack.start()
                outcome = SCENARIOS[name](ctx)
            except Exception as exc:
                log(f"scenario {name} could not be completed: {exc!r}")
                outcome = Outcome(name, name, ran=False, why_not=f"{type(exc).__name__}: {exc}")
            outcome.seconds = round(time.monotonic() - started, 1)
            outcome.extra["code"] = code[1]
            outcome.mode = "quick" if quick else "full"
            outcome.ran_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            log(
                f"scenario {name} done in {outcome.seconds:.0f}s: lost {len(outcome.lost)}, "
                f"twice {len(outcome.submitted_twice)}, false {len(outcome.false_submitted)}, "
                f"valid in DLQ {len(outcome.valid_in_dlq)}"
            )
            outcomes.append(outcome)
    finally:
        stack.stop()
    return outcomes


def _count(items: list[str] | None, applicable: bool = True) -> str:
    if not applicable or items is None:
        return "n/a"
    return "**0**" if not items else f"**{len(items)}** ⚠"


def render(data: dict[str, Any]) -> str:
    scenarios: dict[str, dict[str, Any]] = data["scenarios"]
    order = [n for n in SCENARIOS if n in scenarios]
    lines = [
        "# Fault suite: what a paid job survives",
        "",
        "Produced by `uv run --extra local python benchmarks/faults/run_faults.py` (see README.md "
        "here) on the "
        "local stack (`directory-pipeline dev`: embedded Postgres, moto SQS, sandbox sites, "
        "Dagster dev), 2 cores, with the test suite often running alongside. Every number is "
        "read from outside the product: `jobs`, `job_results`, `submission_attempts`, the SQS "
        "queue and DLQ, the sandbox ledger and Dagster's runs.",
        "",
        "| scenario | jobs lost | directories submitted twice | false `submitted` "
        "| malformed not in DLQ with reason | valid jobs in DLQ | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in order:
        s = scenarios[name]
        if not s["ran"]:
            lines.append(f"| {s['title']} | - | - | - | - | - | not run: {s['why_not']} |")
            continue
        malformed = s["malformed_missing"]
        notes = " ".join(s["notes"]).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {s['title']} ({s['mode']}, {s['valid_jobs']} valid jobs, {s['seconds']:.0f} s) "
            f"| {_count(s['lost'])} | {_count(s['submitted_twice'])} "
            f"| {_count(s['false_submitted'])} | {_count(malformed, malformed is not None)} "
            f"| {_count(s['valid_in_dlq'])} | {notes} |"
        )
    g = scenarios.get("garbage")
    if g and g.get("latency"):
        lat = g["latency"]

        def fmt(v: float | None) -> str:
            return "-" if v is None else f"{v:.1f} s"

        lines += [
            "",
            f"**Intake latency with the garbage on the queue** ({lat['valid_jobs']} valid jobs "
            f"among {lat['bodies']} bodies, {g['mode']} run; goal p50 ≤ 5 s, p95 ≤ 15 s):",
            "",
            f"- enqueue → run requested (intake): p50 {fmt(lat['enqueue_to_run_requested_p50_s'])},"
            f" p95 {fmt(lat['enqueue_to_run_requested_p95_s'])}",
            f"- enqueue → `in_progress` (the run has started): p50 "
            f"{fmt(lat['enqueue_to_in_progress_p50_s'])}, p95 "
            f"{fmt(lat['enqueue_to_in_progress_p95_s'])}, max "
            f"{fmt(lat['enqueue_to_in_progress_max_s'])}",
            f"- first run of each job requested by: {lat['runs_requested_by']}",
        ]
    lines += ["", "## What each fault did", ""]
    for name in order:
        s = scenarios[name]
        lines.append(f"### {s['title']}")
        lines.append("")
        if not s["ran"]:
            lines += [f"Not run: {s['why_not']}", ""]
            continue
        code = s.get("extra", {}).get("code", {})
        changed = len(code.get("uncommitted_product_files", []))
        lines.append(
            f"Run {s['ran_at']} ({s['mode']}), {s['seconds']:.0f} s, on commit "
            f"{code.get('commit', '?')}"
            + (f" + uncommitted changes in {changed} product files" if changed else "")
            + f" (package hash {code.get('package_sha256', '?')})."
        )
        lines.append("")
        for note in s["notes"]:
            lines.append(f"- {note}")
        for detail in s["details"]:
            lines.append(f"- {detail}")
        for label, key in [
            ("Jobs lost", "lost"),
            ("Submitted twice", "submitted_twice"),
            ("False submitted", "false_submitted"),
            ("Valid jobs in the DLQ", "valid_in_dlq"),
            ("Malformed bodies not in the DLQ with a reason", "malformed_missing"),
        ]:
            if s.get(key):
                lines.append(f"- ⚠ {label}: {'; '.join(s[key])}")
        lines.append("")
    analysis = data.get("analysis")
    if analysis:
        lines += [ANALYSIS_MARK, analysis.strip(), ""]
    return "\n".join(lines) + "\n"


ANALYSIS_MARK = "<!-- analysis: hand-written below this line, kept when the script rewrites -->"


def main() -> None:
    parser = argparse.ArgumentParser(description="Fault suite on the local stack.")
    parser.add_argument("--quick", action="store_true", help="200 bodies and 6 valid jobs")
    parser.add_argument("--only", default="", help=f"comma-separated: {', '.join(SCENARIOS)}")
    parser.add_argument("--out-dir", type=Path, default=HERE)
    parser.add_argument("--keep-state", action="store_true", help="keep the stacks' state dirs")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(unknown)}")
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="faults-"))
    log(f"state in {root}")
    jobs = Jobs("".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=4)))
    outcomes: list[Outcome] = []
    code = snapshot_code(root)
    log(f"product code: {code[1]}")
    try:
        intake = [n for n in names if n in INTAKE_STACK]
        faults = [n for n in names if n not in INTAKE_STACK]
        if intake:
            outcomes += run_group(intake, root, "intake", jobs, args.quick, code)
        if faults:
            outcomes += run_group(faults, root, "faults", jobs, args.quick, code)
    finally:
        if args.keep_state:
            log(f"state kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    json_path = args.out_dir / "results.json"
    md_path = args.out_dir / "results.md"
    data: dict[str, Any] = {"scenarios": {}}
    if json_path.exists():
        with contextlib.suppress(ValueError):
            data = json.loads(json_path.read_text())
    if md_path.exists() and ANALYSIS_MARK in md_path.read_text():
        data["analysis"] = md_path.read_text().split(ANALYSIS_MARK, 1)[1]
    for outcome in outcomes:
        data["scenarios"][outcome.name] = asdict(outcome)
    data["last_run"] = {
        "mode": "quick" if args.quick else "full",
        "scenarios": names,
        "wall_seconds": round(time.monotonic() - started, 1),
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code[1],
    }
    json_path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    md_path.write_text(render(data))
    log(f"wrote {md_path} and {json_path} after {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
