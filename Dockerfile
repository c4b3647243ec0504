# The code location image: Dagster's webserver and daemon (or dagster-cloud) load it over gRPC.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    CREWAI_DISABLE_TELEMETRY=true \
    CHROMIUM_EXECUTABLE_PATH=/usr/bin/chromium \
    PATH="/app/.venv/bin:${PATH}"

# The production resource set reads every setting from the environment when a run starts
# (docs/deploy/environment.md). Optional ones are empty here; the deployment sets at least
# DATABASE_URL, SQS_QUEUE_URL, SQS_DLQ_URL and EVIDENCE_ROOT. The key variables are declared
# empty, never with a value: secrets come from the deployment's secret store.
# hadolint ignore=DL3064
ENV DIRECTORY_PIPELINE_DEPLOYMENT=production \
    SUPABASE_URL="" \
    SUPABASE_SERVICE_ROLE_KEY="" \
    SQS_ENDPOINT_URL="" \
    AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID="" \
    AWS_SECRET_ACCESS_KEY="" \
    DIRECTORY_CATALOG="" \
    ANALYTICS_ROOT=/app/analytics \
    LLM_BASE_URL="" \
    LLM_MODEL="" \
    LLM_API_KEY="" \
    LLM_TIMEOUT_SECONDS=60 \
    CREWAI_STORAGE_DIR="" \
    SUBMISSION_PARALLELISM=4 \
    VERIFICATION_ADDRESS="" \
    VERIFICATION_MAILDIR="" \
    VERIFICATION_IMAP_HOST="" \
    VERIFICATION_IMAP_USER="" \
    VERIFICATION_IMAP_PASSWORD="" \
    VERIFICATION_IMAP_FOLDER=INBOX \
    PENDING_JOB_GRACE_MINUTES=10 \
    STALLED_JOB_MINUTES=15 \
    SQS_REDELIVERY_SECONDS=10 \
    JOB_PARTITION_RETENTION_DAYS=90 \
    HEALTH_RECENT_ATTEMPTS=10 \
    HEALTH_WARN_RATE_DROP_PERCENT=25 \
    HEALTH_ERROR_RATE_DROP_PERCENT=50 \
    HEALTH_WARN_UNRELIABLE_STREAK=2 \
    HEALTH_ERROR_UNRELIABLE_STREAK=3 \
    PRESENCE_CHECKS_PER_RUN=200 \
    PRESENCE_PAGE_TIMEOUT_SECONDS=30 \
    ALERT_WEBHOOK_URL="" \
    DAGSTER_UI_URL=""

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
