"""Supabase holds the truth: `job_results` must match the outcomes the runs recorded."""

import uuid

import dagster as dg
import pandas as pd

from directory_pipeline.analytics.outcomes import read_outcomes
from directory_pipeline.defs.resources import AnalyticsResource, SupabaseResource
from directory_pipeline.defs.submissions import listing_submission, paid_job
from directory_pipeline.domain import Evidence, SubmissionOutcome, SubmissionStatus
from directory_pipeline.store import results
from directory_pipeline.store.database import connect


def _outcome(row: dict) -> SubmissionOutcome:
    """A recorded outcome as it was written (its proof was checked when it was made)."""
    evidence_uri = row.get("evidence_uri") or None
    submitted_at = row.get("submitted_at")
    return SubmissionOutcome.model_construct(
        status=SubmissionStatus(row["status"]),
        directory_slug=row["directory_slug"],
        confirmation_text=row.get("confirmation_text"),
        final_url=row.get("final_url"),
        evidence=Evidence(uri=evidence_uri, screenshot_uri=evidence_uri) if evidence_uri else None,
        reason=row.get("reason"),
        attempts=int(row.get("attempts") or 0),
        submitted_at=None if submitted_at is None or pd.isna(submitted_at) else submitted_at,
        plan_fingerprint=row.get("plan_fingerprint"),
    )


def sync_and_compare(dsn: str, outcomes: pd.DataFrame) -> list[str]:
    """Upsert every recorded outcome into job_results, then list what still differs."""
    records = outcomes.to_dict("records")
    for row in records:
        results.upsert_result(dsn, uuid.UUID(str(row["job_id"])), _outcome(row))
    job_ids = sorted({str(row["job_id"]) for row in records})
    for job_id in job_ids:
        results.record_progress(dsn, uuid.UUID(job_id))
    diff: list[str] = []
    with connect(dsn) as conn:
        for job_id in job_ids:
            rows = conn.execute(
                "select directory_slug, status, evidence_uri from job_results where job_id = %s",
                (job_id,),
            ).fetchall()
            stored = {r["directory_slug"]: (r["status"], r["evidence_uri"]) for r in rows}
            expected = {
                str(r["directory_slug"]): (str(r["status"]), r.get("evidence_uri") or None)
                for r in records
                if str(r["job_id"]) == job_id
            }
            if len(stored) != len(expected):
                diff.append(
                    f"{job_id}: {len(stored)} rows in job_results, "
                    f"{len(expected)} outcomes recorded"
                )
            for slug, want in expected.items():
                if stored.get(slug) != want:
                    diff.append(f"{job_id}/{slug}: job_results {stored.get(slug)} != run {want}")
    return diff


@dg.asset_check(
    asset=listing_submission,
    additional_deps=[paid_job],
    description=(
        "Upserts every recorded submission outcome into Supabase's `job_results` (repairing "
        "drift), then verifies rows, statuses and evidence URIs match; fails with the diff."
    ),
)
def job_results_in_sync(
    context: dg.AssetCheckExecutionContext,
    supabase: SupabaseResource,
    analytics: AnalyticsResource,
) -> dg.AssetCheckResult:
    job = context.run.tags.get("dagster/partition")
    outcomes = read_outcomes(analytics.path, [job] if job else None)
    if outcomes.empty:
        return dg.AssetCheckResult(passed=True, metadata={"outcomes": 0})
    diff = sync_and_compare(supabase.database_url, outcomes)
    return dg.AssetCheckResult(
        passed=not diff,
        metadata={
            "outcomes": dg.MetadataValue.int(len(outcomes)),
            "jobs": dg.MetadataValue.int(int(outcomes["job_id"].nunique())),
            "diff": dg.MetadataValue.md("\n".join(f"- {d}" for d in diff) or "none"),
        },
    )
