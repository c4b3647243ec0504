"""The heuristic layer on its own: what it fills, what it never fills, and what it leaves
to the next layer."""

from __future__ import annotations

import pytest

from directory_pipeline.forms.mapper import heuristic_plan, map_form
from directory_pipeline.forms.plan import FieldDecision
from directory_pipeline.forms.schema import (
    CapturedForm,
    FieldOption,
    FormField,
    FormSchema,
    LabelSources,
)


def field(name: str, label: str = "", kind: str = "text", form: int = 0, **extra) -> FormField:
    tag = "select" if kind.startswith("select") else "textarea" if kind == "textarea" else "input"
    return FormField(
        form_index=form,
        selector=f"[name={name}]",
        tag=tag,
        kind=kind,
        name=name,
        label=label,
        sources=LabelSources(label=label),
        **extra,
    )


def schema(*fields: FormField, forms: int = 1) -> FormSchema:
    return FormSchema(
        url="http://x.localhost/add",
        forms=[CapturedForm(index=i, method="post") for i in range(forms)],
        fields=list(fields),
    )


def decisions(*fields: FormField, forms: int = 1) -> dict[str, FieldDecision]:
    plan = map_form(schema(*fields, forms=forms))
    return {d.field_key.split("/", 1)[1]: d for d in plan.decisions}


def keys(*fields: FormField, forms: int = 1) -> dict[str, str | None]:
    return {name: d.profile_key for name, d in decisions(*fields, forms=forms).items()}


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Business name", "business_name"),
        ("Firmenname", "business_name"),
        ("Nombre de la empresa", "business_name"),
        ("Nom de l'entreprise", "business_name"),
        ("Nome dell'azienda", "business_name"),
        ("Nome da empresa", "business_name"),
        ("E-Mail-Adresse", "email"),
        ("Correo electrónico", "email"),
        ("Courriel", "email"),
        ("Telefonnummer", "phone"),
        ("Teléfono", "phone"),
        ("Numero di telefono", "phone"),
        ("Postleitzahl", "postal_code"),
        ("Code postal", "postal_code"),
        ("CAP", "postal_code"),
        ("Ciudad", "city"),
        ("Ville", "city"),
        ("Città", "city"),
        ("Cidade", "city"),
        ("Straße und Hausnummer", "address_line1"),
        ("Dirección", "address_line1"),
        ("Öffnungszeiten", "hours"),
        ("Palabras clave", "keywords"),
        ("Mots-clés", "keywords"),
        ("Gründungsjahr", "year_established"),
        ("Año de fundación", "year_established"),
        ("Facebook page", "facebook_url"),
        ("Business Website Address", "website"),
        ("Kurzbeschreibung", "short_description"),
        ("Beschreibung", "description"),
        ("Vorname", "contact_first_name"),
        ("Nachname", "contact_last_name"),
        ("Contact person", "contact_name"),
        ("Business owner name", "contact_name"),
    ],
)
def test_labels_in_six_languages(label: str, expected: str) -> None:
    kind = "textarea" if expected in {"hours", "description"} else "text"
    assert keys(field("f1", label, kind))["f1"] == expected


@pytest.mark.parametrize(
    ("label", "kind", "extra"),
    [
        ("Email", "text", {"visibility": "display-none"}),
        ("Website", "text", {"visibility": "off-screen"}),
        ("Phone", "text", {"visibility": "zero-size"}),
        ("Password", "password", {}),
        ("Type the characters you see", "text", {}),
        ("Security code", "text", {}),
        ("Reciprocal link URL", "url", {}),
        ("URL of the page with our link back", "url", {}),
        ("Card number", "text", {}),
        ("Coupon code", "text", {}),
        ("Friend's email", "email", {}),
        ("Fax", "tel", {}),
        ("Date of birth", "text", {}),
        ("VAT number", "text", {}),
        ("Message", "textarea", {}),
        ("Username", "text", {}),
        ("Hausnummer", "text", {}),
    ],
)
def test_never_filled(label: str, kind: str, extra: dict) -> None:
    decision = decisions(field("f1", label, kind, **extra))["f1"]
    assert decision.action == "leave", decision


