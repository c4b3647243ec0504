"""The verification mailbox's record (`verification_mails`) and the submissions waiting for
mail (`job_results` rows the judge left at `needs_review` for e-mail verification)."""

from __future__ import annotations

import uuid

from directory_pipeline.browser.judge import Reason
from directory_pipeline.store.database import connect
from directory_pipeline.verification.link_visit import LinkJudgement
from directory_pipeline.verification.mail import ReceivedMail
from directory_pipeline.verification.matching import MailDecision


class VerificationMailStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def awaiting(self) -> list[tuple[uuid.UUID, str, str | None]]:
        """(job, directory, the page the submission ended on) for every submission waiting
        for the directory's e-mail."""
        with connect(self.dsn) as conn:
            rows = conn.execute(
                "select job_id, directory_slug, final_url from job_results "
                "where status = 'needs_review' and starts_with(error, %s)",
                (Reason.VERIFICATION.sentence,),  # the judge's sentence, then its detail
            ).fetchall()
        return [(row["job_id"], row["directory_slug"], row["final_url"]) for row in rows]

    def record(self, key: str, mail: ReceivedMail, decision: MailDecision) -> bool:
        """Keep a mail and what it allows, once; False when it was recorded before."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                """insert into verification_mails (mail_key, message_id, received_at, sender,
                       subject, verdict, job_id, directory_slug, link_url, detail)
                   values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                   on conflict (mail_key) do nothing returning mail_key""",
                (
                    key,
                    mail.message_id,
                    mail.received_at,
                    mail.sender,
                    mail.subject[:300],
                    decision.verdict.value,
                    decision.job_id,
                    decision.directory_slug,
                    decision.url,
                    decision.detail[:500],
                ),
            ).fetchone()
        return row is not None

    def begin_action(self, key: str) -> bool:
        """Write the intent to open this mail's link; False if it was written before (by a
        run that may have opened it), so the link is never opened twice."""
        with connect(self.dsn) as conn:
            row = conn.execute(
                "update verification_mails set action_started_at = now() "
                "where mail_key = %s and action_started_at is null returning mail_key",
                (key,),
            ).fetchone()
        return row is not None

    def finish(self, key: str, judgement: LinkJudgement, evidence_uri: str | None) -> None:
        with connect(self.dsn) as conn:
            conn.execute(
                "update verification_mails set outcome = %s, outcome_said = %s, "
                "evidence_uri = %s, handled_at = now() where mail_key = %s",
                (judgement.outcome.value, judgement.said[:500], evidence_uri, key),
            )

    def mails_for(self, job_id: uuid.UUID, directory_slug: str) -> list[dict]:
        with connect(self.dsn) as conn:
            rows = conn.execute(
                "select * from verification_mails where job_id = %s and directory_slug = %s "
                "order by received_at",
                (job_id, directory_slug),
            ).fetchall()
        return [dict(row) for row in rows]
