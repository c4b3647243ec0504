"""Paid jobs and their per-directory submissions: the assets staff watch in the UI."""

import uuid
from itertools import chain
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from directory_pipeline.analytics.drift import job_results_drift
from directory_pipeline.browser.engine import SubmissionResult
from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.defs.partitions import (
    JOB_TAG,
    jobs_partitions,
    submission_key,
    submissions_partitions,
)
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    HealthPolicyResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.domain import SubmissionOutcome, SubmissionStatus
from directory_pipeline.domain.job import JobStatus
from directory_pipeline.health.holds import held_directories
from directory_pipeline.paid_jobs.plan import JobNotRunnable, JobPlan, plan_job
from directory_pipeline.paid_jobs.recording import record, settle
from directory_pipeline.paid_jobs.worker_pool import DirectoryDone, submit_all
from directory_pipeline.store.claims import ClaimKind
from directory_pipeline.store.jobs import JobStore


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


listing_submission = dg.AssetSpec(
    key="listing_submission",
    partitions_def=submissions_partitions,
    deps=[
        dg.AssetDep(
            "paid_job",
            partition_mapping=dg.MultiToSingleDimensionPartitionMapping(
                partition_dimension_name="job"
            ),
        )
    ],
    group_name="submissions",
    kinds={"playwright", "chromium"},
    description=(
        "One directory of one job: the submission's status, the directory's confirmation, "
        "the final URL and a screenshot. Reported by the job's run (`paid_job` is its only "
        "writer); to re-run directories use the `resubmit_directory` job."
    ),
)


def _materialization(plan: JobPlan, done: DirectoryDone) -> dg.AssetMaterialization:
    return dg.AssetMaterialization(
        asset_key=listing_submission.key,
        partition=submission_key(str(plan.job.id), done.directory.slug),
        metadata=submission_metadata(done),
        tags={"directory_pipeline/status": done.result.outcome.status.value},
    )


class SubmissionRunConfig(dg.Config):
    """What a run of a job submits: every directory of its package (the default), or, for a
    staff re-run, only `directories`; `force` submits again directories already settled."""

    directories: list[str] = Field(default_factory=list)
    force: bool = False


JOB_RESULTS_IN_SYNC = "job_results_in_sync"


@dg.asset(
    partitions_def=jobs_partitions,
    group_name="submissions",
    kinds={"python", "postgres"},
    description=(
        "A paid job: its validated business profile and the directories its package buys. "
        "Materializing a job submits it to every one of those directories in this run "
        "(bounded parallelism) and reports each outcome as a `listing_submission` partition; "
        "it is that asset's only writer."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            JOB_RESULTS_IN_SYNC,
            asset="paid_job",
            description=(
                "Read-only: Supabase's `job_results` rows for this job match the outcomes "
                "this job's runs recorded (the truth: the run's recorded outcomes, kept in the "
                "analyst tables next to the attempt journal). Drift is repaired by the "
                "`repair_job_results` job, never by the check."
            ),
        )
    ],
)
def paid_job(
    context: dg.AssetExecutionContext,
    config: SubmissionRunConfig,
    supabase: SupabaseResource,
    engine: SubmissionEngineResource,
    analytics: AnalyticsResource,
    catalog: CatalogResource,
    health_policy: HealthPolicyResource,
) -> dg.MaterializeResult:
    job_id = uuid.UUID(context.partition_key)
    with supabase.claim(ClaimKind.JOB_RUN, str(job_id)) as claimed:
        if not claimed:
            context.log.warning(f"job {job_id}: another run is working on it; nothing done")
            return dg.MaterializeResult(
                metadata={"skipped": dg.MetadataValue.text("another run of this job is active")},
                check_results=[job_results_check(supabase.jobs(), analytics.path, job_id)],
            )
        return _run_job(
            context, config, supabase, job_id, engine, analytics, catalog, health_policy
        )


