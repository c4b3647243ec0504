"""Submitted listings followed until they are live (issue 14): a sensor that looks for due
checks, and a run that checks every due listing once. Each check is reported as a
materialization of that (directory x job) partition of `listing_presence`, whose only
writer is this run; a listing seen live is also reported as an observation of its
`listing_submission` partition (that asset's writer stays the job's run). Why an asset of
its own: docs/decisions/0010-listing-presence.md."""

import datetime as dt
from functools import partial
from typing import Any

import dagster as dg
from pydantic import Field

from directory_pipeline.defs.partitions import submission_key, submissions_partitions
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.defs.submissions import listing_submission
from directory_pipeline.presence.schedule import CHECK_INTERVALS, PresenceState
from directory_pipeline.presence.service import CheckedListing, followed_directories


class PresenceResource(dg.ConfigurableResource):
    """How listings are followed once submitted."""

    checks_per_run: int = Field(
        default=200, description="Listings checked by one run at most (the rest wait)."
    )
    page_timeout_seconds: int = Field(
        default=30, description="Time budget of one page load on a directory."
    )


listing_presence = dg.AssetSpec(
    key="listing_presence",
    partitions_def=submissions_partitions,
    deps=[listing_submission],
    group_name="submissions",
    kinds={"chromium", "postgres"},
    description=(
        "Whether a submitted listing is live on its directory: checking, live (the listing "
        "URL, the NAP comparison with the profile and a screenshot) or 'not found after N "
        "days'. Checked at growing intervals by the `follow_listings` job, its only writer."
    ),
)


def _nap_table(item: CheckedListing) -> str:
    if item.nap is None:
        return ""
    lines = ["| field | on the page | profile | verdict |", "|---|---|---|---|"]
    for field, check in item.nap.fields.items():
        lines.append(
            f"| {field.value} | {check.shown or '-'} | {check.expected} | {check.verdict.value} |"
        )
    return "\n".join(lines)


def presence_metadata(item: CheckedListing) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "state": dg.MetadataValue.text(item.state.value),
        "checks": dg.MetadataValue.int(item.checks),
    }
    if item.note:
        metadata["note"] = dg.MetadataValue.text(item.note)
    if item.next_check_at is not None:
        metadata["next_check_at"] = dg.MetadataValue.text(item.next_check_at.isoformat())
    if item.listing_url:
        metadata["listing_url"] = dg.MetadataValue.url(item.listing_url)
    if item.nap is not None:
        metadata["nap"] = dg.MetadataValue.md(_nap_table(item))
        metadata["nap_differences"] = dg.MetadataValue.int(len(item.nap.differences))
    if item.screenshot_uri:
        metadata["screenshot"] = dg.MetadataValue.text(item.screenshot_uri)
    if item.preview_jpeg_b64:
        metadata["preview"] = dg.MetadataValue.md(
            f"![the live listing](data:image/jpeg;base64,{item.preview_jpeg_b64})"
        )
    return metadata


@dg.op(description="Checks every listing whose next presence check is due, once.")
def listings_followed(
    context: dg.OpExecutionContext,
    presence: PresenceResource,
    supabase: SupabaseResource,
    engine: SubmissionEngineResource,
    catalog: CatalogResource,
    analytics: AnalyticsResource,
) -> int:
    from directory_pipeline.browser.evidence import evidence_store
    from directory_pipeline.browser.listing_page import look_for_listing
    from directory_pipeline.browser.session import BrowserSession
    from directory_pipeline.presence.record_live import record_live
    from directory_pipeline.presence.service import follow_listings

    store = supabase.presence()
    evidence = evidence_store(engine.evidence_root)
    directories = {d.slug: d for d in catalog.catalog().directories}
    timeout_ms = presence.page_timeout_seconds * 1000
    with BrowserSession(engine.chromium_executable_path or None) as session:
        checked = follow_listings(
            store,
            directories,
            lambda directory, profile, prefix: look_for_listing(
                session, directory, profile, store=evidence, prefix=prefix, timeout_ms=timeout_ms
            ),
            partial(record_live, store, analytics.path),
            now=dt.datetime.now(dt.UTC),
            limit=presence.checks_per_run,
        )
    for item in checked:
        partition = submission_key(str(item.job_id), item.directory_slug)
        context.log.info(f"{item.job_id}/{item.directory_slug}: {item.state.value} {item.note}")
        context.log_event(
            dg.AssetMaterialization(
                asset_key=listing_presence.key,
                partition=partition,
                metadata=presence_metadata(item),
                tags={"directory_pipeline/presence": item.state.value},
            )
        )
        if item.state is PresenceState.LIVE and item.listing_url:
            context.log_event(
                dg.AssetObservation(
                    asset_key=listing_submission.key,
                    partition=partition,
                    metadata={
                        "status": "live",
                        "listing_url": dg.MetadataValue.url(item.listing_url),
                    },
                )
            )
    return len(checked)


@dg.job(
    description="Checks the submitted listings that are due: live, or not found yet.",
    executor_def=dg.in_process_executor,
    tags={"directory_pipeline/kind": "presence"},
)
def follow_listings() -> None:
    listings_followed()


_ACTIVE = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


@dg.sensor(
    job=follow_listings,
    minimum_interval_seconds=600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every 10 minutes: one follow_listings run when presence checks are due (never one "
        "run per listing, never two at once)."
    ),
)
def listing_presence_sensor(
    context: dg.SensorEvaluationContext, supabase: SupabaseResource, catalog: CatalogResource
) -> dg.SensorResult | dg.SkipReason:

    followed = followed_directories({d.slug: d for d in catalog.catalog().directories})
    if not followed:
        return dg.SkipReason("no directory in the catalog says how to find its listings")
    active = context.instance.get_run_ids(
        filters=dg.RunsFilter(job_name=follow_listings.name, statuses=_ACTIVE), limit=1
    )
    if active:
        return dg.SkipReason(f"run {active[0]} is still checking")
    now = dt.datetime.now(dt.UTC)
    due = supabase.presence().count_due(now, sorted(followed), CHECK_INTERVALS[0])
    if not due:
        return dg.SkipReason("no presence check due")
    run_key = f"presence-{now:%Y%m%dT%H%M}"
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key, tags={"due": str(due)})])
