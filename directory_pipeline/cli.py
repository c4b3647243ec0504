"""`directory-pipeline`: the command line (contracts §6)."""

from __future__ import annotations

import json
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from directory_pipeline.domain import (
    BusinessProfile,
    JobMessage,
    Package,
    describe_validation_error,
    load_catalog,
)
from directory_pipeline.settings import MissingSettingError, Settings, load_settings

state_dir_option = click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The local stack's state folder (default: $DIRECTORY_PIPELINE_STATE_DIR, else .local/).",
)


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _settings(state_dir: Path | None, *needed: str) -> Settings:
    settings = load_settings(state_dir)
    try:
        settings.require(*needed)
    except MissingSettingError as exc:
        _fail(str(exc))
    return settings


LOCAL_EXTRA = "local"


def _needs_local_extra(what: str, missing: ModuleNotFoundError) -> str:
    return (
        f"{what} is part of the local stack, an add-on this environment lacks ({missing.name} "
        f"is not installed): install it with `uv sync --extra {LOCAL_EXTRA}` (`make dev` and "
        "`make test` do)"
    )


class _Cli(click.Group):
    """The product's commands, plus the `sandbox` group of the local add-on, imported only
    when asked for (the product never imports the add-on)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "sandbox"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name != "sandbox":
            return super().get_command(ctx, cmd_name)
        try:
            from directory_pipeline.sandbox.commands import sandbox
        except ModuleNotFoundError as missing:
            return _unavailable("sandbox", _needs_local_extra("`sandbox`", missing))
        return sandbox


def _unavailable(name: str, message: str) -> click.Command:
    def explain() -> None:
        _fail(message)

    return click.Command(
        name,
        callback=explain,
        help=f"(unavailable: needs the `{LOCAL_EXTRA}` extra)",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )


@click.group(cls=_Cli)
def main() -> None:
    """Submit business profiles to web directories, with proof."""


@main.group()
def db() -> None:
    """The Supabase/Postgres schema."""


@db.command("migrate")
@state_dir_option
def db_migrate(state_dir: Path | None) -> None:
    """Apply pending SQL migrations (idempotent)."""
    from directory_pipeline.store.migrate import migrate

    settings = _settings(state_dir, "database_url")
    assert settings.database_url
    applied = migrate(settings.database_url)
    click.echo(f"applied: {', '.join(applied)}" if applied else "schema is up to date")


@main.command()
@state_dir_option
@click.option("--ui-port", type=int, default=None, help="Dagster UI port (default 3000, or free).")
def dev(state_dir: Path | None, ui_port: int | None) -> None:
    """Run the whole local stack in the foreground until Ctrl-C or SIGTERM (needs the
    `local` extra)."""
    from directory_pipeline.state_dir import resolve_state_dir

    try:
        from directory_pipeline.local.stack import LocalStack
    except ModuleNotFoundError as missing:
        _fail(_needs_local_extra("`dev`", missing))

    class _Stop(Exception):
        pass

    def _on_signal(signum: int, _frame: Any) -> None:
        raise _Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    stack = LocalStack(resolve_state_dir(state_dir), ui_port=ui_port)
    code = 0
    try:
        click.echo(f"starting the local stack in {stack.state_dir} ...")
        settings = stack.start()
        click.echo(
            f"ready: Dagster UI {settings.dagster_webserver_url} | database "
            f"{settings.database_url} | SQS {settings.sqs_endpoint_url} | sandbox "
            f"{stack.sandbox_url}",
        )
        sys.stdout.flush()
        while True:
            failed = stack.failed_child()
            if failed:
                click.echo(f"error: {failed} exited; stopping (logs in {stack.logs})", err=True)
                code = 1
                break
            time.sleep(1)
    except _Stop as stop:
        click.echo(f"received {stop}; stopping")
    except Exception as exc:
        click.echo(f"error: the local stack failed: {exc}", err=True)
        code = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
        click.echo("stopped")
    sys.exit(code)


def _read_profile(path: Path) -> BusinessProfile:
    try:
        payload = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        _fail(f"cannot read profile {path}: {exc}")
    try:
        return BusinessProfile.model_validate(payload)
    except ValidationError as exc:
        lines = "\n  ".join(describe_validation_error(exc, "business"))
        _fail(f"profile {path} rejected:\n  {lines}")


@main.command()
@click.option(
    "--package",
    "package",
    required=True,
    type=click.Choice([p.value for p in Package]),
    help="The package the customer bought.",
)
@click.option(
    "--profile",
    "profile_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The business profile as JSON (contracts §2 keys).",
)
@click.option("--directories", default=None, help="Explicit directory slugs, comma-separated.")
@click.option(
    "--customer-id",
    type=click.UUID,
    default=None,
    help="Customer id (default: derived from the profile's e-mail).",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"job_id": ...}.')
@state_dir_option
def enqueue(
    package: str,
    profile_path: Path,
    directories: str | None,
    customer_id: uuid.UUID | None,
    as_json: bool,
    state_dir: Path | None,
) -> None:
    """Write the job's row and send its message, exactly as the web shop does."""
    from directory_pipeline.queue.sqs import job_queue_from
    from directory_pipeline.store.jobs import JobStore

    profile = _read_profile(profile_path)
    settings = _settings(state_dir, "database_url", "sqs_queue_url", "sqs_dlq_url")
    requested = [s.strip() for s in directories.split(",") if s.strip()] if directories else None
    try:
        message = JobMessage.new(
            Package(package),
            profile,
            customer_id or uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{profile.email}"),
            requested,
        )
    except ValidationError as exc:
        _fail("; ".join(describe_validation_error(exc)))
    try:
        chosen = load_catalog(settings.catalog_path).directories_for(message.package, requested)
    except ValueError as exc:  # unknown slugs, a tier above the package, more than it buys
        _fail(str(exc))
    assert settings.database_url
    JobStore(settings.database_url).create_pending(message, directories_total=len(chosen))
    job_queue_from(settings).send(message)
    job_id = str(message.job_id)
    click.echo(json.dumps({"job_id": job_id}) if as_json else job_id)


