"""A paid job's plan: its row, its validated profile and the directories its package buys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from directory_pipeline.domain import BusinessProfile, Catalog, DirectoryEntry, Package
from directory_pipeline.store.jobs import JobRow, JobStore


class JobNotRunnable(RuntimeError):
    """The job cannot run at all (no row, no profile, unknown directories)."""


@dataclass
class JobPlan:
    job: JobRow
    profile: BusinessProfile
    directories: list[DirectoryEntry]


def plan_job(jobs: JobStore, catalog: Catalog, job_id: uuid.UUID) -> JobPlan:
    job = jobs.get(job_id)
    if job is None:
        raise JobNotRunnable(f"job {job_id} has no row in jobs")
    profile = job.profile()
    if profile is None:
        raise JobNotRunnable(f"job {job_id} has no business profile")
    try:
        directories = catalog.directories_for(Package(job.package), job.requested_directories)
    except ValueError as exc:
        raise JobNotRunnable(f"job {job_id}: {exc}") from exc
    return JobPlan(job=job, profile=profile, directories=directories)
