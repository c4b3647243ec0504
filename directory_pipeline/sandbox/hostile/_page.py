"""Markup and plumbing shared by the hostile pages: listing forms in several styles, page
chromes, what every site declares (`PageSpec`), reading and recording what was posted, and
the routes of a form page. Each variant combines these differently, so no two hostile pages
look alike."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ..forms import FieldRule, FieldValue, json_fields, read_submission, validate
from ..i18n import messages_for
from ..site import Outcome, SandboxSite
from ..state import SandboxState
from ._base import FIELD_KEYS, ListingPost

Style = Literal["rows", "wrapped", "table", "floating", "labelledby"]
"""How a form's fields are labelled: `<label for>` rows, labels wrapping their input, a
table, labels after their input, or `aria-labelledby` spans."""

Skin = Literal["portal", "card", "press", "retro"]
"""The page chrome: header and nav bar, a centred card, a WordPress theme, a 2000s table."""

Lang = Literal["en", "de", "es", "fr"]
"""The languages the hostile pages speak."""

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "business_name": "Business name",
        "email": "Email address",
        "phone": "Phone number",
        "website": "Website",
        "address": "Street address",
        "city": "City",
        "postal_code": "ZIP / Postal code",
        "description": "Describe your business",
    },
    "de": {
        "business_name": "Firmenname",
        "email": "E-Mail-Adresse",
        "phone": "Telefonnummer",
        "website": "Webseite",
        "address": "Straße und Hausnummer",
        "city": "Ort",
        "postal_code": "Postleitzahl",
        "description": "Beschreibung Ihres Unternehmens",
    },
    "es": {
        "business_name": "Nombre del negocio",
        "email": "Correo electrónico",
        "phone": "Teléfono",
        "website": "Página web",
        "address": "Dirección",
        "city": "Ciudad",
        "postal_code": "Código postal",
        "description": "Descripción del negocio",
    },
    "fr": {
        "business_name": "Nom de l’entreprise",
        "email": "Adresse e-mail",
        "phone": "Téléphone",
        "website": "Site internet",
        "address": "Adresse",
        "city": "Ville",
        "postal_code": "Code postal",
        "description": "Présentation de l’activité",
    },
}

NOTHING = Markup("")
"""Empty markup."""

_INPUT_TYPES = {"email": "email", "phone": "tel", "website": "url"}
_RULE_KINDS: dict[str, Literal["email", "url", "phone"]] = {
    "email": "email",
    "website": "url",
    "phone": "phone",
}


@dataclass(frozen=True)
class FormSpec:
    """One hostile site's listing form: field names, labels, markup style, button."""

    lang: str
    names: tuple[str, ...]  # the sent name of each FIELD_KEYS entry, in that order
    style: Style
    submit_label: str
    id_prefix: str
    labels: Mapping[str, str] = field(default_factory=dict)  # overrides of LABELS
    optional: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if len(self.names) != len(FIELD_KEYS):
            raise ValueError("a hostile form names every one of FIELD_KEYS")

    @property
    def fields(self) -> dict[str, str]:
        """Field key → sent name."""
        return dict(zip(FIELD_KEYS, self.names, strict=True))

    def label(self, key: str) -> str:
        return self.labels.get(key) or LABELS.get(self.lang, LABELS["en"])[key]

    def rules(self) -> tuple[FieldRule, ...]:
        """What the server demands of a submission of this form."""
        return tuple(
            FieldRule(name, _RULE_KINDS.get(key, "text"), required=key not in self.optional)
            for key, name in self.fields.items()
        )

    def html(
        self,
        *,
        action: str,
        values: Mapping[str, FieldValue] | None = None,
        errors: Mapping[str, str] | None = None,
        form_attrs: str = "",
        before_submit: Markup = NOTHING,
        button_attrs: str = "",
    ) -> Markup:
        """The `<form>` element, re-filled with `values` and showing `errors`."""
        values = values or {}
        errors = errors or {}
        rows = [
            self._field(key, name, _text(values.get(name)), errors.get(name, ""))
            for key, name in self.fields.items()
        ]
        body = Markup("\n").join(rows)
        if self.style == "table":
            body = Markup('<table class="form-table">{}</table>').format(body)
        button = Markup('<button type="submit" class="submit"{}>{}</button>').format(
            Markup(button_attrs), self.submit_label
        )
        if self.style == "table":
            button = Markup('<input type="submit" value="{}"{}>').format(
                self.submit_label, Markup(button_attrs)
            )
        return Markup(
            '<form method="post" action="{action}" class="listing-form"{attrs}>\n{body}\n'
            '{before}<p class="actions">{button}</p>\n</form>'
        ).format(
            action=action, attrs=Markup(form_attrs), body=body, before=before_submit, button=button
        )

    def _field(self, key: str, name: str, value: str, error: str) -> Markup:
        ident = f"{self.id_prefix}-{key.replace('_', '-')}"
        required = key not in self.optional
        star = Markup(' <abbr title="required">*</abbr>') if required else Markup("")
        label = self.label(key)
        invalid = (
            Markup(' aria-invalid="true" aria-describedby="{}-err"').format(ident)
            if error
            else Markup("")
        )
        attrs = Markup('name="{}"{}{}').format(
            name, Markup(" required") if required else "", invalid
        )
        if key == "description":
            control = Markup('<textarea id="{}" rows="4" {}>{}</textarea>').format(
                ident, attrs, value
            )
        else:
            control = Markup('<input type="{}" id="{}" value="{}" {}>').format(
                _INPUT_TYPES.get(key, "text"), ident, value, attrs
            )
        problem = (
            Markup('<span class="field-error" id="{}-err">{}</span>').format(ident, error)
            if error
            else Markup("")
        )
        if self.style == "rows":
            return Markup('<div class="row"><label for="{}">{}{}</label>{}{}</div>').format(
                ident, label, star, control, problem
            )
        if self.style == "wrapped":
            return Markup("<p><label>{}{}<br>{}</label>{}</p>").format(
                label, star, control, problem
            )
        if self.style == "table":
            return Markup('<tr><th><label for="{}">{}{}</label></th><td>{}{}</td></tr>').format(
                ident, label, star, control, problem
            )
        if self.style == "floating":
            control = control.replace(Markup(' id="'), Markup(' placeholder=" " id="'), 1)
            return Markup('<div class="fl">{}<label for="{}">{}{}</label>{}</div>').format(
                control, ident, label, star, problem
            )
        control = control.replace(
            Markup(' id="'), Markup(' aria-labelledby="{}-l" id="').format(ident), 1
        )
        return Markup('<div class="lb"><span id="{}-l" class="cap">{}{}</span>{}{}</div>').format(
            ident, label, star, control, problem
        )


