"""Submission outcomes as Parquet, one file per (job, directory) partition.

One file per partition means no shared writer lock (unlike a DuckDB database file): runs
write concurrently, analysts read everything with
`read_parquet('<root>/submissions/*/*.parquet', hive_partitioning = true)`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pandas as pd

from directory_pipeline.domain import DirectoryEntry, SubmissionOutcome

COLUMNS = [
    "job_id",
    "directory_slug",
    "directory_tier",
    "package",
    "status",
    "submitted_at",
    "confirmation_text",
    "final_url",
    "evidence_uri",
    "reason",
    "attempts",
    "plan_source",
    "plan_fingerprint",
    "duration_s",
    "recorded_at",
    "reason_code",
    "mapping_confidence",
]
"""`reason_code` is the judge's `Reason` for the last attempt; `mapping_confidence` the mean
confidence of the fields the plan filled. Files written before they existed lack both."""


def outcome_file(root: Path, job_id: uuid.UUID, directory_slug: str) -> Path:
    return root / "submissions" / f"job_id={job_id}" / f"{directory_slug}.parquet"


def write_outcome(
    root: Path,
    job_id: uuid.UUID,
    package: str,
    directory: DirectoryEntry,
    outcome: SubmissionOutcome,
    plan_source: str | None,
    duration_s: float | None,
    *,
    reason_code: str | None = None,
    mapping_confidence: float | None = None,
) -> Path:
    row = {
        "job_id": str(job_id),
        "directory_slug": directory.slug,
        "directory_tier": directory.tier.value,
        "package": package,
        "status": outcome.status.value,
        "submitted_at": outcome.submitted_at,
        "confirmation_text": outcome.confirmation_text,
        "final_url": outcome.final_url,
        "evidence_uri": outcome.evidence_uri,
        "reason": outcome.reason,
        "attempts": outcome.attempts,
        "plan_source": plan_source,
        "plan_fingerprint": outcome.plan_fingerprint,
        "duration_s": duration_s,
        "recorded_at": dt.datetime.now(dt.UTC),
        "reason_code": reason_code,
        "mapping_confidence": mapping_confidence,
    }
    path = outcome_file(root, job_id, directory.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame = pd.DataFrame([row], columns=pd.Index(COLUMNS))
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)
    return path


def recorded_outcome(root: Path, job_id: uuid.UUID, directory_slug: str) -> dict | None:
    """The recorded outcome row of one (job, directory), or None if there is none yet."""
    path = outcome_file(root, job_id, directory_slug)
    if not path.exists():
        return None
    row = pd.read_parquet(path).iloc[0].to_dict()
    return {key: None if is_missing(value) else value for key, value in row.items()}


def is_missing(value: object) -> bool:
    """Whether a cell of an outcome file holds nothing (None, NaN, NA, NaT)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def rewrite_outcome(
    root: Path,
    job_id: uuid.UUID,
    directory: DirectoryEntry,
    outcome: SubmissionOutcome,
    previous: dict,
) -> Path:
    """Record a later outcome of the same attempt (confirmed by mail, seen live) over
    `previous` (its `recorded_outcome`), keeping the package, plan source and duration."""
    duration = previous.get("duration_s")
    confidence = previous.get("mapping_confidence")
    return write_outcome(
        root,
        job_id,
        str(previous["package"]),
        directory,
        outcome,
        previous.get("plan_source"),
        None if duration is None else float(duration),
        reason_code=previous.get("reason_code"),
        mapping_confidence=None if confidence is None else float(confidence),
    )


# union_by_name: files written before a column was added lack it (it reads as null).
_OUTCOMES_SQL = (
    "read_parquet('{root}/submissions/*/*.parquet', hive_partitioning = false, "
    "union_by_name = true)"
)


def query_outcomes(root: Path, sql: str) -> pd.DataFrame:
    """`sql` over every outcome file, read by DuckDB as the table `{outcomes}`; an empty frame
    when there are none yet."""
    if not any((root / "submissions").glob("*/*.parquet")):
        return pd.DataFrame()
    import duckdb

    with duckdb.connect() as con:
        return con.execute(sql.format(outcomes=_OUTCOMES_SQL.format(root=root))).df()


def read_outcomes(root: Path, job_ids: list[str] | None = None) -> pd.DataFrame:
    """Every recorded outcome (optionally of some jobs) as one frame."""
    folder = root / "submissions"
    files = sorted(folder.glob("job_id=*/*.parquet")) if folder.exists() else []
    if job_ids is not None:
        wanted = {f"job_id={j}" for j in job_ids}
        files = [f for f in files if f.parent.name in wanted]
    if not files:
        return pd.DataFrame(columns=pd.Index(COLUMNS))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
