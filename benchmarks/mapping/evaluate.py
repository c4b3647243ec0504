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

from directory_pipeline.browser.launch import launch_chromium
from directory_pipeline.forms.capture import capture_page, open_target
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


def evaluate(pages: list[Path], classifier=None, verbose: bool = False) -> dict:
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    mistakes: list[str] = []
    timings: list[float] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for page_path in pages:
            truth = json.loads(page_path.with_suffix(".truth.json").read_text())["fields"]
            page = browser.new_page()
            started = time.perf_counter()
            open_target(page, str(page_path))
            schema = capture_page(page)
            plan = map_form(schema, classifier=classifier)
            timings.append(time.perf_counter() - started)
            page.close()
            by_key = {d.field_key: d for d in plan.decisions}
            captured = {f.key for f in schema.fields}
            for field_key, expected in truth.items():
                if field_key not in captured:
                    mistakes.append(f"{page_path.stem}: {field_key} not captured")
                got = predicted(by_key.get(field_key))
                if got is not None and got == expected:
                    tp[got] += 1
                else:
                    if got is not None:
                        fp[got] += 1
                    if expected is not None:
                        fn[expected] += 1
                    if got != expected:
                        why = by_key[field_key].reason if field_key in by_key else "-"
                        mistakes.append(
                            f"{page_path.stem}: {field_key}: expected {expected}, got {got} ({why})"
                        )
        browser.close()
    return {"tp": tp, "fp": fp, "fn": fn, "mistakes": mistakes, "timings": timings}


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm", action="store_true")
    parser.add_argument("--only", default=None)
    parser.add_argument("--mistakes", action="store_true")
    args = parser.parse_args()
    pages = sorted((HERE / "corpus").glob("*.html"))
    if args.only:
        pages = [p for p in pages if args.only in p.stem]
    result = evaluate(pages)
    print(table(result))
    if args.mistakes:
        print("\n".join(result["mistakes"]))


if __name__ == "__main__":
    main()
