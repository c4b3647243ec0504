"""The plan cache in real Postgres: a form seen before costs no model call; a changed form
gets a new plan."""

from __future__ import annotations

from directory_pipeline.forms.mapper import map_form
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import FormField, FormSchema
from directory_pipeline.store.form_plans import PostgresPlanCache
from directory_pipeline_tests.forms.test_heuristics import field, schema


class CountingClassifier:
    """Stands in for the LLM layer only to count calls (the real one is tested against a real
    llama.cpp server in test_llm_layer.py); it leaves every field it is given."""

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, schema: FormSchema, fields: list[FormField]) -> list[FieldDecision]:
        self.calls += 1
        return [FieldDecision.leave(f.key, "counted", source="llm") for f in fields]


def test_a_repeat_form_comes_from_the_cache_without_a_model_call(
    migrated_database_url: str,
) -> None:
    cache = PostgresPlanCache(migrated_database_url)
    classifier = CountingClassifier()
    page = schema(
        field("company", "Company"), field("mystery", "Wie heißt Ihr Hund?", required=True)
    )

    first = map_form(page, directory_slug="citylocal-hub", cache=cache, classifier=classifier)
    assert classifier.calls == 1
    assert {d.source for d in first.decisions} == {"heuristic", "llm"}

    again = map_form(page, directory_slug="citylocal-hub", cache=cache, classifier=classifier)
    assert classifier.calls == 1
    assert {d.source for d in again.decisions} == {"plan-cache"}
    assert [d.profile_key for d in again.decisions] == [d.profile_key for d in first.decisions]


def test_a_changed_form_gets_a_new_plan(migrated_database_url: str) -> None:
    cache = PostgresPlanCache(migrated_database_url)
    v1 = schema(field("company", "Company"), field("mail", "Email"))
    v2 = schema(field("company", "Company"), field("mail", "Email"), field("tel", "Phone"))
    map_form(v1, directory_slug="nearbyguide", cache=cache)
    plan = map_form(v2, directory_slug="nearbyguide", cache=cache)
    assert {d.source for d in plan.decisions} == {"heuristic"}
    assert cache.fingerprints("nearbyguide") == [v1.fingerprint, v2.fingerprint]
    # Plans are per directory: the same form elsewhere is planned afresh.
    elsewhere = map_form(v1, directory_slug="citylocal-hub", cache=cache)
    assert {d.source for d in elsewhere.decisions} == {"heuristic"}
