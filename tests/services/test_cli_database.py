"""Every console command that uses the database says in one line when the database does not
answer or has not been migrated (exit 1), rather than a traceback or a "0 done";
`venture check` prints the settings and fails too."""

from __future__ import annotations

import click
import pytest

from tests.conftest import test_config
from tests.services.conftest import free_port

pytestmark = pytest.mark.services


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    yield request.getfixturevalue("pg_databases")("venture_unmigrated")


@pytest.fixture(params=["sqlite", "postgresql"])
def silent(request, tmp_path):
    """A database that does not answer."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'venture.db'}"
    return f"postgresql+psycopg://root@127.0.0.1:{free_port()}/venture"


def _app(tmp_path, url):
    from venture import create_app

    return create_app(test_config(tmp_path / "instance", url))


def _database_commands(app, tmp_path):
    """(name, args) for every command the app has, with made-up values for what it requires."""
    from venture.cli import WITHOUT_DATABASE

    existing = tmp_path / "some.tar.gz"
    existing.write_bytes(b"")

    def value(param):
        if isinstance(param.type, click.Path):
            return str(existing if param.type.exists else tmp_path / "out.tar.gz")
        return "1" if isinstance(param.type, click.types.IntParamType) else "x@example.org"

    for name, command in app.cli.commands.items():
        if name not in WITHOUT_DATABASE:
            for path, leaf in _leaf_commands(command, [name]):
                yield " ".join(path), [*path, *_required_args(leaf, value)]


def _leaf_commands(command, path):
    """(path, command) for the command, or for every command under a group."""
    if not isinstance(command, click.Group):
        yield path, command
        return
    for name, sub in command.commands.items():
        yield from _leaf_commands(sub, [*path, name])


def _required_args(command, value) -> list[str]:
    """The arguments and options the command cannot run without, with ``value(param)``."""
    args = []
    for param in command.params:
        if isinstance(param, click.Argument) and param.required:
            args.append(value(param))
        elif isinstance(param, click.Option) and (param.required or param.prompt):
            args += [param.opts[0], value(param)]
    return args


def _assert_said_in_one_line(result, *words):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def test_every_database_command_refuses_a_database_that_is_not_migrated(unmigrated, tmp_path):
    app = _app(tmp_path, unmigrated)
    commands = dict(_database_commands(app, tmp_path))
    assert {"audit verify", "backup", "restore", "notices sweep", "followup remind"} <= set(
        commands
    )
    for args in commands.values():
        result = app.test_cli_runner().invoke(args=args)
        _assert_said_in_one_line(result, "not been migrated", "venture db upgrade")

    # What the message says to do works, and then the commands do.
    upgraded = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output


def test_every_database_command_says_when_the_database_does_not_answer(silent, tmp_path):
    app = _app(tmp_path, silent)
    for _name, args in [*_database_commands(app, tmp_path), ("demo", ["demo", "--no-serve"])]:
        result = app.test_cli_runner().invoke(args=args)
        _assert_said_in_one_line(result, "does not answer")


def test_check_prints_the_settings_and_fails_when_the_database_does_not_answer(silent, tmp_path):
    result = _app(tmp_path, silent).test_cli_runner().invoke(args=["check"])
    _assert_said_in_one_line(result, "database", "broker", "does not answer")


def test_check_fails_on_a_database_that_is_not_migrated(unmigrated, tmp_path):
    result = _app(tmp_path, unmigrated).test_cli_runner().invoke(args=["check"])
    _assert_said_in_one_line(result, "not been migrated")
