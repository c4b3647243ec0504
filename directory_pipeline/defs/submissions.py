"""Paid jobs and their per-directory submissions: the assets staff watch in the UI."""

import uuid
from typing import Any

import dagster as dg

from directory_pipeline.defs.partitions import (
    DIRECTORIES,
    JOB_TAG,
    jobs_partitions,
    submission_key,
    submissions_partitions,
)
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.domain import SubmissionOutcome, SubmissionStatus, load_catalog
from directory_pipeline.orchestration.run_job import (
    DirectoryDone,
    JobNotRunnable,
    JobPlan,
    plan_job,
    record,
    settle,
    submit_all,
)
from directory_pipeline.settings import load_settings
from directory_pipeline.store import results
from directory_pipeline.store.claims import ClaimKind, advisory_claim


def _catalog():
    settings = load_settings()
    return load_catalog(settings.catalog_path)


def submission_metadata(done: DirectoryDone) -> dict[str, Any]:
    outcome: SubmissionOutcome = done.result.outcome
    evidence = outcome.evidence
    metadata: dict[str, Any] = {
        "status": dg.MetadataValue.text(outcome.status.value),
        "directory": dg.MetadataValue.text(done.directory.name),
        "attempts": dg.MetadataValue.int(outcome.attempts),
        "duration_s": dg.MetadataValue.float(round(done.duration_s, 2)),
        "plan_source": dg.MetadataValue.text(done.result.plan_source or "-"),
        "reused_earlier_attempt": dg.MetadataValue.bool(done.result.reused),
    }
    if outcome.confirmation_text:
        metadata["confirmation_text"] = dg.MetadataValue.text(outcome.confirmation_text)
    if outcome.reason:
        metadata["reason"] = dg.MetadataValue.text(outcome.reason)
    if outcome.final_url:
        metadata["final_url"] = dg.MetadataValue.url(outcome.final_url)
    if evidence is not None:
        metadata["evidence"] = dg.MetadataValue.text(evidence.uri)
        if evidence.screenshot_uri:
            metadata["screenshot"] = dg.MetadataValue.text(evidence.screenshot_uri)
    if done.result.preview_jpeg_b64:
        metadata["preview"] = dg.MetadataValue.md(
            f"![what the engine saw](data:image/jpeg;base64,{done.result.preview_jpeg_b64})"
        )
    for name, seconds in done.result.timings.items():
        metadata[f"timing_{name}"] = dg.MetadataValue.float(round(seconds, 2))
    return metadata


def _materialization(plan: JobPlan, done: DirectoryDone) -> dg.AssetMaterialization:
    return dg.AssetMaterialization(
        asset_key="listing_submission",
        partition=submission_key(str(plan.job.id), done.directory.slug),
        metadata=submission_metadata(done),
        tags={"directory_pipeline/status": done.result.outcome.status.value},
    )


@dg.asset(
    partitions_def=jobs_partitions,
    group_name="submissions",
    kinds={"python", "postgres"},
    description=(
        "A paid job: its validated business profile and the directories its package buys. "
        "Materializing a job submits it to every one of those directories in this run "
        "(bounded parallelism) and records each outcome as a `listing_submission` partition."
    ),
)
def paid_job(
    context: dg.AssetExecutionContext,
    supabase: SupabaseResource,
    engine: SubmissionEngineResource,
    analytics: AnalyticsResource,
) -> dg.MaterializeResult:
    job_id = uuid.UUID(context.partition_key)
    dsn = supabase.database_url
    with advisory_claim(dsn, ClaimKind.JOB_RUN, str(job_id)) as claimed:
        if not claimed:
            context.log.warning(f"job {job_id}: another run is working on it; nothing done")
            return dg.MaterializeResult(
                metadata={"skipped": dg.MetadataValue.text("another run of this job is active")}
            )
        return _run_job(context, dsn, job_id, engine, analytics)


