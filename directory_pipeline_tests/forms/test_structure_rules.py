"""Structure-aware heuristics: what a field's name, its neighbours, its options and the form
around it say, beyond its label's words. Each rule is shown on several unrelated pages'
worth of markup, so a rule that only matched one wording would fail."""

# ruff: noqa: RUF001  (real option texts use en dashes)

from __future__ import annotations

import pytest

from directory_pipeline.forms.choices import asks_link_back, is_free, is_paid
from directory_pipeline.forms.field_text import identifier_tokens, leaf_segment
from directory_pipeline.forms.mapper import heuristic_plan, map_form
from directory_pipeline.forms.schema import (
    CapturedForm,
    FieldOption,
    FormField,
    FormSchema,
    LabelSources,
)
from directory_pipeline.forms.vocabulary import normalise, prices


def field(name: str, label: str = "", kind: str = "text", **extra) -> FormField:
    tag = "select" if kind.startswith("select") else "textarea" if kind == "textarea" else "input"
    sources = extra.pop("sources", None) or LabelSources(label=label)
    return FormField(
        form_index=extra.pop("form", 0),
        selector=f"[name='{name}']",
        tag=tag,
        kind=kind,
        name=name,
        label=label,
        sources=sources,
        **extra,
    )


def options(*labels: str) -> list[FieldOption]:
    return [FieldOption(value=f"v{i}", label=label) for i, label in enumerate(labels)]


def plan_of(
    *fields: FormField, forms: int = 1, lang: str = ""
) -> dict[str, tuple[str, str | None]]:
    schema = FormSchema(
        url="http://x.localhost/add",
        forms=[CapturedForm(index=i, method="post") for i in range(forms)],
        fields=list(fields),
        declared_language=lang,
    )
    decisions, unresolved = heuristic_plan(schema)
    got: dict[str, tuple[str, str | None]] = {f.name: ("unresolved", None) for f in unresolved}
    for key, d in decisions.items():
        got[key.split("/", 1)[1]] = (d.action, d.profile_key or d.choice)
    return got


# --- names in snake, camel, bracket and dotted forms ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "leaf", "tokens"),
    [
        ("data[Field][Listing][jr_address1]", "jr_address1", ("jr", "address", "1")),
        ("body[0][value]", "body", ("body",)),
        ("Supplier.YearStarted", "YearStarted", ("year", "started")),
        (
            "tax_input[at_biz_dir-category][]",
            "at_biz_dir-category",
            ("at", "biz", "dir", "category"),
        ),
        ("q5_telefone[area]", "area", ("area",)),
        ("URLField", "URLField", ("url", "field")),
        ("txtAdd2", "txtAdd2", ("txt", "add", "2")),
    ],
)
def test_structured_names_split_into_their_words(raw: str, leaf: str, tokens: tuple) -> None:
    assert leaf_segment(raw) == leaf
    assert identifier_tokens(leaf) == tokens


@pytest.mark.parametrize(
    ("name", "label", "kind", "expected"),
    [
        # Containers like "data" or "Listing" say where a value sits, not what it is.
        ("data[Field][Listing][jr_city]", "City", "text", "city"),
        ("data[Listing][metakey]", "Meta keywords", "text", "keywords"),
        ("data[email]", "Your email", "email", "email"),
        # A label in words the vocabulary does not know: the name's own part decides.
        ("tax_input[at_biz_dir-category][]", "Obory *", "select-multiple", "categories"),
        ("listing[zipcode]", "Irányító", "text", "postal_code"),
        ("company.email", "Sähköpostiosoitteesi tähän", "email", "email"),
    ],
)
def test_a_names_leaf_decides_and_its_containers_do_not_exclude(
    name: str, label: str, kind: str, expected: str
) -> None:
    assert plan_of(field(name, label, kind))[name] == ("fill", expected)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("friendly_url", "Slug"),  # two words: a slug, not the website
        ("url_retour", "Partnerside"),
        ("wpbdp-field-5-title", "Textul linkului"),  # "title" is too vague to be a name
        ("newsletter[email]", "E-mail"),  # a container that is a newsletter excludes
    ],
)
def test_a_leaf_that_says_more_than_one_thing_or_too_little_is_not_trusted(
    name: str, label: str
) -> None:
    assert plan_of(field(name, label))[name][0] != "fill"


def test_a_help_paragraph_near_a_field_does_not_exclude_it() -> None:
    help_text = "We check your ABN against the ABR before your profile goes live."
    got = plan_of(
        field("suburb", "", sources=LabelSources(placeholder="Suburb", row=help_text)),
        field("postcode", "", sources=LabelSources(placeholder="Postcode", nearby=help_text)),
        field("abn", "ABN"),
    )
    assert got["suburb"] == ("fill", "city")
    assert got["postcode"] == ("fill", "postal_code")
    assert got["abn"][0] == "leave"  # its own label still excludes it


# --- choices: prices in any currency, link-back asks, consent as a yes/no -------------------


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Cena: 0 Kč", [0]),
        ("149 Kč měsíčně", [149]),
        ("Spotlight — R349 once-off", [349]),
        ("Top-Eintrag € 19,– / Monat", [19]),
        ("Fast-track review — A$19", [19]),
        ("Premium 99 kr/mån", [99]),
        ("Wyróżniony 49 zł", [49]),
        ("Free listing", []),
    ],
)
def test_prices_are_read_in_any_currency(text: str, amounts: list[int]) -> None:
    assert prices(text) == amounts


@pytest.mark.parametrize(
    ("label", "paid", "link", "free"),
    [
        ("Grundeintrag – ohne Backlink, Prüfung in wenigen Wochen", False, False, False),
        ("Basic listing (no link back required)", False, False, False),
        ("Partnereintrag – mit Gegenlink auf Ihrer Website", False, True, False),
        ("Reciprocal listing: add a link back to us", False, True, False),
        ("Vizitka – bez loga. Cena: 0 Kč", False, False, True),
        ("Standard – gratis", False, False, True),
        ("Featured listing", True, False, False),
    ],
)
def test_what_an_option_asks_for(label: str, paid: bool, link: bool, free: bool) -> None:
    option = FieldOption(value="x", label=label)
    assert (is_paid(option), asks_link_back(option), is_free(option)) == (paid, link, free)


@pytest.mark.parametrize(
    ("name", "label", "labels", "chosen"),
    [
        # No label at all: the name says it is the plan.
        ("plan_id", "", ("Basic — reviewed in 3 weeks", "Featured — $29/month"), "v0"),
        ("fees[category]", "", ("Standard opslag", "Premium opslag 199 kr"), "v0"),
        ("LINK_TYPE", "Link type", ("Regular", "Featured $15", "Reciprocal"), "v0"),
        (
            "eintragsart",
            "Art des Eintrags",
            (
                "Grundeintrag – ohne Backlink, Prüfung innerhalb weniger Wochen",
                "Top-Eintrag – € 19,– / Monat",
                "Partnereintrag – mit Gegenlink",
            ),
            "v0",
        ),
        ("pkg", "", ("Spotlight — R349 once-off", "Standard — no-follow, 4–6 weeks"), "v1"),
    ],
)
def test_the_listing_option_asking_nothing_is_chosen(
    name: str, label: str, labels: tuple[str, ...], chosen: str
) -> None:
    got = plan_of(field(name, label, "radio", options=options(*labels)))
    assert got[name] == ("choose", chosen)


def test_a_choice_that_is_not_a_plan_and_not_required_is_left() -> None:
    got = plan_of(field("colour", "Favourite", "radio", options=options("Blue", "Gold $5")))
    assert got["colour"][0] == "leave"


@pytest.mark.parametrize(
    ("question", "answers", "chosen"),
    [
        ("Terms of use", ("Yes, I accept the terms", "No"), "v0"),
        ("Vilkår", ("Nei", "Ja, jeg godtar vilkårene"), "v1"),
    ],
)
def test_a_required_yes_no_on_the_terms_takes_the_accepting_answer(
    question: str, answers: tuple[str, ...], chosen: str
) -> None:
    got = plan_of(field("tos", question, "radio", options=options(*answers), required=True))
    assert got["tos"] == ("check", chosen)


def test_a_yes_no_about_newsletters_is_not_consent() -> None:
    got = plan_of(
        field(
            "news",
            "Newsletter",
            "radio",
            options=options("Yes, I accept newsletters", "No"),
            required=True,
        )
    )
    assert got["news"][0] == "leave"


def test_a_data_processing_consent_is_ticked_although_it_names_personal_data() -> None:
    label = "Acepto el tratamiento de mis datos personales conforme a la política de datos."
    got = plan_of(field("habeas_data", label, "checkbox", required=True))
    assert got["habeas_data"][0] == "check"


# --- field groups: split phones, towns and their parts, second address blocks --------------


def test_a_phone_split_into_parts_is_left_whole() -> None:
    def part(name: str, says: str, size: int) -> FormField:
        sources = LabelSources(row="Business phone", aria_label=says)
        return field(name, "", "tel", sources=sources, maxlength=size)

    got = plan_of(
        part("biz[phone_area]", "Area code", 3),
        part("biz[phone_prefix]", "First three digits", 3),
        part("biz[phone_line]", "Last four digits", 4),
        field("biz[city]", "City"),
    )
    assert [got[f"biz[phone_{p}]"][0] for p in ("area", "prefix", "line")] == ["leave"] * 3
    assert got["biz[city]"] == ("fill", "city")


def test_a_split_landline_leaves_the_required_mobile_as_the_phone() -> None:
    got = plan_of(
        field("mobileNo", "Mobile Number *", "tel", required=True),
        field(
            "landlineStd", "", "tel", sources=LabelSources(aria_label="STD code", row="Landline")
        ),
        field("landlineNo", "", "tel", sources=LabelSources(aria_label="Number", row="Landline")),
    )
    assert got["mobileNo"] == ("fill", "phone")
    assert got["landlineStd"][0] == got["landlineNo"][0] == "leave"


def test_a_brazilian_area_code_and_number_are_one_split_phone() -> None:
    got = plan_of(
        field("q5_telefone[area]", "Telefone DDD", "tel", maxlength=2),
        field("q5_telefone[phone]", "Número", "tel"),
    )
    assert got["q5_telefone[area]"][0] == got["q5_telefone[phone]"][0] == "leave"


@pytest.mark.parametrize("part", ["Suburb", "Neighbourhood", "Stadtteil", "Barrio"])
def test_a_part_of_town_beside_the_town_is_left(part: str) -> None:
    got = plan_of(field("street", "Street"), field("part", part), field("town", "City"))
    assert got["town"] == ("fill", "city")
    assert got["part"] != ("fill", "city")


def test_a_suburb_alone_is_the_city() -> None:
    assert plan_of(field("suburb", "Suburb"))["suburb"] == ("fill", "city")


@pytest.mark.parametrize(
    ("own", "second"),
    [
        ("Physical address", "Postal address"),
        ("Adresse des Betriebs", "Rechnungsadresse"),
        ("Dirección del local", "Dirección de facturación"),
    ],
)
def test_a_second_address_block_is_left(own: str, second: str) -> None:
    def block(prefix: str, legend: str) -> list[FormField]:
        return [
            field(f"{prefix}.Street", "", sources=LabelSources(label="Street", legend=legend)),
            field(f"{prefix}.Town", "", sources=LabelSources(label="Town", legend=legend)),
        ]

    got = plan_of(*block("A", own), *block("B", second))
    assert got["A.Street"] == ("fill", "address_line1") and got["A.Town"] == ("fill", "city")
    assert got["B.Street"][0] == got["B.Town"][0] == "leave"


# --- labels: modifiers, parentheses, two names in one field, numbers ------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Short Business Description", "short_description"),
        ("Descripción corta", "short_description"),
        ("Brief description of services", "short_description"),
        ("A short history of the business", "description"),
        ("Description", "description"),
        ("Postcode (where your shop is, not your address)", "postal_code"),
        ("Vorname und Nachname", "contact_name"),
        ("Voornaam + achternaam", "contact_name"),
    ],
)
def test_label_structure(label: str, expected: str) -> None:
    kind = "textarea" if "escri" in label or "history" in label else "text"
    assert plan_of(field("f", label, kind))["f"] == ("fill", expected)


@pytest.mark.parametrize("label", ["N° d'entreprise", "Company number", "Firmennummer Nr."])
def test_a_company_number_is_not_the_company_name(label: str) -> None:
    got = plan_of(field("f", label))
    assert got["f"][1] != "business_name"


# --- options that say what a choice is ------------------------------------------------------


CZECH_REGIONS = (
    "— vyberte —",
    "Jihomoravský kraj",
    "Kraj Vysočina",
    "Pardubický kraj",
    "Zlínský kraj",
)
COLOMBIAN_DEPARTMENTS = ("Antioquia", "Atlántico", "Bolívar", "Boyacá", "Caldas")
US_STATES = ("Alabama", "Alaska", "Arizona", "Arkansas", "California")
TRADES = ("Panadería", "Restaurante", "Cafetería", "Peluquería", "Bar")


@pytest.mark.parametrize(
    ("label", "labels", "expected"),
    [
        ("Kraj", CZECH_REGIONS, "region"),
        ("Departamento", COLOMBIAN_DEPARTMENTS, "region"),
        ("Estado", US_STATES, "region"),
        ("Rubro", TRADES, "primary_category"),
    ],
)
def test_a_choice_whose_options_say_what_it_is(
    label: str, labels: tuple[str, ...], expected: str
) -> None:
    got = plan_of(field("f", label, "select", options=options(*labels)))
    assert got["f"] == ("fill", expected)


def test_a_list_of_years_alone_is_not_the_founding_year() -> None:
    years = options("1990", "1991", "1992", "1993", "1994", "1995")
    got = plan_of(field("bday_year", "Jahrgang", "select", options=years))
    assert got["bday_year"][1] != "year_established"


# --- inputs whose type and label disagree --------------------------------------------------


@pytest.mark.parametrize(
    "label", ["Listing page link", "Page showing our badge", "Linkul paginii firmei în ghid"]
)
def test_an_address_input_labelled_as_something_else_is_not_the_website(label: str) -> None:
    assert plan_of(field("u", label, "url"))["u"][0] != "fill"


def test_an_unlabelled_address_input_is_the_website() -> None:
    assert plan_of(field("u", "", "url"))["u"] == ("fill", "website")


# --- the plan fills one form ----------------------------------------------------------------


def test_fields_outside_the_submitted_form_are_left_with_the_reason() -> None:
    schema = FormSchema(
        url="http://x.localhost/add",
        forms=[CapturedForm(index=i, method="post") for i in range(2)],
        fields=[
            field("name", "Business name"),
            field("city", "City"),
            field("phone", "Phone", "tel"),
            field("nl_email", "Your e-mail", "email", form=1),
        ],
    )
    plan = map_form(schema)
    assert plan.target_form == 0
    outside = plan.decision("1/nl_email")
    assert outside is not None and outside.action == "leave"
    assert outside.reason == "outside the form we submit"


# --- Greek -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("greek", "latin"),
    [
        ("Ονοματεπώνυμο", "onomateponymo"),
        ("Επωνυμία επιχείρησης", "eponymia epicheirisis"),
        ("Ταχυδρομικός κώδικας", "tachydromikos kodikas"),
    ],
)
def test_greek_is_transliterated_for_the_word_lists(greek: str, latin: str) -> None:
    assert normalise(greek) == latin


# --- a bare name, and one field per key ------------------------------------------------------


@pytest.mark.parametrize("label", ["Name", "Your name *", "Ihr Name", "Numele tău", "Full name"])
def test_a_bare_name_is_the_contact(label: str) -> None:
    assert plan_of(field("n", label))["n"] == ("fill", "contact_name")


@pytest.mark.parametrize(
    "label", ["Venue Name", "Place name", "Name on the card", "Nome della struttura"]
)
def test_the_name_of_something_else_is_not_the_contact(label: str) -> None:
    assert plan_of(field("n", label))["n"][1] != "contact_name"


def test_a_form_asking_one_thing_twice_keeps_the_field_it_is_surest_of() -> None:
    got = plan_of(
        field("site", "Website"),
        field("web2", "Homepage"),  # the same key again, less sure of nothing: the first stays
        field("zip", "Postcode"),
        field("plz", "", sources=LabelSources(placeholder="PLZ")),
        field("email", "E-mail", "email"),
        field("email2", "Confirm e-mail", "email"),
    )
    assert got["site"] == ("fill", "website") and got["web2"][0] == "leave"
    assert got["zip"] == ("fill", "postal_code") and got["plz"][0] == "leave"
    assert got["email"] == got["email2"] == ("fill", "email")  # a repeated e-mail is allowed


@pytest.mark.parametrize(
    "label", ["Celular com DDD", "Phone (with area code)", "Telefon inkl. Vorwahl"]
)
def test_a_whole_number_with_its_area_code_is_not_a_part(label: str) -> None:
    assert plan_of(field("tel", label, "tel"))["tel"] == ("fill", "phone")
