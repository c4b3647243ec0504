"""Analyst tables over the per-partition Parquet outcomes and the listings followed until
live, and charts for the UI."""

import base64
import uuid

import dagster as dg
import pandas as pd

from directory_pipeline.analytics import charts
from directory_pipeline.analytics.outcome_files import query_outcomes
from directory_pipeline.defs.automation import AFTER_EACH_JOB, WITH_ITS_INPUTS
from directory_pipeline.defs.presence import listing_presence
from directory_pipeline.defs.resources import AnalyticsResource, SupabaseResource
from directory_pipeline.defs.submissions import listing_submission, paid_job


def _query(analytics: AnalyticsResource, sql: str) -> pd.DataFrame:
    return query_outcomes(analytics.path, sql)


def _publish(analytics: AnalyticsResource, name: str, frame: pd.DataFrame) -> dict:
    analytics.path.mkdir(parents=True, exist_ok=True)
    path = analytics.path / f"{name}.parquet"
    frame.to_parquet(path, index=False)
    return {
        "rows": dg.MetadataValue.int(len(frame)),
        "path": dg.MetadataValue.path(str(path)),
        "preview": dg.MetadataValue.md(
            str(frame.head(20).to_markdown(index=False)) if not frame.empty else "no outcomes yet"
        ),
    }


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="analytics",
    kinds={"duckdb", "parquet"},
    description="Success rate per directory and tier: submitted or live over all outcomes.",
)
def directory_success_rates(analytics: AnalyticsResource) -> dg.MaterializeResult:
    frame = _query(
        analytics,
        """
        select directory_slug, directory_tier,
               count(*) as outcomes,
               count(*) filter (where status in ('submitted', 'live')) as successes,
               round(avg(case when status in ('submitted', 'live') then 1.0 else 0 end), 3)
                   as success_rate,
               count(*) filter (where status = 'needs_review') as needs_review,
               round(avg(duration_s), 2) as mean_duration_s
        from {outcomes} group by all order by directory_tier, directory_slug""",
    )
    return dg.MaterializeResult(metadata=_publish(analytics, "directory_success_rates", frame))


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="analytics",
    kinds={"duckdb", "parquet"},
    description="One row per job: package and how many directories ended in each status.",
)
def job_summaries(analytics: AnalyticsResource) -> dg.MaterializeResult:
    frame = _query(
        analytics,
        """
        select job_id, any_value(package) as package, count(*) as directories,
               count(*) filter (where status = 'submitted') as submitted,
               count(*) filter (where status = 'live') as live,
               count(*) filter (where status = 'needs_review') as needs_review,
               count(*) filter (where status = 'rejected') as rejected,
               count(*) filter (where status = 'skipped') as skipped,
               count(*) filter (where status = 'failed') as failed,
               max(recorded_at) as last_recorded_at
        from {outcomes} group by job_id order by last_recorded_at desc""",
    )
    return dg.MaterializeResult(metadata=_publish(analytics, "job_summaries", frame))


def _published_chart(
    analytics: AnalyticsResource, png: bytes, name: str, alt: str
) -> dg.MaterializeResult:
    """`png` as `<name>.png` beside the analyst tables and inline in the asset's metadata."""
    analytics.path.mkdir(parents=True, exist_ok=True)
    path = analytics.path / f"{name}.png"
    path.write_bytes(png)
    encoded = base64.b64encode(png).decode()
    return dg.MaterializeResult(
        metadata={
            "chart": dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{encoded})"),
            "path": dg.MetadataValue.path(str(path)),
            "png_bytes": dg.MetadataValue.int(len(png)),
        }
    )


def _table(analytics: AnalyticsResource, name: str) -> pd.DataFrame:
    path = analytics.path / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def _outcome_rows(analytics: AnalyticsResource) -> pd.DataFrame:
    return _query(
        analytics,
        """
        select directory_slug, package, status, submitted_at, recorded_at, duration_s
        from {outcomes}""",
    )


