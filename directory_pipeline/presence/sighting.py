"""Whether a page that answered is this business's listing: its name is the profile's (up
to formatting) and it does not show another city. Pure."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from directory_pipeline.browser.phrases import PhraseKind, line_with
from directory_pipeline.domain import Evidence
from directory_pipeline.presence.nap import NapField, NapReport, NapVerdict

_SAME = {NapVerdict.MATCH, NapVerdict.EQUIVALENT}


def says_not_live(lines: list[str]) -> str | None:
    """The sentence of a page that names the business but says its listing is not
    published ("awaiting review", "no longer available"), if any: such a page is not a
    sighting, whatever name it shows."""
    return line_with(lines, PhraseKind.NOT_PUBLISHED)


def is_this_listing(report: NapReport) -> bool:
    name = report.fields.get(NapField.NAME)
    city = report.fields.get(NapField.CITY)
    return (
        name is not None
        and name.verdict in _SAME
        and (city is None or city.verdict is not NapVerdict.DIFFERS)
    )


class Sighting(BaseModel):
    """What one check saw: the listing's URL, its NAP comparison and evidence, or nothing."""

    model_config = ConfigDict(frozen=True)

    looked_at: str
    listing_url: str | None = None
    nap: NapReport | None = None
    evidence: Evidence | None = None
    preview_jpeg_b64: str | None = None
    pages: list[str] = Field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.listing_url and self.evidence and self.evidence.screenshot_uri)
