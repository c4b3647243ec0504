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
