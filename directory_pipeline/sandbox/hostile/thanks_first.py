"""Class 1 — the form page already thanks the visitor, then the POST fails.

The thank-you text is on the page before the submit click (a hero paragraph, or a
`role=status` / `aria-live` region that stays put), so it proves nothing. The POST is
refused: either 200 with the form shown again (intro still there) plus a failure sentence,
or 500 with a page that still carries the intro. Honest outcome: `needs_review`, 1 POST
(recorded `accepted: false`).
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
from ._page import Answer, FormSpec, PageSpec, form_routes, script_value

Where = Literal["hero", "status", "scripted-live"]


@dataclass(frozen=True, kw_only=True)
class Spec(PageSpec):
    where: Where  # where the thank-you intro sits
    intro: str
    failure: Literal["rerender", "500"]
    failure_text: str
    error_title: str = ""

    @property
    def status(self) -> int:
        """What the refused listing POST is answered with."""
        return 500 if self.failure == "500" else 200


def _intro(spec: Spec) -> Markup:
    if spec.where == "hero":
        head, _, rest = spec.intro.partition("|")
        return Markup('<section class="hero"><h2>{}</h2><p>{}</p></section>').format(head, rest)
    if spec.where == "status":
        return Markup('<div class="hinweis" role="status" aria-live="polite">{}</div>').format(
            spec.intro.replace("|", " ")
        )
    # Filled in by the page's own script as soon as it loads, before anyone types.
    return Markup(
        '<div id="bienvenida" aria-live="polite"></div>\n'
        "<script>document.getElementById('bienvenida').textContent = {};</script>"
    ).format(script_value(spec.intro.replace("|", " ")))


def _variant(spec: Spec) -> HostileVariant:
    outcome = (
        "answers 500 with a page that still carries the intro"
        if spec.failure == "500"
        else ("answers 200 with the form shown again (intro still there) and a failure sentence")
    )
    site = spec.sandbox_site(
        features=[
            "hostile",
            "thanks-before-submit",
            f"thanks-in-{spec.where}",
            "post-500" if spec.failure == "500" else "post-refused-200",
        ],
        expected_outcome="needs_review",
        description=(
            f"Hostile (thanks first): the form page already thanks the visitor "
            f"({spec.where}); the listing POST is recorded as refused and {outcome}. "
            "Expected: needs_review, exactly 1 POST."
        ),
    )

    def page(fields: dict[str, FieldValue] | None = None, *, failed: bool = False) -> Response:
        intro = _intro(spec)
        if failed and spec.failure == "500":
            error = Markup('<h2 class="err-title">{}</h2><p>{}</p>').format(
                spec.error_title, spec.failure_text
            )
            return spec.page(site, Markup("\n").join([intro, error]), status_code=spec.status)
        notice = Markup('<p class="notice notice-warning">{}</p>').format(spec.failure_text)
        before = [intro, notice] if failed else [intro]
        return spec.page(site, spec.form_content(values=fields, before=before))

    def routes(state: SandboxState) -> list[BaseRoute]:
        def answer(fields: dict[str, FieldValue]) -> Answer:
            return Answer(False, page(fields, failed=True))

        return form_routes(spec, state, site, form_page=page, answer=answer)

    post = spec.listing_post(status=spec.status, accepted=False)
    return hostile_variant(site, routes, family="thanks-first", post=post)


VARIANTS: tuple[HostileVariant, ...] = (
    _variant(
        Spec(
            slug="brightside-business-guide",
            name="Brightside Business Guide",
            lang="en",
            path="/list-your-business",
            title="List your business",
            skin="portal",
            form=FormSpec(
                lang="en",
                names=("company", "email", "phone", "url", "street", "city", "zip", "about"),
                style="rows",
                submit_label="Submit listing",
                id_prefix="bs",
            ),
            where="hero",
            intro=(
                "Thank you for choosing Brightside!|Every listing is reviewed by our editors "
                "and your business will appear in the guide once it has been approved."
            ),
            failure="rerender",
            failure_text="We could not save your listing, please try again later.",
            accent="#d35400",
        )
    ),
    _variant(
        Spec(
            slug="stadtfuehrer-eintrag",
            name="Stadtführer Eintrag",
            lang="de",
            path="/firma-eintragen",
            title="Firma kostenlos eintragen",
            skin="press",
            form=FormSpec(
                lang="de",
                names=("firma", "mail", "telefon", "homepage", "strasse", "ort", "plz", "text"),
                style="wrapped",
                submit_label="Eintrag absenden",
                id_prefix="sf",
            ),
            where="status",
            intro=(
                "Vielen Dank, dass Sie sich für den Stadtführer entschieden haben!|"
                "Jeder Eintrag wird von unserer Redaktion geprüft und anschließend freigeschaltet."
            ),
            failure="500",
            error_title="Interner Serverfehler",
            failure_text=(
                "Ihr Eintrag konnte leider nicht gespeichert werden. "
                "Bitte versuchen Sie es später noch einmal."
            ),
            accent="#2e7d32",
        )
    ),
    _variant(
        Spec(
            slug="directorio-sol",
            name="Directorio Sol",
            lang="es",
            path="/alta-empresa",
            title="Dé de alta su empresa",
            skin="card",
            form=FormSpec(
                lang="es",
                names=(
                    "nombre",
                    "correo",
                    "tel",
                    "web",
                    "direccion",
                    "ciudad",
                    "cp",
                    "descripcion",
                ),
                style="table",
                submit_label="Enviar ficha",
                id_prefix="ds",
            ),
            where="scripted-live",
            intro=(
                "¡Gracias por elegirnos!|Cada ficha es revisada por nuestro equipo editorial "
                "antes de publicarse."
            ),
            failure="rerender",
            failure_text="No hemos podido guardar su ficha. Inténtelo de nuevo más tarde.",
            accent="#f39c12",
        )
    ),
)
