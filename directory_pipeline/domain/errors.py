"""Turn pydantic validation errors into messages that name the field and what was wrong."""

from __future__ import annotations

from pydantic import ValidationError


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(f".{item}" if parts else item)
    return "".join(parts) or "(message)"


def describe_validation_error(exc: ValidationError, prefix: str = "") -> list[str]:
    """One line per problem: `business.phone: not a valid phone number for US (got '123')`."""
    lines = []
    for error in exc.errors(include_url=False):
        where = _location(tuple(error["loc"]))
        if prefix:
            where = f"{prefix}.{where}"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            lines.append(f"{where}: required field is missing")
            continue
        given = error.get("input")
        if error["type"] == "too_long" and isinstance(given, str):
            # A string constrained inside Annotated[...] is reported as a collection of items.
            limit = (error.get("ctx") or {}).get("max_length")
            message = f"String should have at most {limit} characters, not {len(given)}"
        shown = repr(given) if isinstance(given, str | int | float) else None
        if shown is not None and len(shown) > 80:
            shown = shown[:77] + "...'"
        lines.append(f"{where}: {message}" + (f" (got {shown})" if shown is not None else ""))
    return lines
