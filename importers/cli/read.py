"""Commands that read the database: `list`, `show`, `export`, `stats`, `types`."""
from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from importers.cli.common import (
    DbOption,
    Entity,
    ExportFormat,
    JsonOption,
    ListFormat,
    ShowFormat,
    View,
    actors_cell,
    console,
    fail,
    open_db,
    print_json,
    safe,
)

# --- list / show / export / stats --------------------------------------------------------------------

TABLE_LIMIT = 50  # rows of the table when --limit is not given; json and csv get every row

def _select_ids(conn, view: str, query: str | None) -> list[int] | None:
    """Every id matching --query, newest first (None without a query); the search's corrections and
    notes on stderr, one line each."""
    if not query:
        return None
    from db import search

    try:
        ids = list(search.matching_ids(conn, view, query, forgiving=True))
    except search.QueryError as exc:  # not understood or too long: one line, exit 2, nothing written
        raise fail(f"--query: {exc}") from None
    for line in _search_hints(conn, view, query):
        typer.echo(line, err=True)
    return ids


def _search_hints(conn, view: str, query: str) -> list[str]:
    """What the search did to the query, as the browser says it (tui/data.py): its notes (how qualifiers
    were resolved, what was ignored) and its corrections ("kilnet: showing Killnet"), each once."""
    from db import search
    from db.text import safe_line

    res = search.search(conn, view, query, limit=1, count_limit=1)
    hints: list[str] = []
    for note in res.notes or []:
        if str(note) not in hints:
            hints.append(str(note))
    for wrong, right in (res.corrections or {}).items():
        if not any(f"{wrong} → {right}" in h for h in hints):
            hints.append(f"{wrong}: showing {right}")
    return [safe_line(h) for h in hints]


