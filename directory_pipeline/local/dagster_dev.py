"""`dagster dev` (webserver + daemon) for the local stack, with its instance in the state dir."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import httpx

from directory_pipeline.local.processes import ChildProcess

_LOCATIONS_QUERY = """
{ workspaceOrError { __typename ... on Workspace {
    locationEntries { name loadStatus locationOrLoadError { __typename
      ... on PythonError { message } } } } } }
"""


def find_project_root(start: Path | None = None) -> Path | None:
    """The checkout holding workspace.yaml and dagster.yaml, from cwd or the package's parent."""
    candidates = [start or Path.cwd(), Path(__file__).resolve().parents[2]]
    for candidate in candidates:
        for folder in (candidate, *candidate.parents):
            if (folder / "workspace.yaml").exists() and (folder / "dagster.yaml").exists():
                return folder
    return None


class DagsterDev:
    """Dagster's webserver and daemon serving the code location on 127.0.0.1:`port`."""

    def __init__(self, dagster_home: Path, port: int, env: dict[str, str], log_file: Path) -> None:
        self.dagster_home = dagster_home
        self.port = port
        root = find_project_root()
        dagster_home.mkdir(parents=True, exist_ok=True)
        if root is not None:
            shutil.copyfile(root / "dagster.yaml", dagster_home / "dagster.yaml")
            target = ["-w", str(root / "workspace.yaml")]
        else:
            target = ["-m", "directory_pipeline.definitions"]
        dagster = Path(sys.executable).with_name("dagster")
        argv = [
            str(dagster) if dagster.exists() else "dagster",
            "dev",
            *target,
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ]
        self.child = ChildProcess(
            "dagster", argv, log_file, env={**env, "DAGSTER_HOME": str(dagster_home)}, cwd=root
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.child.start()

    def wait_until_loaded(self, timeout: float = 180) -> None:
        """Wait until the webserver answers and the code location has loaded without error."""
        deadline = time.monotonic() + timeout
        last = "webserver not answering yet"
        while time.monotonic() < deadline:
            if self.child.exited() is not None:
                raise RuntimeError(f"dagster dev exited; see {self.child.log_file}")
            try:
                response = httpx.post(
                    f"{self.url}/graphql", json={"query": _LOCATIONS_QUERY}, timeout=5
                )
                entries = response.json()["data"]["workspaceOrError"]["locationEntries"]
                loaded = [e.get("locationOrLoadError") or {} for e in entries]
                errors = [e.get("message") for e in loaded if e.get("__typename") == "PythonError"]
                if errors:
                    raise RuntimeError(f"code location failed to load: {errors[0]}")
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    return
                last = "code location still loading"
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                last = f"webserver not ready ({exc.__class__.__name__})"
            time.sleep(0.5)
        raise RuntimeError(f"Dagster did not become ready within {timeout:.0f}s: {last}")

    def stop(self) -> None:
        self.child.stop(grace_seconds=20)
