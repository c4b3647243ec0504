"""Sanitised evidence HTML: hostile markup comes out inert, the visible text stays, secrets are
redacted; then real Chromium loads the result and nothing runs."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Dialog, Page

from directory_pipeline.browser.evidence_html import (
    CSP,
    REDACTED,
    FrameSnapshot,
    looks_secret,
    sanitised_frame,
    sanitised_snapshot,
)

# (hostile markup, text that must stay visible, fragments that must not survive)
HOSTILE = [
    ('<img src=x onerror="window.__ran=1">Logo', "Logo", ["onerror", "__ran"]),
    ("<IMG SRC=x OnError=window.__ran=1>Shout", "Shout", ["onerror", "__ran"]),
    ("<SCRIPT>window.__ran=1</SCRIPT>After", "After", ["script", "__ran"]),
    ("<script>var s='</scr'+'ipt>';window.__ran=1</script>Tail", "Tail", ["__ran", "ipt>"]),
    ("<script>window.__ran=1", "", ["__ran"]),  # never closed
    (
        '<a href="JaVaScRiPt:window.__ran=1">Click</a>',
        "Click",
        ["javascript", "__ran"],
    ),
    (
        '<a href=" java\tscript:window.__ran=1">Tab</a>',
        "Tab",
        ["script:", "__ran"],
    ),
    (
        '<a href="&#106;avascript:window.__ran=1">Entity</a>',
        "Entity",
        ["avascript", "__ran"],
    ),
    ('<a href="data:text/html,<script>x</script>">Data</a>', "Data", ["data:text"]),
    ("<svg><script>window.__ran=1</script><text>Vector</text></svg>", "Vector", ["__ran"]),
    (
        '<svg><a xlink:href="javascript:window.__ran=1"><text>SvgLink</text></a></svg>',
        "SvgLink",
        ["javascript"],
    ),
    (
        "<svg><animate attributeName=href to=javascript:window.__ran=1 /></svg>Anim",
        "Anim",
        ["javascript", "animate"],
    ),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">Stay', "Stay", ["refresh"]),
    ('<base href="https://evil.example/">Based', "Based", ["<base", "evil.example"]),
    ('<iframe srcdoc="<script>window.__ran=1</script>"></iframe>Framed', "Framed", ["srcdoc"]),
    ('<iframe src="https://evil.example/">fallback</iframe>Next', "Next", ["iframe", "fallback"]),
    ('<object data="x.swf"><embed src="x.swf"></object>Plug', "Plug", ["object", "embed"]),
    ("<noscript><p>Enable JS</p></noscript>Shown", "Shown", ["noscript", "Enable JS"]),
    (
        '<noscript><p title="</noscript><img src=x onerror=window.__ran=1>"></noscript>Mx',
        "Mx",
        ["onerror", "__ran"],
    ),
    ("<body onload=window.__ran=1>Body</body>", "Body", ["onload", "__ran"]),
    ('<form action="https://dir.example/add"><button>Send</button></form>', "Send", [" action="]),
    (
        '<button formaction="javascript:window.__ran=1">Go</button>',
        "Go",
        ["javascript", "formaction="],
    ),
    ("<!-- <script>window.__ran=1</script> -->Comment", "Comment", ["__ran", "<!--"]),
    ("<![CDATA[<script>x</script>]]>Cdata", "Cdata", ["<script"]),
    ("<div title=a onclick>Bare<p>unclosed <b>tags", "unclosed tags", ["onclick"]),
    (
        "<style>p{color:red}</style><svg><style><img src=x onerror=window.__ran=1></style></svg>S",
        "S",
        ["<img"],  # the CSS text keeps the words, but no `<` that could open a tag
    ),
    ("<scr<script>ipt>window.__ran=1</script>Nest", "Nest", ["<script"]),
    ("<plaintext><p>Plain", "Plain", ["plaintext"]),
    ('<img src="data:image/svg+xml,<svg onload=window.__ran=1>">Svg', "Svg", ["data:image/svg"]),
    ('<a href="https://ok.example/" x"onclick=1>Odd</a>', "Odd", ['x"', "onclick"]),
]


@pytest.mark.parametrize(("markup", "visible", "gone"), HOSTILE)
def test_nothing_executable_survives_and_the_text_does(
    markup: str, visible: str, gone: list[str]
) -> None:
    out = sanitised_frame(markup)
    lowered = out.lower()
    for fragment in gone:
        assert fragment.lower() not in lowered, out
    assert "<script" not in lowered and "<iframe" not in lowered and " on" not in _tags(lowered)
    text = re.sub(r"<[^>]*>", "", out)
    assert visible in text.replace("\n", " ").replace("  ", " "), out


def _tags(html_text: str) -> str:
    """Only the markup of the tags, where an `on...=` handler could hide."""
    return " ".join(re.findall(r"<[^>]*>", html_text))


def test_safe_images_links_and_styles_are_kept() -> None:
    out = sanitised_frame(
        '<a href="https://dir.example/listing/42">Listing</a>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">'
        '<p style="color:green" class=ok>Thanks for your submission!</p>'
    )
    assert '<a href="https://dir.example/listing/42">Listing</a>' in out
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">' in out
    assert '<p style="color:green" class="ok">Thanks for your submission!</p>' in out


SECRETS = [
    ('<input type="hidden" name="listing_ref" value="abc123">', "abc123"),
    ('<input type="HIDDEN" name="x" value="h1dden">', "h1dden"),
    ('<input type="password" name="pw" value="hunter2">', "hunter2"),
    ('<input name="csrfmiddlewaretoken" value="tok-1">', "tok-1"),
    ('<input id="apiKey" value="sk-live-9">', "sk-live-9"),
    ('<input name="session_id" value="s-77">', "s-77"),
    ('<input name="wp_nonce" value="n-5">', "n-5"),
    ('<input name="auth" value="a-6">', "a-6"),
    ('<meta name="csrf-token" content="meta-tok">', "meta-tok"),
    ('<textarea name="client_secret">shh <b>very</b></textarea>', "shh"),
]


@pytest.mark.parametrize(("markup", "secret"), SECRETS)
def test_secrets_are_redacted(markup: str, secret: str) -> None:
    out = sanitised_frame(markup)
    assert secret not in out
    assert REDACTED in out


def test_ordinary_fields_keep_their_values() -> None:
    out = sanitised_frame(
        '<input name="keywords" value="sourdough"><input name="author" value="Rosa">'
        '<meta name="description" content="A bakery"><textarea name="description">Fresh</textarea>'
    )
    for value in ("sourdough", "Rosa", "A bakery", "Fresh"):
        assert value in out
    assert REDACTED not in out


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("authenticity_token", True),
        ("g-recaptcha-sitekey", True),
        ("api_key", True),
        ("PHPSESSID", True),
        ("keywords", False),
        ("monkey_business", False),
        ("author_name", False),
        ("business_name", False),
    ],
)
def test_what_counts_as_a_secret_name(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret


def test_the_snapshot_is_one_document_with_the_csp_first_and_a_section_per_frame() -> None:
    out = sanitised_snapshot(
        [
            FrameSnapshot("https://dir.example/add", "<html><body><p>Main<textarea>open"),
            FrameSnapshot("https://widget.example/<x>", "<p>Inner frame</p>"),
        ]
    )
    head = out.split("<head>", 1)[1]
    assert head.startswith(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    assert CSP == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert out.count("<section") == 2 and out.count("<html") == 1
    assert "https://widget.example/&lt;x&gt;" in out
    # The first frame's unclosed <textarea> is closed inside its own section.
    first, second = out.split('<section class="evidence-frame" data-frame-index="1">')
    assert first.count("<textarea>") == first.count("</textarea>") == 1
    assert "Inner frame" in second


# Every hostile case as a frame of its own: one frame's unclosed markup must not leak into
# the next section.
HOSTILE_FRAMES = [
    FrameSnapshot(f"https://dir.example/frame/{index}", markup)
    for index, (markup, _, _) in enumerate(HOSTILE)
]


_POKE_EVERYTHING = """() => {
    for (const element of document.querySelectorAll("*")) {
        for (const type of ["mouseover", "focus", "error", "load"]) {
            element.dispatchEvent(new Event(type));
        }
    }
}"""


def _load(page: Page, document: str) -> list[str]:
    """Load `document`, then fire the events inline handlers listen for on every element;
    returns the dialogs that opened."""
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_content(document, wait_until="load")
    page.evaluate(_POKE_EVERYTHING)
    return dialogs


def test_the_hostile_page_does_run_script_when_loaded_raw(page: Page) -> None:
    """Control: payloads like these do run when unsanitised, so the checks below can fail."""
    dialogs = _load(page, "<img src=x onerror=window.__ran=1><svg onload=alert(2)></svg>")
    assert page.evaluate("window.__ran") == 1
    assert "2" in dialogs


def test_chromium_runs_nothing_from_the_sanitised_snapshot(page: Page) -> None:
    """Real Chromium: the whole hostile page as two frames, plus alert() variants."""
    frames = [
        *HOSTILE_FRAMES,
        FrameSnapshot(
            "https://widget.example/",
            "<img src=x onerror=alert(1)><svg onload=alert(2)><script>alert(3)</script>Widget",
        ),
    ]
    dialogs = _load(page, sanitised_snapshot(frames))
    assert page.evaluate("window.__ran") is None
    assert dialogs == []
    assert page.url == "about:blank"
    body = " ".join(page.inner_text("body").split())
    for frame in frames:
        assert frame.url in body
    for _, visible, _ in HOSTILE:
        assert visible in body


def test_the_sanitiser_alone_keeps_chromium_inert_without_the_csp(page: Page) -> None:
    """Defence in depth: the markup itself is inert, even with the CSP meta removed."""
    document = sanitised_snapshot(HOSTILE_FRAMES)
    csp_meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    without_csp = document.replace(csp_meta, "")
    assert "Content-Security-Policy" not in without_csp
    dialogs = _load(page, without_csp)
    assert page.evaluate("window.__ran") is None
    assert dialogs == []
    assert page.url == "about:blank"


_PIECES = [
    "<script>",
    "</script>",
    "<SCRIPT ",
    "</scr",
    "<svg>",
    "<style>",
    "</style>",
    "<img src=x ",
    "onerror=window.__ran=1",
    ' href="javascript:x"',
    " srcdoc='<b>'",
    "<iframe>",
    "<noscript>",
    "</noscript>",
    "<textarea>",
    "</textarea>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<a",
    ">",
    "<",
    '"',
    "'",
    "=",
    " ",
    "&#106;",
    "text",
    "<meta http-equiv=refresh content=0>",
    "<input type=hidden value=s3cret>",
]


_TAG = re.compile(r"<([a-z][a-z0-9:-]*)((?:\s[^\s=>]+(?:=\"[^\"]*\")?)*)>")
_ATTRIBUTE = re.compile(r"\s([^\s=>]+)(?:=\"([^\"]*)\")?")


def _elements(out: str) -> list[tuple[str, dict[str, str]]]:
    """Tags and attributes of sanitised output (always `name="escaped value"`)."""
    return [
        (tag, {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(attributes)})
        for tag, attributes in _TAG.findall(out)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_any_mix_of_hostile_pieces_comes_out_inert(markup: str) -> None:
    out = sanitised_frame(markup)
    assert not re.search(r"<[a-zA-Z!?]", _TAG.sub("", out)), out  # every tag is one we parse
    for tag, attributes in _elements(out):
        assert tag not in {"script", "iframe", "noscript", "object", "embed", "base"}, out
        assert tag != "meta" or "http-equiv" not in attributes, out
        for name, value in attributes.items():
            assert not name.startswith("on") and name != "srcdoc", out
            if name not in {"title", "alt", "value", "placeholder", "content"}:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not scheme.startswith(("javascript:", "data:text")), out
            assert name not in {"value", "content"} or "s3cret" not in value, out
    assert sanitised_frame(out) == out  # already inert markup passes through unchanged
