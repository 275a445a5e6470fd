"""The command reference (docs/cli.md), written from the commands' own `--help`, so it cannot drift:
tests/test_docs.py fails when docs/cli.md differs from what this prints.

    python -m importers.cli.reference > docs/cli.md
"""
from __future__ import annotations

import os
import sys

WIDTH = 100  # the help text is wrapped as in a terminal this wide


def _walk(cmd, path=()):
    """(path, command) depth first, in the order `incidex --help` lists them."""
    yield path, cmd
    for name in getattr(cmd, "list_commands", lambda ctx: [])(None):
        yield from _walk(cmd.commands[name], (*path, name))


def commands():
    """Every command as (words after `incidex`, click command)."""
    import typer.main

    from importers.cli.app import app

    return list(_walk(typer.main.get_command(app)))


def help_text(path: tuple[str, ...]) -> str:
    from typer.testing import CliRunner

    from importers.cli.app import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH), "NO_COLOR": "1"},
                                terminal_width=WIDTH)
    return result.output.rstrip() + "\n"


def markdown() -> str:
    out = ["# Command reference", "",
           "Written by `python -m importers.cli.reference > docs/cli.md` from each command's `--help`; do not",
           "edit by hand. The README tells the story; this page lists every command and option.", ""]
    for path, _cmd in commands():
        title = " ".join(("incidex", *path))
        out += [f"## {title}", "", "```", help_text(path).rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", str(WIDTH))
    sys.stdout.write(markdown())
