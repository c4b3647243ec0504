"""The verification e-mail a site sends for a listing: plain text and HTML alternatives in
the site's language, from `noreply@<slug>.localhost`, with a confirmation link (or a code)
among the ordinary links every such mail carries (home page, guidelines, unsubscribe)."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from markupsafe import Markup, escape

from .listings import Listing
from .mail_texts import MailTexts, mail_texts_for
from .site import SandboxSite, Verification


def sender_host(site: SandboxSite) -> str:
    """The host a site's mail comes from: its own, so a reader can tell the sender."""
    return f"{site.slug}.localhost"


def verification_mail(
    site: SandboxSite,
    listing: Listing,
    *,
    base_url: str,
    confirm_url: str,
    valid_minutes: int,
    accent: str = "#1d4e89",
) -> EmailMessage:
    """The message asking `listing`'s contact to confirm: with `confirm_url` for link
    variants, with the listing's code for the code variant. `base_url` is the site's own
    origin (scheme, host and port) for the ordinary links."""
    texts = mail_texts_for(site.language)
    fill = {
        "site": site.name,
        "name": listing.nap.name or site.name,
        "listing_id": listing.listing_id,
        "code": listing.code,
        "minutes": valid_minutes,
    }
    by_code = site.verification is Verification.CODE
    host = sender_host(site)
    base = base_url.rstrip("/")
    footer = _footer_links(texts, base, listing, fill)

    message = EmailMessage()
    message["From"] = formataddr((site.name, f"noreply@{host}"))
    message["To"] = listing.email
    message["Subject"] = (texts.code_subject if by_code else texts.link_subject).format(**fill)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(idstring=f"listing{listing.listing_id}", domain=host)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{footer[2][1]}>"
    message.set_content(_plain(texts, fill, by_code, confirm_url, base, footer))
    message.add_alternative(
        _html(texts, fill, by_code, confirm_url, footer, site, accent), subtype="html"
    )
    return message


def _footer_links(
    texts: MailTexts, base: str, listing: Listing, fill: dict[str, object]
) -> list[tuple[str, str]]:
    # A stable, opaque reference for the preferences page (never a word of its own).
    ref = hashlib.sha256(f"{listing.site}:{listing.email}".encode()).hexdigest()[:16]
    return [
        (texts.home.format(**fill), f"{base}/"),
        (texts.guidelines, f"{base}/guidelines"),
        (texts.unsubscribe, f"{base}/email-preferences?u={ref}"),
        (texts.privacy, f"{base}/privacy"),
    ]


def _plain(
    texts: MailTexts,
    fill: dict[str, object],
    by_code: bool,
    confirm_url: str,
    base: str,
    footer: list[tuple[str, str]],
) -> str:
    lines = [texts.greeting, "", texts.intro.format(**fill), ""]
    if by_code:
        lines += [
            texts.code_line.format(**fill),
            "",
            texts.code_ask,
            texts.code_validity.format(**fill),
        ]
    else:
        lines += [
            texts.link_ask,
            "",
            f"{texts.link_button}: {confirm_url}",
            "",
            texts.link_validity.format(**fill),
        ]
    lines += ["", texts.not_you, "", "-- ", texts.signature.format(**fill), f"{base}/", ""]
    lines += [texts.why.format(**fill), f"{footer[2][0]}: {footer[2][1]}"]
    return "\n".join(lines) + "\n"


def _html(
    texts: MailTexts,
    fill: dict[str, object],
    by_code: bool,
    confirm_url: str,
    footer: list[tuple[str, str]],
    site: SandboxSite,
    accent: str,
) -> str:
    def p(text: str) -> Markup:
        return Markup('<p style="margin:0 0 14px">{}</p>').format(text)

    if by_code:
        action = Markup(
            "{}"
            '<p style="font-size:28px;letter-spacing:6px;font-weight:bold;margin:18px 0">{}</p>'
            "{}{}"
        ).format(
            p(texts.code_line.format(**fill)),
            fill["code"],
            p(texts.code_ask),
            p(texts.code_validity.format(**fill)),
        )
    else:
        action = Markup(
            '{}<p style="margin:22px 0"><a href="{}" style="background:{};color:#fff;'
            'padding:12px 22px;border-radius:4px;text-decoration:none">{}</a></p>'
            '{}<p style="font-size:12px;word-break:break-all;color:#555">{}</p>{}'
        ).format(
            p(texts.link_ask),
            confirm_url,
            accent,
            texts.link_button,
            p(texts.link_fallback),
            confirm_url,
            p(texts.link_validity.format(**fill)),
        )
    links = Markup(" &middot; ").join(
        Markup('<a href="{}" style="color:#777">{}</a>').format(url, words)
        for words, url in footer[1:]
    )
    return str(
        Markup(
            '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}'
            "</title></head>"
            '<body style="margin:0;background:#f3f4f6;font-family:Arial,sans-serif;color:#222">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>'
            '<td align="center" style="padding:24px">'
            '<table role="presentation" width="560" cellpadding="0" cellspacing="0" '
            'style="background:#fff;border-top:4px solid {accent}">'
            '<tr><td style="padding:18px 28px"><a href="{home_url}" style="color:{accent};'
            'font-size:20px;font-weight:bold;text-decoration:none">{site}</a></td></tr>'
            '<tr><td style="padding:6px 28px 24px">{greeting}{intro}{action}{not_you}'
            "{signature}</td></tr>"
            '<tr><td style="padding:14px 28px;background:#fafafa;font-size:12px;color:#777">'
            "{why}<br>{links}</td></tr>"
            "</table></td></tr></table></body></html>"
        ).format(
            lang=site.language,
            title=site.name,
            accent=accent,
            home_url=footer[0][1],
            site=site.name,
            greeting=p(texts.greeting),
            intro=p(texts.intro.format(**fill)),
            action=action,
            not_you=p(texts.not_you),
            signature=p(texts.signature.format(**fill)),
            why=escape(texts.why.format(**fill)),
            links=links,
        )
    )
