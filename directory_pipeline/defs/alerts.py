"""Fleet alerts (issue 15): a sensor that, every 30 seconds, turns what went wrong into
alerts (a health check turning red on a directory, a job ending `partially_completed` or
`failed`, the dead-letter queue receiving messages), records each once in `alerts`, and
posts the undelivered ones to a Slack-compatible webhook. It requests no runs; its tick says
what it found and sent."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import httpx
from pydantic import Field

from directory_pipeline.alerts.check_events import check_evaluations
from directory_pipeline.alerts.cursor import AlertCursor
from directory_pipeline.alerts.dead_letters import dead_letter_alert, dead_letter_step
from directory_pipeline.alerts.health import health_alert, turned_red
from directory_pipeline.alerts.jobs import EndedJob, job_alert, job_alert_key
from directory_pipeline.alerts.links import asset_url, automation_url, run_url
from directory_pipeline.alerts.model import Alert
from directory_pipeline.alerts.payload import slack_payload
from directory_pipeline.alerts.send import post_payload
from directory_pipeline.defs.partitions import job_run_ids
from directory_pipeline.defs.resources import SqsResource, SupabaseResource
from directory_pipeline.queue.sqs import QueueUnavailableError
from directory_pipeline.store.alerts import AlertStore

CHECK_EVENTS_PER_PAGE = 200  # health-check records read per query (five pages per check)
JOB_LOOKBACK = dt.timedelta(days=1)  # older endings are not alerted (no flood on first start)
SENDS_PER_TICK = 20  # posts per tick at most, oldest first


class AlertWebhookResource(dg.ConfigurableResource):
    """Where fleet alerts go: a Slack-compatible incoming webhook (Slack, Mattermost,
    Rocket.Chat, Discord's `/slack` endpoint), and the Dagster UI address their links use."""

    webhook_url: str = Field(
        default="",
        description="Incoming-webhook URL (a secret). Empty: alerts are recorded, not sent.",
    )
    dagster_ui_url: str = Field(
        default="",
        description="Base URL of the Dagster UI staff open, for links. Empty: no links.",
    )


def _job_link(instance: dg.DagsterInstance, ui_url: str, job: EndedJob) -> str | None:
    runs = job_run_ids(instance, str(job.id), limit=1)
    if runs:
        return run_url(ui_url, runs[0])
    return asset_url(ui_url, "paid_job", partition=str(job.id))


def _job_alerts(
    instance: dg.DagsterInstance, store: AlertStore, ui_url: str, now: dt.datetime
) -> list[Alert]:
    ended = store.jobs_ended_badly(now - JOB_LOOKBACK)
    known = store.known([job_alert_key(job) for job in ended])
    return [
        job_alert(job, _job_link(instance, ui_url, job))
        for job in ended
        if job_alert_key(job) not in known
    ]


def _send_unsent(store: AlertStore, webhook_url: str) -> tuple[int, list[str]]:
    sent, errors = 0, []
    with httpx.Client(follow_redirects=False) as client:
        for stored in store.unsent(SENDS_PER_TICK):
            delivery = post_payload(client, webhook_url, stored.payload)
            if delivery.delivered:
                store.mark_sent(stored.alert_key)
                sent += 1
            else:
                error = delivery.error or "not delivered"
                store.mark_failed(stored.alert_key, error)
                errors.append(error)
    return sent, errors


@dg.sensor(
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every 30 s: alerts for health checks turning red, jobs ending partially_completed "
        "or failed, and dead-letter queue arrivals; each recorded once in `alerts` and posted "
        "to the webhook (ALERT_WEBHOOK_URL) until delivered. Requests no runs."
    ),
)
def fleet_alerts_sensor(
    context: dg.SensorEvaluationContext,
    supabase: SupabaseResource,
    sqs: SqsResource,
    alerts: AlertWebhookResource,
) -> dg.SensorResult:
    now = dt.datetime.now(dt.UTC)
    cursor = AlertCursor.parse(context.cursor)
    ui_url = alerts.dagster_ui_url
    store = supabase.alerts()
    notes: list[str] = []

    evaluations, after = check_evaluations(
        context.instance, cursor.check_records_after, CHECK_EVENTS_PER_PAGE, now
    )
    failing, red = turned_red(cursor.failing_checks, evaluations)
    due = [health_alert(evaluation, ui_url) for evaluation in red]

    due += _job_alerts(context.instance, store, ui_url, now)

    dead_letters = cursor.dead_letters
    try:
        count = sqs.job_queue().depth(dead_letter=True)
    except QueueUnavailableError:
        notes.append("dead-letter queue not reachable (count not read)")
    else:
        before = dead_letters.count if dead_letters is not None else 0
        dead_letters, rise = dead_letter_step(dead_letters, count, now)
        if rise is not None:
            due.append(dead_letter_alert(rise, before, count, automation_url(ui_url)))

    recorded = [alert for alert in due if store.record(alert, slack_payload(alert))]
    for alert in recorded:
        context.log.info(f"alert recorded: {alert.key} ({alert.severity.value}) {alert.title}")

    if alerts.webhook_url:
        sent, errors = _send_unsent(store, alerts.webhook_url)
        sending = f"{sent} sent"
        if errors:
            sending += f", {len(errors)} not delivered ({errors[-1]}; retried next tick)"
    else:
        unsent = len(store.unsent(SENDS_PER_TICK))
        sending = f"none sent: no webhook configured (ALERT_WEBHOOK_URL), {unsent} waiting"
    summary = "; ".join(
        [f"{len(recorded)} new alert{'s' if len(recorded) != 1 else ''}", sending, *notes]
    )
    context.log.info(summary)
    next_cursor = AlertCursor(
        check_records_after=after, failing_checks=sorted(failing), dead_letters=dead_letters
    )
    return dg.SensorResult(skip_reason=summary, cursor=next_cursor.dump())
