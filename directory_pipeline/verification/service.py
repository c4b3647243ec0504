"""One pass over the verification mailbox: each new mail is recorded, matched to the
submission it is about, and, when it carries a confirmation link on the directory's own
hosts, that link is opened once and judged. A submission moves from `needs_review` to
`submitted` only on the directory's own confirmation page. Side effects come in as
arguments, so the pass itself is plain to test."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from directory_pipeline.domain import DirectoryEntry, Evidence
from directory_pipeline.verification.link_visit import LinkJudgement, LinkVisit, judge_visit
from directory_pipeline.verification.mail import ReceivedMail, parse_mail
from directory_pipeline.verification.mailbox import Mailbox
from directory_pipeline.verification.matching import (
    AwaitingVerification,
    MailDecision,
    MailVerdict,
    decide,
)

OpenLink = Callable[[DirectoryEntry, str, str], tuple[LinkVisit, Evidence | None]]
"""Open (directory, url, evidence prefix) once through the network guard."""
TypeCode = Callable[[DirectoryEntry, str, str, str], tuple[LinkVisit, Evidence | None]]
"""Type (directory, page url, code, evidence prefix) into the directory's page, once."""
Confirm = Callable[[uuid.UUID, DirectoryEntry, LinkJudgement, LinkVisit, Evidence], object]
"""Record a submission as `submitted` on the directory's confirmation."""


class HandledMail(BaseModel):
    """What one mail led to, for the run's log and tests."""

    model_config = ConfigDict(frozen=True)

    key: str
    decision: MailDecision
    judgement: LinkJudgement | None = None  # set when a link was opened or a code typed


class MailRecords(Protocol):
    """Where mails and their outcomes are kept (`store/verification_mails.py`)."""

    def awaiting(self) -> list[tuple[uuid.UUID, str, str | None]]: ...

    def record(self, key: str, mail: ReceivedMail, decision: MailDecision) -> bool: ...

    def begin_action(self, key: str) -> bool: ...

    def finish(self, key: str, judgement: LinkJudgement, evidence_uri: str | None) -> None: ...


def process_mailbox(
    mailbox: Mailbox,
    records: MailRecords,
    address: str,
    directories: dict[str, DirectoryEntry],
    open_link: OpenLink,
    confirm: Confirm,
    type_code: TypeCode | None = None,
) -> list[HandledMail]:
    """Handle every unhandled mail once; a mail is marked handled in the mailbox only after
    its record and any status change are written. A code is typed only with `type_code`."""
    awaiting = [
        AwaitingVerification(
            job_id=job, directory_slug=slug, hosts=tuple(entry.hosts), page_url=page_url
        )
        for job, slug, page_url in records.awaiting()
        if (entry := directories.get(slug)) is not None
    ]
    handled: list[HandledMail] = []
    for raw in mailbox.unhandled():
        mail = parse_mail(raw.data)
        decision = decide(mail, address, awaiting)
        records.record(raw.key, mail, decision)
        outcome = HandledMail(key=raw.key, decision=decision)
        act = _action(decision, awaiting, open_link, type_code)
        if act is not None and records.begin_action(raw.key):
            outcome = _act(raw.key, decision, records, directories, act, confirm)
            awaiting = [
                a
                for a in awaiting
                if (a.job_id, a.directory_slug) != (decision.job_id, decision.directory_slug)
                or not (outcome.judgement and outcome.judgement.proves_submission)
            ]
        mailbox.mark_handled(raw.key)
        handled.append(outcome)
    return handled


Act = Callable[[DirectoryEntry, str], tuple[LinkVisit, Evidence | None]]


def _action(
    decision: MailDecision,
    awaiting: list[AwaitingVerification],
    open_link: OpenLink,
    type_code: TypeCode | None,
) -> Act | None:
    """What to do for a mail, as (directory, evidence prefix) -> visit: open its link, or
    type its code into the page the submission ended on; None when nothing may be done."""
    if decision.verdict is MailVerdict.CONFIRMATION_LINK and decision.url:
        url = decision.url
        return lambda directory, prefix: open_link(directory, url, prefix)
    if decision.verdict is MailVerdict.CODE and decision.code and type_code is not None:
        waiting = next(
            (
                a
                for a in awaiting
                if (a.job_id, a.directory_slug) == (decision.job_id, decision.directory_slug)
            ),
            None,
        )
        if waiting is None or not waiting.page_url:
            return None
        page_url, code = waiting.page_url, decision.code
        return lambda directory, prefix: type_code(directory, page_url, code, prefix)
    return None


def _act(
    key: str,
    decision: MailDecision,
    records: MailRecords,
    directories: dict[str, DirectoryEntry],
    act: Act,
    confirm: Confirm,
) -> HandledMail:
    assert decision.job_id and decision.directory_slug
    directory = directories[decision.directory_slug]
    visit, evidence = act(directory, f"{decision.job_id}/{directory.slug}/verification")
    judgement = judge_visit(visit, tuple(directory.hosts))
    records.finish(key, judgement, evidence.uri if evidence else None)
    if judgement.proves_submission and evidence is not None:
        confirm(decision.job_id, directory, judgement, visit, evidence)
    return HandledMail(key=key, decision=decision, judgement=judgement)
