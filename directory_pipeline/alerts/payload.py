"""The webhook body: Slack's incoming-webhook JSON (`text` for notifications and clients
without blocks, `blocks` with one mrkdwn section and the link), which Mattermost, Rocket.Chat
and Discord's `/slack` endpoint also take.

Only the alert's own fields go in, and every free text passes `redact` on the way: no
DSN, key, token, e-mail address, phone number or URL carrying credentials can reach the
channel even if a source's text held one."""

from __future__ import annotations

import re
from typing import Any

from directory_pipeline.alerts.model import Alert, AlertSeverity

_URL_CREDENTIALS = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^\s/@:]*(?::[^\s/@]*)?@", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w/=.-])\+?\d[\d ().-]{7,}\d(?![\w/])")
_SECRET_WORD = re.compile(
    r"\b(password|passwd|pwd|secret|token|api[_-]?key|key)(\s*[=:]\s*)\S+", re.I
)
_LONG_TOKEN = re.compile(r"\b[A-Za-z0-9_]{32,}\b")  # not UUIDs: their parts are shorter

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)

_ICON = {AlertSeverity.WARNING: ":warning:", AlertSeverity.ERROR: ":rotating_light:"}
MAX_TEXT = 2500


def redact(text: str) -> str:
    """`text` with credentials in URLs, e-mail addresses, phone numbers, `key=value`
    secrets and long opaque tokens replaced by `[redacted]`."""
    text = _URL_CREDENTIALS.sub(r"\1[redacted]@", text)
    text = _EMAIL.sub("[redacted]", text)
    text = _SECRET_WORD.sub(r"\1\2[redacted]", text)
    text = _LONG_TOKEN.sub("[redacted]", text)
    # job ids stay (a UUID's digits could pass for a phone number)
    ids = _UUID.findall(text)
    text = _UUID.sub("\x00", text)
    text = _PHONE.sub("[redacted]", text)
    for job_id in ids:
        text = text.replace("\x00", job_id, 1)
    return text


def _mrkdwn(text: str) -> str:
    """Slack's three control characters escaped, so a text cannot forge a link or mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alert: Alert) -> dict[str, Any]:
    """The JSON body posted for `alert`."""
    title = redact(alert.title)
    text = redact(alert.text)[:MAX_TEXT]
    icon = _ICON[alert.severity]
    body = f"{icon} *{_mrkdwn(title)}*\n{_mrkdwn(text)}"
    fallback = f"[{alert.severity.value}] {title}: {text}"
    if alert.link:
        link = _URL_CREDENTIALS.sub(r"\1", alert.link)
        body += f"\n<{link}|{_mrkdwn(alert.link_label)}>"
        fallback += f" {link}"
    return {
        "text": fallback,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": body}}],
    }
