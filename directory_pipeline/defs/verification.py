"""Directories' verification mail: a sensor that looks at the mailbox and, when mail has
arrived, a run that reads it, opens each confirmation link once through the directory's
network guard, and moves the submissions the directory confirmed to `submitted`. Each
confirmation is reported as an observation of that `listing_submission` partition (the
partition's one writer stays the job's run)."""

import hashlib
from functools import partial
from pathlib import Path

import dagster as dg
from pydantic import Field

from directory_pipeline.defs.partitions import submission_key
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.verification.mailbox import ImapMailbox, Mailbox, MaildirMailbox


class VerificationMailResource(dg.ConfigurableResource):
    """The shop's mailbox that directories' verification mail reaches: a Maildir (the local
    stack's SMTP server writes one) or IMAP. No address: verification mail is not read."""

    address: str | None = Field(
        default=None, description="The mailbox submissions give plus-addresses of."
    )
    maildir: str | None = Field(default=None, description="A Maildir folder (local stack).")
    imap_host: str | None = Field(default=None, description="IMAP server (production).")
    imap_user: str | None = None
    imap_password: str | None = None
    imap_folder: str = "INBOX"

    def mailbox(self) -> Mailbox | None:
        if not self.address:
            return None
        if self.imap_host:
            return ImapMailbox(
                self.imap_host,
                self.imap_user or self.address,
                self.imap_password or "",
                folder=self.imap_folder,
            )
        if self.maildir:
            return MaildirMailbox(Path(self.maildir))
        return None


@dg.op(
    description="Reads new verification mail: opens each confirmation link, or types each "
    "code into the directory's page, once."
)
def handle_verification_mail(
    context: dg.OpExecutionContext,
    mail: VerificationMailResource,
    supabase: SupabaseResource,
    engine: SubmissionEngineResource,
    catalog: CatalogResource,
    analytics: AnalyticsResource,
) -> int:
    from directory_pipeline.browser.evidence import evidence_store
    from directory_pipeline.browser.open_link import open_verification_link
    from directory_pipeline.browser.session import BrowserSession
    from directory_pipeline.browser.type_code import type_verification_code
    from directory_pipeline.verification.record_confirmation import record_confirmation
    from directory_pipeline.verification.service import process_mailbox

    mailbox = mail.mailbox()
    if mailbox is None or not mail.address:
        context.log.info("no verification mailbox configured")
        return 0
    store = evidence_store(engine.evidence_root)
    directories = {d.slug: d for d in catalog.catalog().directories}
    with BrowserSession(engine.chromium_executable_path or None) as session:
        handled = process_mailbox(
            mailbox,
            supabase.verification_mails(),
            mail.address,
            directories,
            lambda directory, url, prefix: open_verification_link(
                session, directory, url, store=store, prefix=prefix
            ),
            partial(record_confirmation, supabase.results(), analytics.path),
            lambda directory, page_url, code, prefix: type_verification_code(
                session, directory, page_url, code, store=store, prefix=prefix
            ),
        )
    for item in handled:
        decision = item.decision
        context.log.info(f"mail {item.key}: {decision.verdict.value} {decision.detail}".strip())
        if item.judgement is not None and item.judgement.proves_submission:
            assert decision.job_id and decision.directory_slug
            context.log_event(
                dg.AssetObservation(
                    asset_key="listing_submission",
                    partition=submission_key(str(decision.job_id), decision.directory_slug),
                    metadata={
                        "status": "submitted",
                        "confirmed_by": "verification e-mail",
                        "confirmation": item.judgement.said,
                        "link": dg.MetadataValue.url(decision.url or ""),
                    },
                )
            )
    return len(handled)


@dg.job(
    description="Handles directories' verification mail: confirmation links opened once.",
    executor_def=dg.in_process_executor,
)
def verification_mail() -> None:
    handle_verification_mail()


@dg.sensor(
    job=verification_mail,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a verification_mail run when the mailbox holds unhandled mail.",
)
def verification_mail_sensor(
    context: dg.SensorEvaluationContext, mail: VerificationMailResource
) -> dg.SensorResult | dg.SkipReason:
    mailbox = mail.mailbox()
    if mailbox is None:
        return dg.SkipReason("no verification mailbox configured")
    keys = sorted(mailbox.unhandled_keys())
    if not keys:
        return dg.SkipReason("no new mail")
    run_key = "mail-" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key)])
