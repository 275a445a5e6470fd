"""Exports: a registry of formats, each a module of this package writing one text stream.

To add a format: write `db/export/NAME.py` with a `write(conn, out, incident_ids, request) -> int` (the
number of incidents written), add a `Format` line to `FORMATS` below; the command line's `--format`
choices and the browser's export command read this table (docs/ARCHITECTURE.md "Adding an export format").
"""
from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from db.export.common import ExportError
from db.export.records import SCHEMA, export_dict

__all__ = ["FORMATS", "SCHEMA", "ExportError", "Format", "Request", "export_dict", "write"]


@dataclass(frozen=True)
class Request:
    """What the user asked besides the incidents: CSV columns, the query (quoted in the Markdown report)."""
    columns: str | None = None
    query: str | None = None


@dataclass(frozen=True)
class Format:
    name: str
    module: str      # db.export.<module>, imported only when used
    function: str
    summary: str
    extension: str

    def writer(self) -> Callable[..., int]:
        fn: Callable[..., int] = getattr(importlib.import_module(f"db.export.{self.module}"), self.function)
        return fn


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "records", "write_json", "the incidex/1 contract", "json"),
    Format("csv", "csv", "write_csv", "one row per incident, --columns to choose", "csv"),
    Format("stix", "stix", "write_stix", "a STIX 2.1 bundle", "json"),
    Format("misp", "misp", "write_misp", "MISP event JSON", "json"),
    Format("markdown", "markdown", "write_markdown", "a report with numbered citations", "md"),
)}


def write(conn: sqlite3.Connection, out: IO[str], fmt: str = "json", incident_ids: Sequence[int] | None = None,
          columns: str | None = None, query: str | None = None) -> int:
    """Write an export in one of FORMATS; returns the number of incidents written.

    Raises `ExportError` for a bad request (an unknown format or CSV column).
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    kwargs: dict[str, str | None] = {"columns": columns} if fmt == "csv" else {"query": query} if fmt == "markdown" else {}
    return spec.writer()(conn, out, incident_ids, **kwargs)
