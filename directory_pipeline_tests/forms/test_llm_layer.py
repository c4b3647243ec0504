"""The CrewAI layer against a real LLM: llama.cpp's server with Gemma 3 270M, started by the
suite from PyPI packages. A few calls only: each costs seconds on two cores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from directory_pipeline.domain.profile import PROFILE_KEYS
from directory_pipeline.forms.heuristics import compatible
from directory_pipeline.forms.llm import LlmFieldClassifier
from directory_pipeline.forms.mapper import map_form
from directory_pipeline.local.llm_server import MODEL_ALIAS, LocalLlm
from directory_pipeline.local.ports import free_port
from directory_pipeline_tests.forms.test_heuristics import field, schema

PAGES = Path(__file__).parent / "pages"


@pytest.fixture(scope="module")
def llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLlm]:
    state = tmp_path_factory.mktemp("llm")
    server = LocalLlm(state, free_port(), state / "llm.log")
    server.start()
    yield server
    server.stop()


def test_the_model_only_ever_yields_vocabulary_keys_the_field_can_carry(
    llm: LocalLlm, tmp_path: Path
) -> None:
    unresolved = [
        field("f1", "Wie lautet der Name Ihres Geschäfts?"),
        field("f2", "¿En qué ciudad está?"),
        field("f3", "Lieblingsfarbe", "select-multiple", multiple=True),
    ]
    classifier = LlmFieldClassifier(llm.base_url, MODEL_ALIAS, storage_dir=str(tmp_path))
    decisions = classifier.classify(schema(*unresolved), unresolved)
    assert decisions, "the model answered nothing"
    by_key = {f.key: f for f in unresolved}
    for decision in decisions:
        assert decision.source == "llm"
        assert decision.field_key in by_key
        if decision.action == "fill":
            assert decision.profile_key in PROFILE_KEYS
            assert compatible(by_key[decision.field_key], decision.profile_key)
        else:
            assert decision.action == "leave" and decision.profile_key is None


def test_answers_are_checked_before_use() -> None:
    text = field("f1", "?")
    assert LlmFieldClassifier._checked(text, "none").action == "leave"
    assert LlmFieldClassifier._checked(text, "password").action == "leave"
    assert LlmFieldClassifier._checked(field("f2", "?", "checkbox"), "email").action == "leave"
    unsupported = LlmFieldClassifier._checked(text, "city")
    assert unsupported.action == "leave" and "nothing on the page" in unsupported.reason
    town = field("town_of_business", "Where?")
    filled = LlmFieldClassifier._checked(town, "city")
    assert (filled.action, filled.profile_key, filled.source) == ("fill", "city", "llm")


def test_only_required_fields_the_heuristics_left_reach_the_model(
    llm: LocalLlm, tmp_path: Path
) -> None:
    """A required field left empty stops the listing, so it is worth a question; an optional
    one is not (the model's answers cost more precision than they add recall)."""
    page = schema(
        field("company", "Company name"),
        field("email", "E-mail"),
        field("mystery", "Quel est le nom de votre chien ?", required=True),
        field("aside", "Wie haben Sie von uns erfahren?"),
    )
    plan = map_form(
        page, classifier=LlmFieldClassifier(llm.base_url, MODEL_ALIAS, storage_dir=str(tmp_path))
    )
    sources = {d.field_key: d.source for d in plan.decisions}
    assert sources == {
        "0/company": "heuristic",
        "0/email": "heuristic",
        "0/mystery": "llm",
        "0/aside": "heuristic",
    }


def test_map_form_command_uses_the_llm_endpoint(llm: LocalLlm, tmp_path: Path) -> None:
    page = tmp_path / "odd.html"
    page.write_text(
        "<form><label for=a>Company</label><input id=a name=a>"
        "<label for=b>Wo sind Sie zu Hause?</label><input id=b name=b required></form>"
    )
    env = {
        **os.environ,
        "LLM_BASE_URL": llm.base_url,
        "LLM_MODEL": MODEL_ALIAS,
        "CREWAI_STORAGE_DIR": str(tmp_path / "crewai"),
    }
    cli = Path(sys.executable).with_name("directory-pipeline")
    result = subprocess.run(
        [str(cli), "map-form", str(page), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    fields = {f["name"]: f for f in json.loads(result.stdout)["fields"]}
    assert fields["a"]["source"] == "heuristic" and fields["a"]["profile_key"] == "business_name"
    assert fields["b"]["source"] == "llm"
