"""Decoys: fields that say a profile word but are someone else's (a billing or delivery
address, a second contact, a referrer, a birth place, the city an advert should run in), and
short words whose meaning depends on the page's language. Each rule is shown on several
unrelated pages' worth of markup in several languages."""

# ruff: noqa: RUF001  (labels in other languages)

from __future__ import annotations

import pytest

from directory_pipeline.forms.heuristics import AddressRole, address_role
from directory_pipeline.forms.language import declared_language, text_languages
from directory_pipeline.forms.schema import LabelSources
from directory_pipeline_tests.forms.test_structure_rules import field, options, plan_of


def in_block(name: str, label: str, legend: str, kind: str = "text"):
    return field(name, label, kind, sources=LabelSources(label=label, legend=legend))


# --- the page's language, from its letters ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Příjmení Město Ulice a číslo popisné", {"cs"}),
        ("Názov prevádzky Počet zamestnancov Otváracie hodiny Mesto", {"cs", "sk"}),
        ("Miejscowość Województwo Kod pocztowy Ulica", {"pl"}),
        ("Postnr. By Kontaktperson Hjemmeside Nøgleord", {"da", "nb"}),
        ("Postnr. By Åbningstider Kontaktperson Stiftet år", {"da", "nb", "sv", "fi"}),
        ("Firma adı Çalışma saatleri İl İlçe Kuruluş yılı", {"tr"}),
        ("Επωνυμία Πόλη Διεύθυνση", {"el"}),
        ("Business name Town / City Postcode", set()),
    ],
)
def test_a_page_is_in_the_languages_that_write_its_letters(text: str, expected: set) -> None:
    assert text_languages(text) == expected


# --- short words that name a key in one language only ---------------------------------------


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["Název firmy", "Město", "Kraj"], "region"),  # cs
        (["Názov prevádzky", "Ulica a číslo", "Kraj"], "region"),  # sk
        (["Nazwa firmy", "Miejscowość", "Kraj"], "country"),  # pl
    ],
)
def test_kraj_is_a_region_in_czech_and_slovak_and_a_country_in_polish(
    labels: list[str], expected: str
) -> None:
    got = plan_of(*(field(f"f{i}", label) for i, label in enumerate(labels)))
    assert got["f2"] == ("fill", expected)


@pytest.mark.parametrize(
    "labels",
    [
        ["Firmanavn", "Vejnavn og nr.", "Åbningstider", "By"],  # da
        ["Bedriftsnavn", "Gateadresse", "Nøkkelord", "By"],  # nb
        ["Fornavn", "Etternavn", "Vilkår", "By"],  # nb
        ["Firma adı", "Çalışma saatleri", "Posta kodu", "İl"],  # tr
    ],
)
def test_by_and_il_are_the_town_on_danish_norwegian_and_turkish_pages(labels: list[str]) -> None:
    got = plan_of(*(field(f"f{i}", label) for i, label in enumerate(labels)))
    assert got["f3"] == ("fill", "city")


@pytest.mark.parametrize(
    "labels",
    [
        ["Business name", "Posted by", "By"],  # en: no language, no town
        ["Nome dell'attività", "Città", "Il tuo ruolo"],  # it article
        ["Raison sociale", "Téléphone", "Il"],  # fr
        ["Nazwa firmy", "Miejscowość", "By"],  # pl
    ],
)
def test_the_same_short_words_name_nothing_on_other_pages(labels: list[str]) -> None:
    got = plan_of(*(field(f"f{i}", label) for i, label in enumerate(labels)))
    assert got["f2"][1] not in {"city", "region", "country"}


# --- word beginnings: birth places and dates in inflecting and compounding languages -------


