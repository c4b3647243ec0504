"""Renders the fresh held-out pages from the page specs in pages_*.py (HTML + truth).

Each page spec lists its forms and fields by hand; this file only turns a spec into
markup (the per-field label style is chosen in the spec) and writes the truth from the
same spec, so keys and document order cannot drift apart.

    python benchmarks/mapping/fresh/gen.py
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
E = html.escape


class F:
    """One field. t = truth value. kind: text email tel url number password date time file
    textarea select multi radio check checks. how: for wrap aria ph lby none td dt."""

    def __init__(
        self,
        name,
        label,
        t=None,
        kind="text",
        how=None,
        id=None,
        opts=None,
        req=False,
        ph=None,
        help=None,
        attrs="",
        hide=None,
        ml=None,
        ac=None,
    ):
        self.__dict__.update(locals())
        del self.__dict__["self"]


class Raw:
    def __init__(self, s):
        self.s = s


def H(text, tag="h3"):
    return Raw(f'<{tag} class="sec">{E(text)}</{tag}>')


def FS(legend):
    return Raw(f"<fieldset><legend>{E(legend)}</legend>")


END = Raw("</fieldset>")


def _opts(opts):
    out = []
    for o in opts or []:
        if isinstance(o, tuple):
            out.append(o)
        else:
            out.append((re.sub(r"\W+", "-", o.lower()).strip("-") or "x", o))
    return out


class Page:
    def __init__(
        self,
        name,
        lang,
        kind,
        title,
        forms,
        css="",
        top="",
        bottom="",
        how="for",
        layout="div",
        row="row",
        note="",
    ):
        self.__dict__.update(locals())
        del self.__dict__["self"]


class Form:
    def __init__(
        self,
        items,
        attrs='method="post"',
        how=None,
        layout=None,
        row=None,
        before="",
        after="",
        submit="Submit",
    ):
        self.__dict__.update(locals())
        del self.__dict__["self"]


def render(page: Page):
    ids: set[str] = set()
    truth: dict[str, object] = {}
    parts = []

    def uid(base):
        base = re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_") or "f"
        cand, n = base, 2
        while cand in ids:
            cand, n = f"{base}_{n}", n + 1
        ids.add(cand)
        return cand

    for fi, form in enumerate(page.forms):
        how0 = form.how or page.how
        layout = form.layout or page.layout
        rowc = form.row or page.row
        body = [form.before]
        if layout == "table":
            body.append('<table class="formtable">')
        elif layout == "dl":
            body.append('<dl class="formlist">')
        for it in form.items:
            if hasattr(it, "s"):
                s = it.s
                if layout == "table":
                    s = f'<tr><td colspan="2">{s}</td></tr>'
                body.append(s)
                continue
            f = it
            how = f.how or how0
            key = f.name if f.name else "#" + f.id
            truth[f"{fi}/{key}"] = f.t
            fid = f.id or (uid(f"{rowc}-{fi}-{f.name}") if f.name else None)
            if f.id:
                ids.add(f.id)
            star = ' <span class="req">*</span>' if f.req else ""
            reqa = " required" if f.req is True else ""  # req="star": marker only
            ph = f' placeholder="{E(f.ph)}"' if f.ph else ""
            if (
                how == "ph"
                and not f.ph
                and f.kind not in ("select", "multi", "radio", "check", "checks", "file")
            ):
                ph = f' placeholder="{E(f.label)}{" *" if f.req else ""}"'
            extra = f" {f.attrs}" if f.attrs else ""
            if f.ml:
                extra += f' maxlength="{f.ml}"'
            if f.ac:
                extra += f' autocomplete="{f.ac}"'
            if f.hide == "off":
                extra += ' tabindex="-1" autocomplete="off"'
            lbl_id = None
            aria = ""
            if how == "aria":
                aria = f' aria-label="{E(f.label)}"'
            if how == "lby":
                lbl_id = uid(f"lbl-{fi}-{f.name or f.id}")
                aria = f' aria-labelledby="{lbl_id}"'
            nm = f' name="{E(f.name)}"' if f.name else ""
            idattr = f' id="{fid}"' if fid else ""
            k = f.kind
            if k in ("radio", "checks"):
                typ = "radio" if k == "radio" else "checkbox"
                items = []
                for v, text in _opts(f.opts):
                    oid = uid(f"{fid or f.name}-{v}")
                    required = reqa if typ == "radio" else ""
                    control = f'<input type="{typ}"{nm} id="{oid}" value="{E(v)}"{required}{extra}>'
                    items.append(f'<label class="opt" for="{oid}">{control} {E(text)}</label>')
                ctrl = '<div class="choices">' + "\n".join(items) + "</div>"
                if how in ("lby",):
                    role = "radiogroup" if typ == "radio" else "group"
                    ctrl = f'<div role="{role}"{aria}>{ctrl}</div>'
                how_eff = "group"
            else:
                if k == "textarea":
                    ctrl = f'<textarea{nm}{idattr} rows="5"{ph}{reqa}{aria}{extra}></textarea>'
                elif k in ("select", "multi"):
                    multi = " multiple" if k == "multi" else ""
                    o = "".join(
                        f'<option value="{E(v)}">{E(text)}</option>' for v, text in _opts(f.opts)
                    )
                    ctrl = f"<select{nm}{idattr}{multi}{reqa}{aria}{extra}>{o}</select>"
                elif k == "check":
                    ctrl = f'<input type="checkbox"{nm}{idattr} value="1"{reqa}{aria}{extra}>'
                else:
                    ctrl = f'<input type="{k}"{nm}{idattr}{ph}{reqa}{aria}{extra}>'
                how_eff = how
            text = E(f.label) + star
            helpt = f'<small class="help">{E(f.help)}</small>' if f.help else ""
            if k == "check" and how in ("for", "wrap"):
                if how == "wrap":
                    cell = f'<label class="checkline">{ctrl} {text}</label>{helpt}'
                else:
                    cell = f'{ctrl} <label for="{fid}">{text}</label>{helpt}'
                lab = ""
            elif how_eff == "group":
                if how == "lby":
                    lab = f'<p class="lbl" id="{lbl_id}">{text}</p>'
                else:
                    lab = f'<span class="lbl">{text}</span>'
                cell = ctrl + helpt
            elif how == "for":
                lab = f'<label for="{fid}">{text}</label>'
                cell = ctrl + helpt
            elif how == "wrap":
                lab = ""
                cell = f'<label><span class="lbl">{text}</span> {ctrl}</label>{helpt}'
            elif how == "lby":
                lab = f'<p class="lbl" id="{lbl_id}">{text}</p>'
                cell = ctrl + helpt
            elif how in ("aria", "ph"):
                lab = ""
                cell = ctrl + helpt
            else:  # none: text beside, no association
                lab = f'<span class="lbl">{text}</span>'
                cell = ctrl + helpt
            hide = ""
            if f.hide == "none":
                hide = ' style="display:none"'
            elif f.hide == "off":
                hide = ' style="position:absolute;left:-9999px;top:-9999px" aria-hidden="true"'
            if layout == "table":
                body.append(
                    f'<tr class="{rowc}"{hide}><td class="label">{lab}</td><td>{cell}</td></tr>'
                )
            elif layout == "dl":
                body.append(f"<dt{hide}>{lab}</dt><dd{hide}>{cell}</dd>")
            else:
                body.append(f'<div class="{rowc}"{hide}>{lab}{cell}</div>')
        if layout == "table":
            body.append("</table>")
        elif layout == "dl":
            body.append("</dl>")
        body.append(form.after)
        if form.submit:
            body.append(f'<button type="submit">{E(form.submit)}</button>')
        parts.append(f"<form {form.attrs}>\n" + "\n".join(b for b in body if b) + "\n</form>")
    doc = f"""<!DOCTYPE html>
