"""The listing packages a customer can buy, smallest first."""

from __future__ import annotations

from enum import StrEnum


class Package(StrEnum):
    """A listing package; its price and directory count live in the catalog file."""

    STARTER = "starter"
    GROWTH = "growth"
    PRO = "pro"
    ENTERPRISE = "enterprise"

    @property
    def rank(self) -> int:
        return list(Package).index(self)

    def includes(self, tier: Package) -> bool:
        """A package includes every directory of its own tier and the tiers below it."""
        return tier.rank <= self.rank
