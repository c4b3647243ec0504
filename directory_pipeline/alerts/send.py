"""Posting one payload to the webhook. Delivered means a 2xx answer; anything else (another
status, a timeout, a refused connection) leaves the alert unsent for the next tick. The
error recorded never quotes the exception, whose text can hold the webhook's URL."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

TIMEOUT_SECONDS = 5.0


class Delivery(BaseModel):
    model_config = ConfigDict(frozen=True)

    delivered: bool
    error: str | None = None


def post_payload(
    client: httpx.Client,
    webhook_url: str,
    payload: dict[str, Any],
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> Delivery:
    try:
        response = client.post(webhook_url, json=payload, timeout=timeout)
    except httpx.TimeoutException:
        return Delivery(delivered=False, error="timed out")
    except httpx.HTTPError as exc:
        return Delivery(delivered=False, error=f"not reached ({type(exc).__name__})")
    if 200 <= response.status_code < 300:
        return Delivery(delivered=True)
    return Delivery(delivered=False, error=f"answered HTTP {response.status_code}")
