"""Validate the held-out mapping corpus with the corpus checker's own functions.

Run from the repository root:

    uv run python benchmarks/mapping/holdout/check_truth.py

The corpus checker (`../corpus/check_truth.py`) cannot simply be copied here: its
`main()` demands at least 34 pages and its language set lacks `nl`, `ca` and `pl`.
This wrapper imports that module and reuses its `check_page` unchanged (same key
rule, same lint), pointing it at this folder and widening the language set by the
languages this held-out set adds. Stdlib only, apart from the corpus checker itself.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

HOLDOUT = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # leave no __pycache__ in ../corpus
_SPEC = importlib.util.spec_from_file_location(
    "corpus_check_truth", HOLDOUT.parent / "corpus" / "check_truth.py"
)
corpus = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(corpus)

EXTRA_LANGUAGES = {"nl", "ca", "pl"}
corpus.LANGUAGES.update(EXTRA_LANGUAGES)  # check_page reads this module-level set
corpus.CORPUS = HOLDOUT

EXPECTED_PAGES = 14
EXPECTED_KINDS = {"listing": 7, "registration": 2, "checkout": 2, "contact": 3}


def main() -> int:
    pages = sorted(HOLDOUT.glob("*.html"))
    readme_path = HOLDOUT / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.exists() else ""
    failures = 0
    by_kind: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    by_value: Counter[str] = Counter()
    total = 0
    for page in pages:
        errors, truth = corpus.check_page(page)
        if page.stem not in readme:
            errors.append("page is not listed in README.md")
        if errors:
            failures += 1
            print(f"FAIL {page.name}")
            for e in errors:
                print(f"     - {e}")
            continue
        by_kind[truth["kind"]] += 1
        by_lang[truth["language"]] += 1
        total += len(truth["fields"])
        for value in truth["fields"].values():
            by_value[value if value is not None else "null"] += 1
    for orphan in sorted(HOLDOUT.glob("*.truth.json")):
        if not orphan.with_name(orphan.name.replace(".truth.json", ".html")).exists():
            failures += 1
            print(f"FAIL {orphan.name}: truth file without page")

    print(f"\npages: {len(pages)}  failing: {failures}  fields: {total}")
    print("by kind:    ", dict(sorted(by_kind.items())))
    print("by language:", dict(sorted(by_lang.items())))
    mapped = sum(n for v, n in by_value.items() if v != "null")
    print(f"mapped: {mapped}  null: {by_value['null']}")
    for value in [*corpus.PROFILE_KEYS, *corpus.SPECIAL]:
        print(f"  {value:<20}{by_value[value]}")
    if len(pages) != EXPECTED_PAGES:
        print(f"FAIL: {len(pages)} pages, expected {EXPECTED_PAGES}")
        failures += 1
    if failures == 0 and dict(by_kind) != EXPECTED_KINDS:
        print(f"FAIL: kinds {dict(by_kind)}, expected {EXPECTED_KINDS}")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
