"""Reading submitted forms into ledger fields, and judging them against a site's rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup, escape
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from .i18n import Messages
from .ledger import FieldValue

FieldKind = Literal["text", "email", "url", "phone", "choice", "checkbox", "file"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNCHECKED = frozenset({"false", "0", "off", "no"})
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)


@dataclass(frozen=True)
class FieldRule:
    """What the server demands of one submitted field."""

    name: str
    kind: FieldKind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()


async def read_submission(request: Request) -> dict[str, FieldValue]:
    """The fields of a POSTed form (urlencoded or multipart) as the ledger records them.

    A field sent once is a string, one sent several times a list. An uploaded file is
    recorded as "<filename> (<size> bytes)", or "" when the file input was left empty.
    """
    async with request.form() as form:
        return await _fields_of(form)


async def _fields_of(form: FormData) -> dict[str, FieldValue]:
    collected: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            text = f"{value.filename} ({len(content)} bytes)" if value.filename else ""
        else:
            text = value
        collected.setdefault(key, []).append(text)
    return {key: values[0] if len(values) == 1 else values for key, values in collected.items()}


def json_fields(payload: Any) -> dict[str, FieldValue]:
    """A JSON object submitted by page script, coerced to ledger fields."""
    if not isinstance(payload, dict):
        return {}
    fields: dict[str, FieldValue] = {}
    for key, value in payload.items():
        if isinstance(value, list):
            fields[str(key)] = [_scalar_text(item) for item in value]
        else:
            fields[str(key)] = _scalar_text(value)
    return fields


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def values_of(fields: Mapping[str, FieldValue], name: str) -> list[str]:
    """Every non-blank value sent for `name`."""
    value = fields.get(name, [])
    values = [value] if isinstance(value, str) else value
    return [item for item in values if item.strip()]


def first_value(fields: Mapping[str, FieldValue], name: str) -> str:
    """The first non-blank value sent for `name`, stripped, or ""."""
    found = values_of(fields, name)
    return found[0].strip() if found else ""


def validate(
    fields: Mapping[str, FieldValue], rules: tuple[FieldRule, ...], messages: Messages
) -> dict[str, str]:
    """Error message per failing field name, in rule order; empty when all rules pass."""
    errors: dict[str, str] = {}
    for rule in rules:
        values = values_of(fields, rule.name)
        if rule.kind == "checkbox":
            values = [value for value in values if value.strip().lower() not in _UNCHECKED]
        if not values:
            if rule.required:
                errors[rule.name] = (
                    messages.must_accept if rule.kind == "checkbox" else messages.required
                )
            continue
        problem = _problem(rule, values, messages)
        if problem:
            errors[rule.name] = problem
    return errors


def _problem(rule: FieldRule, values: list[str], messages: Messages) -> str | None:
    first = values[0].strip()
    if rule.kind == "email" and not _EMAIL.match(first):
        return messages.invalid_email
    if rule.kind == "url" and not _URL.match(first):
        return messages.invalid_url
    if rule.kind == "phone" and len(re.sub(r"\D", "", first)) < 7:
        return messages.invalid_phone
    if rule.choices and any(value not in rule.choices for value in values):
        return messages.invalid_choice
    return None


def normalized_name(value: str) -> str:
    """A business name reduced for duplicate comparison."""
    return re.sub(r"[^a-z0-9]+", "", value.casefold())


def normalized_phone(value: str) -> str:
    """A phone number reduced to its last ten digits for duplicate comparison."""
    return re.sub(r"\D", "", value)[-10:]


class FormView:
    """What a form template needs to re-render submitted values and server errors."""

    def __init__(
        self,
        values: Mapping[str, FieldValue] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        self.values = dict(values or {})
        self.errors = dict(errors or {})

    def value(self, name: str, default: str = "") -> str:
        """The submitted value of `name` (first one), or `default`."""
        found = self.values.get(name)
        if found is None:
            return default
        return found if isinstance(found, str) else (found[0] if found else default)

    def checked(self, name: str, option: str = "1") -> Markup:
        """` checked` when `option` was submitted for `name`."""
        return Markup(" checked") if option in self._all(name) else Markup("")

    def selected(self, name: str, option: str) -> Markup:
        """` selected` when `option` was submitted for `name`."""
        return Markup(" selected") if option in self._all(name) else Markup("")

    def error(self, name: str) -> str:
        """The server's message for `name`, or ""."""
        return self.errors.get(name, "")

    def invalid(self, name: str, error_id: str | None = None) -> Markup:
        """ARIA attributes marking `name` invalid and pointing at its message, when it is."""
        if name not in self.errors:
            return Markup("")
        described = escape(error_id or f"{name}-error")
        return Markup(f' aria-invalid="true" aria-describedby="{described}"')

    def _all(self, name: str) -> list[str]:
        found = self.values.get(name, [])
        return [found] if isinstance(found, str) else list(found)
