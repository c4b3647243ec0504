"""Directory health from recorded outcomes, and the verdicts that hold a directory: pure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from directory_pipeline.browser.judge import Reason
from directory_pipeline.defs.health import fleet_table
from directory_pipeline.health.holds import held_directories
from directory_pipeline.health.metrics import health_of
from directory_pipeline.health.policy import HealthPolicy
from directory_pipeline.health.verdicts import HealthCheck, Severity, judge

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
POLICY = HealthPolicy()
FORM_A, FORM_B = "fp-aaaa", "fp-bbbb"


def _row(
    minutes_ago: float,
    status: str = "submitted",
    *,
    reason_code: str | None = Reason.CONFIRMED.value,
    fingerprint: str | None = FORM_A,
    confidence: float | None = 0.95,
    plan_source: str | None = "plan-cache",
    duration_s: float = 12.0,
    reason: str | None = None,
) -> dict:
    return {
        "directory_slug": "d",
        "status": status,
        "recorded_at": NOW - dt.timedelta(minutes=minutes_ago),
        "reason_code": reason_code,
        "plan_fingerprint": fingerprint,
        "mapping_confidence": confidence,
        "plan_source": plan_source,
        "duration_s": duration_s,
        "reason": reason,
    }


def _verdicts(rows: list[dict], **kwargs) -> dict[HealthCheck, Severity]:
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY, **kwargs)
    return {v.check: v.severity for v in judge(record, POLICY)}


def _steady(count: int = 8, start: float = 10_000) -> list[dict]:
    return [_row(start - i) for i in range(count)]


def test_a_directory_that_keeps_working_passes_every_check() -> None:
    assert set(_verdicts(_steady()).values()) == {Severity.OK}


def test_the_record_carries_what_staff_read() -> None:
    rows = [*_steady(6), _row(5, "needs_review", reason_code="captcha", reason="a CAPTCHA")]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY)
    assert record.attempts == 7
    assert record.outcome_mix == {"submitted": 6, "needs_review": 1}
    assert record.median_duration_s == 12.0
    assert record.last_error == "a CAPTCHA"
    assert record.plan_cache_hit_rate == 1.0
    assert record.form_fingerprint == FORM_A and record.form_changed_at is None
    assert record.success_rate_30d == round(6 / 7, 3)


@pytest.mark.parametrize("blocked", [Reason.CANNOT_FILL.value])
def test_a_changed_form_that_cannot_be_filled_is_an_error(blocked: str) -> None:
    rows = [
        *_steady(),
        _row(5, "failed", reason_code=blocked, fingerprint=FORM_B, confidence=None),
    ]
    verdicts = _verdicts(rows)
    assert verdicts[HealthCheck.FORM_STILL_MAPPED] is Severity.ERROR
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY)
    assert record.form_changed_at == NOW - dt.timedelta(minutes=5)


def test_a_changed_form_mapped_with_less_confidence_warns() -> None:
    rows = [*_steady(), _row(5, fingerprint=FORM_B, confidence=0.7, plan_source="heuristic")]
    assert _verdicts(rows)[HealthCheck.FORM_STILL_MAPPED] is Severity.WARN


def test_a_changed_form_mapped_as_confidently_passes() -> None:
    rows = [*_steady(), _row(5, fingerprint=FORM_B, confidence=0.93, plan_source="heuristic")]
    assert _verdicts(rows)[HealthCheck.FORM_STILL_MAPPED] is Severity.OK


def test_an_unfillable_form_that_did_not_change_is_not_the_directorys_fault() -> None:
    """The same form as always, left unfilled: the profile lacks something this directory
    always asked for; that is no sign the directory broke."""
    rows = [*_steady(), _row(5, "failed", reason_code=Reason.CANNOT_FILL.value)]
    assert _verdicts(rows)[HealthCheck.FORM_STILL_MAPPED] is Severity.OK


def test_a_form_change_that_later_worked_is_no_longer_flagged() -> None:
    rows = [
        *_steady(),
        _row(9, "failed", reason_code=Reason.CANNOT_FILL.value, fingerprint=FORM_B),
        _row(5, fingerprint=FORM_B),
    ]
    assert _verdicts(rows)[HealthCheck.FORM_STILL_MAPPED] is Severity.OK


@pytest.mark.parametrize(
    ("recent_statuses", "expected"),
    [
        (["submitted"] * 4, Severity.OK),
        (["submitted", "submitted", "submitted", "rejected"], Severity.WARN),
        (["submitted", "rejected", "needs_review", "rejected"], Severity.ERROR),
        (["failed"] * 4, Severity.ERROR),
    ],
)
def test_the_success_rate_is_judged_against_the_directorys_own_baseline(
    recent_statuses: list[str], expected: Severity
) -> None:
    policy = HealthPolicy(recent_attempts=4)
    rows = [*_steady(10), *[_row(10 - i, s) for i, s in enumerate(recent_statuses)]]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=policy)
    assert record.baseline_attempts == 10 and record.recent_attempts == 4
    verdicts = {v.check: v.severity for v in judge(record, policy)}
    assert verdicts[HealthCheck.SUCCESS_RATE_HOLDS] is expected


def test_a_directory_that_always_needed_review_is_not_flagged_for_it() -> None:
    """Its own baseline, not a fleet-wide bar: a directory that always asks for e-mail
    verification keeps a low success rate and stays green."""
    policy = HealthPolicy(recent_attempts=4)
    rows = [_row(10_000 - i, "needs_review", reason_code="verification") for i in range(14)]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=policy)
    verdicts = {v.check: v.severity for v in judge(record, policy)}
    assert verdicts[HealthCheck.SUCCESS_RATE_HOLDS] is Severity.OK


def test_too_few_attempts_say_nothing_about_the_rate() -> None:
    rows = [_row(20), _row(10, "rejected")]
    assert _verdicts(rows)[HealthCheck.SUCCESS_RATE_HOLDS] is Severity.OK


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([Reason.FORM_PAGE_UNAVAILABLE], Severity.OK),
        ([Reason.NOT_PROCESSED, Reason.MAY_HAVE_RECEIVED], Severity.WARN),
        ([Reason.FORM_PAGE_UNAVAILABLE] * 3, Severity.ERROR),
        ([Reason.MAY_HAVE_RECEIVED, Reason.CONFIRMED, Reason.MAY_HAVE_RECEIVED], Severity.OK),
        (
            [Reason.FORM_PAGE_UNAVAILABLE, Reason.NOT_PROCESSED, Reason.MAY_HAVE_RECEIVED],
            Severity.ERROR,
        ),
    ],
)
def test_answers_with_5xx_or_timeouts_in_a_row(codes: list[Reason], expected: Severity) -> None:
    rows = [*_steady()]
    for i, code in enumerate(codes):
        status = "submitted" if code is Reason.CONFIRMED else "failed"
        rows.append(_row(9 - i, status, reason_code=code.value, fingerprint=None))
    assert _verdicts(rows)[HealthCheck.ANSWERS_RELIABLY] is expected


def test_skipped_outcomes_are_not_attempts() -> None:
    rows = [*_steady(), *[_row(5 - i, "skipped", reason_code=None) for i in range(5)]]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY)
    assert record.attempts == 8
    assert set(_verdicts(rows).values()) == {Severity.OK}


def test_outcome_files_from_before_the_new_columns_still_give_a_record() -> None:
    rows = [
        {k: v for k, v in r.items() if k not in {"reason_code", "mapping_confidence"}}
        for r in _steady()
    ]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY)
    assert record.attempts == 8 and record.unreliable_streak == 0
    assert record.mapping_confidence is None


def test_a_directory_with_an_error_verdict_is_held_until_staff_reenable_it() -> None:
    rows = [
        *_steady(),
        *[_row(5 - i, "failed", reason_code="form-page-unavailable") for i in range(3)],
    ]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY)
    assert "answers_reliably" in held_directories({"d": record}, {}, POLICY)["d"]
    # re-enabled after that record: not held, even before health is computed again
    later = NOW + dt.timedelta(minutes=1)
    assert held_directories({"d": record}, {"d": later}, POLICY) == {}
    # computed again after the re-enable: the old failures no longer count
    again = health_of("d", pd.DataFrame(rows), now=later, policy=POLICY, reenabled_at=later)
    assert held_directories({"d": again}, {"d": later}, POLICY) == {}
    # and new failures after it hold it again
    more = [*rows, *[_row(-2 - i, "failed", reason_code="not-processed") for i in range(3)]]
    after = health_of(
        "d",
        pd.DataFrame(more),
        now=later + dt.timedelta(minutes=9),
        policy=POLICY,
        reenabled_at=later,
    )
    assert set(held_directories({"d": after}, {"d": later}, POLICY)) == {"d"}


def test_warnings_never_hold_a_directory() -> None:
    rows = [*_steady(), *[_row(5 - i, "failed", reason_code="not-processed") for i in range(2)]]
    record = health_of("d", pd.DataFrame(rows), now=NOW, policy=POLICY)
    assert _verdicts(rows)[HealthCheck.ANSWERS_RELIABLY] is Severity.WARN
    assert held_directories({"d": record}, {}, POLICY) == {}


def test_the_fleet_view_lists_broken_directories_first() -> None:
    broken = [*_steady(), *[_row(5 - i, "failed", reason_code="not-processed") for i in range(3)]]
    warned = [*_steady(), *[_row(5 - i, "failed", reason_code="not-processed") for i in range(2)]]
    records = [
        health_of(slug, pd.DataFrame(rows), now=NOW, policy=POLICY)
        for slug, rows in [("a-fine", _steady()), ("b-warned", warned), ("c-broken", broken)]
    ]
    table = fleet_table(records, POLICY)
    assert list(table["directory_slug"]) == ["c-broken", "b-warned", "a-fine"]
    assert table["verdict"].iloc[0] == "error: answers_reliably"
    assert table["verdict"].iloc[2] == "ok"
