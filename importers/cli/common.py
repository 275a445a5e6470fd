"""What every command shares: the --db option, the choices of enumerated options, one-line failures,
opening the database, the console, JSON output. Light to import: everything heavy is imported inside the
functions, so `incidex --help` starts without SQLModel, SQLAlchemy or Textual (tests/test_layering.py)."""
from __future__ import annotations

import re
import sys
from enum import Enum
from typing import Annotated

import typer

from db.export import FORMATS as EXPORT_FORMATS
from db.taxonomy import ROLES

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database: a file, or a postgresql:// URL (default: $INCIDEX_DB, else incidex.db in the user "
                 "data folder).",
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


ExportFormat = Enum("ExportFormat", {name: name for name in EXPORT_FORMATS}, type=str)  # db.export's registry


# --- helpers ----------------------------------------------------------------------------------------

def version() -> str:
    """The installed version (importlib.metadata), else the one pyproject.toml declares (a source tree)."""
    import importlib.metadata
    from pathlib import Path

    try:
        return importlib.metadata.version("incidex")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    m = re.search(r'(?m)^version\s*=\s*"([^"]+)"', text)
    return m.group(1) if m else "unknown"


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one clear line on stderr and return the Exit to raise."""
    from db.text import safe_line

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
    from db.text import safe_line

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


JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


Role = Enum("Role", {r: r for r in ROLES}, type=str)  # the choices of --role: db.taxonomy.ROLES


class Verdict(str, Enum):
    same = "same"
    not_same = "not_same"


class DecisionEntity(str, Enum):
    incident = "incident"
    actor = "actor"
