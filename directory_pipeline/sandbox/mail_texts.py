"""What the sites' verification e-mails say, in each site language.

A code is always named right before it ("Your verification code: 482913"), and no word of
a link other than the confirmation link speaks of confirming, as real directories write them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailTexts:
    """The sentences of one language's verification mails; `{…}` are filled in per mail."""

    link_subject: str
    code_subject: str
    greeting: str
    intro: str
    link_ask: str
    link_button: str
    link_fallback: str
    link_validity: str
    code_ask: str
    code_line: str
    code_validity: str
    not_you: str
    signature: str
    home: str
    guidelines: str
    unsubscribe: str
    privacy: str
    why: str


MAIL_TEXTS: dict[str, MailTexts] = {
    "en": MailTexts(
        link_subject="Please confirm your listing on {site}",
        code_subject="Your verification code: {code}",
        greeting="Hello,",
        intro="thank you for adding “{name}” to {site} (listing #{listing_id}).",
        link_ask="Please confirm your e-mail address so that our editors can review it:",
        link_button="Confirm your listing",
        link_fallback="If the button does not work, copy this address into your browser:",
        link_validity="The link is valid for {minutes} minutes.",
        code_ask="To finish, type this on the page you were shown after submitting.",
        code_line="Your verification code: {code}",
        code_validity="It can be used for {minutes} minutes.",
        not_you="Did not add this listing? Then just ignore this message.",
        signature="The {site} team",
        home="Visit {site}",
        guidelines="Listing guidelines",
        unsubscribe="Unsubscribe",
        privacy="Privacy policy",
        why="You receive this e-mail because this address was given for a listing on {site}.",
    ),
    "de": MailTexts(
        link_subject="Bitte bestätigen Sie Ihren Eintrag bei {site}",
        code_subject="Ihr Bestätigungscode: {code}",
        greeting="Guten Tag,",
        intro="vielen Dank für Ihren Eintrag „{name}“ bei {site} (Eintrag Nr. {listing_id}).",
        link_ask=(
            "Bitte bestätigen Sie Ihre E-Mail-Adresse, damit unsere Redaktion den Eintrag "
            "prüfen kann:"
        ),
        link_button="Eintrag bestätigen",
        link_fallback=(
            "Falls der Knopf nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:"
        ),
        link_validity="Der Link ist {minutes} Minuten gültig.",
        code_ask="Geben Sie ihn auf der Seite ein, die Sie nach dem Absenden gesehen haben.",
        code_line="Ihr Bestätigungscode lautet: {code}",
        code_validity="Er ist {minutes} Minuten gültig.",
        not_you="Sie haben keinen Eintrag angelegt? Dann ignorieren Sie diese E-Mail einfach.",
        signature="Ihr Team von {site}",
        home="Zu {site}",
        guidelines="Richtlinien für Einträge",
        unsubscribe="Abmelden",
        privacy="Datenschutz",
        why=(
            "Sie erhalten diese E-Mail, weil diese Adresse für einen Eintrag bei {site} "
            "angegeben wurde."
        ),
    ),
    "fr": MailTexts(
        link_subject="Confirmez votre inscription sur {site}",
        code_subject="Votre code de confirmation : {code}",
        greeting="Bonjour,",
        intro="merci d’avoir inscrit « {name} » sur {site} (fiche n° {listing_id}).",
        link_ask=(
            "Merci de confirmer votre adresse e-mail afin que notre équipe puisse examiner "
            "votre fiche :"
        ),
        link_button="Confirmer mon inscription",
        link_fallback=(
            "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :"
        ),
        link_validity="Ce lien est valable {minutes} minutes.",
        code_ask="Saisissez-le sur la page affichée après votre inscription.",
        code_line="Votre code de confirmation : {code}",
        code_validity="Il est valable {minutes} minutes.",
        not_you="Vous n’êtes pas à l’origine de cette inscription ? Ignorez simplement ce message.",
        signature="L’équipe {site}",
        home="Aller sur {site}",
        guidelines="Règles de publication",
        unsubscribe="Se désabonner",
        privacy="Données personnelles",
        why="Vous recevez cet e-mail car cette adresse a été indiquée pour une fiche sur {site}.",
    ),
    "es": MailTexts(
        link_subject="Confirme su ficha en {site}",
        code_subject="Su código de verificación es {code}",
        greeting="Hola:",
        intro="gracias por añadir «{name}» a {site} (ficha n.º {listing_id}).",
        link_ask="Confirme su dirección de correo para que nuestro equipo pueda revisar la ficha:",
        link_button="Confirmar mi ficha",
        link_fallback="Si el botón no funciona, copie esta dirección en su navegador:",
        link_validity="El enlace es válido durante {minutes} minutos.",
        code_ask="Introdúzcalo en la página que vio tras enviar el formulario.",
        code_line="Su código de verificación es {code}",
        code_validity="Puede usarlo durante {minutes} minutos.",
        not_you="¿No ha añadido esta ficha? Ignore este mensaje.",
        signature="El equipo de {site}",
        home="Ir a {site}",
        guidelines="Normas de publicación",
        unsubscribe="Darse de baja",
        privacy="Privacidad",
        why="Recibe este correo porque esta dirección se indicó para una ficha en {site}.",
    ),
}


def mail_texts_for(language: str) -> MailTexts:
    """The mail sentences of `language`, English when the sandbox does not speak it."""
    return MAIL_TEXTS.get(language, MAIL_TEXTS["en"])
