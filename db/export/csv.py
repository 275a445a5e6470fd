"""CSV: one row per incident, the columns chosen with --columns; cells safe for spreadsheets and terminals."""
from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Sequence
from typing import IO, Any

from db.export.common import ExportError, clean, number_text, records

CSV_COLUMNS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
    "id": lambda i, ctx: i["id"],
    "uuid": lambda i, ctx: i["uuid"],
    "date": lambda i, ctx: i["date"] or "",
    "date_end": lambda i, ctx: i["date_end"] or "",
    "date_precision": lambda i, ctx: i["date_precision"] or "",
    "type": lambda i, ctx: i["type"] or "",
    "domain": lambda i, ctx: i["domain"] or "",
    "status": lambda i, ctx: i["status"] or "",
    "title": lambda i, ctx: i["title"] or "",
    "summary": lambda i, ctx: i["summary"] or "",
    "actors": lambda i, ctx: "; ".join(dict.fromkeys(f"{a['name']} ({a['role']})" for a in i["actors"]
                                                     if a["role"] != "target")),
    "targets": lambda i, ctx: "; ".join(dict.fromkeys(a["name"] for a in i["actors"] if a["role"] == "target")),
    "countries": lambda i, ctx: ",".join(i["countries"]),
    "places": lambda i, ctx: "; ".join(i["places"]),
    "sources": lambda i, ctx: " ".join(dict.fromkeys(s["url"] or s["origin"] or "" for s in i["sources"])).strip(),
    "source_titles": lambda i, ctx: "; ".join(dict.fromkeys(s["title"] or "" for s in i["sources"])),
    "figures": lambda i, ctx: "; ".join(f"{number_text(f['value'])} {f['unit']}".strip() for f in i["figures"]),
    "tags": lambda i, ctx: "; ".join(i.get("tags") or []),
    "review": lambda i, ctx: i.get("review") or "",
    "aliases": lambda i, ctx: "; ".join(dict.fromkeys(al for a in i["actors"] if a["role"] != "target"
                                                      for al in ctx["aliases"].get(a["id"], []))),
}
DEFAULT_CSV_COLUMNS = ("id", "date", "type", "title", "actors", "targets", "countries", "sources")


def parse_columns(spec: str | None) -> list[str]:
    if not spec:
        return list(DEFAULT_CSV_COLUMNS)
    cols = [c.strip().lower() for c in spec.split(",") if c.strip()]
    bad = [c for c in cols if c not in CSV_COLUMNS]
    if bad:
        raise ExportError(f"unknown column {bad[0]!r} (columns: {', '.join(CSV_COLUMNS)})")
    return cols or list(DEFAULT_CSV_COLUMNS)


def csv_cell(value: object) -> str:
    s = clean(value)
    if s[:1] in ("=", "+", "@", "\t", "\r"):  # never a formula when opened in a spreadsheet
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
