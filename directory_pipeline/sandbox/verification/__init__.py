"""Sites that verify the contact e-mail address, one per variant (`Verification`).

Served by the same sandbox server under their own `<slug>.localhost` hosts and recorded in
the same ledger, but NOT part of `SITES` (the product's sandbox catalog) or any package:
tests point a pipeline at them on purpose. With an SMTP relay (`sandbox serve --smtp`,
`SandboxServer(smtp_host=..., smtp_port=...)`) the link and code sites send real mail.

- `branchenbuch-nord` (link, German), `pinpoint-local` (code), `quietpages-directory`
  (silent: says "check your e-mail", sends nothing), `trustmark-listings` (hostile
  offsite link: the mail's confirmation link points at `outside_url`).

annuaire-pro-fr, in the catalog, is a link site too.
"""

from __future__ import annotations

from ..site import SandboxSite
from ..sites._base import SiteDefinition
from . import code_en, link_de, offsite_link, silent_en

VERIFICATION_DEFINITIONS: tuple[SiteDefinition, ...] = (
    link_de.DEFINITION,
    code_en.DEFINITION,
    silent_en.DEFINITION,
    offsite_link.DEFINITION,
)
"""How to serve the verifying sites (the same `SiteDefinition` the catalog sites use)."""

VERIFICATION_SITES: tuple[SandboxSite, ...] = tuple(d.site for d in VERIFICATION_DEFINITIONS)
"""Every verifying site outside the catalog, one per verification variant."""

__all__ = ["VERIFICATION_DEFINITIONS", "VERIFICATION_SITES"]
