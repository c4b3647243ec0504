"""Validate the mapping corpus: every page's fields against its truth file.

Run from the repository root:

    uv run python benchmarks/mapping/corpus/check_truth.py

Stdlib only. For every ``NAME.html`` in this folder it enumerates the forms and
their user-editable fields with :mod:`html.parser`, builds the keys
``"{form_index}/{name or #id}"`` (radio groups and same-named checkbox groups are
one key), and asserts that ``NAME.truth.json`` lists exactly those keys with valid
values. It also lints the pages (no external resources, no iframes, no nested
forms, no fields outside forms, ``for=``/``aria-labelledby`` targets exist) and
prints corpus statistics.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from directory_pipeline.domain.profile import PROFILE_KEYS as _PROFILE_KEYS

CORPUS = Path(__file__).resolve().parent

PROFILE_KEYS = list(_PROFILE_KEYS)
SPECIAL = ("@consent", "@free_choice")
KINDS = {"listing", "registration", "checkout", "contact"}
LANGUAGES = {"en", "es", "de", "fr", "it", "pt"}
NOT_EDITABLE_INPUT_TYPES = {"hidden", "submit", "button", "image", "reset"}
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


class PageScanner(HTMLParser):
    """Collects form fields (in document order) and lint problems of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form_index = -1
        self.in_form = False
        self.fields: dict[str, str] = {}  # key -> kind ("text", "radio", "select", ...)
        self.problems: list[str] = []
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []
        self.labelledby_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] += 1
        if tag == "label" and a.get("for"):
            self.label_targets.append(a["for"])
        if a.get("aria-labelledby"):
            self.labelledby_targets.extend(a["aria-labelledby"].split())
        for attr in ("src", "href", "data", "poster"):
            if attr in a and tag != "a" and EXTERNAL.match(a[attr]):
                self.problems.append(f"external resource <{tag} {attr}={a[attr]!r}>")
        if "url(" in a.get("style", "") and "url(data:" not in a.get("style", ""):
            self.problems.append(f"url() in inline style of <{tag}>")
        if tag in ("iframe", "frame", "object", "embed"):
            self.problems.append(f"<{tag}> is not allowed")
        if tag == "form":
            if self.in_form:
                self.problems.append("nested <form>")
            self.form_index += 1
            self.in_form = True
            return
        if tag not in ("input", "select", "textarea"):
            return
        kind = (a.get("type", "").strip().lower() or "text") if tag == "input" else tag
        if tag == "input" and kind in NOT_EDITABLE_INPUT_TYPES:
            return
        if "disabled" in a or "form" in a:
            self.problems.append(f"field {a.get('name') or a.get('id')!r} uses disabled/form=")
        name = a.get("name", "")
        key = name if name else ("#" + a["id"] if a.get("id") else None)
        if key is None:
            self.problems.append(f"<{tag}> without name or id")
            return
        if not self.in_form:
            self.problems.append(f"field {key!r} is outside any form")
            return
        full = f"{self.form_index}/{key}"
        if full in self.fields:
            if kind not in ("radio", "checkbox") or self.fields[full] != kind:
                self.problems.append(f"duplicate field key {full!r} ({kind})")
            return
        self.fields[full] = kind

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False

    def handle_data(self, data: str) -> None:
        if re.search(r"url\(\s*['\"]?(https?:)?//", data) or "@import" in data:
            self.problems.append("external url() or @import in inline CSS")


def check_page(html_path: Path) -> tuple[list[str], dict]:
    errors: list[str] = []
    scanner = PageScanner()
    scanner.feed(html_path.read_text(encoding="utf-8"))
    scanner.close()
    errors += scanner.problems
    for target in scanner.label_targets:
        if target not in scanner.ids:
            errors.append(f"<label for={target!r}> points to no element")
    for target in scanner.labelledby_targets:
        if target not in scanner.ids:
            errors.append(f"aria-labelledby {target!r} points to no element")
    for dup, n in scanner.ids.items():
        if n > 1:
            errors.append(f"id {dup!r} used {n} times")

    truth_path = html_path.with_name(html_path.name[: -len(".html")] + ".truth.json")
    if not truth_path.exists():
        return [*errors, f"missing {truth_path.name}"], {}
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    if set(truth) != {"kind", "language", "fields"}:
        errors.append(f"truth top-level keys are {sorted(truth)}")
    if truth.get("kind") not in KINDS:
        errors.append(f"bad kind {truth.get('kind')!r}")
    if truth.get("language") not in LANGUAGES:
        errors.append(f"bad language {truth.get('language')!r}")
    fields = truth.get("fields", {})
    page_keys, truth_keys = set(scanner.fields), set(fields)
    for key in sorted(page_keys - truth_keys):
        errors.append(f"field {key!r} is on the page but not in the truth")
    for key in sorted(truth_keys - page_keys):
        errors.append(f"truth key {key!r} is not a field on the page")
    if list(fields) != [k for k in scanner.fields if k in fields]:
        errors.append("truth keys are not in document order")
    for key, value in fields.items():
        if value is not None and value not in PROFILE_KEYS and value not in SPECIAL:
            errors.append(f"{key!r}: invalid value {value!r}")
    return errors, truth


def main() -> int:
    pages = sorted(CORPUS.glob("*.html"))
    readme = (
        (CORPUS / "README.md").read_text(encoding="utf-8")
        if (CORPUS / "README.md").exists()
        else ""
    )
    failures = 0
    by_kind: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    by_value: Counter[str] = Counter()
    by_kind_lang: Counter[tuple[str, str]] = Counter()
    total = 0
    for page in pages:
        errors, truth = check_page(page)
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
        by_kind_lang[(truth["kind"], truth["language"])] += 1
        total += len(truth["fields"])
        for value in truth["fields"].values():
            by_value[value if value is not None else "null"] += 1
    orphans = [
        p.name
        for p in CORPUS.glob("*.truth.json")
        if not p.with_name(p.name.replace(".truth.json", ".html")).exists()
    ]
    for name in orphans:
        failures += 1
        print(f"FAIL {name}: truth file without page")

    print(f"\npages: {len(pages)}  failing: {failures}  fields: {total}")
    print("by kind:    ", dict(sorted(by_kind.items())))
    print("by language:", dict(sorted(by_lang.items())))
    print("kind x language:")
    for kind in sorted(KINDS):
        row = "  ".join(f"{lang}={by_kind_lang[(kind, lang)]}" for lang in sorted(LANGUAGES))
        print(f"  {kind:<13}{row}")
    mapped = sum(n for v, n in by_value.items() if v != "null")
    print(f"mapped: {mapped}  null: {by_value['null']}")
    for value in [*PROFILE_KEYS, *SPECIAL]:
        print(f"  {value:<20}{by_value[value]}")
    if len(pages) < 34:
        print("FAIL: fewer than 34 pages")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
