"""The Jinja environment of the sandbox templates kept inside the package."""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates"


def template_environment() -> jinja2.Environment:
    """Jinja environment over `templates/`, autoescaping HTML, failing on undefined names."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
