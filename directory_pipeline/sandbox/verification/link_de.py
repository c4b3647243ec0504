"""Branchenbuch Nord: a German directory that mails a confirmation link ("Eintrag bestätigen")."""

from __future__ import annotations

from ..site import SandboxSite, Verification
from ..sites._base import Theme
from ._form import Field, verifying_definition

SITE = SandboxSite(
    slug="branchenbuch-nord",
    name="Branchenbuch Nord",
    form_path="/firma-eintragen",
    features=["i18n-de", "verify-email", "verify-link"],
    expected_outcome="needs_review",
    tier="growth",
    language="de",
    description=(
        "German directory: after the form, 'check your e-mail'; the mail (German, text and "
        "HTML) carries an 'Eintrag bestätigen' link to /eintrag/bestaetigen?token=… on the "
        "site's own host, among home, guideline, unsubscribe and privacy links."
    ),
    verification=Verification.LINK,
)

DEFINITION = verifying_definition(
    SITE,
    Theme(
        layout="layouts/portal.html",
        tagline="Firmen im Norden",
        accent="#0b6e4f",
        nav=("Start", "Branchen", "Firma eintragen", "Kontakt"),
        search_action="/suche",
        search_param="was",
        search_button="Suchen",
        search_placeholder="Was?",
        where_param="wo",
        where_placeholder="Wo?",
    ),
    (
        Field("firma", "Firmenname", key="name"),
        Field("strasse", "Straße und Hausnummer", key="street"),
        Field("plz", "PLZ", key="postal_code"),
        Field("ort", "Ort", key="city"),
        Field("telefon", "Telefon", "tel", key="phone"),
        Field("email", "E-Mail", "email", key="email"),
        Field("web", "Webseite", "url", required=False, key="website"),
        Field("beschreibung", "Beschreibung", "textarea"),
        Field("datenschutz", "Ich akzeptiere die Datenschutzerklärung", "checkbox"),
    ),
    heading="Firma kostenlos eintragen",
    intro="Pflichtfelder sind mit * markiert. Nach dem Absenden erhalten Sie eine E-Mail.",
    button="Eintrag absenden",
    verify_path="/eintrag/bestaetigen",
)
