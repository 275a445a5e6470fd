"""Reading from the database: lists, details and statistics as plain dicts.

Used by the command line, the exports and the browser. Plain ``sqlite3`` and tuples, no ORM: these run
on the browser's hot path and over whole databases. Merged incidents and actors are tombstones: lists
leave them out and detail lookups follow them to the survivor.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypedDict

from db.records import follow
from db.taxonomy import ROLES as ROLE_ORDER  # the order roles are listed in

BATCH = 500


def _batches(ids: Sequence[int], size: int = BATCH) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


# --- lists ---------------------------------------------------------------------------------------------

def incident_ids(conn: sqlite3.Connection, limit: int | None = None) -> list[int]:
    """Live incidents, newest first (undated last), then by id."""
    sql = ("SELECT id FROM incident WHERE merged_into IS NULL"
           " ORDER BY date_start IS NULL, date_start DESC, id DESC")
    if limit is not None:
        sql += " LIMIT ?"
        return [r[0] for r in conn.execute(sql, (limit,))]
    return [r[0] for r in conn.execute(sql)]


def list_incidents(conn: sqlite3.Connection, ids: Sequence[int] | None = None, limit: int | None = 50) -> list[dict[str, Any]]:
    """Rows for tables: id, date, type, title, actors (with roles), countries, number of sources."""
    if ids is None:
        ids = incident_ids(conn, limit)
    elif limit is not None:
        ids = list(ids)[:limit]
    incidents = {i["id"]: i for i in incidents_by_id(conn, ids, with_evidence=False)}
    return [incidents[i] for i in ids if i in incidents]


def list_actors(conn: sqlite3.Connection, ids: Sequence[int] | None = None, limit: int | None = 50) -> list[dict[str, Any]]:
    if ids is None:
        sql = ("SELECT a.id FROM actor a LEFT JOIN incident_actor ia ON ia.actor_id = a.id"
               " WHERE a.merged_into IS NULL GROUP BY a.id ORDER BY count(ia.id) DESC, a.name COLLATE NOCASE")
        ids = [r[0] for r in conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())]
    elif limit is not None:
        ids = list(ids)[:limit]
    out = {a["id"]: a for a in actors_by_id(conn, ids)}
    return [out[i] for i in ids if i in out]


def list_sources(conn: sqlite3.Connection, ids: Sequence[int] | None = None, limit: int | None = 50,
                 with_body: bool = False) -> list[dict[str, Any]]:
    if ids is None:
        sql = "SELECT id FROM source ORDER BY published IS NULL, published DESC, id DESC"
        ids = [r[0] for r in conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())]
    elif limit is not None:
        ids = list(ids)[:limit]
    out = {s["id"]: s for s in sources_by_id(conn, ids, with_body=with_body)}
    return [out[i] for i in ids if i in out]


# --- records in bulk --------------------------------------------------------------------------------

INCIDENT_COLS = ("id, uuid, title, summary, type, domain, status, date_start, date_end, date_precision, date_basis,"
                 " countries, figures, review, edited_fields, merged_into, join_reason, created_at, updated_at")


def row_extras(conn: sqlite3.Connection, view: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What a list row shows beside the title, for one page of ids: incidents get their type, countries and
    the names of their non-target actors (in link order), sources their publisher. Two light queries; the
    full records of `incidents_by_id` cost several times more and are not needed for a row."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _batches(list(ids)):
        marks = _marks(len(chunk))
        if view == "incidents":
            for i, type_, countries in conn.execute(
                    f"SELECT id, type, countries FROM incident WHERE id IN ({marks})", chunk):
                out[i] = {"type": type_ or "", "countries": json.loads(countries or "[]"), "actors": []}
            for i, name in conn.execute(
                    f"SELECT ia.incident_id, a.name FROM incident_actor ia JOIN actor a ON a.id = ia.actor_id"
                    f" WHERE ia.incident_id IN ({marks}) AND ia.role != 'target' ORDER BY ia.id", chunk):
                names = out.get(i, {}).get("actors")
                if names is not None and name not in names:
                    names.append(name)
        elif view == "sources":
            for i, publisher in conn.execute(f"SELECT id, publisher FROM source WHERE id IN ({marks})", chunk):
                out[i] = {"publisher": publisher or ""}
    return out


def incidents_by_id(conn: sqlite3.Connection, ids: Sequence[int], with_evidence: bool = True) -> list[dict[str, Any]]:
    """Full incident dicts in the export contract's shape (docs/ARCHITECTURE.md, Export contract), in the order of `ids`."""
    ids = list(ids)
    out: dict[int, dict[str, Any]] = {}
    for chunk in _batches(ids):
        marks = _marks(len(chunk))
        for r in conn.execute(f"SELECT {INCIDENT_COLS} FROM incident WHERE id IN ({marks})", chunk):
            figures = json.loads(r[12] or "[]")
            out[r[0]] = {
                "id": r[0], "uuid": r[1], "title": r[2], "summary": r[3], "type": r[4], "domain": r[5],
                "status": r[6], "date": r[7], "date_end": r[8], "date_precision": r[9], "date_basis": r[10],
                "countries": json.loads(r[11] or "[]"),
                "figures": [{k: f.get(k) for k in ("value", "unit", "text", "source_id")} for f in figures],
                "review": r[13], "edited_fields": json.loads(r[14] or "[]"), "merged_into": r[15],
                "join_reasons": json.loads(r[16]) if r[16] else [],
                "created_at": r[17], "updated_at": r[18],
                "places": [], "place_details": [], "actors": [], "sources": [], "tags": [], "tools": [],
            }
        for r in conn.execute(
            f'SELECT incident_id, name, country, level, source_id, evidence, start, "end" FROM incident_place'
            f" WHERE incident_id IN ({marks}) ORDER BY id", chunk):
            inc = out.get(r[0])
            if inc is not None:
                inc["places"].append(r[1])
                inc["place_details"].append({"name": r[1], "country": r[2], "level": r[3], "source_id": r[4],
                                             **({"evidence": r[5], "start": r[6], "end": r[7]} if with_evidence else {})})
        for r in conn.execute(
            f'SELECT incident_id, name, kind, reference, galaxy, source_id, evidence, start, "end" FROM incident_tool'
            f" WHERE incident_id IN ({marks}) ORDER BY id", chunk):
            inc = out.get(r[0])
            if inc is not None:  # the malware and tools it was carried out with (db/models.py IncidentTool)
                inc["tools"].append({"name": r[1], "kind": r[2], "reference": r[3], "galaxy": r[4], "source_id": r[5],
                                     **({"evidence": r[6], "start": r[7], "end": r[8]} if with_evidence else {})})
        for r in conn.execute(
            f"SELECT ia.incident_id, a.id, a.name, ia.role, ia.confidence, ia.attributed_by, ia.source_id,"
            f' ia.evidence, ia.start, ia."end", a.kind, ia.origin, ia.id FROM incident_actor ia'
            f" JOIN actor a ON a.id = ia.actor_id WHERE ia.incident_id IN ({marks}) ORDER BY ia.id", chunk):
            inc = out.get(r[0])
            if inc is not None:
                inc["actors"].append({"id": r[1], "name": r[2], "role": r[3], "confidence": r[4],
                                      "attributed_by": r[5], "source_id": r[6], "kind": r[10], "link_id": r[12],
                                      "evidence": r[7] if with_evidence else None,
                                      **({"start": r[8], "end": r[9], "origin": r[11]} if with_evidence else {})})
        for r in conn.execute(
            f"SELECT i.incident_id, s.id, s.title, s.origin, s.url, s.publisher, s.published, i.relation, i.evidence,"
            f" i.facts FROM incident_source i JOIN source s ON s.id = i.source_id"
            f" WHERE i.incident_id IN ({marks}) ORDER BY s.published, s.id", chunk):
            inc = out.get(r[0])
            if inc is not None:
                src = {"id": r[1], "title": r[2], "origin": r[3], "url": r[4], "publisher": r[5],
                       "published": r[6], "relation": r[7]}
                if with_evidence:
                    src["evidence"] = json.loads(r[8] or "[]")
                    src["facts"] = json.loads(r[9] or "{}")
                inc["sources"].append(src)
        for r in conn.execute(f"SELECT entity_id, name FROM tag WHERE entity = 'incident' AND entity_id IN ({marks})"
                              " ORDER BY name", chunk):
            if r[0] in out:
                out[r[0]]["tags"].append(r[1])
    for inc in out.values():
        inc["actors"].sort(key=lambda a: (ROLE_ORDER.index(a["role"]) if a["role"] in ROLE_ORDER else 99))
    return [out[i] for i in ids if i in out]


