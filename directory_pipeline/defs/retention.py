"""Keep the live set of job partitions small: jobs older than N days leave it (their rows
and analyst tables stay)."""

import dagster as dg

from directory_pipeline.defs.partitions import JOBS
from directory_pipeline.defs.resources import JobPolicyResource, SupabaseResource


@dg.op(description="Drops the partitions of finished jobs older than the retention window.")
def retire_old_job_partitions(
    context: dg.OpExecutionContext, supabase: SupabaseResource, policy: JobPolicyResource
) -> int:
    days = policy.retention_days
    old = {str(j) for j in supabase.results().finished_jobs_older_than(days)}
    live = set(context.instance.get_dynamic_partitions(JOBS))
    retired = sorted(old & live)
    for partition in retired:
        context.instance.delete_dynamic_partition(JOBS, partition)
    context.log.info(f"retired {len(retired)} job partitions older than {days} days")
    return len(retired)


@dg.job(
    description="Retires the partitions of old finished jobs from the live set.",
    executor_def=dg.in_process_executor,
)
def partition_retention() -> None:
    retire_old_job_partitions()


nightly_partition_retention = dg.ScheduleDefinition(
    name="nightly_partition_retention",
    job=partition_retention,
    cron_schedule="17 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Nightly: drop partitions of jobs past the retention window.",
)
