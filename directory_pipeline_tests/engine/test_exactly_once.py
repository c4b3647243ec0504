"""Exactly once, against a real sandbox site, real Chromium and the journal in real Postgres.

The crash is real too: the submitting process dies (os._exit, from a hook the test installs
in the engine) right after the directory answered the submit click and before the engine
read the answer."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from directory_pipeline.browser.engine import (
    EngineConfig,
    SubmissionEngine,
    SubmissionResult,
)
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, SubmissionStatus
from directory_pipeline.sandbox import SandboxServer, sandbox_directories
from directory_pipeline.store.attempts import AttemptJournal
from directory_pipeline_tests.conftest import SAMPLE_PROFILE

PROFILE = BusinessProfile.model_validate(SAMPLE_PROFILE)
SITE = "citylocal-hub"

SUBMIT_SCRIPT = """
import json, os, sys, uuid
from pathlib import Path
from directory_pipeline.browser.attempt import AttemptHooks
from directory_pipeline.browser.engine import SubmissionEngine
from directory_pipeline.browser.evidence import LocalEvidenceStore
from directory_pipeline.domain import BusinessProfile, DirectoryEntry
from directory_pipeline.store.attempts import AttemptJournal
directory = DirectoryEntry.model_validate_json(sys.argv[1])
profile = BusinessProfile.model_validate_json(sys.argv[2])
crash = AttemptHooks(after_submit_answer=lambda: os._exit(86))
with SubmissionEngine(LocalEvidenceStore(Path(sys.argv[4])),
                      journal=AttemptJournal(sys.argv[5]), hooks=crash) as engine:
    result = engine.submit(directory, profile, job_id=uuid.UUID(sys.argv[3]))
