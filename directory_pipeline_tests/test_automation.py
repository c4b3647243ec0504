"""Which derived assets the automation requests, and when: Dagster's own evaluator over
the real definitions on a temporary instance (the daemon runs the same evaluation in the
local stack test). The evaluator runs its own event loop, so each test runs in a thread
clear of the suite's Playwright loop."""

from __future__ import annotations

import dagster as dg

from directory_pipeline.definitions import defs
from directory_pipeline.defs.partitions import DIRECTORIES, JOBS, submission_key
from directory_pipeline_tests.orchestration.flow import in_thread

AFTER_A_JOB = {
    "directory_success_rates",
    "job_summaries",
    "success_rate_chart",
    "success_rate_history_chart",
    "outcome_mix_chart",
    "submission_time_chart",
    "time_to_submission_chart",
    "fleet_health",
}
HEALTH_CHECKS = {"form_still_mapped", "success_rate_holds", "answers_reliably"}


def _requested(result: dg.AutomationResult) -> tuple[set[str], set[str]]:
    assets: set[str] = set()
    checks: set[str] = set()
    for item in result.results:
        if not item.true_subset.size:
            continue
        if isinstance(item.key, dg.AssetCheckKey):
            checks.add(item.key.name)
        else:
            assets.add(item.key.to_user_string())
    return assets, checks


def test_a_finished_job_refreshes_tables_charts_and_health_in_one_evaluation() -> None:
    in_thread(_a_finished_job_refreshes_tables_charts_and_health_in_one_evaluation)


def test_listings_seen_live_refresh_the_live_rates_and_their_chart() -> None:
    in_thread(_listings_seen_live_refresh_the_live_rates_and_their_chart)


def _a_finished_job_refreshes_tables_charts_and_health_in_one_evaluation() -> None:
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(JOBS, ["job-1"])
    instance.add_dynamic_partitions(DIRECTORIES, ["a", "b"])

    first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert _requested(first) == (set(), set())

    # a run reporting directories while it works: nothing yet (a run per tick would be waste)
    instance.report_runless_asset_event(
        dg.AssetMaterialization("listing_submission", partition=submission_key("job-1", "a"))
    )
    working = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    assert _requested(working) == (set(), set())

    # the job's run ends: everything derived from outcomes is due, checks with the health
    instance.report_runless_asset_event(dg.AssetMaterialization("paid_job", partition="job-1"))
    ended = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=working.cursor)
    assets, checks = _requested(ended)
    assert assets == AFTER_A_JOB
    assert checks == HEALTH_CHECKS

    # requested once: the next tick does not ask again
    again = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=ended.cursor)
    assert _requested(again) == (set(), set())


def _listings_seen_live_refresh_the_live_rates_and_their_chart() -> None:
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(JOBS, ["job-1"])
    instance.add_dynamic_partitions(DIRECTORIES, ["a"])
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    instance.report_runless_asset_event(
        dg.AssetMaterialization("listing_presence", partition=submission_key("job-1", "a"))
    )
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    assert _requested(result)[0] == {"live_rates", "live_rate_chart"}