@pytest.mark.parametrize(
    "label",
    [
        "Geburtsort",
        "Miejsce urodzenia właściciela",
        "Születési hely",
        "Syntymäpaikka",
        "Yetkilinin doğum yeri",
        "Mjesto rođenja vlasnika",
        "Τόπος γέννησης",
        "Ägarens födelseort",
        "City of birth",
        "Lugar de nacimiento del titular",
    ],
)
def test_a_birth_place_is_never_the_business_city(label: str) -> None:
    got = plan_of(field("name", "Company name"), field("birth", label), field("city", "City"))
    assert got["birth"][0] == "leave"
    assert got["city"] == ("fill", "city")


# --- the person who referred you, the place an advert should run ---------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Ieteicēja vārds",
        "Imię i nazwisko osoby polecającej",
        "Jméno toho, kdo vám nás doporučil",
        "Sizi yönlendiren kişinin adı",
        "Suosittelijan nimi",
        "Geworben von (Name)",
        "¿Quién le recomendó?",
    ],
)
def test_the_referrers_name_is_never_the_contact(label: str) -> None:
    got = plan_of(field("ref", label), field("mail", "E-mail", "email"))
    assert got["ref"][0] == "leave"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Mesto, v ktorom chcete inzerovať", "text"),
        ("Reklam vermek istediğiniz şehir", "text"),
        ("Ville ciblée par la campagne", "text"),
        ("Category you want to advertise in (paid upgrade)", "select"),
        ("Kategória, v ktorej chcete inzerovať (platená pozícia)", "select"),
        ("Miasto, w którym chcesz się reklamować", "text"),
    ],
)
def test_where_an_advert_should_run_is_not_the_business(label: str, kind: str) -> None:
    extra = {"options": options("Plumbers", "Cafes")} if kind == "select" else {}
    got = plan_of(field("target", label, kind, **extra), field("mail", "E-mail", "email"))
    assert got["target"][0] == "leave"


# --- blocks of someone else's fields ------------------------------------------------------


@pytest.mark.parametrize(
    ("legend", "role"),
    [
        ("Fakturační adresa (pokud se liší)", AddressRole.BILLING),
        ("Dirección de facturación", AddressRole.BILLING),
        ("Rēķina adrese", AddressRole.BILLING),
        ("Fakturaadress", AddressRole.BILLING),
        ("Διεύθυνση τιμολόγησης", AddressRole.BILLING),
        ("Adres do korespondencji", AddressRole.BILLING),
        ("Leveringsadresse", AddressRole.DELIVERY),
        ("Doručovací adresa", AddressRole.DELIVERY),
        ("Shipping address", AddressRole.DELIVERY),
        ("Adresa provozovny", AddressRole.OWN),
        ("Business address", AddressRole.OWN),
    ],
)
def test_an_address_blocks_legend_says_whose_it_is(legend: str, role: AddressRole) -> None:
    assert address_role(legend) == role


@pytest.mark.parametrize(
    ("own", "billing", "legend"),
    [
        (("Dirección", "Población"), ("Dirección", "Población"), "Dirección de facturación"),
        (("Gatuadress", "Ort"), ("Gatuadress", "Ort"), "Fakturaadress"),
        (("Ulica i broj", "Grad"), ("Ulica i broj", "Grad"), "Adresa za dostavu računa"),
        (("Street address", "Town"), ("Street", "Town"), "Postal address (if different)"),
    ],
)
def test_a_billing_block_beside_the_own_address_is_left(
    own: tuple[str, str], billing: tuple[str, str], legend: str
) -> None:
    got = plan_of(
        field("street", own[0]),
        field("town", own[1]),
        in_block("b_street", billing[0], legend),
        in_block("b_town", billing[1], legend),
    )
    assert got["street"] == ("fill", "address_line1")
    assert got["town"] == ("fill", "city")
    assert got["b_street"][0] == "leave"
    assert got["b_town"][0] == "leave"


