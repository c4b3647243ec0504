"""Class 3 — the page's own script sends background POSTs that are answered 503.

A "heartbeat" POST every ~300 ms from page load (WordPress admin-ajax style) and a
`navigator.sendBeacon` to an analytics endpoint on the submit click, all answered 503 with
Retry-After. The listing form itself works and confirms: natively (a real form POST and a
thank-you page), or by script (`fetch` with a JSON or urlencoded body, the confirmation
written into an `aria-live` region without navigating). The 503s are not answers to the
listing and must not cause a retry. Honest outcome: `submitted`, exactly 1 listing POST
(background POSTs are never in the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..forms import FieldValue
from ..i18n import messages_for
from ..state import SandboxState
from ._base import HostileVariant, hostile_variant
from ._page import Answer, FormSpec, PageSpec, form_routes, script_value

Mode = Literal["native", "fetch-json", "fetch-urlencoded"]

_BACKGROUND_JS = """
(function () {
  var HEARTBEAT = %(heartbeat)s, BEACON = %(beacon)s, FORM = document.getElementById(%(form)s);
  function beat() {
    var body = new URLSearchParams({action: 'heartbeat', interval: '0.3', screen_id: 'listing'});
    fetch(HEARTBEAT, {method: 'POST', body: body, credentials: 'same-origin'})
      .catch(function () {});
  }
  beat();
  setInterval(beat, 300);
  FORM.addEventListener('submit', function () {
    navigator.sendBeacon(BEACON, JSON.stringify({event: 'listing_submit_click', t: Date.now()}));
  }, true);
})();
"""

_FETCH_JS = """
(function () {
  var FORM = document.getElementById(%(form)s), OUT = document.getElementById(%(out)s);
  var ENDPOINT = %(endpoint)s, AS_JSON = %(as_json)s;
  FORM.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(FORM), body, headers = {};
    if (AS_JSON) {
      body = JSON.stringify(Object.fromEntries(data.entries()));
      headers['Content-Type'] = 'application/json';
    } else {
      body = new URLSearchParams(data);
    }
    FORM.querySelector('[type=submit]').disabled = true;
    fetch(ENDPOINT, {method: 'POST', body: body, headers: headers})
      .then(function (response) { return response.json().then(function (json) {
        if (response.ok && json.ok) {
          OUT.textContent = json.message;
          FORM.hidden = true;
        } else {
          OUT.textContent = json.message || 'Error';
          FORM.querySelector('[type=submit]').disabled = false;
        }
      }); })
      .catch(function () {
        OUT.textContent = 'Network error';
        FORM.querySelector('[type=submit]').disabled = false;
      });
  });
})();
"""


@dataclass(frozen=True, kw_only=True)
class Spec(PageSpec):
    intro: str
    mode: Mode
    heartbeat_path: str
    beacon_path: str
    thanks: str
    retry_after: str = "120"


def _variant(spec: Spec) -> HostileVariant:
    how = {
        "native": "a native form POST answered with a thank-you page",
        "fetch-json": "fetch() with a JSON body; the thanks appear in an aria-live region",
        "fetch-urlencoded": (
            "fetch() with an urlencoded body; the thanks appear in a role=status region"
        ),
    }[spec.mode]
    site = spec.sandbox_site(
        features=["hostile", "background-503", "heartbeat", "send-beacon", spec.mode],
        expected_outcome="submitted",
        description=(
            f"Hostile (background 503s): page script POSTs a heartbeat to {spec.heartbeat_path} "
            f"every 300 ms and a sendBeacon to {spec.beacon_path} on submit, all answered 503 "
            f"with Retry-After; the listing itself goes through ({how}). "
            "Expected: submitted, exactly 1 listing POST."
        ),
    )
    form_id = f"{spec.form.id_prefix}-form"
    out_id = f"{spec.form.id_prefix}-result"
    scripted = spec.mode != "native"
    success_status = 201 if spec.mode == "fetch-json" else 200
    beacons = (spec.heartbeat_path, spec.beacon_path)

    def form_page(
        fields: dict[str, FieldValue] | None = None, errors: dict[str, str] | None = None
    ) -> Response:
        after: list[Markup] = []
        if scripted:
            role = "status" if spec.mode == "fetch-urlencoded" else ""
            after.append(
                Markup('<div id="{}" aria-live="polite"{}></div>').format(
                    out_id, Markup(f' role="{role}"') if role else ""
                )
            )
        scripts = _BACKGROUND_JS % {
            "heartbeat": script_value(spec.heartbeat_path),
            "beacon": script_value(spec.beacon_path),
            "form": script_value(form_id),
        }
        if scripted:
            scripts += _FETCH_JS % {
                "form": script_value(form_id),
                "out": script_value(out_id),
                "endpoint": script_value(spec.post_path),
                "as_json": script_value(spec.mode == "fetch-json"),
            }
        after.append(Markup("<script>{}</script>").format(Markup(scripts)))
        content = spec.form_content(
            values=fields,
            errors=errors,
            before=[Markup("<p>{}</p>").format(spec.intro)],
            after=after,
            form_attrs=f' id="{form_id}"',
        )
        return spec.page(site, content)

    def reply(fields: dict[str, FieldValue], errors: dict[str, str]) -> Response:
        if scripted:
            if errors:
                message = messages_for(spec.lang).errors_summary
                return JSONResponse({"ok": False, "message": message, "errors": errors}, 422)
            return JSONResponse({"ok": True, "message": spec.thanks}, success_status)
        if errors:
            return form_page(fields, errors)
        return spec.page(
            site, Markup('<div class="listing-received"><p>{}</p></div>').format(spec.thanks)
        )

    def answer(fields: dict[str, FieldValue]) -> Answer:
        errors = spec.errors(fields)
        return Answer(not errors, reply(fields, errors))

    def routes(state: SandboxState) -> list[BaseRoute]:
        async def background(request: Request) -> Response:
            await request.body()
            state.count(site.slug, "background-503")
            return JSONResponse(
                {"success": False, "data": "Service Unavailable"},
                status_code=503,
                headers={"Retry-After": spec.retry_after},
            )

        more = [Route(path, background, methods=["POST"]) for path in beacons]
        return form_routes(spec, state, site, form_page=form_page, answer=answer, more=more)

    post = spec.listing_post(
        encoding="json" if spec.mode == "fetch-json" else "form",
        status=success_status,
        accepted=True,
    )
    return hostile_variant(
        site, routes, family="background-beacons", post=post, beacon_paths=beacons
    )


VARIANTS: tuple[HostileVariant, ...] = (
    _variant(
        Spec(
            slug="maplewood-finder",
            name="Maplewood Finder",
            lang="en",
            path="/submit-listing/",
            action="/submit-listing/",
            title="Submit a listing",
            intro="Add your business to the Maplewood Finder. All fields marked * are required.",
            skin="press",
            form=FormSpec(
                lang="en",
                names=(
                    "listing_title",
                    "listing_email",
                    "listing_phone",
                    "listing_website",
                    "listing_address",
                    "listing_city",
                    "listing_zip",
                    "listing_content",
                ),
                style="rows",
                submit_label="Submit Listing",
                id_prefix="mw",
                labels={"business_name": "Listing title (business name)"},
            ),
            mode="native",
            heartbeat_path="/wp-admin/admin-ajax.php",
            beacon_path="/analytics/collect",
            thanks="Thank you! Your business has been submitted and will appear after review.",
            accent="#6d4c41",
        )
    ),
    _variant(
        Spec(
            slug="tidewater-listings",
            name="Tidewater Listings",
            lang="en",
            path="/get-listed",
            action="/api/v2/listings",
            title="Get listed",
            intro="Create your free Tidewater listing in two minutes.",
            skin="card",
            form=FormSpec(
                lang="en",
                names=(
                    "businessName",
                    "contactEmail",
                    "phoneNumber",
                    "websiteUrl",
                    "streetAddress",
                    "city",
                    "postalCode",
                    "description",
                ),
                style="labelledby",
                submit_label="Create listing",
                id_prefix="tw",
            ),
            mode="fetch-json",
            heartbeat_path="/api/presence",
            beacon_path="/events",
            thanks="Thanks! Your listing was received and is waiting for approval.",
            retry_after="30",
            accent="#00695c",
        )
    ),
    _variant(
        Spec(
            slug="annuaire-littoral",
            name="Annuaire du Littoral",
            lang="fr",
            path="/inscription",
            action="/ajax/inscription",
            title="Inscrire votre entreprise",
            intro="Inscription gratuite. Les champs marqués * sont obligatoires.",
            skin="portal",
            form=FormSpec(
                lang="fr",
                names=(
                    "raison_sociale",
                    "courriel",
                    "telephone",
                    "site",
                    "adresse",
                    "ville",
                    "code_postal",
                    "presentation",
                ),
                style="wrapped",
                submit_label="Envoyer mon inscription",
                id_prefix="al",
            ),
            mode="fetch-urlencoded",
            heartbeat_path="/ajax/ping",
            beacon_path="/mesure/clic",
            thanks="Merci ! Votre fiche a bien été enregistrée et sera publiée après validation.",
            accent="#1565c0",
        )
    ),
)
