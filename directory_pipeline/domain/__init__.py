"""Pydantic models for every contract in docs/contracts.md: profile, message, catalog, outcome."""

from directory_pipeline.domain.catalog import (
    Catalog,
    DirectoryEntry,
    PackageTier,
    load_catalog,
    write_catalog,
)
from directory_pipeline.domain.errors import describe_validation_error
from directory_pipeline.domain.job import JobStatus
from directory_pipeline.domain.message import JobMessage
from directory_pipeline.domain.outcome import Evidence, SubmissionOutcome, SubmissionStatus
from directory_pipeline.domain.profile import PROFILE_KEYS, BusinessProfile, ProfileKey
from directory_pipeline.domain.tiers import Package

__all__ = [
    "PROFILE_KEYS",
    "BusinessProfile",
    "Catalog",
    "DirectoryEntry",
    "Evidence",
    "JobMessage",
    "JobStatus",
    "Package",
    "PackageTier",
    "ProfileKey",
    "SubmissionOutcome",
    "SubmissionStatus",
    "describe_validation_error",
    "load_catalog",
    "write_catalog",
]
