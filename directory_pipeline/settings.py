"""Runtime settings: environment variables first, then the running local stack's state file.

In production everything comes from the environment (AWS SQS, Supabase). Locally,
`directory-pipeline dev` writes `<state_dir>/stack.json` and every other command reads it,
so `enqueue`, `status` and `doctor` find the stack without any exports.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from directory_pipeline.state_dir import resolve_state_dir

STACK_FILE = "stack.json"

# Setting name -> environment variable. The names are the ones Dagster resources read too.
ENV_VARS: dict[str, str] = {
    "database_url": "DATABASE_URL",
    "sqs_queue_url": "SQS_QUEUE_URL",
    "sqs_dlq_url": "SQS_DLQ_URL",
    "sqs_endpoint_url": "SQS_ENDPOINT_URL",
    "aws_region": "AWS_REGION",
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "supabase_url": "SUPABASE_URL",
    "supabase_service_role_key": "SUPABASE_SERVICE_ROLE_KEY",
    "chromium_executable_path": "CHROMIUM_EXECUTABLE_PATH",
    "llm_base_url": "LLM_BASE_URL",
    "llm_model": "LLM_MODEL",
    "llm_api_key": "LLM_API_KEY",
    "llm_timeout_s": "LLM_TIMEOUT_SECONDS",
    "evidence_root": "EVIDENCE_ROOT",
    "catalog_path": "DIRECTORY_CATALOG",
    "analytics_root": "ANALYTICS_ROOT",
    "submission_parallelism": "SUBMISSION_PARALLELISM",
    "verification_address": "VERIFICATION_ADDRESS",
    "alert_webhook_url": "ALERT_WEBHOOK_URL",
    "pending_job_grace_minutes": "PENDING_JOB_GRACE_MINUTES",
    "stalled_job_minutes": "STALLED_JOB_MINUTES",
    "sqs_redelivery_seconds": "SQS_REDELIVERY_SECONDS",
    "job_partition_retention_days": "JOB_PARTITION_RETENTION_DAYS",
    "deployment": "DIRECTORY_PIPELINE_DEPLOYMENT",
    "dagster_home": "DAGSTER_HOME",
    "dagster_webserver_url": "DAGSTER_WEBSERVER_URL",
}


class Settings(BaseModel):
    """Where the database, queues, browser and LLM are. Unset means "not configured"."""

    model_config = ConfigDict(frozen=True)

    state_dir: Path
    database_url: str | None = None
    sqs_queue_url: str | None = None
    sqs_dlq_url: str | None = None
    sqs_endpoint_url: str | None = None
    aws_region: str = "us-east-1"
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    supabase_url: str | None = None
    supabase_service_role_key: str | None = None
    chromium_executable_path: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 60.0  # per mapping call; fields left unanswered stay unmapped
    evidence_root: str | None = None
    catalog_path: Path | None = None
    analytics_root: str | None = None
    submission_parallelism: int = 4
    verification_address: str | None = None  # the shop's mailbox for verification mail
    alert_webhook_url: str | None = None  # Slack-compatible webhook for fleet alerts
    pending_job_grace_minutes: int = 10
    stalled_job_minutes: int = 15
    sqs_redelivery_seconds: int = 10
    job_partition_retention_days: int = 90
    deployment: str | None = None  # which resource set the code location uses
    dagster_home: str | None = None
    dagster_webserver_url: str | None = None

    def require(self, *names: str) -> None:
        """Raise a clear error naming the missing settings and where they would come from."""
        missing = [n for n in names if getattr(self, n) in (None, "")]
        if missing:
            wanted = ", ".join(f"{ENV_VARS[n]}" for n in missing)
            raise MissingSettingError(
                f"not configured: {wanted}. Set them, or start the local stack with "
                f"`directory-pipeline dev` (state dir {self.state_dir})."
            )

    def as_env(self) -> dict[str, str]:
        """The settings as environment variables, for processes the local stack starts."""
        env = {
            ENV_VARS[name]: str(value)
            for name, value in self.model_dump(exclude={"state_dir"}).items()
            if value not in (None, "")
        }
        env["DIRECTORY_PIPELINE_STATE_DIR"] = str(self.state_dir)
        return env


TUNING = (
    "submission_parallelism",
    "pending_job_grace_minutes",
    "stalled_job_minutes",
    "sqs_redelivery_seconds",
    "job_partition_retention_days",
)


def tuning_from_environment() -> dict[str, str]:
    """The tuning settings set in the environment (the local stack keeps them)."""
    return {n: os.environ[ENV_VARS[n]] for n in TUNING if os.environ.get(ENV_VARS[n])}


class MissingSettingError(RuntimeError):
    """A command needs a setting that neither the environment nor the local stack provides."""


def stack_file(state_dir: Path) -> Path:
    return state_dir / STACK_FILE


def load_settings(state_dir: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from the environment, falling back to the local stack's state file."""
    resolved = resolve_state_dir(state_dir)
    values: dict[str, object] = {}
    path = stack_file(resolved)
    if path.exists():
        values.update(json.loads(path.read_text()).get("settings", {}))
    for name, env_var in ENV_VARS.items():
        if os.environ.get(env_var):
            values[name] = os.environ[env_var]
    return Settings(state_dir=resolved, **values)  # type: ignore[arg-type]