@pytest.mark.parametrize(
    ("billing", "delivery"),
    [
        ("Fakturační údaje", "Doručovací adresa"),
        ("Billing details", "Ship to a different address"),
        ("Date de facturare", "Adresă de livrare"),
    ],
)
def test_a_checkouts_billing_block_is_kept_and_its_delivery_block_left(
    billing: str, delivery: str
) -> None:
    got = plan_of(
        field("country", "Country", "select", options=options("Germany", "France")),
        in_block("street", "Street", billing),
        in_block("city", "City", billing),
        in_block("d_street", "Street", delivery),
        in_block("d_city", "City", delivery),
    )
    assert got["street"] == ("fill", "address_line1")
    assert got["city"] == ("fill", "city")
    assert got["d_street"][0] == "leave"
    assert got["d_city"][0] == "leave"


@pytest.mark.parametrize(
    ("legend", "labels"),
    [
        ("Druhá kontaktná osoba", ("Meno a priezvisko", "E-mail")),
        ("Second contact (optional)", ("Name", "Email")),
        ("Második kapcsolattartó", ("Név", "E-mail cím")),
        ("Zweiter Ansprechpartner", ("Name", "E-Mail")),
    ],
)
def test_a_second_contacts_block_is_left_beside_the_first(
    legend: str, labels: tuple[str, str]
) -> None:
    got = plan_of(
        field("name", labels[0]),
        field("mail", labels[1], "email"),
        in_block("name2", labels[0], legend),
        in_block("mail2", labels[1], legend, "email"),
    )
    assert got["mail"] == ("fill", "email")
    assert got["mail2"][0] == "leave"
    assert got["name2"][0] == "leave"


def test_a_second_block_alone_is_still_the_only_contact() -> None:
    got = plan_of(in_block("mail", "Email", "Second step: your details", "email"))
    assert got["mail"] == ("fill", "email")


# --- what a list's options are does not outweigh what its label says ------------------------

COUNTRIES = [
    "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Denmark", "Estonia",
    "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia",
    "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland",
]  # fmt: skip
REGIONS = ("Bayern", "Hessen", "Sachsen", "Berlin", "Hamburg")


@pytest.mark.parametrize("label", ["Country of birth", "Geburtsland", "Państwo urodzenia"])
def test_a_birth_country_list_is_not_the_business_country(label: str) -> None:
    got = plan_of(
        field("born", label, "select", options=options(*COUNTRIES)),
        field("country", "Country", "select", options=options(*COUNTRIES)),
    )
    assert got["born"][0] == "leave"
    assert got["country"] == ("fill", "country")


@pytest.mark.parametrize(
    "label",
    ["Novads", "Okres", "Gmina", "Kommune", "District", "Tööpiirkond", "Obszar działania"],
)
def test_a_district_or_service_area_listing_region_names_is_no_region(label: str) -> None:
    got = plan_of(
        field("area", label, "select", options=options(*REGIONS)),
        field("mail", "E-mail", "email"),
    )
    assert got["area"][1] != "region"


def test_a_region_list_under_another_data_word_is_still_a_region() -> None:
    # "Departamento" is also a company department; its options say it is a region.
    got = plan_of(field("dep", "Departamento", "select", options=options(*REGIONS)))
    assert got["dep"] == ("fill", "region")


# --- a label offering a choice of addresses -----------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Site ou Instagram",
        "Website or Facebook page",
        "Mājaslapa vai Facebook lapa",
        "Facebook oder Instagram",
        "Strona www lub profil na Facebooku",
    ],
)
def test_a_website_or_social_profile_field_takes_no_one_profile_address(label: str) -> None:
    got = plan_of(field("link", label), field("mail", "E-mail", "email"))
    assert got["link"][1] not in {"website", "facebook_url", "instagram_url"}