def actors_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    ids = list(ids)
    out: dict[int, dict[str, Any]] = {}
    for chunk in _batches(ids):
        marks = _marks(len(chunk))
        for r in conn.execute(
            f"SELECT id, uuid, name, kind, country, description, reference, merged_into FROM actor WHERE id IN ({marks})",
            chunk):
            out[r[0]] = {"id": r[0], "uuid": r[1], "name": r[2], "kind": r[3], "country": r[4], "description": r[5],
                         "reference": r[6], "merged_into": r[7], "aliases": [], "incidents": 0, "roles": {}}
        for r in conn.execute(f"SELECT actor_id, alias FROM actor_alias WHERE actor_id IN ({marks}) ORDER BY id", chunk):
            a = out.get(r[0])
            if a is not None and r[1] != a["name"]:
                a["aliases"].append(r[1])
        for r in conn.execute(
            f"SELECT ia.actor_id, ia.role, count(DISTINCT ia.incident_id) FROM incident_actor ia"
            f" JOIN incident i ON i.id = ia.incident_id AND +i.merged_into IS NULL"
            f" WHERE ia.actor_id IN ({marks}) GROUP BY ia.actor_id, ia.role", chunk):
            a = out.get(r[0])
            if a is not None:
                a["roles"][r[1]] = r[2]
        for r in conn.execute(
            f"SELECT ia.actor_id, count(DISTINCT ia.incident_id) FROM incident_actor ia"
            f" JOIN incident i ON i.id = ia.incident_id AND +i.merged_into IS NULL"
            f" WHERE ia.actor_id IN ({marks}) GROUP BY ia.actor_id", chunk):
            if r[0] in out:
                out[r[0]]["incidents"] = r[1]
    return [out[i] for i in ids if i in out]


