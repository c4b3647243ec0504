"""Health-check alerts: a (directory, check) evaluation that fails when the previous
evaluation of that pair did not. A check that stays red alerts once; red again after green
alerts again. The pairs currently red are the only memory this needs (the sensor keeps them
in its cursor)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from directory_pipeline.alerts.links import asset_url
from directory_pipeline.alerts.model import Alert, AlertKind, AlertSeverity
from directory_pipeline.health.verdicts import HEALTH_ASSET, HealthCheck

HEALTH_CHECKS = tuple(check.value for check in HealthCheck)


class CheckEvaluation(BaseModel):
    """One evaluation of a health check on one directory, as the event log holds it."""

    model_config = ConfigDict(frozen=True)

    record_id: int
    run_id: str
    check_name: str
    directory: str
    passed: bool
    severity: AlertSeverity
    summary: str = ""

    @property
    def pair(self) -> str:
        return f"{self.check_name}/{self.directory}"


def turned_red(
    failing: Iterable[str], evaluations: Sequence[CheckEvaluation]
) -> tuple[frozenset[str], list[CheckEvaluation]]:
    """Given the pairs red before and the new evaluations in the order they were logged:
    the pairs red after them, and the evaluations that turned a pair red."""
    red = set(failing)
    turned: list[CheckEvaluation] = []
    for evaluation in sorted(evaluations, key=lambda e: e.record_id):
        if evaluation.passed:
            red.discard(evaluation.pair)
        elif evaluation.pair not in red:
            red.add(evaluation.pair)
            turned.append(evaluation)
    return frozenset(red), turned


def health_alert(evaluation: CheckEvaluation, ui_url: str | None) -> Alert:
    summary = evaluation.summary.strip() or "The check gave no summary."
    return Alert(
        key=(
            f"{AlertKind.HEALTH_CHECK_FAILED.value}:{evaluation.directory}:"
            f"{evaluation.check_name}:{evaluation.record_id}"
        ),
        kind=AlertKind.HEALTH_CHECK_FAILED,
        severity=evaluation.severity,
        title=f"{evaluation.directory}: health check {evaluation.check_name} failed"[:150],
        text=summary[:2000],
        link=asset_url(
            ui_url, HEALTH_ASSET, partition=evaluation.directory, check=evaluation.check_name
        ),
        link_label="Open the check in Dagster",
    )
