"""Where proof goes: a local folder by default, S3 (or any S3 API) or Supabase Storage by
configuration (`EVIDENCE_ROOT` = folder, `s3://bucket/prefix` or `supabase://bucket/prefix`).

Each attempt gets a folder (or key prefix) `<job>/<directory>/<attempt>/` holding the
screenshot, the HTML of the page and `evidence.json` (URL, texts, timings). Cookies, storage
and header values are never written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse


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


# The page as the engine saw it, with the values of hidden and password inputs (tokens,
# nonces, secrets) blanked.
SNAPSHOT_JS = """
() => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll('input[type=hidden], input[type=password]').forEach(
    (input) => input.setAttribute('value', '[redacted]'));
  return '<!doctype html>\\n' + root.outerHTML;
}
"""


def evidence_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, indent=2, default=str, ensure_ascii=False).encode()