SOURCE_COLS = "id, uid, url, title, publisher, author, published, language, kind, origin, format, reliability, tags, imported_at"


def sources_by_id(conn: sqlite3.Connection, ids: Sequence[int], with_body: bool = True) -> list[dict[str, Any]]:
    ids = list(ids)
    out: dict[int, dict[str, Any]] = {}
    cols = SOURCE_COLS + (", body" if with_body else ", length(body)")
    for chunk in _batches(ids):
        marks = _marks(len(chunk))
        for r in conn.execute(f"SELECT {cols} FROM source WHERE id IN ({marks})", chunk):
            s = {"id": r[0], "uid": r[1], "url": r[2], "title": r[3], "publisher": r[4], "author": r[5],
                 "published": r[6], "language": r[7], "kind": r[8], "origin": r[9], "format": r[10],
                 "reliability": r[11], "tags": json.loads(r[12] or "[]"), "imported_at": r[13], "incidents": []}
            if with_body:
                s["body"] = r[14]
            else:
                s["length"] = r[14]
            out[r[0]] = s
        for r in conn.execute(
            # unary + keeps SQLite from driving this join through the merged_into index (2 s at 100k rows)
            f"SELECT i.source_id, i.incident_id FROM incident_source i JOIN incident x ON x.id = i.incident_id"
            f" WHERE i.source_id IN ({marks}) AND +x.merged_into IS NULL ORDER BY i.incident_id", chunk):
            if r[0] in out:
                out[r[0]]["incidents"].append(r[1])
        # tags given at import (source.tags) and by analysts (the tag table), once each
        for r in conn.execute(f"SELECT entity_id, name FROM tag WHERE entity = 'source' AND entity_id IN ({marks})"
                              " ORDER BY name", chunk):
            if r[0] in out and r[1] not in out[r[0]]["tags"]:
                out[r[0]]["tags"].append(r[1])
    return [out[i] for i in ids if i in out]


