"""The CrewAI layer gives up on a hung endpoint: `classify` returns within its time budget,
the unanswered fields stay `leave`, and a warning says so. The crew really runs and really
sends its request over HTTP; only the endpoint is a stand-in (see `HungEndpoint`)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from directory_pipeline.forms.llm import MAX_FIELDS_PER_CALL, LlmFieldClassifier
from directory_pipeline.forms.mapper import ClassifierUnavailable, map_form
from directory_pipeline.forms.plan import FormPlan
from directory_pipeline_tests.forms.test_heuristics import field, schema

TIMEOUT_S = 3.0
SLACK_S = 2.0


class HungEndpoint:
    """Test double standing in for a hung OpenAI-compatible LLM endpoint, because no real hung
    endpoint can run here: a loopback TCP server that accepts each connection, reads the
    request, and never answers (the connection stays open until the test ends)."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self.requests: list[bytes] = []
        self.request_seen = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}/v1"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return  # closed at the end of the test
            self._held.append(conn)
            conn.settimeout(5)
            try:
                self.requests.append(conn.recv(65536))
            except OSError:
                continue
            self.request_seen.set()

    def close(self) -> None:
        self._server.close()
        for conn in self._held:
            conn.close()


class _RememberingCache:
    """An in-memory plan cache: only what `map_form` stores matters here."""

    def __init__(self) -> None:
        self.stored: list[tuple[str, FormPlan]] = []

    def get(self, directory_slug: str, fingerprint: str) -> FormPlan | None:
        return None

    def put(self, directory_slug: str, plan: FormPlan) -> None:
        self.stored.append((directory_slug, plan))


@pytest.fixture
def hung_endpoint() -> Iterator[HungEndpoint]:
    import crewai  # noqa: F401  # imported up front, so the budget is spent waiting, not importing

    endpoint = HungEndpoint()
    yield endpoint
    endpoint.close()
    # The abandoned crew threads now fail fast; let them finish before the next test.
    for thread in threading.enumerate():
        if thread.name == "crew":
            thread.join(timeout=15)


def test_classify_returns_within_its_budget_when_the_endpoint_hangs(
    hung_endpoint: HungEndpoint, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    # More fields than one call takes: the budget covers the whole classify call.
    unresolved = [field(f"f{i}", f"Frage Nummer {i}") for i in range(MAX_FIELDS_PER_CALL + 1)]
    classifier = LlmFieldClassifier(
        hung_endpoint.base_url, "hung-model", storage_dir=str(tmp_path), timeout_s=TIMEOUT_S
    )
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="directory_pipeline.forms.llm"),
        pytest.raises(ClassifierUnavailable) as unavailable,
    ):
        classifier.classify(schema(*unresolved), unresolved)
    elapsed = time.monotonic() - started

    assert unavailable.value.partial == []
    assert elapsed < TIMEOUT_S + SLACK_S, elapsed
    assert hung_endpoint.request_seen.is_set(), "the crew never reached the endpoint"
    assert b"POST /v1/chat/completions" in hung_endpoint.requests[0]
    assert any(
        "no answer within 3 s" in r.getMessage() and "13 field(s)" in r.getMessage()
        for r in caplog.records
    ), [r.getMessage() for r in caplog.records]


def test_fields_the_hung_model_never_answered_stay_leave(
    hung_endpoint: HungEndpoint, tmp_path
) -> None:
    page = schema(
        field("company", "Company name"), field("mystery", "Nom de votre chien ?", required=True)
    )
    classifier = LlmFieldClassifier(
        hung_endpoint.base_url, "hung-model", storage_dir=str(tmp_path), timeout_s=TIMEOUT_S
    )
    cache = _RememberingCache()
    started = time.monotonic()
    plan = map_form(page, directory_slug="dogs-directory", cache=cache, classifier=classifier)
    assert time.monotonic() - started < TIMEOUT_S + SLACK_S
    assert cache.stored == []  # a plan the model never finished is not remembered
    by_key = {d.field_key: d for d in plan.decisions}
    assert by_key["0/company"].profile_key == "business_name"
    assert (by_key["0/mystery"].action, by_key["0/mystery"].profile_key) == ("leave", None)
