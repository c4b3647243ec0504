"""Quiet Pages: says "check your e-mail" but never sends anything."""

from __future__ import annotations

from ..site import SandboxSite, Verification
from ..sites._base import Theme
from ._form import Field, verifying_definition

SITE = SandboxSite(
    slug="quietpages-directory",
    name="Quiet Pages",
    form_path="/submit",
    features=["verify-email", "verify-silent"],
    expected_outcome="needs_review",
    tier="growth",
    description=(
        "After the form, 'check your e-mail: we sent a confirmation link', yet no mail is "
        "ever sent; the listing never goes further."
    ),
    verification=Verification.SILENT,
)

DEFINITION = verifying_definition(
    SITE,
    Theme(layout="layouts/phpld.html", tagline="A calm business directory", accent="#4a5a6a"),
    (
        Field("title", "Business title", key="name"),
        Field("email", "Contact e-mail", "email", key="email"),
        Field("phone", "Telephone", "tel", required=False, key="phone"),
        Field("town", "Town", key="city"),
        Field("url", "Website URL", "url", required=False, key="website"),
        Field("details", "Details", "textarea"),
    ),
    heading="Submit a business",
    intro="Listings are reviewed after you confirm your e-mail address.",
    button="Submit",
)
