"""Fixtures for the orchestration tests: resources pointing at real peers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    HealthPolicyResource,
    JobPolicyResource,
    SqsResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.sandbox import SandboxServer, write_sandbox_catalog


@pytest.fixture
def dagster_env(
    stack_env: dict[str, str],
    sandbox_server: SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Any]:
    # The product sees the sandbox sites as the local stack shows them: in a catalog file.
    catalog = write_sandbox_catalog(tmp_path / "catalog.yaml", sandbox_server.port)
    monkeypatch.setenv("DIRECTORY_CATALOG", str(catalog))  # for the CLI (`enqueue`)
    httpx.post(
        f"{sandbox_server.url}/__sandbox/reset", json={"knobs": True}, timeout=10
    ).raise_for_status()
    supabase = SupabaseResource(database_url=stack_env["DATABASE_URL"])
    resources = {
        "supabase": supabase,
        "sqs": SqsResource(
            queue_url=stack_env["SQS_QUEUE_URL"],
            dlq_url=stack_env["SQS_DLQ_URL"],
            endpoint_url=stack_env["SQS_ENDPOINT_URL"],
            access_key_id="local",
            secret_access_key="local",
        ),
        "engine": SubmissionEngineResource(
            evidence_root=str(tmp_path / "evidence"), max_parallel=2
        ),
        "analytics": AnalyticsResource(root=str(tmp_path / "analytics")),
        "catalog": CatalogResource(path=str(catalog)),
        # the next tick sees kept messages; a pending job is started at once
        "policy": JobPolicyResource(redelivery_seconds=0, pending_grace_minutes=0),
        "health_policy": HealthPolicyResource(),
    }
    return {"resources": resources, "dsn": stack_env["DATABASE_URL"], "tmp": tmp_path}
