"""What every export format shares: the records it reads, how text is made safe, stable ids, the error."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from db.identity import uuid_of
from db.text import safe_line, strip_unsafe

if TYPE_CHECKING:
    from db.export.records import Export

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ExportError(ValueError):
    """A bad export request (unknown column...); the message is one line for the user."""


def clean(value: object) -> str:
    """Text for a text format (CSV, Markdown): escape sequences and dangerous characters removed (db.text)."""
    return strip_unsafe("" if value is None else str(value))


def one_line(value: object) -> str:
    return safe_line(value)


def number_text(v: object) -> str:
    """A figure as text: 12.0 as "12", 1.5 as "1.5"."""
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def shown_origin(origin: str | None, include_paths: bool = False) -> str | None:
    """A source's origin as an export shows it: the file's name only (no folder, so no home directory leaks),
    unless `include_paths`. "-" (stdin) and URLs (`scheme://...`) are kept as they are."""
    if include_paths or not origin or origin == "-" or re.match(r"^[a-z][a-z0-9+.-]*://", origin, re.I):
        return origin
    return re.split(r"[\\/]", origin.rstrip("/\\"))[-1] or origin


def records(conn: sqlite3.Connection, incident_ids: Sequence[int] | None, include_paths: bool = False) -> Export:
    """The incidex/1 records of these incidents (all live ones for None): every format reads these.

    Source origins are file names only unless `include_paths` (`shown_origin`)."""
    from db.export.records import export_dict

    return export_dict(conn, incident_ids, include_paths=include_paths)


def uuid_or_stable(value: str | None, key: str) -> str:
    """The record's own uuid, else a stable one made from `key`."""
    v = (value or "").lower()
    return v if UUID.match(v) else uuid_of(key)
