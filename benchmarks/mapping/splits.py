"""Which pages of the grown corpus tune the mapper and which are held out.

    uv run python benchmarks/mapping/splits.py      # rewrites SPLIT.md from the pages present

The first rule was fixed before any `incoming/` page was evaluated, and it is a property of
the page's name alone, so nobody chose which pages were easy: a page in `incoming/<group>/`
was held out when the first byte of sha256(its name) is even, and `holdout/` was held out.
Only the held-out number says how the mapper does on pages nobody tuned it for; reading
held-out mistakes to decide what to change next spends them.

That set was **spent** on 2026-11-30 (its last reading, 0.978 / 0.922 without the LLM, and
its mistakes are in results.md): every page of it is tuning now. The held-out set is
`fresh/`, written afterwards by someone who never ran the mapper on it; it is read once per
change of the mapper that is meant to count, and its mistakes are not listed. It was read
once (0.981 / 0.972) and then, at the close of issue 13, to its mistakes: it is spent too,
and a new held-out set must be written before the mapper is tuned again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TUNING, HELD_OUT = "tuning", "heldout"


SPENT = "spent"  # the first held-out set, tuning since its mistakes were read


def split_of(page_name: str) -> str:
    """The first rule's split of an `incoming/` page, from its name (without the extension)."""
    return SPENT if hashlib.sha256(page_name.encode()).digest()[0] % 2 == 0 else TUNING


def pages(split: str) -> list[Path]:
    """Every page of `split`, sorted by name: `heldout` is `fresh/`; `tuning` is everything
    else, the spent held-out set included; `spent` is that set alone."""
    if split == HELD_OUT:
        return sorted((HERE / "fresh").glob("*.html"), key=lambda p: p.stem)
    incoming = sorted((HERE / "incoming").glob("*/*.html"))
    spent = [
        *(HERE / "holdout").glob("*.html"),
        *(p for p in incoming if split_of(p.stem) == SPENT),
    ]
    if split == SPENT:
        return sorted(spent, key=lambda p: p.stem)
    first_tuning = [p for p in incoming if split_of(p.stem) == TUNING]
    return sorted([*(HERE / "corpus").glob("*.html"), *first_tuning, *spent], key=lambda p: p.stem)


def main() -> None:
    lines = [
        "# The split (made by `splits.py`; do not edit)",
        "",
        "Held out: `fresh/`. Tuning: every other page. `spent`: the first held-out set",
        "(`holdout/`, and every `incoming/` page whose name's sha256 starts with an even",
        "byte), read to the mistakes on 2026-11-30 and tuning since; listed again below.",
        "",
    ]
    for split in (TUNING, HELD_OUT, SPENT):
        found = pages(split)
        lines += [f"## {split} ({len(found)} pages)", ""]
        lines += [f"- `{page.relative_to(HERE)}`" for page in found]
        lines.append("")
    (HERE / "SPLIT.md").write_text("\n".join(lines))
    print("\n".join(lines[:3]), *(f"{s}: {len(pages(s))}" for s in (TUNING, HELD_OUT)))


if __name__ == "__main__":
    main()
