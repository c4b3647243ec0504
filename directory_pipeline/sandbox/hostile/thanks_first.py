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
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..forms import FieldValue
from ..site import SandboxSite
from ..sites._base import SiteDefinition
from ..state import SandboxState
from ._base import HostileSite, HostileVariant, ListingPost
from ._page import FormSpec, Skin, html, read_fields, script_value

Where = Literal["hero", "status", "scripted-live"]


@dataclass(frozen=True)
class Spec:
    slug: str
    name: str
    lang: Literal["en", "de", "es", "fr"]
    path: str
    title: str
    skin: Skin
    form: FormSpec
    where: Where  # where the thank-you intro sits
    intro: str
    failure: Literal["rerender", "500"]
    failure_text: str
    error_title: str = ""
    accent: str = "#24527a"


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
    site = SandboxSite(
        slug=spec.slug,
        name=spec.name,
        form_path=spec.path,
        features=[
            "hostile",
            "thanks-before-submit",
            f"thanks-in-{spec.where}",
            "post-500" if spec.failure == "500" else "post-refused-200",
        ],
        expected_outcome="needs_review",
        tier="starter",
        language=spec.lang,
        description=(
            f"Hostile (thanks first): the form page already thanks the visitor "
            f"({spec.where}); the listing POST is recorded as refused and {outcome}. "
            "Expected: needs_review, exactly 1 POST."
        ),
    )

    def page(
        fields: dict[str, FieldValue] | None = None, *, failed: bool = False, code: int = 200
    ) -> Response:
        parts = [_intro(spec)]
        if failed and spec.failure == "500":
            parts.append(
                Markup('<h2 class="err-title">{}</h2><p>{}</p>').format(
                    spec.error_title, spec.failure_text
                )
            )
        else:
            if failed:
                parts.append(
                    Markup('<p class="notice notice-warning">{}</p>').format(spec.failure_text)
                )
            parts.append(spec.form.html(action=spec.path, values=fields))
        return html(
            site,
            spec.skin,
            title=spec.title,
            content=Markup("\n").join(parts),
            status_code=code,
            accent=spec.accent,
        )

    def routes(state: SandboxState) -> list[BaseRoute]:
        async def show(request: Request) -> Response:
            return page()

        async def submit(request: Request) -> Response:
            state.count(site.slug, "submissions")
            fields = await read_fields(request)
            state.record(site, fields, accepted=False)
            if spec.failure == "500":
                return page(fields, failed=True, code=500)
            return page(fields, failed=True)

        return [Route(spec.path, show), Route(spec.path, submit, methods=["POST"])]

    hostile = HostileSite(
        site=site,
        family="thanks-first",
        expected_posts=1,
        post=ListingPost(
            path=spec.path,
            fields=spec.form.fields,
            status=500 if spec.failure == "500" else 200,
            accepted=False,
        ),
    )
    return HostileVariant(hostile, SiteDefinition(site=site, build_routes=routes))


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