def list_cmd(
    view: Annotated[View, typer.Argument(help="What to list: incidents, actors or sources.")],
    query: Annotated[str | None, typer.Option("--query", "-q", help="Filter with the query language (see README).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, show_default=False, help=f"At most this many rows (0: all; default: {TABLE_LIMIT} for the table, all for json and csv). Says on stderr when rows were left out.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.table,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON (--format json).")] = False,
    db: DbOption = None,
) -> None:
    """List incidents, actors or sources, newest first."""
    from db import queries

    fmt = _json_format(as_json, fmt, ListFormat.table, ListFormat.json)
    conn = open_db(db, readonly=None)
    if limit is None:
        lim = TABLE_LIMIT if fmt is ListFormat.table else None
    else:
        lim = limit or None
    ids = _select_ids(conn, view.value, query)
    if view is View.incidents:
        rows = queries.list_incidents(conn, ids, lim)
        flat = [{"id": r["id"], "date": r["date"], "type": r["type"], "title": r["title"],
                 "actors": actors_cell(r["actors"]), "countries": ",".join(r["countries"]),
                 "sources": len(r["sources"])} for r in rows]
    elif view is View.actors:
        rows = queries.list_actors(conn, ids, lim)
        flat = [{"id": r["id"], "name": r["name"], "kind": r["kind"], "country": r["country"],
                 "incidents": r["incidents"], "aliases": ", ".join(r["aliases"][:6])} for r in rows]
    else:
        rows = queries.list_sources(conn, ids, lim)
        flat = [{"id": r["id"], "published": r["published"], "title": r["title"], "publisher": r["publisher"],
                 "origin": r["origin"], "incidents": len(r["incidents"])} for r in rows]
    total = None
    if lim is not None and len(rows) >= lim:  # maybe truncated: how many were there?
        total = len(ids) if ids is not None else queries.count_live(conn, view.value)
    conn.close()
    _emit_rows(flat, rows, fmt)
    if total is not None and total > len(rows):
        typer.echo(f"{len(rows):,} of {total:,} shown; --limit 0 for all", err=True)


def _json_format(as_json: bool, fmt, default, json_fmt):
    """--json is --format json; with another --format it is a usage error."""
    if not as_json:
        return fmt
    if fmt not in (default, json_fmt):
        raise fail(f"--json and --format {fmt.value} disagree: give one of them")
    return json_fmt


def _emit_rows(flat: list[dict], rows: list[dict], fmt: ListFormat) -> None:
    if fmt is ListFormat.json:
        print_json(rows)
        return
    if fmt is ListFormat.csv:
        from db.export.csv import csv_cell

        buf = io.StringIO()
        if flat:
            w = csv.DictWriter(buf, fieldnames=list(flat[0]))
            w.writeheader()
            w.writerows({k: csv_cell(v) for k, v in r.items()} for r in flat)  # no escape, no formula
        sys.stdout.write(buf.getvalue())
        return
    from importers.cli.render import list_table

    if not flat:
        typer.echo("nothing to list")
        return
    out = console()
    if not out.is_terminal and not os.environ.get("COLUMNS"):
        out.width = 10_000  # piped: whole lines for grep and cut (COLUMNS=80 still asks for 80)
    out.print(list_table(flat, out.width))  # ids and dates whole at any width (importers/cli/render.py)


def show_cmd(
    entity: Annotated[Entity, typer.Argument(help="incident, actor or source.")],
    ident: Annotated[int, typer.Argument(metavar="ID", help="The record's id (a merged incident shows its survivor).")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = ShowFormat.text,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON (--format json).")] = False,
    db: DbOption = None,
) -> None:
    """Show one incident, actor or source with everything known about it."""
    fmt = _json_format(as_json, fmt, ShowFormat.text, ShowFormat.json)
    from db import queries
    from importers.cli import render

    conn = open_db(db, readonly=None)
    getter = {"incident": queries.get_incident, "actor": queries.get_actor, "source": queries.get_source}[entity.value]
    record = getter(conn, ident)
    conn.close()
    if record is None:
        raise fail(f"no {entity.value} with id {ident}", 1)
    if fmt is ShowFormat.json:
        print_json(record)
    elif fmt is ShowFormat.markdown:
        sys.stdout.write(render.markdown(entity.value, record))
    else:
        console().print(render.text(entity.value, record))


def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format: json (incidex/1), csv, stix (2.1 bundle), misp (event JSON) or markdown (report).")] = ExportFormat.json,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Export only incidents matching this query.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default, or -: stdout).")] = None,
    columns: Annotated[str | None, typer.Option("--columns", help="CSV columns, comma-separated (default: id,date,date_precision,type,title,actors,targets,countries,sources; also uuid, date_end, domain, status, summary, places, source_titles, figures, tools, tags, review, aliases). Dates are ISO 8601 as known (2024, 2024-02 or 2024-02-15), date_precision says which (day, month, year, unknown); a cell with several items separates them with \"; \".", show_default=False)] = None,
    include_paths: Annotated[bool, typer.Option("--include-paths", help="Show a source without a URL by its full local path (default: its file name only).")] = False,
    taxii: Annotated[str | None, typer.Option("--taxii", help="Push the STIX bundle to this TAXII 2.1 collection (its URL, or the API root's with --collection) instead of writing it.", show_default=False)] = None,
    collection: Annotated[str | None, typer.Option("--collection", help="The TAXII collection id under the --taxii API root.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Export incidents with their actors and sources (JSON contract: incidex/1; also CSV, STIX 2.1, MISP, Markdown)."""
    from db import export
    from db.export import ExportError
    from db.export.csv import parse_columns

    if taxii or collection:  # importers/cli/ingest.py: push_taxii
        from importers.cli.ingest import push_taxii

        return push_taxii(db, fmt.value, taxii, collection, output, query, include_paths, _select_ids)

    if columns is not None and fmt is not ExportFormat.csv:
        raise fail("--columns applies to --format csv only")
    try:
        parse_columns(columns)
    except ExportError as exc:
        raise fail(str(exc)) from None
    if output is not None and str(output) == "-":
        output = None  # `--output -`: stdout, as the other tools do
    if output is not None:
        from db.engine import DatabaseError, database_files, is_database_file

        try:
            if is_database_file(output, database_files(db)):
                raise fail(f"{output} is the database (or its journal): choose another file for --output")
        except DatabaseError as exc:
            raise fail(str(exc)) from None
    conn = open_db(db, readonly=None)
    ids = _select_ids(conn, "incidents", query)
    try:
        if output is None:
            n = export.write(conn, sys.stdout, fmt.value, ids, columns=columns, query=query, include_paths=include_paths)
        else:
            tmp = output.with_name(output.name + ".part")
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    n = export.write(conn, fh, fmt.value, ids, columns=columns, query=query, include_paths=include_paths)
                os.replace(tmp, output)
            finally:
                if tmp.exists():
                    tmp.unlink()
            typer.echo(f"exported {n} incidents to {output}", err=True)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        conn.close()


def stats_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Counts of sources, incidents and actors, by type, year and role."""
    from db import queries

    conn = open_db(db, readonly=None)
    data = queries.stats(conn)
    conn.close()
    if as_json:
        print_json(data)
        return
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(Text(f"{data['sources']:,} sources, {data['incidents']:,} incidents "
                   f"({data['merged_incidents']:,} merged away), {data['actors']:,} actors, "
                   f"{data['reviewed']:,} reviewed, {data['pending_decisions']:,} pending decisions"))
    lo, hi = data["date_range"]
    if lo:
        out.print(Text(f"incidents dated from {lo} to {hi}"))
    for key, title in (("by_type", "type"), ("by_year", "year"), ("by_role", "actor role"), ("top_actors", "actor")):
        if data[key]:
            t = Table(title=None, box=None, show_header=True, header_style="bold")
            t.add_column(title)
            t.add_column("incidents" if key != "by_role" else "links", justify="right")
            for row in data[key]:
                t.add_row(Text(safe(row["value"])), Text(f"{row['count']:,}"))
            out.print(t)




def types_cmd(as_json: JsonOption = False) -> None:
    """List the incident types (class/subtype) of the taxonomy."""
    from db.taxonomy import TYPES

    if as_json:
        print_json(list(TYPES))
        return
    for t in TYPES:
        typer.echo(t)
