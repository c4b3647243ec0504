"""The embedded local stack: Postgres, an SQS API, the sandbox sites and Dagster, on loopback."""
