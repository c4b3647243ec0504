"""The sandbox directory sites, one module each."""

from __future__ import annotations

from . import (
    annuaire_pro_fr,
    bizlist_wizard,
    citylocal_hub,
    guia_negocios_es,
    heritage_register,
    linkhaven_directory,
    localpages_directory,
    metro_biz_index,
    nearbyguide,
    premium_placements,
    quicklist_app,
    shopfront_finder,
    stadtbranchen_de,
    towncrier_listings,
    trustedtrades_directory,
    webfinder_links,
    yellowbook_local,
)
from ._base import SiteDefinition, Theme

SITE_DEFINITIONS: tuple[SiteDefinition, ...] = (
    # starter
    citylocal_hub.DEFINITION,
    bizlist_wizard.DEFINITION,
    linkhaven_directory.DEFINITION,
    yellowbook_local.DEFINITION,
    localpages_directory.DEFINITION,
    metro_biz_index.DEFINITION,
    # growth
    stadtbranchen_de.DEFINITION,
    trustedtrades_directory.DEFINITION,
    webfinder_links.DEFINITION,
    shopfront_finder.DEFINITION,
    # pro
    quicklist_app.DEFINITION,
    towncrier_listings.DEFINITION,
    guia_negocios_es.DEFINITION,
    # enterprise
    annuaire_pro_fr.DEFINITION,
    heritage_register.DEFINITION,
    nearbyguide.DEFINITION,
    premium_placements.DEFINITION,
)
"""Every sandbox site, in catalogue order (by tier)."""

__all__ = ["SITE_DEFINITIONS", "SiteDefinition", "Theme"]
