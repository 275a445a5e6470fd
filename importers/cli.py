"""The `incidex` command (Typer). Heavy modules are imported inside commands so `--help` starts fast;
`browse` and `demo` import the Textual app lazily.

Exit codes: 0 success; 1 some inputs failed (the rest was done); 2 usage or database errors.
"""
from __future__ import annotations

import csv
import io
import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="incidex",
    help="Turn articles about cyber attacks and sabotage into a cited incident database, and browse it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
db_app = typer.Typer(help="Check and maintain the database file.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Database file (default: $INCIDEX_DB, else incidex.db in the user data folder).",
                 show_default=False),
]


class View(str, Enum):
    incidents = "incidents"
    actors = "actors"
    sources = "sources"


class Entity(str, Enum):
    incident = "incident"
    actor = "actor"
    source = "source"


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"
    stix = "stix"
    misp = "misp"
    markdown = "markdown"


# --- helpers ----------------------------------------------------------------------------------------

def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one clear line on stderr and return the Exit to raise."""
    from importers.clean import safe_line

    typer.echo(f"incidex: {safe_line(message)}", err=True)
    return typer.Exit(code)


def open_db(db: str | None, readonly: bool | None = False):
    """readonly=None: read-only when the file cannot be written (for commands that only read)."""
    from db.engine import DatabaseError, connect

    try:
        return connect(db, readonly=readonly)
    except DatabaseError as exc:
        raise fail(str(exc)) from None


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def safe(value) -> str:
    from importers.clean import safe_line

    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(safe(v) for v in value)
    return safe_line(str(value))


MAX_SIZE_CEILING = 1024 ** 4  # --max-size above 1 TiB is a typo: every input is read into memory whole


def parse_size(text: str) -> int:
    """A size in bytes: a number with an optional unit. k/kB, MB, GB, TB are 1000-based (like the sizes
    incidex prints); KiB, MiB, GiB, TiB are 1024-based. Raises ValueError with a one-line reason."""
    from fractions import Fraction

    m = re.fullmatch(r"\s*(\d{1,30}(?:\.\d{1,30})?)\s*(?:([kmgt])(i?))?b?\s*", text.lower())
    if not m:
        raise ValueError(f"not a size: {text!r} (use e.g. 20MB, 500kB, 16MiB, 1048576)")
    unit = 1 if not m.group(2) else (1024 if m.group(3) else 1000) ** ("kmgt".index(m.group(2)) + 1)
    size = int(Fraction(m.group(1)) * unit)
    if size > MAX_SIZE_CEILING:
        raise ValueError(f"{text.strip()!r} is over the largest size accepted, 1 TiB")
    return size


def print_json(data) -> None:
    """JSON on stdout; control, bidi and invisible characters as \\uXXXX escapes (db.text), so it round-trips."""
    from db.text import dumps

    sys.stdout.write(dumps(data, indent=1) + "\n")


def actors_cell(actors: list[dict]) -> str:
    seen, parts = set(), []
    for a in actors:
        key = (a["name"], a["role"])
        if key not in seen:
            seen.add(key)
            parts.append(f"{a['name']} ({a['role']})")
    return "; ".join(parts)


# --- import -------------------------------------------------------------------------------------------

@app.command("import")
def import_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively), globs, or - for stdin.",
                                               show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Input format; auto detects it from the content.")] = "auto",
    published: Annotated[Optional[str], typer.Option(help="Publication date for inputs that give none (YYYY[-MM[-DD]]).")] = None,
    publisher: Annotated[Optional[str], typer.Option(help="Publisher for inputs that name none.")] = None,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Store the sources only; do not extract incidents.")] = False,
    max_size: Annotated[str, typer.Option("--max-size", help="Skip files larger than this: kB, MB, GB are 1000-based "
                                          "(20MB = 20,000,000 bytes), KiB, MiB, GiB 1024-based (20MiB = "
                                          "20,971,520 bytes).")] = "20MB",
    time_limit: Annotated[float, typer.Option("--time-limit", metavar="SECONDS",
                                              help="Give up on a file that takes longer than this to read and "
                                                   "extract (0: no limit).")] = 120.0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and extract, report, but write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
    workers: Annotated[Optional[int], typer.Option(help="Worker processes for reading and extraction (default: cores, max 2).")] = None,
    field_map: Annotated[Optional[list[str]], typer.Option(
        "--map", help="Record field mapping FIELD=PATH for CSV/JSON/JSONL (dotted paths; repeat it). "
                      "E.g. --map title=event.eventName --map url=sources.URL", show_default=False)] = None,
    mapping_file: Annotated[Optional[Path], typer.Option(
        "--mapping", help="A TOML mapping file ([map] FIELD = \"PATH\", [types], namespace); --map adds to it.",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Import articles and records into the database. Already known sources are left unchanged.

    Formats (detected from the content): text/Markdown, HTML, RSS/Atom/JSON feeds, STIX 2.x bundles, MISP
    events, VERIS incidents, and CSV/JSON/JSONL records with a field mapping (--map, --mapping).
    """
    from importers import pipeline
    from importers.readers import FORMATS, FormatSpec, ReadError
    from importers.readers.text import partial_date

    fmt = fmt.strip().lower()
    if fmt == "xml":
        fmt = "feed"
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if field_map or mapping_file:
        from importers.readers import tabular

        try:
            spec = tabular.load_mapping_file(str(mapping_file)) if mapping_file else {"map": {}}
            spec["map"] = {**spec.get("map", {}), **tabular.parse_map_options(field_map or [])}
            tabular.compile_mapping(spec)
        except ReadError as exc:
            raise fail(str(exc)) from None
        if fmt not in ("auto", "csv", "json", "jsonl"):
            raise fail(f"--map and --mapping apply to csv, json and jsonl records, not to {fmt}")
        fmt = FormatSpec(fmt, spec)
    if published and not partial_date(published):
        raise fail(f"--published: not a date: {published!r}")
    try:
        size = parse_size(max_size)
    except ValueError as exc:
        raise fail(f"--max-size: {exc}") from None
    if not 0 <= time_limit < 10 ** 7:  # (also NaN)
        raise fail(f"--time-limit: not a number of seconds: {time_limit:g} (use e.g. 120, or 0 for no limit)")
    opts = pipeline.Options(fmt=fmt, extract=not no_extract, max_size=size,
                            published=partial_date(published) if published else None, publisher=publisher,
                            dry_run=dry_run, workers=workers, time_limit=time_limit or None)
    conn = None if dry_run else open_db(db)
    err = console(stderr=True)
    show_progress = err.is_terminal and not as_json
    try:
        if show_progress:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("import", total=None)
                report = pipeline.run(conn, paths, opts, progress=lambda o: bar.advance(task),
                                      total_hint=lambda n: bar.update(task, total=n))
        else:
            report = pipeline.run(conn, paths, opts)
    except KeyboardInterrupt:
        raise fail("interrupted; every document imported so far is complete (run the same import again to finish)",
                   130) from None
    finally:
        if conn is not None:
            conn.close()
    if as_json:
        print_json(report.as_dict())
    else:
        _print_import_summary(report, dry_run)
    if report.failed:
        raise typer.Exit(1)


