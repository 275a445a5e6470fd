"""Commands that bring articles in: `import`, `extract` (run extraction on a stored source), `demo`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from importers.cli import render
from importers.cli.browse import open_browser
from importers.cli.common import DbOption, JsonOption, console, fail, open_db, parse_size, print_json, safe

# --- import -------------------------------------------------------------------------------------------

def import_cmd(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files, folders (read recursively), globs, - for stdin, or TAXII 2.1 collections "
             "(taxii://HOST/API-ROOT/collections/ID/).", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Input format; auto detects it from the content.")] = "auto",
    published: Annotated[str | None, typer.Option(help="Publication date for inputs that give none (YYYY[-MM[-DD]]).")] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher for inputs that name none.")] = None,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Store the sources only; do not extract incidents.")] = False,
    max_size: Annotated[str, typer.Option("--max-size", help="Skip files larger than this: kB, MB, GB are 1000-based "
                                          "(20MB = 20,000,000 bytes), KiB, MiB, GiB 1024-based (20MiB = "
                                          "20,971,520 bytes).")] = "20MB",
    time_limit: Annotated[float, typer.Option("--time-limit", metavar="SECONDS",
                                              help="Give up on a file that takes longer than this to read and "
                                                   "extract (0: no limit).")] = 120.0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and extract, report, but write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
    workers: Annotated[int | None, typer.Option(help="Worker processes for reading and extraction (default: cores, max 2).")] = None,
    field_map: Annotated[list[str] | None, typer.Option(
        "--map", help="Record field mapping FIELD=PATH for CSV/JSON/JSONL (dotted paths; repeat it). "
                      "E.g. --map title=event.eventName --map url=sources.URL", show_default=False)] = None,
    mapping_file: Annotated[Path | None, typer.Option(
        "--mapping", help="A TOML mapping file ([map] FIELD = \"PATH\", [types], namespace); --map adds to it.",
        show_default=False)] = None,
    taxii: Annotated[str | None, typer.Option(
        "--taxii", help="Pull a TAXII 2.1 collection: its URL, or the API root's with --collection. Credentials "
                        "from the URL or INCIDEX_TAXII_USER / INCIDEX_TAXII_PASSWORD.", show_default=False)] = None,
    collection: Annotated[str | None, typer.Option(
        "--collection", help="The TAXII collection id under the --taxii API root.", show_default=False)] = None,
    added_after: Annotated[str | None, typer.Option(
        "--added-after", metavar="TIMESTAMP", help="TAXII: only objects the server added after this time (the "
                                                   "'next --added-after' a previous pull printed).",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Import articles and records into the database. Already known sources are left unchanged.

    Formats (detected from the content): text/Markdown, HTML, RSS/Atom/JSON feeds, STIX 2.x bundles, MISP
    events, VERIS incidents, and CSV/JSON/JSONL records with a field mapping (--map, --mapping).
    """
    from db.engine import DatabaseError
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
    inputs: list = list(paths or [])
    err = console(stderr=True)
    pulled = _pull_taxii(inputs, taxii, collection, added_after, size, err, as_json)
    if not inputs and not pulled:
        raise fail("name what to import: files, folders, -, or a TAXII collection (--taxii)")
    inputs = [i for i in inputs if i is not None]  # (a pull that brought nothing new)
    opts = pipeline.Options(fmt=fmt, extract=not no_extract, max_size=size,
                            published=partial_date(published) if published else None, publisher=publisher,
                            dry_run=dry_run, workers=workers, time_limit=time_limit or None)
    conn = None if dry_run else open_db(db)
    show_progress = err.is_terminal and not as_json
    try:
        if show_progress:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("import", total=None)
                report = pipeline.run(conn, inputs, opts, progress=lambda o: bar.advance(task),
                                      total_hint=lambda n: bar.update(task, total=n))
        else:
            report = pipeline.run(conn, inputs, opts)
    except KeyboardInterrupt:
        raise fail("interrupted; every document imported so far is complete (run the same import again to finish)",
                   130) from None
    except DatabaseError as exc:  # the server went away: every document committed before it is complete
        raise fail(f"{exc} (run the same import again to finish)") from None
    finally:
        if conn is not None:
            try:
                conn.close()
            except DatabaseError:
                pass
    if as_json:
        print_json({**report.as_dict(), **({"taxii": pulled} if pulled else {})})
    else:
        _print_import_summary(report, dry_run)
    if report.failed or any(w.startswith(pipeline.EXTRACTION_FAILED) for o in report.outcomes for w in o.warnings):
        raise typer.Exit(1)  # a file refused, or a source kept whose extraction failed: not a clean import


