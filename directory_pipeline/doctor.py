"""`directory-pipeline doctor`: walk the chain a job travels and name the broken link.

The usual complaint is "jobs stay pending". A job needs: the database, the queue, a
quiet dead-letter queue, Dagster's daemon with the intake sensor on, a browser that
launches, and (for hard forms) the LLM endpoint. Each check says what it saw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import httpx
from pydantic import BaseModel

from directory_pipeline.settings import MissingSettingError, Settings

Status = Literal["ok", "warn", "fail"]


class CheckResult(BaseModel):
    name: str
    status: Status
    detail: str
    hint: str | None = None


def check_database(settings: Settings) -> CheckResult:
    from directory_pipeline.store.database import connect
    from directory_pipeline.store.migrate import pending_migrations

    settings.require("database_url")
    assert settings.database_url
    try:
        with connect(settings.database_url, connect_timeout=3) as conn:
            version = conn.execute("show server_version").fetchone()
        pending = pending_migrations(settings.database_url)
    except Exception as exc:
        return CheckResult(
            name="database",
            status="fail",
            detail=f"cannot reach Postgres: {_first_line(exc)}",
            hint="is the local stack (`directory-pipeline dev`) or DATABASE_URL up?",
        )
    if pending:
        return CheckResult(
            name="database",
            status="fail",
            detail=f"{len(pending)} migration(s) not applied: "
            + ", ".join(m.version for m in pending),
            hint="run `directory-pipeline db migrate`",
        )
    server = version["server_version"] if version else "?"
    return CheckResult(name="database", status="ok", detail=f"Postgres {server}, schema up to date")


def _job_queue(settings: Settings):
    from directory_pipeline.queue.sqs import job_queue_from

    return job_queue_from(settings)


def check_queue(settings: Settings) -> CheckResult:
    from directory_pipeline.queue import QueueUnavailableError

    where = settings.sqs_endpoint_url or "AWS"
    try:
        depth = _job_queue(settings).depth()
    except QueueUnavailableError as exc:
        return CheckResult(
            name="queue",
            status="fail",
            detail=f"cannot reach the job queue at {where}: {_first_line(exc)}",
            hint="start the local stack, or check SQS_QUEUE_URL and credentials",
        )
    return CheckResult(name="queue", status="ok", detail=f"{depth} message(s) waiting at {where}")


def check_dead_letters(settings: Settings) -> CheckResult:
    from directory_pipeline.queue import QueueUnavailableError

    try:
        depth = _job_queue(settings).depth(dead_letter=True)
    except QueueUnavailableError as exc:
        return CheckResult(
            name="dead-letter queue",
            status="fail",
            detail=f"cannot reach the DLQ: {_first_line(exc)}",
        )
    if depth:
        return CheckResult(
            name="dead-letter queue",
            status="warn",
            detail=f"{depth} message(s) were dead-lettered",
            hint="each carries a `reason` attribute saying what was wrong",
        )
    return CheckResult(name="dead-letter queue", status="ok", detail="empty")


_DAGSTER_QUERY = """
{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } }
  repositoriesOrError { __typename ... on RepositoryConnection {
    nodes { name sensors { name sensorState { status } } } } } }
"""


def check_dagster(settings: Settings) -> CheckResult:
    settings.require("dagster_webserver_url")
    url = f"{settings.dagster_webserver_url}/graphql"
    try:
        data = httpx.post(url, json={"query": _DAGSTER_QUERY}, timeout=10).json()["data"]
    except Exception as exc:
        return CheckResult(
            name="dagster",
            status="fail",
            detail=f"Dagster webserver not answering at {url}: {_first_line(exc)}",
            hint="start it with `directory-pipeline dev` (or check your deployment)",
        )
    daemons = data["instance"]["daemonHealth"]["allDaemonStatuses"]
    unhealthy = [d["daemonType"] for d in daemons if d["required"] and not d["healthy"]]
    if unhealthy:
        return CheckResult(
            name="dagster",
            status="fail",
            detail=f"daemon(s) not healthy: {', '.join(unhealthy)}",
            hint="the daemon runs sensors and queued runs; check its logs",
        )
    sensors = [s for repo in data["repositoriesOrError"].get("nodes", []) for s in repo["sensors"]]
    stopped = [s["name"] for s in sensors if s["sensorState"]["status"] != "RUNNING"]
    if stopped:
        return CheckResult(
            name="dagster",
            status="fail",
            detail=f"sensor(s) stopped: {', '.join(stopped)}",
            hint="turn them on in the UI (Automation) so jobs are picked up",
        )
    if not sensors:
        return CheckResult(
            name="dagster",
            status="warn",
            detail="daemon healthy, but the code location defines no sensors yet",
            hint="queued jobs are not picked up until the intake sensor exists",
        )
    return CheckResult(
        name="dagster", status="ok", detail=f"daemon healthy; {len(sensors)} sensor(s) running"
    )


def check_browser(settings: Settings) -> CheckResult:
    from playwright.sync_api import sync_playwright

    from directory_pipeline.browser.launch import chromium_executable, launch_chromium

    executable = chromium_executable(settings.chromium_executable_path)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, executable)
            version = browser.version
            page = browser.new_page()
            page.set_content("<p id=ok>ok</p>")
            page.wait_for_selector("#ok")
            browser.close()
    except Exception as exc:
        return CheckResult(
            name="browser",
            status="fail",
            detail=f"Chromium did not launch: {_first_line(exc)}",
            hint="`apt-get install -y chromium`, or set CHROMIUM_EXECUTABLE_PATH",
        )
    return CheckResult(
        name="browser",
        status="ok",
        detail=f"Chromium {version} ({executable or 'Playwright-managed'})",
    )


def check_llm(settings: Settings) -> CheckResult:
    if not settings.llm_base_url:
        return CheckResult(
            name="llm",
            status="warn",
            detail="no LLM endpoint configured (LLM_BASE_URL)",
            hint="forms the heuristics cannot map will wait for review",
        )
    url = settings.llm_base_url.rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=5)
        response.raise_for_status()
        models = [m.get("id") for m in response.json().get("data", [])]
    except Exception as exc:
        return CheckResult(
            name="llm",
            status="fail",
            detail=f"LLM endpoint not answering at {url}: {_first_line(exc)}",
        )
    return CheckResult(name="llm", status="ok", detail=f"models: {', '.join(map(str, models))}")


CHECKS: list[tuple[str, Callable[[Settings], CheckResult]]] = [
    ("database", check_database),
    ("queue", check_queue),
    ("dead-letter queue", check_dead_letters),
    ("dagster", check_dagster),
    ("browser", check_browser),
    ("llm", check_llm),
]


def run_checks(settings: Settings, skip: set[str] | None = None) -> list[CheckResult]:
    results = []
    for name, check in CHECKS:
        if skip and name in skip:
            continue
        try:
            results.append(check(settings))
        except MissingSettingError as exc:
            results.append(CheckResult(name=name, status="fail", detail=str(exc)))
    return results


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:300]
