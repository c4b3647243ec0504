"""The directory_pipeline code location.

`DIRECTORY_PIPELINE_DEPLOYMENT` picks the resource set: `production` (the default; every
setting an environment variable resolved at run time) or `local` (the running local stack's
state file, which `directory-pipeline dev` sets for the processes it starts).
"""

import os

import dagster as dg

from directory_pipeline.defs.alerts import fleet_alerts_sensor
from directory_pipeline.defs.analytics import (
    directory_success_rates,
    job_summaries,
    live_rate_chart,
    live_rates,
    outcome_mix_chart,
    submission_time_chart,
    success_rate_chart,
    success_rate_history_chart,
    time_to_submission_chart,
)
from directory_pipeline.defs.automation import fleet_automation
from directory_pipeline.defs.checks import repair_job_results
from directory_pipeline.defs.directory_catalog import (
    directory_catalog,
    directory_catalog_sensor,
    refresh_directory_catalog,
)
from directory_pipeline.defs.health import (
    directory_health,
    directory_health_checks,
    fleet_health,
    reenable_directory,
)
from directory_pipeline.defs.job_lifecycle import (
    cancelled_job_run_sensor,
    failed_job_run_sensor,
    stalled_jobs_sensor,
)
from directory_pipeline.defs.presence import (
    follow_listings,
    listing_presence,
    listing_presence_sensor,
)
from directory_pipeline.defs.resource_sets import (
    DEPLOYMENT_VARIABLE,
    Deployment,
    local_resources,
    production_resources,
)
from directory_pipeline.defs.retention import nightly_partition_retention, partition_retention
from directory_pipeline.defs.sensors import pending_jobs_sensor, sqs_job_sensor
from directory_pipeline.defs.submissions import (
    listing_submission,
    paid_job,
    resubmit_directory,
    submit_listings,
)
from directory_pipeline.defs.verification import verification_mail, verification_mail_sensor
from directory_pipeline.settings import load_settings


def resources_for(deployment: Deployment) -> dict[str, dg.ConfigurableResource]:
    if deployment is Deployment.LOCAL:
        return local_resources(load_settings())
    return production_resources()


DEPLOYMENT = Deployment(os.environ.get(DEPLOYMENT_VARIABLE) or Deployment.PRODUCTION)

defs = dg.Definitions(
    assets=[
        directory_catalog,
        paid_job,
        listing_submission,
        listing_presence,
        directory_success_rates,
        job_summaries,
        success_rate_chart,
        success_rate_history_chart,
        outcome_mix_chart,
        submission_time_chart,
        time_to_submission_chart,
        live_rates,
        live_rate_chart,
        directory_health,
        fleet_health,
    ],
    asset_checks=[directory_health_checks],
    jobs=[
        submit_listings,
        resubmit_directory,
        repair_job_results,
        refresh_directory_catalog,
        reenable_directory,
        partition_retention,
        verification_mail,
        follow_listings,
    ],
    sensors=[
        directory_catalog_sensor,
        fleet_automation,
        sqs_job_sensor,
        verification_mail_sensor,
        listing_presence_sensor,
        pending_jobs_sensor,
        stalled_jobs_sensor,
        failed_job_run_sensor,
        cancelled_job_run_sensor,
        fleet_alerts_sensor,
    ],
    schedules=[nightly_partition_retention],
    resources=resources_for(DEPLOYMENT),
    # Runs started by the automation sensor too: every step in the run's own process.
    executor=dg.in_process_executor,
)
