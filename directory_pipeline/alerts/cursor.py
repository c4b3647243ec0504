"""What `fleet_alerts_sensor` remembers between ticks (its cursor): the asset-check record id
health checks were read up to, the (check, directory) pairs red after them, and the
dead-letter count last seen. An unreadable cursor starts afresh (at worst, one repeated
alert per pair still red; recorded alerts are never recorded twice)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

from directory_pipeline.alerts.dead_letters import DeadLetterCount


class AlertCursor(BaseModel):
    model_config = ConfigDict(frozen=True)

    check_records_after: int | None = None
    failing_checks: list[str] = []
    dead_letters: DeadLetterCount | None = None

    @classmethod
    def parse(cls, raw: str | None) -> AlertCursor:
        if not raw:
            return cls()
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return cls()

    def dump(self) -> str:
        return self.model_dump_json()
