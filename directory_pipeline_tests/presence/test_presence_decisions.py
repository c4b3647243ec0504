"""The pure decisions of following a listing: when to look next, which links on a search
page or sitemap are this business's listing, and which NAP differences are formatting only.
No browser, no database."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from directory_pipeline.domain import BusinessProfile
from directory_pipeline.domain.catalog import PresenceCheck, PresenceKind
from directory_pipeline.presence.finding import (
    PageLink,
    find_in_search,
    find_in_sitemap,
    presence_url,
    slugified,
)
from directory_pipeline.presence.nap import (
    NapField,
    NapVerdict,
    ShownNap,
    canonical_street,
    compare_nap,
    read_shown,
)
from directory_pipeline.presence.schedule import PresenceState, after_check, first_check_at
from directory_pipeline.presence.sighting import is_this_listing

SUBMITTED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PROFILE = BusinessProfile.model_validate(
    {
        "business_name": "Blue Heron Bakery",
        "email": "hello@blueheron.example",
        "phone": "+1 503 555 0142",
        "address_line1": "1208 SE Hawthorne Boulevard",
        "city": "Portland",
        "region": "OR",
        "postal_code": "97214",
        "country": "US",
        "primary_category": "Bakery",
    }
)
HOSTS = ["citylocal-hub.localhost"]


def test_checks_come_at_growing_intervals_until_the_review_period_ends() -> None:
    now, checks, waits = first_check_at(SUBMITTED, 28), 0, []
    while True:
        checks += 1
        decision = after_check(
            submitted_at=SUBMITTED, review_days=28, checks=checks, found=False, now=now
        )
        if decision.next_check_at is None:
            break
        waits.append(decision.next_check_at - now)
        now = decision.next_check_at
    hours = [round(w.total_seconds() / 3600) for w in waits]
    assert hours[:5] == [6, 24, 72, 168, 168]
    assert all(a <= b for a, b in pairwise(hours[:-1]))  # the last wait is cut short
    assert decision.state is PresenceState.NOT_FOUND
    assert decision.note == "not found after 28 days"
    assert now == SUBMITTED + dt.timedelta(days=28)  # the last check is at the deadline
    assert checks == 8


def test_a_found_listing_stops_the_checks() -> None:
    decision = after_check(
        submitted_at=SUBMITTED, review_days=14, checks=2, found=True, now=SUBMITTED
    )
    assert decision.state is PresenceState.LIVE and decision.next_check_at is None


def test_the_first_check_comes_an_hour_after_submission() -> None:
    assert first_check_at(SUBMITTED, 14) == SUBMITTED + dt.timedelta(hours=1)


def test_the_presence_url_is_the_entry_template_filled_and_made_absolute() -> None:
    check = PresenceCheck(kind=PresenceKind.SEARCH, url="/search?what={name}&where={city}")
    url = presence_url(check, "http://x.localhost:81/add", "Rosa's Bakery & Café", "San José")
    assert (
        url
        == "http://x.localhost:81/search?what=Rosa%27s%20Bakery%20%26%20Caf%C3%A9&where=San%20Jos%C3%A9"
    )
    pattern = PresenceCheck(kind=PresenceKind.LISTING_URL, url="/biz/{slug}-{city_slug}")
    assert presence_url(pattern, "http://x.localhost/add", "Rosa's Café", "San José") == (
        "http://x.localhost/biz/rosa-s-cafe-san-jose"
    )
    assert slugified("Bäckerei Blauer Reiher") == "backerei-blauer-reiher"


def test_a_search_result_counts_only_with_the_same_name_and_city_on_the_directory() -> None:
    page = "http://citylocal-hub.localhost:80/?s=Blue+Heron+Bakery"
    links = [
        PageLink(href="/", text="Home", block="Home Browse"),
        PageLink(
            href="/listing/3-blue-heron-bakery",
            text="Blue Heron Bakery",
            block="Blue Heron Bakery 12 Main St, 97301 Salem",
        ),
        PageLink(
            href="/listing/7-blue-heron-bakery",
            text="BLUE HERON BAKERY",
            block="BLUE HERON BAKERY 1208 SE Hawthorne Blvd., 97214 Portland",
        ),
        PageLink(
            href="/listing/9-blue-heron-bakery-cafe",
            text="Blue Heron Bakery Café",
            block="Blue Heron Bakery Café",
        ),
        PageLink(
            href="http://elsewhere.example/blue",
            text="Blue Heron Bakery",
            block="Blue Heron Bakery Portland",
        ),
        PageLink(
            href="/listing/7-blue-heron-bakery#map", text="Blue Heron Bakery", block="Portland"
        ),
        PageLink(href="/listing/11-heron", text="Heron Supplies", block="Portland"),
    ]
    found = find_in_search(
        links, page_url=page, name="Blue Heron Bakery", city="Portland", hosts=HOSTS
    )
    assert found == [
        "http://citylocal-hub.localhost:80/listing/7-blue-heron-bakery",
        "http://citylocal-hub.localhost:80/listing/9-blue-heron-bakery-cafe",
    ]


def test_a_sitemap_entry_counts_when_its_path_carries_the_name() -> None:
    xml = (
        '<?xml version="1.0"?><urlset><url><loc>http://citylocal-hub.localhost/</loc></url>'
        "<url><loc>http://citylocal-hub.localhost/listing/4-blue-heron-bakery</loc></url>"
        "<url><loc>http://citylocal-hub.localhost/listing/5-red-fox-deli</loc></url>"
        "<url><loc>http://mirror.example/listing/4-blue-heron-bakery</loc></url></urlset>"
    )
    assert find_in_sitemap(xml, name="Blue Heron Bakery", hosts=HOSTS) == [
        "http://citylocal-hub.localhost/listing/4-blue-heron-bakery"
    ]


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        (NapField.STREET, "1208 SE Hawthorne Blvd."),
        (NapField.STREET, "1208 Southeast Hawthorne Boulevard"),
        (NapField.PHONE, "(503) 555-0142"),
        (NapField.PHONE, "503.555.0142"),
        (NapField.NAME, "BLUE HERON BAKERY"),
        (NapField.CITY, "portland"),
        (NapField.POSTAL_CODE, "97214-1234"),
    ],
)
def test_formatting_only_differences_are_tolerated(field: NapField, shown: str) -> None:
    base = {
        "name": "Blue Heron Bakery",
        "street": "1208 SE Hawthorne Boulevard",
        "postal_code": "97214",
        "city": "Portland",
        "phone": "+15035550142",
    }
    report = compare_nap(ShownNap(**{**base, field.value: shown}), PROFILE)
    assert report.fields[field].verdict is NapVerdict.EQUIVALENT
    assert report.differences == {} and report.consistent


def test_real_differences_are_reported_per_field() -> None:
    shown = ShownNap(
        name="Blue Heron Bakery",
        street="1280 SE Hawthorne Blvd",
        postal_code="97215",
        city="Portland",
        phone="",
        text="Blue Heron Bakery, call us at (503) 555-0199",
    )
    report = compare_nap(shown, PROFILE)
    verdicts = {f: c.verdict for f, c in report.fields.items()}
    assert verdicts == {
        NapField.NAME: NapVerdict.MATCH,
        NapField.STREET: NapVerdict.DIFFERS,
        NapField.POSTAL_CODE: NapVerdict.DIFFERS,
        NapField.CITY: NapVerdict.MATCH,
        NapField.PHONE: NapVerdict.MISSING,
    }
    assert not report.consistent
    assert "street differs" in report.summary() and "phone missing" in report.summary()


def test_a_phone_only_in_the_page_text_still_counts() -> None:
    report = compare_nap(ShownNap(name="Blue Heron Bakery", text="Tel. 503-555-0142"), PROFILE)
    assert report.fields[NapField.PHONE].verdict is NapVerdict.EQUIVALENT


def test_the_page_markup_is_read_from_microdata_then_json_ld() -> None:
    json_ld = (
        '{"@context": "https://schema.org", "@type": "Bakery", "name": "Blue Heron Bakery",'
        ' "telephone": "+1-503-555-0142", "address": {"@type": "PostalAddress",'
        ' "streetAddress": "1208 SE Hawthorne Blvd", "postalCode": "97214",'
        ' "addressLocality": "Portland"}}'
    )
    shown = read_shown({"telephone": " (503)  555-0142 "}, ["not json", json_ld], "")
    assert shown.street == "1208 SE Hawthorne Blvd" and shown.city == "Portland"
    assert shown.phone == "(503) 555-0142"  # microdata wins


def test_a_page_is_this_listing_only_with_the_same_name_and_no_other_city() -> None:
    same = compare_nap(ShownNap(name="Blue Heron Bakery", city="Portland"), PROFILE)
    other_city = compare_nap(ShownNap(name="Blue Heron Bakery", city="Salem"), PROFILE)
    other_name = compare_nap(ShownNap(name="Red Fox Deli", city="Portland"), PROFILE)
    assert is_this_listing(same)
    assert not is_this_listing(other_city) and not is_this_listing(other_name)


def test_street_words_are_spelled_out() -> None:
    assert canonical_street("Oranienstr. 12") == canonical_street("Oranienstraße 12")
    assert canonical_street("1 Main St.") == "1 main street"
