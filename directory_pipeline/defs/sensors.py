"""Intake from SQS, recovery of jobs whose message was lost, and failed runs."""

import dagster as dg

from directory_pipeline.defs.partitions import JOB_TAG, job_run_ids, partition_requests
from directory_pipeline.defs.resources import (
    CatalogResource,
    JobPolicyResource,
    SqsResource,
    SupabaseResource,
)
from directory_pipeline.defs.submissions import submit_listings
from directory_pipeline.queue.intake import IntakeTick

RECEIVE_BATCHES = 20  # up to 200 messages a tick; the budget below keeps it inside 60 s
INTAKE_BUDGET_SECONDS = 30.0  # no new batch after this: a slow database cannot stall a tick


def _has_run(instance: dg.DagsterInstance, job_id: str) -> bool:
    return bool(job_run_ids(instance, job_id, limit=1))


def _run_request(job_id: str) -> dg.RunRequest:
    return dg.RunRequest(run_key=job_id, partition_key=job_id, tags={JOB_TAG: job_id})


# Dagster's sensor daemon evaluates sensors at most every 5 s (its loop time), so a shorter
# interval here would change nothing; what a tick itself takes is kept short instead.
@dg.sensor(
    job=submit_listings,
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Takes paid jobs off the SQS queue: one run per job, bad messages to the DLQ.",
)
def sqs_job_sensor(
    context: dg.SensorEvaluationContext,
    sqs: SqsResource,
    supabase: SupabaseResource,
    catalog: CatalogResource,
    policy: JobPolicyResource,
) -> dg.SensorResult:
    """Each message is handled on its own (`queue/intake.py`): a malformed one goes to the
    DLQ with its reason, a valid one gets its row and one run request, and when our side is
    down valid ones wait for redelivery. Nothing one message does fails the tick."""
    try:
        directories = catalog.catalog()
    except Exception as exc:  # nothing received: the messages wait on the queue untouched
        return dg.SensorResult(skip_reason=f"the directory catalog could not be loaded: {exc}")
    intake = IntakeTick(
        queue=sqs.job_queue(),
        jobs=supabase.jobs(connect_timeout=2, statement_timeout_s=5),
        catalog=directories,
        has_run=lambda job_id: _has_run(context.instance, job_id),
        log=context.log,
        redelivery_seconds=policy.redelivery_seconds,
    )
    intake.run(batches=RECEIVE_BATCHES, wait_seconds=1, budget_seconds=INTAKE_BUDGET_SECONDS)
    context.update_cursor(str(int(context.cursor or 0) + intake.received))
    if not intake.requested:
        return dg.SensorResult(skip_reason=intake.summary())
    # A tick with run requests cannot carry a skip reason: the summary goes to its log.
    if intake.unavailable or intake.queue_error:
        context.log.warning(intake.summary())
    else:
        context.log.info(intake.summary())
    return dg.SensorResult(
        run_requests=[_run_request(job_id) for job_id in intake.requested],
        dynamic_partitions_requests=partition_requests(
            context.instance, intake.requested, [d.slug for d in directories.directories]
        ),
    )


@dg.sensor(
    job=submit_listings,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts jobs left pending in Supabase with no run: a lost message loses nothing.",
)
def pending_jobs_sensor(
    context: dg.SensorEvaluationContext,
    supabase: SupabaseResource,
    catalog: CatalogResource,
    policy: JobPolicyResource,
) -> dg.SensorResult:
    minutes = policy.pending_grace_minutes
    stale = [str(j) for j in supabase.results().pending_jobs_older_than(minutes)]
    missing = [j for j in stale if not _has_run(context.instance, j)]
    for job_id in missing:
        context.log.info(f"job {job_id} pending for over {minutes} min with no run: starting it")
    return dg.SensorResult(
        run_requests=[_run_request(j) for j in missing],
        dynamic_partitions_requests=partition_requests(
            context.instance, missing, catalog.slugs() if missing else []
        ),
    )
