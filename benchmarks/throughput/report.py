"""results.md and results.json from the rows of one run."""

from __future__ import annotations

import json
from pathlib import Path

SWEEP_HEADER = (
    "| variant | dirs | K | wall s | s / dir | CPU-s | CPU-s / dir | db CPU-s | peak PSS MB "
    "| peak RSS MB | submitted | site accepted | pipeline / raw wall | throughput vs raw "
    "| others' load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)
REPEAT_HEADER = (
    "| run | dirs | K | wall s | s / dir | CPU-s | LLM calls | LLM CPU-s | plan sources "
    "| submitted | site accepted | others' load |\n" + "|---" * 12 + "|"
)


def _label(row: dict) -> str:
    unit = "context" if row["kind"] == "raw" else "worker"
    return f"{row['kind']}, {row['k']} {unit}{'s' if row['k'] > 1 else ''}"


def _raw_twin(row: dict, rows: list[dict]) -> dict | None:
    return next(
        (r for r in rows if r["kind"] == "raw" and r["size"] == row["size"] and r["k"] == row["k"]),
        None,
    )


def with_ratios(rows: list[dict]) -> list[dict]:
    """Each pipeline row gets its wall time over the raw one's at the same size and K."""
    for row in rows:
        twin = _raw_twin(row, rows) if row["kind"] == "pipeline" else None
        row["ratio_to_raw"] = row["wall_s"] / twin["wall_s"] if twin else None
    return rows


def _others(row: dict) -> str:
    """CPU that processes outside this run used meanwhile, in cores (should be ~0), and how
    many measurements it took to get the one shown."""
    tries = len(row.get("tries_seen", [])) or 1
    return f"{row['others_cpu_s'] / row['wall_s']:.2f}" + (f" ({tries} tries)" if tries > 1 else "")


def sweep_line(row: dict) -> str:
    ratio = row.get("ratio_to_raw")
    n = row["directories"]
    cells = [
        _label(row),
        str(n),
        str(row["k"]),
        f"{row['wall_s']:.1f}",
        f"{row['wall_s'] / n:.2f}",
        f"{row['cpu_s']:.1f}",
        f"{row['cpu_s'] / n:.2f}",
        f"{row['db_cpu_s']:.1f}",
        f"{row['peak_pss_mb']:.0f}",
        f"{row['peak_rss_mb']:.0f}",
        f"{row['submitted']}/{n}",
        f"{row['ledger_accepted']}/{n}",
        f"{ratio:.2f}x" if ratio else "",
        f"{1 / ratio:.2f}x" if ratio else "",
        _others(row),
    ]
    return "| " + " | ".join(cells) + " |"


def repeat_line(row: dict) -> str:
    n = row["directories"]
    sources = ", ".join(f"{k} {v}" for k, v in sorted((row["plan_sources"] or {}).items()))
    llm_cpu = row.get("llm_cpu_s")
    cells = [
        row["phase"],
        str(n),
        str(row["k"]),
        f"{row['wall_s']:.1f}",
        f"{row['wall_s'] / n:.2f}",
        f"{row['cpu_s']:.1f}",
        "no LLM configured" if row["llm_calls"] is None else str(row["llm_calls"]),
        "" if llm_cpu is None else f"{llm_cpu:.1f}",
        sources,
        f"{row['submitted']}/{n}",
        f"{row['ledger_accepted']}/{n}",
        _others(row),
    ]
    return "| " + " | ".join(cells) + " |"


def best_against_best(rows: list[dict]) -> list[str]:
    """Per size: the fastest raw and the fastest pipeline variant."""
    lines = []
    for size in sorted({r["size"] for r in rows}):
        best = {}
        for kind in ("raw", "pipeline"):
            candidates = [r for r in rows if r["size"] == size and r["kind"] == kind]
            if candidates:
                best[kind] = min(candidates, key=lambda r: r["wall_s"])
        if len(best) == 2:
            raw, pipe = best["raw"], best["pipeline"]
            lines.append(
                f"- {size} directories: best raw {raw['wall_s']:.1f} s (K={raw['k']}), best "
                f"pipeline {pipe['wall_s']:.1f} s (K={pipe['k']}): pipeline takes "
                f"{pipe['wall_s'] / raw['wall_s']:.2f}x (throughput "
                f"{raw['wall_s'] / pipe['wall_s']:.2f}x raw)."
            )
    return lines


def time_split(rows: list[dict]) -> list[str]:
    """Where a pipeline directory's time goes, from the engine's own timings."""
    lines = []
    for row in rows:
        if row["kind"] != "pipeline":
            continue
        n = row["directories"]
        t = row["engine_timings_sum"]
        total = row["directory_seconds_sum"]
        attempt = t.get("total_s", 0.0)
        lines.append(
            f"| {row['phase']} | {n} | {row['k']} | {total / n:.2f} | "
            f"{t.get('capture_s', 0.0) / n:.2f} | {t.get('map_s', 0.0) / n:.2f} | "
            f"{t.get('submit_s', 0.0) / n:.2f} | {attempt / n:.2f} | "
            f"{(total - attempt) / n:.2f} | {row['attempts'] / n:.2f} |"
        )
    header = (
        "| run | dirs | K | s / dir in the engine | to capture | map | click → settled "
        "| last attempt | outside it | attempts / dir |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    return [header, *lines] if lines else []


CPU_KINDS = (
    "python",
    "playwright driver",
    "chromium browser",
    "chromium renderer",
    "chromium gpu-process",
)


def cpu_split(rows: list[dict]) -> list[str]:
    """Where the CPU goes, per kind of process in the variant's tree, per directory."""
    lines = []
    for row in rows:
        by_kind = row.get("cpu_s_by_kind")
        if not by_kind:
            continue
        n = row["directories"]
        rest = sum(v for k, v in by_kind.items() if k not in CPU_KINDS)
        cells = [f"{by_kind.get(kind, 0.0) / n:.2f}" for kind in CPU_KINDS]
        lines.append(
            f"| {_label(row)} | {n} | {row['k']} | " + " | ".join(cells) + f" | {rest / n:.2f} |"
        )
    header = (
        "| variant | dirs | K | "
        + " | ".join(CPU_KINDS)
        + " | other |\n"
        + "|---" * (len(CPU_KINDS) + 4)
        + "|"
    )
    return [header, *lines] if lines else []


def render(info: dict, repeat: list[dict], rows: list[dict]) -> str:
    parts = [
        "# Throughput: pipeline vs raw Playwright, same sites, same run",
        "",
        f"Made by `{info['command']}` on {info['date']} at commit `{info['commit']}`: "
        f"{info['cores']} cores ({info['cpu_model']}), {info['memory_gb']} GB, "
        f"{info['chromium']}, Python {info['python']}. Sandbox latency "
        f"{info['latency_ms'][0]}-{info['latency_ms'][1]} ms per request; LLM: "
        f"{info['llm'] or 'none'}; whole run {info['run_minutes']} min. See README.md for "
        "what each column means.",
        "",
        "## Side by side (interleaved; each variant a fresh job id and a reset sandbox)",
        "",
        SWEEP_HEADER,
        *[sweep_line(r) for r in rows],
        "",
        *best_against_best(rows),
        "",
        "## Repeat forms (base sites on a fresh database, then again)",
        "",
        REPEAT_HEADER,
        *[repeat_line(r) for r in repeat],
        "",
        "## Where a pipeline directory's time goes (engine timings, last attempt)",
        "",
        *time_split(repeat + rows),
        "",
        "## Where the CPU goes (CPU-s per directory, by process)",
        "",
        *cpu_split(rows),
        "",
    ]
    return "\n".join(parts)


def write_results(
    md_path: Path, json_path: Path, info: dict, repeat: list[dict], rows: list[dict]
) -> None:
    rows = with_ratios(rows)
    md_path.write_text(render(info, repeat, rows))
    json_path.write_text(
        json.dumps({"machine": info, "repeat_forms": repeat, "variants": rows}, indent=1) + "\n"
    )
