"""Addresses of Dagster UI pages, from the UI's base URL (`DAGSTER_UI_URL`). No base URL:
no link (an alert then says so rather than pointing at a guess)."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _base(ui_url: str | None) -> str | None:
    return ui_url.rstrip("/") if ui_url else None


def run_url(ui_url: str | None, run_id: str) -> str | None:
    base = _base(ui_url)
    return f"{base}/runs/{quote(run_id)}" if base else None


def asset_url(
    ui_url: str | None, asset: str, *, partition: str | None = None, check: str | None = None
) -> str | None:
    """An asset's page; with `check`, its checks tab on that check; with `partition`, that
    partition selected."""
    base = _base(ui_url)
    if not base:
        return None
    query: dict[str, str] = {}
    if check:
        query["view"] = "checks"
        query["checkDetail"] = check
    if partition:
        query["partition"] = partition
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{base}/assets/{quote(asset)}{suffix}"


def automation_url(ui_url: str | None) -> str | None:
    """The sensors and schedules page (where `sqs_job_sensor`'s ticks are)."""
    base = _base(ui_url)
    return f"{base}/automation" if base else None
