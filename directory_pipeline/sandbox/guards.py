"""Anti-bot devices the sites use: CSRF nonces, script-set tokens, honeypots, captchas."""

from __future__ import annotations

import random
import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .forms import FieldValue, first_value

CAPTCHA_ALPHABET = "2345679ACDEFHKMNPRTWXY"
"""Captcha characters; look-alikes (0/O, 1/I, 8/B) are left out, as real captchas do."""

MAX_LIVE = 20_000
"""Most nonces (or captchas) kept at once; the oldest are forgotten first, like a real
session store would expire them."""


def _forget_oldest(store: dict[tuple[str, str], Any]) -> None:
    while len(store) > MAX_LIVE:
        del store[next(iter(store))]


@dataclass
class NonceStore:
    """Single-use CSRF nonces, one issued per form page load, per site."""

    _issued: dict[tuple[str, str], float] = field(default_factory=dict)

    def issue(self, site: str) -> str:
        """A fresh nonce for a form page of `site`."""
        nonce = secrets.token_hex(8)
        self._issued[(site, nonce)] = time.monotonic()
        _forget_oldest(self._issued)
        return nonce

    def consume(self, site: str, nonce: str, ttl_s: float) -> bool:
        """Whether `nonce` was issued by `site`, unused and younger than `ttl_s`; uses it up."""
        issued = self._issued.pop((site, nonce), None)
        return issued is not None and time.monotonic() - issued < ttl_s

    def clear(self) -> None:
        """Forget every nonce."""
        self._issued.clear()


@dataclass
class CaptchaStore:
    """Captcha challenges per site: id → answer, each good for one check."""

    rng: random.Random
    _answers: dict[tuple[str, str], str] = field(default_factory=dict)

    def issue(self, site: str, length: int = 5) -> str:
        """A new challenge id for `site`."""
        challenge = "".join(self.rng.choices(string.ascii_lowercase + string.digits, k=12))
        self._answers[(site, challenge)] = "".join(self.rng.choices(CAPTCHA_ALPHABET, k=length))
        _forget_oldest(self._answers)
        return challenge

    def answer(self, site: str, challenge: str) -> str | None:
        """The text of a live challenge (for drawing it, and for tests)."""
        return self._answers.get((site, challenge))

    def check(self, site: str, challenge: str, response: str) -> bool:
        """Whether `response` solves `challenge` (case-insensitive); the challenge is used up."""
        expected = self._answers.pop((site, challenge), None)
        return expected is not None and response.strip().upper() == expected

    def clear(self) -> None:
        """Forget every challenge."""
        self._answers.clear()


def new_stamp() -> str:
    """A per-page-load value that page script turns into a token."""
    return secrets.token_hex(6)


def expected_js_token(stamp: str) -> str:
    """The token the page script derives from `stamp` (mirrors the script in the templates)."""
    return stamp[::-1] + "-" + str(len(stamp) * 7)


def js_token_ok(fields: Mapping[str, FieldValue], stamp_field: str, token_field: str) -> bool:
    """Whether the script-set token matches the stamp the page was rendered with."""
    stamp = first_value(fields, stamp_field)
    token = first_value(fields, token_field)
    return bool(stamp) and token == expected_js_token(stamp)


def trap_sprung(fields: Mapping[str, FieldValue], traps: tuple[str, ...]) -> bool:
    """Whether any honeypot or decoy field came back filled in."""
    return any(first_value(fields, name) for name in traps)
