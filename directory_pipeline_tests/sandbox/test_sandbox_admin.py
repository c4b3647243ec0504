"""Knobs, the admin API on the bare host, and Host-header routing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from directory_pipeline.sandbox import SandboxServer, SiteKnobs
from directory_pipeline.sandbox.knobs import KnobBoard

from .conftest import GOOD_FIELDS, SiteClient

MakeClient = Callable[..., SiteClient]


def test_knobs_validate_their_ranges() -> None:
    assert SiteKnobs(latency_ms_min=300, latency_ms_max=1500).latency_ms_max == 1500
    with pytest.raises(ValidationError):
        SiteKnobs(latency_ms_min=900, latency_ms_max=300)
    with pytest.raises(ValidationError):
        SiteKnobs(failure_rate=1.5)
    with pytest.raises(ValidationError):
        SiteKnobs.model_validate({"latency": 5})


def test_board_merges_only_what_was_set_and_resets() -> None:
    board = KnobBoard({"a": SiteKnobs(submit_delay_ms=2000), "b": SiteKnobs()})
    board.update({"*": SiteKnobs(latency_ms_min=300, latency_ms_max=1500)})
    board.update({"b": {"failure_rate": 0.25}})

    assert board.get("a").submit_delay_ms == 2000
    assert board.get("a").latency_ms_max == 1500
    assert board.get("b").failure_rate == 0.25
    with pytest.raises(KeyError):
        board.update({"zzz": {"failure_rate": 0.1}})
    with pytest.raises(ValidationError):
        board.update({"a": {"latency_ms_max": 10}})
    assert board.get("a").latency_ms_max == 1500

    board.reset()
    assert board.get("b") == SiteKnobs()


def test_admin_sets_knobs_at_runtime(admin: httpx.Client) -> None:
    changed = admin.post(
        "/__sandbox/knobs",
        json={"citylocal-hub": {"latency_ms_min": 300, "latency_ms_max": 1500}},
    )

    assert changed.status_code == 200
    assert changed.json()["citylocal-hub"]["latency_ms_max"] == 1500
    assert admin.get("/__sandbox/knobs").json()["citylocal-hub"]["latency_ms_min"] == 300
    assert admin.get("/__sandbox/knobs").json()["nearbyguide"]["latency_ms_max"] == 0
    assert admin.post("/__sandbox/knobs", json={"nope": {}}).status_code == 404
    bad = admin.post("/__sandbox/knobs", json={"citylocal-hub": {"failure_rate": 2}})
    assert bad.status_code == 422


def test_failure_rate_one_answers_503_in_front_of_the_site(
    admin: httpx.Client, site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    admin.post("/__sandbox/knobs", json={"citylocal-hub": {"failure_rate": 1.0}})
    client = site_client("citylocal-hub")

    assert client.get("/add-listing").status_code == 503
    assert client.post("/add-listing", data=GOOD_FIELDS["citylocal-hub"]).status_code == 503
    assert sandbox_server.app.state.sandbox.ledger.entries() == []
    assert admin.get("/__sandbox/stats").json()["citylocal-hub"]["random-503"] == 2
    # Other sites are unaffected.
    assert site_client("nearbyguide").get("/add-place").status_code == 200


def test_reset_forgets_ledger_and_memory(
    admin: httpx.Client, site_client: MakeClient, sandbox_server: SandboxServer
) -> None:
    client = site_client("shopfront-finder")
    assert client.submit(GOOD_FIELDS["shopfront-finder"]).status_code == 503
    assert client.submit(GOOD_FIELDS["shopfront-finder"]).status_code == 200

    admin.post("/__sandbox/reset").raise_for_status()

    assert sandbox_server.app.state.sandbox.ledger.entries() == []
    assert client.submit(GOOD_FIELDS["shopfront-finder"]).status_code == 503


def test_reset_keeps_knobs_unless_asked(admin: httpx.Client) -> None:
    admin.post("/__sandbox/knobs", json={"citylocal-hub": {"submit_delay_ms": 5}})
    admin.post("/__sandbox/form-version", json={"site": "nearbyguide", "version": 2})

    admin.post("/__sandbox/reset")
    assert admin.get("/__sandbox/knobs").json()["citylocal-hub"]["submit_delay_ms"] == 5
    admin.post("/__sandbox/reset", json={"knobs": True})
    assert admin.get("/__sandbox/knobs").json()["citylocal-hub"]["submit_delay_ms"] == 0
    assert admin.get("/__sandbox/form-version").json() == {"nearbyguide": 1}


def test_form_version_endpoint_bumps_wraps_and_refuses_others(admin: httpx.Client) -> None:
    bumped = [
        admin.post("/__sandbox/form-version", json={"site": "nearbyguide"}).json()["version"]
        for _ in range(3)
    ]
    assert bumped == [2, 3, 1]
    assert admin.post("/__sandbox/form-version", json={"site": "citylocal-hub"}).status_code == 404
    bad = admin.post("/__sandbox/form-version", json={"site": "nearbyguide", "version": 7})
    assert bad.status_code == 422


def test_admin_api_is_not_served_on_site_hosts(site_client: MakeClient) -> None:
    client = site_client("citylocal-hub")

    assert client.get("/__sandbox/ledger").status_code == 404
    assert client.post("/__sandbox/reset").status_code in {404, 405}


def test_unknown_site_host_is_404(sandbox_server: SandboxServer) -> None:
    response = httpx.get(
        f"{sandbox_server.url}/add-listing",
        headers={"Host": f"no-such-site.localhost:{sandbox_server.port}"},
    )
    assert response.status_code == 404


def test_index_on_the_bare_host_lists_every_site(
    admin: httpx.Client, sandbox_server: SandboxServer
) -> None:
    index = admin.get("/")
    sites = admin.get("/__sandbox/sites").json()

    assert index.status_code == 200
    assert len(sites) >= 15
    for site in sites:
        assert site["slug"] in index.text
        assert site["url"] == sandbox_server.url_for(site["slug"])


def test_create_time_knobs_are_the_reset_baseline(tmp_path: Path) -> None:
    knobs = {"*": SiteKnobs(latency_ms_min=1, latency_ms_max=2)}
    with SandboxServer(tmp_path / "l.sqlite3", knobs=knobs) as server:
        admin = httpx.Client(base_url=server.url)
        admin.post("/__sandbox/knobs", json={"*": {"latency_ms_min": 0, "latency_ms_max": 0}})
        admin.post("/__sandbox/reset", json={"knobs": True})
        current = admin.get("/__sandbox/knobs").json()
        admin.close()

    assert current["citylocal-hub"]["latency_ms_max"] == 2
    # The slow site keeps its own submit delay under a partial override.
    assert current["heritage-register"]["submit_delay_ms"] == 2000
