"""The chart assets materialized in process over outcome files written the way runs write
them (`outcome_files.write_outcome`) in a temporary analytics root: PNG files beside the
tables and the chart inline in each materialization's metadata. No Postgres, SQS or
browser."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import dagster as dg
import pytest

from directory_pipeline.analytics.outcome_files import write_outcome
from directory_pipeline.defs.analytics import (
    directory_success_rates,
    outcome_mix_chart,
    submission_time_chart,
    success_rate_chart,
    success_rate_history_chart,
)
from directory_pipeline.defs.automation import AFTER_EACH_JOB
from directory_pipeline.defs.resources import AnalyticsResource
from directory_pipeline.domain import DirectoryEntry, SubmissionOutcome, SubmissionStatus
from directory_pipeline.domain.outcome import Evidence
from directory_pipeline.domain.tiers import Package

CHARTS = [success_rate_history_chart, outcome_mix_chart, submission_time_chart]


def directory(slug: str) -> DirectoryEntry:
    return DirectoryEntry(
        slug=slug, name=slug.title(), submit_url=f"https://{slug}.example/add", tier=Package.STARTER
    )


def outcome(slug: str, status: SubmissionStatus) -> SubmissionOutcome:
    if status is SubmissionStatus.SUBMITTED:
        return SubmissionOutcome(
            status=status,
            directory_slug=slug,
            confirmation_text="Thanks, your listing is in review.",
            final_url=f"https://{slug}.example/thanks",
            evidence=Evidence(uri="file:///e/", screenshot_uri="file:///e/after.jpg"),
        ).stamped()
    return SubmissionOutcome(status=status, directory_slug=slug, reason="captcha")


def write_outcomes(root: Path) -> None:
    statuses = [SubmissionStatus.SUBMITTED, SubmissionStatus.NEEDS_REVIEW, SubmissionStatus.FAILED]
    for number, package in enumerate(["starter", "growth", "pro"]):
        job = uuid.uuid4()
        for index in range(8):
            slug = f"directory-{index:02d}"
            status = statuses[(index + number) % len(statuses)]
            write_outcome(
                root, job, package, directory(slug), outcome(slug, status), "heuristic", 5.0 + index
            )


def materialize(root: Path) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        [directory_success_rates, success_rate_chart, *CHARTS],
        resources={"analytics": AnalyticsResource(root=str(root))},
    )
    assert result.success
    return result


def chart_of(result: dg.ExecuteInProcessResult, name: str) -> bytes:
    [materialization] = result.asset_materializations_for_node(name)
    metadata = materialization.metadata
    inline = str(metadata["chart"].value)
    assert inline.startswith("![") and "(data:image/png;base64," in inline
    png = base64.b64decode(inline.split("base64,", 1)[1].rstrip(")"))
    assert png.startswith(b"\x89PNG")
    assert metadata["png_bytes"].value == len(png) < 100_000
    assert Path(str(metadata["path"].value)).read_bytes() == png
    return png


def test_the_charts_are_drawn_from_the_outcome_files(tmp_path: Path) -> None:
    empty = materialize(tmp_path)
    names = [chart.key.path[-1] for chart in [success_rate_chart, *CHARTS]]
    nothing = {name: chart_of(empty, name) for name in names}

    write_outcomes(tmp_path)
    drawn = materialize(tmp_path)
    for name in names:
        assert chart_of(drawn, name) != nothing[name]  # no longer "no outcomes yet"


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: c.key.path[-1])
def test_the_charts_refresh_after_each_job_like_the_tables(chart: dg.AssetsDefinition) -> None:
    """Same condition as the tables reading outcomes: due in the same tick, so
    `fleet_automation` starts them in the same run."""
    spec = next(iter(chart.specs))
    assert spec.automation_condition == AFTER_EACH_JOB
    assert (
        spec.automation_condition == next(iter(directory_success_rates.specs)).automation_condition
    )
    assert spec.group_name == "analytics" and spec.description
    assert {d.asset_key for d in spec.deps} == {
        dg.AssetKey("listing_submission"),
        dg.AssetKey("paid_job"),
    }
