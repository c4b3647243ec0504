"""The plain listing form every verifying site shows, declared field by field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..forms import FieldKind, FieldRule
from ..site import SandboxSite
from ..sites._base import SiteDefinition, Theme
from ..sites._flow import ListingForm, listing_routes

Key = Literal["name", "email", "phone", "street", "postal_code", "city", "website", ""]
"""Which part of the listing a field carries (for the listing page), "" for none."""


@dataclass(frozen=True)
class Field:
    """One field of the form: its name, label, input type and what it carries."""

    name: str
    label: str
    kind: Literal["text", "email", "tel", "url", "textarea", "checkbox"] = "text"
    required: bool = True
    key: Key = ""

    @property
    def rule(self) -> FieldRule:
        """What the server demands of it."""
        kinds: dict[str, FieldKind] = {"email": "email", "tel": "phone", "url": "url"}
        kind: FieldKind = "checkbox" if self.kind == "checkbox" else kinds.get(self.kind, "text")
        return FieldRule(self.name, kind, required=self.required)


def verifying_definition(
    site: SandboxSite,
    theme: Theme,
    fields: tuple[Field, ...],
    *,
    heading: str,
    intro: str,
    button: str,
    verify_path: str = "/verify-email",
    confirm_path: str = "",
) -> SiteDefinition:
    """A site serving `fields` as a server-rendered listing form, verifying e-mail the way
    `site.verification` says."""
    by_key = {f.key: f.name for f in fields if f.key}
    form = ListingForm(
        site=site,
        theme=theme,
        template="sites/verifying_form.html",
        rules=tuple(f.rule for f in fields),
        name_field=by_key.get("name", ""),
        email_field=by_key.get("email", ""),
        phone_field=by_key.get("phone", ""),
        street_field=by_key.get("street", ""),
        postal_field=by_key.get("postal_code", ""),
        city_field=by_key.get("city", ""),
        website_field=by_key.get("website", ""),
        verify_path=verify_path,
        confirm_path=confirm_path,
        extra={"fields": fields, "heading": heading, "intro": intro, "button": button},
    )
    return SiteDefinition(site=site, build_routes=lambda state: listing_routes(state, form))
