"""Repairing Supabase's copy of a job's outcomes: an explicit job, never a check.

The check `job_results_in_sync` (declared on `paid_job`, evaluated in every run of a job)
only compares. When it fails, staff run `repair_job_results` for that job.
"""

import uuid

import dagster as dg

from directory_pipeline.analytics.drift import job_results_drift, rewrite_job_results
from directory_pipeline.defs.resources import AnalyticsResource, SupabaseResource


class RepairConfig(dg.Config):
    job_id: str
    """The job whose `job_results` rows are rewritten from its recorded outcomes."""


@dg.op(description="Rewrites one job's `job_results` rows from the outcomes its runs recorded.")
def job_results_rewritten(
    context: dg.OpExecutionContext,
    config: RepairConfig,
    supabase: SupabaseResource,
    analytics: AnalyticsResource,
) -> None:
    job_id = uuid.UUID(config.job_id)
    written = rewrite_job_results(supabase.results(), analytics.path, job_id)
    left = job_results_drift(supabase.jobs(), analytics.path, job_id)
    context.log.info(f"job {job_id}: {written} rows rewritten; drift left: {left or 'none'}")
    if left:
        raise dg.Failure(description="drift remains after the repair", metadata={"diff": left})


@dg.job(
    description="Repairs Supabase `job_results` for one job from its recorded outcomes.",
    executor_def=dg.in_process_executor,
)
def repair_job_results() -> None:
    job_results_rewritten()