@pytest.mark.parametrize(
    ("label", "key"),
    [("Facebook page", "facebook_url"), ("URL of your Instagram profile", "instagram_url")],
)
def test_a_social_profile_field_is_still_filled(label: str, key: str) -> None:
    assert plan_of(field("link", label))["link"] == ("fill", key)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("E-mail", "Second contact's e-mail"),
        ("E-mail", "E-mail der zweiten Kontaktperson"),
        ("E-mail cím", "Második kapcsolattartó e-mail címe"),
    ],
)
def test_a_second_persons_field_is_left_beside_the_first(first: str, second: str) -> None:
    got = plan_of(field("mail", first, "email"), field("mail2", second, "email"))
    assert got["mail"] == ("fill", "email")
    assert got["mail2"][0] == "leave"


@pytest.mark.parametrize(
    "label",
    [
        "Account holder",
        "Kontoinhaber",
        "Titular de la cuenta",
        "Właściciel rachunku",
        "Számlatulajdonos",
        "Tilinomistaja",
        "Rekeninghouder",
    ],
)
def test_a_bank_account_holder_is_not_the_contact(label: str) -> None:
    got = plan_of(field("holder", label), field("mail", "E-mail", "email"))
    assert got["holder"][0] == "leave"


@pytest.mark.parametrize(
    "label",
    [
        "Parent company name",
        "Name der Muttergesellschaft",
        "Nazwa spółki matki",
        "Emoyhtiön nimi",
        "Previous business name",
        "Předchozí název firmy",
        "Önceki unvan",
    ],
)
def test_another_company_or_an_old_name_is_not_the_business_name(label: str) -> None:
    got = plan_of(field("other", label), field("name", "Company name"))
    assert got["other"][0] == "leave"
    assert got["name"] == ("fill", "business_name")


@pytest.mark.parametrize(
    ("label", "languages"),
    [
        ("Services offered in", ("English", "French", "Cree")),
        ("Toimialat", ("suomi", "ruotsi", "englanti")),
        ("Kategorien", ("Deutsch", "Englisch", "Türkisch", "Polnisch")),
        ("Obsługa w językach (kategorie)", ("polski", "angielski", "niemiecki")),
    ],
)
def test_a_list_of_languages_is_not_a_list_of_categories(label: str, languages: tuple) -> None:
    got = plan_of(field("langs[]", label, "checkbox", options=options(*languages), multiple=True))
    assert got["langs[]"][1] not in {"categories", "primary_category"}


def test_a_list_of_trades_is_still_the_categories() -> None:
    trades = options("Plumber", "Electrician", "Painter", "Roofer")
    got = plan_of(field("cats[]", "Services", "checkbox", options=trades, multiple=True))
    assert got["cats[]"] == ("fill", "categories")


@pytest.mark.parametrize(
    "labels",
    [
        ["Café name", "Listing managed by", "By"],  # en with one accent
        ["Nom du café", "Téléphone", "By"],  # fr
        ["Straße", "Müller Ansprechpartner", "Il"],  # de
    ],
)
def test_a_stray_accent_does_not_make_a_page_danish_or_turkish(labels: list[str]) -> None:
    got = plan_of(*(field(f"f{i}", label) for i, label in enumerate(labels)))
    assert got["f2"][1] != "city"


# --- <html lang>: speaks when the letters say nothing, narrows them when it is one of them --


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [("da-DK", "da"), ("nb", "nb"), ("no", "nb"), ("nn-NO", "nb"), ("pt_BR", "pt"), ("TR", "tr")],
)
def test_the_declared_language_is_its_primary_subtag(attribute: str, expected: str) -> None:
    assert declared_language(attribute) == expected


@pytest.mark.parametrize("attribute", ["", "en-US", "x-default", "zz"])
def test_a_language_no_word_depends_on_declares_nothing(attribute: str) -> None:
    assert declared_language(attribute) is None