def _run_job(
    context: dg.AssetExecutionContext,
    config: SubmissionRunConfig,
    supabase: SupabaseResource,
    job_id: uuid.UUID,
    engine: SubmissionEngineResource,
    analytics: AnalyticsResource,
    catalog: CatalogResource,
    health_policy: HealthPolicyResource,
) -> dg.MaterializeResult:
    results = supabase.results()
    try:
        plan = plan_job(supabase.jobs(), catalog.catalog(), job_id)
    except JobNotRunnable as exc:
        results.mark_finished(job_id, JobStatus.FAILED, str(exc))
        raise dg.Failure(description=str(exc)) from exc
    every = [d.slug for d in plan.directories]
    if config.directories:
        unknown = sorted(set(config.directories) - set(every))
        if unknown:
            raise dg.Failure(description=f"not directories of this job: {', '.join(unknown)}")
        plan.directories = [d for d in plan.directories if d.slug in config.directories]
    slugs = [d.slug for d in plan.directories]
    staff_rerun = JOB_TAG not in context.run.tags  # launched from the UI, not by a sensor
    if not results.mark_started(job_id, len(every), staff_rerun=staff_rerun):
        context.log.info(f"job {job_id} is {plan.job.status.value}: only a staff re-run reopens it")
        return dg.MaterializeResult(
            metadata={"job_status": dg.MetadataValue.text(plan.job.status.value)},
            check_results=[job_results_check(supabase.jobs(), analytics.path, job_id)],
        )
    context.log.info(f"job {job_id}: {len(slugs)} directories: {', '.join(slugs)}")
    statuses: list[SubmissionStatus] = []
    unrecorded: list[str] = []
    force = set(slugs) if config.force else set()
    held = _held_by_health(
        plan, supabase, health_policy, results.result_statuses(job_id), staff_rerun, config
    )
    # One Chromium for the run; each worker opens its directories' contexts in it.
    with SharedChromium(engine.chromium_executable_path or None) as browser:
        for done in chain(
            held,
            submit_all(
                plan,
                engine.engine_factory(supabase, browser),
                max_parallel=engine.max_parallel,
                force=force,
            ),
        ):
            if done.result.busy:
                context.log.warning(f"{done.directory.slug}: another worker holds it; not recorded")
                continue
            try:
                record(results, analytics.path, plan, done)
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
    recorded = results.result_statuses(job_id)
    status = settle(results, job_id, [recorded[s] for s in every if s in recorded])
    counts = {s.value: statuses.count(s) for s in SubmissionStatus if s in statuses}
    return dg.MaterializeResult(
        metadata={
            "job_status": dg.MetadataValue.text(status.value),
            "package": dg.MetadataValue.text(plan.job.package),
            "business": dg.MetadataValue.text(plan.profile.business_name),
            "directories": dg.MetadataValue.json(slugs),
            "outcomes": dg.MetadataValue.json(counts),
        },
        check_results=[job_results_check(supabase.jobs(), analytics.path, job_id)],
    )


def _held_by_health(
    plan: JobPlan,
    supabase: SupabaseResource,
    health_policy: HealthPolicyResource,
    recorded: dict[str, SubmissionStatus],
    staff_rerun: bool,
    config: SubmissionRunConfig,
) -> list[DirectoryDone]:
    """Directories whose health checks hold them, taken out of `plan` and returned as
    `skipped` outcomes. A directory this job already settled keeps its record, and a
    directory staff name in a re-run is tried: they chose it."""
    store = supabase.health()
    holds = held_directories(store.latest(), store.reenabled_at(), health_policy.policy())
    chosen = set(config.directories) if staff_rerun else set()
    skipped = [
        d
        for d in plan.directories
        if d.slug in holds
        and d.slug not in chosen
        and not (d.slug in recorded and recorded[d.slug].settles_directory)
    ]
    plan.directories = [d for d in plan.directories if d not in skipped]
    return [
        DirectoryDone(
            directory=d,
            result=SubmissionResult(
                outcome=SubmissionOutcome(
                    status=SubmissionStatus.SKIPPED,
                    directory_slug=d.slug,
                    reason=holds[d.slug],
                    attempts=0,
                )
            ),
            duration_s=0.0,
        )
        for d in skipped
    ]


def job_results_check(
    jobs: JobStore, analytics_root: Path, job_id: uuid.UUID
) -> dg.AssetCheckResult:
    """Compare, never write: this job's `job_results` rows against its recorded outcomes."""
    diff = job_results_drift(jobs, analytics_root, job_id)
    return dg.AssetCheckResult(
        check_name=JOB_RESULTS_IN_SYNC,
        passed=not diff,
        metadata={"diff": dg.MetadataValue.md("\n".join(f"- {d}" for d in diff) or "none")},
    )


# A run has one step (`paid_job`), which fans out over threads itself: the default
# multiprocess executor would start a second Python process per run to import the code
# location again (about 7 s on 2 cores) for nothing.
ONE_STEP = dg.in_process_executor

submit_listings = dg.define_asset_job(
    "submit_listings",
    selection=dg.AssetSelection.assets(paid_job),
    description="One paid job: every directory of its package, in one run.",
    tags={"directory_pipeline/kind": "submission"},
    executor_def=ONE_STEP,
)

resubmit_directory = dg.define_asset_job(
    "resubmit_directory",
    selection=dg.AssetSelection.assets(paid_job),
    description=(
        "Staff re-run of one job's chosen directories: pick the job's partition and set "
        "`directories` (and `force` to submit again directories already settled) in the "
        "paid_job config. Reopens a finished job and settles it again from every recorded "
        "outcome."
    ),
    tags={"directory_pipeline/kind": "resubmission"},
    executor_def=ONE_STEP,
)
