"""Evidence HTML that cannot execute: the frames of a page, re-serialised into one inert
document.

The raw `outerHTML` of each frame is parsed with the standard library's tolerant tokenizer
and written out again from the tokens, never copied through: text is escaped, attribute
values are quoted and escaped, only plainly named tags and attributes are written, and every
element is closed at the end of its frame, so one frame's markup cannot leak into the next
section. On the way, whatever can run or navigate is dropped (scripts, plug-ins, frames,
`<base>`, `<meta http-equiv>`, event handlers, `javascript:` and non-image `data:` URLs,
`srcdoc`), and values that may be secrets (hidden and password inputs, anything named like a
token, nonce, key, session or auth) are replaced by `[redacted]`. A strict Content Security
Policy opens the document's head as a second line of defence.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
REDACTED = "[redacted]"

# Dropped together with everything inside them (frames arrive as frame snapshots of their
# own; plug-ins and script fallbacks are not evidence of what the page showed).
_DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "noscript",
        "object",
        "applet",
        "iframe",
        "noembed",
        "noframes",
        "portal",
        "fencedframe",
    }
)
# Dropped as tags; their children (if any) stay.
_DROP_TAG = frozenset(
    {
        "html",
        "head",
        "body",
        "base",
        "link",
        "embed",
        "frame",
        "frameset",
        "param",
        "animate",
        "animatemotion",
        "animatetransform",
        "set",
        "discard",
    }
)
# Raw-text elements of old HTML that would swallow the rest of the document; shown as <pre>.
_RENAMED = {"plaintext": "pre", "xmp": "pre", "listing": "pre"}
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "frame",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_TAG_NAME = re.compile(r"^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?$")
_ATTRIBUTE_NAME = re.compile(r"^[a-z_][a-z0-9_.:-]*$")
# Attributes that carry text for people, not addresses: never read as URLs.
_TEXT_ATTRIBUTES = frozenset({"value", "alt", "title", "placeholder", "label", "content"})
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SAFE_DATA_URL = re.compile(r"^data:image/(png|jpe?g|gif|webp|avif|bmp|x-icon)[;,]")
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
# Attributes that would send the viewer's browser somewhere when clicked: kept for the record
# under an inert name.
_INERT_RENAMES = {"action": "data-evidence-action", "formaction": "data-evidence-formaction"}
_SECRET_SUBSTRINGS = re.compile(r"token|nonce|csrf|xsrf|secret|session|sessid|passw|passcode")
_SECRET_KEY_WORDS = re.compile(
    r"^(api|form|auth|private|public|site|access|secret|sign(ing)?)?key$"
)
_NAME_PARTS = re.compile(r"[^a-z0-9]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class FrameSnapshot:
    """One frame's document as the browser had it: its URL and its raw `outerHTML`."""

    url: str
    html: str


def looks_secret(name: str) -> bool:
    """Whether a field or meta name/id reads like a token, nonce, CSRF value, secret, key,
    session or auth value (but not `keywords` or `author`)."""
    if _SECRET_SUBSTRINGS.search(name.lower()):
        return True
    parts = [p for p in _NAME_PARTS.split(_CAMEL_BOUNDARY.sub("_", name).lower()) if p]
    for part in parts:
        if _SECRET_KEY_WORDS.match(part) or part in {"sid", "sig", "signature", "oauth"}:
            return True
        if part.startswith("auth") and part not in {"author", "authors", "authored"}:
            return True
    return False


def _dangerous_url(value: str) -> bool:
    compact = _URL_NOISE.sub("", value).lower()
    if compact.startswith("data:"):
        return not _SAFE_DATA_URL.match(compact)
    return compact.startswith(_DANGEROUS_SCHEMES)


def _first_occurrences(attrs: list[tuple[str, str | None]]) -> dict[str, str | None]:
    """Attributes as the browser reads them: the first of duplicate names wins."""
    kept: dict[str, str | None] = {}
    for name, value in attrs:
        kept.setdefault(name.lower(), value)
    return kept


def _is_secret_element(attrs: dict[str, str | None]) -> bool:
    """Whether an element's value may be a secret: a hidden or password input (or anything
    typed so), or anything named like a token, key, session or auth value."""
    if (attrs.get("type") or "").strip().lower() in {"hidden", "password"}:
        return True
    return any(looks_secret(attrs.get(a) or "") for a in ("name", "id", "property"))


