"""Reading health-check evaluations from the Dagster instance: the asset-check execution
records of `directory_health`'s checks (`event_log_storage.get_asset_check_execution_history`,
indexed on asset and check, newest first, paged by record id), which every instance storage
keeps in one table, the local stack's SQLite included (cross-run event queries by storage id
are not supported there). Only evaluations on a directory partition count.

The sensor reads the records after the highest id it has seen. A record is written when the
evaluation is logged, except when a run planned the check's partition first (then the row is
written at planning and completed later, keeping its id): such a row still planned holds the
high-water mark below it for up to an hour, so its completion is not skipped (records read
twice decide nothing new: an alert's key is its record's id)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import dagster as dg

from directory_pipeline.alerts.health import HEALTH_ASSET, HEALTH_CHECKS, CheckEvaluation
from directory_pipeline.alerts.model import AlertSeverity

if TYPE_CHECKING:  # the type the storage returns; not exported by `dagster`
    from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecord

_SEVERITY = {
    dg.AssetCheckSeverity.WARN: AlertSeverity.WARNING,
    dg.AssetCheckSeverity.ERROR: AlertSeverity.ERROR,
}
PAGES_PER_CHECK = 5
PLANNED_HOLD = dt.timedelta(hours=1)


def _summary(evaluation: dg.AssetCheckEvaluation) -> str:
    value = evaluation.metadata.get("summary")
    text = getattr(value, "value", value)
    if isinstance(text, str):
        return text
    return evaluation.description or ""


def _evaluation(record: AssetCheckExecutionRecord) -> CheckEvaluation | None:
    event = record.event.dagster_event if record.event else None
    data = event.event_specific_data if event else None
    if not isinstance(data, dg.AssetCheckEvaluation) or not data.partition:
        return None
    return CheckEvaluation(
        record_id=record.id,
        run_id=record.run_id,
        check_name=data.check_name,
        directory=data.partition,
        passed=data.passed,
        severity=_SEVERITY.get(data.severity, AlertSeverity.ERROR),
        summary=_summary(data),
    )


def _newer_records(
    instance: dg.DagsterInstance, key: dg.AssetCheckKey, after: int | None, page: int
) -> list[AssetCheckExecutionRecord]:
    """The check's records with an id above `after`, newest first (with no `after`, the
    latest page only, so a first tick does not read all history)."""
    storage = instance.event_log_storage
    found: list[AssetCheckExecutionRecord] = []
    before: int | None = None
    for _ in range(PAGES_PER_CHECK):
        records = storage.get_asset_check_execution_history(key, limit=page, cursor=before)
        newer = [r for r in records if after is None or r.id > after]
        found.extend(newer)
        if after is None or len(newer) < len(records) or len(records) < page:
            break
        before = records[-1].id
    return found


def check_evaluations(
    instance: dg.DagsterInstance, after: int | None, page: int, now: dt.datetime
) -> tuple[list[CheckEvaluation], int | None]:
    """The health-check evaluations recorded after record id `after`, oldest first, and the
    id to continue from next time."""
    evaluations: list[CheckEvaluation] = []
    highest = after
    hold: int | None = None
    for name in HEALTH_CHECKS:
        key = dg.AssetCheckKey(dg.AssetKey(HEALTH_ASSET), name)
        for record in _newer_records(instance, key, after, page):
            if record.status.value == "PLANNED":
                planned_at = dt.datetime.fromtimestamp(record.create_timestamp, dt.UTC)
                if record.partition and now - planned_at < PLANNED_HOLD:
                    hold = record.id if hold is None else min(hold, record.id)
                continue
            highest = record.id if highest is None else max(highest, record.id)
            evaluation = _evaluation(record)
            if evaluation is not None:
                evaluations.append(evaluation)
    if hold is not None:
        highest = hold - 1 if highest is None else min(highest, hold - 1)
    evaluations.sort(key=lambda e: e.record_id)
    return evaluations, highest