@dg.asset(
    deps=[directory_success_rates],
    automation_condition=WITH_ITS_INPUTS,
    group_name="analytics",
    kinds={"matplotlib"},
    description="Bar chart of success rate per directory, shown here and saved as PNG.",
)
def success_rate_chart(analytics: AnalyticsResource) -> dg.MaterializeResult:
    png = charts.success_rate_png(_table(analytics, "directory_success_rates"))
    return _published_chart(analytics, png, "success_rate_chart", "success rate")


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="analytics",
    kinds={"matplotlib"},
    description=(
        "Heatmap of the success rate per directory and day (per week beyond a month of "
        "outcomes): is a directory getting worse? Each cell says successes/outcomes; grey: "
        "no outcome that day. Saved as PNG."
    ),
)
def success_rate_history_chart(analytics: AnalyticsResource) -> dg.MaterializeResult:
    png = charts.success_rate_history_png(_outcome_rows(analytics))
    return _published_chart(
        analytics, png, "success_rate_history_chart", "success rate per directory and day"
    )


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="analytics",
    kinds={"matplotlib"},
    description=(
        "Stacked bars of how each package's outcomes ended (submitted, live, needs review, "
        "rejected, skipped, failed), as shares with counts. Saved as PNG."
    ),
)
def outcome_mix_chart(analytics: AnalyticsResource) -> dg.MaterializeResult:
    png = charts.outcome_mix_png(_outcome_rows(analytics))
    return _published_chart(analytics, png, "outcome_mix_chart", "outcome mix per package")


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="analytics",
    kinds={"matplotlib"},
    description=(
        "How long one directory's attempt takes, per directory: box of the seconds per "
        "attempt (whiskers at p10 and p90), labelled with median, p90 and count. Saved as "
        "PNG."
    ),
)
def submission_time_chart(analytics: AnalyticsResource) -> dg.MaterializeResult:
    png = charts.submission_time_png(_outcome_rows(analytics))
    return _published_chart(analytics, png, "submission_time_chart", "seconds per attempt")


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="analytics",
    kinds={"matplotlib", "postgres"},
    description=(
        "What a customer waits: hours from the job being paid for (its `jobs` row) to each "
        "directory's confirmation (`submitted` or `live`), a box per package labelled with "
        "median, p90 and count. Saved as PNG."
    ),
)
def time_to_submission_chart(
    analytics: AnalyticsResource, supabase: SupabaseResource
) -> dg.MaterializeResult:
    outcomes = _query(
        analytics,
        "select job_id, package, status, submitted_at from {outcomes}",
    )
    job_ids = [] if outcomes.empty else sorted({str(j) for j in outcomes["job_id"]})
    paid_at = supabase.jobs().created_at([uuid.UUID(j) for j in job_ids])
    hours = charts.hours_to_submission(outcomes, {str(k): v for k, v in paid_at.items()})
    png = charts.time_to_submission_png(hours)
    published = _published_chart(analytics, png, "time_to_submission_chart", "hours to submission")
    medians = {} if hours.empty else hours.groupby("package")["hours"].median().round(2).to_dict()
    return dg.MaterializeResult(
        metadata={
            **(published.metadata or {}),
            "median_hours_by_package": dg.MetadataValue.json(medians),
        }
    )


@dg.asset(
    deps=[listing_presence],
    automation_condition=WITH_ITS_INPUTS,
    group_name="analytics",
    kinds={"postgres", "parquet"},
    description=(
        "Live rate and time to live per directory and per package, from the listings "
        "followed after submission (`listing_presence`); the presence records themselves "
        "are kept next to it as `listing_presence.parquet`."
    ),
)
def live_rates(analytics: AnalyticsResource, supabase: SupabaseResource) -> dg.MaterializeResult:
    from directory_pipeline.presence.rates import live_rates as rates_of

    rows = supabase.presence().rows()
    presence = pd.DataFrame(
        [{k: v for k, v in row.items() if k != "nap"} for row in rows],
    )
    if not presence.empty:
        presence["job_id"] = presence["job_id"].astype(str)
        analytics.path.mkdir(parents=True, exist_ok=True)
        presence.to_parquet(analytics.path / "listing_presence.parquet", index=False)
    return dg.MaterializeResult(metadata=_publish(analytics, "live_rates", rates_of(presence)))


@dg.asset(
    deps=[live_rates],
    automation_condition=WITH_ITS_INPUTS,
    group_name="analytics",
    kinds={"matplotlib"},
    description="Bar chart of the live rate per directory (and its median hours to live).",
)
def live_rate_chart(analytics: AnalyticsResource) -> dg.MaterializeResult:
    png = charts.live_rate_png(_table(analytics, "live_rates"))
    return _published_chart(analytics, png, "live_rate_chart", "live rate")