# --- details -------------------------------------------------------------------------------------------

def get_incident(conn: sqlite3.Connection, incident_id: int) -> dict[str, Any] | None:
    """An incident with everything the detail pane shows; a merged id resolves to its survivor."""
    live = follow(conn, "incident", incident_id)
    if live is None:
        return None
    rows = incidents_by_id(conn, [live])
    if not rows:
        return None
    inc = rows[0]
    inc["requested_id"] = incident_id
    inc["merged_from"] = [r[0] for r in conn.execute("SELECT id FROM incident WHERE merged_into = ? ORDER BY id", (live,))]
    inc["notes"] = notes(conn, "incident", live)
    return inc


def get_actor(conn: sqlite3.Connection, actor_id: int) -> dict[str, Any] | None:
    live = follow(conn, "actor", actor_id)
    if live is None:
        return None
    a = actors_by_id(conn, [live])[0]
    a["requested_id"] = actor_id
    a["incident_list"] = [
        {"id": r[0], "title": r[1], "date": r[2], "type": r[3], "role": r[4]}
        for r in conn.execute(
            "SELECT i.id, i.title, i.date_start, i.type, group_concat(DISTINCT ia.role) FROM incident_actor ia"
            " JOIN incident i ON i.id = ia.incident_id WHERE ia.actor_id = ? AND i.merged_into IS NULL"
            " GROUP BY i.id ORDER BY i.date_start IS NULL, i.date_start DESC, i.id DESC", (live,))
    ]
    a["tags"] = [r[0] for r in conn.execute("SELECT name FROM tag WHERE entity='actor' AND entity_id=? ORDER BY name", (live,))]
    a["notes"] = notes(conn, "actor", live)
    return a


def get_source(conn: sqlite3.Connection, source_id: int) -> dict[str, Any] | None:
    rows = sources_by_id(conn, [source_id])
    if not rows:
        return None
    s = rows[0]
    s["spans"] = source_spans(conn, source_id)
    s["incident_list"] = [
        {"id": r[0], "title": r[1], "date": r[2], "type": r[3]}
        for r in conn.execute(
            "SELECT i.id, i.title, i.date_start, i.type FROM incident_source x JOIN incident i ON i.id = x.incident_id"
            " WHERE x.source_id = ? AND i.merged_into IS NULL ORDER BY i.id", (source_id,))
    ]
    s["notes"] = notes(conn, "source", source_id)
    return s


def source_spans(conn: sqlite3.Connection, source_id: int) -> list[dict[str, Any]]:
    """Extracted spans of a source body, by kind (actor role, place, figure, evidence), for highlighting."""
    spans: list[dict[str, Any]] = []
    for r in conn.execute('SELECT ia.role, a.name, ia.start, ia."end" FROM incident_actor ia JOIN actor a'
                          " ON a.id = ia.actor_id WHERE ia.source_id = ? AND ia.start IS NOT NULL", (source_id,)):
        spans.append({"kind": "target" if r[0] == "target" else "actor", "label": f"{r[1]} ({r[0]})",
                      "start": r[2], "end": r[3]})
    for r in conn.execute('SELECT name, start, "end" FROM incident_place WHERE source_id = ? AND start IS NOT NULL',
                          (source_id,)):
        spans.append({"kind": "place", "label": r[0], "start": r[1], "end": r[2]})
    for r in conn.execute("SELECT i.figures FROM incident_source x JOIN incident i ON i.id = x.incident_id"
                          " WHERE x.source_id = ?", (source_id,)):
        for f in json.loads(r[0] or "[]"):
            if f.get("source_id") == source_id and f.get("start") is not None:
                spans.append({"kind": "figure", "label": f"{f.get('value')} {f.get('unit')}",
                              "start": f["start"], "end": f["end"]})
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def notes(conn: sqlite3.Connection, entity: str, entity_id: int) -> list[dict[str, Any]]:
    return [{"id": r[0], "text": r[1], "created_at": r[2]} for r in conn.execute(
        "SELECT id, text, created_at FROM note WHERE entity = ? AND entity_id = ? ORDER BY id", (entity, entity_id))]


