"""The browser's allow-list, the politeness throttle, and evidence stores (local folder and
a real S3 API: moto's server)."""

from __future__ import annotations

import threading
import time
import uuid

import boto3
from playwright.sync_api import Browser

from directory_pipeline.browser.evidence import LocalEvidenceStore, evidence_store
from directory_pipeline.browser.guard import NetworkGuard
from directory_pipeline.browser.throttle import DirectoryThrottle
from directory_pipeline.domain import DirectoryEntry, Package
from directory_pipeline.local.sqs import LocalSqs
from directory_pipeline.sandbox import SandboxServer, sandbox_directories


def _entry(**extra: object) -> DirectoryEntry:
    return DirectoryEntry.model_validate(
        {
            "slug": "acme",
            "name": "Acme",
            "submit_url": "https://www.acme.example/add",
            "tier": Package.STARTER,
            **extra,
        }
    )


def test_only_the_directorys_hosts_are_reachable() -> None:
    guard = NetworkGuard(_entry(hosts=["acme.example"]))
    assert guard.allows("https://www.acme.example/add")
    assert guard.allows("https://cdn.acme.example/logo.png")
    assert guard.allows("data:image/png;base64,AAAA")
    assert not guard.allows("https://tracker.example/pixel")
    assert not guard.allows("https://acme.example.evil.example/")
    assert not guard.allows("file:///etc/passwd")


def test_loopback_is_refused_unless_the_directory_is_a_sandbox_site() -> None:
    assert not NetworkGuard(_entry(hosts=["localhost"])).allows("http://localhost:8080/")
    assert not NetworkGuard(_entry(hosts=["127.0.0.1"])).allows("http://127.0.0.1:5432/")
    sandbox = _entry(
        hosts=["acme.localhost"], sandbox=True, submit_url="http://acme.localhost:9000/"
    )
    assert NetworkGuard(sandbox).allows("http://acme.localhost:9000/add")
    assert not NetworkGuard(sandbox).allows("http://acme.localhost:5432/")
    assert not NetworkGuard(sandbox).allows("http://127.0.0.1:9000/__sandbox/ledger")


def test_the_guard_blocks_requests_a_directory_page_makes_elsewhere(
    chromium: Browser, sandbox_server: SandboxServer
) -> None:
    directory = next(
        d for d in sandbox_directories(sandbox_server.port) if d.slug == "citylocal-hub"
    )
    with NetworkGuard(directory) as guard:
        context = chromium.new_context(**guard.context_options())
        try:
            guard.install(context)
            page = context.new_page()
            page.goto(directory.submit_url)
            outcome = page.evaluate(
                """async (urls) => Promise.all(urls.map((u) => fetch(u).then(
                       (r) => 'reached', () => 'blocked')))""",
                [sandbox_server.url + "/__sandbox/ledger", sandbox_server.url_for("nearbyguide")],
            )
        finally:
            context.close()
    assert outcome == ["blocked", "blocked"]
    assert any("__sandbox/ledger" in url for url in guard.blocked)


def test_throttle_keeps_the_minimum_interval_between_starts() -> None:
    directory = _entry(min_interval_seconds=0.3, max_concurrency=1)
    throttle = DirectoryThrottle()
    starts: list[float] = []

    def submit() -> None:
        with throttle.slot(directory):
            starts.append(time.monotonic())

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gaps = [b - a for a, b in zip(sorted(starts), sorted(starts)[1:], strict=False)]
    assert len(gaps) == 2 and all(gap >= 0.29 for gap in gaps), gaps


def test_local_evidence_lands_under_the_root(tmp_path) -> None:
    store = evidence_store(str(tmp_path / "proof"))
    assert isinstance(store, LocalEvidenceStore)
    uri = store.put("job/dir/1", "result.png", b"png-bytes", "image/png")
    assert uri == (tmp_path / "proof" / "job/dir/1/result.png").as_uri()
    assert (tmp_path / "proof" / "job/dir/1/result.png").read_bytes() == b"png-bytes"


def test_s3_evidence_on_a_real_s3_api(sqs_server: LocalSqs) -> None:
    """moto's server speaks S3 as well as SQS; the store is the same code as for AWS."""
    s3 = boto3.client(
        "s3",
        endpoint_url=sqs_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    bucket = f"evidence-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    store = evidence_store(f"s3://{bucket}/prod", s3_client=s3)
    uri = store.put("job/dir/1", "result.html", b"<html>ok</html>", "text/html")
    assert uri == f"s3://{bucket}/prod/job/dir/1/result.html"
    stored = s3.get_object(Bucket=bucket, Key="prod/job/dir/1/result.html")
    assert stored["Body"].read() == b"<html>ok</html>"
    assert stored["ContentType"] == "text/html"
    assert store.uri("job/dir/1") == f"s3://{bucket}/prod/job/dir/1/"


class _StorageDouble:
    """Stands in for supabase-py's client: no Supabase Storage server can run here. It
    records what the store uploads, through the same calls supabase-py exposes."""

    def __init__(self) -> None:
        self.uploads: list[tuple[str, str, bytes, dict]] = []
        self.storage = self

    def from_(self, bucket: str) -> _StorageDouble:
        self._bucket = bucket
        return self

    def upload(self, path: str, file: bytes, file_options: dict) -> None:
        self.uploads.append((self._bucket, path, file, file_options))


def test_supabase_storage_evidence_goes_to_the_bucket() -> None:
    client = _StorageDouble()
    store = evidence_store("supabase://evidence/prod", supabase_client=client)
    uri = store.put("job/dir/1", "result.png", b"png", "image/png")
    assert uri == "supabase://evidence/prod/job/dir/1/result.png"
    assert client.uploads == [
        (
            "evidence",
            "prod/job/dir/1/result.png",
            b"png",
            {"content-type": "image/png", "upsert": "true"},
        ),
    ]
