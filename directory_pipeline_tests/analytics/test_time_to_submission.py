"""What a customer waits: hours from a job being paid for to each directory's confirmation.
The pure parts on frames; the asset over outcome files and real Postgres `jobs` rows."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import dagster as dg
import pandas as pd
import psycopg

from directory_pipeline.analytics import charts
from directory_pipeline.analytics.outcome_files import write_outcome
from directory_pipeline.defs.analytics import time_to_submission_chart
from directory_pipeline.defs.resources import AnalyticsResource, SupabaseResource
from directory_pipeline.domain import JobMessage, SubmissionStatus
from directory_pipeline.store.jobs import JobStore
from directory_pipeline_tests.analytics.test_chart_assets import directory, outcome
from directory_pipeline_tests.orchestration.flow import in_thread

PAID = dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)


def _row(job: str, package: str, status: str, hours: float | None) -> dict:
    submitted = None if hours is None else PAID + dt.timedelta(hours=hours)
    return {"job_id": job, "package": package, "status": status, "submitted_at": submitted}


def test_hours_count_only_confirmed_listings_from_their_jobs_payment() -> None:
    outcomes = pd.DataFrame(
        [
            _row("a", "starter", "submitted", 2.0),
            _row("a", "starter", "live", 30.0),
            _row("a", "starter", "needs_review", None),
            _row("b", "pro", "submitted", 0.5),
            _row("unknown", "pro", "submitted", 1.0),  # no jobs row: left out
        ]
    )
    hours = charts.hours_to_submission(outcomes, {"a": PAID, "b": PAID})
    assert sorted(zip(hours["package"], hours["hours"], strict=True)) == [
        ("pro", 0.5),
        ("starter", 2.0),
        ("starter", 30.0),
    ]


def test_the_chart_is_a_small_png_with_or_without_data() -> None:
    empty = charts.time_to_submission_png(pd.DataFrame(columns=pd.Index(["package", "hours"])))
    many = charts.time_to_submission_png(
        pd.DataFrame(
            {
                "package": ["starter", "growth", "pro", "enterprise"] * 25,
                "hours": [0.2 + i * 0.7 for i in range(100)],
            }
        )
    )
    for png in (empty, many):
        assert png.startswith(b"\x89PNG") and len(png) < 100_000


def _message(package: str) -> JobMessage:
    return JobMessage.model_validate(
        {
            "schema_version": 1,
            "job_id": str(uuid.uuid4()),
            "customer_id": str(uuid.uuid4()),
            "package": package,
            "requested_at": "2026-11-30T08:00:00Z",
        }
    )


def test_the_asset_reads_payment_times_from_jobs_and_publishes_the_chart(
    migrated_database_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "analytics"
    jobs = JobStore(migrated_database_url)
    for package in ("starter", "pro"):
        message = _message(package)
        jobs.create_pending(message, directories_total=2)
        with psycopg.connect(migrated_database_url) as conn:
            conn.execute(
                "update jobs set created_at = now() - interval '3 hours' where id = %s",
                (message.job_id,),
            )
        for slug in ("one", "two"):
            done = outcome(slug, SubmissionStatus.SUBMITTED)  # confirmed now
            write_outcome(root, message.job_id, package, directory(slug), done, "heuristic", 4.0)
    resources = {
        "analytics": AnalyticsResource(root=str(root)),
        "supabase": SupabaseResource(database_url=migrated_database_url),
    }
    result = in_thread(lambda: dg.materialize([time_to_submission_chart], resources=resources))
    assert result.success
    [event] = result.asset_materializations_for_node("time_to_submission_chart")
    assert "data:image/png;base64," in str(event.metadata["chart"].value)
    assert (root / "time_to_submission_chart.png").read_bytes().startswith(b"\x89PNG")
    medians = event.metadata["median_hours_by_package"].value
    assert set(medians) == {"starter", "pro"}  # type: ignore[arg-type]
    assert all(2.9 < hours < 3.1 for hours in medians.values())  # type: ignore[union-attr]
