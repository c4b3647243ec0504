"""The SQS message the web shop sends for a paid job (contracts §3, schema_version 1)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from directory_pipeline.domain.profile import BusinessProfile
from directory_pipeline.domain.tiers import Package

DirectorySlug = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
]


class JobMessage(BaseModel):
    """A paid job as it arrives on the queue. Unknown fields are ignored.

    `business` may be omitted: the job's row in `jobs` is then the source of the profile.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: Literal[1]
    job_id: uuid.UUID
    customer_id: uuid.UUID
    package: Package
    business: BusinessProfile | None = None
    directories: Annotated[list[DirectorySlug], Field(max_length=500)] | None = None
    requested_at: AwareDatetime

    @classmethod
    def from_body(cls, body: str) -> JobMessage:
        """Parse a raw SQS body; raises ValueError (JSON) or ValidationError (fields)."""
        try:
            payload = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ValueError(f"message body is not JSON: {exc.msg} at position {exc.pos}") from None
        if not isinstance(payload, dict):
            raise ValueError("message body must be a JSON object")
        return cls.model_validate(payload)

    def to_body(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def new(
        cls,
        package: Package,
        business: BusinessProfile | None,
        customer_id: uuid.UUID,
        directories: list[str] | None = None,
    ) -> JobMessage:
        return cls(
            schema_version=1,
            job_id=uuid.uuid4(),
            customer_id=customer_id,
            package=package,
            business=business,
            directories=directories,
            requested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