def _print_import_summary(report, dry_run: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    failed = report.failed
    for o in failed:
        typer.echo(f"incidex: {safe(o.origin)}: {safe(o.reason)}", err=True)
    for o in report.outcomes:
        for w in o.warnings:
            typer.echo(f"incidex: warning: {safe(o.origin)}: {safe(w)}", err=True)
    table = Table(title="dry run (nothing written)" if dry_run else None, show_header=True, box=None)
    for col in ("files", "imported", "unchanged", "failed", "new sources", "new incidents"):
        table.add_column(col, justify="right")
    table.add_row(*(Text(str(v)) for v in (len(report.outcomes), report.count("imported"), report.count("unchanged"),
                                              len(failed), report.sources, report.incidents)))
    out.print(table)


# --- list / show / export / stats --------------------------------------------------------------------

def _select_ids(conn, view: str, query: str | None, limit: int | None) -> list[int] | None:
    if not query:
        return None
    from db import search

    ids = []
    try:
        for i in search.matching_ids(conn, view, query, forgiving=True):
            ids.append(i)
            if limit is not None and len(ids) >= limit:
                break
    except search.QueryError as exc:  # not understood or too long: one line, exit 2, nothing written
        raise fail(f"--query: {exc}") from None
    return ids


@app.command("list")
def list_cmd(
    view: Annotated[View, typer.Argument(help="What to list: incidents, actors or sources.")],
    query: Annotated[Optional[str], typer.Option("--query", "-q", help="Filter with the query language (see README).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many rows (0: all).")] = 50,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.table,
    db: DbOption = None,
) -> None:
    """List incidents, actors or sources, newest first."""
    from db import queries

    conn = open_db(db, readonly=None)
    lim = limit or None
    ids = _select_ids(conn, view.value, query, lim)
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
    conn.close()
    _emit_rows(flat, rows, fmt)


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
    from importers.render import list_table

    if not flat:
        typer.echo("nothing to list")
        return
    out = console()
    out.print(list_table(flat, out.width))  # ids and dates whole at any width (importers.render)


@app.command("show")
def show_cmd(
    entity: Annotated[Entity, typer.Argument(help="incident, actor or source.")],
    ident: Annotated[int, typer.Argument(metavar="ID", help="The record's id (a merged incident shows its survivor).")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = ShowFormat.text,
    db: DbOption = None,
) -> None:
    """Show one incident, actor or source with everything known about it."""
    from db import queries
    from importers import render

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


@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format: json (incidex/1), csv, stix (2.1 bundle), misp (event JSON) or markdown (report).")] = ExportFormat.json,
    query: Annotated[Optional[str], typer.Option("--query", "-q", help="Export only incidents matching this query.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
    columns: Annotated[Optional[str], typer.Option("--columns", help="CSV columns, comma-separated (default: id,date,type,title,actors,targets,countries,sources).", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Export incidents with their actors and sources (JSON contract: incidex/1; also CSV, STIX 2.1, MISP, Markdown)."""
    from db import export
    from db.export import ExportError
    from db.export.csv import parse_columns

    if columns is not None and fmt is not ExportFormat.csv:
        raise fail("--columns applies to --format csv only")
    try:
        parse_columns(columns)
    except ExportError as exc:
        raise fail(str(exc)) from None
    if output is not None:
        from db.engine import DatabaseError, database_files, is_database_file

        try:
            if is_database_file(output, database_files(db)):
                raise fail(f"{output} is the database (or its journal): choose another file for --output")
        except DatabaseError as exc:
            raise fail(str(exc)) from None
    conn = open_db(db, readonly=None)
    ids = _select_ids(conn, "incidents", query, None)
    try:
        if output is None:
            n = export.write(conn, sys.stdout, fmt.value, ids, columns=columns, query=query)
        else:
            tmp = output.with_name(output.name + ".part")
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    n = export.write(conn, fh, fmt.value, ids, columns=columns, query=query)
                os.replace(tmp, output)
            finally:
                if tmp.exists():
                    tmp.unlink()
            typer.echo(f"exported {n} incidents to {output}", err=True)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        conn.close()


@app.command("stats")
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


# --- db -----------------------------------------------------------------------------------------------

@db_app.command("check")
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


@db_app.command("migrate")
def db_migrate(db: DbOption = None) -> None:
    """Bring an older database up to the current schema (opening it does this too)."""
    from db.engine import SCHEMA_VERSION

    conn = open_db(db)
    conn.close()
    typer.echo(f"schema version {SCHEMA_VERSION}")


@db_app.command("path")
def db_path(db: DbOption = None) -> None:
    """Print the database file that commands use."""
    from db.engine import DatabaseError, resolve_path

    try:
        typer.echo(str(resolve_path(db)))
    except DatabaseError as exc:
        raise fail(str(exc)) from None


# --- browse -------------------------------------------------------------------------------------------

@app.command("browse")
def browse_cmd(
    view: Annotated[View, typer.Option("--view", help="The view to open: incidents, actors or sources.")] = View.incidents,
    query: Annotated[Optional[str], typer.Option("--query", "-q", help="Start with this filter (query language).")] = None,
    no_mouse: Annotated[bool, typer.Option("--no-mouse", help="Do not capture the mouse.")] = False,
    ascii_only: Annotated[bool, typer.Option("--ascii", help="ASCII borders only, no emoji.")] = False,
    theme: Annotated[Optional[str], typer.Option("--theme", help="A Textual theme name, e.g. nord, gruvbox.")] = None,
    db: DbOption = None,
) -> None:
    """Browse incidents, actors and sources in the terminal (keys: ? for help, q to quit)."""
    _browse(db, view=view.value, query=query or "", mouse=not no_mouse, ascii_only=ascii_only, theme=theme)


def _browse(db: str | None, *, view: str = "incidents", query: str = "", mouse: bool = True,
            ascii_only: bool = False, theme: str | None = None) -> None:
    from db.engine import DatabaseError

    try:
        import tui
    except ImportError as exc:  # pragma: no cover - textual missing from the install
        raise fail(f"the browser needs Textual: {exc}") from None
    try:
        tui.run(db, view=view, query=query, mouse=mouse, ascii=ascii_only, theme=theme)
    except DatabaseError as exc:
        raise fail(str(exc)) from None


# --- demo ---------------------------------------------------------------------------------------------

def samples_dir() -> Path:
    return Path(__file__).resolve().parent / "samples"


@app.command("demo")
def demo_cmd(
    db: Annotated[Optional[str], typer.Option("--db", help="Scratch database to create (default: demo.db in the user data folder).")] = None,
    no_browse: Annotated[bool, typer.Option("--no-browse", help="Import only; do not open the browser.")] = False,
) -> None:
    """Import the bundled sample articles into a fresh scratch database and show what came out."""
    from db import engine, queries
    from importers import pipeline

    path = Path(db) if db else engine.default_path().with_name("demo.db")
    try:
        engine.remove(path)  # refuses a file in use by another process, or one that is not incidex's
    except engine.DatabaseError as exc:
        raise fail(str(exc)) from None
    conn = open_db(str(path))
    report = pipeline.run(conn, [str(samples_dir())], pipeline.Options())
    data = queries.stats(conn)
    conn.close()
    typer.echo(f"demo database: {path}")
    typer.echo(f"imported {report.sources} sample articles: {data['incidents']} incidents, {data['actors']} actors")
    for o in report.failed:
        typer.echo(f"incidex: {safe(o.origin)}: {safe(o.reason)}", err=True)
    typer.echo("try:")
    typer.echo(f"  incidex list incidents --db {path}")
    typer.echo(f"  incidex show incident 1 --db {path}")
    typer.echo(f"  incidex stats --db {path}")
    if not no_browse:
        _browse(str(path))
    if report.failed:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `incidex list ... | head`
        sys.stderr.close()
        sys.exit(0)


# The curation verbs live in their own module; importing it registers them on `app`.
import importers.curate_cli  # noqa: E402,F401

if __name__ == "__main__":
    # Run the importable module, not this __main__ copy, so every registered command is there.
    from importers.cli import main as _main

    _main()