@main.command()
@click.argument("job_id", type=click.UUID)
@click.option("--json", "as_json", is_flag=True)
@state_dir_option
def status(job_id: uuid.UUID, as_json: bool, state_dir: Path | None) -> None:
    """A job's status and its per-directory results, read from Supabase."""
    from directory_pipeline.store.jobs import JobStore

    settings = _settings(state_dir, "database_url")
    assert settings.database_url
    store = JobStore(settings.database_url)
    job = store.get(job_id)
    if job is None:
        _fail(f"no job {job_id}", code=1)
    results = store.results(job_id)
    payload = {
        "job": {
            "id": str(job.id),
            "status": job.status.value,
            "directories_total": job.directories_total,
            "directories_done": job.directories_done,
        },
        "results": [
            {
                "directory_slug": r.directory_slug,
                "status": r.status.value,
                "confirmation_text": r.confirmation_text,
                "final_url": r.final_url,
                "evidence_uri": r.evidence_uri,
            }
            for r in results
        ],
    }
    if as_json:
        click.echo(json.dumps(payload))
        return
    click.echo(
        f"job {job.id}: {job.status.value} "
        f"({job.directories_done}/{job.directories_total} directories done)"
    )
    for r in results:
        click.echo(f"  {r.directory_slug:<28} {r.status.value:<13} {r.final_url or ''}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--skip", multiple=True, help="Checks to skip (e.g. --skip browser).")
