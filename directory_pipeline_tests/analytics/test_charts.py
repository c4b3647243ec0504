"""The chart functions of `analytics/charts.py` on no outcomes, one and many directories:
each returns a small PNG and never raises. Pure: no Dagster, no browser."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable

import pandas as pd
import pytest
from PIL import Image

from directory_pipeline.analytics import charts
from directory_pipeline.analytics.outcome_files import COLUMNS

# What the inline chart in an asset's metadata may weigh: the event log keeps every one.
MAX_PNG_BYTES = 100_000
STATUSES = ["submitted", "live", "needs_review", "rejected", "skipped", "failed"]
PACKAGES = ["starter", "growth", "pro", "enterprise"]

FROM_OUTCOMES: list[Callable[[pd.DataFrame], bytes]] = [
    charts.success_rate_history_png,
    charts.outcome_mix_png,
    charts.submission_time_png,
]


def outcomes(directories: int, days: int, count: int, seed: int = 7) -> pd.DataFrame:
    """`count` outcome rows over `directories` directories and `days` days."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    rows = []
    for index in range(count):
        status = rng.choice(STATUSES)
        when = start + dt.timedelta(days=rng.randrange(days), hours=rng.uniform(0, 23))
        rows.append(
            {
                "job_id": f"job-{index % 30}",
                "directory_slug": f"a-rather-long-directory-name-{index % directories:02d}",
                "package": rng.choice(PACKAGES),
                "status": status,
                "submitted_at": when if status in ("submitted", "live") else None,
                "recorded_at": when + dt.timedelta(minutes=2),
                "duration_s": rng.lognormvariate(3, 0.7),
            }
        )
    return pd.DataFrame(rows)


def size_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) < MAX_PNG_BYTES, len(png)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
        return image.size


@pytest.mark.parametrize("draw", FROM_OUTCOMES, ids=lambda f: f.__name__)
def test_no_outcomes_draw_a_small_picture_saying_so(draw: Callable[[pd.DataFrame], bytes]) -> None:
    for empty in (pd.DataFrame(), pd.DataFrame(columns=pd.Index(COLUMNS))):
        png = draw(empty)
        width, height = size_of(png)
        assert png == charts.message_png(charts.NO_OUTCOMES)
        assert height < width


@pytest.mark.parametrize("draw", FROM_OUTCOMES, ids=lambda f: f.__name__)
def test_one_outcome_draws_a_chart(draw: Callable[[pd.DataFrame], bytes]) -> None:
    png = draw(outcomes(directories=1, days=1, count=1))
    size_of(png)
    assert png != charts.message_png(charts.NO_OUTCOMES)


@pytest.mark.parametrize("days", [1, 20, 120])
@pytest.mark.parametrize("draw", FROM_OUTCOMES, ids=lambda f: f.__name__)
def test_many_directories_stay_small_and_grow_the_chart_taller(
    draw: Callable[[pd.DataFrame], bytes], days: int
) -> None:
    few = size_of(draw(outcomes(directories=3, days=days, count=40)))
    many = size_of(draw(outcomes(directories=60, days=days, count=3000)))
    if draw is charts.outcome_mix_png:
        assert many[1] >= few[1]  # one bar per package, not per directory
    else:
        assert many[1] > few[1]


def test_the_history_keeps_to_half_a_year_of_weeks() -> None:
    two_years = outcomes(directories=5, days=730, count=2000)
    assert size_of(charts.success_rate_history_png(two_years))[0] <= 1300


def test_attempts_without_a_duration_are_not_timed() -> None:
    untimed = outcomes(directories=2, days=1, count=4).assign(duration_s=None)
    assert charts.submission_time_png(untimed) == charts.message_png(charts.NO_OUTCOMES)


def test_an_unknown_package_and_status_still_draw() -> None:
    odd = outcomes(directories=2, days=2, count=10)
    odd.loc[0, "package"], odd.loc[1, "status"] = "legacy", "withdrawn"
    size_of(charts.outcome_mix_png(odd))


def test_the_table_charts_draw_rates_and_nothing_yet() -> None:
    rates = pd.DataFrame(
        {
            "directory_slug": [f"directory-{i:02d}" for i in range(25)],
            "success_rate": [i / 25 for i in range(25)],
            "outcomes": [i + 1 for i in range(25)],
        }
    )
    size_of(charts.success_rate_png(rates))
    assert charts.success_rate_png(pd.DataFrame()) == charts.message_png(charts.NO_OUTCOMES)
    live = pd.DataFrame(
        {
            "grouping": ["directory", "directory", "package"],
            "key": ["citylocal-hub", "webfinder-links", "starter"],
            "live_rate": [0.5, None, 0.5],
            "median_hours_to_live": [30.0, None, 30.0],
        }
    )
    size_of(charts.live_rate_png(live))
    nothing = charts.live_rate_png(live.assign(live_rate=None))
    assert nothing == charts.message_png("no listing followed to the end yet")
