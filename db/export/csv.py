"""CSV: one row per incident, the columns chosen with --columns; cells safe for spreadsheets and terminals.

Dates are ISO 8601 text as stored (`2024`, `2024-02` or `2024-02-15`), with `date_precision` (day, month, year
or unknown) beside them. Every list cell (actors, targets, countries, places, sources, ...) separates its items
with LIST_SEPARATOR ("; "). A cell that a spreadsheet would read as a formula is prefixed with `'`.
"""
from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import IO, Any

from db.export.common import ExportError, clean, number_text, records

LIST_SEPARATOR = "; "
_PRECISION_LENGTH = {"year": 4, "month": 7, "day": 10}
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _items(values: Any, unique: bool = True) -> str:
    """A list cell: its items, empty ones (and, if `unique`, repeats) dropped, joined by LIST_SEPARATOR."""
    items = [str(v) for v in values if v not in (None, "")]
    return LIST_SEPARATOR.join(dict.fromkeys(items) if unique else items)


def date_precision(date: str | None, stored: str | None) -> str:
    """How precise the `date` cell is: the stored precision when it fits the date's text, else read from the text."""
    if not date:
        return "unknown"
    if stored in _PRECISION_LENGTH and _PRECISION_LENGTH[stored] <= len(date):
        return stored
    return {4: "year", 7: "month", 10: "day"}.get(len(date[:10]), "unknown")


CSV_COLUMNS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
    "id": lambda i, ctx: i["id"],
    "uuid": lambda i, ctx: i["uuid"],
    "date": lambda i, ctx: i["date"] or "",
    "date_end": lambda i, ctx: i["date_end"] or "",
    "date_precision": lambda i, ctx: date_precision(i["date"], i.get("date_precision")),
    "type": lambda i, ctx: i["type"] or "",
    "domain": lambda i, ctx: i["domain"] or "",
    "status": lambda i, ctx: i["status"] or "",
    "title": lambda i, ctx: i["title"] or "",
    "summary": lambda i, ctx: i["summary"] or "",
    "actors": lambda i, ctx: _items(f"{a['name']} ({a['role']})" for a in i["actors"] if a["role"] != "target"),
    "targets": lambda i, ctx: _items(a["name"] for a in i["actors"] if a["role"] == "target"),
    "countries": lambda i, ctx: _items(i["countries"]),
    "places": lambda i, ctx: _items(i["places"]),
    "sources": lambda i, ctx: _items(s["url"] or s["origin"] for s in i["sources"]),
    "source_titles": lambda i, ctx: _items(s["title"] for s in i["sources"]),
    "figures": lambda i, ctx: _items((f"{number_text(f['value'])} {f['unit']}".strip() for f in i["figures"]), unique=False),
    "tools": lambda i, ctx: _items(f"{t['name']} ({t['kind']})" for t in i.get("tools") or []),
    "tags": lambda i, ctx: _items(i.get("tags") or []),
    "review": lambda i, ctx: i.get("review") or "",
    "aliases": lambda i, ctx: _items(al for a in i["actors"] if a["role"] != "target"
                                     for al in ctx["aliases"].get(a["id"], [])),
}
DEFAULT_CSV_COLUMNS = ("id", "date", "date_precision", "type", "title", "actors", "targets", "countries", "sources")


def parse_columns(spec: str | None) -> list[str]:
    if not spec:
        return list(DEFAULT_CSV_COLUMNS)
    cols = [c.strip().lower() for c in spec.split(",") if c.strip()]
    bad = [c for c in cols if c not in CSV_COLUMNS]
    if bad:
        raise ExportError(f"unknown column {bad[0]!r} (columns: {', '.join(CSV_COLUMNS)})")
    return cols or list(DEFAULT_CSV_COLUMNS)


def csv_cell(value: object) -> str:
    """A cell as text, never a formula when opened in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or
    carriage return gets a `'` before it. A plain number ("-12", "-1.5") stays a value: it is no formula."""
    s = clean(value)
    if s[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(s):
        s = "'" + s
    return s


def write_csv(conn: sqlite3.Connection, out: IO[str], incident_ids: Sequence[int] | None = None, columns: str | None = None,
              include_paths: bool = False) -> int:
    cols = parse_columns(columns)
    data = records(conn, incident_ids, include_paths)
    ctx = {"aliases": {a["id"]: a["aliases"] for a in data["actors"]}}
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for inc in data["incidents"]:
        w.writerow([csv_cell(CSV_COLUMNS[c](inc, ctx)) for c in cols])
    return len(data["incidents"])