def _clean_attributes(attrs: dict[str, str | None]) -> list[tuple[str, str | None]]:
    secret = _is_secret_element(attrs)
    cleaned: list[tuple[str, str | None]] = []
    for name, value in attrs.items():
        if not _ATTRIBUTE_NAME.match(name) or name.startswith("on") or name == "srcdoc":
            continue
        if value is not None and name not in _TEXT_ATTRIBUTES and _dangerous_url(value):
            continue
        if secret and value and name in {"value", "content"}:
            value = REDACTED
        cleaned.append((_INERT_RENAMES.get(name, name), value))
    return cleaned


def _start_tag(tag: str, attributes: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for name, value in attributes:
        parts.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


class _Sanitiser(HTMLParser):
    """Re-serialises one frame's document from its tokens, keeping only inert markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []  # elements written and not yet closed
        self.skipping: str | None = None  # inside a dropped element: its tag name
        self.redacting: str | None = None  # inside a secret <textarea>

    # -- tags ----------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        tag = _RENAMED.get(tag.lower(), tag.lower())
        if self.skipping is not None or self.redacting is not None:
            return
        if tag in _DROP_WITH_CONTENT:
            # `<script/>` opens a script in HTML all the same: skip to its end tag.
            self.skipping = tag
            return
        if tag in _DROP_TAG or not _TAG_NAME.match(tag):
            return
        first = _first_occurrences(attrs)
        if tag == "meta" and "http-equiv" in first:
            return  # refresh, set-cookie, a page's own CSP: none of it belongs in evidence
        self.out.append(_start_tag(tag, _clean_attributes(first)))
        if tag in _VOID:
            return
        if self_closing:
            self.out.append(f"</{tag}>")
            return
        self.open.append(tag)
        if tag == "textarea" and _is_secret_element(first):
            self.out.append(REDACTED)
            self.redacting = tag

    def handle_endtag(self, tag: str) -> None:
        tag = _RENAMED.get(tag.lower(), tag.lower())
        if self.skipping is not None:
            if tag == self.skipping:
                self.skipping = None
            return
        if self.redacting is not None and tag != self.redacting:
            return
        self.redacting = None
        if tag not in self.open:
            return  # a stray end tag: nothing of ours to close
        while self.open:
            closed = self.open.pop()
            self.out.append(f"</{closed}>")
            if closed == tag:
                break

    # -- content -------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.skipping is not None or self.redacting is not None:
            return
        if self.open and self.open[-1] == "style":
            # Raw CSS: no `<` at all, so nothing in it can close the element or open a tag
            # (inside <svg> a style's text is parsed as markup).
            self.out.append(data.replace("<", "\\3c "))
            return
        self.out.append(html.escape(data, quote=False))

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA[") and self.skipping is None and self.redacting is None:
            self.out.append(html.escape(data.removeprefix("CDATA["), quote=False))

    def handle_comment(self, data: str) -> None:
        return  # comments are dropped (conditional comments included)

    def handle_decl(self, decl: str) -> None:
        return  # the snapshot has its own doctype

    def handle_pi(self, data: str) -> None:
        return

    def finish(self) -> str:
        if self.rawdata.startswith("<") and getattr(self, "cdata_elem", None) is None:
            # Markup cut off by the end of the document (an unclosed comment, a tag without
            # its `>`): browsers show none of it, so neither do we.
            self.rawdata = ""
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitised_frame(document: str) -> str:
    """One frame's document as inert markup, every element it opens closed."""
    sanitiser = _Sanitiser()
    sanitiser.feed(document)
    return sanitiser.finish()


_PAGE_STYLE = (
    ".evidence-frame{border-top:2px solid #888;margin:1em 0;padding-top:.5em}"
    ".evidence-frame-url{font:bold 13px monospace;color:#444;word-break:break-all}"
)


def sanitised_snapshot(frames: list[FrameSnapshot]) -> str:
    """One self-contained HTML document holding every frame (main frame first), each in its
    own section headed by its URL, with nothing in it that can execute or navigate."""
    sections = [
        f'<section class="evidence-frame" data-frame-index="{index}">'
        f'<h2 class="evidence-frame-url">{html.escape(frame.url, quote=False)}</h2>'
        f'<div class="evidence-frame-body">{sanitised_frame(frame.html)}</div></section>'
        for index, frame in enumerate(frames)
    ]
    return (
        "<!DOCTYPE html>\n<html><head>"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta charset="utf-8"><title>Page snapshot (sanitised evidence)</title>'
        f"<style>{_PAGE_STYLE}</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )
