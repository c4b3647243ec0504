"""Words the sandbox sites say, in each site language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Messages:
    """Server-side texts of one language: validation errors and outcome pages."""

    required: str
    invalid_email: str
    invalid_url: str
    invalid_phone: str
    invalid_choice: str
    must_accept: str
    errors_summary: str
    duplicate: str
    csrf_expired: str
    js_required: str
    captcha_wrong: str
    thanks_title: str
    thanks_text: str
    verify_title: str
    verify_text: str
    refused_title: str
    checkout_title: str
    checkout_text: str
    search_results: str
    search_empty: str
    unavailable: str
    throttled: str
    add_listing: str
    home_intro: str
    subscribed: str
    verify_code_text: str
    code_label: str
    code_button: str
    code_wrong: str
    confirmed_title: str
    confirmed_text: str
    already_confirmed: str
    link_expired_title: str
    link_expired: str
    link_invalid: str
    listing_missing_title: str
    listing_missing: str
    listing_gone: str
    address_label: str
    phone_label: str
    website_label: str


MESSAGES: dict[str, Messages] = {
    "en": Messages(
        required="This field is required.",
        invalid_email="Please enter a valid e-mail address.",
        invalid_url="Please enter a valid URL (starting with http:// or https://).",
        invalid_phone="Please enter a valid phone number.",
        invalid_choice="Please choose one of the options.",
        must_accept="You must accept the terms to continue.",
        errors_summary="There were problems with your submission. Please correct the fields below.",
        duplicate="This business is already listed in our directory.",
        csrf_expired="The link you followed has expired. Please go back, reload and try again.",
        js_required="Your submission was blocked. Please enable JavaScript and try again.",
        captcha_wrong="The security code you entered was incorrect.",
        thanks_title="Thank you!",
        thanks_text="Your listing has been submitted and is pending review.",
        verify_title="Almost done!",
        verify_text=(
            "Check your e-mail: we sent a confirmation link to {email}. "
            "Your listing will be submitted once you click it."
        ),
        refused_title="Submission refused",
        checkout_title="Complete your payment",
        checkout_text=(
            "Your {plan} listing is reserved. It will be submitted for review once payment "
            "of {price} is received."
        ),
        search_results="Search results for “{query}”",
        search_empty="No listings matched your search.",
        unavailable="Service Temporarily Unavailable. Please try again in a moment.",
        throttled="Too many submissions. Please wait {seconds} seconds and try again.",
        add_listing="Add your business",
        home_intro="Find trusted local businesses near you, or add your own for free.",
        subscribed="Thanks for subscribing!",
        verify_code_text=(
            "Check your e-mail: we sent a 6-digit code to {email}. Enter it below to confirm "
            "your address."
        ),
        code_label="Code from the e-mail",
        code_button="Confirm",
        code_wrong="That code is not right. Please check the e-mail and try again.",
        confirmed_title="Thank you!",
        confirmed_text=("Your e-mail address is confirmed. Your listing is now awaiting review."),
        already_confirmed="This e-mail address has already been confirmed. Nothing more to do.",
        link_expired_title="Link expired",
        link_expired="This link has expired. Please submit your listing again.",
        link_invalid="This confirmation link is not valid.",
        listing_missing_title="Listing not found",
        listing_missing="We could not find this listing.",
        listing_gone="This listing is no longer available.",
        address_label="Address",
        phone_label="Phone",
        website_label="Website",
    ),
    "de": Messages(
        required="Dieses Feld ist ein Pflichtfeld.",
        invalid_email="Bitte geben Sie eine gültige E-Mail-Adresse ein.",
        invalid_url="Bitte geben Sie eine gültige Internetadresse ein (mit http:// oder https://).",
        invalid_phone="Bitte geben Sie eine gültige Telefonnummer ein.",
        invalid_choice="Bitte wählen Sie eine der Optionen.",
        must_accept="Bitte stimmen Sie der Datenschutzerklärung zu.",
        errors_summary="Ihre Angaben sind unvollständig. Bitte prüfen Sie die markierten Felder.",
        duplicate="Dieses Unternehmen ist bereits in unserem Verzeichnis eingetragen.",
        csrf_expired="Die Sitzung ist abgelaufen. Bitte laden Sie die Seite neu.",
        js_required="Bitte aktivieren Sie JavaScript und versuchen Sie es erneut.",
        captcha_wrong="Der Sicherheitscode war falsch.",
        thanks_title="Vielen Dank!",
        thanks_text="Ihr Eintrag wurde übermittelt und wird nach Prüfung freigeschaltet.",
        verify_title="Fast geschafft!",
        verify_text=(
            "Bitte prüfen Sie Ihr E-Mail-Postfach: Wir haben einen Bestätigungslink an "
            "{email} gesendet."
        ),
        refused_title="Eintrag abgelehnt",
        checkout_title="Zahlung abschließen",
        checkout_text=(
            "Ihr Eintrag „{plan}“ ist reserviert und wird nach Zahlung von {price} geprüft."
        ),
        search_results="Suchergebnisse für „{query}“",
        search_empty="Keine Einträge gefunden.",
        unavailable="Der Dienst ist vorübergehend nicht verfügbar.",
        throttled="Zu viele Anfragen. Bitte warten Sie {seconds} Sekunden.",
        add_listing="Firma eintragen",
        home_intro=(
            "Finden Sie lokale Unternehmen in Ihrer Nähe – oder tragen Sie Ihr eigenes "
            "kostenlos ein."
        ),
        subscribed="Danke für Ihre Anmeldung!",
        verify_code_text=(
            "Bitte prüfen Sie Ihr E-Mail-Postfach: Wir haben einen 6-stelligen Code an {email} "
            "gesendet. Geben Sie ihn hier ein."
        ),
        code_label="Code aus der E-Mail",
        code_button="Bestätigen",
        code_wrong="Der Code ist nicht korrekt. Bitte prüfen Sie die E-Mail.",
        confirmed_title="Vielen Dank!",
        confirmed_text=(
            "Ihre E-Mail-Adresse ist bestätigt. Ihr Eintrag wird nun von der Redaktion geprüft."
        ),
        already_confirmed="Diese E-Mail-Adresse wurde bereits bestätigt.",
        link_expired_title="Link abgelaufen",
        link_expired="Dieser Link ist abgelaufen. Bitte tragen Sie Ihre Firma erneut ein.",
        link_invalid="Dieser Bestätigungslink ist ungültig.",
        listing_missing_title="Eintrag nicht gefunden",
        listing_missing="Dieser Eintrag wurde nicht gefunden.",
        listing_gone="Dieser Eintrag ist nicht mehr verfügbar.",
        address_label="Adresse",
        phone_label="Telefon",
        website_label="Webseite",
    ),
    "es": Messages(
        required="Este campo es obligatorio.",
        invalid_email="Introduzca una dirección de correo electrónico válida.",
        invalid_url="Introduzca una dirección web válida (con http:// o https://).",
        invalid_phone="Introduzca un número de teléfono válido.",
        invalid_choice="Seleccione una de las opciones.",
        must_accept="Debe aceptar la política de privacidad.",
        errors_summary="Hay errores en el formulario. Revise los campos marcados.",
        duplicate="Esta empresa ya figura en nuestra guía.",
        csrf_expired="La sesión ha caducado. Recargue la página e inténtelo de nuevo.",
        js_required="Envío bloqueado. Active JavaScript e inténtelo de nuevo.",
        captcha_wrong="El código de seguridad no es correcto.",
        thanks_title="¡Gracias!",
        thanks_text="Su ficha ha sido enviada y está pendiente de revisión.",
        verify_title="¡Casi listo!",
        verify_text="Revise su correo: hemos enviado un enlace de confirmación a {email}.",
        refused_title="Envío rechazado",
        checkout_title="Complete el pago",
        checkout_text="Su ficha {plan} está reservada y se revisará tras el pago de {price}.",
        search_results="Resultados de búsqueda para «{query}»",
        search_empty="No se encontraron empresas.",
        unavailable="Servicio no disponible temporalmente.",
        throttled="Demasiados envíos. Espere {seconds} segundos.",
        add_listing="Añadir empresa",
        home_intro="Encuentre empresas locales de confianza o añada la suya gratis.",
        subscribed="¡Gracias por suscribirse!",
        verify_code_text=(
            "Revise su correo: hemos enviado un código de 6 cifras a {email}. Introdúzcalo "
            "a continuación."
        ),
        code_label="Código del correo",
        code_button="Confirmar",
        code_wrong="El código no es correcto. Revise el correo e inténtelo de nuevo.",
        confirmed_title="¡Gracias!",
        confirmed_text=(
            "Su dirección de correo está confirmada. Su ficha está pendiente de revisión."
        ),
        already_confirmed="Esta dirección de correo ya estaba confirmada.",
        link_expired_title="Enlace caducado",
        link_expired="Este enlace ha caducado. Vuelva a enviar su ficha.",
        link_invalid="Este enlace de confirmación no es válido.",
        listing_missing_title="Ficha no encontrada",
        listing_missing="No hemos encontrado esta ficha.",
        listing_gone="Esta ficha ya no está disponible.",
        address_label="Dirección",
        phone_label="Teléfono",
        website_label="Web",
    ),
    "fr": Messages(
        required="Ce champ est obligatoire.",
        invalid_email="Veuillez saisir une adresse e-mail valide.",
        invalid_url="Veuillez saisir une adresse web valide (commençant par http:// ou https://).",
        invalid_phone="Veuillez saisir un numéro de téléphone valide.",
        invalid_choice="Veuillez choisir une option.",
        must_accept="Vous devez accepter les conditions générales d’utilisation.",
        errors_summary="Le formulaire contient des erreurs. Veuillez corriger les champs indiqués.",
        duplicate="Cette entreprise figure déjà dans notre annuaire.",
        csrf_expired="Le lien a expiré. Veuillez recharger la page et réessayer.",
        js_required="Envoi bloqué. Veuillez activer JavaScript et réessayer.",
        captcha_wrong="Le code de sécurité est incorrect.",
        thanks_title="Merci !",
        thanks_text="Votre fiche a été envoyée et sera publiée après vérification.",
        verify_title="Presque terminé !",
        verify_text=(
            "Vérifiez votre boîte e-mail : nous avons envoyé un lien de confirmation à {email}. "
            "Votre inscription sera transmise dès que vous aurez cliqué dessus."
        ),
        refused_title="Envoi refusé",
        checkout_title="Finalisez votre paiement",
        checkout_text=(
            "Votre fiche {plan} est réservée ; elle sera examinée après paiement de {price}."
        ),
        search_results="Résultats pour « {query} »",
        search_empty="Aucune entreprise trouvée.",
        unavailable="Service temporairement indisponible.",
        throttled="Trop d’envois. Veuillez patienter {seconds} secondes.",
        add_listing="Inscrire mon entreprise",
        home_intro=(
            "Trouvez des professionnels près de chez vous ou inscrivez votre entreprise "
            "gratuitement."
        ),
        subscribed="Merci pour votre inscription !",
        verify_code_text=(
            "Vérifiez votre boîte e-mail : nous avons envoyé un code à 6 chiffres à {email}. "
            "Saisissez-le ci-dessous."
        ),
        code_label="Code reçu par e-mail",
        code_button="Valider",
        code_wrong="Ce code est incorrect. Vérifiez l’e-mail et réessayez.",
        confirmed_title="Merci !",
        confirmed_text=(
            "Votre adresse e-mail est confirmée. Votre fiche est maintenant en attente de "
            "validation."
        ),
        already_confirmed="Cette adresse e-mail a déjà été confirmée.",
        link_expired_title="Lien expiré",
        link_expired="Ce lien a expiré. Veuillez renouveler votre inscription.",
        link_invalid="Ce lien de confirmation n’est pas valide.",
        listing_missing_title="Fiche introuvable",
        listing_missing="Cette fiche est introuvable.",
        listing_gone="Cette fiche n’est plus disponible.",
        address_label="Adresse",
        phone_label="Téléphone",
        website_label="Site internet",
    ),
}


def messages_for(language: str) -> Messages:
    """The texts of `language`, English when the sandbox does not speak it."""
    return MESSAGES.get(language, MESSAGES["en"])
