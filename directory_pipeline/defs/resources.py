"""Dagster resources: Supabase (Postgres + optional REST) and the SQS job queue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field

from directory_pipeline.domain import Catalog, load_catalog
from directory_pipeline.health.policy import HealthPolicy
from directory_pipeline.queue import JobQueue
from directory_pipeline.queue.sqs import sqs_client
from directory_pipeline.store.alerts import AlertStore
from directory_pipeline.store.attempts import AttemptJournal
from directory_pipeline.store.claims import ClaimKind, advisory_claim
from directory_pipeline.store.directories import DirectoryStore
from directory_pipeline.store.directory_pace import PostgresDirectoryThrottle
from directory_pipeline.store.form_plans import PostgresPlanCache
from directory_pipeline.store.health import HealthStore
from directory_pipeline.store.jobs import JobStore
from directory_pipeline.store.presence import PresenceStore
from directory_pipeline.store.results import ResultStore
from directory_pipeline.store.verification_mails import VerificationMailStore

if TYPE_CHECKING:
    from directory_pipeline.browser.engine import SubmissionEngine
    from directory_pipeline.browser.shared_chromium import SharedChromium


class SupabaseResource(dg.ConfigurableResource):
    """Supabase: its Postgres database (jobs, results, the attempt journal, form plans,
    directories), handed out as typed stores, and its REST/Storage API through supabase-py
    when a project URL and service key are configured."""

    database_url: str = Field(description="Postgres DSN of the Supabase project (or any Postgres).")
    url: str | None = Field(default=None, description="Supabase project URL, for REST/Storage.")
    service_role_key: str | None = Field(default=None, description="Supabase service role key.")

    def jobs(
        self, *, connect_timeout: int = 10, statement_timeout_s: float | None = None
    ) -> JobStore:
        """Paid jobs as they arrive (`jobs`) and what staff read back (`job_results`)."""
        return JobStore(
            self.database_url,
            connect_timeout=connect_timeout,
            statement_timeout_s=statement_timeout_s,
        )

    def results(self) -> ResultStore:
        """Where runs write a job's progress, outcomes and status."""
        return ResultStore(self.database_url)

    def verification_mails(self) -> VerificationMailStore:
        """Every verification mail read, what it allowed and what acting on it showed."""
        return VerificationMailStore(self.database_url)

    def presence(self) -> PresenceStore:
        """Submitted listings followed until they are seen live (`listing_presence`)."""
        return PresenceStore(self.database_url)

    def alerts(self) -> AlertStore:
        """Fleet alerts, each recorded once and sent until delivered (`alerts`)."""
        return AlertStore(self.database_url)

    def attempts(self) -> AttemptJournal:
        """The attempt journal: an intent before every submit click, its result after."""
        return AttemptJournal(self.database_url)

    def plans(self) -> PostgresPlanCache:
        """Form plans cached per directory and form fingerprint."""
        return PostgresPlanCache(self.database_url)

    def directories(self) -> DirectoryStore:
        return DirectoryStore(self.database_url)

    def health(self) -> HealthStore:
        """Each directory's latest health record, and staff's re-enables."""
        return HealthStore(self.database_url)

    def directory_pace(self) -> PostgresDirectoryThrottle:
        """Politeness per directory across every worker and run."""
        return PostgresDirectoryThrottle(self.database_url)

    @contextmanager
    def claim(self, kind: ClaimKind, key: str) -> Iterator[bool]:
        """A claim across processes (see `store/claims.py`); yields whether it was got."""
        with advisory_claim(self.database_url, kind, key) as got:
            yield got

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
    """How patient the automation is with jobs and messages (whole numbers, so that a
    deployment can bind each to an environment variable)."""

    pending_grace_minutes: int = Field(
        default=10, ge=0, description="A pending job with no run this long is started."
    )
    stalled_minutes: int = Field(
        default=15, ge=0, description="An in-progress job idle this long with no run resumes."
    )
    redelivery_seconds: int = Field(
        default=10, ge=0, le=900, description="How long a kept SQS message stays hidden."
    )
    retention_days: int = Field(
        default=90, ge=0, description="Finished jobs older than this leave the live partitions."
    )


