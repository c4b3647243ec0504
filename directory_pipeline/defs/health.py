"""Directory health: a record per directory, checks that judge it, and staff's re-enable.

`fleet_health` is the one writer: after each job it recomputes every directory's health from
the recorded outcomes, stores it, and reports each directory as a `directory_health`
partition. `directory_health_checks` then reads those records and reports, per directory,
the verdicts of `health/verdicts.py`; new jobs skip a directory with an `error` verdict
(`health/holds.py`) until staff run `reenable_directory`.
"""

import datetime as dt
from typing import Any

import dagster as dg
import pandas as pd

from directory_pipeline.analytics.outcome_files import query_outcomes
from directory_pipeline.defs.automation import AFTER_EACH_JOB, WITH_ITS_INPUTS
from directory_pipeline.defs.partitions import DIRECTORIES, directories_partitions
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    HealthPolicyResource,
    SupabaseResource,
)
from directory_pipeline.defs.submissions import listing_submission, paid_job
from directory_pipeline.health.holds import held_directories
from directory_pipeline.health.metrics import DirectoryHealth, health_of
from directory_pipeline.health.policy import HealthPolicy
from directory_pipeline.health.verdicts import (
    HEALTH_ASSET,
    HealthCheck,
    Severity,
    Verdict,
    judge,
)

directory_health = dg.AssetSpec(
    key=HEALTH_ASSET,
    partitions_def=directories_partitions,
    deps=[
        dg.AssetDep(
            listing_submission,
            partition_mapping=dg.MultiToSingleDimensionPartitionMapping(
                partition_dimension_name="directory"
            ),
        )
    ],
    group_name="fleet",
    kinds={"postgres"},
    description=(
        "One directory's health: success rate over its recent attempts, the last 30 days and "
        "its own baseline, outcome mix, median time per submission, last error, form "
        "fingerprint and when it last changed, plan-cache hit rate. Reported by "
        "`fleet_health` (its only writer); its checks say whether the directory still works."
    ),
)


def _verdict_cell(verdicts: list[Verdict]) -> str:
    worst = [v for v in verdicts if not v.passed]
    if not worst:
        return "ok"
    return ", ".join(f"{v.severity.value}: {v.check.value}" for v in worst)


def health_metadata(record: DirectoryHealth) -> dict[str, Any]:
    """What one directory's partition shows in the UI."""

    def rate(value: float | None) -> dg.MetadataValue:
        return dg.MetadataValue.text("-" if value is None else f"{value:.0%}")

    metadata: dict[str, Any] = {
        "attempts": dg.MetadataValue.int(record.attempts),
        "success_rate_recent": rate(record.success_rate_recent),
        "success_rate_30d": rate(record.success_rate_30d),
        "baseline_success_rate": rate(record.baseline_success_rate),
        "outcome_mix": dg.MetadataValue.json(record.outcome_mix),
        "median_duration_s": dg.MetadataValue.float(record.median_duration_s or 0.0),
        "plan_cache_hit_rate": rate(record.plan_cache_hit_rate),
        "form_fingerprint": dg.MetadataValue.text(record.form_fingerprint or "-"),
        "unreliable_streak": dg.MetadataValue.int(record.unreliable_streak),
    }
    if record.form_changed_at is not None:
        metadata["form_changed_at"] = dg.MetadataValue.timestamp(record.form_changed_at)
    if record.last_error:
        metadata["last_error"] = dg.MetadataValue.text(record.last_error)
    return metadata


_WORST_FIRST = [Severity.ERROR, Severity.WARN, Severity.OK]


def fleet_table(records: list[DirectoryHealth], policy: HealthPolicy) -> pd.DataFrame:
    """The fleet view: one row per directory, the broken ones first."""
    rows = []
    for record in records:
        verdicts = judge(record, policy)
        rows.append(
            {
                "directory_slug": record.directory_slug,
                "verdict": _verdict_cell(verdicts),
                "rank": min(_WORST_FIRST.index(v.severity) for v in verdicts),
                "attempts": record.attempts,
                "success_rate_recent": record.success_rate_recent,
                "success_rate_30d": record.success_rate_30d,
                "baseline_success_rate": record.baseline_success_rate,
                "median_duration_s": record.median_duration_s,
                "plan_cache_hit_rate": record.plan_cache_hit_rate,
                "form_changed_at": record.form_changed_at,
                "last_error": record.last_error,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["rank", "directory_slug"]).drop(columns="rank")


@dg.asset(
    deps=[listing_submission, paid_job],
    automation_condition=AFTER_EACH_JOB,
    group_name="fleet",
    kinds={"postgres", "parquet"},
    description=(
        "The fleet view: every directory's health in one table, the broken ones first. "
        "Recomputed after each job from the recorded outcomes; writes the "
        "`directory_health` table and reports each directory as a `directory_health` "
        "partition."
    ),
)
def fleet_health(
    context: dg.AssetExecutionContext,
    supabase: SupabaseResource,
    analytics: AnalyticsResource,
    catalog: CatalogResource,
    health_policy: HealthPolicyResource,
) -> dg.MaterializeResult:
    outcomes = query_outcomes(analytics.path, "select * from {outcomes}")
    if outcomes.empty:
        outcomes = pd.DataFrame(columns=pd.Index(["directory_slug", "status", "recorded_at"]))
    store = supabase.health()
    reenabled = store.reenabled_at()
    policy = health_policy.policy()
    now = dt.datetime.now(dt.UTC)
    slugs = list(dict.fromkeys([*catalog.slugs(), *outcomes["directory_slug"].astype(str)]))
    records = [
        health_of(
            slug,
            outcomes.loc[outcomes["directory_slug"] == slug],
            now=now,
            policy=policy,
            reenabled_at=reenabled.get(slug),
        )
        for slug in slugs
    ]
    store.write(records)
    partitions = set(context.instance.get_dynamic_partitions(DIRECTORIES))
    for record in records:
        if record.directory_slug in partitions:
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=directory_health.key,
                    partition=record.directory_slug,
                    metadata=health_metadata(record),
                )
            )
    table = fleet_table(records, policy)
    analytics.path.mkdir(parents=True, exist_ok=True)
    path = analytics.path / "fleet_health.parquet"
    table.to_parquet(path, index=False)
    held = held_directories({r.directory_slug: r for r in records}, reenabled, policy)
    return dg.MaterializeResult(
        metadata={
            "directories": dg.MetadataValue.int(len(records)),
            "held": dg.MetadataValue.json(sorted(held)),
            "path": dg.MetadataValue.path(str(path)),
            "fleet": dg.MetadataValue.md(
                str(table.to_markdown(index=False)) if not table.empty else "no directories"
            ),
        }
    )


