"""Per-submission contact addresses the pipeline can read: plus-addressing on a mailbox the
shop controls, e.g. `listings+3f2a9c1e07b4.citylocal@shop.example`."""

from __future__ import annotations

import re
import uuid

from pydantic import BaseModel, ConfigDict

JOB_PREFIX_LENGTH = 12  # hex digits of the job id: unique enough among open verifications
_TOKEN = re.compile(rf"^(?P<job>[0-9a-f]{{{JOB_PREFIX_LENGTH}}})\.(?P<slug>[a-z0-9][a-z0-9-]*)$")


class AliasTarget(BaseModel):
    """What an alias names: a job (by the start of its id) and a directory."""

    model_config = ConfigDict(frozen=True)

    job_prefix: str
    directory_slug: str

    def is_job(self, job_id: uuid.UUID) -> bool:
        return job_id.hex.startswith(self.job_prefix)


def alias_for(mailbox: str, job_id: uuid.UUID, directory_slug: str) -> str:
    """The address a submission gives as its contact e-mail: the shop's mailbox with a
    `+job.directory` tag, so every reply says which submission it is about."""
    local, at, domain = mailbox.partition("@")
    if not at or not local or not domain:
        raise ValueError(f"not an e-mail address: {mailbox!r}")
    base = local.split("+", 1)[0]
    return f"{base}+{job_id.hex[:JOB_PREFIX_LENGTH]}.{directory_slug}@{domain}".lower()


def alias_target(address: str, mailbox: str) -> AliasTarget | None:
    """The submission an address is the alias of, when it is one of `mailbox`'s aliases."""
    local, _, domain = address.lower().partition("@")
    own_local, _, own_domain = mailbox.lower().partition("@")
    base, plus, tag = local.partition("+")
    if not plus or domain != own_domain or base != own_local.split("+", 1)[0]:
        return None
    found = _TOKEN.match(tag)
    if found is None:
        return None
    return AliasTarget(job_prefix=found["job"], directory_slug=found["slug"])