def test_autocomplete_tokens_decide_when_present() -> None:
    found = keys(
        field("x1", "Line A", autocomplete="shipping address-line1"),
        field("x2", "", autocomplete="billing organization"),
        field("x3", "", autocomplete="section-a postal-code"),
    )
    assert found == {"x1": "address_line1", "x2": "business_name", "x3": "postal_code"}


def test_input_type_and_field_name_are_fallbacks() -> None:
    found = keys(field("contact", "", kind="email"), field("phone_number", ""))
    assert found == {"contact": "email", "phone_number": "phone"}
    assert keys(field("zzz", "", kind="tel")) == {"zzz": "phone"}


def test_a_label_the_input_type_contradicts_is_left_for_the_next_layer() -> None:
    plan, unresolved = heuristic_plan(schema(field("f1", "Business name", "email")))
    assert [f.name for f in unresolved] == ["f1"]
    assert plan == {}


def test_consent_boxes_are_ticked_and_newsletters_are_not() -> None:
    found = decisions(
        field(
            "tos",
            "I agree to the Terms of Service",
            "checkbox",
            required=True,
            options=[FieldOption(value="1", label="I agree")],
        ),
        field(
            "dsgvo",
            "Ich habe die Datenschutzerklärung gelesen",
            "checkbox",
            options=[FieldOption(value="ja", label="ja")],
        ),
        field(
            "news",
            "Subscribe to our newsletter",
            "checkbox",
            options=[FieldOption(value="1", label="Subscribe")],
        ),
    )
    assert (found["tos"].action, found["tos"].choice) == ("check", "1")
    assert (found["dsgvo"].action, found["dsgvo"].choice) == ("check", "ja")
    assert found["news"].action == "leave"


def test_the_free_option_of_a_paid_choice_is_chosen() -> None:
    plans = [
        FieldOption(value="p", label="Premium - $29/month (first month free)"),
        FieldOption(value="f", label="Basic (kostenlos)"),
        FieldOption(value="g", label="Gold 99 €"),
    ]
    found = decisions(field("plan", "Eintragsart", "radio", options=plans))["plan"]
    assert (found.action, found.choice) == ("choose", "f")
    only_paid = [
        FieldOption(value="a", label="Monthly $29"),
        FieldOption(value="b", label="Yearly $290 (2 months free)"),
    ]
    assert decisions(field("plan", "Plan", "radio", options=only_paid))["plan"].action == "leave"


def test_category_fields_take_one_or_many_by_kind() -> None:
    options = [FieldOption(value="1", label="Bakeries"), FieldOption(value="2", label="Cafes")]
    found = keys(
        field("c1", "Category", "select", options=options),
        field("c2", "Categories", "select-multiple", options=options, multiple=True),
        field("c3", "Kategorie", "checkbox", options=options, multiple=True),
    )
    assert found == {"c1": "primary_category", "c2": "categories", "c3": "categories"}


def test_form_context_first_name_second_phone_and_newsletter_box() -> None:
    found = decisions(
        field("nombre", "Nombre"),
        field("apellidos", "Apellidos"),
        field("tel1", "Teléfono"),
        field("tel2", "Teléfono móvil"),
        field("nl_email", "Email", form=1),
        forms=2,
    )
    assert found["nombre"].profile_key == "contact_first_name"
    assert found["apellidos"].profile_key == "contact_last_name"
    assert found["tel1"].profile_key == "phone"
    assert found["tel2"].action == "leave" and found["tel2"].reason == "second phone number"
    # A lone email in a second small form is only a newsletter box when it says so; the plan
    # still leaves it, since only the form with the most to fill is submitted.
    assert found["nl_email"].action == "leave"
    assert found["nl_email"].reason == "outside the form we submit"


def test_newsletter_forms_are_left_alone() -> None:
    newsletter = FormSchema(
        url="http://x.localhost/",
        forms=[CapturedForm(index=0, submit_labels=["Subscribe"])],
        fields=[field("EMAIL", "Email address"), field("FNAME", "First name")],
    )
    plan = map_form(newsletter)
    assert {d.action for d in plan.decisions} == {"leave"}


