"""Runs that end without settling their job: failed, cancelled, or gone.

A job's status moves forward only (`domain/job.py`). A failed or cancelled run settles its
job honestly from what was recorded (`ResultStore.settle_after_run_ended`) — unless Dagster
will retry the run, which then carries on. A job left `in_progress` with no run alive (a
killed worker, a daemon restart) is resumed by a new run: the attempt journal makes that safe,
since a directory clicked but not answered is settled `needs_review`, never submitted again.
"""

import uuid

import dagster as dg

from directory_pipeline.defs.partitions import JOB_TAG, job_run_ids, partition_requests
from directory_pipeline.defs.resources import JobPolicyResource, SupabaseResource
from directory_pipeline.defs.submissions import submit_listings
from directory_pipeline.store.claims import ClaimKind

_WILL_RETRY = "dagster/will_retry"
_ALIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _job_id(run: dg.DagsterRun) -> uuid.UUID | None:
    value = run.tags.get(JOB_TAG) or run.tags.get("dagster/partition")
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


MAX_RUNS_PER_JOB = 3  # the first run and two resumes; then the job ends honestly


def _runs_of(instance: dg.DagsterInstance, job_id: str) -> int:
    return len(job_run_ids(instance, job_id))


def _settle(
    supabase: SupabaseResource,
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    why: str,
    log: object,
    *,
    resumable: bool,
) -> None:
    job_id = _job_id(run)
    if job_id is None:
        return
    if run.tags.get(_WILL_RETRY) == "true":
        return  # the retry will carry the job on
    may_resume = resumable and _runs_of(instance, str(job_id)) < MAX_RUNS_PER_JOB
    settled = supabase.results().settle_after_run_ended(job_id, why, may_resume=may_resume)
    if settled is not None:
        log.info(f"job {job_id}: {settled.value} after its run ended ({why})")  # type: ignore[attr-defined]
    elif may_resume:
        log.info(f"job {job_id}: left in progress for the stalled-job sweep to resume")  # type: ignore[attr-defined]


@dg.run_failure_sensor(
    monitored_jobs=[submit_listings],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Settles a job honestly when its run fails: from the outcomes recorded, "
    "never over a finished status; a job with directories still open is left for the "
    "stalled-job sweep to resume (up to three runs in all).",
)
def failed_job_run_sensor(context: dg.RunFailureSensorContext, supabase: SupabaseResource) -> None:
    why = (context.failure_event.message or "run failed")[:1500]
    _settle(
        supabase,
        context.instance,
        context.dagster_run,
        why,
        context.log,
        resumable=True,
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.CANCELED,
    monitored_jobs=[submit_listings],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Settles a job honestly when staff cancel its run.",
)
def cancelled_job_run_sensor(
    context: dg.RunStatusSensorContext, supabase: SupabaseResource
) -> None:
    _settle(
        supabase,
        context.instance,
        context.dagster_run,
        "its run was cancelled",
        context.log,
        resumable=False,
    )


def has_live_run(instance: dg.DagsterInstance, job_id: str) -> bool:
    """Whether a run of the job is queued or running."""
    return bool(job_run_ids(instance, job_id, statuses=_ALIVE, limit=1))


def _orphaned_runs(
    instance: dg.DagsterInstance, supabase: SupabaseResource, job_id: str
) -> list[str]:
    """Runs of the job Dagster still calls started whose worker is gone: a live `paid_job`
    holds the job's run claim in Postgres for as long as it works, and Postgres frees it
    when the worker dies. (Only asked of jobs idle for the stalled window, long past a
    worker's start-up, so a run about to take its claim is not mistaken for a dead one.)"""
    started = job_run_ids(instance, job_id, statuses=[dg.DagsterRunStatus.STARTED])
    if not started:
        return []
    with supabase.claim(ClaimKind.JOB_RUN, job_id) as free:
        return list(started) if free else []


@dg.sensor(
    job=submit_listings,
    minimum_interval_seconds=120,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Resumes jobs left in progress with no run alive (a killed worker, a lost "
    "daemon): a new run finishes the directories not yet settled.",
)
def stalled_jobs_sensor(
    context: dg.SensorEvaluationContext, supabase: SupabaseResource, policy: JobPolicyResource
) -> dg.SensorResult:
    minutes = policy.stalled_minutes
    results = supabase.results()
    idle = [str(j) for j in results.in_progress_jobs_idle_for(minutes)]
    for job_id in idle:
        for run_id in _orphaned_runs(context.instance, supabase, job_id):
            run = context.instance.get_run_by_id(run_id)
            if run is not None:
                context.log.warning(f"run {run_id} of job {job_id} lost its worker")
                context.instance.report_run_failed(run, "the run worker is gone (found idle)")
    stalled = [j for j in idle if not has_live_run(context.instance, j)]
    runs = {j: _runs_of(context.instance, j) for j in stalled}
    for job_id in [j for j in stalled if runs[j] >= MAX_RUNS_PER_JOB]:
        settled = results.settle_after_run_ended(
            uuid.UUID(job_id), f"gave up after {runs[job_id]} runs"
        )
        context.log.warning(f"job {job_id}: {runs[job_id]} runs did not finish it: {settled}")
    stalled = [j for j in stalled if runs[j] < MAX_RUNS_PER_JOB]
    for job_id in stalled:
        context.log.info(f"job {job_id} in progress with no live run: resuming it")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"{j}:resume:{runs[j]}", partition_key=j, tags={JOB_TAG: j})
            for j in stalled
        ],
        dynamic_partitions_requests=partition_requests(context.instance, stalled, []),
    )
