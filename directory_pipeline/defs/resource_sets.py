"""The two sets of resources the code location can run with, picked in `definitions.py`.

- **production**: every setting bound with `dg.EnvVar`, resolved when a run or sensor tick
  starts, never decided at load. The deployment defines every variable in
  `PRODUCTION_VARIABLES`; an optional one is set empty (the image declares the defaults).
- **local**: the values of the running local stack, read from its state file (and the
  environment, which overrides it), as `directory-pipeline dev` wrote them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import dagster as dg

from directory_pipeline.defs.alerts import AlertWebhookResource
from directory_pipeline.defs.presence import PresenceResource
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    HealthPolicyResource,
    JobPolicyResource,
    SqsResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.defs.verification import VerificationMailResource
from directory_pipeline.settings import Settings

DEPLOYMENT_VARIABLE = "DIRECTORY_PIPELINE_DEPLOYMENT"


class Deployment(StrEnum):
    PRODUCTION = "production"
    LOCAL = "local"


# Every environment variable the production set reads; "" means "not configured" for the
# optional ones (their defaults are declared in the Dockerfile and docs/deploy/environment.md).
PRODUCTION_VARIABLES: dict[str, str] = {
    "DATABASE_URL": "Postgres DSN of the Supabase project",
    "SUPABASE_URL": "optional: Supabase project URL, for REST/Storage",
    "SUPABASE_SERVICE_ROLE_KEY": "optional: Supabase service role key",
    "SQS_QUEUE_URL": "the job queue",
    "SQS_DLQ_URL": "the dead-letter queue",
    "SQS_ENDPOINT_URL": "optional: empty for AWS",
    "AWS_REGION": "the queue's region",
    "AWS_ACCESS_KEY_ID": "optional: empty for the instance role",
    "AWS_SECRET_ACCESS_KEY": "optional: empty for the instance role",
    "DIRECTORY_CATALOG": "optional: a catalog YAML file; empty for the shipped catalog",
    "EVIDENCE_ROOT": "folder or s3://bucket/prefix for evidence",
    "ANALYTICS_ROOT": "folder of the analyst tables",
    "CHROMIUM_EXECUTABLE_PATH": "optional: the Chromium binary",
    "LLM_BASE_URL": "optional: OpenAI-compatible endpoint of the last mapping layer",
    "LLM_MODEL": "optional: the model name at that endpoint",
    "LLM_API_KEY": "optional: its key",
    "LLM_TIMEOUT_SECONDS": "time budget of one LLM mapping call",
    "CREWAI_STORAGE_DIR": "optional: where CrewAI keeps its files",
    "SUBMISSION_PARALLELISM": "directories of one job worked on at once",
    "VERIFICATION_ADDRESS": "optional: the shop's mailbox for directories' verification mail",
    "VERIFICATION_MAILDIR": "optional: a Maildir folder of that mailbox, instead of IMAP",
    "VERIFICATION_IMAP_HOST": "optional: IMAP server of that mailbox",
    "VERIFICATION_IMAP_USER": "optional: its login (default: the address)",
    "VERIFICATION_IMAP_PASSWORD": "optional: its password",
    "VERIFICATION_IMAP_FOLDER": "the folder verification mail arrives in",
    "PENDING_JOB_GRACE_MINUTES": "a pending job with no run this long is started",
    "STALLED_JOB_MINUTES": "an in-progress job idle this long with no run resumes",
    "SQS_REDELIVERY_SECONDS": "how long a kept SQS message stays hidden",
    "JOB_PARTITION_RETENTION_DAYS": "finished jobs older than this leave the live partitions",
    "PRESENCE_CHECKS_PER_RUN": "submitted listings one follow_listings run checks at most",
    "PRESENCE_PAGE_TIMEOUT_SECONDS": "time budget of one page load while looking for a listing",
    "ALERT_WEBHOOK_URL": "optional: Slack-compatible webhook alerts are posted to",
    "DAGSTER_UI_URL": "optional: the Dagster UI's address staff open, for alert links",
    "HEALTH_RECENT_ATTEMPTS": "a directory's recent attempts judged against its baseline",
    "HEALTH_WARN_RATE_DROP_PERCENT": "success-rate drop below the baseline that warns",
    "HEALTH_ERROR_RATE_DROP_PERCENT": "success-rate drop that holds a directory from new jobs",
    "HEALTH_WARN_UNRELIABLE_STREAK": "attempts in a row with 5xx/timeouts that warn",
    "HEALTH_ERROR_UNRELIABLE_STREAK": "attempts in a row with 5xx/timeouts that hold a directory",
}


def production_resources() -> dict[str, dg.ConfigurableResource]:
    env, number = dg.EnvVar, dg.EnvVar.int
    supabase = SupabaseResource(
        database_url=env("DATABASE_URL"),
        url=env("SUPABASE_URL"),
        service_role_key=env("SUPABASE_SERVICE_ROLE_KEY"),
    )
    return {
        "supabase": supabase,
        "sqs": SqsResource(
            queue_url=env("SQS_QUEUE_URL"),
            dlq_url=env("SQS_DLQ_URL"),
            endpoint_url=env("SQS_ENDPOINT_URL"),
            region_name=env("AWS_REGION"),
            access_key_id=env("AWS_ACCESS_KEY_ID"),
            secret_access_key=env("AWS_SECRET_ACCESS_KEY"),
        ),
        "catalog": CatalogResource(path=env("DIRECTORY_CATALOG")),
        "engine": SubmissionEngineResource(
            evidence_root=env("EVIDENCE_ROOT"),
            chromium_executable_path=env("CHROMIUM_EXECUTABLE_PATH"),
            llm_base_url=env("LLM_BASE_URL"),
            llm_model=env("LLM_MODEL"),
            llm_api_key=env("LLM_API_KEY"),
            llm_timeout_seconds=number("LLM_TIMEOUT_SECONDS"),
            crewai_storage_dir=env("CREWAI_STORAGE_DIR"),
            max_parallel=number("SUBMISSION_PARALLELISM"),
            verification_address=env("VERIFICATION_ADDRESS"),
        ),
        "analytics": AnalyticsResource(root=env("ANALYTICS_ROOT")),
        "mail": VerificationMailResource(
            address=env("VERIFICATION_ADDRESS"),
            maildir=env("VERIFICATION_MAILDIR"),
            imap_host=env("VERIFICATION_IMAP_HOST"),
            imap_user=env("VERIFICATION_IMAP_USER"),
            imap_password=env("VERIFICATION_IMAP_PASSWORD"),
            imap_folder=env("VERIFICATION_IMAP_FOLDER"),
        ),
        "policy": JobPolicyResource(
            pending_grace_minutes=number("PENDING_JOB_GRACE_MINUTES"),
            stalled_minutes=number("STALLED_JOB_MINUTES"),
            redelivery_seconds=number("SQS_REDELIVERY_SECONDS"),
            retention_days=number("JOB_PARTITION_RETENTION_DAYS"),
        ),
        "presence": PresenceResource(
            checks_per_run=number("PRESENCE_CHECKS_PER_RUN"),
            page_timeout_seconds=number("PRESENCE_PAGE_TIMEOUT_SECONDS"),
        ),
        "alerts": AlertWebhookResource(
            webhook_url=env("ALERT_WEBHOOK_URL"), dagster_ui_url=env("DAGSTER_UI_URL")
        ),
        "health_policy": HealthPolicyResource(
            recent_attempts=number("HEALTH_RECENT_ATTEMPTS"),
            warn_rate_drop_percent=number("HEALTH_WARN_RATE_DROP_PERCENT"),
            error_rate_drop_percent=number("HEALTH_ERROR_RATE_DROP_PERCENT"),
            warn_unreliable_streak=number("HEALTH_WARN_UNRELIABLE_STREAK"),
            error_unreliable_streak=number("HEALTH_ERROR_UNRELIABLE_STREAK"),
        ),
    }


def local_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The local stack's resources. A stack that is not running leaves its settings unset;
    the resources are still built (so the UI loads), with placeholders a run would refuse."""
    state_dir = Path(settings.state_dir)
    unset = "not-configured:start-the-local-stack"
    supabase = SupabaseResource(
        database_url=settings.database_url or unset,
        url=settings.supabase_url,
        service_role_key=settings.supabase_service_role_key,
    )
    return {
        "supabase": supabase,
        "sqs": SqsResource(
            queue_url=settings.sqs_queue_url or unset,
            dlq_url=settings.sqs_dlq_url or unset,
            endpoint_url=settings.sqs_endpoint_url,
            region_name=settings.aws_region,
            access_key_id=settings.aws_access_key_id,
            secret_access_key=settings.aws_secret_access_key,
        ),
        "catalog": CatalogResource(
            path=str(settings.catalog_path) if settings.catalog_path else None
        ),
        "engine": SubmissionEngineResource(
            evidence_root=settings.evidence_root or str(state_dir / "evidence"),
            chromium_executable_path=settings.chromium_executable_path,
            llm_base_url=settings.llm_base_url,
            llm_model=settings.llm_model,
            llm_api_key=settings.llm_api_key,
            llm_timeout_seconds=round(settings.llm_timeout_s),
            crewai_storage_dir=str(state_dir / "crewai"),
            max_parallel=settings.submission_parallelism,
            verification_address=settings.verification_address,
        ),
        "analytics": AnalyticsResource(
            root=settings.analytics_root or str(state_dir / "analytics")
        ),
        "mail": VerificationMailResource(
            address=settings.verification_address, maildir=str(state_dir / "mail")
        ),
        "policy": JobPolicyResource(
            pending_grace_minutes=settings.pending_job_grace_minutes,
            stalled_minutes=settings.stalled_job_minutes,
            redelivery_seconds=settings.sqs_redelivery_seconds,
            retention_days=settings.job_partition_retention_days,
        ),
        "presence": PresenceResource(),
        "alerts": AlertWebhookResource(
            webhook_url=settings.alert_webhook_url or "",
            dagster_ui_url=settings.dagster_webserver_url or "",
        ),
        "health_policy": HealthPolicyResource(),
    }