# --- statistics -----------------------------------------------------------------------------------------

class ValueCount(TypedDict):
    value: str | None  # a type, a year, a role or an actor's name (None when unknown)
    count: int


class Stats(TypedDict):
    """What `stats` returns (`incidex stats`)."""

    sources: int
    incidents: int
    merged_incidents: int
    actors: int
    actor_links: int
    reviewed: int
    pending_decisions: int
    by_type: list[ValueCount]
    by_year: list[ValueCount]
    by_role: list[ValueCount]
    top_actors: list[ValueCount]
    date_range: list[str | None]  # [earliest, latest] start date of live incidents


def stats(conn: sqlite3.Connection) -> Stats:
    one: Callable[..., int] = lambda sql, *a: conn.execute(sql, a).fetchone()[0]  # noqa: E731
    by: Callable[[str], list[ValueCount]] = lambda sql: [{"value": r[0], "count": r[1]} for r in conn.execute(sql)]  # noqa: E731
    return {
        "sources": one("SELECT count(*) FROM source"),
        "incidents": one("SELECT count(*) FROM incident WHERE merged_into IS NULL"),
        "merged_incidents": one("SELECT count(*) FROM incident WHERE merged_into IS NOT NULL"),
        "actors": one("SELECT count(*) FROM actor WHERE merged_into IS NULL"),
        "actor_links": one("SELECT count(*) FROM incident_actor"),
        "reviewed": one("SELECT count(*) FROM incident WHERE review = 'reviewed' AND merged_into IS NULL"),
        "pending_decisions": one("SELECT count(*) FROM decision WHERE verdict = 'pending'"),
        "by_type": by("SELECT type, count(*) FROM incident WHERE merged_into IS NULL GROUP BY type ORDER BY 2 DESC, 1"),
        "by_year": by("SELECT substr(date_start, 1, 4), count(*) FROM incident WHERE merged_into IS NULL"
                      " AND date_start IS NOT NULL GROUP BY 1 ORDER BY 1 DESC"),
        "by_role": by("SELECT role, count(*) FROM incident_actor GROUP BY role ORDER BY 2 DESC, 1"),
        "top_actors": by("SELECT a.name, count(DISTINCT ia.incident_id) FROM incident_actor ia JOIN actor a"
                         " ON a.id = ia.actor_id WHERE ia.role != 'target' GROUP BY a.id ORDER BY 2 DESC, 1 LIMIT 10"),
        "date_range": list(conn.execute("SELECT min(date_start), max(date_start) FROM incident"
                                        " WHERE merged_into IS NULL").fetchone()),
    }


_LIVE_COUNT = {  # the records the lists show: merged incidents and actors are tombstones
    "incidents": "SELECT count(*) FROM incident WHERE merged_into IS NULL",
    "actors": "SELECT count(*) FROM actor WHERE merged_into IS NULL",
    "sources": "SELECT count(*) FROM source",
}


def count_live(conn: sqlite3.Connection, view: str) -> int:
    """How many records the list of a view (incidents, actors, sources) holds without a query."""
    n: int = conn.execute(_LIVE_COUNT[view]).fetchone()[0]
    return n


def all_ids(conn: sqlite3.Connection, table: str) -> Iterable[int]:
    if table not in ("incident", "actor", "source"):
        raise ValueError(table)
    live = " WHERE merged_into IS NULL" if table != "source" else ""
    return [r[0] for r in conn.execute(f"SELECT id FROM {table}{live} ORDER BY id")]
