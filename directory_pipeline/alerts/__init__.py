"""Fleet alerts (issue 15): a failed health check, a job that ended `partially_completed` or
`failed`, and messages arriving on the dead-letter queue each become one `Alert`, recorded
once under a stable key and posted to a Slack-compatible webhook until it is delivered.

One module per step: `model` (the alert), `health`, `jobs`, `dead_letters` (deciding, from
what each source shows, which alerts are due; pure), `links` (Dagster UI addresses),
`payload` (the webhook body, built from whitelisted fields only), `send` (one POST) and
`cursor` (what the sensor remembers between ticks)."""

from directory_pipeline.alerts.model import Alert, AlertKind, AlertSeverity

__all__ = ["Alert", "AlertKind", "AlertSeverity"]
