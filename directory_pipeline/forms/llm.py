"""The last mapping layer: a CrewAI crew on an OpenAI-compatible endpoint chooses profile keys
for fields the heuristics could not place. The model only chooses keys from the vocabulary
(an enum in a strict JSON schema the server enforces); values always come from the profile,
and every answer is checked before use."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, cast

from pydantic import BaseModel, Field, create_model

from directory_pipeline.domain.profile import PROFILE_KEYS, ProfileKey
from directory_pipeline.forms.heuristics import compatible, weakly_supports
from directory_pipeline.forms.mapper import ClassifierUnavailable
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import FormField, FormSchema

MAX_FIELDS_PER_CALL = 12
NONE = "none"
DEFAULT_TIMEOUT_S = 60.0

log = logging.getLogger(__name__)


def _crewai_environment(storage_dir: str | None) -> None:
    # CrewAI phones home and stalls ~13 s at exit unless told not to; keep its files with ours.
    os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    if storage_dir:
        os.environ.setdefault("CREWAI_STORAGE_DIR", storage_dir)


def _answer_model(count: int) -> type[BaseModel]:
    key_type = Literal[tuple([*PROFILE_KEYS, NONE])]  # type: ignore[valid-type]
    answer = create_model(
        "FieldKey",
        field=(int, Field(ge=0, le=count - 1, description="The field's number.")),
        key=(key_type, Field(description="Profile key for the field, or 'none'.")),
    )
    return create_model(
        "FieldKeys",
        answers=(list[answer], Field(max_length=count)),  # type: ignore[valid-type]
    )


def describe_field(number: int, field: FormField) -> str:
    parts = [f"{number}: {field.kind}"]
    for name, value in (
        ("name", field.name),
        ("id", field.id),
        ("label", field.describe()),
        ("placeholder", field.sources.placeholder),
    ):
        if value:
            parts.append(f'{name}="{value[:120]}"')
    if field.options:
        shown = ", ".join(o.label for o in field.options[:8])
        parts.append(f"options=[{shown}{', ...' if len(field.options) > 8 else ''}]")
    return " ".join(parts)


class CrewTimeout(TimeoutError):
    """The crew did not answer within the classifier's time budget."""


def _in_own_thread(work: Callable[[], Any], timeout_s: float) -> Any:
    """`work()` in a daemon thread of its own; its result, its exception re-raised, or
    `CrewTimeout` once `timeout_s` has passed. The caller never waits longer: a hung call is
    left to finish (or not) in its daemon thread, which does not hold up process exit."""
    outcome: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            outcome.put((True, work()))
        except BaseException as exc:  # handed to the caller, who decides
            outcome.put((False, exc))

    threading.Thread(target=run, name="crew", daemon=True).start()
    try:
        ok, value = outcome.get(timeout=max(timeout_s, 0.0))
    except queue.Empty:
        raise CrewTimeout(f"no answer within {timeout_s:.0f} s") from None
    if not ok:
        raise value
    return value


class LlmFieldClassifier:
    """Asks a CrewAI agent which profile key each unresolved field wants.

    Every `classify` call has a time budget (`timeout_s`, for all its batches together):
    fields whose batch is not answered in time get no decision, so they stay `leave`.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        storage_dir: str | None = None,
        max_tokens: int = 400,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        _crewai_environment(storage_dir)
        self.base_url = base_url
        self.model = model
        self.api_key = api_key or "none"
        self.max_tokens = max_tokens
        self.timeout_s = timeout_s

    def _ask(self, fields: list[FormField], page_url: str, timeout_s: float) -> Any:
        if timeout_s <= 0:
            raise CrewTimeout("the time budget is spent")
        # CrewAI refuses to run synchronously inside a running event loop, and Playwright's
        # sync API keeps one in the engine's thread: the crew gets a thread of its own.
        return _in_own_thread(lambda: self._kickoff(fields, page_url, timeout_s), timeout_s)

    def _kickoff(self, fields: list[FormField], page_url: str, timeout_s: float) -> Any:
        from crewai import LLM, Agent, Crew, Task

        llm = LLM(
            model=f"openai/{self.model}",
            base_url=self.base_url,
            api_key=self.api_key,
            temperature=0,
            max_tokens=self.max_tokens,
            timeout=timeout_s,  # the HTTP call gives up too, so the thread does not linger
        )
        agent = Agent(
            role="Web form analyst",
            goal="Say which business-profile key each form field asks for",
            backstory="You fill business directory forms. You never guess: a field that "
            "asks for something not in the key list gets 'none'.",
            llm=llm,
            allow_delegation=False,
            verbose=False,
            max_iter=1,
        )
        listing = "\n".join(describe_field(i, f) for i, f in enumerate(fields))
        task = Task(
            description=(
                f"Form fields on {page_url}:\n{listing}\n\n"
                f"Keys: {', '.join(PROFILE_KEYS)}.\n"
                "For each field number give the key it asks for, or 'none' if no key fits "
                "(passwords, captchas, comments, anything else)."
            ),
            expected_output="One answer per field number.",
            output_pydantic=_answer_model(len(fields)),
            agent=agent,
        )
        crew = Crew(agents=[agent], tasks=[task], verbose=False)
        return getattr(crew.kickoff(), "pydantic", None)

    def classify(self, schema: FormSchema, fields: list[FormField]) -> list[FieldDecision]:
        import crewai  # noqa: F401  # seconds on first use: not part of the model's budget

        decisions: list[FieldDecision] = []
        deadline = time.monotonic() + self.timeout_s
        for start in range(0, len(fields), MAX_FIELDS_PER_CALL):
            batch = fields[start : start + MAX_FIELDS_PER_CALL]
            try:
                answers = self._ask(batch, schema.url, deadline - time.monotonic())
            except CrewTimeout:
                log.warning(
                    "LLM at %s gave no answer within %.0f s for %s; %d field(s) left unmapped",
                    self.base_url,
                    self.timeout_s,
                    schema.url,
                    len(fields) - start,
                )
                raise ClassifierUnavailable(
                    f"no answer within {self.timeout_s:.0f} s", decisions
                ) from None
            seen: set[int] = set()
            for answer in getattr(answers, "answers", []):
                if answer.field in seen or not 0 <= answer.field < len(batch):
                    continue
                seen.add(answer.field)
                decisions.append(self._checked(batch[answer.field], answer.key))
        return decisions

    @staticmethod
    def _checked(field: FormField, key: str) -> FieldDecision:
        """The model's answer, used only if the key exists and the field can carry it."""
        if key == NONE or key not in PROFILE_KEYS:
            return FieldDecision.leave(field.key, "model: no key fits", source="llm")
        if not compatible(field, key):
            return FieldDecision.leave(
                field.key, f"model said {key}, but a {field.kind} cannot carry it", source="llm"
            )
        if not weakly_supports(field, key):
            # Measured: unchecked answers from a small model cost precision (see
            # benchmarks/mapping/results.md); the page must agree at least a little.
            return FieldDecision.leave(
                field.key,
                f"model said {key}, but nothing on the page supports it",
                source="llm",
            )
        return FieldDecision(
            field_key=field.key,
            profile_key=cast(ProfileKey, key),
            action="fill",  # type: ignore[arg-type]
            source="llm",
            confidence=0.6,
            reason="model",
        )