def _pull_taxii(inputs: list, url: str | None, collection: str | None, added_after: str | None, max_size: int,
                err, as_json: bool) -> list[dict]:
    """Replace the TAXII collections among `inputs` (and --taxii) by what they hold, read in full before
    anything is written: a server that fails is one line and exit 2, and the database is not touched."""
    from importers import taxii as tx
    from importers.inputs import Input

    if (collection or added_after) and not url and not any(isinstance(a, str) and tx.is_taxii(a) for a in inputs):
        raise fail("--collection and --added-after apply to a TAXII pull (--taxii URL or taxii://...)")
    if added_after:
        try:
            added_after = tx.timestamp(added_after)
        except tx.TaxiiError as exc:
            raise fail(f"--added-after: {exc}") from None
    targets = [(i, a) for i, a in enumerate(inputs) if isinstance(a, str) and tx.is_taxii(a)]
    if url:
        targets.append((len(inputs), url))
        inputs.append(None)
    pulled = []
    for i, arg in targets:
        try:
            ep = tx.endpoint(arg, collection if arg is url else None)
            got = tx.pull(ep, added_after, max_size)
        except tx.TaxiiError as exc:
            raise fail(f"taxii: {exc}") from None
        inputs[i] = Input(ep.shown, data=got.data) if got.objects else None
        pulled.append({"collection": ep.shown, "objects": got.objects, "added_last": got.added_last})
        if not as_json:
            note = f"; next: --added-after {got.added_last}" if got.added_last else ""
            err.print(f"pulled {got.objects:,} objects from {safe(ep.shown)}{safe(note)}", markup=False,
                      highlight=False)
    return pulled


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
    if report.completed_sources:
        n = report.completed_sources
        out.print(f"{n} source{'s' if n != 1 else ''} completed (a title, date, URL or publisher they lacked)",
                  markup=False, highlight=False)




def push_taxii(db: str | None, fmt: str, url: str | None, collection: str | None, output, query: str | None,
               include_paths: bool, select_ids) -> None:
    """`incidex export --format stix --taxii URL`: the STIX bundle added to a TAXII 2.1 collection."""
    import io
    import json

    from db import export
    from importers import taxii as tx

    if not url:
        raise fail("--collection applies to a TAXII push (--taxii URL)")
    if fmt != "stix":
        raise fail("--taxii pushes STIX 2.1: add --format stix")
    if output is not None:
        raise fail("--taxii and --output: choose one")
    try:
        ep = tx.endpoint(url, collection)
    except tx.TaxiiError as exc:
        raise fail(f"taxii: {exc}") from None
    conn = open_db(db, readonly=None)
    try:
        buf = io.StringIO()
        n = export.write(conn, buf, "stix", select_ids(conn, "incidents", query), query=query,
                         include_paths=include_paths)
    finally:
        conn.close()
    try:
        done = tx.push(ep, json.loads(buf.getvalue()))
    except tx.TaxiiError as exc:
        raise fail(f"taxii: {exc}") from None
    typer.echo(safe(f"pushed {n} incidents to {ep.shown}: {done.succeeded} of {done.total} objects added, "
                    f"{done.failed} failed, {done.pending} pending"), err=True)
    if done.failed:
        raise typer.Exit(1)


# --- demo ---------------------------------------------------------------------------------------------

def samples_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "samples"  # importers/samples


