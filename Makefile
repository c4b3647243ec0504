# The two commands of the README: `make dev` (run the local stack) and `make test`.
# `setup` installs what a fresh machine lacks: uv (from PyPI) and Debian's Chromium.

.PHONY: setup dev test lint

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "warning: no Chromium found; install it (apt-get install chromium) or set CHROMIUM_EXECUTABLE_PATH"
	@uv sync --frozen --quiet

dev: setup
	uv run directory-pipeline dev

test: setup
	uv run pytest

lint: setup
	uv run ruff check . && uv run ruff format --check . && uv run pyright
	uv run hadolint Dockerfile
