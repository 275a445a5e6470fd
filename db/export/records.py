"""The incidex/1 JSON export: the contract of docs/ARCHITECTURE.md "Export contract" (extend it, never break
it). Every other format reads these records (`db.export.common.records`)."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import IO, Any, TypedDict

from db import queries
from db.export.common import shown_origin
from db.text import dump

SCHEMA = "incidex/1"


class Export(TypedDict):
    """An incidex/1 document: the records are JSON-shaped dicts as `db.queries` reads them."""

    schema: str
    incidents: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    sources: list[dict[str, Any]]


def export_dict(conn: sqlite3.Connection, incident_ids: Sequence[int] | None = None,
                include_paths: bool = False) -> Export:
    """Incidents (all live ones, or the given ids) with the actors and sources they reference.

    A source's `origin` is the file's name only (no local folder) unless `include_paths`.

    With no selection, every actor and source is included, so an export of a database whose incidents
    are not extracted yet still carries its sources.
    """
    selected = incident_ids is not None
    ids = list(incident_ids) if incident_ids is not None else queries.incident_ids(conn)  # (= selected, spelled out for mypy)
    incidents = queries.incidents_by_id(conn, ids)
    for inc in incidents:
        for a in inc["actors"]:
            a.pop("link_id", None)
    if selected:
        actor_ids = sorted({a["id"] for i in incidents for a in i["actors"]})
        source_ids = sorted({s["id"] for i in incidents for s in i["sources"]})
    else:
        actor_ids = list(queries.all_ids(conn, "actor"))
        source_ids = list(queries.all_ids(conn, "source"))
    actors = [
        {k: a[k] for k in ("id", "uuid", "name", "kind", "country", "description", "reference", "aliases")}
        for a in queries.actors_by_id(conn, actor_ids)
    ]
    sources = [
        {k: s[k] for k in ("id", "title", "publisher", "author", "published", "url", "origin", "language", "kind",
                           "format", "tags", "body")}
        for s in queries.sources_by_id(conn, source_ids, with_body=True)
    ]
    for s in [*sources, *(s for i in incidents for s in i["sources"])]:
        if "origin" in s:
            s["origin"] = shown_origin(s["origin"], include_paths)
    return {"schema": SCHEMA, "incidents": incidents, "actors": actors, "sources": sources}


def write_json(conn: sqlite3.Connection, out: IO[str], incident_ids: Sequence[int] | None = None,
               include_paths: bool = False) -> int:
    data = export_dict(conn, incident_ids, include_paths=include_paths)
    dump(data, out, indent=1)  # dangerous characters as \uXXXX (db.text): harmless on a terminal, round-trips
    out.write("\n")
    return len(data["incidents"])
