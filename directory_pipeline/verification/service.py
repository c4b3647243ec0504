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
Confirm = Callable[[uuid.UUID, DirectoryEntry, LinkJudgement, LinkVisit, Evidence], object]
"""Record a submission as `submitted` on the directory's confirmation."""


class HandledMail(BaseModel):
    """What one mail led to, for the run's log and tests."""

    model_config = ConfigDict(frozen=True)

    key: str
    decision: MailDecision
    judgement: LinkJudgement | None = None
    opened: bool = False


class MailRecords(Protocol):
    """Where mails and their outcomes are kept (`store/verification_mails.py`)."""

    def awaiting(self) -> list[tuple[uuid.UUID, str]]: ...

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
) -> list[HandledMail]:
    """Handle every unhandled mail once; a mail is marked handled in the mailbox only after
    its record and any status change are written."""
    awaiting = [
        AwaitingVerification(job_id=job, directory_slug=slug, hosts=tuple(entry.hosts))
        for job, slug in records.awaiting()
        if (entry := directories.get(slug)) is not None
    ]
    handled: list[HandledMail] = []
    for raw in mailbox.unhandled():
        mail = parse_mail(raw.data)
        decision = decide(mail, address, awaiting)
        records.record(raw.key, mail, decision)
        outcome = HandledMail(key=raw.key, decision=decision)
        if decision.verdict is MailVerdict.CONFIRMATION_LINK and records.begin_action(raw.key):
            outcome = _open(raw.key, decision, records, directories, open_link, confirm)
            awaiting = [
                a
                for a in awaiting
                if (a.job_id, a.directory_slug) != (decision.job_id, decision.directory_slug)
                or not (outcome.judgement and outcome.judgement.proves_submission)
            ]
        mailbox.mark_handled(raw.key)
        handled.append(outcome)
    return handled


def _open(
    key: str,
    decision: MailDecision,
    records: MailRecords,
    directories: dict[str, DirectoryEntry],
    open_link: OpenLink,
    confirm: Confirm,
) -> HandledMail:
    assert decision.url and decision.job_id and decision.directory_slug
    directory = directories[decision.directory_slug]
    prefix = f"{decision.job_id}/{directory.slug}/verification"
    visit, evidence = open_link(directory, decision.url, prefix)
    judgement = judge_visit(visit, tuple(directory.hosts))
    records.finish(key, judgement, evidence.uri if evidence else None)
    if judgement.proves_submission and evidence is not None:
        confirm(decision.job_id, directory, judgement, visit, evidence)
    return HandledMail(key=key, decision=decision, judgement=judgement, opened=True)
