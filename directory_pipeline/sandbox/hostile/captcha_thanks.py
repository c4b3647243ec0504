"""Class 5 — a CAPTCHA page that also says thanks.

- `form-captcha`: the form carries an image CAPTCHA (server-drawn SVG, see `captcha.py`) and
  a prominent "Thanks for stopping by! New listings go live after review." An engine cannot
  solve it, so it must not post. Honest: `needs_review`, 0 POSTs.
- `challenge-after-post`: no CAPTCHA on the form, but the POST is answered 200 with a CAPTCHA
  challenge page that opens with "Thank you". The POST is recorded `accepted: false` (the
  listing waits for the challenge). Honest: `needs_review`, 1 POST.

A solved challenge (only the sandbox's own tests can solve one) is recorded as accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..captcha import captcha_svg
from ..forms import FieldValue, first_value
from ..state import SandboxState
from ._base import HostileVariant, hostile_variant
from ._page import Answer, FormSpec, PageSpec, form_routes, listing_endpoint

Kind = Literal["form-captcha", "challenge-after-post"]


@dataclass(frozen=True)
class Widget:
    """How a CAPTCHA is marked up: image path, field names and the words around it."""

    image_path: str
    id_field: str
    code_field: str
    legend: str
    prompt: str
    wrong: str
    markup: Literal["captcha-box", "plain-fieldset"]


@dataclass(frozen=True, kw_only=True)
class Spec(PageSpec):
    kind: Kind
    thanks_banner: str  # shown prominently next to the CAPTCHA
    widget: Widget
    verify_path: str = ""  # challenge-after-post: where the challenge form posts
    confirmation: str = ""


_WIDGET_MARKUP = {
    "captcha-box": Markup(
        '<div class="captcha-box" id="captcha"><input type="hidden" name="{idf}" value="{c}">'
        '{img}<label for="captcha-code">{prompt}</label>'
        '<input type="text" id="captcha-code" name="{code}" autocomplete="off" required>'
        "{problem}</div>"
    ),
    "plain-fieldset": Markup(
        '<fieldset><legend>{legend}</legend><input type="hidden" name="{idf}" value="{c}">'
        '<p>{img}</p><p><label>{prompt} <input type="text" name="{code}" size="8" required>'
        "</label></p>{problem}</fieldset>"
    ),
}


def _widget(widget: Widget, challenge: str, error: str = "") -> Markup:
    image = Markup('<img src="{}?id={}" alt="" width="180" height="50">').format(
        widget.image_path, challenge
    )
    problem = Markup('<span class="field-error">{}</span>').format(error) if error else ""
    return _WIDGET_MARKUP[widget.markup].format(
        legend=widget.legend,
        idf=widget.id_field,
        c=challenge,
        img=image,
        prompt=widget.prompt,
        code=widget.code_field,
        problem=problem,
    )


def _variant(spec: Spec) -> HostileVariant:
    posts = 0 if spec.kind == "form-captcha" else 1
    what = (
        "its form carries an image CAPTCHA next to a prominent thank-you banner"
        if spec.kind == "form-captcha"
        else "a listing POST is recorded as refused and answered 200 with a CAPTCHA challenge "
        "page that opens with a thank-you"
    )
    site = spec.sandbox_site(
        features=[
            "hostile",
            "captcha",
            "thanks-before-submit" if posts == 0 else "thanks-captcha",
            spec.kind,
        ],
        expected_outcome="needs_review",
        description=(
            f"Hostile (CAPTCHA that says thanks): {what}. Expected: needs_review, exactly "
            f"{posts} POST(s)."
        ),
    )
    banner = Markup('<div class="welcome-banner"><strong>{}</strong></div>').format(
        spec.thanks_banner
    )

    def routes(state: SandboxState) -> list[BaseRoute]:
        def form_page(
            fields: dict[str, FieldValue] | None = None, errors: dict[str, str] | None = None
        ) -> Response:
            extra = Markup("")
            if spec.kind == "form-captcha":
                extra = _widget(
                    spec.widget,
                    state.captchas.issue(site.slug),
                    (errors or {}).get(spec.widget.code_field, ""),
                )
            content = spec.form_content(
                values=fields,
                errors=errors,
                before=[banner] if spec.kind == "form-captcha" else [],
                before_submit=extra,
            )
            return spec.page(site, content)

        def challenge_page(error: str = "") -> Response:
            challenge = state.captchas.issue(site.slug)
            content = Markup(
                '{banner}\n<form method="post" action="{action}" class="verify">{widget}'
                '<p><button type="submit">{button}</button></p></form>'
            ).format(
                banner=banner,
                action=spec.verify_path,
                widget=_widget(spec.widget, challenge, error),
                button=spec.widget.legend,
            )
            return spec.page(site, content)

        def confirmed() -> Response:
            return spec.page(site, Markup("<p>{}</p>").format(spec.confirmation))

        def solved(fields: dict[str, FieldValue]) -> bool:
            return state.captchas.check(
                site.slug,
                first_value(fields, spec.widget.id_field),
                first_value(fields, spec.widget.code_field),
            )

        def answer(fields: dict[str, FieldValue]) -> Answer:
            errors = spec.errors(fields)
            if spec.kind == "challenge-after-post":
                return Answer(False, form_page(fields, errors) if errors else challenge_page())
            if not solved(fields):
                errors[spec.widget.code_field] = spec.widget.wrong
            return Answer(not errors, form_page(fields, errors) if errors else confirmed())

        def verified(fields: dict[str, FieldValue]) -> Answer:
            ok = solved(fields)
            return Answer(ok, confirmed() if ok else challenge_page(spec.widget.wrong))

        async def image(request: Request) -> Response:
            text = state.captchas.answer(site.slug, request.query_params.get("id", ""))
            if text is None:
                return Response(status_code=404)
            svg = captcha_svg(text, state.rng(site.slug))
            return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

        more: list[BaseRoute] = [Route(spec.widget.image_path, image)]
        if spec.verify_path:
            verify = listing_endpoint(state, site, verified, counted=False)
            more.append(Route(spec.verify_path, verify, methods=["POST"]))
        return form_routes(spec, state, site, form_page=form_page, answer=answer, more=more)

    post = spec.listing_post(status=200, accepted=False)
    return hostile_variant(site, routes, family="captcha-thanks", post=post, expected_posts=posts)


VARIANTS: tuple[HostileVariant, ...] = (
    _variant(
        Spec(
            slug="bluebird-local",
            name="Bluebird Local",
            lang="en",
            path="/submit",
            action="/submit",
            title="Submit your business",
            skin="portal",
            form=FormSpec(
                lang="en",
                names=(
                    "business",
                    "email",
                    "phone",
                    "website",
                    "address",
                    "city",
                    "zip",
                    "description",
                ),
                style="rows",
                submit_label="Submit business",
                id_prefix="bb",
            ),
            kind="form-captcha",
            thanks_banner="Thanks for stopping by! New listings go live after review.",
            widget=Widget(
                image_path="/captcha.svg",
                id_field="captcha_id",
                code_field="captcha_code",
                legend="Security check",
                prompt="Type the characters shown in the image",
                wrong="The security code was incorrect.",
                markup="captcha-box",
            ),
            confirmation="Thank you! Your listing has been submitted and is pending review.",
            accent="#1e88e5",
        )
    ),
    _variant(
        Spec(
            slug="guia-verde-negocios",
            name="Guía Verde de Negocios",
            lang="es",
            path="/publicar",
            action="/publicar/enviar",
            title="Publique su negocio",
            skin="press",
            form=FormSpec(
                lang="es",
                names=(
                    "empresa",
                    "email",
                    "telefono",
                    "sitio",
                    "domicilio",
                    "localidad",
                    "codigo_postal",
                    "resumen",
                ),
                style="wrapped",
                submit_label="Publicar",
                id_prefix="gv",
            ),
            kind="form-captcha",
            thanks_banner="¡Gracias por su visita! Las nuevas fichas se publican tras su revisión.",
            widget=Widget(
                image_path="/verificacion/imagen",
                id_field="ref_verif",
                code_field="codigo_verif",
                legend="Verificación",
                prompt="Escriba los caracteres de la imagen:",
                wrong="El código de verificación no es correcto.",
                markup="plain-fieldset",
            ),
            confirmation="¡Gracias! Su ficha ha sido enviada y está pendiente de revisión.",
            accent="#43a047",
        )
    ),
    _variant(
        Spec(
            slug="northgate-listings",
            name="Northgate Listings",
            lang="en",
            path="/new-listing",
            action="/new-listing",
            title="New listing",
            skin="card",
            form=FormSpec(
                lang="en",
                names=(
                    "listing_name",
                    "listing_email",
                    "listing_phone",
                    "listing_url",
                    "listing_street",
                    "listing_city",
                    "listing_postcode",
                    "listing_about",
                ),
                style="floating",
                submit_label="Submit listing",
                id_prefix="ng",
            ),
            kind="challenge-after-post",
            thanks_banner=(
                "Thank you! One last step before your listing goes to our editors: "
                "type the characters below so we know you are human."
            ),
            widget=Widget(
                image_path="/challenge/image",
                id_field="challenge",
                code_field="answer",
                legend="Verify",
                prompt="Characters in the picture",
                wrong="That did not match, please try again.",
                markup="captcha-box",
            ),
            verify_path="/challenge/verify",
            confirmation="Thank you! Your listing has been submitted and is pending review.",
            accent="#6a1b9a",
        )
    ),
    _variant(
        Spec(
            slug="annuaire-horizon",
            name="Annuaire Horizon",
            lang="fr",
            path="/referencer",
            action="/referencer/valider",
            title="Référencer votre entreprise",
            skin="retro",
            form=FormSpec(
                lang="fr",
                names=("societe", "mel", "tel", "url", "rue", "commune", "cp", "activite"),
                style="table",
                submit_label="Référencer",
                id_prefix="ah",
            ),
            kind="challenge-after-post",
            thanks_banner=(
                "Merci ! Avant de publier votre fiche, veuillez confirmer que vous n’êtes pas "
                "un robot."
            ),
            widget=Widget(
                image_path="/securite/image",
                id_field="jeton",
                code_field="code",
                legend="Confirmer",
                prompt="Recopiez le code :",
                wrong="Code incorrect.",
                markup="plain-fieldset",
            ),
            verify_path="/securite/verifier",
            confirmation="Merci ! Votre fiche a été envoyée et sera publiée après vérification.",
            accent="#ef6c00",
        )
    ),
)
