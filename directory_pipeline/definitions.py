"""The directory_pipeline code location."""

import dagster as dg

from directory_pipeline.defs.analytics import (
    directory_success_rates,
    job_summaries,
    success_rate_chart,
)
from directory_pipeline.defs.catalog import directory_catalog
from directory_pipeline.defs.checks import repair_job_results
from directory_pipeline.defs.job_lifecycle import (
    cancelled_job_run_sensor,
    failed_job_run_sensor,
    stalled_jobs_sensor,
)
from directory_pipeline.defs.resources import build_resources
from directory_pipeline.defs.retention import partition_retention_job, partition_retention_schedule
from directory_pipeline.defs.sensors import pending_jobs_sensor, sqs_job_sensor
from directory_pipeline.defs.submissions import (
    listing_submission,
    paid_job,
    resubmit_directory,
    submission_job,
)

defs = dg.Definitions(
    assets=[
        directory_catalog,
        paid_job,
        listing_submission,
        directory_success_rates,
        job_summaries,
        success_rate_chart,
    ],
    jobs=[submission_job, resubmit_directory, repair_job_results, partition_retention_job],
    sensors=[
        sqs_job_sensor,
        pending_jobs_sensor,
        stalled_jobs_sensor,
        failed_job_run_sensor,
        cancelled_job_run_sensor,
    ],
    schedules=[partition_retention_schedule],
    resources=build_resources(),
)
