"""Dagster resources: Supabase (Postgres + optional REST) and the SQS job queue."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
from pydantic import Field

from directory_pipeline.queue import JobQueue
from directory_pipeline.queue.sqs import sqs_client
from directory_pipeline.store.database import Connection, connect
from directory_pipeline.store.jobs import JobStore


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


def _optional_env(name: str) -> dg.EnvVar | None:
    """An EnvVar for settings that may be absent: configured only when set at load time."""
    return dg.EnvVar(name) if os.environ.get(name) else None


def build_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "supabase": SupabaseResource(
            database_url=dg.EnvVar("DATABASE_URL"),
            url=_optional_env("SUPABASE_URL"),
            service_role_key=_optional_env("SUPABASE_SERVICE_ROLE_KEY"),
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
