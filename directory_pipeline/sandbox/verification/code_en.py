"""PinPoint Local: mails a 6-digit code to type into the "check your e-mail" page."""

from __future__ import annotations

from ..site import SandboxSite, Verification
from ..sites._base import Theme
from ._form import Field, verifying_definition

SITE = SandboxSite(
    slug="pinpoint-local",
    name="PinPoint Local",
    form_path="/add-business",
    features=["verify-email", "verify-code"],
    expected_outcome="needs_review",
    tier="pro",
    description=(
        "After the form, a redirect to 'check your e-mail' (/check-your-email, a page one can "
        "come back to) with a small form (code + hidden listing ref) posting to /verify; the "
        "mail says 'Your verification code: 123456'. A wrong code is refused, the right one "
        "confirms."
    ),
    verification=Verification.CODE,
)

DEFINITION = verifying_definition(
    SITE,
    Theme(layout="layouts/wordpress.html", tagline="Local businesses, pinned", accent="#b5432a"),
    (
        Field("business_name", "Business name", key="name"),
        Field("contact_email", "Your e-mail", "email", key="email"),
        Field("phone", "Phone number", "tel", key="phone"),
        Field("address", "Street address", key="street"),
        Field("city", "City", key="city"),
        Field("zip", "ZIP / postal code", key="postal_code"),
        Field("website", "Website", "url", required=False, key="website"),
        Field("terms", "I agree to the terms of listing", "checkbox"),
    ),
    heading="Add your business",
    intro="Free listing. We will e-mail you a code to confirm your address.",
    button="Add my business",
    verify_path="/verify",
    confirm_path="/check-your-email",  # Post/Redirect/Get: the code form has an address
)
