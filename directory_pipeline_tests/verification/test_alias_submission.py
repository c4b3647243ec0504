"""With a verification mailbox configured, each submission gives the directory its own
plus-address of it, so the directory's mail says which submission it is about; without
one, the profile's own e-mail is given. Real Chromium against a sandbox site."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.domain import BusinessProfile, SubmissionStatus
from directory_pipeline.sandbox import SandboxServer, sandbox_directories
from directory_pipeline.verification.aliases import alias_for
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

SITE = "citylocal-hub"


def _posted_values(server: SandboxServer) -> list[str]:
    entries = httpx.get(f"{server.url}/__sandbox/ledger", params={"site": SITE}, timeout=10)
    values: list[str] = []
    for entry in entries.json():
        for value in entry["fields"].values():
            values += value if isinstance(value, list) else [value]
    return values


def test_the_contact_email_is_the_submissions_own_alias(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    httpx.post(f"{sandbox_server.url}/__sandbox/reset", json={}, timeout=10).raise_for_status()
    directory = next(d for d in sandbox_directories(sandbox_server.port) if d.slug == SITE)
    profile = BusinessProfile.model_validate(SAMPLE_PROFILE)
    job_id = uuid.uuid4()
    config = EngineConfig(verification_address="listings@shop.example")

    def submit():
        with SubmissionEngine(LocalEvidenceStore(tmp_path), config=config) as engine:
            return engine.submit(directory, profile, job_id=job_id)

    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(submit).result(timeout=300)
    assert result.outcome.status is SubmissionStatus.SUBMITTED
    posted = _posted_values(sandbox_server)
    assert alias_for("listings@shop.example", job_id, SITE) in posted
    assert profile.email not in posted
