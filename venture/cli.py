"""The `venture` console command: a Flask CLI group bound to the app."""

from __future__ import annotations

import functools
import os
import sys

import click
from flask import current_app, has_app_context
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command, with_appcontext


def _create_app():
    from venture import create_app

    return create_app()


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_default_commands=False,
    help="Venture: public-benefit venture competitions (公益创投大赛).",
)
def main():
    pass


main.add_command(shell_command)
main.add_command(routes_command)


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
@with_appcontext
def run_command(host: str, port: int, debug: bool):
    """Serve the app (development server). Use gunicorn in production (see Procfile)."""
    serve(current_app._get_current_object(), host, port, debug)


def serve(app, host: str, port: int, debug: bool = False) -> None:
    from werkzeug.serving import run_simple

    from venture.scheduler import start_inprocess_scheduler

    start_inprocess_scheduler(app)
    # run_simple rather than app.run(): Flask refuses app.run() inside its own CLI.
    app.debug = debug
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=debug)


def register_commands(app) -> None:
    """Commands that live on the app (so `flask --app venture ...` has them too)."""
    app.cli.add_command(check_command)
    app.cli.add_command(create_organizer_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(notices_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from venture.i18n_catalogs import i18n_group

    app.cli.add_command(i18n_group)
    from venture import domain_commands

    for command in domain_commands():
        app.cli.add_command(command)
    for name, command in app.cli.commands.items():
        if name not in WITHOUT_DATABASE:
            _needs_database(command)


# Commands that run on a database that does not answer or is not migrated: `db` (Flask-Migrate's)
# migrates it, `check` reports it, `demo` migrates first, `i18n` and `rank` (files in,
# ranking out) do not use it.
WITHOUT_DATABASE = {"db", "check", "demo", "i18n", "rank"}


def _needs_database(command: click.Command) -> None:
    """Check the database before the command runs: one clear line and exit 1 when it does not
    answer or was never migrated, rather than a traceback from the first table touched (or a
    scheduled rule that logs the error and reports "0 done")."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _needs_database(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, "_checks_database", False):
        return  # commands are module-level: every app created would wrap them again

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        problem = _database_problem_of_this_app()
        if problem:
            raise click.ClickException(problem)
        return callback(*args, **kwargs)

    checked._checks_database = True
    command.callback = checked


def _database_problem_of_this_app() -> str | None:
    from venture.db import database_problem

    if has_app_context():  # a command invoked inside an app (tests, `venture shell`)
        return database_problem()
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        return database_problem()


@click.command("check")
@with_appcontext
def check_command():
    """Print the effective database, broker, mail and locale settings (never secrets)."""
    from venture.config import describe
    from venture.db import database_problem

    for key, value in describe(current_app.config).items():
        click.echo(f"{key:12} {value}")
    problem = database_problem()
    if problem:
        # The settings above are still printed: they are what to look at.
        raise click.ClickException(problem)
    click.echo(f"{'db status':12} reachable and migrated")


@click.command("create-organizer")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_organizer_command(email: str, name: str, password: str):
    """Create an organizer account (the first one is made this way)."""
    from venture.accounts.services import create_organizer
    from venture.errors import DomainError

    try:
        user = create_organizer(email, password, name)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Organizer {user.email} created.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed and print the logins, then exit.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool):
    """Create and migrate the database, seed a realistic demo, and serve it."""
    from flask_migrate import upgrade

    from venture.db import database_problem
    from venture.demo import print_logins, seed_demo

    problem = database_problem(migrated=False)
    if problem:
        raise click.ClickException(problem)
    upgrade()
    if not os.environ.get("BASE_URL"):
        # Links in emails, the mail log and the API point where this demo is served.
        current_app.config["BASE_URL"] = served_url(host, port)
    created = seed_demo()
    click.echo("Demo data created." if created else "Demo data already present; nothing added.")
    print_logins(click.echo, base_url=current_app.config["BASE_URL"])
    click.echo(f"\nLinks in emails and the API: {current_app.config['BASE_URL']}")
    if host in WILDCARD_HOSTS and not os.environ.get("BASE_URL"):
        click.echo(
            "  (served on every interface: set BASE_URL to the address others use to reach it)"
        )
    if not no_serve:
        click.echo(f"\nServing on {served_url(host, port)}/  (Ctrl+C to stop)")
        serve(current_app._get_current_object(), host, port)


WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine uses for a server bound to host:port."""
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


@click.group("audit")
def audit_group():
    """The tamper-evident audit log."""


def _published_head(_ctx, _param, values) -> dict[int, str]:
    """--against SEQ:HASH, as printed on the public notices and in the results API."""
    heads: dict[int, str] = {}
    for value in values:
        seq, _, digest = value.strip().partition(":")
        digest = digest.strip().lower()
        if (
            not seq.strip().isdigit()
            or int(seq) < 1
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise click.BadParameter(
                f"{value!r} is not SEQ:HASH (an entry number and its 64 hex digits, "
                "as published on the public notice)."
            )
        heads[int(seq)] = digest
    return heads


@audit_group.command("verify")
@click.option(
    "--against",
    "against",
    multiple=True,
    callback=_published_head,
    metavar="SEQ:HASH",
    help="A chain head published earlier (public notice, results API): the entry SEQ must "
    "still have HASH. Repeatable.",
)
@with_appcontext
def audit_verify(against: dict[int, str]):
    """Walk the keyed hash chain; print OK and the count, or the first bad entry (exit 1).

    Needs the key the chain was written with: VENTURE_AUDIT_KEY, or the instance's
    audit_key file.
    """
    from venture.audit.services import verify_chain

    source = current_app.config.get("AUDIT_KEY_SOURCE") or "the configuration"
    try:
        result = verify_chain(against=against)
    except ValueError as error:  # no key at all
        raise click.ClickException(f"The chain cannot be verified: {error}.") from None
    if result.ok:
        checked = (
            f" Published heads match: {', '.join(map(str, sorted(against)))}." if against else ""
        )
        click.echo(f"OK: {result.count} entries, chain intact (key from {source}).{checked}")
        return
    if result.wrong_key:
        hint = (
            "VENTURE_AUDIT_KEY is not set and there was no audit key file, so a new key was made just now"
            if source.endswith("(generated now)")
            else f"the key comes from {source}"
        )
        click.echo(
            f"FAILED: the chain does not verify with this key ({hint}). Use the key the chain was "
            "written with (VENTURE_AUDIT_KEY), or the chain was rewritten from its first entry on.",
            err=True,
        )
        sys.exit(1)
    click.echo(
        f"FAILED at entry {result.bad_seq}: {result.reason} "
        f"({result.count} entries before it are intact; key from {source}).",
        err=True,
    )
    sys.exit(1)


@click.group("notices")
def notices_group():
    """The notices outbox."""


@notices_group.command("sweep")
@with_appcontext
def notices_sweep():
    """Re-queue notices that are due and not in the broker (what beat runs every minute)."""
    # An eager result: nothing to wait for. (Celery's "never .get() inside a task" guard is
    # a process-wide flag that tasks running in parallel threads can leave set.)
    count = (
        current_app.extensions["celery"]
        .tasks["venture.sweep_notices"]
        .apply()
        .get(disable_sync_subtasks=False)
    )
    click.echo(f"{count} notice(s) re-queued.")


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(archive: str):
    """Write the database and the uploaded files to ARCHIVE (.tar.gz)."""
    from pathlib import Path

    from venture.backup import BackupError, backup

    try:
        manifest = backup(Path(archive))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backup written to {archive}: {sum(manifest['counts'].values())} rows in "
        f"{len(manifest['counts'])} tables, migration {manifest['revision'] or '(none)'}."
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(archive: str):
    """Restore ARCHIVE into this (empty, migrated) database and its uploads folder."""
    from pathlib import Path

    from venture.backup import BackupError, restore

    try:
        manifest = restore(Path(archive))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {sum(manifest['counts'].values())} rows from {archive}.")