print(result.outcome.status.value)
"""


def _directory(server: SandboxServer, slug: str = SITE) -> DirectoryEntry:
    return next(d for d in sandbox_directories(server.port) if d.slug == slug)


def _ledger(server: SandboxServer, slug: str = SITE) -> list[dict]:
    response = httpx.get(f"{server.url}/__sandbox/ledger", params={"site": slug}, timeout=10)
    return response.json()


@pytest.fixture(autouse=True)
def _fresh_sandbox(sandbox_server: SandboxServer) -> None:
    httpx.post(
        f"{sandbox_server.url}/__sandbox/reset", json={"knobs": True}, timeout=10
    ).raise_for_status()


def _in_thread(engine_args: dict, *calls: dict) -> list[SubmissionResult]:
    """Run submissions on an engine living in a thread of its own (one Playwright per thread)."""

    def work() -> list[SubmissionResult]:
        with SubmissionEngine(**engine_args) as engine:
            return [engine.submit(**call) for call in calls]

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result(timeout=300)


def test_a_crash_between_click_and_answer_leaves_needs_review_and_no_second_post(
    sandbox_server: SandboxServer, migrated_database_url: str, tmp_path: Path
) -> None:
    directory = _directory(sandbox_server)
    job_id = uuid.uuid4()
    crashed = subprocess.run(
        [
            sys.executable,
            "-c",
            SUBMIT_SCRIPT,
            directory.model_dump_json(),
            PROFILE.model_dump_json(),
            str(job_id),
            str(tmp_path / "evidence"),
            migrated_database_url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert crashed.returncode == 86, crashed.stderr[-2000:]
    assert len(_ledger(sandbox_server)) == 1  # the directory did receive the listing

    journal = AttemptJournal(migrated_database_url)
    [open_intent] = journal.history(job_id, directory.slug)
    assert open_intent.result_at is None

    [again] = _in_thread(
        {"evidence": LocalEvidenceStore(tmp_path / "evidence"), "journal": journal},
        {"directory": directory, "profile": PROFILE, "job_id": job_id},
    )
    assert again.outcome.status is SubmissionStatus.NEEDS_REVIEW
    assert "interrupted" in (again.outcome.reason or "")
    assert len(_ledger(sandbox_server)) == 1  # never re-submitted blindly
    [settled] = journal.history(job_id, directory.slug)
    assert settled.status is SubmissionStatus.NEEDS_REVIEW and settled.result_at is not None


def test_a_submitted_directory_is_not_submitted_again_unless_forced(
    sandbox_server: SandboxServer, migrated_database_url: str, tmp_path: Path
) -> None:
    directory = _directory(sandbox_server, "yellowbook-local")  # it checks for duplicates
    job_id = uuid.uuid4()
    journal = AttemptJournal(migrated_database_url)
    first, second, forced = _in_thread(
        {"evidence": LocalEvidenceStore(tmp_path / "e"), "journal": journal},
        {"directory": directory, "profile": PROFILE, "job_id": job_id},
        {"directory": directory, "profile": PROFILE, "job_id": job_id},
        {"directory": directory, "profile": PROFILE, "job_id": job_id, "force": True},
    )
    assert first.outcome.status is SubmissionStatus.SUBMITTED
    # The re-run reports the first submission with the proof the journal kept.
    assert second.reused and second.outcome.status is SubmissionStatus.SUBMITTED
    assert second.outcome.confirmation_text == first.outcome.confirmation_text
    assert second.outcome.evidence is not None and first.outcome.evidence is not None
    assert second.outcome.evidence.screenshot_uri == first.outcome.evidence.screenshot_uri
    # Staff forcing it: the directory's own duplicate check answers this time.
    assert not forced.reused
    assert forced.outcome.status is SubmissionStatus.REJECTED
    posts = _ledger(sandbox_server, "yellowbook-local")
    assert [p["accepted"] for p in posts] == [True, False]
    attempts = journal.history(job_id, directory.slug)
    assert [a.attempt_no for a in attempts] == [1, 2]
    assert attempts[1].forced


def test_transient_failures_are_retried_and_then_fail(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    httpx.post(
        f"{sandbox_server.url}/__sandbox/knobs", json={SITE: {"failure_rate": 1.0}}, timeout=10
    ).raise_for_status()
    [result] = _in_thread(
        {
            "evidence": LocalEvidenceStore(tmp_path / "e"),
            "config": EngineConfig(max_transient_retries=2, backoff_seconds=0.05),
        },
        {"directory": _directory(sandbox_server), "profile": PROFILE},
    )
    assert result.outcome.status is SubmissionStatus.FAILED
    assert "503" in (result.outcome.reason or "")
    assert result.outcome.attempts == 3
    assert _ledger(sandbox_server) == []


GERMAN_PROFILE = {
    **SAMPLE_PROFILE,
    "business_name": "Bäckerei Sonnenschein",
    "phone": "030 1234567",
    "address_line1": "Oranienstraße 12",
    "city": "Berlin",
    "region": "Berlin",
    "postal_code": "10999",
    "country": "DE",
    "email": "info@sonnenschein.example",
}


def test_submit_one_prints_the_contract(sandbox_server: SandboxServer, tmp_path: Path) -> None:
    profile_file = tmp_path / "profile.json"
    profile_file.write_text(json.dumps(GERMAN_PROFILE))
    cli = Path(sys.executable).with_name("directory-pipeline")
    result = subprocess.run(
        [
            str(cli),
            "submit-one",
            sandbox_server.url_for("stadtbranchen-de"),
            "--profile",
            str(profile_file),
            "--evidence-dir",
            str(tmp_path / "proof"),
            "--no-llm",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    assert {"status", "confirmation_text", "final_url", "evidence", "filled"} <= set(payload)
    assert payload["status"] == "submitted"
    assert "Vielen Dank" in payload["confirmation_text"]
    screenshot = Path(payload["evidence"]["screenshot_uri"].removeprefix("file://"))
    assert screenshot.is_file() and screenshot.is_relative_to(tmp_path / "proof")
    assert payload["filled"]["f1"] == "business_name"
    [entry] = _ledger(sandbox_server, "stadtbranchen-de")
    assert entry["accepted"] and entry["fields"]["f1"] == "Bäckerei Sonnenschein"


def _has_in_cmdline(process: object, text: str) -> bool:
    import psutil

    try:
        return any(text in part for part in process.cmdline())  # type: ignore[attr-defined]
    except psutil.Error:
        return False


def test_a_crashed_browser_is_relaunched(sandbox_server: SandboxServer, tmp_path: Path) -> None:
    """This engine's Chromium killed (SIGKILL) between two submissions: the next one starts a
    new browser. Other browsers of the test session are left alone."""
    import psutil

    def work() -> tuple[SubmissionResult, SubmissionResult, bool]:
        with SubmissionEngine(LocalEvidenceStore(tmp_path / "e")) as engine:
            first = engine.submit(_directory(sandbox_server), PROFILE)
            tag = engine.session.tag
            mine = [p for p in psutil.Process().children(recursive=True) if _has_in_cmdline(p, tag)]
            engine.session.kill_browser()
            psutil.wait_procs(mine, timeout=5)  # killed processes may linger as zombies
            gone = [p for p in mine if not p.is_running() or p.status() == psutil.STATUS_ZOMBIE]
            second = engine.submit(_directory(sandbox_server, "nearbyguide"), PROFILE)
            return first, second, bool(mine) and len(gone) == len(mine)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first, second, killed = pool.submit(work).result(timeout=300)
    assert killed
    assert first.outcome.status is SubmissionStatus.SUBMITTED
    assert second.outcome.status is SubmissionStatus.SUBMITTED
