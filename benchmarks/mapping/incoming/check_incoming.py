"""Validate a folder of new mapping pages with the corpus checker's own `check_page`.

    uv run python benchmarks/mapping/incoming/check_incoming.py FOLDER

Same key rule and lint as `../corpus/check_truth.py`, with the wider language set of the
grown corpus (ISO 639-1 codes). Stdlib only, apart from the corpus checker itself.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
_SPEC = importlib.util.spec_from_file_location(
    "corpus_check_truth", HERE.parent / "corpus" / "check_truth.py"
)
corpus = importlib.util.module_from_spec(_SPEC)
assert _SPEC.loader is not None
_SPEC.loader.exec_module(corpus)

LANGUAGES = {
    "en",
    "es",
    "de",
    "fr",
    "it",
    "pt",
    "nl",
    "ca",
    "pl",
    "sv",
    "da",
    "nb",
    "fi",
    "cs",
    "sk",
    "hu",
    "ro",
    "tr",
    "el",
    "hr",
    "sl",
    "lt",
    "lv",
    "et",
}
corpus.LANGUAGES.update(LANGUAGES)


def main() -> int:
    folder = Path(sys.argv[1]).resolve()
    failures = 0
    by_lang: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for page in sorted(folder.glob("*.html")):
        errors, truth = corpus.check_page(page)
        if errors:
            failures += 1
            print(f"FAIL {page.name}")
            for error in errors:
                print(f"     - {error}")
            continue
        by_lang[truth["language"]] += 1
        by_kind[truth["kind"]] += 1
    print(f"{sum(by_lang.values())} pages ok, {failures} failing")
    print("by language:", dict(sorted(by_lang.items())))
    print("by kind:", dict(sorted(by_kind.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
