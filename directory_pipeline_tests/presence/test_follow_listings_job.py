"""The Dagster side of following listings: the sensor asks for one run only when checks are
due, the run reports each check as a `listing_presence` partition (and a live listing on its
`listing_submission` partition), and analysts get live rates and a chart. Real Postgres,
the sandbox server and Chromium; the runs execute in process."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import httpx
import pandas as pd

from directory_pipeline.defs.analytics import live_rate_chart, live_rates
from directory_pipeline.defs.presence import (
    PresenceResource,
    follow_listings,
    listing_presence_sensor,
)
from directory_pipeline.defs.resources import (
    AnalyticsResource,
    CatalogResource,
    SubmissionEngineResource,
    SupabaseResource,
)
from directory_pipeline.domain import Catalog, SubmissionStatus
from directory_pipeline.domain.catalog import load_catalog, write_catalog
from directory_pipeline.store.database import connect
from directory_pipeline.store.results import ResultStore

from .conftest import Submitted, assert_in_sync


def test_due_checks_start_one_run_that_reports_the_listing_live_and_the_rates(
    migrated_database_url: str,
    tmp_path: Path,
    sandbox: httpx.Client,
    submitted: Callable[..., Submitted],
) -> None:
    dsn, analytics_root = migrated_database_url, tmp_path / "analytics"
    item = submitted("citylocal-hub", {"publish_delay_s": 0})
    shipped = load_catalog()
    catalog = CatalogResource(
        path=str(
            write_catalog(
                Catalog(packages=shipped.packages, directories=[item.directory]),
                tmp_path / "catalog.yaml",
            )
        )
    )
    supabase = SupabaseResource(database_url=dsn)
    instance = dg.DagsterInstance.ephemeral()

    def tick() -> dg.SensorResult | dg.SkipReason:
        context = dg.build_sensor_context(instance=instance)
        result = listing_presence_sensor(context, supabase=supabase, catalog=catalog)
        assert isinstance(result, dg.SensorResult | dg.SkipReason)
        return result

    assert isinstance(tick(), dg.SkipReason)  # submitted just now: the first check is in 1 h
    with connect(dsn) as conn:
        conn.execute(
            "update job_results set submitted_at = now() - interval '2 hours' where job_id = %s",
            (item.job_id,),
        )
    started = tick()
    assert isinstance(started, dg.SensorResult) and len(started.run_requests or []) == 1

    resources = {
        "presence": PresenceResource(),
        "supabase": supabase,
        "engine": SubmissionEngineResource(evidence_root=str(tmp_path / "evidence")),
        "catalog": catalog,
        "analytics": AnalyticsResource(root=str(analytics_root)),
    }
    # In a thread of its own: the session's Chromium fixture keeps a Playwright on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(
            lambda: follow_listings.execute_in_process(instance=instance, resources=resources)
        ).result(timeout=300)

    assert result.success
    assert ResultStore(dsn).result_statuses(item.job_id) == {"citylocal-hub": SubmissionStatus.LIVE}
    assert_in_sync(dsn, analytics_root, item.job_id)
    partition = f"citylocal-hub|{item.job_id}"
    [materialization] = [
        m
        for m in result.asset_materializations_for_node("listings_followed")
        if m.asset_key == dg.AssetKey("listing_presence")
    ]
    assert materialization.partition == partition
    metadata = materialization.metadata
    assert metadata["state"].value == "live"
    assert "/listing/" in str(metadata["listing_url"].value)
    assert "| street | 1208 SE Hawthorne Blvd. |" in str(metadata["nap"].value)
    assert metadata["nap_differences"].value == 0
    assert str(metadata["preview"].value).startswith("![the live listing](data:image/jpeg")
    observations = [
        e.asset_observation_data.asset_observation
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION
    ]
    assert [(o.asset_key.to_user_string(), o.partition) for o in observations] == [
        ("listing_submission", partition)
    ]
    assert isinstance(tick(), dg.SkipReason)  # live: nothing due any more

    assert dg.materialize([live_rates, live_rate_chart], resources=resources).success
    rates = pd.read_parquet(analytics_root / "live_rates.parquet")
    by = {(r["grouping"], r["key"]): r for r in rates.to_dict("records")}
    assert by[("directory", "citylocal-hub")]["live_rate"] == 1.0
    assert by[("package", "starter")]["live"] == 1
    assert 1.9 < by[("directory", "citylocal-hub")]["median_hours_to_live"] < 2.5
    assert (analytics_root / "live_rate_chart.png").read_bytes()[:4] == b"\x89PNG"
