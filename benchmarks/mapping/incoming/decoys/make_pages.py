"""Writes the decoy pages of this folder (HTML and truth) from the field lists in `pages.py`.

    python benchmarks/mapping/incoming/decoys/make_pages.py

The field lists were written by hand for this folder; this script only lays them out in one
of several markup styles a directory or form builder uses (label[for] rows, wrapping labels,
tables, definition lists, aria-labelledby spans, placeholder-only inputs), so each page's
truth stays next to the words it is about. Nothing is copied from any site.
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class F:
    """One field: its name, label, expected profile key (None for a decoy), input kind."""

    name: str
    label: str
    truth: str | None = None
    kind: str = "text"
    req: bool = False
    opts: tuple[str, ...] = ()
    ph: str = ""
    maxlength: int | None = None


@dataclass
class G:
    """A fieldset with a legend."""

    legend: str
    items: list[F]


@dataclass
class HP:
    """A honeypot: hidden from people, never filled."""

    name: str
    label: str
    how: str = "display:none"


@dataclass
class Form:
    items: list[F | G | HP | str]
    submit: str
    action: str = "/"
    layout: str = "for"
    id: str = ""


@dataclass
class Page:
    name: str
    title: str
    intro: str
    forms: list[Form]
    kind: str = field(default="listing")

    @property
    def lang(self) -> str:
        return self.name.split("_")[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower() or "x"


def _star(f: F) -> str:
    return ' <span class="req">*</span>' if f.req else ""


def _attrs(f: F, fid: str, extra: str = "") -> str:
    parts = [f'name="{html.escape(f.name)}"', f'id="{fid}"']
    if f.req:
        parts.append("required")
    if f.ph:
        parts.append(f'placeholder="{html.escape(f.ph)}"')
    if f.maxlength:
        parts.append(f'maxlength="{f.maxlength}"')
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _control(f: F, fid: str, extra: str = "") -> str:
    a = _attrs(f, fid, extra)
    if f.kind == "textarea":
        return f'<textarea {a} rows="4"></textarea>'
    if f.kind in {"select", "multi"}:
        multiple = " multiple" if f.kind == "multi" else ""
        first = "" if f.kind == "multi" else '<option value="">—</option>'
        opts = "".join(f'<option value="{_slug(o)}">{html.escape(o)}</option>' for o in f.opts)
        return f"<select {a}{multiple}>{first}{opts}</select>"
    return f'<input type="{f.kind}" {a}>'


def _choices(f: F, fid: str) -> str:
    """A radio group or a group of same-named checkboxes, under a legend."""
    kind = "radio" if f.kind == "radio" else "checkbox"
    req = " required" if f.req and kind == "radio" else ""
    boxes = "".join(
        f'<label class="opt"><input type="{kind}" name="{html.escape(f.name)}" '
        f'value="{_slug(o)}"{req}> {html.escape(o)}</label> '
        for o in f.opts
    )
    return (
        f'<fieldset class="choice" id="{fid}"><legend>{html.escape(f.label)}{_star(f)}'
        f"</legend>{boxes}</fieldset>"
    )


def _tick(f: F, fid: str) -> str:
    a = _attrs(f, fid, 'value="1"')
    return (
        f'<p class="tick"><input type="checkbox" {a}> <label for="{fid}">'
        f"{html.escape(f.label)}{_star(f)}</label></p>"
    )


def _field(f: F, fid: str, layout: str) -> str:
    if f.kind in {"radio", "checks"}:
        return _choices(f, fid)
    if f.kind == "checkbox":
        return _tick(f, fid)
    label = html.escape(f.label)
    if layout == "for":
        control = _control(f, fid)
        return f'<div class="row"><label for="{fid}">{label}{_star(f)}</label> {control}</div>'
    if layout == "wrap":
        return f"<p><label>{label}{_star(f)}<br>{_control(f, fid)}</label></p>"
    if layout == "table":
        return f'<tr><td class="lbl">{label}{_star(f)}</td><td>{_control(f, fid)}</td></tr>'
    if layout == "dl":
        return f"<dt>{label}{_star(f)}</dt><dd>{_control(f, fid)}</dd>"
    if layout == "aria":
        aria = f'aria-labelledby="l-{fid}"'
        return (
            f'<div class="row"><span class="lbl" id="l-{fid}">{label}{_star(f)}</span> '
            f"{_control(f, fid, aria)}</div>"
        )
    if layout == "ph":
        if f.kind in {"select", "multi", "file"}:
            aria = f'aria-label="{label}"'
            return f'<div class="row">{_control(f, fid, aria)}</div>'
        f = F(**{**f.__dict__, "ph": f.label + (" *" if f.req else "")})
        return f'<div class="row">{_control(f, fid)}</div>'
    raise ValueError(layout)


_OPEN = {"table": '<table class="form">', "dl": '<dl class="form">'}
_CLOSE = {"table": "</table>", "dl": "</dl>"}


def _block(items: list, index: int, layout: str, truth: dict[str, str | None]) -> str:
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(_OPEN.get(layout, "") + "".join(run) + _CLOSE.get(layout, ""))
            run.clear()

    for item in items:
        if isinstance(item, str):
            flush()
            out.append(item)
        elif isinstance(item, G):
            flush()
            inner = _block(item.items, index, layout, truth)
            out.append(f"<fieldset><legend>{html.escape(item.legend)}</legend>{inner}</fieldset>")
        elif isinstance(item, HP):
            flush()
            fid = f"f{index}-{_slug(item.name)}"
            truth[f"{index}/{item.name}"] = None
            style = (
                "display:none" if item.how == "display:none" else "position:absolute;left:-9999px"
            )
            out.append(
                f'<div style="{style}"><label for="{fid}">{html.escape(item.label)}</label>'
                f'<input type="text" name="{item.name}" id="{fid}" tabindex="-1" '
                f'autocomplete="off"></div>'
            )
        else:
            fid = f"f{index}-{_slug(item.name)}"
            truth[f"{index}/{item.name}"] = item.truth
            html_field = _field(item, fid, layout)
            if item.kind in {"radio", "checks", "checkbox"} and layout in _OPEN:
                flush()
                out.append(html_field)
            else:
                run.append(html_field)
    flush()
    return "".join(out)


STYLE = (
    "body{font-family:sans-serif;max-width:760px;margin:auto}label{font-weight:600}"
    ".row{margin:.4em 0}.req{color:#b00}fieldset{margin:1em 0}td.lbl{padding-right:1em}"
    "header,footer{background:#eee;padding:.5em}"
)


def render(page: Page) -> tuple[str, dict]:
    truth: dict[str, str | None] = {}
    forms: list[str] = []
    for index, form in enumerate(page.forms):
        body = _block(form.items, index, form.layout, truth)
        fid = f' id="{form.id}"' if form.id else ""
        forms.append(
            f'<form method="post" action="{form.action}"{fid}>{body}'
            f'<p><button type="submit">{html.escape(form.submit)}</button></p></form>'
        )
    if len(forms) == 1:
        header, main, footer = "", forms[0], ""
    else:
        header, main, footer = forms[0], forms[1], "".join(forms[2:])
    doc = (
        f'<!DOCTYPE html>\n<html lang="{page.lang}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(page.title)}</title><style>{STYLE}</style></head>\n<body>\n"
        f"<header>{header}</header>\n<main><h1>{html.escape(page.title)}</h1>"
        f"<p>{html.escape(page.intro)}</p>\n{main}\n</main>\n<footer>{footer}</footer>\n"
        "</body>\n</html>\n"
    )
    return doc, {"kind": page.kind, "language": page.lang, "fields": truth}


def main() -> None:
    sys.modules.setdefault("make_pages", sys.modules[__name__])  # one set of classes
    from pages import PAGES

    for page in PAGES:
        doc, truth = render(page)
        (HERE / f"{page.name}.html").write_text(doc)
        (HERE / f"{page.name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=2) + "\n"
        )
    print(f"{len(PAGES)} pages")


if __name__ == "__main__":
    main()
