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
    options: tuple[str, ...] = ()  # the request options its writer takes as keywords (columns, query, include_paths)

    def writer(self) -> Callable[..., int]:
        fn: Callable[..., int] = getattr(importlib.import_module(f"db.export.{self.module}"), self.function)
        return fn


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "records", "write_json", "the incidex/1 contract", "json", ("include_paths",)),
    Format("csv", "csv", "write_csv", "one row per incident, --columns to choose", "csv", ("columns", "include_paths")),
    Format("stix", "stix", "write_stix", "a STIX 2.1 bundle", "json"),  # carries no source origin
    Format("misp", "misp", "write_misp", "MISP event JSON", "json", ("include_paths",)),
    Format("markdown", "markdown", "write_markdown", "a report with numbered citations", "md", ("query", "include_paths")),
)}


def write(conn: sqlite3.Connection, out: IO[str], fmt: str = "json", incident_ids: Sequence[int] | None = None,
          columns: str | None = None, query: str | None = None, include_paths: bool = False) -> int:
    """Write an export in one of FORMATS; returns the number of incidents written.

    A source without a URL is shown by its file name only, unless `include_paths` (then its full local path).
    Raises `ExportError` for a bad request (an unknown format or CSV column).
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    request: dict[str, str | bool | None] = {"columns": columns, "query": query, "include_paths": include_paths}
    kwargs = {k: request[k] for k in spec.options}
    return spec.writer()(conn, out, incident_ids, **kwargs)
