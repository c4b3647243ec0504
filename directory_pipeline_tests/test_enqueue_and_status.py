"""`enqueue` writes the jobs row and sends the message like the web shop; `status` reads it.

Real Postgres (embedded) and a real SQS API (moto's server) throughout."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
from click.testing import CliRunner

from directory_pipeline.cli import main
from directory_pipeline.domain import JobMessage
from directory_pipeline.queue import JobQueue
from directory_pipeline_tests.conftest import SAMPLE_PROFILE


def _jobs(dsn: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "select id, package, status, business->>'phone', directories_total, "
            "requested_directories from jobs"
        ).fetchall()


def test_enqueue_writes_the_row_and_sends_the_message(
    stack_env: dict[str, str], job_queue: JobQueue, profile_file: Path, catalog_file: Path
) -> None:
    result = CliRunner().invoke(
        main, ["enqueue", "--package", "starter", "--profile", str(profile_file), "--json"]
    )
    assert result.exit_code == 0, result.output
    job_id = uuid.UUID(json.loads(result.output)["job_id"])

    [row] = _jobs(stack_env["DATABASE_URL"])
    assert row == (job_id, "starter", "pending", "+14155552671", 2, None)

    [received] = job_queue.receive()
    message = JobMessage.from_body(received.body)
    assert message.job_id == job_id
    assert message.package.value == "starter"
    assert message.business is not None
    assert message.business.business_name == SAMPLE_PROFILE["business_name"]
    assert message.customer_id == uuid.uuid5(
        uuid.NAMESPACE_URL, f"mailto:{SAMPLE_PROFILE['email']}"
    )


def test_explicit_directories_travel_in_row_and_message(
    stack_env: dict[str, str], job_queue: JobQueue, profile_file: Path, catalog_file: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "enqueue",
            "--package",
            "pro",
            "--profile",
            str(profile_file),
            "--directories",
            "charlie-pro,alpha-listings",
        ],
    )
    assert result.exit_code == 0, result.output
    [row] = _jobs(stack_env["DATABASE_URL"])
    assert row[4:] == (2, ["charlie-pro", "alpha-listings"])
    [received] = job_queue.receive()
    assert JobMessage.from_body(received.body).directories == ["charlie-pro", "alpha-listings"]


def test_bad_profile_is_rejected_at_the_edge_and_nothing_is_written(
    stack_env: dict[str, str], job_queue: JobQueue, tmp_path: Path, catalog_file: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SAMPLE_PROFILE, "email": "rosa-at-example", "phone": "12"}))
    result = CliRunner().invoke(main, ["enqueue", "--package", "starter", "--profile", str(bad)])
    assert result.exit_code == 2
    assert "business.email" in result.output and "business.phone" in result.output
    assert _jobs(stack_env["DATABASE_URL"]) == []
    assert job_queue.depth() == 0


def test_unknown_directory_is_rejected_and_nothing_is_written(
    stack_env: dict[str, str], job_queue: JobQueue, profile_file: Path, catalog_file: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "enqueue",
            "--package",
            "starter",
            "--profile",
            str(profile_file),
            "--directories",
            "nowhere-dir",
        ],
    )
    assert result.exit_code == 2
    assert "unknown directories: nowhere-dir" in result.output
    assert _jobs(stack_env["DATABASE_URL"]) == []
    assert job_queue.depth() == 0


def test_a_directory_above_the_package_tier_is_refused_and_nothing_is_written(
    stack_env: dict[str, str], job_queue: JobQueue, profile_file: Path, catalog_file: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "enqueue",
            "--package",
            "starter",
            "--profile",
            str(profile_file),
            "--directories",
            "alpha-listings,charlie-pro",
        ],
    )
    assert result.exit_code == 2
    assert "directories outside the starter package: charlie-pro (pro)" in result.output
    assert _jobs(stack_env["DATABASE_URL"]) == []
    assert job_queue.depth() == 0


def test_enqueue_without_a_stack_says_what_is_missing(profile_file: Path) -> None:
    result = CliRunner().invoke(
        main, ["enqueue", "--package", "starter", "--profile", str(profile_file)]
    )
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output and "directory-pipeline dev" in result.output


def test_status_reports_the_job_and_its_results(
    stack_env: dict[str, str], profile_file: Path, catalog_file: Path
) -> None:
    runner = CliRunner()
    job_id = json.loads(
        runner.invoke(
            main, ["enqueue", "--package", "starter", "--profile", str(profile_file), "--json"]
        ).output
    )["job_id"]
    with psycopg.connect(stack_env["DATABASE_URL"]) as conn:
        conn.execute(
            "insert into job_results (job_id, directory_slug, status, confirmation_text, "
            "final_url, evidence_uri, attempts) values (%s, 'alpha-listings', 'submitted', "
            "'Thanks!', 'https://alpha-listings.example/thanks', 'file:///e/1', 1)",
            (job_id,),
        )
    result = runner.invoke(main, ["status", job_id, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "job": {"id": job_id, "status": "pending", "directories_total": 2, "directories_done": 0},
        "results": [
            {
                "directory_slug": "alpha-listings",
                "status": "submitted",
                "confirmation_text": "Thanks!",
                "final_url": "https://alpha-listings.example/thanks",
                "evidence_uri": "file:///e/1",
            }
        ],
    }
    missing = runner.invoke(main, ["status", str(uuid.uuid4()), "--json"])
    assert missing.exit_code == 1 and "no job" in missing.output