def test_target_form_is_the_one_with_most_fields_to_fill() -> None:
    plan = map_form(
        schema(
            field("q", "Search", form=0),
            field("a", "Company", form=1),
            field("b", "Email", form=1),
            forms=2,
        )
    )
    assert plan.target_form == 1


@pytest.mark.parametrize(
    ("label", "options", "chosen"),
    [
        (
            "Listing type",
            [
                ("std", "Standard listing - no-follow link, reviewed within 4-6 weeks"),
                ("feat", "Featured listing - $49/year, reviewed in 48h"),
                ("rec", "Reciprocal link listing (requires a link back)"),
            ],
            "std",
        ),
        (
            "Art des Eintrags",
            [
                ("1", "Grundeintrag, Prüfung innerhalb weniger Wochen"),
                ("2", "Premium-Eintrag 19 € im Monat"),
                ("3", "Eintrag mit Backlink"),
            ],
            "1",
        ),
        (
            "Formule",
            [
                ("", "-- choisir --"),
                ("b", "Entrée de base, lien nofollow"),
                ("r", "Entrée avec lien retour obligatoire"),
                ("v", "Entrée en vedette"),
            ],
            "b",
        ),
    ],
)
def test_the_one_listing_option_asking_no_money_or_link_back_is_chosen(
    label: str, options: list[tuple[str, str]], chosen: str
) -> None:
    choice = field(
        "kind", label, "radio", options=[FieldOption(value=v, label=t) for v, t in options]
    )
    found = decisions(choice)["kind"]
    assert (found.action, found.choice) == ("choose", chosen)


def test_a_choice_with_two_options_asking_nothing_is_left_alone() -> None:
    choice = field(
        "plan",
        "Plan",
        "radio",
        options=[
            FieldOption(value="a", label="Individual"),
            FieldOption(value="b", label="Household"),
            FieldOption(value="c", label="Corporate $99"),
        ],
    )
    assert decisions(choice)["plan"].action == "leave"


@pytest.mark.parametrize("label", ["Address", "Adresse", "Dirección", "Indirizzo", "Endereço"])
def test_two_street_inputs_under_one_address_label_are_line_one_and_two(label: str) -> None:
    found = keys(
        field("a1", label),
        field("a2", label),
        field("town", "City"),
    )
    assert (found["a1"], found["a2"]) == ("address_line1", "address_line2")


def test_street_inputs_apart_from_each_other_are_not_paired() -> None:
    found = keys(field("street", "Street"), field("town", "City"), field("hq", "Street"))
    assert found["hq"] != "address_line2"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Företagsnamn", "business_name"),
        ("Virksomhedens navn", "business_name"),
        ("Yrityksen nimi", "business_name"),
        ("Název firmy", "business_name"),
        ("Cégnév", "business_name"),
        ("Numele firmei", "business_name"),
        ("Firma adı", "business_name"),  # noqa: RUF001 (Turkish dotless i)
        ("Nazwa firmy", "business_name"),
        ("Bedrijfsnaam", "business_name"),
        ("Postnummer", "postal_code"),
        ("Irányítószám", "postal_code"),
        ("Kod pocztowy", "postal_code"),
        ("Åbningstider", "hours"),
        ("Aukioloajat", "hours"),
        ("Çalışma saatleri", "hours"),  # noqa: RUF001 (Turkish dotless i)
        ("Efternamn", "contact_last_name"),
        ("Soyadı", "contact_last_name"),  # noqa: RUF001 (Turkish dotless i)
        ("Nazwisko", "contact_last_name"),
        ("Hjemmeside", "website"),
        ("Weboldal", "website"),
        ("Beskrivning", "description"),
        ("Popis", "description"),
        ("Miejscowość", "city"),
        ("Woonplaats", "city"),
    ],
)
def test_labels_in_more_languages(label: str, expected: str) -> None:
    assert keys(field("f", label))["f"] == expected


@pytest.mark.parametrize(
    "label",
    ["Jag godkänner villkoren", "Souhlasím s podmínkami", "Ik ga akkoord met de voorwaarden"],
)
def test_consent_in_more_languages(label: str) -> None:
    box = field("ok", label, "checkbox", required=True, options=[FieldOption(value="1", label="")])
    assert decisions(box)["ok"].action == "check"
