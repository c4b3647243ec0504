"""Scale model: 1,000 paid jobs x 100 directories on a Dagster instance with Postgres storage.

    PYTHONPATH=. python benchmarks/scale/scale_model.py [--jobs 1000] [--directories 100]

Starts an embedded Postgres (`directory_pipeline/local/postgres.py`) holding two databases:
`dagster` (Dagster's run, event-log and schedule storage, configured as in
`docs/deploy/dagster.production.yaml`) and `directory_pipeline` (the project's tables,
migrated). Nothing is executed in a browser; what a run leaves in Dagster is written directly:

1. **Partitions.** Jobs arrive `--batch` per sensor tick. Each tick does what
   `sqs_job_sensor` and the daemon do: one `job_run_ids(limit=1)` per job (the intake's
   `has_run`), `partition_requests(...)` (which lists the directory partitions), then the
   daemon's handling of the requests (`has_dynamic_partition` per key, then
   `add_dynamic_partitions`) and the runs it creates (`add_run`, run key + job tag).
2. **Event log.** For each job, its run's 100 `listing_submission` materializations (metadata
   shaped like `submission_metadata`, with a preview image of the size a real run stores) and
   one `paid_job` materialization, stored in one batch per job, as the run's events.
   At checkpoints (e.g. 100, 300, 1,000 jobs) it times the sensor lookups and the
   UI's GraphQL partition queries against a `dagster-webserver` serving the code location
   with the production resource set.
3. **Retention.** `jobs` rows for every job (created 0-180 days ago, most finished), then the
   `partition_retention` Dagster job in process; the live set before and after, and the
   GraphQL queries again.

Background load is sampled throughout (`machine_load.py`). Writes `scale_model.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import psycopg
import yaml
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from machine_load import LoadMonitor

from directory_pipeline.defs.job_lifecycle import has_live_run
from directory_pipeline.defs.partitions import (
    DIRECTORIES,
    JOB_TAG,
    JOBS,
    job_run_ids,
    partition_requests,
    submission_key,
)
from directory_pipeline.defs.resource_sets import PRODUCTION_VARIABLES
from directory_pipeline.defs.resources import JobPolicyResource, SupabaseResource
from directory_pipeline.defs.retention import partition_retention
from directory_pipeline.local.ports import free_port
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.store.migrate import migrate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "scale_model.json"
OVERHEAD = HERE / "job_overhead.json"
PRODUCTION_YAML = ROOT / "docs" / "deploy" / "dagster.production.yaml"
RUN_JOB = "submit_listings"
NUMBERS = {
    "LLM_TIMEOUT_SECONDS": "60",
    "SUBMISSION_PARALLELISM": "2",
    "PENDING_JOB_GRACE_MINUTES": "10",
    "STALLED_JOB_MINUTES": "15",
    "SQS_REDELIVERY_SECONDS": "60",
    "JOB_PARTITION_RETENTION_DAYS": "90",
}


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def stats_ms(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2),
        "max_ms": round(ms[-1], 2),
    }


# --- setup -------------------------------------------------------------------------------


def write_instance_yaml(home: Path) -> None:
    """The production storage, coordinator and sensor settings; no ECS launcher."""
    production = yaml.safe_load(PRODUCTION_YAML.read_text())
    config = {k: production[k] for k in ("storage", "run_coordinator", "sensors", "telemetry")}
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))


def production_env(home: Path, dagster_dsn: str, project_dsn: str) -> dict[str, str]:
    """The environment a production code location gets, with dummy values that let the
    definitions load (nothing here reaches SQS or a browser)."""
    dummies = {name: "" for name in PRODUCTION_VARIABLES}
    dummies.update(NUMBERS)
    dummies.update(
        DATABASE_URL=project_dsn,
        SQS_QUEUE_URL="https://sqs.invalid/queue",
        SQS_DLQ_URL="https://sqs.invalid/dlq",
        AWS_REGION="us-east-1",
        EVIDENCE_ROOT=str(home.parent / "evidence"),
        ANALYTICS_ROOT=str(home.parent / "analytics"),
    )
    return {
        **os.environ,
        **dummies,
        "DAGSTER_HOME": str(home),
        "DAGSTER_POSTGRES_URL": dagster_dsn,
        "DIRECTORY_PIPELINE_DEPLOYMENT": "production",
        "PYTHONPATH": str(ROOT),
    }


@contextmanager
def webserver(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    argv = [str(Path(sys.executable).with_name("dagster-webserver"))]
    argv += ["-m", "directory_pipeline.definitions", "-h", "127.0.0.1", "-p", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        wait_loaded(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


_LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries { loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def wait_loaded(url: str, process: subprocess.Popen[bytes], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("dagster-webserver exited")
        try:
            data = httpx.post(url, json={"query": _LOCATIONS}, timeout=5).json()["data"]
            entries = data["workspaceOrError"]["locationEntries"]
            errors = [e["locationOrLoadError"] for e in entries]
            if any(e and e["__typename"] == "PythonError" for e in errors):
                raise RuntimeError(f"code location failed: {errors}")
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                return
        except (httpx.HTTPError, KeyError, TypeError, ValueError):
            pass
        time.sleep(1)
    raise RuntimeError("webserver did not load the code location")


# --- phase 1: partitions and runs, tick by tick --------------------------------------------


def apply_requests(
    instance: dg.DagsterInstance, requests: list[dg.AddDynamicPartitionsRequest]
) -> None:
    """What the sensor daemon does with a tick's partition requests."""
    for request in requests:
        keys = list(request.partition_keys)
        new = [
            k for k in keys if not instance.has_dynamic_partition(request.partitions_def_name, k)
        ]
        if new:
            instance.add_dynamic_partitions(request.partitions_def_name, new)


