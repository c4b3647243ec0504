"""The pure parts of alerting: which evaluations turn a check red, when the dead-letter
count rose, what a job alert says, what a payload may contain, and the UI links."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from directory_pipeline.alerts.cursor import AlertCursor
from directory_pipeline.alerts.dead_letters import DeadLetterCount, dead_letter_step
from directory_pipeline.alerts.health import CheckEvaluation, health_alert, turned_red
from directory_pipeline.alerts.jobs import EndedJob, job_alert, job_alert_key
from directory_pipeline.alerts.links import asset_url, automation_url, run_url
from directory_pipeline.alerts.model import Alert, AlertKind, AlertSeverity
from directory_pipeline.alerts.payload import redact, slack_payload
from directory_pipeline.domain.job import JobStatus

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _evaluation(record_id: int, passed: bool, check: str = "form_still_mapped", slug: str = "a"):
    return CheckEvaluation(
        record_id=record_id,
        run_id="r",
        check_name=check,
        directory=slug,
        passed=passed,
        severity=AlertSeverity.ERROR,
    )


def test_a_check_turns_red_once_per_streak_per_directory() -> None:
    sequence = [
        _evaluation(1, True),
        _evaluation(2, False),
        _evaluation(3, False),
        _evaluation(4, False, slug="b"),
        _evaluation(5, True),
        _evaluation(6, False),
        _evaluation(7, False, check="answers_reliably"),
    ]
    red, turned = turned_red([], sequence)
    assert [e.record_id for e in turned] == [2, 4, 6, 7]
    assert red == {"form_still_mapped/a", "form_still_mapped/b", "answers_reliably/a"}


def test_a_pair_red_before_the_tick_stays_silent_until_it_passes() -> None:
    red, turned = turned_red(["form_still_mapped/a"], [_evaluation(9, False)])
    assert turned == [] and red == {"form_still_mapped/a"}
    red, turned = turned_red(red, [_evaluation(10, True), _evaluation(11, False)])
    assert [e.record_id for e in turned] == [11]


def test_evaluations_are_decided_in_the_order_they_were_recorded() -> None:
    _, turned = turned_red([], [_evaluation(3, False), _evaluation(2, True)])
    assert [e.record_id for e in turned] == [3]
    _, turned = turned_red([], [_evaluation(3, True), _evaluation(2, False)])
    assert [e.record_id for e in turned] == [2]


def test_a_health_alert_links_to_the_check_on_its_directory() -> None:
    alert = health_alert(_evaluation(42, False, slug="alpha"), "https://ui.example/")
    assert alert.key == "health_check_failed:alpha:form_still_mapped:42"
    assert alert.link == (
        "https://ui.example/assets/directory_health"
        "?view=checks&checkDetail=form_still_mapped&partition=alpha"
    )
    assert alert.text == "The check gave no summary."


def test_the_dead_letter_count_alerts_on_each_rise_only() -> None:
    state, key = dead_letter_step(None, 0, NOW)
    assert key is None and state.count == 0
    later = NOW + dt.timedelta(seconds=30)
    state2, key = dead_letter_step(state, 2, later)
    assert key == "dead_letters:20261130T120000.000000:0->2" and state2.count == 2
    assert dead_letter_step(state2, 2, later + dt.timedelta(minutes=5)) == (state2, None)
    drained, key = dead_letter_step(state2, 0, later + dt.timedelta(minutes=6))
    assert key is None and drained.count == 0
    _, again = dead_letter_step(drained, 2, later + dt.timedelta(minutes=7))
    assert again is not None and again != "dead_letters:20261130T120000.000000:0->2"


def test_a_dead_letter_rise_has_the_same_key_when_its_tick_is_repeated() -> None:
    """A tick that recorded the alert but lost its cursor sees the same rise again."""
    before = DeadLetterCount(count=1, since=NOW)
    first = dead_letter_step(before, 3, NOW + dt.timedelta(seconds=30))[1]
    repeat = dead_letter_step(before, 3, NOW + dt.timedelta(seconds=60))[1]
    assert first == repeat == "dead_letters:20261130T120000.000000:1->3"
    assert dead_letter_step(None, 4, NOW)[1] == "dead_letters:first-seen:0->4"


def _job(status: JobStatus, completed_at: dt.datetime = NOW) -> EndedJob:
    return EndedJob(
        id=uuid.UUID(int=7),
        package="starter",
        status=status,
        completed_at=completed_at,
        directories_total=3,
        counts={"submitted": 1, "failed": 2},
    )


def test_a_job_alert_says_how_the_directories_ended() -> None:
    alert = job_alert(_job(JobStatus.FAILED), "https://ui.example/runs/abc")
    assert alert.severity is AlertSeverity.ERROR
    assert alert.title == f"Job {uuid.UUID(int=7)} ended failed"
    assert alert.text == "starter package, 3 directories: 2 failed, 1 submitted."
    partial = job_alert(_job(JobStatus.PARTIALLY_COMPLETED), None)
    assert partial.severity is AlertSeverity.WARNING and partial.link is None
    with pytest.raises(ValueError, match="nothing to alert"):
        job_alert(_job(JobStatus.COMPLETED), None)


def test_each_ending_of_a_job_has_its_own_exact_key() -> None:
    first = job_alert_key(_job(JobStatus.FAILED))
    assert first == f"job_ended_badly:{uuid.UUID(int=7)}:1796040000000000"
    rerun = job_alert_key(_job(JobStatus.FAILED, NOW + dt.timedelta(microseconds=1)))
    assert rerun != first


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "proxy https://user:hunter2@proxy.example/x",
            "https://[redacted]@proxy.example",
            "hunter2",
        ),
        ("postgresql://app:pw@db:5432/x", "postgresql://[redacted]@db", "app:pw"),
        ("mail rosa@rosasbakery.example now", "mail [redacted] now", "rosa@"),
        ("call +1 415 555 2671 today", "call [redacted] today", "555"),
        ("api_key=sk-abc123 and token: xyz", "api_key=[redacted] and token: [redacted]", "sk-abc"),
        ("hash " + "A" * 40, "hash [redacted]", "A" * 40),
    ],
)
def test_redact_removes_credentials_and_contact_details(text: str, kept: str, gone: str) -> None:
    assert kept in redact(text) and gone not in redact(text)


def test_redact_keeps_what_staff_need() -> None:
    text = f"job {uuid.UUID(int=7)} on alpha-listings: 3 of 5 at 2026-11-30T12:00Z, HTTP 503"
    assert redact(text) == text


def test_the_payload_is_slack_json_with_an_escaped_section_and_a_link() -> None:
    alert = Alert(
        key="k",
        kind=AlertKind.DEAD_LETTERS,
        severity=AlertSeverity.WARNING,
        title="<!channel> & friends",
        text="see <https://evil.example|here>",
        link="https://ui:secret@ui.example/automation",
    )
    payload = slack_payload(alert)
    assert set(payload) == {"text", "blocks"}
    [block] = payload["blocks"]
    assert block["type"] == "section" and block["text"]["type"] == "mrkdwn"
    section = block["text"]["text"]
    assert section.startswith(":warning: *&lt;!channel&gt; &amp; friends*")
    assert "&lt;https://evil.example|here&gt;" in section
    assert section.endswith("<https://ui.example/automation|Open in Dagster>")
    assert "secret" not in str(payload)


def test_links_need_a_ui_url() -> None:
    assert run_url("https://ui.example/", "r1") == "https://ui.example/runs/r1"
    assert asset_url("https://ui.example", "paid_job", partition="j") == (
        "https://ui.example/assets/paid_job?partition=j"
    )
    assert automation_url("") is None and run_url(None, "r") is None
    assert asset_url("", "x") is None


def test_an_unreadable_cursor_starts_afresh() -> None:
    assert AlertCursor.parse(None) == AlertCursor()
    assert AlertCursor.parse("{not json") == AlertCursor()
    cursor = AlertCursor(
        check_records_after=5,
        failing_checks=["form_still_mapped/a"],
        dead_letters=DeadLetterCount(count=2, since=NOW),
    )
    assert AlertCursor.parse(cursor.dump()) == cursor
