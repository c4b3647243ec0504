"""Where the local stack keeps its state, and how every command finds it (contracts §6)."""

from __future__ import annotations

import os
from pathlib import Path

STATE_DIR_ENV = "DIRECTORY_PIPELINE_STATE_DIR"
DEFAULT_STATE_DIR = ".local"


def resolve_state_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--state-dir` if given, else `$DIRECTORY_PIPELINE_STATE_DIR`, else `.local/`."""
    chosen = explicit or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return Path(chosen).expanduser().resolve()
