"""`incidex db ...`: check, migrate, locate and copy the database."""
from __future__ import annotations

from typing import Annotated

import typer

from importers.cli.common import DbOption, JsonOption, fail, open_db, print_json

# --- db -----------------------------------------------------------------------------------------------

def db_check(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Also rebuild the resolution and search indexes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Check the file's integrity, foreign keys, orphan rows and resolution index; exit 1 when a problem is found."""
    from db import maintenance

    conn = open_db(db)
    report = maintenance.check(conn, rebuild=rebuild)
    conn.close()
    if as_json:
        print_json(report)
    else:
        for line in report["lines"]:
            typer.echo(line)
    if not report["ok"]:
        raise typer.Exit(1)


def db_migrate(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Bring an older database up to the current schema (opening it does this too)."""
    from db.engine import SCHEMA_VERSION

    path = _resolved(db)
    conn = open_db(db)
    conn.close()
    if as_json:
        print_json({"path": str(path), "schema_version": SCHEMA_VERSION})
    else:
        typer.echo(f"schema version {SCHEMA_VERSION}")


def db_path(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Print the database file that commands use."""
    path = _resolved(db)
    if as_json:
        print_json({"path": str(path)})
    else:
        typer.echo(str(path))


def _resolved(db: str | None):
    from db.engine import DatabaseError, describe

    try:
        return describe(db)
    except DatabaseError as exc:
        raise fail(str(exc)) from None


def db_copy(
    source: Annotated[str, typer.Argument(help="The database to copy: a file or a postgresql:// URL.")],
    destination: Annotated[str, typer.Argument(help="An empty (or new) database: a file or a postgresql:// URL.")],
    as_json: JsonOption = False,
) -> None:
    """Copy a whole database into an empty one, across engines (a file into PostgreSQL and back), keeping
    every id, merge, decision, note, tag, change and piece of evidence."""
    from db.copy import CopyError, copy
    from db.engine import DatabaseError, connect, describe

    if describe(source) == describe(destination):
        raise fail("the source and the destination are the same database")
    try:
        src = connect(source, readonly=None)
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    try:
        dst = connect(destination)
    except DatabaseError as exc:
        src.close()
        raise fail(str(exc)) from None
    try:
        counts = copy(src, dst)
    except CopyError as exc:
        raise fail(str(exc)) from None
    finally:
        src.close()
        dst.close()
    if as_json:
        print_json({"source": describe(source), "destination": describe(destination), "rows": counts})
    else:
        typer.echo(f"copied {counts['source']:,} sources, {counts['incident']:,} incidents, {counts['actor']:,} actors "
                   f"and {counts['change']:,} changes to {describe(destination)}")


def db_datasette_metadata(db: DbOption = None) -> None:
    """Print a Datasette metadata.json for the file: full-text search on incidents, actors, sources and article
    text, internal tables hidden (datasette FILE -m metadata.json)."""
    from pathlib import Path

    from db.datasette import metadata
    from db.engine import database_url

    if database_url(db) is not None:
        raise fail("Datasette opens SQLite files: copy the database to one first (incidex db copy URL FILE)")
    path = Path(_resolved(db))
    conn = open_db(db, readonly=None)
    try:
        print_json(metadata(conn, path.stem))
    finally:
        conn.close()
