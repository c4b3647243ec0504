"""The SQS job message v1: round-trips, and every malformed body is refused with a reason."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from directory_pipeline.domain import JobMessage, describe_validation_error
from directory_pipeline_tests.conftest import SAMPLE_PROFILE
from directory_pipeline_tests.strategies import job_messages

VALID = {
    "schema_version": 1,
    "job_id": str(uuid.uuid4()),
    "customer_id": str(uuid.uuid4()),
    "package": "growth",
    "business": SAMPLE_PROFILE,
    "directories": ["citylocal-hub", "bizlist-wizard"],
    "requested_at": "2026-11-29T10:00:00Z",
}


@settings(max_examples=150, deadline=None)
@given(job_messages())
def test_message_round_trips_through_the_wire_format(message: JobMessage) -> None:
    assert JobMessage.from_body(message.to_body()) == message


def test_business_may_be_omitted_and_unknown_fields_are_ignored() -> None:
    body = {k: v for k, v in VALID.items() if k != "business"} | {"coupon": "BLACKFRIDAY"}
    message = JobMessage.from_body(json.dumps(body))
    assert message.business is None
    assert message.directories == ["citylocal-hub", "bizlist-wizard"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schema_version": 2}, "schema_version"),
        ({"job_id": "not-a-uuid"}, "job_id"),
        ({"customer_id": None}, "customer_id"),
        ({"package": "platinum"}, "package"),
        ({"requested_at": "2026-11-29T10:00:00"}, "requested_at"),  # no timezone
        ({"directories": ["Not A Slug"]}, "directories[0]"),
        ({"business": {**SAMPLE_PROFILE, "email": "nope"}}, "business.email"),
    ],
)
def test_malformed_field_is_named(change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        JobMessage.from_body(json.dumps(VALID | change))
    assert any(line.startswith(field) for line in describe_validation_error(caught.value))


@pytest.mark.parametrize(
    "missing", ["schema_version", "job_id", "customer_id", "package", "requested_at"]
)
def test_missing_required_field_is_named(missing: str) -> None:
    body = {k: v for k, v in VALID.items() if k != missing}
    with pytest.raises(ValidationError) as caught:
        JobMessage.from_body(json.dumps(body))
    assert f"{missing}: required field is missing" in describe_validation_error(caught.value)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_parses_as_a_job_silently(body: str) -> None:
    try:
        JobMessage.from_body(body)
    except (ValueError, ValidationError) as exc:  # ValidationError is a ValueError
        assert str(exc)
    else:  # pragma: no cover - would mean random text made a valid job
        pytest.fail(f"accepted {body!r}")


@pytest.mark.parametrize("body", ["", "[]", "null", "42", "{not json"])
def test_non_object_bodies_are_refused(body: str) -> None:
    with pytest.raises(ValueError, match="JSON"):
        JobMessage.from_body(body)
