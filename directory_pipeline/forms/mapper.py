"""Map a captured page to a plan in three layers: plan cache, heuristics, then the LLM."""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from directory_pipeline.forms.heuristics import decide, refine_in_context
from directory_pipeline.forms.language import page_languages
from directory_pipeline.forms.plan import FieldDecision, FormPlan
from directory_pipeline.forms.schema import FormField, FormSchema


class PlanCache(Protocol):
    def get(self, directory_slug: str, fingerprint: str) -> FormPlan | None: ...

    def put(self, directory_slug: str, plan: FormPlan) -> None: ...


class ClassifierUnavailable(RuntimeError):
    """The classifier could not finish (its endpoint hung or failed); `partial` holds what
    it decided before that. A plan built without it is not cached."""

    def __init__(self, message: str, partial: list[FieldDecision]) -> None:
        super().__init__(message)
        self.partial = partial


class FieldClassifier(Protocol):
    """The last layer: chooses profile keys (never values) for fields the heuristics left.
    Raises `ClassifierUnavailable` when it cannot finish."""

    def classify(self, schema: FormSchema, fields: list[FormField]) -> list[FieldDecision]: ...


def target_form(schema: FormSchema, decisions: dict[str, FieldDecision]) -> int | None:
    """The form with the most fields to fill: the one we came to submit."""
    counts = Counter(
        f.form_index
        for f in schema.fields
        if decisions.get(f.key) and decisions[f.key].action == "fill"
    )
    return counts.most_common(1)[0][0] if counts else None


def heuristic_plan(schema: FormSchema) -> tuple[dict[str, FieldDecision], list[FormField]]:
    decisions: dict[str, FieldDecision] = {}
    unresolved: list[FormField] = []
    languages = page_languages(schema)  # once per page: it reads every field's words
    for field in schema.fields:
        decision = decide(field, schema, languages)
        if decision is None:
            unresolved.append(field)
        else:
            decisions[field.key] = decision
    refine_in_context(schema, decisions)
    return decisions, unresolved


def fields_worth_asking(unresolved: list[FormField]) -> list[FormField]:
    """The unresolved fields the LLM layer is asked about: the required ones. A required
    field left empty stops the whole listing; an optional one left empty costs nothing, and
    measured on pages nobody tuned for, the small local model's answers cost more precision
    than they add recall (benchmarks/mapping/README.md)."""
    return [field for field in unresolved if field.required]


def map_form(
    schema: FormSchema,
    *,
    directory_slug: str | None = None,
    cache: PlanCache | None = None,
    classifier: FieldClassifier | None = None,
) -> FormPlan:
    """The plan for a page: cached if this directory's form was seen before, else built."""
    fingerprint = schema.fingerprint
    if cache is not None and directory_slug:
        cached = cache.get(directory_slug, fingerprint)
        if cached is not None:
            return cached.with_source("plan-cache")

    decisions, unresolved = heuristic_plan(schema)
    complete = True
    escalated = fields_worth_asking(unresolved)
    if classifier is not None and escalated:
        try:
            answered = classifier.classify(schema, escalated)
        except ClassifierUnavailable as exc:
            answered, complete = exc.partial, False
        for decision in answered:
            decisions[decision.field_key] = decision
    for field in schema.fields:
        decisions.setdefault(field.key, FieldDecision.leave(field.key, "no confident key"))
    target = target_form(schema, decisions)
    for field in schema.fields:
        if (
            target is not None
            and field.form_index != target
            and decisions[field.key].action != "leave"
        ):
            # Only the target form is filled and submitted: a newsletter box or a login form
            # beside it is never touched, and the plan says so.
            decisions[field.key] = FieldDecision.leave(field.key, "outside the form we submit")

    plan = FormPlan(
        fingerprint=fingerprint,
        url=schema.url,
        target_form=target,
        decisions=[decisions[f.key] for f in schema.fields],
    )
    if cache is not None and directory_slug and complete:
        cache.put(directory_slug, plan)
    return plan
