"""How the derived assets stay fresh without anyone materializing them by hand.

Dagster's declarative automation evaluates these conditions on every tick of
`fleet_automation` and starts one run for everything due at once (every target here is
unpartitioned, so they share that run).
"""

import dagster as dg

PAID_JOB = dg.AssetKey("paid_job")

# A job's run reports its directories one by one while it works; the tables are rebuilt once
# that run has materialized `paid_job` (the job ended, or a staff re-run did), not after every
# directory: a run costs about 12 s of process start on 2 cores. The hourly tick picks up what
# changes outcomes between runs (a confirmation by e-mail, a listing seen live).
AFTER_EACH_JOB = (
    (
        dg.AutomationCondition.any_deps_updated().allow(dg.AssetSelection.assets(PAID_JOB))
        | dg.AutomationCondition.cron_tick_passed("0 * * * *")
    ).since_last_handled()
    & ~dg.AutomationCondition.in_progress()
).with_label("after each job, and hourly")

# Downstream tables and charts follow their inputs in the same run.
WITH_ITS_INPUTS = (
    (
        dg.AutomationCondition.any_deps_match(
            dg.AutomationCondition.will_be_requested() | dg.AutomationCondition.newly_updated()
        )
    ).since_last_handled()
    & ~dg.AutomationCondition.in_progress()
).with_label("when its inputs change")

fleet_automation = dg.AutomationConditionSensorDefinition(
    "fleet_automation",
    target=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description=(
        "Keeps the analyst tables, charts and directory health fresh: evaluates every "
        "asset's automation condition and starts one run for what is due."
    ),
)
