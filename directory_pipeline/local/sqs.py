"""moto's SQS server on loopback, as a child process of the local stack."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from directory_pipeline.local.ports import wait_for_port
from directory_pipeline.local.processes import ChildProcess

LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


class LocalSqs:
    """An SQS API at http://127.0.0.1:`port`. Queues live in memory: recreated on each start."""

    def __init__(self, port: int, log_file: Path, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.child = ChildProcess(
            "sqs",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            log_file,
            env=env if env is not None else dict(os.environ),
        )

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.child.start()
        if not wait_for_port(self.port, timeout=30):
            self.stop()
            raise RuntimeError(f"the local SQS server did not start; see {self.child.log_file}")

    def stop(self) -> None:
        self.child.stop(grace_seconds=5)
