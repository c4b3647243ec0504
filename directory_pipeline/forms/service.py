"""Mapping settings and views: the classifier a deployment uses, and the `map-form` JSON of
a mapped page. Opening pages in Chromium is the browser side's job (`browser/map_page.py`);
the plan cache is a store (`store/form_plans.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from directory_pipeline.domain import BusinessProfile, load_catalog
from directory_pipeline.forms.mapper import FieldClassifier
from directory_pipeline.forms.options import choose_options
from directory_pipeline.forms.plan import FieldDecision, FormPlan
from directory_pipeline.forms.schema import FormField, FormSchema
from directory_pipeline.settings import Settings


@dataclass
class MappedPage:
    schema: FormSchema
    plan: FormPlan


def classifier_from(settings: Settings) -> FieldClassifier | None:
    if not (settings.llm_base_url and settings.llm_model):
        return None
    from directory_pipeline.forms.llm import LlmFieldClassifier

    return LlmFieldClassifier(
        settings.llm_base_url,
        settings.llm_model,
        settings.llm_api_key,
        storage_dir=str(settings.state_dir / "crewai"),
        timeout_s=settings.llm_timeout_s,
    )


def directory_for_url(url: str, settings: Settings) -> str | None:
    """The catalog slug whose hosts include the URL's host, if any."""
    entry = load_catalog(settings.catalog_path).directory_for_url(url)
    return entry.slug if entry else None


def preview_value(
    field: FormField, decision: FieldDecision, profile: BusinessProfile | None
) -> str | list[str] | None:
    """What the engine would put in the field for this profile (option values for choices)."""
    if decision.action in {"check", "choose"}:
        return decision.choice
    if decision.action != "fill" or profile is None or decision.profile_key is None:
        return None
    if field.options:
        chosen = choose_options(field.options, decision.profile_key, profile)
        return chosen if field.multiple else (chosen[0] if chosen else None)
    return profile.value_for(decision.profile_key)


def plan_as_json(mapped: MappedPage, profile: BusinessProfile | None = None) -> dict:
    """contracts §6's `map-form --json` shape, plus what the engine would do with each field."""
    rows = []
    for field in mapped.schema.fields:
        decision = mapped.plan.decision(field.key) or FieldDecision.leave(field.key, "unmapped")
        row = {
            "form_index": field.form_index,
            "name": field.name,
            "id": field.id,
            "label": field.label,
            "kind": field.kind,
            "profile_key": decision.profile_key if decision.action == "fill" else None,
            "source": decision.source,
            "action": decision.action,
            "reason": decision.reason,
        }
        if profile is not None:
            row["value"] = preview_value(field, decision, profile)
        rows.append(row)
    return {
        "fingerprint": mapped.plan.fingerprint,
        "url": mapped.schema.url,
        "target_form": mapped.plan.target_form,
        "fields": rows,
    }
