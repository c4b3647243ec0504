# The code location image: Dagster's webserver and daemon (or dagster-cloud) load it over gRPC.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    CREWAI_DISABLE_TELEMETRY=true \
    CHROMIUM_EXECUTABLE_PATH=/usr/bin/chromium \
    PATH="/app/.venv/bin:${PATH}"

# Debian's Chromium: Playwright drives it through executable_path, no browser download.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
# No extras: the local stack and sandbox sites (the `local` extra) stay out of the image.
RUN uv sync --frozen --no-dev --no-install-project
COPY directory_pipeline ./directory_pipeline
COPY workspace.yaml dagster.yaml ./
RUN uv sync --frozen --no-dev \
    && useradd --create-home --uid 10001 pipeline
USER 10001

EXPOSE 4000
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "directory_pipeline.definitions"]
