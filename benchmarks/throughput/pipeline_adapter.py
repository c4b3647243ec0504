"""The only place this benchmark calls the product's submission path: `run_pipeline`.

What it runs is what `paid_job`'s run does for one job, without Dagster around it: the
job's row, `submit_all` over its directories with K workers (their pages in the run's one
`SharedChromium`, as `paid_job` opens it; with `PIPELINE_BROWSER=per-worker`, one Chromium
per worker, as before issue 12), built by `SubmissionEngineResource.engine_factory`:
attempt journal, plan cache, politeness
and evidence in play), `record` of every outcome (Supabase row, progress, analyst Parquet),
and `settle`. When the engine or the orchestration module moves, only this file changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from directories import Directory

from directory_pipeline.browser.shared_chromium import SharedChromium
from directory_pipeline.defs.resources import SubmissionEngineResource, SupabaseResource
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, JobMessage, Package
from directory_pipeline.paid_jobs.plan import JobPlan
from directory_pipeline.paid_jobs.recording import record, settle
from directory_pipeline.paid_jobs.worker_pool import submit_all

# "shared" (the engine since issue 12) or "per-worker" (one Chromium per worker, before it).
BROWSER_MODE = os.environ.get("PIPELINE_BROWSER", "shared")


@dataclass(frozen=True)
class PipelineEnv:
    """Where the pipeline keeps its state, and what it drives."""

    dsn: str
    work_dir: str
    profile_path: str
    chromium: str
    llm_base_url: str | None = None
    llm_model: str | None = None


def _entry(directory: Directory) -> DirectoryEntry:
    return DirectoryEntry(
        slug=directory.slug,
        name=directory.slug,
        submit_url=directory.url,
        tier=Package.STARTER,
        hosts=[directory.host],
        sandbox=True,
        max_concurrency=2,
        min_interval_seconds=0.0,
    )


def run_pipeline(sites: list[Directory], k: int, env: PipelineEnv) -> list[dict]:
    """One job (a fresh job id) over `sites` with `k` workers; one row per directory."""
    profile = BusinessProfile.model_validate(json.loads(Path(env.profile_path).read_text()))
    entries = [_entry(site) for site in sites]
    message = JobMessage.new(Package.ENTERPRISE, profile, uuid.uuid4(), [e.slug for e in entries])
    supabase = SupabaseResource(database_url=env.dsn)
    jobs, results = supabase.jobs(), supabase.results()
    jobs.create_pending(message, len(entries))
    job = jobs.get(message.job_id)
    assert job is not None
    plan = JobPlan(job=job, profile=profile, directories=entries)
    results.mark_started(job.id, len(entries))
    work = Path(env.work_dir)
    engine = SubmissionEngineResource(
        evidence_root=str(work / "evidence"),
        chromium_executable_path=env.chromium,
        llm_base_url=env.llm_base_url,
        llm_model=env.llm_model,
        crewai_storage_dir=str(work / "crewai"),
        max_parallel=k,
    )
    rows = []
    shared = BROWSER_MODE == "shared"
    with SharedChromium(env.chromium) if shared else contextlib.nullcontext() as browser:
        factory = engine.engine_factory(supabase, browser)
        for done in submit_all(plan, factory, max_parallel=k):
            record(results, work / "analytics", plan, done)
            outcome = done.result.outcome
            rows.append(
                {
                    "directory": done.directory.slug,
                    "status": outcome.status.value,
                    "plan_source": done.result.plan_source,
                    "attempts": outcome.attempts,
                    "seconds": done.duration_s,
                    "timings": done.result.timings,
                    "reason": outcome.reason,
                }
            )
    recorded = results.result_statuses(job.id)
    settle(results, job.id, list(recorded.values()))
    return rows
