"""Keep the live set of job partitions small: jobs older than N days leave it (their rows
and analyst tables stay)."""

import dagster as dg

from directory_pipeline.defs.partitions import JOBS
from directory_pipeline.defs.resources import JobPolicyResource, SupabaseResource
from directory_pipeline.store.database import connect


@dg.op(description="Drops the partitions of finished jobs older than the retention window.")
def retire_old_job_partitions(
    context: dg.OpExecutionContext, supabase: SupabaseResource, policy: JobPolicyResource
) -> int:
    days = policy.retention_days
    with connect(supabase.database_url) as conn:
        rows = conn.execute(
            """select id::text as id from jobs
               where created_at < now() - make_interval(days => %s)
                 and status in ('completed', 'partially_completed', 'failed')""",
            (days,),
        ).fetchall()
    old = {r["id"] for r in rows}
    live = set(context.instance.get_dynamic_partitions(JOBS))
    retired = sorted(old & live)
    for partition in retired:
        context.instance.delete_dynamic_partition(JOBS, partition)
    context.log.info(f"retired {len(retired)} job partitions older than {days} days")
    return len(retired)


@dg.job(description="Retire old job partitions from the live set.")
def partition_retention_job() -> None:
    retire_old_job_partitions()


partition_retention_schedule = dg.ScheduleDefinition(
    job=partition_retention_job,
    cron_schedule="17 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Nightly: drop partitions of jobs past the retention window.",
)