class HealthPolicyResource(dg.ConfigurableResource):
    """The thresholds directory health is judged by (whole numbers, so that a deployment can
    bind each to an environment variable; `policy()` validates them when a run uses them)."""

    recent_attempts: int = Field(
        default=10, ge=0, description="Attempts in the recent window judged against the baseline."
    )
    warn_rate_drop_percent: int = Field(
        default=25, ge=0, le=100, description="Success-rate drop below the baseline that warns."
    )
    error_rate_drop_percent: int = Field(
        default=50, ge=0, le=100, description="Success-rate drop that holds the directory."
    )
    warn_unreliable_streak: int = Field(
        default=2, ge=0, description="Latest attempts in a row with 5xx/timeouts that warn."
    )
    error_unreliable_streak: int = Field(
        default=3, ge=0, description="Latest attempts in a row with 5xx/timeouts that hold it."
    )

    def policy(self) -> HealthPolicy:
        return HealthPolicy(
            recent_attempts=self.recent_attempts,
            warn_rate_drop=self.warn_rate_drop_percent / 100,
            error_rate_drop=self.error_rate_drop_percent / 100,
            warn_unreliable_streak=self.warn_unreliable_streak,
            error_unreliable_streak=self.error_unreliable_streak,
        )


class SubmissionEngineResource(dg.ConfigurableResource):
    """How submissions run: the browser, the evidence root, the LLM endpoint for the last
    mapping layer, and how many directories of one job are worked on at once (each in its
    own context of the run's one Chromium)."""

    evidence_root: str = Field(description="Local folder or s3://bucket/prefix for evidence.")
    chromium_executable_path: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_seconds: int = Field(
        default=60, ge=0, description="Time budget of one LLM mapping call (0: no LLM layer)."
    )
    crewai_storage_dir: str | None = None
    max_parallel: int = Field(
        default=4,
        ge=0,
        le=8,
        description="Directories of one job worked on at once (1-8; see benchmarks/throughput).",
    )
    verification_address: str | None = Field(
        default=None,
        description="The shop's mailbox for directories' verification mail; each submission "
        "gives its own plus-address of it (listings+<job>.<directory>@...). Empty: the "
        "profile's own e-mail is given and verification mail is not read.",
    )

    def engine_factory(
        self, supabase: SupabaseResource, browser: SharedChromium | None = None
    ) -> Callable[[], SubmissionEngine]:
        """Builds one engine per worker, its journal, plans and pace in `supabase`, its pages
        in `browser` (the run's one Chromium) when given."""
        from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine
        from directory_pipeline.browser.evidence import evidence_store

        classifier = None
        if self.llm_base_url and self.llm_model and self.llm_timeout_seconds:
            from directory_pipeline.forms.llm import LlmFieldClassifier

            classifier = LlmFieldClassifier(
                self.llm_base_url,
                self.llm_model,
                self.llm_api_key or None,
                storage_dir=self.crewai_storage_dir or None,
                timeout_s=float(self.llm_timeout_seconds),
            )
        throttle = supabase.directory_pace()

        def make() -> SubmissionEngine:
            return SubmissionEngine(
                evidence_store(self.evidence_root),
                config=EngineConfig(
                    chromium_executable_path=self.chromium_executable_path or None,
                    verification_address=self.verification_address or None,
                ),
                journal=supabase.attempts(),
                cache=supabase.plans(),
                classifier=classifier,
                throttle=throttle,
                shared_browser=browser,
            )

        return make


class AnalyticsResource(dg.ConfigurableResource):
    """Where the analyst tables (Parquet) live."""

    root: str = Field(description="Folder of the analyst tables.")

    @property
    def path(self) -> Path:
        return Path(self.root)
