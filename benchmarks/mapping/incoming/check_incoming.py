"""Validate a folder of new mapping pages with the corpus checker's own `check_page`.

    uv run python benchmarks/mapping/incoming/check_incoming.py FOLDER

Same key rule and lint as `../corpus/check_truth.py`, with the wider language set of the
grown corpus (ISO 639-1 codes). Stdlib only, apart from the corpus checker itself, for every
page the static parser can read.

Pages whose fields a static parser cannot see (shadow roots attached by a script, forms in
an `<iframe srcdoc>`) are rendered in Chromium instead and their fields listed by a walker
of this file's own (not the capture's), with the key rule extended the way the capture
numbers forms:
- forms of the page's document come first, in document order; then the forms of each open
  shadow root, roots taken depth-first in the order of their hosts (a root's own forms
  before the roots nested in it);
- then each iframe's forms, numbered on from there, frame by frame in the order Chromium
  lists them (and the same rule inside each frame);
- a field belongs to its nearest `<form>` ancestor, looking through shadow hosts (an input
  in a custom element's shadow root inside a light-DOM form is that form's field);
- fields are in drawn order: a host's shadow tree where the host is.
The static lint still runs on the page's text (no external resources), iframes must use
`srcdoc`, and the rendered lint adds: no form inside another across a shadow boundary, ids
unique within each root, `for=`/`aria-labelledby` targets found in the field's own root.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
_SPEC = importlib.util.spec_from_file_location(
    "corpus_check_truth", HERE.parent / "corpus" / "check_truth.py"
)
assert _SPEC is not None and _SPEC.loader is not None
corpus = importlib.util.module_from_spec(_SPEC)
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

# Lists the forms and fields of one document (open shadow roots included) by the rule in
# the module docstring; written apart from `capture.js` on purpose, so the two check each
# other.
_RENDERED_FIELDS_JS = """
() => {
  const SKIP = new Set(["hidden", "submit", "button", "image", "reset"]);
  const roots = [document];
  const visit = (root) => {
    for (const el of root.querySelectorAll("*"))
      if (el.shadowRoot) { roots.push(el.shadowRoot); visit(el.shadowRoot); }
  };
  visit(document);
  const forms = roots.flatMap((root) => Array.from(root.querySelectorAll("form")));
  const above = (node) => {
    if (node.parentElement) return node.parentElement;
    return node.parentNode instanceof ShadowRoot ? node.parentNode.host : null;
  };
  const nearestForm = (el) => {
    for (let node = above(el); node; node = above(node)) if (node.tagName === "FORM") return node;
    return null;
  };
  const problems = [];
  for (const form of forms)
    if (nearestForm(form)) problems.push("a <form> inside another <form> (through a host)");
  for (const root of roots) {
    const seen = new Set();
    for (const el of root.querySelectorAll("[id]")) {
      if (seen.has(el.id)) problems.push(`id ${JSON.stringify(el.id)} used twice in one root`);
      seen.add(el.id);
    }
    for (const label of root.querySelectorAll("label[for]"))
      if (!root.getElementById(label.htmlFor))
        problems.push(`<label for=${label.htmlFor}> points to nothing in its root`);
    for (const el of root.querySelectorAll("[aria-labelledby]"))
      for (const id of el.getAttribute("aria-labelledby").split(/\\s+/).filter(Boolean))
        if (!root.getElementById(id))
          problems.push(`aria-labelledby ${id} points to nothing in its root`);
  }
  const fields = [];
  const walk = (parent) => {
    for (const el of parent.children) {
      const tag = el.tagName;
      const type = (el.getAttribute("type") || "").trim().toLowerCase() || "text";
      if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && !SKIP.has(type))) {
        const kind = tag === "INPUT" ? type : tag.toLowerCase();
        const name = el.getAttribute("name") || (el.id ? "#" + el.id : "");
        if (!name) problems.push(`<${tag.toLowerCase()}> without name or id`);
        if (el.hasAttribute("disabled") || el.hasAttribute("form"))
          problems.push(`field ${name} uses disabled/form=`);
        const form = nearestForm(el);
        if (!form) problems.push(`field ${name} is outside any form`);
        fields.push({ form: form ? forms.indexOf(form) : -1, name, kind });
      }
      if (el.shadowRoot) walk(el.shadowRoot);
      walk(el);
    }
  };
  walk(document);
  return { forms: forms.length, fields, problems };
}
"""


def rendered_fields(page_path: Path, browser) -> tuple[dict[str, str], list[str]]:
    """The page's field keys (in order, with their kinds) and problems, as rendered."""
    page = browser.new_page()
    try:
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        keys: dict[str, str] = {}
        problems: list[str] = []
        offset = 0
        frames = [page.main_frame] + [f for f in page.frames if f is not page.main_frame]
        for frame in frames:
            data = frame.evaluate(_RENDERED_FIELDS_JS)
            problems += data["problems"]
            for field in data["fields"]:
                key = f"{offset + field['form']}/{field['name']}"
                if key in keys and (
                    field["kind"] not in ("radio", "checkbox") or keys[key] != field["kind"]
                ):
                    problems.append(f"duplicate field key {key!r} ({field['kind']})")
                keys.setdefault(key, field["kind"])
            offset += data["forms"]
        return keys, problems
    finally:
        page.close()


