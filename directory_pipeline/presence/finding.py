"""Finding a published listing on its directory: the page to open (search, listing URL
pattern or sitemap, as the catalog entry declares) and, on what it shows, the links that are
this business's listing — same name (normalised) and, where the result shows a place, the same
city. Pure: pages come in as text and links the browser read."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urljoin, urlparse

from pydantic import BaseModel, ConfigDict

from directory_pipeline.domain.catalog import PresenceCheck, PresenceKind, host_matches

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LOC = re.compile(r"<loc>\s*([^<]+?)\s*</loc>", re.IGNORECASE)


def normalised(text: str) -> str:
    """Lower case, accents folded, `&` read as "and", punctuation as spaces, one space."""
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore")
    words = folded.decode().lower().replace("&", " and ")
    return _NOT_WORD.sub(" ", words).strip()


def slugified(text: str) -> str:
    """ "Rosa's Bakery & Café" → "rosa-s-bakery-and-cafe"."""
    return normalised(text).replace(" ", "-")


def presence_url(check: PresenceCheck, submit_url: str, name: str, city: str) -> str:
    """The page to open for one listing: the entry's template filled in, made absolute
    against the directory's submit URL."""
    filled = check.url.format(
        name=quote(name, safe=""),
        city=quote(city, safe=""),
        slug=slugified(name),
        city_slug=slugified(city),
    )
    return urljoin(submit_url, filled)


class PageLink(BaseModel):
    """A link on a page: where it goes, its text, and the text of the result it sits in."""

    model_config = ConfigDict(frozen=True)

    href: str
    text: str
    block: str = ""


def _names_match(seen: str, name: str) -> bool:
    seen_words, name_words = normalised(seen), normalised(name)
    return bool(name_words) and (seen_words == name_words or f" {name_words} " in f" {seen_words} ")


def _place_fits(link: PageLink, city: str) -> bool:
    """The result shows the city, or shows nothing besides the name to judge by."""
    block = normalised(link.block)
    if not city or not block or block == normalised(link.text):
        return True
    return f" {normalised(city)} " in f" {block} "


def _on_hosts(url: str, hosts: list[str]) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"http", "https"} and host_matches(parsed.hostname or "", hosts)


def find_in_search(
    links: list[PageLink], *, page_url: str, name: str, city: str, hosts: list[str]
) -> list[str]:
    """Result links that are this business's listing, in page order, without repeats."""
    found: list[str] = []
    for link in links:
        url = urljoin(page_url, link.href).split("#")[0]
        if (
            url != page_url
            and _on_hosts(url, hosts)
            and _names_match(link.text, name)
            and _place_fits(link, city)
            and url not in found
        ):
            found.append(url)
    return found


def find_in_sitemap(xml: str, *, name: str, hosts: list[str]) -> list[str]:
    """Sitemap URLs on the directory's hosts whose path carries the name's slug."""
    slug = slugified(name)
    found: list[str] = []
    for raw in _LOC.findall(xml):
        url = html.unescape(raw)
        path = urlparse(url).path.lower()
        if slug and _on_hosts(url, hosts) and slug in path and url not in found:
            found.append(url)
    return found


def candidates(
    check: PresenceCheck,
    *,
    page_url: str,
    links: list[PageLink],
    body: str,
    name: str,
    city: str,
    hosts: list[str],
) -> list[str]:
    """The listing URLs worth opening, from the page the entry's `check` opened."""
    if check.kind is PresenceKind.SEARCH:
        return find_in_search(links, page_url=page_url, name=name, city=city, hosts=hosts)
    if check.kind is PresenceKind.SITEMAP:
        return find_in_sitemap(body, name=name, hosts=hosts)
    return [page_url] if _on_hosts(page_url, hosts) else []