<html lang="{page.lang}">
<head>
<meta charset="utf-8">
<title>{E(page.title)}</title>
<style>
body{{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222}}
.req{{color:#b00}} .help{{display:block;color:#666;font-size:12px}}
{page.css}
</style>
</head>
<body>
{page.top}
{chr(10).join(parts[:1]) if False else ""}"""
    # forms may be placed by the top/bottom templates with {form0} etc.
    tpl = page.bottom or "\n".join(f"{{form{i}}}" for i in range(len(parts)))
    doc += tpl.format(**{f"form{i}": p for i, p in enumerate(parts)}) + "\n</body>\n</html>\n"
    return doc, {"kind": page.kind, "language": page.lang, "fields": truth}


def main():
    pages = []
    for mod in sorted(HERE.glob("pages_*.py")):
        spec = importlib.util.spec_from_file_location(mod.stem, mod)
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        pages += m.PAGES
    for p in pages:
        doc, truth = render(p)
        (HERE / f"{p.name}.html").write_text(doc, encoding="utf-8")
        (HERE / f"{p.name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        n = len(truth["fields"])
        m = sum(v is not None for v in truth["fields"].values())
        print(f"{p.name}: {n} ({m})")
    print(len(pages), "pages")


if __name__ == "__main__":
    main()
