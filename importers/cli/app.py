"""The `incidex` command (Typer): one table of commands, each a function in the module named after its job.

- `ingest.py`: import, extract, demo          - `read.py`: list, show, export, stats, types
- `curate.py`: the curation verbs              - `maintain.py`: db check, migrate, path, copy, datasette-metadata
- `browse.py`: the Textual browser (imported lazily)
- `common.py`: the --db option, enumerated choices, one-line failures, opening the database

Commands are registered here, explicitly, in the order `incidex --help` lists them; no module registers
anything as a side effect of being imported. Heavy modules are imported inside the commands so
`--help` starts fast. To add a command: write its function in the module of its job, add a line to
`COMMANDS` (docs/ARCHITECTURE.md "Adding a command"), document it in README.md (tests/test_docs.py fails
otherwise).

Exit codes: 0 success; 1 some inputs failed (the rest was done); 2 usage or database errors.
"""
from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from importers.cli import browse, curate, ingest, maintain, read

SETTINGS = dict(
    name="incidex",
    help="Turn articles about cyber attacks and sabotage into a cited incident database, and browse it.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (bash, zsh, fish, PowerShell)
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**SETTINGS)  # type: ignore[arg-type]
db_app = typer.Typer(help="Check and maintain the database file.", no_args_is_help=True)
edit_app = typer.Typer(help="Edit a record's fields; edited fields survive re-import.", no_args_is_help=True)

# (group, name, function) in the order of `incidex --help`
COMMANDS = [
    (app, "import", ingest.import_cmd),
    (app, "list", read.list_cmd),
    (app, "show", read.show_cmd),
    (app, "export", read.export_cmd),
    (app, "stats", read.stats_cmd),
    (app, "browse", browse.browse_cmd),
    (app, "demo", ingest.demo_cmd),
    (app, "merge", curate.merge_cmd),
    (app, "split", curate.split_cmd),
    (app, "link", curate.link_cmd),
    (app, "unlink", curate.unlink_cmd),
    (app, "merge-actors", curate.merge_actors_cmd),
    (app, "tag", curate.tag_cmd),
    (app, "note", curate.note_cmd),
    (app, "review", curate.review_cmd),
    (app, "decide", curate.decide_cmd),
    (app, "undo", curate.undo_cmd),
    (app, "redo", curate.redo_cmd),
    (app, "changes", curate.changes_cmd),
    (app, "types", read.types_cmd),
    (app, "extract", ingest.extract_cmd),
    (db_app, "check", maintain.db_check),
    (db_app, "migrate", maintain.db_migrate),
    (db_app, "path", maintain.db_path),
    (db_app, "copy", maintain.db_copy),
    (db_app, "datasette-metadata", maintain.db_datasette_metadata),
    (edit_app, "incident", curate.edit_incident_cmd),
]
GROUPS = [(db_app, "db"), (edit_app, "edit")]


def _version(value: bool) -> None:
    if value:
        from importers.cli.common import version

        typer.echo(f"incidex {version()}")
        raise typer.Exit()


def _options(
    show_version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                               callback=_version, is_eager=True)] = False,
) -> None:
    pass


for group, name, function in COMMANDS:
    group.command(name)(function)
app.callback()(_options)
for group, name in GROUPS:
    app.add_typer(group, name=name)


def app_for(args: list[str]) -> typer.Typer:
    """The command line to run `args` with: when they start with a command's name, a top level holding that
    command alone; else (help, --version, completion, an unknown word) the whole of `app`.

    Typer turns every registered function into a Click command each time it runs, reading each signature's
    annotations with eval: 34 ms for our 26 commands, paid before any command starts (a third of what
    `incidex browse` spent over a bare Textual app's cold start). The one command built alone is the same
    Click command, with the same usage line, options, help and errors (tests/test_cli_help.py compares them).
    """
    word = args[0] if args else ""
    if os.environ.get("_INCIDEX_COMPLETE"):  # shell completion lists every command
        return app
    commands = [(name, function) for group, name, function in COMMANDS if group is app and name == word]
    groups = [(group, name) for group, name in GROUPS if name == word]
    if not commands and not groups:
        return app
    one = typer.Typer(**SETTINGS)  # type: ignore[arg-type]
    one.callback()(_options)
    for name, function in commands:
        one.command(name)(function)
    for group, name in groups:
        one.add_typer(group, name=name)
    return one


def main() -> None:
    try:
        # the same name however it is started (`python -m importers.cli` too): Click derives the usage line and
        # the completion variable (_INCIDEX_COMPLETE) from it
        app_for(sys.argv[1:])(prog_name="incidex")
    except BrokenPipeError:  # `incidex list ... | head`
        sys.stderr.close()
        sys.exit(0)
