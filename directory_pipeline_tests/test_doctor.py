"""`doctor` walks the chain a job needs and names the broken link."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from directory_pipeline.cli import main
from directory_pipeline.local.ports import free_port
from directory_pipeline.local.sqs import LocalSqs
from directory_pipeline.queue.sqs import create_queues, sqs_client
from directory_pipeline_tests.conftest import create_database


def _doctor(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.output)


def _by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


def test_doctor_reports_a_stopped_queue(
    migrated_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sqs = LocalSqs(free_port(), tmp_path / "moto.log")
    sqs.start()
    queue_url, dlq_url = create_queues(sqs_client("us-east-1", sqs.endpoint_url, "l", "l"))
    for name, value in {
        "DATABASE_URL": migrated_database_url,
        "SQS_QUEUE_URL": queue_url,
        "SQS_DLQ_URL": dlq_url,
        "SQS_ENDPOINT_URL": sqs.endpoint_url,
        "AWS_ACCESS_KEY_ID": "l",
        "AWS_SECRET_ACCESS_KEY": "l",
    }.items():
        monkeypatch.setenv(name, value)

    code, report = _doctor("--skip", "browser", "--skip", "dagster")
    assert code == 0, report
    assert _by_name(report)["queue"]["status"] == "ok"

    sqs.stop()
    code, report = _doctor("--skip", "browser", "--skip", "dagster")
    checks = _by_name(report)
    assert code == 1 and report["ok"] is False
    assert checks["database"]["status"] == "ok"
    assert checks["queue"]["status"] == "fail"
    assert sqs.endpoint_url in checks["queue"]["detail"]
    assert checks["dead-letter queue"]["status"] == "fail"


def test_doctor_names_unapplied_migrations_and_dead_letters(
    postgres_server, stack_env: dict[str, str], job_queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", create_database(postgres_server))  # not migrated
    job_queue.send_body("garbage")
    [received] = job_queue.receive()
    job_queue.dead_letter(received, "not JSON")
    code, report = _doctor("--skip", "browser", "--skip", "dagster")
    checks = _by_name(report)
    assert code == 1
    assert checks["database"]["status"] == "fail"
    assert "0001_core_tables" in checks["database"]["detail"]
    assert checks["database"]["hint"] == "run `directory-pipeline db migrate`"
    assert checks["dead-letter queue"]["status"] == "warn"
    assert checks["dead-letter queue"]["detail"].startswith("1 message")


def test_doctor_without_configuration_fails_every_link_with_what_is_missing() -> None:
    code, report = _doctor("--skip", "browser")
    checks = _by_name(report)
    assert code == 1
    assert "DATABASE_URL" in checks["database"]["detail"]
    assert "SQS_QUEUE_URL" in checks["queue"]["detail"]
    assert "DAGSTER_WEBSERVER_URL" in checks["dagster"]["detail"]
    assert checks["llm"]["status"] == "warn"


def test_doctor_launches_the_real_browser(stack_env: dict[str, str]) -> None:
    # A process of its own, as staff run it (and clear of the suite's Playwright loop).
    cli = Path(sys.executable).with_name("directory-pipeline")
    result = subprocess.run(
        [str(cli), "doctor", "--json", "--skip", "dagster"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    browser = _by_name(json.loads(result.stdout))["browser"]
    assert browser["status"] == "ok", browser
    assert browser["detail"].startswith("Chromium ")


def test_doctor_reports_an_unreachable_llm_endpoint(
    stack_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    code, report = _doctor("--skip", "browser", "--skip", "dagster")
    llm = _by_name(report)["llm"]
    assert code == 1 and llm["status"] == "fail"
    assert "/v1/models" in llm["detail"]
