"""Class 4 — requests that lead to another host (the outside server, `state.outside_url`).

- `resources`: the form page's pixel, iframe, stylesheet or script point at same-host paths
  that answer 302/307 to the outside server, and its script opens a WebSocket to it and
  fetches it. The listing form works. Honest: `submitted`, 1 POST; the outside server sees
  nothing (the guard blocks every hop) and the engine reports blocked requests.
- `post-redirect`: the POST is recorded (accepted) and answered 302/303/307 to the outside
  server, where a friendly "Thank you" page waits. Honest: `needs_review` (the proof would
  be on another host), 1 POST at the directory, nothing at the outside server.
- `offsite-action`: the form's `action` (or its button's `formaction`) is on the outside
  host. Nothing may reach anyone: 0 POSTs, outside 0, `needs_review`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..forms import FieldValue
from ..state import SandboxState
from ._base import HostileVariant, hostile_variant
from ._page import Answer, Endpoint, FormSpec, PageSpec, form_routes, script_value, ws_url

Kind = Literal["resources", "post-redirect", "offsite-action", "offsite-formaction"]

# Same-host paths of the `resources` pages and the status each answers with (a redirect to
# the outside server), per variant.
_RESOURCES_A = {"/px/visit.gif": 302, "/embed/reviews": 307}
_RESOURCES_B = {"/assets/fonts.css": 302, "/assets/chat-widget.js": 307, "/badge.png": 302}

# The `resources` pages' own script, reaching the outside server directly.
_REACH_OUT_JS = """
(function () {
  var OUT = %(out)s, WS = %(ws)s;
  try { var socket = new WebSocket(WS + '/live'); socket.onerror = function () {}; } catch (e) {}
  fetch(OUT + '/collect?p=' + encodeURIComponent(location.pathname), {mode: 'no-cors'})
    .catch(function () {});
})();
"""


@dataclass(frozen=True, kw_only=True)
class Spec(PageSpec):
    kind: Kind
    thanks: str = ""
    redirect_status: int = 0  # post-redirect: 302, 303 or 307
    outside_path: str = "/"  # where on the outside server the redirect / action points
    resources: tuple[tuple[str, int], ...] = ()


def _resource_markup(spec: Spec, state: SandboxState) -> Markup:
    """The page's tags that lead off-site, and its script reaching the outside directly."""
    outside = state.outside_url.rstrip("/")
    tags: list[Markup] = []
    for path, _ in spec.resources:
        if path.endswith(".css"):
            tags.append(Markup('<link rel="stylesheet" href="{}">').format(path))
        elif path.endswith(".js"):
            tags.append(Markup('<script src="{}" async></script>').format(path))
        elif path.endswith((".gif", ".png")):
            tags.append(Markup('<img src="{}" width="1" height="1" alt="">').format(path))
        else:
            tags.append(
                Markup('<iframe src="{}" title="Reviews" width="300" height="80"></iframe>').format(
                    path
                )
            )
    script = _REACH_OUT_JS % {"out": script_value(outside), "ws": script_value(ws_url(outside))}
    tags.append(Markup("<script>{}</script>").format(Markup(script)))
    return Markup("\n").join(tags)


def _variant(spec: Spec) -> HostileVariant:
    outcome, posts = ("submitted", 1) if spec.kind == "resources" else ("needs_review", 1)
    if spec.kind in ("offsite-action", "offsite-formaction"):
        posts = 0
    what = {
        "resources": (
            "its pixel/iframe/stylesheet/script paths redirect (302/307) to the outside server "
            "and its script opens a WebSocket to it and fetches it; the listing form works"
        ),
        "post-redirect": (
            f"a valid POST is recorded as accepted and answered {spec.redirect_status} to a "
            "thank-you page on the outside server"
        ),
        "offsite-action": "the form's action is on the outside server",
        "offsite-formaction": "the submit button's formaction is on the outside server",
    }[spec.kind]
    site = spec.sandbox_site(
        features=["hostile", "offsite", spec.kind]
        + ([f"redirect-{spec.redirect_status}"] if spec.redirect_status else []),
        expected_outcome=outcome,
        description=(
            f"Hostile (leads off-site): {what}. Expected: {outcome}, exactly {posts} POST(s) "
            "at the directory, 0 requests at the outside server."
        ),
    )

    def routes(state: SandboxState) -> list[BaseRoute]:
        outside = state.outside_url.rstrip("/")

        def form_page(
            fields: dict[str, FieldValue] | None = None, errors: dict[str, str] | None = None
        ) -> Response:
            action, button = spec.post_path, ""
            if spec.kind == "offsite-action":
                action = outside + spec.outside_path
            elif spec.kind == "offsite-formaction":
                button = Markup(' formaction="{}"').format(outside + spec.outside_path)
            content = spec.form_content(
                values=fields,
                errors=errors,
                after=[_resource_markup(spec, state)] if spec.kind == "resources" else [],
                action=action,
                button_attrs=str(button),
            )
            return spec.page(site, content)

        def answer(fields: dict[str, FieldValue]) -> Answer:
            if spec.kind in ("offsite-action", "offsite-formaction"):
                # The directory's own form never posts here; whatever does is recorded.
                not_found = Markup("<p>Not found.</p>")
                return Answer(False, spec.page(site, not_found, title="404", status_code=404))
            errors = spec.errors(fields)
            if errors:
                return Answer(False, form_page(fields, errors))
            if spec.kind == "post-redirect":
                ref = secrets.token_hex(4)
                return Answer(
                    True,
                    RedirectResponse(
                        f"{outside}{spec.outside_path}?ref={ref}", status_code=spec.redirect_status
                    ),
                )
            thanks = Markup('<p class="confirmation">{}</p>').format(spec.thanks)
            return Answer(True, spec.page(site, thanks))

        def offsite(status: int) -> Endpoint:
            async def endpoint(request: Request) -> Response:
                state.count(site.slug, "offsite-redirect")
                return RedirectResponse(f"{outside}{request.url.path}", status_code=status)

            return endpoint

        more = [Route(path, offsite(status)) for path, status in spec.resources]
        return form_routes(spec, state, site, form_page=form_page, answer=answer, more=more)

    redirects = spec.kind == "post-redirect"
    post = spec.listing_post(
        path="" if posts == 0 else spec.post_path,
        status=spec.redirect_status if redirects else (404 if posts == 0 else 200),
        accepted=posts == 1,
        redirects_outside=redirects,
    )
    return hostile_variant(
        site,
        routes,
        family="offsite-redirects",
        post=post,
        expected_posts=posts,
        tries_to_leave=spec.kind in ("resources", "post-redirect"),
        offsite_paths=tuple(path for path, _ in spec.resources),
    )


