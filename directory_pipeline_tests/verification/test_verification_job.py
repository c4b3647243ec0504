"""The Dagster side of verification mail: the sensor starts a run only when mail waits, and
the run confirms the submission and reports it on its `listing_submission` partition. Real
Postgres, Maildir, Chromium and a loopback directory; the run executes in process."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg

from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.defs.verification import (
    VerificationMailResource,
    verification_mail,
    verification_mail_sensor,
)
from directory_pipeline.domain import Catalog, DirectoryEntry, SubmissionStatus
from directory_pipeline.domain.catalog import load_catalog, write_catalog
from directory_pipeline.store.results import ResultStore
from directory_pipeline_tests.verification.test_mailbox_pass import (
    ADDRESS,
    _deliver,
    _Directory,
    _needs_review,
    directory,  # noqa: F401  (the loopback directory fixture)
)


def test_mail_starts_one_run_that_confirms_and_reports_the_partition(
    migrated_database_url: str,
    tmp_path: Path,
    directory: DirectoryEntry,  # noqa: F811
) -> None:
    dsn, outcomes, maildir = migrated_database_url, tmp_path / "analytics", tmp_path / "mail"
    mail = VerificationMailResource(address=ADDRESS, maildir=str(maildir))
    instance = dg.DagsterInstance.ephemeral()

    idle = verification_mail_sensor(dg.build_sensor_context(instance=instance), mail=mail)
    assert isinstance(idle, dg.SkipReason)

    job = uuid.uuid4()
    _needs_review(dsn, outcomes, job, directory)
    base = directory.submit_url.removesuffix("/add")
    _deliver(maildir, job, f"{base}/verify/t9", sender="noreply@mailcheck.localhost", key="z")
    started = verification_mail_sensor(dg.build_sensor_context(instance=instance), mail=mail)
    assert isinstance(started, dg.SensorResult) and len(started.run_requests or []) == 1

    catalog = load_catalog()
    catalog_file = write_catalog(
        Catalog(packages=catalog.packages, directories=[directory]), tmp_path / "catalog.yaml"
    )
    resources = {
        "mail": mail,
        "supabase": SupabaseResource(database_url=dsn),
        "engine": SubmissionEngineResource(evidence_root=str(tmp_path / "evidence")),
        "catalog": CatalogResource(path=str(catalog_file)),
        "analytics": AnalyticsResource(root=str(outcomes)),
    }
    # In a thread of its own: the session's Chromium fixture keeps a Playwright on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(
            lambda: verification_mail.execute_in_process(instance=instance, resources=resources)
        ).result(timeout=300)
    assert result.success
    assert ResultStore(dsn).result_statuses(job) == {directory.slug: SubmissionStatus.SUBMITTED}
    assert _Directory.hits == ["/verify/t9"]
    observations = [
        e.asset_observation_data.asset_observation
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION
    ]
    assert [o.partition for o in observations] == [f"{directory.slug}|{job}"]
    after = verification_mail_sensor(dg.build_sensor_context(instance=instance), mail=mail)
    assert isinstance(after, dg.SkipReason)  # the mail is handled: no second run
