"""Every command and option explains itself (sqlite-utils' rule): a new one without help fails here."""
from __future__ import annotations

import typer.main

from importers.cli import app


def _walk(cmd, path=()):
    """Commands depth first (typer vendors its own click: duck-type groups by their `commands`)."""
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def test_every_command_and_option_has_help():
    root = typer.main.get_command(app)
    missing = []
    for path, cmd in _walk(root):
        if path and not (cmd.help or cmd.short_help):
            missing.append(" ".join(path))
        for param in cmd.params:
            if param.name == "help":
                continue
            text = getattr(param, "help", None)
            if not text:
                missing.append(f"{' '.join(path) or 'incidex'} {param.name}")
    assert missing == [], f"commands/options without help: {missing}"


def test_help_lists_the_main_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for name in ("import", "list", "show", "export", "stats", "demo", "db"):
        assert name in result.output


def test_unknown_command_is_a_usage_error(cli):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["frobnicate"])
    assert result.exit_code == 2


def test_a_command_run_alone_is_the_same_command():
    """`incidex WORD ...` builds WORD alone (importers.cli.app.app_for, for start-up time): its help, its
    usage errors and its exit codes are those of the whole command line, for every command and group."""
    from typer.testing import CliRunner

    from importers.cli.app import app_for

    root = typer.main.get_command(app)
    paths = [list(path) for path, _ in _walk(root) if path]
    assert ["browse"] in paths and ["db", "check"] in paths
    runner = CliRunner()
    for path in paths:
        for args in ([*path, "--help"], [*path, "--no-such-option"]):
            alone = app_for(args)
            assert alone is not app, args  # the fast path was taken
            whole, one = runner.invoke(app, args), runner.invoke(alone, args)
            assert (one.exit_code, one.output) == (whole.exit_code, whole.output), args


def test_help_version_and_unknown_words_use_the_whole_command_line():
    from importers.cli.app import app_for

    for args in ([], ["--help"], ["--version"], ["frobnicate"], ["-h", "browse"]):
        assert app_for(args) is app, args
