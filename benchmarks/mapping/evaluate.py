"""Precision and recall of the form mapper per profile key, over the corpus and the sandbox.

    uv run python benchmarks/mapping/evaluate.py [--llm] [--out results.md]

Each corpus page has a truth file (see corpus/README.md). A prediction counts for a key when
the mapper fills the field from that key (`@consent` for ticked consent boxes,
`@free_choice` for a chosen free plan); leaving a field alone predicts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright
from splits import HELD_OUT, SPENT, TUNING, pages

from directory_pipeline.browser.capture import capture_page, open_target
from directory_pipeline.browser.launch import launch_chromium
from directory_pipeline.forms.mapper import map_form
from directory_pipeline.forms.plan import FieldDecision

HERE = Path(__file__).resolve().parent


def predicted(decision: FieldDecision | None) -> str | None:
    if decision is None:
        return None
    if decision.action == "fill":
        return decision.profile_key
    if decision.action == "check":
        return "@consent"
    if decision.action == "choose":
        return "@free_choice"
    return None


def evaluate(targets: list[tuple[str, str, Path]], classifier=None) -> dict:
    """`targets`: (name, URL or file, truth file). Counts per key, mistakes, timings."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    mistakes: list[str] = []
    timings: list[float] = []
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn pages
    llm_answers = [0, 0]  # fields the LLM filled: right, wrong
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, target, truth_path in targets:
            truth_file = json.loads(truth_path.read_text())
            truth = truth_file["fields"]
            language = by_language[truth_file.get("language", "?")]
            language[3] += 1
            page = browser.new_page()
            started = time.perf_counter()
            open_target(page, target)
            schema = capture_page(page)
            plan = map_form(schema, classifier=classifier)
            timings.append(time.perf_counter() - started)
            page.close()
            by_key = {d.field_key: d for d in plan.decisions}
            captured = {f.key for f in schema.fields}
            for field_key, expected in truth.items():
                if field_key not in captured:
                    mistakes.append(f"{name}: {field_key} not captured")
                got = predicted(by_key.get(field_key))
                if got is not None and by_key[field_key].source == "llm":
                    llm_answers[0 if got == expected else 1] += 1
                if got is not None and got == expected:
                    tp[got] += 1
                    language[0] += 1
                    continue
                if got is not None:
                    fp[got] += 1
                    language[1] += 1
                if expected is not None:
                    fn[expected] += 1
                    language[2] += 1
                if got != expected:
                    why = by_key[field_key].reason if field_key in by_key else "-"
                    mistakes.append(f"{name}: {field_key}: expected {expected}, got {got} ({why})")
        browser.close()
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "mistakes": mistakes,
        "timings": timings,
        "by_language": dict(by_language),
        "llm_answers": llm_answers,
    }


def language_table(result: dict) -> str:
    lines = ["| language | pages | precision | recall |", "|---|---|---|---|"]
    for language, (tp, fp, fn, count) in sorted(result["by_language"].items()):
        lines.append(
            f"| {language} | {count} | {tp / max(tp + fp, 1):.3f} | {tp / max(tp + fn, 1):.3f} |"
        )
    return "\n".join(lines)


def file_targets(folder: Path) -> list[tuple[str, str, Path]]:
    return page_targets(sorted(folder.glob("*.html")))


def page_targets(found: list[Path]) -> list[tuple[str, str, Path]]:
    return [(page.stem, str(page), page.with_suffix(".truth.json")) for page in found]


def sandbox_targets(server) -> list[tuple[str, str, Path]]:
    return [
        (
            truth.name.removesuffix(".truth.json"),
            server.url_for(truth.name.removesuffix(".truth.json")),
            truth,
        )
        for truth in sorted((HERE / "sandbox_truth").glob("*.truth.json"))
    ]


def table(result: dict) -> str:
    keys = sorted(set(result["tp"]) | set(result["fp"]) | set(result["fn"]))
    lines = ["| key | precision | recall | tp | fp | fn |", "|---|---|---|---|---|---|"]
    for key in keys:
        tp, fp, fn = result["tp"][key], result["fp"][key], result["fn"][key]
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        lines.append(f"| {key} | {precision:.3f} | {recall:.3f} | {tp} | {fp} | {fn} |")
    tp = sum(result["tp"].values())
    fp = sum(result["fp"].values())
    fn = sum(result["fn"].values())
    lines.append(
        f"| **all** | **{tp / max(tp + fp, 1):.3f}** | **{tp / max(tp + fn, 1):.3f}** "
        f"| {tp} | {fp} | {fn} |"
    )
    return "\n".join(lines)


