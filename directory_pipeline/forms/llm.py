"""The last mapping layer: a CrewAI LLM on an OpenAI-compatible endpoint chooses profile keys
for fields the heuristics could not place. The model only chooses keys (values always come
from the profile), and only among the keys the page itself points at for that field: each
question's answer is an enum in a strict JSON schema the server enforces, made of those keys
and a few named ways of saying "none of them" (see `DECOYS`).

Measured on the tuning split (benchmarks/mapping/README.md, "The LLM layer"): a field nothing on
the page points at is never sent (its answer could not pass the gate anyway), required fields
are asked first so a spent time budget costs optional ones, and each question carries the
field's neighbourhood and the form's confident heuristic decisions as examples.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Literal, cast

from pydantic import BaseModel, Field, create_model

from directory_pipeline.domain.profile import PROFILE_KEYS, ProfileKey
from directory_pipeline.forms.heuristics import _texts, compatible, weakly_supports
from directory_pipeline.forms.mapper import ClassifierUnavailable, heuristic_plan
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import FormField, FormSchema

MAX_FIELDS_PER_CALL = 12  # kept for callers; each field is now one short question
NONE = "none"
DEFAULT_TIMEOUT_S = 60.0
MAX_EXAMPLES = 8
EXAMPLE_CONFIDENCE = 0.85

# Named ways of saying "no profile key": a small model picks "verification code" for
# "Escribe el código" far more readily than a bare "none".
DECOYS: tuple[str, ...] = (
    "registration_or_tax_number",
    "verification_code",
    "house_number",
    "question_or_quiz",
    "other",
)

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    """Why the LLM layer filled a field or left it alone (rendered into the decision's reason,
    which the outcome repeats for a required field left empty)."""

    ANSWERED = "model"
    NOTHING_POINTS = "nothing on the page points at a profile key this field can carry"
    CHOSE_NONE = "the model chose none of {candidates}"
    CHOSE_DECOY = "the model read it as {answer}, not {candidates}"
    CANNOT_CARRY = "model said {answer}, but a {kind} cannot carry it"
    UNSUPPORTED = "model said {answer}, but nothing on the page supports it"
    NO_KEY_FITS = "model: no key fits"
    UNREADABLE = "the model's answer was unreadable"


def _crewai_environment(storage_dir: str | None) -> None:
    # CrewAI phones home and stalls ~13 s at exit unless told not to; keep its files with ours.
    os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    if storage_dir:
        os.environ.setdefault("CREWAI_STORAGE_DIR", storage_dir)


def candidate_keys(field: FormField) -> list[ProfileKey]:
    """The keys the model may choose for `field`: those it can carry and the page points at
    (the gate, applied before the question instead of after the answer)."""
    return [
        cast(ProfileKey, key)
        for key in PROFILE_KEYS
        if compatible(field, key) and weakly_supports(field, key)
    ]


def choices_for(candidates: list[ProfileKey]) -> list[str]:
    """The answer enum of one question: the ways of saying no first, then the candidates."""
    return [*DECOYS, *candidates]


def ordered_for_model(fields: list[FormField]) -> list[FormField]:
    """Required fields first (a spent budget then costs optional ones), else page order."""
    return sorted(fields, key=lambda f: not f.required)


def answer_model(choices: list[str]) -> type[BaseModel]:
    key_type = Literal[tuple(choices)]  # type: ignore[valid-type]
    return create_model("FieldKey", key=(key_type, Field(description="What the field asks for.")))


def field_label(field: FormField) -> str:
    texts = _texts(field)
    return (texts[0] if texts else field.name or field.id)[:80]


def examples(
    schema: FormSchema, field: FormField, decided: Mapping[str, FieldDecision]
) -> list[tuple[str, str]]:
    """(label, key) of the form's confident heuristic fills: few-shot examples in the page's
    own language and markup."""
    shown: list[tuple[str, str]] = []
    for other in schema.fields_of(field.form_index):
        decision = decided.get(other.key)
        if (
            other.key != field.key
            and decision is not None
            and decision.action == "fill"
            and decision.profile_key is not None
            and decision.confidence >= EXAMPLE_CONFIDENCE
        ):
            shown.append((field_label(other), decision.profile_key))
    return shown[:MAX_EXAMPLES]


def neighbourhood(
    schema: FormSchema, field: FormField, decided: Mapping[str, FieldDecision]
) -> list[str]:
    """What surrounds the field: its section's legend and the fields just before and after,
    with what the heuristics decided for them."""
    form = schema.fields_of(field.form_index)
    index = next(i for i, f in enumerate(form) if f.key == field.key)
    said: list[str] = []
    if field.sources.legend:
        said.append(f'in the section "{field.sources.legend[:60]}"')
    for where, at in (("after", index - 1), ("before", index + 1)):
        if 0 <= at < len(form):
            other = form[at]
            decision = decided.get(other.key)
            key = decision.profile_key if decision is not None else None
            said.append(f'{where} "{field_label(other)}"' + (f" ({key})" if key else ""))
    return said


def describe_field(field: FormField) -> str:
    parts = [field.kind]
    if field.name:
        parts.append(f"name {field.name[:60]}")
    placeholder = field.sources.placeholder
    if placeholder and placeholder != field_label(field):
        parts.append(f'placeholder "{placeholder[:60]}"')
    if field.options:
        shown = ", ".join(o.label for o in field.options[:5] if o.label)
        parts.append(f"options: {shown}{', ...' if len(field.options) > 5 else ''}")
    if field.required:
        parts.append("required")
    return f'"{field_label(field)}" ({", ".join(parts)})'


def field_prompt(
    schema: FormSchema,
    field: FormField,
    decided: Mapping[str, FieldDecision],
    choices: list[str],
) -> str:
    """One question: the page's solved fields as examples, then the field and its neighbours."""
    lines = [
        "Which business profile key does a web form field take? A field that asks for "
        "something else (an ID or tax number, a code, a house number, a question) is not a "
        "profile key.",
    ]
    shown = examples(schema, field, decided)
    if shown:
        lines += ["", "Fields of this form already known:"]
        lines += [f'"{label}" -> {key}' for label, key in shown]
    lines += ["", f"Field {describe_field(field)}"]
    around = neighbourhood(schema, field, decided)
    if around:
        lines.append("It comes " + "; ".join(around) + ".")
    lines.append(f"Choose one of: {', '.join(choices)}.")
    lines.append('Answer in JSON on one line: {"key": <your choice>}.')
    return "\n".join(lines)


