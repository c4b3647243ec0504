"""What to do with a received mail: which submission it is about, and whether it carries a
confirmation link on the directory's own hosts, a code to type, or nothing we may use.
Pure decisions; nothing here opens a link."""

from __future__ import annotations

import re
import unicodedata
import uuid
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from directory_pipeline.domain.catalog import host_matches
from directory_pipeline.forms.vocabulary import normalise
from directory_pipeline.verification.aliases import alias_target
from directory_pipeline.verification.mail import MailLink, ReceivedMail

# Words of a link that confirms an address or activates a listing, as normalise() leaves them.
CONFIRM_WORDS = {
    "verify", "verification", "confirm", "confirmation", "activate", "activation", "validate",
    "bestatigen", "bestaetigen", "verifizieren", "aktivieren", "freischalten", "confirmer",
    "valider", "activer", "confirmar", "verificar", "activar", "confermare", "confermo",
    "verificare", "attivare", "ativar", "bevestigen", "activeren", "bekrafta", "bekrefte",
    "bekraeft", "bekraft", "vahvista", "potvrdit", "potvrdi", "potwierdz", "megerosit",
    "confirma", "dogrula", "onayla",
}  # fmt: skip
# Links that never confirm anything, whatever their address says.
NOT_CONFIRMING_WORDS = {
    "unsubscribe", "abmelden", "abbestellen", "desinscrire", "desabonner", "baja",
    "desuscribir", "disiscriviti", "cancelar", "afmelden", "privacy", "datenschutz",
}  # fmt: skip
# A code is a word of 4-10 letters and digits, with a digit, soon after a word for "code".
CODE_WORDS = ("code", "codigo", "codice", "kod", "pin", "otp", "cod", "koodi", "kood")
NOT_CODE_WORDS = ("postcode", "zipcode", "barcode", "qrcode", "postalcode", "areacode")
CODE_REACH = 4  # words
# Words that may stand between "code" and the code itself ("Su código de verificación es").
CODE_FILLERS = {
    "is", "ist", "est", "es", "e", "de", "di", "do", "da", "van", "your", "ihr", "votre",
    "verification", "verificacion", "verifica", "verificacao", "confirmation", "bestatigung",
    "bestaetigung", "conferma", "confirmacion", "confirmacao", "lautet", "sera", "sara",
}  # fmt: skip
_WORD = re.compile(r"[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*")


class MailVerdict(StrEnum):
    CONFIRMATION_LINK = "confirmation_link"  # open this link through the network guard
    CODE = "code"  # type this code into the directory's page
    NOTHING_TO_DO = "nothing_to_do"  # about the submission, but asks nothing (a receipt)
    NOT_AN_ALIAS = "not_an_alias"  # sent to none of our submission addresses
    UNKNOWN_SUBMISSION = "unknown_submission"  # an alias, but no submission awaits mail
    SENDER_NOT_DIRECTORY = "sender_not_directory"  # from a host the directory does not use
    LINK_TO_ANOTHER_HOST = "link_to_another_host"  # a confirmation link off the directory


class AwaitingVerification(BaseModel):
    """A submission whose directory said it would send an e-mail."""

    model_config = ConfigDict(frozen=True)

    job_id: uuid.UUID
    directory_slug: str
    hosts: tuple[str, ...]
    page_url: str | None = None  # the page the submission ended on, where a code is typed


class MailDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    verdict: MailVerdict
    job_id: uuid.UUID | None = None
    directory_slug: str | None = None
    url: str | None = None
    code: str | None = None
    detail: str = ""

    @property
    def acts(self) -> bool:
        return self.verdict in {MailVerdict.CONFIRMATION_LINK, MailVerdict.CODE}


def _bare(host: str) -> str:
    return host.lower().removeprefix("www.")


def on_hosts(url: str, hosts: tuple[str, ...]) -> bool:
    """An http(s) link to one of the directory's hosts (or their subdomains), with no
    credentials in it."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return False
    return host_matches(_bare(parts.hostname), [_bare(h) for h in hosts])


def confirms(link: MailLink) -> bool:
    """The link's words or its path and query say it confirms or activates something. The
    host does not count: every link of "verify-listings.example" would confirm."""
    parts = urlsplit(link.url)
    if parts.path.strip("/") == "" and not parts.query:
        return False  # a home page confirms nothing, however its link is worded
    words = set(normalise(f"{parts.path} {parts.query} {link.text}").split())
    return bool(words & CONFIRM_WORDS) and not words & NOT_CONFIRMING_WORDS


def code_in(mail: ReceivedMail) -> str | None:
    """A verification code the mail asks to type ("Your code is 482913", "Su código de
    verificación es 7710")."""
    plain = unicodedata.normalize("NFKD", f"{mail.subject} {mail.text}")
    words = _WORD.findall("".join(c for c in plain if not unicodedata.combining(c)))
    for at, word in enumerate(words):
        if not word.lower().endswith(CODE_WORDS) or word.lower().endswith(NOT_CODE_WORDS):
            continue
        for candidate in words[at + 1 : at + 1 + CODE_REACH]:
            if 4 <= len(candidate) <= 12 and any(c.isdigit() for c in candidate):
                return candidate
            if candidate.lower() not in CODE_FILLERS:
                break  # "Your code for listing #1042": not a code to type
    return None


def decide(mail: ReceivedMail, mailbox: str, awaiting: list[AwaitingVerification]) -> MailDecision:
    """What a mail allows: a link to open or a code to type for exactly one submission, or
    why not. A link is never followed unless it points at the directory's own hosts."""
    targets = [t for a in mail.recipients if (t := alias_target(a, mailbox)) is not None]
    if not targets:
        return MailDecision(verdict=MailVerdict.NOT_AN_ALIAS, detail=", ".join(mail.recipients))
    target = targets[0]
    match = next(
        (
            a
            for a in awaiting
            if a.directory_slug == target.directory_slug and target.is_job(a.job_id)
        ),
        None,
    )
    if match is None:
        return MailDecision(
            verdict=MailVerdict.UNKNOWN_SUBMISSION,
            directory_slug=target.directory_slug,
            detail=f"job {target.job_prefix}… has no submission awaiting mail",
        )
    about = {"job_id": match.job_id, "directory_slug": match.directory_slug}
    if not host_matches(_bare(mail.sender_host), [_bare(h) for h in match.hosts]):
        return MailDecision(verdict=MailVerdict.SENDER_NOT_DIRECTORY, detail=mail.sender, **about)
    confirming = [link for link in mail.links if confirms(link)]
    own = [link for link in confirming if on_hosts(link.url, match.hosts)]
    if own:
        return MailDecision(verdict=MailVerdict.CONFIRMATION_LINK, url=own[0].url, **about)
    if confirming:
        return MailDecision(
            verdict=MailVerdict.LINK_TO_ANOTHER_HOST, url=confirming[0].url, **about
        )
    code = code_in(mail)
    if code:
        return MailDecision(verdict=MailVerdict.CODE, code=code, **about)
    return MailDecision(verdict=MailVerdict.NOTHING_TO_DO, **about)