VARIANTS: tuple[HostileVariant, ...] = (
    _variant(
        Spec(
            slug="greenway-pages",
            name="Greenway Pages",
            lang="en",
            path="/add-listing",
            action="/add-listing",
            title="Add a free listing",
            skin="portal",
            form=FormSpec(
                lang="en",
                names=(
                    "gp_name",
                    "gp_email",
                    "gp_phone",
                    "gp_web",
                    "gp_street",
                    "gp_city",
                    "gp_zip",
                    "gp_desc",
                ),
                style="rows",
                submit_label="Add listing",
                id_prefix="gp",
            ),
            kind="resources",
            resources=tuple(_RESOURCES_A.items()),
            thanks="Thank you! Your listing has been received and will be reviewed shortly.",
            accent="#388e3c",
        )
    ),
    _variant(
        Spec(
            slug="cedar-hollow-guide",
            name="Cedar Hollow Guide",
            lang="en",
            path="/businesses/new",
            action="/businesses",
            title="Register your business",
            skin="press",
            form=FormSpec(
                lang="en",
                names=(
                    "business[name]",
                    "business[email]",
                    "business[phone]",
                    "business[website]",
                    "business[street]",
                    "business[city]",
                    "business[postcode]",
                    "business[about]",
                ),
                style="table",
                submit_label="Register",
                id_prefix="ch",
                labels={"description": "About the business"},
            ),
            kind="resources",
            resources=tuple(_RESOURCES_B.items()),
            thanks="Thanks for registering! Our moderators will publish your business soon.",
            accent="#8d6e63",
        )
    ),
    _variant(
        Spec(
            slug="rivermouth-register",
            name="Rivermouth Register",
            lang="en",
            path="/register",
            action="/register/submit",
            title="Register a business",
            skin="card",
            form=FormSpec(
                lang="en",
                names=("name", "email", "tel", "site", "addr", "town", "postcode", "blurb"),
                style="wrapped",
                submit_label="Send registration",
                id_prefix="rm",
                labels={"city": "Town / City", "postal_code": "Postcode"},
            ),
            kind="post-redirect",
            redirect_status=307,
            outside_path="/listing/received",
            accent="#5e35b1",
        )
    ),
    _variant(
        Spec(
            slug="summit-trade-index",
            name="Summit Trade Index",
            lang="en",
            path="/index/join.php",
            action="/index/join.php",
            title="Join the Summit Trade Index",
            skin="retro",
            form=FormSpec(
                lang="en",
                names=("company", "mail", "phone", "homepage", "address", "city", "zip", "text"),
                style="table",
                submit_label="Join now",
                id_prefix="st",
                labels={"description": "Company description"},
            ),
            kind="post-redirect",
            redirect_status=302,
            outside_path="/thanks.html",
            accent="#37474f",
        )
    ),
    _variant(
        Spec(
            slug="annuaire-des-cimes",
            name="Annuaire des Cimes",
            lang="fr",
            path="/ajouter",
            action="/ajouter/envoi",
            title="Ajouter votre entreprise",
            skin="portal",
            form=FormSpec(
                lang="fr",
                names=("nom", "email", "tel", "site_web", "adresse", "ville", "cp", "desc"),
                style="floating",
                submit_label="Valider",
                id_prefix="ac",
            ),
            kind="post-redirect",
            redirect_status=303,
            outside_path="/merci",
            accent="#00838f",
        )
    ),
    _variant(
        Spec(
            slug="quayside-listings",
            name="Quayside Listings",
            lang="en",
            path="/add",
            action="/add",
            title="Add your business",
            skin="portal",
            form=FormSpec(
                lang="en",
                names=("title", "email", "phone", "url", "street", "city", "zip", "details"),
                style="rows",
                submit_label="Submit",
                id_prefix="qs",
            ),
            kind="offsite-action",
            outside_path="/add-listing",
            accent="#283593",
        )
    ),
    _variant(
        Spec(
            slug="branchenbuch-hafen",
            name="Branchenbuch Hafen",
            lang="de",
            path="/eintragen",
            action="/eintragen",
            title="Unternehmen eintragen",
            skin="card",
            form=FormSpec(
                lang="de",
                names=("firma", "email", "telefon", "web", "strasse", "ort", "plz", "beschreibung"),
                style="labelledby",
                submit_label="Jetzt eintragen",
                id_prefix="bh",
            ),
            kind="offsite-formaction",
            outside_path="/eintrag/speichern",
            accent="#c62828",
        )
    ),
)
