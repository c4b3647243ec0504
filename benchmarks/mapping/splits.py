"""Which pages of the grown corpus tune the mapper and which are held out.

    uv run python benchmarks/mapping/splits.py      # rewrites SPLIT.md from the pages present

The rule was fixed before any new page was evaluated, and it is a property of the page's
name alone, so nobody chooses which pages are easy: a page in `incoming/<group>/` is held out
when the first byte of sha256(its name) is even. `corpus/` stays the tuning set it always
was, `holdout/` stays held out. Only the held-out number says how the mapper does on pages
nobody tuned it for; reading held-out mistakes to decide what to change next spends them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TUNING, HELD_OUT = "tuning", "heldout"


def split_of(page_name: str) -> str:
    """The split of an `incoming/` page, from its name (without the extension)."""
    return HELD_OUT if hashlib.sha256(page_name.encode()).digest()[0] % 2 == 0 else TUNING


def pages(split: str) -> list[Path]:
    """Every page of `split`, sorted by name."""
    fixed = HERE / ("corpus" if split == TUNING else "holdout")
    incoming = [
        page
        for page in sorted((HERE / "incoming").glob("*/*.html"))
        if split_of(page.stem) == split
    ]
    return sorted([*fixed.glob("*.html"), *incoming], key=lambda p: p.stem)


def main() -> None:
    lines = [
        "# The split (made by `splits.py`; do not edit)",
        "",
        "Held out: `holdout/`, and every `incoming/` page whose name's sha256 starts with an",
        "even byte. Tuning: `corpus/` and the other `incoming/` pages.",
        "",
    ]
    for split in (TUNING, HELD_OUT):
        found = pages(split)
        lines += [f"## {split} ({len(found)} pages)", ""]
        lines += [f"- `{page.relative_to(HERE)}`" for page in found]
        lines.append("")
    (HERE / "SPLIT.md").write_text("\n".join(lines))
    print("\n".join(lines[:3]), *(f"{s}: {len(pages(s))}" for s in (TUNING, HELD_OUT)))


if __name__ == "__main__":
    main()
