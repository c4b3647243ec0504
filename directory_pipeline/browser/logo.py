"""The customer's logo, fetched for a form's file input: over http(s) only, through the
network guard's proxy, one redirect hop at a time, and only if it is a small image.

The proxy decides where each hop may go (it refuses internal addresses and resolves names at
connect time), so a logo URL cannot be used to read our own network. Nothing here ever reads
a local file.
"""

from __future__ import annotations

import re
import time
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict

from directory_pipeline.browser.proxy import GUARD_HEADER, GuardAnswer

IMAGE_TYPES: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
_REDIRECTS = {301, 302, 303, 307, 308}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class LogoUnavailable(RuntimeError):
    """The logo could not be fetched as a small image through the network guard."""


class LogoFile(BaseModel):
    """A fetched logo, ready for a file input: file name, MIME type and bytes."""

    model_config = ConfigDict(frozen=True)

    name: str
    mime_type: str
    data: bytes


def _looks_like(mime_type: str, head: bytes) -> bool:
    """Whether the first bytes agree with the announced image type."""
    match mime_type:
        case "image/png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        case "image/jpeg":
            return head.startswith(b"\xff\xd8\xff")
        case "image/gif":
            return head.startswith((b"GIF87a", b"GIF89a"))
        case "image/webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        case _:
            return b"<svg" in head[:2048].lower()


def _file_name(url: str, mime_type: str) -> str:
    extension = IMAGE_TYPES[mime_type]
    stem = _SAFE_NAME.sub("-", PurePosixPath(urlsplit(url).path).stem).strip("-.")[:60]
    return f"{stem or 'logo'}.{extension}"


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"s3", "supabase"}:
        raise LogoUnavailable(f"logo {url}: {scheme}:// logos are not supported yet")
    if scheme not in {"http", "https"}:
        raise LogoUnavailable(f"logo {url}: only http(s) logos are fetched")


def _read_image(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> LogoFile:
    mime_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if mime_type not in IMAGE_TYPES:
        raise LogoUnavailable(f"logo {url} is not an image (content type {mime_type or 'none'})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise LogoUnavailable(f"logo {url} is {declared} bytes; the limit is {max_bytes}")
    data = bytearray()
    for chunk in response.iter_bytes():
        data.extend(chunk)
        if len(data) > max_bytes:
            raise LogoUnavailable(f"logo {url} is larger than the {max_bytes}-byte limit")
        if time.monotonic() > deadline:
            raise LogoUnavailable(f"logo {url} took too long to download")
    if not _looks_like(mime_type, bytes(data[:2048])):
        raise LogoUnavailable(f"logo {url} does not look like the {mime_type} it claims to be")
    return LogoFile(name=_file_name(url, mime_type), mime_type=mime_type, data=bytes(data))


def fetch_logo(
    url: str,
    proxy_url: str,
    *,
    max_bytes: int = 2_000_000,
    timeout_s: float = 15.0,
    max_redirects: int = 3,
) -> LogoFile:
    """Fetch the logo through the guard proxy at `proxy_url`, following at most
    `max_redirects` redirects ourselves so every hop passes the proxy; raises
    `LogoUnavailable` with the reason when it cannot be had."""
    deadline = time.monotonic() + timeout_s
    current = url
    with httpx.Client(
        proxy=proxy_url, follow_redirects=False, timeout=timeout_s, trust_env=False
    ) as client:
        for _ in range(max_redirects + 1):
            _check_scheme(current)
            if time.monotonic() > deadline:
                raise LogoUnavailable(f"logo {url} took longer than {timeout_s} s")
            try:
                with client.stream("GET", current, headers={"Accept": "image/*"}) as response:
                    guard_answer = response.headers.get(GUARD_HEADER)
                    if guard_answer == GuardAnswer.REFUSED:
                        raise LogoUnavailable(f"logo {current} refused by the network guard")
                    if guard_answer:
                        raise LogoUnavailable(f"logo {current} unreachable ({guard_answer})")
                    if response.status_code in _REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise LogoUnavailable(f"logo {current}: redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != 200:
                        raise LogoUnavailable(f"logo {current} answered {response.status_code}")
                    return _read_image(response, current, max_bytes, deadline)
            except httpx.ProxyError as exc:  # a CONNECT (https) the guard refused or failed
                raise LogoUnavailable(f"logo {current}: the network guard's proxy: {exc}") from exc
            except httpx.HTTPError as exc:
                raise LogoUnavailable(f"logo {current} could not be fetched: {exc}") from exc
    raise LogoUnavailable(f"logo {url} redirected more than {max_redirects} times")
