"""Dagster resources: Supabase (Postgres + optional REST) and the SQS job queue."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field

from directory_pipeline.domain import Catalog, load_catalog
from directory_pipeline.queue import JobQueue
from directory_pipeline.queue.sqs import sqs_client
from directory_pipeline.store.database import Connection, connect
from directory_pipeline.store.directory_pace import PostgresDirectoryThrottle
from directory_pipeline.store.jobs import JobStore

if TYPE_CHECKING:
    from directory_pipeline.browser.engine import SubmissionEngine


class SupabaseResource(dg.ConfigurableResource):
    """Supabase: its Postgres database for jobs, results and plans (the main path), and its
    REST/Storage API through supabase-py when a project URL and service key are configured."""

    database_url: str = Field(description="Postgres DSN of the Supabase project (or any Postgres).")
    url: str | None = Field(default=None, description="Supabase project URL, for REST/Storage.")
    service_role_key: str | None = Field(default=None, description="Supabase service role key.")

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with connect(self.database_url) as conn:
            yield conn

    def jobs(self) -> JobStore:
        return JobStore(self.database_url)

    def rest_client(self) -> Any:
        """A supabase-py client; raises when URL and key are not both configured."""
        if not (self.url and self.service_role_key):
            raise dg.DagsterInvariantViolationError(
                "Supabase REST/Storage needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"
            )
        from supabase import create_client

        return create_client(self.url, self.service_role_key)


class SqsResource(dg.ConfigurableResource):
    """The SQS queue paid jobs arrive on, and its dead-letter queue. `endpoint_url` points
    at a local SQS API in development and is left unset for AWS."""

    queue_url: str = Field(description="URL of the job queue.")
    dlq_url: str = Field(description="URL of the dead-letter queue.")
    endpoint_url: str | None = Field(default=None, description="SQS endpoint; unset for AWS.")
    region_name: str = Field(default="us-east-1")
    access_key_id: str | None = Field(default=None, description="Only for a local SQS API.")
    secret_access_key: str | None = Field(default=None, description="Only for a local SQS API.")

    def job_queue(self) -> JobQueue:
        client = sqs_client(
            self.region_name, self.endpoint_url, self.access_key_id, self.secret_access_key
        )
        return JobQueue(client, self.queue_url, self.dlq_url)


class CatalogResource(dg.ConfigurableResource):
    """The directory catalog every asset and sensor works from: the file at `path`
    (`DIRECTORY_CATALOG`; the local stack writes one with its sandbox sites), else the
    catalog shipped with the code."""

    path: str | None = Field(default=None, description="A catalog YAML file; unset: shipped.")

    def catalog(self) -> Catalog:
        return load_catalog(Path(self.path) if self.path else None)

    def slugs(self) -> list[str]:
        return [d.slug for d in self.catalog().directories]


class JobPolicyResource(dg.ConfigurableResource):
    """How patient the automation is with jobs and messages."""

    pending_grace_minutes: float = Field(
        default=10.0, ge=0, description="A pending job with no run this long is started."
    )
    stalled_minutes: float = Field(
        default=15.0, ge=0, description="An in-progress job idle this long with no run resumes."
    )
    redelivery_seconds: int = Field(
        default=10, ge=0, le=900, description="How long a kept SQS message stays hidden."
    )
    retention_days: int = Field(
        default=90, ge=1, description="Finished jobs older than this leave the live partitions."
    )


def _optional_env(name: str) -> dg.EnvVar | None:
    """An EnvVar for settings that may be absent: configured only when set at load time."""
    return dg.EnvVar(name) if os.environ.get(name) else None


def build_resources() -> dict[str, dg.ConfigurableResource]:
    state_dir = Path(os.environ.get("DIRECTORY_PIPELINE_STATE_DIR", ".local"))
    return {
        "engine": SubmissionEngineResource(
            evidence_root=os.environ.get("EVIDENCE_ROOT", str(state_dir / "evidence")),
            chromium_executable_path=_optional_env("CHROMIUM_EXECUTABLE_PATH"),
            llm_base_url=_optional_env("LLM_BASE_URL"),
            llm_model=_optional_env("LLM_MODEL"),
            llm_api_key=_optional_env("LLM_API_KEY"),
            llm_timeout_s=float(os.environ.get("LLM_TIMEOUT_SECONDS", "60")),
            crewai_storage_dir=str(state_dir / "crewai"),
            max_parallel=int(os.environ.get("SUBMISSION_PARALLELISM", "2")),
        ),
        "analytics": AnalyticsResource(
            root=os.environ.get("ANALYTICS_ROOT", str(state_dir / "analytics"))
        ),
        "supabase": SupabaseResource(
            database_url=dg.EnvVar("DATABASE_URL"),
            url=_optional_env("SUPABASE_URL"),
            service_role_key=_optional_env("SUPABASE_SERVICE_ROLE_KEY"),
        ),
        "catalog": CatalogResource(path=_optional_env("DIRECTORY_CATALOG")),
        "policy": JobPolicyResource(
            pending_grace_minutes=float(os.environ.get("PENDING_JOB_GRACE_MINUTES", "10")),
            stalled_minutes=float(os.environ.get("STALLED_JOB_MINUTES", "15")),
            redelivery_seconds=int(os.environ.get("SQS_REDELIVERY_SECONDS", "10")),
            retention_days=int(os.environ.get("JOB_PARTITION_RETENTION_DAYS", "90")),
        ),
        "sqs": SqsResource(
            queue_url=dg.EnvVar("SQS_QUEUE_URL"),
            dlq_url=dg.EnvVar("SQS_DLQ_URL"),
            endpoint_url=_optional_env("SQS_ENDPOINT_URL"),
            region_name=os.environ.get("AWS_REGION", "us-east-1"),
            access_key_id=_optional_env("AWS_ACCESS_KEY_ID"),
            secret_access_key=_optional_env("AWS_SECRET_ACCESS_KEY"),
        ),
    }


class SubmissionEngineResource(dg.ConfigurableResource):
    """How submissions run: the browser, the evidence root, the LLM endpoint for the last
    mapping layer, and how many directories of one job are worked on at once (one Chromium
    per worker)."""

    evidence_root: str = Field(description="Local folder or s3://bucket/prefix for evidence.")
    chromium_executable_path: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(
        default=60.0, gt=0, description="Time budget of one LLM mapping call, in seconds."
    )
    crewai_storage_dir: str | None = None
    max_parallel: int = Field(default=2, ge=1, le=8)

    def engine_factory(self, database_url: str) -> Callable[[], SubmissionEngine]:
        from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine
        from directory_pipeline.browser.evidence import evidence_store
        from directory_pipeline.store.attempts import AttemptJournal
        from directory_pipeline.store.form_plans import PostgresPlanCache

        classifier = None
        if self.llm_base_url and self.llm_model:
            from directory_pipeline.forms.llm import LlmFieldClassifier

            classifier = LlmFieldClassifier(
                self.llm_base_url,
                self.llm_model,
                self.llm_api_key,
                storage_dir=self.crewai_storage_dir,
                timeout_s=self.llm_timeout_s,
            )
        throttle = PostgresDirectoryThrottle(database_url)

        def make() -> SubmissionEngine:
            return SubmissionEngine(
                evidence_store(self.evidence_root),
                config=EngineConfig(chromium_executable_path=self.chromium_executable_path),
                journal=AttemptJournal(database_url),
                cache=PostgresPlanCache(database_url),
                classifier=classifier,
                throttle=throttle,
            )

        return make


class AnalyticsResource(dg.ConfigurableResource):
    """Where the analyst tables (Parquet) live."""

    root: str = Field(description="Folder of the analyst tables.")

    @property
    def path(self) -> Path:
        return Path(self.root)