def totals(result: dict) -> tuple[float, float]:
    tp = sum(result["tp"].values())
    return tp / max(tp + sum(result["fp"].values()), 1), tp / max(
        tp + sum(result["fn"].values()), 1
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm", action="store_true", help="Also run with the LLM layer.")
    parser.add_argument("--sets", default="tuning,heldout,sandbox")
    parser.add_argument("--mistakes", action="store_true")
    parser.add_argument(
        "--spend-heldout",
        action="store_true",
        help="List the held-out mistakes too: the held-out set is spent from then on.",
    )
    parser.add_argument("--out", type=Path, default=None, help="Write a Markdown report here.")
    parser.add_argument(
        "--pages", default="", help="Only pages whose name contains one of these (comma-separated)."
    )
    args = parser.parse_args()

    import tempfile

    from directory_pipeline.sandbox import SandboxServer

    sets = args.sets.split(",")
    report = ["# Form mapping: precision and recall per profile key", ""]
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxServer(Path(tmp) / "ledger.sqlite3") as server,
    ):
        targets = {
            "tuning": page_targets(pages(TUNING)),
            "heldout": page_targets(pages(HELD_OUT)),
            "spent": page_targets(pages(SPENT)),
            "corpus": file_targets(HERE / "corpus"),
            "sandbox": sandbox_targets(server),
            "holdout": file_targets(HERE / "holdout"),
        }
        if args.pages:
            wanted = args.pages.split(",")
            targets = {
                name: [t for t in found if any(w in t[0] for w in wanted)]
                for name, found in targets.items()
            }
        modes: list[tuple[str, object]] = [("heuristics only (--no-llm)", None)]
        llm_server = None
        if args.llm:
            from directory_pipeline.forms.llm import LlmFieldClassifier
            from directory_pipeline.local.llm_server import MODEL_ALIAS, LocalLlm
            from directory_pipeline.local.ports import free_port

            llm_server = LocalLlm(Path(tmp), free_port(), Path(tmp) / "llm.log")
            llm_server.start()
            modes.append(
                (
                    "with the LLM layer (Gemma 3 270M via llama.cpp)",
                    LlmFieldClassifier(llm_server.base_url, MODEL_ALIAS, storage_dir=tmp),
                )
            )
        summary = [
            "| set | pages | mode | precision | recall | mean s/page |",
            "|---|---|---|---|---|---|",
        ]
        details: list[str] = []
        try:
            for mode, classifier in modes:
                for name in sets:
                    result = evaluate(targets[name], classifier=classifier)
                    precision, recall = totals(result)
                    mean = sum(result["timings"]) / max(len(result["timings"]), 1)
                    summary.append(
                        f"| {name} | {len(targets[name])} | {mode} | {precision:.3f} "
                        f"| {recall:.3f} | {mean:.2f} |"
                    )
                    details += [f"## {name}, {mode}", "", table(result), ""]
                    details += [language_table(result), ""]
                    # Held-out mistakes are never listed: read, they would steer tuning.
                    held_out = name in {"heldout", "holdout"}
                    if args.mistakes and (args.spend_heldout or not held_out):
                        details += ["```", *result["mistakes"], "```", ""]
                    print(summary[-1], flush=True)
                    if classifier is not None:
                        right, wrong = result["llm_answers"]
                        accepted = (
                            f"{name}: the LLM's accepted answers: {right + wrong}, "
                            f"precision {right / max(right + wrong, 1):.3f} ({wrong} wrong)"
                        )
                        details += [accepted, ""]
                        print(accepted, flush=True)
        finally:
            if llm_server is not None:
                llm_server.stop()
    report += [*summary, "", *details]
    if args.out:
        args.out.write_text("\n".join(report) + "\n")
    else:
        print("\n".join(details))


if __name__ == "__main__":
    main()