@state_dir_option
def doctor(as_json: bool, skip: tuple[str, ...], state_dir: Path | None) -> None:
    """Check every link a job needs and say which one is broken."""
    from directory_pipeline.doctor import run_checks
    from directory_pipeline.local.state import pid_alive, read_stack_state

    settings = load_settings(state_dir)
    results = run_checks(settings, skip=set(skip))
    state = read_stack_state(settings.state_dir)
    stack_note = None
    if state is not None and not (state.running and pid_alive(state.pid)):
        stack_note = f"the local stack in {settings.state_dir} is not running"
    broken = [r for r in results if r.status == "fail"]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": not broken,
                    "local_stack": stack_note,
                    "checks": [r.model_dump() for r in results],
                }
            )
        )
    else:
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for r in results:
            click.echo(f"[{marks[r.status]}] {r.name}: {r.detail}")
            if r.hint and r.status != "ok":
                click.echo(f"       -> {r.hint}")
        if stack_note:
            click.echo(f"note: {stack_note}")
        click.echo(f"broken: {', '.join(r.name for r in broken)}" if broken else "all links work")
    sys.exit(1 if broken else 0)


@main.command("map-form")
@click.argument("target")
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Show what each field would get.",
)
@click.option("--no-llm", is_flag=True, help="Skip the LLM layer (plan cache + heuristics only).")
@click.option(
    "--directory",
    "directory_slug",
    default=None,
    help="Catalog slug, for the plan cache (default: found by the URL's host).",
)
@click.option("--json", "as_json", is_flag=True)
@state_dir_option
def map_form_command(
    target: str,
    profile_path: Path | None,
    no_llm: bool,
    directory_slug: str | None,
    as_json: bool,
    state_dir: Path | None,
) -> None:
    """Capture every form on a page (URL or saved HTML file) and map its fields."""
    from directory_pipeline.browser.map_page import map_target
    from directory_pipeline.forms.service import plan_as_json

    profile = _read_profile(profile_path) if profile_path else None
    settings = load_settings(state_dir)
    if not no_llm and not settings.llm_base_url:
        click.echo("note: no LLM endpoint configured; mapping with cache and heuristics", err=True)
    mapped = map_target(target, settings, use_llm=not no_llm, directory_slug=directory_slug)
    payload = plan_as_json(mapped, profile)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(f"{payload['url']}  fingerprint {payload['fingerprint']}")
    for row in payload["fields"]:
        target_key = row["profile_key"] or row["action"]
        click.echo(
            f"  [{row['form_index']}] {row['name'] or row['id'] or '-':<28} "
            f"{row['kind']:<10} {target_key:<18} {row['source']:<10} {row['label'][:40]}"
        )


@main.command("submit-one")
@click.argument("url")
@click.option(
    "--profile",
    "profile_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--evidence-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to keep the proof (default: EVIDENCE_ROOT, else <state>/evidence).",
)
@click.option("--no-llm", is_flag=True, help="Skip the LLM mapping layer.")
@click.option("--json", "as_json", is_flag=True)
@state_dir_option
def submit_one(
    url: str,
    profile_path: Path,
    evidence_dir: Path | None,
    no_llm: bool,
    as_json: bool,
    state_dir: Path | None,
) -> None:
    """Capture, map, fill and submit one directory form; print what happened and the proof."""
    from directory_pipeline.browser.submit_one import submit_url

    profile = _read_profile(profile_path)
    settings = load_settings(state_dir)
    result = submit_url(url, profile, settings, evidence_dir=evidence_dir, use_llm=not no_llm)
    outcome = result.outcome
    payload = {
        "status": outcome.status.value,
        "confirmation_text": outcome.confirmation_text,
        "final_url": outcome.final_url,
        "evidence": outcome.evidence.model_dump(mode="json") if outcome.evidence else {},
        "filled": result.filled,
        "reason": outcome.reason,
        "attempts": outcome.attempts,
    }
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(f"{outcome.status.value}: {outcome.confirmation_text or outcome.reason}")
        if outcome.evidence:
            click.echo(f"evidence: {outcome.evidence.uri}")


if __name__ == "__main__":
    main()
