"""Datasette over an incidex file: the metadata.json that `incidex db datasette-metadata` prints.

Datasette's `?_search=` filters a table by `<fts_pk> IN (SELECT rowid FROM <fts_table> WHERE ... MATCH ...)`.
Our FTS5 tables are keyed by a sort key (`db.search.index`: the date in the high bits, so "newest matching" is
read straight off the index), not by the row id, so `incident`, `actor` and `source` cannot be searched
through them directly. Each index has a `*_doc` table holding that key (`skey`), the record's `id` and the
indexed text, though: the metadata points Datasette at it (`fts_table`, `fts_pk: skey`), so
`/DB/incident_doc?_search=killnet` works with no new table, no copy of the text and no cost to imports.
Canned queries join the hits back to the records (`/DB/search_incidents?q=killnet`), article bodies
included (`source_body_fts`, keyed the same way). Tables that only the program reads (the index's own,
the resolution block index, the queue of rows to index) are hidden.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from db.search.index import VIEWS

INTERNAL = ("search_vocab", "search_pending", "incident_key", "sqlite_sequence")
"""Tables of the program's own bookkeeping: never something to browse."""

_RECORDS = {"incidents": "incident", "actors": "actor", "sources": "source"}

QUERIES: dict[str, dict[str, str]] = {
    "search_incidents": {
        "title": "Search incidents",
        "description": "Incidents whose title, type, actors, targets, places or tags match (best first).",
        "sql": "SELECT i.id, i.date_start, i.type, i.title, i.summary FROM incident_fts f "
               "JOIN incident_doc d ON d.skey = f.rowid JOIN incident i ON i.id = d.id "
               "WHERE incident_fts MATCH escape_fts(:q) AND i.merged_into IS NULL ORDER BY f.rank LIMIT 200",
    },
    "search_actors": {
        "title": "Search actors",
        "description": "Actors whose name, aliases, kind, country or tags match.",
        "sql": "SELECT a.id, a.name, a.kind, a.country FROM actor_fts f JOIN actor_doc d ON d.skey = f.rowid "
               "JOIN actor a ON a.id = d.id WHERE actor_fts MATCH escape_fts(:q) ORDER BY f.rank LIMIT 200",
    },
    "search_articles": {
        "title": "Search article text",
        "description": "Sources whose article text matches, with the passage.",
        "sql": "SELECT s.id, s.published, s.title, s.url, snippet(source_body_fts, 0, '[', ']', ' … ', 24) "
               "AS passage FROM source_body_fts f JOIN source_doc d ON d.skey = f.rowid "
               "JOIN source s ON s.id = d.id WHERE source_body_fts MATCH escape_fts(:q) ORDER BY f.rank LIMIT 200",
    },
}


def metadata(conn: sqlite3.Connection, database: str) -> dict[str, Any]:
    """Datasette metadata for this file, served under the name `database` (Datasette uses the file's stem)."""
    names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    fts = {v.table for v in VIEWS.values()} | {"source_body_fts"}
    tables: dict[str, dict[str, Any]] = {}
    for name in names:
        # an FTS5 table's shadow tables are <name>_data, _idx, _content, _docsize, _config
        if name in INTERNAL or name in fts or any(name.startswith(f + "_") for f in fts):
            tables[name] = {"hidden": True}
    for view in VIEWS.values():
        if view.doc in names:
            record = _RECORDS[view.name]
            tables[view.doc] = {
                "fts_table": view.table, "fts_pk": "skey", "label_column": view.title_column,
                "description": f"The search text of each {record} (id = {record}.id): use the search box. "
                               "The keys column is the program's own tokens.",
            }
    queries = {k: q for k, q in QUERIES.items() if all(t in names for t in _tables_of(q["sql"]))}
    return {
        "title": "incidex",
        "description": "Security incidents extracted from news articles, each fact with its source sentence.",
        "databases": {database: {"tables": tables, "queries": queries}},
    }


def _tables_of(sql: str) -> list[str]:
    words = sql.replace(",", " ").split()
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w.upper() in ("FROM", "JOIN")]