_SEVERITY = {Severity.WARN: dg.AssetCheckSeverity.WARN, Severity.ERROR: dg.AssetCheckSeverity.ERROR}

HEALTH_CHECKS = [
    dg.AssetCheckSpec(
        check.value,
        asset=directory_health.key,
        description=check.description,
        additional_deps=[fleet_health],
        automation_condition=WITH_ITS_INPUTS,
    )
    for check in HealthCheck
]


@dg.multi_asset_check(
    specs=HEALTH_CHECKS,
    description="Judges each directory's latest health record; reports a verdict per directory.",
)
def directory_health_checks(
    context: dg.AssetCheckExecutionContext,
    supabase: SupabaseResource,
    health_policy: HealthPolicyResource,
) -> Any:
    """Read-only: each directory's verdicts are logged on its partition (warn or error);
    each check's own result names the directories failing it."""
    policy = health_policy.policy()
    failing: dict[HealthCheck, list[Verdict]] = {check: [] for check in HealthCheck}
    failing_slugs: dict[HealthCheck, list[str]] = {check: [] for check in HealthCheck}
    for slug, record in sorted(supabase.health().latest().items()):
        for verdict in judge(record, policy):
            # log_event takes check evaluations (one per partition) though its hint omits them
            context.op_execution_context.log_event(
                dg.AssetCheckEvaluation(  # pyright: ignore[reportArgumentType]
                    asset_key=directory_health.key,
                    check_name=verdict.check.value,
                    passed=verdict.passed,
                    partition=slug,
                    severity=_SEVERITY.get(verdict.severity, dg.AssetCheckSeverity.WARN),
                    description=verdict.summary,
                    metadata={
                        "summary": dg.MetadataValue.text(verdict.summary),
                        "severity": dg.MetadataValue.text(verdict.severity.value),
                    },
                )
            )
            if not verdict.passed:
                failing[verdict.check].append(verdict)
                failing_slugs[verdict.check].append(slug)
    for check in HealthCheck:
        verdicts = failing[check]
        errors = any(v.severity is Severity.ERROR for v in verdicts)
        yield dg.AssetCheckResult(
            asset_key=directory_health.key,
            check_name=check.value,
            passed=not verdicts,
            severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
            metadata={
                "failing": dg.MetadataValue.md(
                    "\n".join(
                        f"- **{slug}** ({v.severity.value}): {v.summary}"
                        for slug, v in zip(failing_slugs[check], verdicts, strict=True)
                    )
                    or "none"
                )
            },
        )


class ReenableConfig(dg.Config):
    directory: str
    """The slug of the held directory new jobs may try again."""
    note: str = ""
    """Why (what was fixed), for the record."""


@dg.op(description="Records that staff re-enabled a directory held by its health checks.")
def directory_reenabled(
    context: dg.OpExecutionContext,
    config: ReenableConfig,
    supabase: SupabaseResource,
    catalog: CatalogResource,
) -> None:
    if config.directory not in catalog.slugs():
        raise dg.Failure(description=f"{config.directory!r} is not a directory of the catalog")
    by = context.run.tags.get("dagster/user", "staff")
    at = supabase.health().reenable(config.directory, by=by, note=config.note)
    context.log.info(f"{config.directory} re-enabled at {at:%Y-%m-%d %H:%M:%S} UTC by {by}")


@dg.job(
    description=(
        "Staff re-enable a directory its health checks hold: new jobs submit to it again, and "
        "only attempts after this count against it."
    ),
    executor_def=dg.in_process_executor,
)
def reenable_directory() -> None:
    directory_reenabled()
