"""Intake of SQS job messages, one message at a time: nothing one message does can stop the
others.

Two halves. The decisions are pure: `read_body` turns a raw body into a `JobMessage` or a
`Malformed` reason (size and nesting limits checked before any parsing), and `decide` says
what to do with it given a few facts about our side (`Facts`): request its run, dead-letter
it with a reason, delete it because its run exists, or defer it because our side cannot
take it now. `IntakeTick` is the thin executor: it gathers the facts, carries the decision
out on SQS and Postgres, and contains whatever one message throws.

A message is only ever dead-lettered for its own fault. When Postgres (or the Dagster
instance) cannot be asked, a valid message is kept for redelivery; when a kept message nears
the queue's redrive limit it is re-sent as a fresh message, so SQS never redrives a valid
job to the DLQ because of us. Duplicates this creates are harmless: intake is idempotent
(one run per job id, `create_pending` upserts).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import psycopg
from pydantic import ValidationError

from directory_pipeline.domain import Catalog, JobMessage, Package, describe_validation_error
from directory_pipeline.queue.sqs import (
    MAX_RECEIVE_COUNT,
    JobQueue,
    QueueUnavailableError,
    ReceivedMessage,
)
from directory_pipeline.store.jobs import JobRow, JobStore

MAX_BODY_BYTES = 256 * 1024  # SQS's classic message limit; nothing larger is a job of ours
MAX_NESTING = 32  # a job message nests 3 levels deep; json.loads recurses once per level
MAX_REASON_LINES = 10  # validation problems listed in a reason before "and N more"
RECEIVE_BATCH = 10  # messages per receive: SQS's maximum


# ---------------------------------------------------------------------------------------
# Pure: reading a body


@dataclass(frozen=True)
class Malformed:
    """A body that is not a job message, and why (the DLQ `reason`)."""

    reason: str


# A JSON string (closed, or running to the end of the text) or a bracket. Strings are
# matched whole so brackets inside them are not counted.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


def nesting_depth(text: str, stop_above: int | None = None) -> int:
    """How deep brackets nest in `text`, outside JSON strings, without parsing it.

    Unbalanced text is measured as written (a closing bracket never takes the depth below
    zero). With `stop_above`, counting stops as soon as the depth exceeds it: the result is
    exact up to `stop_above` and only "more than that" beyond.
    """
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        elif first in "]}":
            depth = max(depth - 1, 0)
    return deepest


def body_limits_exceeded(body: str) -> str | None:
    """Why a raw body is refused before it is parsed (too large, nested too deep), or None."""
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        return f"message body is {size} bytes; the limit is {MAX_BODY_BYTES} bytes"
    brackets = body.count("[") + body.count("{")  # fast: most bodies stop here
    if brackets > MAX_NESTING and nesting_depth(body, stop_above=MAX_NESTING) > MAX_NESTING:
        return f"message body nests JSON deeper than {MAX_NESTING} levels"
    return None


_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(message)"


def unstorable_text(value: Any, where: list[str | int] | None = None) -> str | None:
    """Why a parsed payload holds text we cannot store or send on (a NUL character, which
    Postgres `jsonb` refuses, or a lone surrogate, which is not Unicode), naming the field;
    None when every key and string in it is clean. The payload's depth is already bounded."""
    where = where or []
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found is None:
            return None
        if found.group() == "\x00":
            return f"{_path(where)}: contains a NUL character (\\u0000), which cannot be stored"
        return (
            f"{_path(where)}: contains a lone surrogate (\\u{ord(found.group()):04x}), "
            "which is not valid Unicode"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            key_problem = unstorable_text(key, where)
            if key_problem is not None:
                shown = repr(key) if len(key) <= 60 else repr(key[:57]) + "..."
                return key_problem.replace(": contains", f": the key {shown} contains", 1)
            problem = unstorable_text(item, [*where, key])
            if problem is not None:
                return problem
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problem = unstorable_text(item, [*where, index])
            if problem is not None:
                return problem
    return None


def _validation_reason(exc: ValidationError) -> str:
    lines = describe_validation_error(exc)
    if len(lines) > MAX_REASON_LINES:
        lines = [*lines[:MAX_REASON_LINES], f"and {len(lines) - MAX_REASON_LINES} more problems"]
    return "; ".join(lines) or "message does not match the job message schema"


def read_body(body: str) -> JobMessage | Malformed:
    """The job message in a raw SQS body, or why it is not one. Never raises.

    Limits come first, on the raw text: a body too large or nested too deep is refused
    before `json.loads` (which recurses per level) ever sees it. Then JSON, an object, clean
    text (field named), and the schema (fields named by `describe_validation_error`).
    """
    try:
        refused = body_limits_exceeded(body)
        if refused is not None:
            return Malformed(refused)
        if not body.strip():
            return Malformed("message body is empty")
        try:
            payload = json.loads(body, parse_constant=_not_a_json_number)
        except json.JSONDecodeError as exc:
            return Malformed(f"message body is not JSON: {exc.msg} at position {exc.pos}")
        except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
            return Malformed(f"message body is not JSON we can read: {exc}")
        if not isinstance(payload, dict):
            return Malformed(f"message body must be a JSON object, not {_json_kind(payload)}")
        unclean = unstorable_text(payload)
        if unclean is not None:
            return Malformed(unclean)
        try:
            return JobMessage.model_validate(payload)
        except ValidationError as exc:
            return Malformed(_validation_reason(exc))
    except Exception as exc:  # deterministic on the body: the body's fault, never the tick's
        return Malformed(f"message body could not be read: {type(exc).__name__}: {exc}")


def _not_a_json_number(name: str) -> Any:
    """`json.loads` takes NaN and Infinity, which JSON (and Postgres `jsonb`) do not."""
    raise ValueError(f"{name} is not a JSON number")


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


# ---------------------------------------------------------------------------------------
# Pure: deciding


class Action(StrEnum):
    REQUEST_RUN = "request_run"  # write/complete the row, request the run, keep the message
    DEAD_LETTER = "dead_letter"  # the message's own fault: to the DLQ with the reason
    DELETE = "delete"  # its run exists: the message has done its work
    DEFER = "defer"  # not now (our side is down, or requested already): keep the message


class RowWrite(StrEnum):
    NONE = "none"
    CREATE = "create"  # no row yet: the message's profile makes it
    FILL_BUSINESS = "fill_business"  # a row without a profile takes the message's


@dataclass(frozen=True)
class Facts:
    """What our side knows about a readable message's job when deciding.

    `unavailable` says why our side could not be asked (Postgres down, the Dagster instance
    failing); the job's row is then unknown. `row` is only looked up when the run neither
    exists nor was requested in this tick.
    """

    has_run: bool = False
    requested_this_tick: bool = False
    row: JobRow | None = None
    unavailable: str | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    job: JobMessage | None = None
    write: RowWrite = RowWrite.NONE


def directories_refused(
    catalog: Catalog, package: Package, directories: list[str] | None
) -> str | None:
    """Why the catalog will not give a job these directories (unknown slugs, a tier above
    the package, more than it buys), or None when it will."""
    if not directories:
        return None
    try:
        catalog.directories_for(package, directories)
    except ValueError as exc:
        return str(exc)
    return None


def decide(read: JobMessage | Malformed, facts: Facts, catalog: Catalog) -> Decision:
    """What to do with one message. Pure: the same body and facts give the same decision.

    Checks needing only the message come before those needing our side, so a malformed
    message reaches the DLQ even while Postgres is down, and a valid one is never refused
    for something our side could not tell.
    """
    if isinstance(read, Malformed):
        return Decision(Action.DEAD_LETTER, read.reason)
    job = read
    if facts.has_run:
        return Decision(Action.DELETE, "its run exists", job)
    if facts.requested_this_tick:
        return Decision(Action.DEFER, "its run was requested earlier in this tick", job)
    refused = directories_refused(catalog, job.package, job.directories)
    if refused is not None:
        return Decision(Action.DEAD_LETTER, refused, job)
    if facts.unavailable is not None:
        return Decision(Action.DEFER, facts.unavailable, job)
    row = facts.row
    if row is None:
        if job.business is None:
            return Decision(
                Action.DEAD_LETTER,
                "no jobs row for this job_id and no business profile in the message",
                job,
            )
        return Decision(Action.REQUEST_RUN, "a new job", job, RowWrite.CREATE)
    # The run works from the row: its directories must fit its package too.
    refused = directories_refused(catalog, Package(row.package), row.requested_directories)
    if refused is not None:
        return Decision(Action.DEAD_LETTER, f"the job's row: {refused}", job)
    if row.business is None:
        if job.business is None:
            return Decision(Action.DEAD_LETTER, "the job has no business profile", job)
        return Decision(
            Action.REQUEST_RUN, "the message completes the row", job, RowWrite.FILL_BUSINESS
        )
    return Decision(Action.REQUEST_RUN, "the job's row is ready", job)


def keep_by_resending(receive_count: int, max_receive_count: int = MAX_RECEIVE_COUNT) -> bool:
    """Whether a message we keep must be re-sent fresh rather than shown again: from one
    receive before the redrive limit (the count SQS reports is approximate)."""
    return receive_count >= max_receive_count - 1


# ---------------------------------------------------------------------------------------
# The executor


# Errors that mean Postgres cannot serve us now, not that the message is wrong.
DATABASE_DOWN = (psycopg.OperationalError, psycopg.InterfaceError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


class IntakeTick:
    """One sensor tick's intake: receives a few batches and handles each message on its own.

    `requested` holds the job ids whose runs to request, in order, once each; `counts` what
    was done per action; `unavailable` why our side was down, if it was.
    """

    def __init__(
        self,
        queue: JobQueue,
        jobs: JobStore,
        catalog: Catalog,
        has_run: Callable[[str], bool],
        log: logging.Logger,
        redelivery_seconds: int = 10,
    ) -> None:
        self.queue = queue
        self.jobs = jobs
        self.catalog = catalog
        self.has_run = has_run
        self.log = log
        self.redelivery_seconds = redelivery_seconds
        self.requested: list[str] = []
        self.counts: Counter[str] = Counter()
        self.received = 0
        self.unavailable: str | None = None
        self.queue_error: str | None = None

    def run(self, batches: int = 3, wait_seconds: int = 1, budget_seconds: float = 30.0) -> None:
        """Check Postgres once, then receive up to `batches` batches within the budget."""
        self.unavailable = self._database_check()
        if self.unavailable is not None:
            self.log.warning(f"intake: {self.unavailable}; valid messages are kept for later")
        deadline = time.monotonic() + budget_seconds
        handled: set[str] = set()
        wait = wait_seconds
        for _ in range(batches):
            if time.monotonic() > deadline:
                break
            try:
                batch = self.queue.receive(max_messages=RECEIVE_BATCH, wait_seconds=wait)
            except QueueUnavailableError as exc:
                self.queue_error = str(exc)
                self.log.warning(f"intake: {exc}")
                break
            fresh = [m for m in batch if m.message_id not in handled]
            for message in batch:
                if message.message_id in handled:
                    self._keep_again(message)  # seen again within this tick
                    continue
                handled.add(message.message_id)
                self.received += 1
                self.handle(message)
            if not fresh or len(fresh) < len(batch):
                break  # the queue is empty, or it came round to messages handled already
            if len(batch) < RECEIVE_BATCH:
                # A short batch: the queue looked drained. Look once more without waiting,
                # so that a tick that found one job hands its run request over at once.
                wait = 0

    def _database_check(self) -> str | None:
        try:
            self.jobs.ping()
        except psycopg.Error as exc:
            return f"Postgres is unavailable ({_first_line(exc)})"
        return None

    def handle(self, message: ReceivedMessage) -> Decision | None:
        """Decide and act on one message; whatever it throws stays with it."""
        try:
            read = read_body(message.body)
            facts = self._facts(read) if isinstance(read, JobMessage) else Facts()
            decision = decide(read, facts, self.catalog)
            self._carry_out(message, decision)
            return decision
        except QueueUnavailableError as exc:
            # SQS refused a call about this message: it comes back after its visibility
            # timeout, and the next tick takes it again.
            self.counts["queue_error"] += 1
            self.log.warning(f"message {message.message_id}: {exc}; left for redelivery")
        except Exception as exc:
            self._failed(message, exc)
        return None

    def _facts(self, job: JobMessage) -> Facts:
        job_id = str(job.job_id)
        requested = job_id in self.requested
        try:
            has_run = self.has_run(job_id)
        except Exception as exc:
            return Facts(
                requested_this_tick=requested,
                unavailable=f"the Dagster instance could not list runs ({_first_line(exc)})",
            )
        if has_run or requested:
            return Facts(has_run=has_run, requested_this_tick=requested)
        if self.unavailable is not None:
            return Facts(unavailable=self.unavailable)
        try:
            return Facts(row=self.jobs.get(job.job_id))
        except psycopg.Error as exc:
            self.unavailable = f"Postgres is unavailable ({_first_line(exc)})"
            return Facts(unavailable=self.unavailable)

    def _carry_out(self, message: ReceivedMessage, decision: Decision) -> None:
        action = decision.action
        if action is Action.DEAD_LETTER:
            self.log.warning(f"message {message.message_id} dead-lettered: {decision.reason}")
            self.queue.dead_letter(message, decision.reason)
        elif action is Action.DELETE:
            self.queue.delete(message)  # its run exists: the message has done its work
        elif action is Action.DEFER:
            self._keep(message)
        else:
            assert decision.job is not None
            if decision.write is not RowWrite.NONE:
                try:
                    self.jobs.create_pending(decision.job, directories_total=0)
                except DATABASE_DOWN as exc:
                    self.unavailable = f"Postgres is unavailable ({_first_line(exc)})"
                    self._keep(message)
                    self.counts[Action.DEFER] += 1
                    return
            self.requested.append(str(decision.job.job_id))
            self._keep(message)  # until a later tick sees its run and deletes it
        self.counts[action] += 1

    def _keep(self, message: ReceivedMessage) -> None:
        """Show the message again after the redelivery delay; near the redrive limit, as a
        fresh message instead, so SQS never dead-letters it for our delays."""
        if keep_by_resending(message.receive_count):
            new_id = self.queue.resend(message, delay_seconds=self.redelivery_seconds)
            self.counts["resent"] += 1
            self.log.info(
                f"message {message.message_id} received {message.receive_count} times: "
                f"re-sent as {new_id} so the redrive policy does not take it"
            )
        else:
            self.queue.change_visibility(message, self.redelivery_seconds)

    def _keep_again(self, message: ReceivedMessage) -> None:
        """A message handled earlier in this tick came round again (a redelivery delay of
        0 s): it is kept as it was, without being decided twice."""
        try:
            self._keep(message)
        except QueueUnavailableError as exc:
            self.log.warning(f"message {message.message_id}: {exc}")

    def _failed(self, message: ReceivedMessage, exc: Exception) -> None:
        """An error of ours on one message (a bug, a DB error that is not an outage): it is
        retried after the redelivery delay; at the redrive limit it goes to the DLQ with a
        reason saying it was our failure, rather than silently with none."""
        self.counts["failed"] += 1
        self.log.error(
            f"message {message.message_id}: intake failed ({_first_line(exc)})",
            exc_info=exc,
        )
        try:
            if keep_by_resending(message.receive_count):
                self.queue.dead_letter(
                    message,
                    f"intake failed on this message {message.receive_count} times "
                    f"(an error on our side): {_first_line(exc)}",
                )
            else:
                self.queue.change_visibility(message, self.redelivery_seconds)
        except Exception as again:
            self.log.error(f"message {message.message_id}: left in flight ({_first_line(again)})")

    def summary(self) -> str:
        """One line for the tick: what was done, and why anything waits."""
        done = ", ".join(
            f"{n} {label}"
            for label, n in [
                ("run requested", len(self.requested)),
                ("dead-lettered", self.counts[Action.DEAD_LETTER]),
                ("deleted (run exists)", self.counts[Action.DELETE]),
                ("deferred", self.counts[Action.DEFER]),
                ("re-sent fresh", self.counts["resent"]),
                ("failed", self.counts["failed"]),
                ("left on SQS errors", self.counts["queue_error"]),
            ]
            if n
        )
        if self.received == 0:
            parts = ["no messages waiting on the queue"]
        else:
            parts = [f"{self.received} messages received" + (f": {done}" if done else "")]
        if self.unavailable is not None:
            parts.append(
                f"{self.unavailable}: valid jobs are kept and shown again in "
                f"{self.redelivery_seconds} s"
            )
        if self.queue_error is not None:
            parts.append(f"SQS unavailable ({self.queue_error})")
        return "; ".join(parts)