def add_run(instance: dg.DagsterInstance, job_id: str) -> str:
    """The run the daemon creates for a job's run request (queued runs are not executed)."""
    run = dg.DagsterRun(
        job_name=RUN_JOB,
        run_id=str(uuid.uuid4()),
        status=dg.DagsterRunStatus.SUCCESS,
        tags={
            JOB_TAG: job_id,
            "dagster/partition": job_id,
            "dagster/run_key": job_id,
            "dagster/sensor_name": "sqs_job_sensor",
            "directory_pipeline/kind": "submission",
        },
    )
    return instance.add_run(run).run_id


def sensor_tick(
    instance: dg.DagsterInstance, batch: list[str], slugs: list[str]
) -> tuple[dict[str, float], list[str]]:
    has_run_s, _ = timed(lambda: [job_run_ids(instance, j, limit=1) for j in batch])
    requests_s, requests = timed(lambda: partition_requests(instance, batch, slugs))
    apply_s, _ = timed(lambda: apply_requests(instance, requests))
    runs_s, run_ids = timed(lambda: [add_run(instance, j) for j in batch])
    costs = {"has_run": has_run_s, "partition_requests": requests_s, "apply": apply_s}
    costs["add_runs"] = runs_s
    return costs, run_ids


def partitions_phase(
    instance: dg.DagsterInstance, jobs: list[str], slugs: list[str], batch: int
) -> tuple[dict[str, Any], dict[str, str]]:
    ticks: list[dict[str, float]] = []
    runs: dict[str, str] = {}
    started = time.perf_counter()
    for i in range(0, len(jobs), batch):
        chunk = jobs[i : i + batch]
        costs, run_ids = sensor_tick(instance, chunk, slugs)
        ticks.append(costs)
        runs.update(zip(chunk, run_ids, strict=True))
    total = time.perf_counter() - started
    edge = max(1, len(ticks) // 10)
    summary: dict[str, Any] = {
        "ticks": len(ticks),
        "jobs_per_tick": batch,
        "total_s": round(total, 2),
    }
    for name in ticks[0]:
        summary[name] = {
            "first_tenth": stats_ms([t[name] for t in ticks[:edge]]),
            "last_tenth": stats_ms([t[name] for t in ticks[-edge:]]),
        }
    summary["tick_total_last_tenth"] = stats_ms([sum(t.values()) for t in ticks[-edge:]])
    summary["first_tick_s"] = round(sum(ticks[0].values()), 3)
    return summary, runs


# --- phase 2: the event log ----------------------------------------------------------------


def preview_b64(size: int) -> str:
    raw = random.randbytes(size * 3 // 4)
    import base64

    return base64.b64encode(raw).decode()


def submission_metadata(slug: str, status: str, preview: str) -> dict[str, Any]:
    """The keys `defs/submissions.submission_metadata` writes for a submitted directory."""
    timings = ("open", "capture", "map", "fill", "submit", "judge", "evidence")
    metadata: dict[str, Any] = {
        "status": dg.MetadataValue.text(status),
        "directory": dg.MetadataValue.text(slug.replace("-", " ").title()),
        "attempts": dg.MetadataValue.int(1),
        "duration_s": dg.MetadataValue.float(round(random.uniform(2, 9), 2)),
        "plan_source": dg.MetadataValue.text("cache"),
        "reused_earlier_attempt": dg.MetadataValue.bool(False),
        "confirmation_text": dg.MetadataValue.text("Thanks! Your listing was received."),
        "final_url": dg.MetadataValue.url(f"https://{slug}.example/thanks?id=123456"),
        "evidence": dg.MetadataValue.text(f"s3://evidence/jobs/{slug}/attempt-1"),
        "screenshot": dg.MetadataValue.text(f"s3://evidence/jobs/{slug}/attempt-1/page.png"),
        "preview": dg.MetadataValue.md(f"![what the engine saw](data:image/jpeg;base64,{preview})"),
    }
    for name in timings:
        metadata[f"timing_{name}"] = dg.MetadataValue.float(round(random.uniform(0.1, 2), 2))
    return metadata


def materialization_entry(run_id: str, materialization: dg.AssetMaterialization) -> EventLogEntry:
    event = DagsterEvent(
        event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
        job_name=RUN_JOB,
        step_key="paid_job",
        event_specific_data=StepMaterializationData(materialization),
        message=f"Materialized value {materialization.asset_key.to_user_string()}.",
    )
    return EventLogEntry(
        error_info=None,
        level=logging.DEBUG,
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        step_key="paid_job",
        job_name=RUN_JOB,
        dagster_event=event,
    )


def job_events(
    job_id: str, run_id: str, slugs: list[str], preview_bytes: int
) -> list[EventLogEntry]:
    preview = preview_b64(preview_bytes)
    entries = []
    for slug in slugs:
        status = "submitted" if random.random() < 0.8 else "needs_review"
        materialization = dg.AssetMaterialization(
            asset_key="listing_submission",
            partition=submission_key(job_id, slug),
            metadata=submission_metadata(slug, status, preview),
            tags={"directory_pipeline/status": status},
        )
        entries.append(materialization_entry(run_id, materialization))
    return entries


def store_job(
    instance: dg.DagsterInstance, job_id: str, run_id: str, slugs: list[str], preview: int
) -> None:
    storage = instance.event_log_storage
    storage.store_event_batch(job_events(job_id, run_id, slugs, preview))
    summary = dg.AssetMaterialization(
        asset_key="paid_job",
        partition=job_id,
        metadata={"job_status": "completed", "directories": dg.MetadataValue.json(slugs)},
    )
    storage.store_event(materialization_entry(run_id, summary))


# --- measurements ---------------------------------------------------------------------------

_STATS = """query ($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
  ... on AssetNode { partitionStats {
    numMaterialized numPartitions numFailed numMaterializing } } } }"""
_STATUSES = """query ($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
  ... on AssetNode { assetPartitionStatuses { __typename
    ... on DefaultPartitionStatuses {
      materializedPartitions failedPartitions materializingPartitions }
    ... on MultiPartitionStatuses { primaryDimensionName ranges {
      primaryDimStartKey primaryDimEndKey secondaryDim {
        ... on DefaultPartitionStatuses { materializedPartitions failedPartitions } } } }
  } } } }"""
_KEYS = """query ($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
  ... on AssetNode { partitionKeysByDimension { name partitionKeys } } } }"""
QUERIES = {"partition_stats": _STATS, "partition_statuses": _STATUSES, "partition_keys": _KEYS}


def graphql(url: str, query: str, asset: str) -> tuple[float, int, dict[str, Any]]:
    variables = {"key": {"path": [asset]}}
    started = time.perf_counter()
    response = httpx.post(url, json={"query": query, "variables": variables}, timeout=300)
    elapsed = time.perf_counter() - started
    body = response.json()
    if "errors" in body:
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    return elapsed, len(response.content), body["data"]["assetNodeOrError"]


def ui_queries(url: str, repeats: int) -> dict[str, Any]:
    """Each query once cold (first after new events: Dagster refreshes its cached status) and
    `repeats` times warm, for both partitioned assets."""
    out: dict[str, Any] = {}
    for asset in ("listing_submission", "paid_job"):
        for name, query in QUERIES.items():
            cold, size, data = graphql(url, query, asset)
            warm = [graphql(url, query, asset)[0] for _ in range(repeats)]
            row: dict[str, Any] = {"cold_ms": round(cold * 1000, 1), "bytes": size}
            row["warm"] = stats_ms(warm)
            if name == "partition_stats":
                row["stats"] = data.get("partitionStats")
            out[f"{asset}.{name}"] = row
    return out


def sensor_lookups(
    instance: dg.DagsterInstance, jobs: list[str], slugs: list[str], sample: int
) -> dict[str, Any]:
    chosen = random.sample(jobs, min(sample, len(jobs)))
    new_job = [str(uuid.uuid4())]
    calls: dict[str, Callable[[str], Any]] = {
        "has_run (limit 1)": lambda j: job_run_ids(instance, j, limit=1),
        "has_live_run": lambda j: has_live_run(instance, j),
        "all runs of a job": lambda j: job_run_ids(instance, j),
        "partition_requests (1 new job)": lambda _: partition_requests(instance, new_job, slugs),
        "get_dynamic_partitions(jobs)": lambda _: instance.get_dynamic_partitions(JOBS),
    }
    return {
        name: stats_ms([timed(lambda j=j, call=call: call(j))[0] for j in chosen])
        for name, call in calls.items()
    }


def table_sizes(dsn: str) -> dict[str, dict[str, int]]:
    tables = ("event_logs", "asset_event_tags", "runs", "run_tags", "dynamic_partitions")
    sizes: dict[str, dict[str, int]] = {}
    with psycopg.connect(dsn) as conn:
        for table in tables:
            row = conn.execute(
                f"select count(*), pg_total_relation_size('{table}') from {table}"
            ).fetchone()
            assert row is not None
            sizes[table] = {"rows": row[0], "bytes": row[1]}
    return sizes


def checkpoint(
    instance: dg.DagsterInstance, url: str, jobs: list[str], slugs: list[str], args: Any, dsn: str
) -> dict[str, Any]:
    return {
        "sensor_lookups": sensor_lookups(instance, jobs, slugs, args.sample),
        "ui_graphql": ui_queries(url, args.repeats),
        "tables": table_sizes(dsn),
    }


# --- phase 3: retention --------------------------------------------------------------------


def insert_job_rows(dsn: str, jobs: list[str], max_age_days: float) -> dict[str, int]:
    """One `jobs` row per job, created evenly over the last `max_age_days`; one in ten of
    the old ones is still in progress (never retired)."""
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i, job_id in enumerate(jobs):
        created = now - dt.timedelta(days=max_age_days * i / len(jobs))
        status = "in_progress" if i % 10 == 0 else "completed"
        rows.append((job_id, str(uuid.uuid4()), "enterprise", status, 100, 100, created))
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.executemany(
            """insert into jobs (id, customer_id, package, status, directories_total,
                                 directories_done, created_at) values (%s,%s,%s,%s,%s,%s,%s)""",
            rows,
        )
        old = conn.execute(
            "select count(*) filter (where status = 'completed'), count(*) from jobs "
            "where created_at < now() - interval '90 days'"
        ).fetchone()
    assert old is not None
    return {"rows": len(rows), "older_than_90d_finished": old[0], "older_than_90d": old[1]}


def retention_phase(instance: dg.DagsterInstance, dsn: str) -> dict[str, Any]:
    resources = {
        "supabase": SupabaseResource(database_url=dsn),
        "policy": JobPolicyResource(retention_days=90),
    }
    before = len(instance.get_dynamic_partitions(JOBS))
    seconds, result = timed(
        lambda: partition_retention.execute_in_process(instance=instance, resources=resources)
    )
    after = len(instance.get_dynamic_partitions(JOBS))
    again_s, again = timed(
        lambda: partition_retention.execute_in_process(instance=instance, resources=resources)
    )
    return {
        "live_job_partitions_before": before,
        "retired": result.output_for_node("retire_old_job_partitions"),
        "live_job_partitions_after": after,
        "run_s": round(seconds, 2),
        "second_run_retired": again.output_for_node("retire_old_job_partitions"),
        "second_run_s": round(again_s, 2),
        "directories_live": len(instance.get_dynamic_partitions(DIRECTORIES)),
    }


# --- the storage URL ------------------------------------------------------------------------

PSYCOPG2_URL = "postgresql+psycopg2://"


def probe_plain_url(home: Path, dsn: str) -> str:
    """Whether Dagster's Postgres event log can store an event through a plain
    `postgresql://` URL, the form the deploy docs and tests use. SQLAlchemy 2.1 (locked)
    resolves it to psycopg 3, where dagster-postgres' `NOTIFY run_events, $1` fails."""
    os.environ["DAGSTER_POSTGRES_URL"] = dsn
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        instance.report_runless_asset_event(dg.AssetMaterialization("driver_probe"))
    except Exception as exc:
        return f"fails: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        instance.dispose()
    return "ok"


# --- main ----------------------------------------------------------------------------------


def measured_preview_bytes(default: int) -> int:
    """The median preview size real runs stored (job_overhead.json), else `default`."""
    if not OVERHEAD.exists():
        return default
    sizes = [
        s for j in json.loads(OVERHEAD.read_text())["jobs"] for s in j["event_log"]["preview_bytes"]
    ]
    return int(statistics.median(sizes)) if sizes else default


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--directories", type=int, default=100)
    parser.add_argument("--batch", type=int, default=10, help="jobs per sensor tick")
    parser.add_argument("--checkpoints", default="100,300,1000", help="jobs with events")
    parser.add_argument("--preview-bytes", type=int, default=0, help="0: from job_overhead.json")
    parser.add_argument("--sample", type=int, default=50, help="jobs per lookup timing")
    parser.add_argument("--repeats", type=int, default=3, help="warm GraphQL repeats")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the Postgres data dir")
    return parser.parse_args()


def fill_and_measure(
    instance: dg.DagsterInstance,
    url: str,
    runs: dict[str, str],
    slugs: list[str],
    args: argparse.Namespace,
    dsn: str,
    load: LoadMonitor,
) -> list[dict[str, Any]]:
    jobs = list(runs)
    checkpoints = sorted({min(int(c), len(jobs)) for c in args.checkpoints.split(",")})
    results: list[dict[str, Any]] = []
    done = 0
    for target in checkpoints:
        started, wall = time.perf_counter(), time.time()
        for job_id in jobs[done:target]:
            store_job(instance, job_id, runs[job_id], slugs, args.preview_bytes)
        fill_s = time.perf_counter() - started
        fill_jobs, done = target - done, target
        print(f"events of {done} jobs stored ({fill_s:.1f}s); measuring", flush=True)
        measure_wall = time.time()
        row = {"jobs_with_events": done, "fill_s": round(fill_s, 1), "fill_jobs": fill_jobs}
        row.update(checkpoint(instance, url, jobs, slugs, args, dsn))
        row["load_fill"] = load.window(wall, measure_wall)
        row["load_measure"] = load.window(measure_wall, time.time())
        results.append(row)
    return results


def main() -> None:
    args = parse_args()
    random.seed(args.seed)
    args.preview_bytes = args.preview_bytes or measured_preview_bytes(12_000)
    work = Path(tempfile.mkdtemp(prefix="scale-model-"))
    postgres = LocalPostgres(work / "postgres", free_port())
    result: dict[str, Any] = {"args": vars(args), "dagster_version": dg.__version__}
    with LoadMonitor() as load:
        postgres.start()
        try:
            postgres.ensure_database("dagster")
            project_dsn = postgres.dsn()
            migrate(project_dsn)
            home = work / "dagster_home"
            write_instance_yaml(home)
            result["plain_url_probe"] = probe_plain_url(home, postgres.dsn("dagster"))
            dagster_dsn = postgres.dsn("dagster").replace("postgresql://", PSYCOPG2_URL)
            env = production_env(home, dagster_dsn, project_dsn)
            os.environ["DAGSTER_POSTGRES_URL"] = dagster_dsn
            instance = dg.DagsterInstance.from_config(str(home))
            result.update(run_phases(instance, env, work, args, project_dsn, dagster_dsn, load))
        finally:
            postgres.stop()
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)  # about 1.5 GB of Postgres data
    result["load_whole_run"] = load.window(load.samples[0].at, load.samples[-1].at)
    result["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    OUT.write_text(json.dumps(result, indent=2))
    print(f"wrote {OUT}")


def run_phases(
    instance: dg.DagsterInstance,
    env: dict[str, str],
    work: Path,
    args: argparse.Namespace,
    project_dsn: str,
    dagster_dsn: str,
    load: LoadMonitor,
) -> dict[str, Any]:
    slugs = [f"directory-{n:03d}" for n in range(args.directories)]
    dagster_dsn = dagster_dsn.replace(PSYCOPG2_URL, "postgresql://")  # for psycopg 3 here
    jobs = [str(uuid.UUID(int=random.getrandbits(128), version=4)) for _ in range(args.jobs)]
    wall = time.time()
    partitions, runs = partitions_phase(instance, jobs, slugs, args.batch)
    partitions["load"] = load.window(wall, time.time())
    print(f"partitions: {partitions['total_s']}s for {args.jobs} jobs", flush=True)
    with webserver(env, work / "webserver.log") as url:
        checkpoints = fill_and_measure(instance, url, runs, slugs, args, dagster_dsn, load)
        rows = insert_job_rows(project_dsn, jobs, max_age_days=180)
        wall = time.time()
        retention = retention_phase(instance, project_dsn)
        retention["jobs_rows"] = rows
        retention["load"] = load.window(wall, time.time())
        wall = time.time()
        after = checkpoint(instance, url, jobs, slugs, args, dagster_dsn)
        after["load_measure"] = load.window(wall, time.time())
    return {
        "preview_bytes": args.preview_bytes,
        "partitions": partitions,
        "checkpoints": checkpoints,
        "retention": retention,
        "after_retention": after,
    }


if __name__ == "__main__":
    main()
