"""`submit-one`: one form, outside any job, with the catalog's limits when the URL is known."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from directory_pipeline.browser.engine import EngineConfig, SubmissionEngine, SubmissionResult
from directory_pipeline.browser.evidence import evidence_store
from directory_pipeline.domain import BusinessProfile, DirectoryEntry, Package, load_catalog
from directory_pipeline.forms.service import classifier_from
from directory_pipeline.settings import Settings
from directory_pipeline.store.form_plans import plan_cache_from


def directory_for(url: str, settings: Settings) -> DirectoryEntry:
    """The catalog entry whose hosts cover the URL (aimed at this URL), or an ad-hoc one that
    allows only the URL's own host; loopback only for local sandbox hosts."""
    entry = load_catalog(settings.catalog_path).directory_for_url(url)
    if entry is not None:
        return entry.model_copy(update={"submit_url": url, "min_interval_seconds": 0.0})
    host = (urlparse(url).hostname or "").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", host).strip("-")[:63] or "adhoc"
    local = host == "localhost" or host.endswith(".localhost") or host.startswith("127.")
    return DirectoryEntry(
        slug=slug,
        name=host,
        submit_url=url,
        tier=Package.STARTER,
        hosts=[host],
        sandbox=local,
        min_interval_seconds=0.0,
    )


def submit_url(
    url: str,
    profile: BusinessProfile,
    settings: Settings,
    *,
    evidence_dir: Path | None = None,
    use_llm: bool = True,
) -> SubmissionResult:
    root = (
        str(evidence_dir)
        if evidence_dir
        else (settings.evidence_root or str(settings.state_dir / "evidence"))
    )
    engine = SubmissionEngine(
        evidence_store(root),
        config=EngineConfig(chromium_executable_path=settings.chromium_executable_path),
        cache=plan_cache_from(settings),
        classifier=classifier_from(settings) if use_llm else None,
    )
    with engine:
        return engine.submit(directory_for(url, settings), profile)