def _run_job(
    context: dg.AssetExecutionContext,
    dsn: str,
    job_id: uuid.UUID,
    engine: SubmissionEngineResource,
    analytics: AnalyticsResource,
) -> dg.MaterializeResult:
    try:
        plan = plan_job(dsn, _catalog(), job_id)
    except JobNotRunnable as exc:
        results.mark_finished(dsn, job_id, results.JobStatus.FAILED, str(exc))
        raise dg.Failure(description=str(exc)) from exc
    slugs = [d.slug for d in plan.directories]
    context.instance.add_dynamic_partitions(DIRECTORIES, slugs)
    staff_rerun = JOB_TAG not in context.run.tags  # launched from the UI, not by a sensor
    if not results.mark_started(dsn, job_id, len(slugs), staff_rerun=staff_rerun):
        context.log.info(f"job {job_id} is {plan.job.status.value}: only a staff re-run reopens it")
        return dg.MaterializeResult(
            metadata={"job_status": dg.MetadataValue.text(plan.job.status.value)}
        )
    context.log.info(f"job {job_id}: {len(slugs)} directories: {', '.join(slugs)}")
    statuses: list[SubmissionStatus] = []
    unrecorded: list[str] = []
    for done in submit_all(plan, engine.engine_factory(dsn), max_parallel=engine.max_parallel):
        if done.result.busy:
            context.log.warning(f"{done.directory.slug}: another worker holds it; not recorded")
            continue
        try:
            record(dsn, analytics.path, plan, done)
        except Exception as exc:  # the others still go on; the stalled-job sweep resumes it
            unrecorded.append(done.directory.slug)
            context.log.error(f"{done.directory.slug}: outcome not recorded: {exc!r}")
        statuses.append(done.result.outcome.status)
        context.log_event(_materialization(plan, done))
        context.log.info(f"{done.directory.slug}: {done.result.outcome.status.value}")
    if unrecorded:
        raise dg.Failure(
            description=f"outcomes not recorded for {', '.join(unrecorded)}; the job stays "
            "in progress and is resumed (the journal keeps what was submitted)"
        )
    status = settle(dsn, job_id, statuses)
    counts = {s.value: statuses.count(s) for s in SubmissionStatus if s in statuses}
    return dg.MaterializeResult(
        metadata={
            "job_status": dg.MetadataValue.text(status.value),
            "package": dg.MetadataValue.text(plan.job.package),
            "business": dg.MetadataValue.text(plan.profile.business_name),
            "directories": dg.MetadataValue.json(slugs),
            "outcomes": dg.MetadataValue.json(counts),
        }
    )


class ResubmitConfig(dg.Config):
    force: bool = False
    """Submit again even if an earlier attempt settled this directory (staff only)."""


@dg.asset(
    partitions_def=submissions_partitions,
    deps=[
        dg.AssetDep(
            paid_job,
            partition_mapping=dg.MultiToSingleDimensionPartitionMapping(
                partition_dimension_name="job"
            ),
        )
    ],
    group_name="submissions",
    kinds={"playwright", "chromium"},
    description=(
        "One directory of one job: the submission's status, the directory's confirmation, "
        "the final URL and a screenshot. Usually recorded by the job's run; materializing a "
        "single partition here re-runs that one directory (set `force` to submit again a "
        "directory that was already settled)."
    ),
)
def listing_submission(
    context: dg.AssetExecutionContext,
    config: ResubmitConfig,
    supabase: SupabaseResource,
    engine: SubmissionEngineResource,
    analytics: AnalyticsResource,
) -> dg.MaterializeResult:
    key = context.partition_key
    assert isinstance(key, dg.MultiPartitionKey)
    dims = key.keys_by_dimension
    dsn = supabase.database_url
    plan = plan_job(dsn, _catalog(), uuid.UUID(dims["job"]))
    plan.directories = [d for d in plan.directories if d.slug == dims["directory"]]
    if not plan.directories:
        raise dg.Failure(description=f"{dims['directory']} is not one of this job's directories")
    force = {dims["directory"]} if config.force else set()
    [done] = list(submit_all(plan, engine.engine_factory(dsn), max_parallel=1, force=force))
    if done.result.busy:
        raise dg.Failure(description=done.result.outcome.reason or "directory busy")
    record(dsn, analytics.path, plan, done)
    return dg.MaterializeResult(metadata=submission_metadata(done))


submission_job = dg.define_asset_job(
    "submission_job",
    selection=dg.AssetSelection.assets(paid_job)
    | dg.AssetSelection.checks_for_assets(listing_submission),
    description="One paid job: every directory of its package, in one run.",
    tags={"directory_pipeline/kind": "submission"},
)
