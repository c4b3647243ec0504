"""Where proof goes: a local folder by default, S3 (or any S3 API) or Supabase Storage by
configuration (`EVIDENCE_ROOT` = folder, `s3://bucket/prefix` or `supabase://bucket/prefix`).

Each attempt gets a folder (or key prefix) `<job>/<directory>/<attempt>/` holding the
screenshot, a sanitised copy of the page's HTML (every frame, no scripts, secrets redacted,
a CSP that forbids execution) and `evidence.json` (URL, texts, timings, blocked requests).
Cookies, storage and header values are never written. `capture_page_evidence` takes what
the page shows; `store_evidence` writes it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from directory_pipeline.browser.evidence_html import FrameSnapshot, sanitised_snapshot
from directory_pipeline.browser.scripts import evaluate_within
from directory_pipeline.domain import Evidence


class EvidenceStore(Protocol):
    def put(self, prefix: str, name: str, data: bytes, content_type: str) -> str: ...

    def uri(self, prefix: str) -> str: ...


class LocalEvidenceStore:
    """Files under a root folder; URIs are file:// URLs."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def put(self, prefix: str, name: str, data: bytes, content_type: str) -> str:
        path = self.root / prefix / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path.as_uri()

    def uri(self, prefix: str) -> str:
        return (self.root / prefix).as_uri()


class S3EvidenceStore:
    """Objects in an S3 bucket (AWS, or any S3 API through `endpoint_url`)."""

    def __init__(self, bucket: str, key_prefix: str = "", client: Any = None) -> None:
        import boto3

        self.bucket = bucket
        self.key_prefix = key_prefix.strip("/")
        self.client = client or boto3.client("s3")

    def _key(self, prefix: str, name: str = "") -> str:
        parts = [p for p in (self.key_prefix, prefix.strip("/"), name) if p]
        return "/".join(parts)

    def put(self, prefix: str, name: str, data: bytes, content_type: str) -> str:
        key = self._key(prefix, name)
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return f"s3://{self.bucket}/{key}"

    def uri(self, prefix: str) -> str:
        return f"s3://{self.bucket}/{self._key(prefix)}/"


class SupabaseStorageEvidenceStore:
    """Objects in a Supabase Storage bucket, through supabase-py (needs SUPABASE_URL and the
    service role key)."""

    def __init__(self, bucket: str, key_prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.key_prefix = key_prefix.strip("/")
        self.client = client

    def _key(self, prefix: str, name: str = "") -> str:
        return "/".join(p for p in (self.key_prefix, prefix.strip("/"), name) if p)

    def put(self, prefix: str, name: str, data: bytes, content_type: str) -> str:
        key = self._key(prefix, name)
        self.client.storage.from_(self.bucket).upload(
            path=key, file=data, file_options={"content-type": content_type, "upsert": "true"}
        )
        return f"supabase://{self.bucket}/{key}"

    def uri(self, prefix: str) -> str:
        return f"supabase://{self.bucket}/{self._key(prefix)}/"


def evidence_store(root: str, s3_client: Any = None, supabase_client: Any = None) -> EvidenceStore:
    """`s3://bucket/prefix`, `supabase://bucket/prefix`, or a local folder."""
    parsed = urlparse(root)
    if parsed.scheme == "s3":
        return S3EvidenceStore(parsed.netloc, parsed.path, client=s3_client)
    if parsed.scheme == "supabase":
        if supabase_client is None:
            import os

            from supabase import create_client

            supabase_client = create_client(
                os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"]
            )
        return SupabaseStorageEvidenceStore(parsed.netloc, parsed.path, supabase_client)
    if parsed.scheme == "file":
        return LocalEvidenceStore(Path(parsed.path))
    return LocalEvidenceStore(Path(root))


def evidence_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, indent=2, default=str, ensure_ascii=False).encode()


# -- taking the page's picture -------------------------------------------------------------

