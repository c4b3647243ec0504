"""Class 6 — a 4xx answer dressed as a friendly page.

The listing POST is refused (recorded `accepted: false`) with 400, 403, 409 or 422, but the
page that comes back reads like a confirmation ("Thanks! We got your details…", "Merci !").
A 4xx is not "answered 2xx/3xx", so it proves nothing. Honest outcome: not `submitted`
(`needs_review`), exactly 1 POST.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import BaseRoute

from ..forms import FieldValue
from ..state import SandboxState
from ._base import HostileVariant, hostile_variant
from ._page import Answer, FormSpec, PageSpec, form_routes


@dataclass(frozen=True, kw_only=True)
class Spec(PageSpec):
    status: Literal[400, 403, 409, 422]
    heading: str
    text: str


def _variant(spec: Spec) -> HostileVariant:
    site = spec.sandbox_site(
        features=["hostile", "friendly-4xx", f"post-{spec.status}"],
        expected_outcome="needs_review",
        description=(
            f"Hostile (friendly {spec.status}): the listing POST is recorded as refused and "
            f"answered {spec.status} with a page that reads like a thank-you. "
            "Expected: needs_review (never submitted), exactly 1 POST."
        ),
    )

    def form_page() -> Response:
        return spec.page(site, spec.form_content())

    def answer(fields: dict[str, FieldValue]) -> Answer:
        content = Markup('<div class="message"><h2>{}</h2><p>{}</p></div>').format(
            spec.heading, spec.text
        )
        return Answer(False, spec.page(site, content, title=spec.heading, status_code=spec.status))

    def routes(state: SandboxState) -> list[BaseRoute]:
        return form_routes(spec, state, site, form_page=form_page, answer=answer)

    post = spec.listing_post(status=spec.status, accepted=False)
    return hostile_variant(site, routes, family="friendly-4xx", post=post)


VARIANTS: tuple[HostileVariant, ...] = (
    _variant(
        Spec(
            slug="hillcrest-biz-list",
            name="Hillcrest Biz List",
            lang="en",
            path="/add-your-business",
            action="/add-your-business",
            title="Add your business",
            skin="portal",
            form=FormSpec(
                lang="en",
                names=(
                    "bizname",
                    "email",
                    "phone",
                    "web",
                    "address1",
                    "city",
                    "zipcode",
                    "description",
                ),
                style="rows",
                submit_label="Send",
                id_prefix="hc",
            ),
            status=400,
            heading="Thanks! We got your details.",
            text="Our team will take it from here and be in touch if anything is missing.",
            accent="#ad1457",
        )
    ),
    _variant(
        Spec(
            slug="annuaire-lumiere",
            name="Annuaire Lumière",
            lang="fr",
            path="/proposer-une-fiche",
            action="/proposer-une-fiche/envoyer",
            title="Proposer une fiche",
            skin="press",
            form=FormSpec(
                lang="fr",
                names=(
                    "nom_entreprise",
                    "adresse_email",
                    "num_tel",
                    "site_internet",
                    "adresse_postale",
                    "ville",
                    "code_postal",
                    "description",
                ),
                style="wrapped",
                submit_label="Envoyer",
                id_prefix="lu",
            ),
            status=403,
            heading="Merci !",
            text="Votre demande a bien été reçue. Notre équipe vous recontactera rapidement.",
            accent="#f9a825",
        )
    ),
    _variant(
        Spec(
            slug="oakridge-business-hub",
            name="Oakridge Business Hub",
            lang="en",
            path="/hub/join",
            action="/hub/join",
            title="Join the hub",
            skin="card",
            form=FormSpec(
                lang="en",
                names=(
                    "org",
                    "contact_email",
                    "contact_phone",
                    "org_site",
                    "org_street",
                    "org_city",
                    "org_zip",
                    "org_bio",
                ),
                style="table",
                submit_label="Join",
                id_prefix="oh",
                labels={"business_name": "Organisation name", "description": "Short description"},
            ),
            status=409,
            heading="Thank you for your interest!",
            text="Good news: we already have your details on file. We'll be in touch soon.",
            accent="#4e342e",
        )
    ),
    _variant(
        Spec(
            slug="firmenfinder-sued",
            name="Firmenfinder Süd",
            lang="de",
            path="/eintrag",
            action="/eintrag/absenden",
            title="Kostenloser Firmeneintrag",
            skin="retro",
            form=FormSpec(
                lang="de",
                names=(
                    "unternehmen",
                    "email",
                    "tel",
                    "internet",
                    "anschrift",
                    "stadt",
                    "plz",
                    "taetigkeit",
                ),
                style="floating",
                submit_label="Absenden",
                id_prefix="ff",
            ),
            status=422,
            heading="Danke!",
            text="Wir haben Ihre Angaben erhalten und melden uns in Kürze bei Ihnen.",
            accent="#00897b",
        )
    ),
)
