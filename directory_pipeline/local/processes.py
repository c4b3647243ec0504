"""Child processes of the local stack, each in its own session so it can be stopped whole."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path


class ChildProcess:
    """A named child process started in a new session, logging to a file."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        log_file: Path,
        env: dict[str, str],
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = argv
        self.log_file = log_file
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_file.open("ab") as log:
            # start_new_session: a process started from a script otherwise inherits ignored
            # signals and survives SIGTERM (seen with `dagster dev`); a session of its own
            # lets us signal the process and everything it spawned.
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=_default_signals,
            )

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exited(self) -> int | None:
        """The exit code if the process has ended, else None."""
        return self.process.poll() if self.process else 0

    def stop(self, grace_seconds: float = 20) -> None:
        if not self.process:
            return
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace_seconds)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        # Whatever the process left behind in its session goes too.
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process = None


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