_FRAME_HTML_JS = "() => '<!doctype html>\\n' + document.documentElement.outerHTML"
# The preview goes base64 into every `listing_submission` (and `listing_presence`)
# materialization, so the event log keeps one per attempt: 320 px at quality 50 keeps the
# site's name, headings and the form's layout recognisable in 3-6 KB on the sandbox sites and
# busy real-world forms (480 px at quality 55 took 7-11 KB); a page that would not fit the cap
# (dense imagery) steps down to quality 40 and 30, then 240 and 160 px.
PREVIEW_WIDTH_PX = 320
PREVIEW_MAX_BYTES = 6_000
# JPEG at this quality keeps every word of a confirmation legible; against PNG it costs
# about a third less CPU to take (Chromium encodes it) and to read back for the preview.
SCREENSHOT_JPEG_QUALITY = 85


@dataclass(frozen=True)
class PageEvidence:
    """What the page looked like at one moment, ready to store."""

    url: str
    screenshot_jpeg: bytes
    html: str  # sanitised: cannot execute when opened
    preview_jpeg: bytes  # at most PREVIEW_MAX_BYTES, for the UI and the event log


def small_preview(
    screenshot: bytes, width: int = PREVIEW_WIDTH_PX, max_bytes: int = PREVIEW_MAX_BYTES
) -> bytes:
    """A small JPEG of the top of a screenshot, for the run's event log: at most `max_bytes`
    (lower quality, then narrower, until it fits; the smallest step is returned anyway)."""
    steps = [(width, 40), (width, 30), (width * 3 // 4, 30), (width // 2, 30)]
    preview = _preview(screenshot, width, 50)
    for step_width, quality in steps:
        if len(preview) <= max_bytes:
            break
        preview = _preview(screenshot, step_width, quality)
    return preview


def _preview(screenshot: bytes, width: int, quality: int) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(screenshot)) as image:
        image.draft("RGB", (width, width))  # a JPEG decodes at 1/2, 1/4, 1/8 scale if enough
        top = image.crop((0, 0, image.width, min(image.height, int(image.width * 0.75))))
        height = max(1, round(top.height * width / top.width))
        small = top.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def capture_page_evidence(
    page: Page,
    *,
    offload: Callable[[Callable[[], Any]], Any],
    timeout_ms: int = 10_000,
) -> PageEvidence:
    """Screenshot, every frame's HTML (sanitised) and a small preview of `page`. The image
    and HTML work goes through `offload` (see `PlaywrightHub.offload`)."""
    screenshot = page.screenshot(
        full_page=True, type="jpeg", quality=SCREENSHOT_JPEG_QUALITY, timeout=timeout_ms
    )
    frames: list[FrameSnapshot] = []
    for frame in page.frames:
        try:
            html = evaluate_within(frame, _FRAME_HTML_JS, timeout_ms=timeout_ms)
        except PlaywrightError:
            continue  # a detached or hung frame: the screenshot still shows it
        frames.append(FrameSnapshot(url=frame.url, html=str(html)))
    return PageEvidence(
        url=page.url,
        screenshot_jpeg=screenshot,
        html=offload(lambda: sanitised_snapshot(frames)),
        preview_jpeg=offload(lambda: small_preview(screenshot)),
    )


def store_evidence(
    store: EvidenceStore, prefix: str, moment: str, page: PageEvidence, record: dict[str, Any]
) -> Evidence:
    """Write one moment's evidence under `prefix`; `record` goes into evidence.json."""
    stamp = dt.datetime.now(dt.UTC)
    screenshot = store.put(prefix, f"{moment}.jpg", page.screenshot_jpeg, "image/jpeg")
    html = store.put(prefix, f"{moment}.html", page.html.encode(), "text/html; charset=utf-8")
    document = {**record, "moment": moment, "final_url": page.url, "captured_at": stamp}
    store.put(prefix, "evidence.json", evidence_json(document), "application/json")
    return Evidence(
        uri=store.uri(prefix),
        screenshot_uri=screenshot,
        html_uri=html,
        final_url=page.url,
        captured_at=stamp,
    )
