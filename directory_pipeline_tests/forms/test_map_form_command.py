"""`directory-pipeline map-form` on the sandbox sites, as staff would run it (contracts §6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from directory_pipeline.sandbox import SandboxServer

CLI = str(Path(sys.executable).with_name("directory-pipeline"))
CONTRACT_KEYS = {"form_index", "name", "id", "label", "kind", "profile_key", "source"}


def _map_form(*args: str) -> dict:
    result = subprocess.run(
        [CLI, "map-form", *args, "--no-llm", "--json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def _by_name(payload: dict) -> dict[str, dict]:
    return {f["name"] or f["id"]: f for f in payload["fields"]}


def test_output_follows_the_contract(sandbox_server: SandboxServer) -> None:
    payload = _map_form(sandbox_server.url_for("citylocal-hub"))
    assert set(payload) >= {"fingerprint", "fields"}
    assert len(payload["fingerprint"]) == 32
    for row in payload["fields"]:
        assert set(row) >= CONTRACT_KEYS
        assert row["source"] in {"plan-cache", "heuristic", "llm"}
    kinds = {f["kind"] for f in payload["fields"]}
    assert "hidden" not in kinds


def test_honeypot_and_decoy_map_to_nothing(sandbox_server: SandboxServer) -> None:
    fields = _by_name(_map_form(sandbox_server.url_for("trustedtrades-directory")))
    assert fields["website"]["profile_key"] is None  # hidden honeypot named like a real field
    assert fields["email_confirm"]["profile_key"] is None  # off-screen decoy
    assert "email" in {f["profile_key"] for f in fields.values()}


def test_german_labels_with_opaque_names(sandbox_server: SandboxServer) -> None:
    fields = _map_form(sandbox_server.url_for("stadtbranchen-de"))["fields"]
    mapped = {f["profile_key"] for f in fields if f["name"].startswith("f")}
    assert {"business_name", "phone", "email", "city", "postal_code"} <= mapped


@pytest.mark.parametrize("slug", ["quicklist-app", "towncrier-listings", "bizlist-wizard"])
def test_late_iframe_and_wizard_fields_are_mapped(sandbox_server: SandboxServer, slug: str) -> None:
    fields = _map_form(sandbox_server.url_for(slug))["fields"]
    assert {"business_name", "email"} <= {f["profile_key"] for f in fields}


def test_a_saved_html_file_maps_too(tmp_path: Path, profile_file: Path) -> None:
    page = tmp_path / "form.html"
    page.write_text(
        "<form><label>Company <input name=c></label>"
        "<label>Country <select name=k><option value=DE>Germany</option>"
        "<option value=US>United States</option></select></label></form>"
    )
    result = subprocess.run(
        [CLI, "map-form", str(page), "--no-llm", "--json", "--profile", str(profile_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = _by_name(json.loads(result.stdout))
    assert rows["c"]["profile_key"] == "business_name"
    assert rows["c"]["value"] == "Rosa's Bakery"
    assert (rows["k"]["profile_key"], rows["k"]["value"]) == ("country", "US")
