"""`directory-pipeline sandbox …`: serve the sandbox sites and read their ledger."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import yaml

from ..state_dir import resolve_state_dir
from .knobs import SiteKnobs
from .ledger import Ledger, entries_json
from .mailer import SmtpRelay
from .server import SandboxServer, serve_forever
from .site_registry import SITES, get_site
from .state import DEFAULT_OUTSIDE_URL


def ledger_path(state_dir: Path) -> Path:
    """Where `sandbox serve` keeps its ledger under a state dir."""
    return state_dir / "sandbox" / "ledger.sqlite3"


def server_file(state_dir: Path) -> Path:
    """Where a running `sandbox serve` says which port it listens on."""
    return state_dir / "sandbox" / "server.json"


_state_dir_option = click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="State directory (default: $DIRECTORY_PIPELINE_STATE_DIR, else .local/).",
)


@click.group(name="sandbox")
def sandbox() -> None:
    """Local directory sites to develop and test submissions against."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free).")
@click.option(
    "--knobs",
    "knobs_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="JSON or YAML file of knobs per site slug (or '*'), e.g. latency_ms_min.",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of random behaviour.")
@click.option(
    "--outside-url",
    default=DEFAULT_OUTSIDE_URL,
    show_default=True,
    help="Server outside every site, where the hostile pages try to lead (redirects, pixels).",
)
@click.option(
    "--smtp",
    "smtp",
    default=None,
    metavar="HOST:PORT",
    help="SMTP server the verifying sites send their mail to (default: they send none).",
)
@_state_dir_option
def serve(
    host: str,
    port: int,
    knobs_file: Path | None,
    seed: int,
    outside_url: str,
    smtp: str | None,
    state_dir: Path | None,
) -> None:
    """Serve every sandbox site (and the hostile and verifying test sites) until interrupted."""
    root = resolve_state_dir(state_dir)
    knobs = _read_knobs(knobs_file) if knobs_file else None
    try:
        relay = SmtpRelay.parse(smtp) if smtp else None
    except ValueError as bad:
        raise click.BadParameter(str(bad), param_hint="--smtp") from None
    marker = server_file(root)

    def announce(server: SandboxServer) -> None:
        marker.write_text(
            json.dumps({"pid": os.getpid(), "host": host, "port": server.port, "url": server.url})
        )
        example = server.url_for(SITES[0].slug)
        click.echo(f"sandbox ready at {server.url}/ ({len(SITES)} sites, e.g. {example})")

    try:
        serve_forever(
            host,
            port,
            ledger_path(root),
            knobs=knobs,
            seed=seed,
            outside_url=outside_url,
            smtp_host=relay.host if relay else None,
            smtp_port=relay.port if relay else 25,
            on_ready=announce,
        )
    except OSError as error:
        raise click.ClickException(f"cannot serve on {host}:{port}: {error}") from None
    finally:
        marker.unlink(missing_ok=True)
    click.echo("sandbox stopped")


@sandbox.command()
@click.option("--site", default=None, help="Only this site's entries.")
@click.option("--json", "as_json", is_flag=True, help="Print the contracts §6 JSON list.")
@_state_dir_option
def ledger(site: str | None, as_json: bool, state_dir: Path | None) -> None:
    """Print the submissions the sandbox sites recorded."""
    if site is not None:
        try:
            get_site(site)
        except KeyError as missing:
            raise click.BadParameter(str(missing), param_hint="--site") from None
    path = ledger_path(resolve_state_dir(state_dir))
    entries = Ledger(path).entries(site) if path.exists() else []
    if as_json:
        click.echo(json.dumps(entries_json(entries), ensure_ascii=False, indent=2))
        return
    for entry in entries:
        verdict = "spam" if entry.spam else ("accepted" if entry.accepted else "refused")
        click.echo(
            f"{entry.at.isoformat()}  {entry.site:<24} {verdict:<9} {len(entry.fields)} fields"
        )
    click.echo(f"{len(entries)} entries")


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def sites(as_json: bool) -> None:
    """List the sandbox sites."""
    if as_json:
        click.echo(json.dumps([site.model_dump(mode="json") for site in SITES], indent=2))
        return
    for site in SITES:
        features = ", ".join(site.features)
        click.echo(f"{site.slug:<26} {site.tier:<11} {site.expected_outcome:<13} {features}")


def _read_knobs(path: Path) -> dict[str, SiteKnobs]:
    raw = yaml.safe_load(path.read_text()) or {}
    if not isinstance(raw, dict):
        raise click.BadParameter("expected a mapping of site slug to knobs", param_hint="--knobs")
    return {str(slug): SiteKnobs.model_validate(values) for slug, values in raw.items()}
