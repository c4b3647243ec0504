"""A listing's name, address and phone (NAP), and how a site shows what it received."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from .site import NapStyle

# Street words a site abbreviates, and abbreviations it finishes with a dot.
_STREET_WORDS = {
    "street": "St.",
    "avenue": "Ave.",
    "road": "Rd.",
    "boulevard": "Blvd.",
    "drive": "Dr.",
    "lane": "Ln.",
    "place": "Pl.",
    "st": "St.",
    "ave": "Ave.",
    "rd": "Rd.",
    "blvd": "Blvd.",
    "dr": "Dr.",
    "ln": "Ln.",
}
_WORD = re.compile(r"\b([A-Za-z]+)\b\.?")


class Nap(BaseModel):
    """Name, address, phone and website of a listing, as text; "" where the form had none."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    website: str = ""

    def shown(self, style: NapStyle) -> Nap:
        """What a site of `style` shows on the listing page."""
        if style is NapStyle.PHONE_REFORMATTED:
            return self.model_copy(update={"phone": reformatted_phone(self.phone)})
        if style is NapStyle.STREET_ABBREVIATED:
            return self.model_copy(update={"street": abbreviated_street(self.street)})
        return self


def reformatted_phone(phone: str) -> str:
    """A phone in a directory's national style: North American numbers as "(415) 555-0100",
    others with a trunk 0 in pairs ("+33 1 55 50 14 20" → "01 55 50 14 20")."""
    stripped = phone.strip()
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return phone
    north_american = stripped.startswith("+1") or not stripped.startswith("+")
    national = digits[1:] if north_american and len(digits) == 11 else digits
    if north_american and len(national) == 10:
        return f"({national[:3]}) {national[3:6]}-{national[6:]}"
    rest = "0" + digits[2:] if stripped.startswith("+") else digits
    return " ".join(rest[i : i + 2] for i in range(0, len(rest), 2))


def abbreviated_street(street: str) -> str:
    """`street` with its street-type words abbreviated ("Valencia Street" → "Valencia St.")."""

    def abbreviate(found: re.Match[str]) -> str:
        return _STREET_WORDS.get(found[1].lower(), found[0])

    return _WORD.sub(abbreviate, street)
