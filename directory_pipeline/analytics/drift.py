"""Drift between the two records of a job's outcomes.

The truth is what the job's runs recorded: each outcome is written by the run, next to the
attempt journal, into the analyst tables (`analytics/outcome_files.py`). Supabase's `job_results`
is the copy customers and staff read. `job_results_drift` compares them and writes nothing;
`rewrite_job_results` rewrites the copy from the truth, only when asked.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd

from directory_pipeline.analytics.outcome_files import read_outcomes
from directory_pipeline.domain import Evidence, SubmissionOutcome, SubmissionStatus
from directory_pipeline.store.jobs import JobStore
from directory_pipeline.store.results import ResultStore


def _recorded(analytics_root: Path, job_id: uuid.UUID) -> list[dict]:
    outcomes = read_outcomes(analytics_root, [str(job_id)])
    return [] if outcomes.empty else outcomes.to_dict("records")


def job_results_drift(jobs: JobStore, analytics_root: Path, job_id: uuid.UUID) -> list[str]:
    """How `job_results` differs from the recorded outcomes of one job (empty: in sync)."""
    expected = {
        str(r["directory_slug"]): (str(r["status"]), r.get("evidence_uri") or None)
        for r in _recorded(analytics_root, job_id)
    }
    stored = {r.directory_slug: (r.status.value, r.evidence_uri) for r in jobs.results(job_id)}
    diff = [
        f"{slug}: job_results {stored.get(slug)} != recorded {want}"
        for slug, want in sorted(expected.items())
        if stored.get(slug) != want
    ]
    diff += [
        f"{slug}: in job_results, never recorded by a run"
        for slug in sorted(stored)
        if slug not in expected
    ]
    return diff


def _outcome(row: dict) -> SubmissionOutcome:
    """A recorded outcome as it was written (its proof was checked when it was made)."""
    evidence_uri = row.get("evidence_uri") or None
    submitted_at = row.get("submitted_at")
    return SubmissionOutcome.model_construct(
        status=SubmissionStatus(row["status"]),
        directory_slug=row["directory_slug"],
        confirmation_text=row.get("confirmation_text"),
        final_url=row.get("final_url"),
        evidence=Evidence(uri=evidence_uri, screenshot_uri=evidence_uri) if evidence_uri else None,
        reason=row.get("reason"),
        attempts=int(row.get("attempts") or 0),
        submitted_at=None if submitted_at is None or pd.isna(submitted_at) else submitted_at,
        plan_fingerprint=row.get("plan_fingerprint"),
    )


def rewrite_job_results(results: ResultStore, analytics_root: Path, job_id: uuid.UUID) -> int:
    """Rewrite one job's `job_results` rows from its recorded outcomes; returns how many."""
    rows = _recorded(analytics_root, job_id)
    for row in rows:
        results.upsert_result(job_id, _outcome(row))
    results.record_progress(job_id)
    return len(rows)
