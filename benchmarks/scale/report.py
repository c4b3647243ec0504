"""Turns `job_overhead.json` and `scale_model.json` into `results.md` and `results.json`.

    python benchmarks/scale/report.py

Also derives the event-log size of a 100-directory job from the real runs' footprint: what a
run writes once (run, step and check events) plus, per directory, its materialization and
its log line, measured on the real small runs and scaled to 100 directories.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PER_DIRECTORY = (
    "DIRECTORY: listing_submission materialization",
    "DIRECTORY: outcome log line",
)
GOAL_S = 15.0


def load_note(window: dict[str, Any]) -> str:
    if not window.get("samples"):
        return "-"
    return (
        f"load1 {window['load1_mean']}, others {window['others_cpu_pct_mean']}% "
        f"(max {window['others_cpu_pct_max']}%)"
    )


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


# --- job overhead --------------------------------------------------------------------------


def overhead_tables(data: dict[str, Any]) -> list[str]:
    jobs = data["jobs"]
    names = list(jobs[0]["spans_s"]) if jobs else []
    warm = jobs[1:]
    lines = [
        f"Measured {data['measured_at']}, Dagster {data['dagster_version']}, "
        f"{data['machine']['cpus']} CPUs, package `{data['package']}` "
        f"({jobs[0]['directories'] if jobs else '?'} sandbox directories per job), "
        f"{len(jobs)} jobs one after the other; stack ready in {data['stack_ready_s']} s. "
        f"Whole run: {load_note(data['load_whole_run'])}.",
        "",
        "| span | p50 s (all) | max s (all) | p50 s (jobs 2+) | max s (jobs 2+) |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        every = [j["spans_s"][name] for j in jobs if name in j["spans_s"]]
        later = [j["spans_s"][name] for j in warm if name in j["spans_s"]]
        cells = [
            f"{statistics.median(v):.2f} | {max(v):.2f}" if v else "- | -" for v in (every, later)
        ]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    lines += ["", *where_time_goes(jobs[1:] or jobs)]
    lines += ["", "Per job (seconds from the enqueue; the load over each job's window):", ""]
    keys = ["enqueue → run requested", "enqueue → run started", "enqueue → job body"]
    keys += ["enqueue → first intent", "enqueue → run finished"]
    lines.append("| job | run | " + " | ".join(k.split("→ ")[1] for k in keys) + " | load |")
    lines.append("|---" * (len(keys) + 3) + "|")
    for n, job in enumerate(jobs, 1):
        cells = [str(job["spans_s"].get(k, "-")) for k in keys]
        lines.append(
            f"| {n} | {job['run_status']} | " + " | ".join(cells) + f" | {load_note(job['load'])} |"
        )
    return lines


STAGES = [
    "enqueue → run requested",
    "run requested → launched",
    "launched → run started",
    "run started → step started",
    "step started → job body",
    "job body → first intent",
]


def where_time_goes(jobs: list[dict[str, Any]]) -> list[str]:
    """The stages of enqueue → first intent as medians (jobs 2+) and shares of their sum."""
    medians = {k: statistics.median(j["spans_s"][k] for j in jobs) for k in STAGES}
    total = sum(medians.values())
    parts = ", ".join(
        f"{k.split(' → ')[1]} {v:.1f} s ({v / total:.0%})" for k, v in medians.items()
    )
    return [f"Where enqueue → first intent goes (medians of jobs 2+, sum {total:.1f} s): {parts}."]


def event_log_model(jobs: list[dict[str, Any]], directories: int = 100) -> dict[str, Any]:
    """Fixed + per-directory rows and bytes, from the real runs, scaled to `directories`."""
    per_job = []
    for job in jobs:
        log, n = job["event_log"]["by_type"], job["directories"]
        per_rows = sum(log.get(k, {}).get("rows", 0) for k in PER_DIRECTORY) / n
        per_bytes = sum(log.get(k, {}).get("bytes", 0) for k in PER_DIRECTORY) / n
        fixed_rows = job["event_log"]["rows"] - per_rows * n
        fixed_bytes = job["event_log"]["bytes"] - per_bytes * n
        per_job.append((fixed_rows, fixed_bytes, per_rows, per_bytes, job["event_log"]))
    fixed_rows, fixed_bytes, per_rows, per_bytes = (
        statistics.median(p[i] for p in per_job) for i in range(4)
    )
    return {
        "measured_directories": jobs[0]["directories"],
        "measured_rows": statistics.median(p[4]["rows"] for p in per_job),
        "measured_bytes": statistics.median(p[4]["bytes"] for p in per_job),
        "fixed_rows": fixed_rows,
        "fixed_bytes": fixed_bytes,
        "per_directory_rows": per_rows,
        "per_directory_bytes": per_bytes,
        "preview_bytes_median": statistics.median(
            s for j in jobs for s in j["event_log"]["preview_bytes"]
        ),
        f"rows_{directories}": fixed_rows + per_rows * directories,
        f"bytes_{directories}": fixed_bytes + per_bytes * directories,
    }


def event_log_lines(model: dict[str, Any]) -> list[str]:
    return [
        f"Real runs ({model['measured_directories']} directories): "
        f"{model['measured_rows']:.0f} event-log rows, {mib(model['measured_bytes'])} of event "
        f"JSON per job (median). Fixed per run: {model['fixed_rows']:.0f} rows, "
        f"{mib(model['fixed_bytes'])}; per directory: {model['per_directory_rows']:.0f} rows "
        f"(its materialization and its log line), {mib(model['per_directory_bytes'])}, of "
        f"which the preview image is {mib(model['preview_bytes_median'])}.",
        "",
        f"**A 100-directory job: ≈ {model['rows_100']:.0f} rows, ≈ {mib(model['bytes_100'])} "
        f"of event JSON; 1,000 such jobs ≈ {model['rows_100'] * 1000 / 1e3:.0f} k rows, "
        f"≈ {model['bytes_100'] * 1000 / 2**30:.2f} GiB** (before Postgres' TOAST "
        "compression and indexes; the preview image is most of it).",
    ]


# --- scale model ---------------------------------------------------------------------------


def ms(stats: dict[str, Any]) -> str:
    return f"{stats['p50_ms']:.1f} / {stats['p95_ms']:.1f} / {stats['max_ms']:.1f}"


def partition_lines(p: dict[str, Any]) -> list[str]:
    lines = [
        f"{p['ticks']} sensor ticks of {p['jobs_per_tick']} jobs: {p['total_s']} s in all "
        f"(first tick, which also adds the 100 directories: {p['first_tick_s']} s). "
        f"Load: {load_note(p['load'])}.",
        "",
        "| per tick (10 jobs) | first tenth p50 / p95 / max ms | last tenth p50 / p95 / max ms |",
        "|---|---|---|",
    ]
    names = {
        "has_run": "intake `has_run` (job_run_ids limit 1) x 10",
        "partition_requests": "`partition_requests` (lists directory partitions)",
        "apply": "daemon applies requests (has_dynamic_partition per key + add)",
        "add_runs": "daemon creates 10 runs",
    }
    for key, label in names.items():
        lines.append(f"| {label} | {ms(p[key]['first_tenth'])} | {ms(p[key]['last_tenth'])} |")
    lines.append(f"| whole tick, last tenth | | {ms(p['tick_total_last_tenth'])} |")
    return lines


def lookup_lines(checkpoints: list[dict[str, Any]], after: dict[str, Any]) -> list[str]:
    rows = [*checkpoints, {**after, "jobs_with_events": "after retention"}]
    head = " | ".join(f"{c['jobs_with_events']} jobs" for c in rows)
    lines = [f"| call (p50 / p95 / max ms) | {head} |", "|---" * (len(rows) + 1) + "|"]
    for name in rows[0]["sensor_lookups"]:
        cells = " | ".join(ms(c["sensor_lookups"][name]) for c in rows)
        lines.append(f"| `{name}` | {cells} |")
    return [*lines, load_row(rows)]


def load_row(rows: list[dict[str, Any]]) -> str:
    """The background load while each column was measured."""
    return "| *background load* | " + " | ".join(load_note(c["load_measure"]) for c in rows) + " |"


def graphql_lines(checkpoints: list[dict[str, Any]], after: dict[str, Any]) -> list[str]:
    rows = [*checkpoints, {**after, "jobs_with_events": "after retention"}]
    head = " | ".join(f"{c['jobs_with_events']} jobs" for c in rows)
    lines = [
        f"| query: cold ms / warm p50 ms (response) | {head} |",
        "|---" * (len(rows) + 1) + "|",
    ]
    for name in rows[0]["ui_graphql"]:
        cells = []
        for c in rows:
            q = c["ui_graphql"][name]
            cells.append(f"{q['cold_ms']:.0f} / {q['warm']['p50_ms']:.0f} ({mib(q['bytes'])})")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    lines.append(load_row(rows))
    stats = [c["ui_graphql"]["listing_submission.partition_stats"]["stats"] for c in rows]
    lines += [
        "",
        "listing_submission partition stats: "
        + "; ".join(
            f"{c['jobs_with_events']}: {s['numMaterialized']}/{s['numPartitions']}"
            for c, s in zip(rows, stats, strict=True)
        ),
    ]
    return lines


def table_lines(checkpoints: list[dict[str, Any]], after: dict[str, Any]) -> list[str]:
    lines = ["| jobs with events | fill s | event_logs rows | event_logs size | runs | run_tags |"]
    lines.append("|---|---|---|---|---|---|")
    rows = [*checkpoints, {**after, "jobs_with_events": "after retention", "fill_s": "-"}]
    for c in rows:
        t = c["tables"]
        lines.append(
            f"| {c['jobs_with_events']} | {c['fill_s']} ({c.get('fill_jobs', '-')} jobs) | "
            f"{t['event_logs']['rows']} | {mib(t['event_logs']['bytes'])} | {t['runs']['rows']} "
            f"| {t['run_tags']['rows']} |"
        )
    lines += [
        "",
        "Load while filling: "
        + "; ".join(
            f"{c['jobs_with_events']} jobs: {load_note(c['load_fill'])}" for c in checkpoints
        ),
    ]
    return lines


def retention_lines(r: dict[str, Any]) -> list[str]:
    rows = r["jobs_rows"]
    return [
        f"`jobs` rows: {rows['rows']} created evenly over 180 days; {rows['older_than_90d']} "
        f"older than 90 days, of which {rows['older_than_90d_finished']} finished (one in ten "
        "left in progress).",
        "",
        "| live job partitions before | retired | after | run s | second run retired | "
        "second run s | directory partitions |",
        "|---|---|---|---|---|---|---|",
        f"| {r['live_job_partitions_before']} | {r['retired']} | "
        f"{r['live_job_partitions_after']} | {r['run_s']} | {r['second_run_retired']} | "
        f"{r['second_run_s']} | {r['directories_live']} |",
        "",
        f"Load: {load_note(r['load'])}.",
    ]


def scale_lines(data: dict[str, Any]) -> list[str]:
    a = data["args"]
    return [
        f"Measured {data['measured_at']}, Dagster {data['dagster_version']}, Postgres "
        f"storage (embedded Postgres), {a['jobs']} jobs x {a['directories']} directories, "
        f"preview image {mib(data['preview_bytes'])} per materialization. Whole run: "
        f"{load_note(data['load_whole_run'])}.",
        "",
        f"Storage URL probe (plain `postgresql://`, as in the deploy docs): "
        f"**{data['plain_url_probe']}**. The run used `postgresql+psycopg2://`.",
        "",
        "### Adding partitions, tick by tick",
        "",
        *partition_lines(data["partitions"]),
        "",
        "### Sensor lookups (50 random jobs each)",
        "",
        *lookup_lines(data["checkpoints"], data["after_retention"]),
        "",
        "### The UI's partition queries (GraphQL, dagster-webserver, production code location)",
        "",
        *graphql_lines(data["checkpoints"], data["after_retention"]),
        "",
        "### Storage",
        "",
        *table_lines(data["checkpoints"], data["after_retention"]),
        "",
        "### Retention (`partition_retention`, executed in process)",
        "",
        *retention_lines(data["retention"]),
    ]


def main() -> None:
    overhead = json.loads((HERE / "job_overhead.json").read_text())
    scale = json.loads((HERE / "scale_model.json").read_text())
    model = event_log_model(overhead["jobs"])
    first = overhead["summary"].get("enqueue → first intent", {})
    lines = [
        "# Scale results (issue 12): per-job overhead and 1,000 jobs x 100 directories",
        "",
        "Made by `job_overhead.py`, `scale_model.py` and `report.py` (see README.md).",
        "",
        "## 1. Dagster per-job overhead (real local stack)",
        "",
        f"Goal: enqueue → first directory begun ≤ {GOAL_S:.0f} s. Measured (first submit "
        f"intent): p50 {first.get('p50', '-')} s, max {first.get('max', '-')} s.",
        "",
        *overhead_tables(overhead),
        "",
        "## 2. Event-log size per job",
        "",
        *event_log_lines(model),
        "",
        "## 3. Scale model",
        "",
        *scale_lines(scale),
        "",
    ]
    (HERE / "results.md").write_text("\n".join(lines))
    combined = {"job_overhead": overhead, "event_log_model": model, "scale_model": scale}
    (HERE / "results.json").write_text(json.dumps(combined, indent=2))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
