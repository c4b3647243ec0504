"""A job's progress and per-directory outcomes in Supabase (`jobs`, `job_results`)."""

from __future__ import annotations

import uuid

from directory_pipeline.domain import JobStatus, SubmissionOutcome, SubmissionStatus
from directory_pipeline.domain.job import FINAL_STATUSES, final_status, statuses_that_may_move_to
from directory_pipeline.store.database import connect


class ResultStore:
    """Where a job's runs write its progress and outcomes; every status change is
    conditional on the job's current status (forward only, `domain/job.py`)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def upsert_result(self, job_id: uuid.UUID, outcome: SubmissionOutcome) -> None:
        """One row per (job, directory), carrying the latest outcome and its proof."""
        with connect(self.dsn) as conn:
            conn.execute(
                """insert into job_results (job_id, directory_slug, status, submitted_at,
                       confirmation_text, final_url, evidence_uri, error, attempts,
                       plan_fingerprint, updated_at)
                   values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())
                   on conflict (job_id, directory_slug) do update set
                       status = excluded.status, submitted_at = excluded.submitted_at,
                       confirmation_text = excluded.confirmation_text,
                       final_url = excluded.final_url, evidence_uri = excluded.evidence_uri,
                       error = excluded.error, attempts = excluded.attempts,
                       plan_fingerprint = excluded.plan_fingerprint, updated_at = now()""",
                (
                    job_id,
                    outcome.directory_slug,
                    outcome.status.value,
                    outcome.submitted_at,
                    outcome.confirmation_text,
                    outcome.final_url,
                    outcome.evidence_uri,
                    outcome.reason if outcome.status is not SubmissionStatus.SUBMITTED else None,
                    outcome.attempts,
                    outcome.plan_fingerprint,
                ),
            )

    def mark_started(
        self, job_id: uuid.UUID, directories_total: int, *, staff_rerun: bool = False
    ) -> bool:
        """pending → in_progress (a finished job only for a staff re-run); False if the job's
        status forbids it."""
        allowed = statuses_that_may_move_to(JobStatus.IN_PROGRESS, staff_rerun=staff_rerun)
        with connect(self.dsn) as conn:
            row = conn.execute(
                """update jobs set status = 'in_progress', started_at = coalesce(started_at, now()),
                       completed_at = null, directories_total = %s, error = null
                   where id = %s and status = any(%s) returning id""",
                (directories_total, job_id, allowed),
            ).fetchone()
        return row is not None

    def record_progress(self, job_id: uuid.UUID) -> int:
        """Recount finished directories from job_results (idempotent across re-runs)."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                """update jobs set directories_done =
                       (select count(*) from job_results where job_id = %s)
                   where id = %s returning directories_done""",
                (job_id, job_id),
            ).fetchone()
        return int(row["directories_done"]) if row else 0

    def mark_finished(self, job_id: uuid.UUID, status: JobStatus, error: str | None = None) -> bool:
        """Move a job to a final status, only from a status that may move there (never over
        another final status); False when the job was already finished."""
        allowed = statuses_that_may_move_to(status)
        with connect(self.dsn) as conn:
            row = conn.execute(
                """update jobs set status = %s, completed_at = now(), error = %s
                   where id = %s and status = any(%s) returning id""",
                (status.value, error, job_id, allowed),
            ).fetchone()
        return row is not None

    def result_statuses(self, job_id: uuid.UUID) -> dict[str, SubmissionStatus]:
        """The recorded outcome of each directory of a job."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                "select directory_slug, status from job_results where job_id = %s", (job_id,)
            ).fetchall()
        return {r["directory_slug"]: SubmissionStatus(r["status"]) for r in rows}

    def pending_jobs_older_than(self, minutes: float) -> list[uuid.UUID]:
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select id from jobs where status = 'pending'
                   and created_at < now() - make_interval(secs => %s) order by created_at""",
                (minutes * 60,),
            ).fetchall()
        return [r["id"] for r in rows]

    def settle_after_run_ended(
        self, job_id: uuid.UUID, why: str, *, may_resume: bool = False
    ) -> JobStatus | None:
        """A run of the job ended without settling it (failed, cancelled, died). If every
        directory has an outcome, the job gets the status they add up to. Otherwise, when the job
        may be resumed, it is left `in_progress` for the stalled-job sweep (None); when not, the
        directories without an outcome count as failed (so a job where something got through is
        `partially_completed`, not `failed`) and `why` is kept. Forward only: a finished job is
        left alone (None)."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                "select status, directories_total from jobs where id = %s", (job_id,)
            ).fetchone()
        if row is None or JobStatus(row["status"]).is_final:
            return None
        recorded = list(self.result_statuses(job_id).values())
        total = int(row["directories_total"] or 0)
        missing = max(total - len(recorded), 0)
        if total and not missing:
            status, error = final_status(recorded), None
        elif may_resume and JobStatus(row["status"]) is JobStatus.IN_PROGRESS:
            return None  # the stalled-job sweep resumes in-progress jobs
        else:
            status = final_status(recorded + [SubmissionStatus.FAILED] * max(missing, 1))
            error = f"{why} ({len(recorded)} of {total} directories done)"
        return status if self.mark_finished(job_id, status, error) else None

    def job_status(self, job_id: uuid.UUID) -> JobStatus | None:
        with connect(self.dsn) as conn:
            row = conn.execute("select status from jobs where id = %s", (job_id,)).fetchone()
        return JobStatus(row["status"]) if row else None

    def finished_jobs_older_than(self, days: int) -> list[uuid.UUID]:
        """Jobs in a final status created more than `days` ago."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select id from jobs where created_at < now() - make_interval(days => %s)
                   and status = any(%s)""",
                (days, [s.value for s in FINAL_STATUSES]),
            ).fetchall()
        return [r["id"] for r in rows]

    def in_progress_jobs_idle_for(self, minutes: float) -> list[uuid.UUID]:
        """Jobs `in_progress` whose results have not moved for `minutes` (or never started)."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                """select j.id from jobs j
                   where j.status = 'in_progress'
                     and coalesce((select max(updated_at) from job_results r where r.job_id = j.id),
                                  j.started_at, j.created_at) < now() - make_interval(secs => %s)
                   order by j.created_at""",
                (minutes * 60,),
            ).fetchall()
        return [r["id"] for r in rows]