@pytest.mark.parametrize(
    ("labels", "lang"),
    [
        (["Firmanavn", "Postnr.", "By"], "da-DK"),  # no letter says Danish
        (["Firmanavn", "Postnummer", "By"], "no"),
        (["Bedrift", "Telefon", "By"], "nb-NO"),
    ],
)
def test_a_declared_language_gates_short_words_on_pages_without_telling_letters(
    labels: list[str], lang: str
) -> None:
    fields = [field(f"f{i}", label) for i, label in enumerate(labels)]
    assert plan_of(*fields, lang=lang)["f2"] == ("fill", "city")
    assert plan_of(*fields)["f2"][1] != "city"  # undeclared: no language, no town


@pytest.mark.parametrize(
    ("labels", "lang", "expected"),
    [
        # a theme's default lang on a page whose letters say otherwise: the letters win
        (["Název firmy", "Ulice", "Kraj"], "en-US", "region"),
        (["Nazwa firmy", "Miejscowość", "Kraj"], "cs-CZ", "country"),
    ],
)
def test_a_declared_language_the_letters_contradict_is_not_believed(
    labels: list[str], lang: str, expected: str
) -> None:
    got = plan_of(*(field(f"f{i}", label) for i, label in enumerate(labels)), lang=lang)
    assert got["f2"][1] == expected


# --- classes read from the spent held-out set (2026-11-30), each on other markups ----------


@pytest.mark.parametrize(
    "label",
    [
        "I agree to receive other communications from Citywise.",
        "I consent to receive electronic messages about directory events.",
        "Yes, I'd like to receive offers and updates by e-mail",
        "J'accepte de recevoir des communications de la part du répertoire",
        "Acepto recibir comunicaciones comerciales",
        "Acconsento a ricevere comunicazioni commerciali",
        "Ich möchte Angebote erhalten",
    ],
)
def test_opting_in_to_messages_is_not_agreeing_to_the_terms(label: str) -> None:
    got = plan_of(
        field("name", "Business name"),
        field("optin", label, "checkbox"),
        field("terms", "I accept the terms of use", "checkbox", required=True),
    )
    assert got["optin"][0] != "check"
    assert got["terms"][0] == "check"


@pytest.mark.parametrize(
    ("legend_billing", "legend_delivery"),
    [
        ("Date de facturare", "Adresă de livrare"),  # ro: "date" is data here, not a date
        ("Fakturační údaje", "Doručovací adresa"),
        ("Billing details", "Shipping address"),
        ("Rechnungsadresse", "Lieferadresse"),
    ],
)
def test_a_checkouts_billing_person_is_kept_and_the_delivery_recipient_left(
    legend_billing: str, legend_delivery: str
) -> None:
    got = plan_of(
        in_block("b_name", "Nume / Jméno / Name", legend_billing),
        in_block("b_street", "Adresa / Ulice / Street", legend_billing),
        in_block("b_city", "Oraș / Město / City", legend_billing),
        in_block("d_name", "Nume / Jméno / Name", legend_delivery),
        in_block("d_street", "Adresa / Ulice / Street", legend_delivery),
        in_block("d_city", "Oraș / Město / City", legend_delivery),
    )
    assert got["b_street"] == ("fill", "address_line1")
    assert got["b_city"] == ("fill", "city")
    assert got["d_street"][0] != "fill" and got["d_city"][0] != "fill"
    assert got["d_name"][0] != "fill"


def test_romanian_date_is_still_a_date_elsewhere() -> None:
    got = plan_of(field("name", "Business name"), field("when", "Date"), field("city", "City"))
    assert got["when"][0] != "fill"


@pytest.mark.parametrize(
    "label",
    [
        "Postal address (if different, e.g. PO Box)",
        "Postanschrift (falls abweichend)",
        "Adresse postale (si différente)",
        "Dirección postal (si es distinta)",
        "PO Box",
        "Postfach",
    ],
)
def test_an_address_asked_only_if_different_is_not_the_business_address(label: str) -> None:
    got = plan_of(
        field("street", "Street address"),
        field("town", "Town"),
        field("alt", label),
    )
    assert got["street"] == ("fill", "address_line1")
    assert got["alt"][0] != "fill"