def demo_cmd(
    db: Annotated[str | None, typer.Option("--db", help="Scratch database to create (default: demo.db in the user data folder).")] = None,
    no_browse: Annotated[bool, typer.Option("--no-browse", help="Import only; do not open the browser.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was imported as JSON (implies --no-browse).")] = False,
) -> None:
    """Import the bundled sample articles into a fresh scratch database and show what came out."""
    from db import engine, queries
    from importers import pipeline

    if db and engine.looks_like_url(db):
        # the demo deletes what is at --db before it starts: never a server's database (a team's)
        raise fail("the demo builds a scratch file and deletes what is there: give --db a file path (to put the "
                   "samples in a team database, incidex import them)")
    path = Path(db) if db else engine.default_path().with_name("demo.db")
    try:
        engine.remove(path)  # refuses a file in use by another process, or one that is not incidex's
    except engine.DatabaseError as exc:
        raise fail(str(exc)) from None
    conn = open_db(str(path))
    report = pipeline.run(conn, [str(samples_dir())], pipeline.Options())
    data = queries.stats(conn)
    conn.close()
    if as_json:
        print_json({"database": str(path), "sources": report.sources, "incidents": data["incidents"],
                    "actors": data["actors"], "failed": [{"origin": o.origin, "reason": o.reason} for o in report.failed]})
        if report.failed:
            raise typer.Exit(1)
        return
    typer.echo(f"demo database: {path}")
    typer.echo(f"imported {report.sources} sample articles: {data['incidents']} incidents, {data['actors']} actors")
    for o in report.failed:
        typer.echo(f"incidex: {safe(o.origin)}: {safe(o.reason)}", err=True)
    typer.echo("try:")
    typer.echo(f"  incidex list incidents --db {path}")
    typer.echo(f"  incidex show incident 1 --db {path}")
    typer.echo(f"  incidex stats --db {path}")
    if not no_browse:
        open_browser(str(path))
    if report.failed:
        raise typer.Exit(1)




# --- extract ---------------------------------------------------------------------------------------------

def extract_cmd(
    source: Annotated[int, typer.Option("--source", "-s", help="The source to run extraction on.")],
    apply: Annotated[bool, typer.Option("--apply", help="Replace the stored automatic extraction of this source "
                                        "(analyst edits, merges, splits and decisions are kept).")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="For every fact, the cue that produced it; then every "
                                          "candidate dropped, and why.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Run extraction on one stored source and show what it finds, with the evidence of every fact."""
    from contextlib import nullcontext
    from dataclasses import asdict

    from db import queries
    from db.drafts import Document
    from db.store import reextract_source
    from importers.extract import explain as explain_mod
    from importers.extract import extract
    from importers.resolve import resolve

    conn = open_db(db)
    src = queries.get_source(conn, source)
    if src is None:
        conn.close()
        raise fail(f"no source with id {source}", 1)
    doc = Document(text="", origin=src["origin"] or "", title=src["title"], published=src["published"],
                   publisher=src["publisher"], url=src["url"], body=src["body"])
    with explain_mod.recording() if explain else nullcontext() as trace:
        drafts = extract(doc)
    applied = reextract_source(conn, source, drafts, resolve) if apply else None
    conn.close()
    if as_json:
        data = {"source": source, "drafts": [asdict(d) for d in drafts], "applied": applied}
        if trace is not None:
            data["explain"] = render.explained(drafts, trace)
        print_json(data)
        return
    if trace is not None:
        console().print(render.explained_drafts(drafts, trace))
    else:
        _print_drafts(drafts)
    if applied:
        typer.echo(safe(f"applied: kept incidents {applied['kept']}, new {applied['created']}, "
                        f"joined {applied['joined']}, removed {applied['removed']}"))


def _print_drafts(drafts) -> None:
    from rich.text import Text


    out = console()
    if not drafts:
        out.print(Text("no incident found in this source"))
    for n, d in enumerate(drafts, 1):
        out.print(Text(safe(f"{n}. {d.title}"), style="bold"))
        out.print(Text("   " + safe(f"type {d.type} ({d.domain}), status {d.status}, date {d.date_start or '?'}"
                            f" ({d.date_precision})")))
        for key, ev in d.facts.items():
            out.print(Text("   " + safe(f"{key}: “{ev.text}” [{ev.start}:{ev.end}]"), style="dim"))
        for a in d.actors:
            ev = f" “{a.evidence.text}”" if a.evidence else ""
            out.print(Text("   " + safe(f"{a.role}: {a.name} ({a.kind}, confidence {a.confidence}){ev}")))
        for p in d.places:
            out.print(Text("   " + safe(f"place: {p.name} ({p.level}, {p.country or '?'})")))
        for f in d.figures:
            out.print(Text("   " + safe(f"figure: {f.value:,} {f.unit} — “{f.text}”")))
        if d.summary:
            out.print(Text("   " + safe(f"summary: {d.summary}"), style="italic"))
