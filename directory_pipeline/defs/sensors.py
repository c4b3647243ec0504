"""Intake from SQS, recovery of jobs whose message was lost, and failed runs."""

import os
import uuid

import dagster as dg
from pydantic import ValidationError

from directory_pipeline.catalog.active import active_catalog
from directory_pipeline.defs.partitions import jobs_partitions
from directory_pipeline.defs.resources import SqsResource, SupabaseResource
from directory_pipeline.defs.submissions import submission_job
from directory_pipeline.domain import (
    Catalog,
    JobMessage,
    JobStatus,
    Package,
    describe_validation_error,
)
from directory_pipeline.queue import ReceivedMessage
from directory_pipeline.settings import load_settings
from directory_pipeline.store import results
from directory_pipeline.store.jobs import JobStore

JOB_TAG = "directory_pipeline/job_id"
RECEIVE_BATCHES = 3  # three short receives keep a tick far inside the 60 s evaluation limit


def _has_run(instance: dg.DagsterInstance, job_id: str) -> bool:
    return bool(instance.get_run_ids(filters=dg.RunsFilter(tags={JOB_TAG: job_id}), limit=1))


def _run_request(job_id: str) -> dg.RunRequest:
    return dg.RunRequest(run_key=job_id, partition_key=job_id, tags={JOB_TAG: job_id})


def _show_again_soon(queue, message: ReceivedMessage) -> None:
    """Keep the message until a later tick sees its run exists; then it is deleted."""
    queue.client.change_message_visibility(
        QueueUrl=queue.queue_url,
        ReceiptHandle=message.receipt_handle,
        VisibilityTimeout=int(os.environ.get("SQS_REDELIVERY_SECONDS", "10")),
    )


def _directories_refused(
    catalog: Catalog, package: Package, directories: list[str] | None
) -> str | None:
    """Why the catalog will not give a job these directories (unknown slugs, a tier above
    the package, more than it buys), or None when it will."""
    if not directories:
        return None
    try:
        catalog.directories_for(package, directories)
    except ValueError as exc:
        return str(exc)
    return None


def _reject(
    context: dg.SensorEvaluationContext, queue, message: ReceivedMessage, reason: str
) -> None:
    context.log.warning(f"message {message.message_id} dead-lettered: {reason}")
    queue.dead_letter(message, reason)


@dg.sensor(
    job=submission_job,
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Takes paid jobs off the SQS queue: one run per job, bad messages to the DLQ.",
)
def sqs_job_sensor(
    context: dg.SensorEvaluationContext, sqs: SqsResource, supabase: SupabaseResource
) -> dg.SensorResult:
    queue = sqs.job_queue()
    store = JobStore(supabase.database_url)
    settings = load_settings()
    catalog = active_catalog(settings.sandbox_port, settings.catalog_path)
    requests: list[dg.RunRequest] = []
    new_partitions: list[str] = []
    seen = 0
    for _ in range(RECEIVE_BATCHES):
        batch = queue.receive(max_messages=10, wait_seconds=1)
        if not batch:
            break
        for message in batch:
            seen += 1
            try:
                job = JobMessage.from_body(message.body)
            except ValidationError as exc:
                _reject(context, queue, message, "; ".join(describe_validation_error(exc)))
                continue
            except ValueError as exc:
                _reject(context, queue, message, str(exc))
                continue
            job_id = str(job.job_id)
            if _has_run(context.instance, job_id):
                queue.delete(message)  # its run exists: the message has done its work
                continue
            if job_id in new_partitions:  # delivered twice in one tick: one request is enough
                _show_again_soon(queue, message)
                continue
            refused = _directories_refused(catalog, job.package, job.directories)
            if refused is not None:
                _reject(context, queue, message, refused)
                continue
            row = store.get(job.job_id)
            if row is not None:
                # The run works from the row: its directories must fit its package too.
                refused = _directories_refused(
                    catalog, Package(row.package), row.requested_directories
                )
                if refused is not None:
                    _reject(context, queue, message, f"the job's row: {refused}")
                    continue
            if row is None:
                if job.business is None:
                    _reject(
                        context,
                        queue,
                        message,
                        "no jobs row for this job_id and no business profile in the message",
                    )
                    continue
                store.create_pending(job, directories_total=0)
            elif row.business is None and job.business is None:
                _reject(context, queue, message, "the job has no business profile")
                continue
            new_partitions.append(job_id)
            requests.append(_run_request(job_id))
            # Kept until a later tick sees the run: it becomes visible again shortly.
            queue.client.change_message_visibility(
                QueueUrl=queue.queue_url, ReceiptHandle=message.receipt_handle, VisibilityTimeout=10
            )
    context.update_cursor(str(int(context.cursor or 0) + seen))
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[jobs_partitions.build_add_request(new_partitions)]
        if new_partitions
        else [],
    )


@dg.sensor(
    job=submission_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts jobs left pending in Supabase with no run: a lost message loses nothing.",
)
def pending_jobs_sensor(
    context: dg.SensorEvaluationContext, supabase: SupabaseResource
) -> dg.SensorResult:
    minutes = float(os.environ.get("PENDING_JOB_GRACE_MINUTES", "10"))
    stale = [str(j) for j in results.pending_jobs_older_than(supabase.database_url, minutes)]
    missing = [j for j in stale if not _has_run(context.instance, j)]
    for job_id in missing:
        context.log.info(f"job {job_id} pending for over {minutes} min with no run: starting it")
    return dg.SensorResult(
        run_requests=[_run_request(j) for j in missing],
        dynamic_partitions_requests=[jobs_partitions.build_add_request(missing)] if missing else [],
    )


@dg.run_failure_sensor(
    monitored_jobs=[submission_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks a job failed in Supabase when its run fails.",
)
def failed_job_run_sensor(context: dg.RunFailureSensorContext) -> None:
    job_id = context.dagster_run.tags.get(JOB_TAG) or context.dagster_run.tags.get(
        "dagster/partition"
    )
    dsn = os.environ.get("DATABASE_URL")
    if not job_id or not dsn:
        return
    error = context.failure_event.message or "run failed"
    results.mark_finished(dsn, uuid.UUID(job_id), JobStatus.FAILED, error[:2000])
