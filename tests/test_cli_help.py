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
