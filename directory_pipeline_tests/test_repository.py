"""The repository's own gates: lint, types, Dockerfile, and the CI script's contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean() -> None:
    check = _run(str(BIN / "ruff"), "check", ".")
    assert check.returncode == 0, check.stdout
    fmt = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout


def test_pyright_is_clean() -> None:
    result = _run(str(BIN / "pyright"))
    assert result.returncode == 0, result.stdout[-4000:]


def test_dockerfile_lints_clean() -> None:
    result = _run(str(BIN / "hadolint"), "Dockerfile")
    assert result.returncode == 0, result.stdout


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test    #" in readme
    assert ci.rstrip().splitlines()[-1] == "make test"


def test_definitions_read_settings_only_through_their_resource_set() -> None:
    """Configuration flows through resources: no module of `defs/` reads the environment or
    the settings loader (the production set binds `dg.EnvVar`s, the local one is handed the
    stack's settings), and `definitions.py` reads one variable, the deployment."""
    readers = ("os.environ", "os.getenv", "getenv(", "load_settings")
    offenders = [
        f"{path.relative_to(ROOT)}: {reader}"
        for path in sorted((ROOT / "directory_pipeline" / "defs").glob("*.py"))
        for reader in readers
        if reader in path.read_text()
    ]
    assert offenders == []
    dsn_holders = [
        path.name
        for path in sorted((ROOT / "directory_pipeline" / "defs").glob("*.py"))
        if path.name not in {"resources.py", "resource_sets.py"}
        and ("database_url" in path.read_text() or "dsn" in path.read_text())
    ]
    assert dsn_holders == [], "asset code gets typed stores from SupabaseResource, not DSNs"
    definitions = (ROOT / "directory_pipeline" / "definitions.py").read_text()
    assert definitions.count("os.environ") == 1
    assert "os.environ.get(DEPLOYMENT_VARIABLE)" in definitions
