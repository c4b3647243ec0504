"""Partitions: one per paid job, one per directory, and their cross product for submissions."""

import dagster as dg

JOBS = "jobs"
DIRECTORIES = "directories"
jobs_partitions = dg.DynamicPartitionsDefinition(name=JOBS)
directories_partitions = dg.DynamicPartitionsDefinition(name=DIRECTORIES)
submissions_partitions = dg.MultiPartitionsDefinition(
    {"directory": directories_partitions, "job": jobs_partitions}
)


def submission_key(job_id: str, directory_slug: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"job": job_id, "directory": directory_slug})


JOB_TAG = "directory_pipeline/job_id"
"""Run tag naming the job a run works on; set by the sensors, absent on staff-launched runs."""


def job_run_ids(
    instance: dg.DagsterInstance,
    job_id: str,
    *,
    statuses: list[dg.DagsterRunStatus] | None = None,
    limit: int | None = None,
) -> list[str]:
    """The runs that worked (or work) on a paid job, found by the job tag."""
    filters = dg.RunsFilter(tags={JOB_TAG: job_id}, statuses=statuses or [])
    return list(instance.get_run_ids(filters=filters, limit=limit))


def partition_requests(
    instance: dg.DagsterInstance, job_ids: list[str], directory_slugs: list[str]
) -> list[dg.AddDynamicPartitionsRequest]:
    """The one place partitions are added: the jobs a sensor starts, and any catalog
    directory not yet a partition (so every run can report its `listing_submission`s)."""
    requests: list[dg.AddDynamicPartitionsRequest] = []
    if job_ids:
        requests.append(jobs_partitions.build_add_request(job_ids))
    known = set(instance.get_dynamic_partitions(DIRECTORIES))
    missing = sorted(set(directory_slugs) - known)
    if missing:
        requests.append(directories_partitions.build_add_request(missing))
    return requests