def needs_rendering(page_path: Path) -> bool:
    text = page_path.read_text(encoding="utf-8")
    return "attachShadow" in text or "<iframe" in text


def check_rendered(page_path: Path, browser) -> tuple[list[str], dict]:
    """`corpus.check_page` for a page whose fields only exist once it is rendered."""
    scanner = corpus.PageScanner()
    scanner.feed(page_path.read_text(encoding="utf-8"))
    scanner.close()
    # The static view has no fields to compare; its lint still holds, except that an
    # <iframe srcdoc> is allowed here (an <iframe src> is not: the page must stand alone).
    errors = [p for p in scanner.problems if p != "<iframe> is not allowed"]
    errors += [
        "<iframe> must use srcdoc, not src"
        for _ in re.findall(r"<iframe[^>]*\ssrc=", page_path.read_text(encoding="utf-8"))
    ]
    errors += [f"id {i!r} used {n} times" for i, n in scanner.ids.items() if n > 1]
    keys, problems = rendered_fields(page_path, browser)
    errors += problems
    truth_path = page_path.with_name(page_path.name[: -len(".html")] + ".truth.json")
    if not truth_path.exists():
        return [*errors, f"missing {truth_path.name}"], {}
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    if set(truth) != {"kind", "language", "fields"}:
        errors.append(f"truth top-level keys are {sorted(truth)}")
    if truth.get("kind") not in corpus.KINDS:
        errors.append(f"bad kind {truth.get('kind')!r}")
    if truth.get("language") not in corpus.LANGUAGES:
        errors.append(f"bad language {truth.get('language')!r}")
    fields = truth.get("fields", {})
    for key in sorted(set(keys) - set(fields)):
        errors.append(f"field {key!r} is on the page but not in the truth")
    for key in sorted(set(fields) - set(keys)):
        errors.append(f"truth key {key!r} is not a field on the page")
    if list(fields) != [k for k in keys if k in fields]:
        errors.append("truth keys are not in document order")
    for key, value in fields.items():
        if value is not None and value not in corpus.PROFILE_KEYS and value not in corpus.SPECIAL:
            errors.append(f"{key!r}: invalid value {value!r}")
    return errors, truth


def main() -> int:
    folder = Path(sys.argv[1]).resolve()
    failures = 0
    by_lang: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    pages = sorted(folder.glob("*.html"))
    with contextlib.ExitStack() as stack:
        browser = None
        if any(needs_rendering(page) for page in pages):
            from playwright.sync_api import sync_playwright

            from directory_pipeline.browser.launch import launch_chromium

            browser = launch_chromium(stack.enter_context(sync_playwright()))
            stack.callback(browser.close)
        for page in pages:
            if browser is not None and needs_rendering(page):
                errors, truth = check_rendered(page, browser)
            else:
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
