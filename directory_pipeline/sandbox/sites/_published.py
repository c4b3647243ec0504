"""What a directory shows of its listings once they are live: the listing page at its stable
URL, the search results and the sitemap; plus the small pages its mails link to."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape as xml_escape

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..forms import normalized_name
from ..listings import Listing, ListingStatus
from ..site import SandboxSite
from ..state import SandboxState
from ._base import Theme


def published(state: SandboxState, site: SandboxSite, now: datetime | None = None) -> list[Listing]:
    """The site's listings that are live at `now`, oldest first."""
    now = now or datetime.now(UTC)
    return [
        listing
        for listing in state.listings.listings(site.slug)
        if listing.status(now) is ListingStatus.PUBLISHED
    ]


def _matches(listing: Listing, what: str, where: str) -> bool:
    name, city = normalized_name(listing.nap.name), normalized_name(listing.nap.city)
    what, where = normalized_name(what), normalized_name(where)
    return (not what or what in name or what in city) and (not where or where in city)


def search_page(state: SandboxState, site: SandboxSite, theme: Theme, request: Request) -> Response:
    """Search results: live listings whose name or city has the query (and whose city has
    the "where" words, on sites that ask for them)."""
    query = request.query_params.get(theme.search_param, "")
    where = request.query_params.get(theme.where_param, "") if theme.where_param else ""
    results = [
        listing.model_copy(update={"nap": listing.nap.shown(site.nap_style)})
        for listing in published(state, site)
        if _matches(listing, query, where)
    ]
    return state.render(
        request, site, "pages/search.html", theme=theme, query=query, results=results
    )


def published_routes(state: SandboxState, site: SandboxSite, theme: Theme) -> list[BaseRoute]:
    """The listing pages, the sitemap, and the guideline, privacy and e-mail preference pages
    the site's mails link to."""
    msg = state.messages(site)

    def missing(request: Request, text: str, status_code: int) -> Response:
        return state.render(
            request,
            site,
            "pages/outcome.html",
            status_code=status_code,
            theme=theme,
            title=msg.listing_missing_title,
            text=text,
            kind="missing",
            listing_id="",
        )

    async def listing_page(request: Request) -> Response:
        number, _, _ = str(request.path_params["ref"]).partition("-")
        listing = state.listings.get(site.slug, int(number)) if number.isdigit() else None
        status = listing.status(datetime.now(UTC)) if listing else None
        if listing is None or status is not ListingStatus.PUBLISHED:
            if status is ListingStatus.REJECTED:
                return missing(request, msg.listing_gone, 410)
            return missing(request, msg.listing_missing, 404)
        if request.url.path != listing.path:
            return RedirectResponse(listing.path, 301)
        return state.render(
            request,
            site,
            "pages/listing.html",
            theme=theme,
            listing=listing,
            nap=listing.nap.shown(site.nap_style),
        )

    async def sitemap(request: Request) -> Response:
        base = f"{request.url.scheme}://{request.url.netloc}"
        urls = [(f"{base}/", ""), (f"{base}{site.form_path.split('?')[0]}", "")]
        urls += [
            (f"{base}{listing.path}", listing.publish_at.date().isoformat())
            for listing in published(state, site)
            if listing.publish_at is not None
        ]
        entries = "".join(
            f"<url><loc>{xml_escape(loc)}</loc>"
            + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
            + "</url>"
            for loc, lastmod in urls
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        )
        return Response(xml, media_type="application/xml")

    async def plain_page(request: Request) -> Response:
        return state.render(request, site, "pages/home.html", theme=theme)

    return [
        Route("/listing/{ref}", listing_page),
        Route("/sitemap.xml", sitemap),
        Route("/guidelines", plain_page),
        Route("/privacy", plain_page),
        Route("/email-preferences", plain_page),
    ]