def _text(value: FieldValue | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else (value[0] if value else "")


_SKIN_CSS: dict[str, str] = {
    "portal": (
        "body{margin:0;font-family:Arial,sans-serif;color:#222}"
        "header.top{background:var(--accent);color:#fff;padding:14px 24px;font-size:22px}"
        "nav.bar{background:#eee;padding:8px 24px}nav.bar a{margin-right:18px;color:#333}"
        "main{max-width:900px;margin:0 auto;padding:20px}"
        ".row{margin:10px 0}.row label{display:block;font-weight:bold}"
        "input,textarea{width:100%;max-width:460px;padding:6px}"
        "footer{border-top:1px solid #ddd;color:#888;padding:14px 24px;font-size:12px}"
    ),
    "card": (
        "body{margin:0;background:#f0f2f5;font-family:system-ui,sans-serif}"
        ".card{max-width:560px;margin:40px auto;background:#fff;border-radius:12px;"
        "box-shadow:0 2px 12px #0002;padding:28px}"
        ".brand{font-weight:700;color:var(--accent);font-size:20px}"
        ".fl{position:relative;margin:14px 0}"
        ".fl input,.fl textarea{width:100%;padding:18px 10px 6px}"
        ".fl label{position:absolute;left:10px;top:4px;font-size:12px;color:#667}"
        ".lb{margin:12px 0}.lb .cap{display:block;font-size:14px}"
        "input,textarea{width:100%;padding:8px;border:1px solid #ccd;border-radius:6px}"
        ".submit{background:var(--accent);color:#fff;border:0;border-radius:6px;padding:10px 20px}"
    ),
    "press": (
        "body{margin:0;font-family:Georgia,serif;background:#fdfdfb;color:#333}"
        ".site-header{padding:22px 32px;border-bottom:4px solid var(--accent)}"
        ".site-title{font-size:26px;margin:0}.site-description{color:#777;margin:4px 0 0}"
        "#content{display:flex;gap:32px;max-width:1040px;margin:0 auto;padding:24px}"
        "#primary{flex:3}#secondary{flex:1;font-size:14px;color:#555}"
        "input,textarea{width:100%;padding:7px;border:1px solid #bbb}"
    ),
    "retro": (
        "body{background:#dfe6ee;font-family:Verdana,sans-serif;font-size:12px}"
        ".frame{background:#fff;border:1px solid #789}"
        ".form-table th{text-align:right;padding:4px 8px;vertical-align:top}"
        ".form-table td{padding:4px}"
        "input[type=text],input[type=email],input[type=tel],input[type=url],textarea{width:320px}"
    ),
}


def shell(
    site: SandboxSite,
    skin: Skin,
    *,
    title: str,
    content: Markup,
    accent: str = "#24527a",
    head: Markup = NOTHING,
    tagline: str = "",
) -> str:
    """A whole page in one of the chromes."""
    css = Markup("<style>:root{{--accent:{}}}{}</style>").format(
        Markup(escape(accent)), Markup(_SKIN_CSS[skin])
    )
    top = Markup(
        '<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{title} – {name}</title>\n{css}\n{head}\n</head>\n"
    ).format(lang=site.language, title=title, name=site.name, css=css, head=head)
    if skin == "portal":
        body = Markup(
            '<body>\n<header class="top">{name}</header>\n<nav class="bar"><a href="/">Home</a>'
            '<a href="{form}">+</a><a href="/about">About</a></nav>\n<main>\n<h1>{title}</h1>\n'
            "{content}\n</main>\n<footer>&copy; 2026 {name}. {tagline}</footer>\n</body>"
        )
    elif skin == "card":
        body = Markup(
            '<body>\n<div class="card">\n<div class="brand"><a href="{form}">{name}</a></div>\n'
            "<h1>{title}</h1>\n{content}\n<p><small>{tagline}</small></p>\n</div>\n</body>"
        )
    elif skin == "press":
        body = Markup(
            '<body class="page-template-default page">\n<div id="page" class="site">\n'
            '<header class="site-header"><p class="site-title"><a href="/">{name}</a></p>'
            '<p class="site-description">{tagline}</p></header>\n<div id="content">\n'
            '<div id="primary" class="content-area"><article class="page type-page">'
            '<header class="entry-header"><h1 class="entry-title">{title}</h1></header>\n'
            '<div class="entry-content">\n{content}\n</div></article></div>\n'
            '<aside id="secondary" class="widget-area"><section class="widget">'
            '<h2 class="widget-title">Recent</h2><ul><li><a href="{form}">{name}</a></li></ul>'
            "</section></aside>\n</div></div>\n</body>"
        )
    else:
        body = Markup(
            '<body>\n<table width="780" align="center" cellpadding="0" cellspacing="0" '
            'class="frame"><tr><td bgcolor="{accent}"><font color="#ffffff" size="5">'
            '&nbsp;{name}</font></td></tr>\n<tr><td style="padding:14px">\n<h1>{title}</h1>\n'
            '{content}\n</td></tr>\n<tr><td align="center"><font size="1">{tagline}</font>'
            "</td></tr></table>\n</body>"
        )
    page = body.format(
        name=site.name,
        form=site.form_path,
        title=title,
        content=content,
        tagline=tagline,
        accent=accent,
    )
    return str(top + page + Markup("\n</html>\n"))


def html(
    site: SandboxSite,
    skin: Skin,
    *,
    title: str,
    content: Markup,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **chrome: Any,
) -> HTMLResponse:
    """A page in one of the chromes, as a response."""
    page = shell(site, skin, title=title, content=content, **chrome)
    return HTMLResponse(page, status_code=status_code, headers=headers)


def script_value(value: Any) -> Markup:
    """`value` as a JavaScript literal that is safe inside a `<script>` element."""
    return Markup(json.dumps(value).replace("<", "\\u003c"))


def ws_url(http_url: str) -> str:
    """The WebSocket URL of the same host as `http_url`."""
    return "ws" + http_url[4:] if http_url.startswith("http") else http_url


async def read_fields(request: Request) -> dict[str, FieldValue]:
    """What a listing POST carried: a form (urlencoded or multipart) or a JSON object."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            return json_fields(json.loads(await request.body()))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return {}
    return await read_submission(request)


@dataclass(frozen=True, kw_only=True)
class PageSpec:
    """What every hostile site declares: its name and place, its chrome and its listing form.

    Each family's `Spec` adds what makes its pages hostile.
    """

    slug: str
    name: str
    lang: Lang
    path: str  # the form page
    title: str
    skin: Skin
    form: FormSpec
    action: str = ""  # same-host path the form posts to (or would); "" for `path` itself
    accent: str = "#24527a"

    @property
    def post_path(self) -> str:
        """The same-host path the listing form posts to."""
        return self.action or self.path

    def sandbox_site(
        self, *, features: list[str], expected_outcome: Outcome, description: str
    ) -> SandboxSite:
        """The site's catalogue entry."""
        return SandboxSite(
            slug=self.slug,
            name=self.name,
            form_path=self.path,
            features=features,
            expected_outcome=expected_outcome,
            tier="starter",
            language=self.lang,
            description=description,
        )

    def listing_post(
        self,
        *,
        status: int,
        accepted: bool,
        path: str | None = None,
        encoding: Literal["form", "json"] = "form",
        redirects_outside: bool = False,
    ) -> ListingPost:
        """How the form posts (to `post_path` unless `path` says otherwise) and what it gets."""
        return ListingPost(
            path=self.post_path if path is None else path,
            encoding=encoding,
            fields=self.form.fields,
            status=status,
            accepted=accepted,
            redirects_outside=redirects_outside,
        )

    def errors(self, fields: Mapping[str, FieldValue]) -> dict[str, str]:
        """What is wrong with a submission of the form, in the site's language."""
        return validate(fields, self.form.rules(), messages_for(self.lang))

    def errors_alert(self) -> Markup:
        """The banner above a form shown again with errors."""
        return Markup('<div class="alert" role="alert">{}</div>').format(
            messages_for(self.lang).errors_summary
        )

    def form_content(
        self,
        *,
        values: Mapping[str, FieldValue] | None = None,
        errors: Mapping[str, str] | None = None,
        before: Sequence[Markup] = (),
        after: Sequence[Markup] = (),
        action: str = "",
        form_attrs: str = "",
        before_submit: Markup = NOTHING,
        button_attrs: str = "",
    ) -> Markup:
        """`before`, the errors alert (when there are errors), the form posting to `action`
        (default `post_path`), then `after`: one part a line."""
        parts = [*before]
        if errors:
            parts.append(self.errors_alert())
        parts.append(
            self.form.html(
                action=action or self.post_path,
                values=values,
                errors=errors,
                form_attrs=form_attrs,
                before_submit=before_submit,
                button_attrs=button_attrs,
            )
        )
        parts.extend(after)
        return Markup("\n").join(parts)

    def page(
        self,
        site: SandboxSite,
        content: Markup,
        *,
        title: str | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        """A page of the site in its chrome, titled like the form page unless `title` says."""
        return html(
            site,
            self.skin,
            title=self.title if title is None else title,
            content=content,
            status_code=status_code,
            accent=self.accent,
        )


Endpoint = Callable[[Request], Awaitable[Response]]


class Answer(NamedTuple):
    """What a listing POST gets: how the ledger records it, and the response."""

    accepted: bool
    response: Response


def listing_endpoint(
    state: SandboxState,
    site: SandboxSite,
    answer: Callable[[dict[str, FieldValue]], Answer],
    *,
    counted: bool = True,
) -> Endpoint:
    """An endpoint that reads a listing POST, records it in the ledger as `answer` decides
    and responds with `answer`'s response; `counted` bumps the site's "submissions" stat."""

    async def endpoint(request: Request) -> Response:
        if counted:
            state.count(site.slug, "submissions")
        fields = await read_fields(request)
        accepted, response = answer(fields)
        state.record(site, fields, accepted=accepted)
        return response

    return endpoint


def form_routes(
    spec: PageSpec,
    state: SandboxState,
    site: SandboxSite,
    *,
    form_page: Callable[[], Response],
    answer: Callable[[dict[str, FieldValue]], Answer],
    more: Iterable[BaseRoute] = (),
) -> list[BaseRoute]:
    """The form page (GET `spec.path`), its listing POST (`spec.post_path`, answered and
    recorded by `answer`), then `more`."""

    async def show(request: Request) -> Response:
        return form_page()

    return [
        Route(spec.path, show),
        Route(spec.post_path, listing_endpoint(state, site, answer), methods=["POST"]),
        *more,
    ]
