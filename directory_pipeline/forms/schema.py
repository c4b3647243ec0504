"""What a captured form looks like: every user-editable field with what a mapper needs."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

VisibilityReason = Literal[
    "visible",
    "display-none",
    "off-screen",
    "zero-size",
    "aria-hidden",
    "transparent",
    "hidden-step",
]
HONEYPOT_REASONS = {"display-none", "off-screen", "zero-size", "aria-hidden", "transparent"}


class FieldOption(BaseModel):
    """One choice of a select, radio group or checkbox group."""

    model_config = ConfigDict(frozen=True)

    value: str
    label: str
    selected: bool = False
    disabled: bool = False


class LabelSources(BaseModel):
    """Every place a field's label can come from; the mapper weighs them differently."""

    model_config = ConfigDict(frozen=True)

    label: str = ""  # label[for] or wrapping label
    aria_label: str = ""  # aria-label or aria-labelledby
    placeholder: str = ""
    title: str = ""
    legend: str = ""  # the enclosing fieldset's legend
    cell: str = ""  # a table cell, dt or text right before the field
    nearby: str = ""  # text of the closest preceding block within the field's container
    following: str = ""  # text right after a checkbox or radio
    row: str = ""  # a label shared by several fields of a row ("Contact person" over two)


class FormField(BaseModel):
    """One user-editable field (radio and same-named checkbox groups are one field)."""

    model_config = ConfigDict(frozen=True)

    form_index: int
    position: int = Field(default=0, description="Order of the field within its form.")
    frame: str = Field(default="", description="'' for the page, else the iframe's path.")
    selector: str = Field(description="CSS selector that finds the field in its frame.")
    tag: Literal["input", "select", "textarea"]
    kind: str = Field(description="input type, or 'select'/'select-multiple'/'textarea'.")
    name: str = ""
    id: str = ""
    label: str = Field(default="", description="The best human label found.")
    sources: LabelSources = LabelSources()
    options: list[FieldOption] = []
    required: bool = False
    autocomplete: str = ""
    maxlength: int | None = None
    pattern: str = ""
    inputmode: str = ""
    multiple: bool = False
    visibility: VisibilityReason = "visible"
    step: int | None = Field(default=None, description="Wizard step index when in a hidden step.")
    tabindex: int | None = None
    submits_natively: bool = Field(
        default=True,
        description="False for a control in a custom element's shadow root that is captured "
        "with the <form> its host sits in, but which that form's own submission does not "
        "carry (the host is not form-associated): the page's script has to copy its value.",
    )

    @property
    def key(self) -> str:
        """Identity within the page: `form_index/name`, else `form_index/#id`, else
        `form_index/@position` for a field with neither."""
        ident = self.name or (f"#{self.id}" if self.id else f"@{self.position}")
        return f"{self.form_index}/{ident}"

    @property
    def honeypot_suspect(self) -> bool:
        return self.visibility in HONEYPOT_REASONS

    def describe(self) -> str:
        """Everything a person would read about the field, in one line."""
        s = self.sources
        parts = [
            self.label,
            s.label,
            s.aria_label,
            s.following,
            s.placeholder,
            s.title,
            s.cell,
            s.legend,
        ]
        return " | ".join(dict.fromkeys(p for p in parts if p))


class CapturedForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    frame: str = ""
    id: str = ""
    name: str = ""
    action: str = ""
    method: str = "get"
    submit_labels: list[str] = []
    is_virtual: bool = Field(
        default=False, description="Fields outside any <form>, grouped as one form."
    )


class FormSchema(BaseModel):
    """Every form of a page (and its iframes) and their fields."""

    model_config = ConfigDict(frozen=True)

    url: str
    forms: list[CapturedForm]
    fields: list[FormField]
    declared_language: str = Field(
        default="", description="The page's `<html lang>` as written (often missing or wrong)."
    )

    def fields_of(self, form_index: int) -> list[FormField]:
        return [f for f in self.fields if f.form_index == form_index]

    @property
    def fingerprint(self) -> str:
        """A stable hash of the page's form structure: not of values, nonces or query strings.

        Digits are dropped from labels so a CAPTCHA question or a counter does not make a new
        form out of the same one.
        """
        structure = {
            "forms": [[f.frame, f.method, _path_only(f.action), f.is_virtual] for f in self.forms],
            "fields": [
                [
                    f.form_index,
                    f.frame,
                    f.tag,
                    f.kind,
                    f.name,
                    f.id,
                    _stable_text(f.describe()),
                    [o.value for o in f.options][:200],
                    f.required,
                    f.honeypot_suspect,
                ]
                for f in self.fields
            ],
        }
        blob = json.dumps(structure, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _stable_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "", text)).strip().lower()


def _path_only(action: str) -> str:
    without_query = action.split("?", 1)[0].split("#", 1)[0]
    return re.sub(r"^[a-z]+://[^/]+", "", without_query)
