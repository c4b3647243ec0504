"""What the LLM layer asks and what it does with the answer, without the model: the question's
content (the field's neighbourhood, the form's solved fields as examples), which keys each
field may get, required fields first, and the gate on answers. Whether the model answers
through this path is `test_llm_layer.py`'s job, against the real server."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from directory_pipeline.forms.llm import (
    DECOYS,
    LlmFieldClassifier,
    answer_model,
    candidate_keys,
    choices_for,
    field_prompt,
    ordered_for_model,
)
from directory_pipeline.forms.mapper import heuristic_plan
from directory_pipeline_tests.forms.test_heuristics import field, schema
from directory_pipeline_tests.forms.test_llm_timeout import HungEndpoint


def _question_for(name: str, *fields) -> str:
    page = schema(*fields)
    decided, _ = heuristic_plan(page)
    target = next(f for f in page.fields if f.name == name)
    return field_prompt(page, target, decided, choices_for(candidate_keys(target)))


def test_the_question_names_the_fields_around_it_and_what_they_are() -> None:
    question = _question_for(
        "surname_or_trade",
        field("first", "First name"),
        field("surname_or_trade", "Nume", required=True),
        field("mail", "E-mail"),
    )
    assert 'after "First name" (contact_first_name)' in question
    assert 'before "E-mail" (email)' in question
    assert '"Nume" (text, name surname_or_trade, required)' in question


def test_the_question_shows_the_forms_confident_fields_as_examples() -> None:
    question = _question_for(
        "mystery",
        field("company", "Firmenname"),
        field("mail", "E-Mail"),
        field("mystery", "Wie lautet der Name Ihres Geschäfts?"),
    )
    assert '"Firmenname" -> business_name' in question
    assert '"E-Mail" -> email' in question
    assert '"Wie lautet der Name Ihres Geschäfts?" ->' not in question  # not its own example


def test_the_section_legend_is_part_of_the_neighbourhood() -> None:
    from directory_pipeline.forms.schema import LabelSources

    inside = field("l2", "Line 2").model_copy(
        update={"sources": LabelSources(label="Line 2", legend="Postal address")}
    )
    question = _question_for("l2", field("company", "Company name"), inside)
    assert 'in the section "Postal address"' in question


def test_each_field_may_only_get_keys_it_can_carry_and_the_page_points_at() -> None:
    town = field("town_of_business", "Where?")
    assert candidate_keys(town) == ["business_name", "city"]
    assert candidate_keys(field("f", "Lieblingsfarbe")) == []
    # A checkbox cannot carry an e-mail, however its label reads.
    assert "email" not in candidate_keys(field("mail", "E-mail", "checkbox"))
    choices = choices_for(candidate_keys(town))
    assert set(choices) == {*DECOYS, "business_name", "city"}
    model = answer_model(choices)
    assert model.model_validate({"key": "city"}).key == "city"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        model.model_validate({"key": "email"})
    schema_enum = model.model_json_schema()["properties"]["key"]["enum"]
    assert schema_enum == choices


def test_required_fields_are_asked_first_then_page_order() -> None:
    fields = [
        field("a", "A"),
        field("b", "B", required=True),
        field("c", "C"),
        field("d", "D", required=True),
    ]
    assert [f.name for f in ordered_for_model(fields)] == ["b", "d", "a", "c"]


def test_answers_are_gated_with_reasons_a_person_can_read() -> None:
    town = field("town_of_business", "Where?", required=True)
    candidates = candidate_keys(town)
    filled = LlmFieldClassifier._checked(town, "city", candidates)
    assert (filled.action, filled.profile_key, filled.source) == ("fill", "city", "llm")
    decoy = LlmFieldClassifier._checked(town, "verification_code", candidates)
    assert decoy.action == "leave"
    assert decoy.reason == "the model read it as verification code, not business_name, city"
    # An endpoint that ignores the schema still cannot slip an unsupported key through.
    unsupported = LlmFieldClassifier._checked(town, "email", candidates)
    assert (unsupported.action, unsupported.profile_key) == ("leave", None)
    assert unsupported.reason == "model said email, but nothing on the page supports it"
    carry = LlmFieldClassifier._checked(field("t", "?", "checkbox"), "email")
    assert carry.reason == "model said email, but a checkbox cannot carry it"


def test_a_field_nothing_on_the_page_points_at_is_not_sent_to_the_model(tmp_path) -> None:
    endpoint = HungEndpoint()
    try:
        lost = [field("f1", "Lieblingsfarbe", required=True), field("f2", "Wo sind Sie?")]
        classifier = LlmFieldClassifier(
            endpoint.base_url, "hung-model", storage_dir=str(tmp_path), timeout_s=3
        )
        decisions = classifier.classify(schema(*lost), lost)
    finally:
        endpoint.close()
    assert not endpoint.request_seen.is_set()
    assert [(d.field_key, d.action) for d in decisions] == [("0/f1", "leave"), ("0/f2", "leave")]
    assert {d.reason for d in decisions} == {
        "nothing on the page points at a profile key this field can carry"
    }


def test_the_first_question_sent_is_the_required_fields(tmp_path) -> None:
    import crewai  # noqa: F401  # imported up front, so the budget is spent waiting, not importing

    from directory_pipeline.forms.mapper import ClassifierUnavailable

    endpoint = HungEndpoint()
    try:
        fields = [field("town_optional", "Wo?"), field("town_required", "Wo?", required=True)]
        classifier = LlmFieldClassifier(
            endpoint.base_url, "hung-model", storage_dir=str(tmp_path), timeout_s=2
        )
        with pytest.raises(ClassifierUnavailable):
            classifier.classify(schema(*fields), fields)
    finally:
        endpoint.close()
    assert endpoint.request_seen.is_set()
    assert b"town_required" in endpoint.requests[0]
    assert b"town_optional" not in endpoint.requests[0]
