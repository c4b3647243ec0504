"""What `stack.json` holds and whether its stack still runs: readable without the `local`
extra, so `doctor` can say so in any environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from directory_pipeline.settings import stack_file


class StackPorts(BaseModel):
    postgres: int
    sqs: int
    sandbox: int
    dagster: int
    llm: int = 0
    smtp: int = 0


class StackState(BaseModel):
    """What `stack.json` holds."""

    pid: int
    running: bool
    started_at: dt.datetime
    ports: StackPorts
    settings: dict[str, Any]
    dagster_url: str
    child_pids: list[int] = []


def read_stack_state(state_dir: Path) -> StackState | None:
    path = stack_file(state_dir)
    if not path.exists():
        return None
    return StackState.model_validate_json(path.read_text())


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