class CrewTimeout(TimeoutError):
    """The model did not answer within the classifier's time budget."""


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
    """Asks a CrewAI LLM which profile key each unresolved field wants, one short question per
    field the page gives candidates for, required fields first.

    Every `classify` call has a time budget (`timeout_s`, for all its questions together):
    fields not answered in time get no decision, so they stay `leave`.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        storage_dir: str | None = None,
        max_tokens: int = 96,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        _crewai_environment(storage_dir)
        self.base_url = base_url
        self.model = model
        self.api_key = api_key or "none"
        self.max_tokens = max_tokens
        self.timeout_s = timeout_s

    def _ask(self, prompt: str, choices: list[str], timeout_s: float) -> str:
        if timeout_s <= 0:
            raise CrewTimeout("the time budget is spent")
        # CrewAI refuses to run synchronously inside a running event loop, and Playwright's
        # sync API keeps one in the engine's thread: the call gets a thread of its own.
        return _in_own_thread(lambda: self._call(prompt, choices, timeout_s), timeout_s)

    def _call(self, prompt: str, choices: list[str], timeout_s: float) -> str:
        from crewai import LLM

        llm = LLM(
            model=f"openai/{self.model}",
            base_url=self.base_url,
            api_key=self.api_key,
            temperature=0,
            max_tokens=self.max_tokens,
            timeout=timeout_s,  # the HTTP call gives up too, so the thread does not linger
        )
        answer = llm.call(
            [{"role": "user", "content": prompt}], response_model=answer_model(choices)
        )
        if isinstance(answer, BaseModel):
            return str(getattr(answer, "key", NONE))
        return answer_model(choices).model_validate_json(str(answer)).key  # type: ignore[attr-defined]

    def classify(self, schema: FormSchema, fields: list[FormField]) -> list[FieldDecision]:
        import crewai  # noqa: F401  # seconds on first use: not part of the model's budget

        decided, _ = heuristic_plan(schema)
        deadline = time.monotonic() + self.timeout_s
        decisions: list[FieldDecision] = []
        asked: list[tuple[FormField, list[ProfileKey]]] = []
        for field in ordered_for_model(fields):
            candidates = candidate_keys(field)
            if candidates:
                asked.append((field, candidates))
            else:
                decisions.append(_leave(field, Verdict.NOTHING_POINTS))
        for done, (field, candidates) in enumerate(asked):
            choices = choices_for(candidates)
            prompt = field_prompt(schema, field, decided, choices)
            try:
                key = self._ask(prompt, choices, deadline - time.monotonic())
            except CrewTimeout:
                log.warning(
                    "LLM at %s gave no answer within %.0f s for %s; %d field(s) left unmapped",
                    self.base_url,
                    self.timeout_s,
                    schema.url,
                    len(asked) - done,
                )
                raise ClassifierUnavailable(
                    f"no answer within {self.timeout_s:.0f} s", decisions
                ) from None
            except Exception as exc:  # an answer cut short or off the schema: this field only
                log.info("LLM answer for %s unreadable: %s", field.key, exc)
                decisions.append(_leave(field, Verdict.UNREADABLE))
                continue
            decisions.append(self._checked(field, key, candidates))
        return decisions

    @staticmethod
    def _checked(
        field: FormField, key: str, candidates: list[ProfileKey] | None = None
    ) -> FieldDecision:
        """The model's answer, used only if the key exists, the field can carry it and the
        page supports it (an endpoint that ignores the schema gets no say either)."""
        shown = ", ".join(candidates or []) or "any key"
        if key in DECOYS:
            return _leave(
                field, Verdict.CHOSE_DECOY, answer=key.replace("_", " "), candidates=shown
            )
        if key == NONE:
            verdict = Verdict.CHOSE_NONE if candidates else Verdict.NO_KEY_FITS
            return _leave(field, verdict, candidates=shown)
        if key not in PROFILE_KEYS:
            return _leave(field, Verdict.NO_KEY_FITS)
        if not compatible(field, key):
            return _leave(field, Verdict.CANNOT_CARRY, answer=key, kind=field.kind)
        if not weakly_supports(field, key):
            # Measured: unchecked answers from a small model cost precision (see
            # benchmarks/mapping/results.md); the page must agree at least a little.
            return _leave(field, Verdict.UNSUPPORTED, answer=key)
        return FieldDecision(
            field_key=field.key,
            profile_key=cast(ProfileKey, key),
            action="fill",  # type: ignore[arg-type]
            source="llm",
            confidence=0.6,
            reason=Verdict.ANSWERED.value,
        )


def _leave(field: FormField, verdict: Verdict, **details: str) -> FieldDecision:
    return FieldDecision.leave(field.key, verdict.value.format(**details), source="llm")
