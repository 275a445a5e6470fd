"""Curation: the analyst's changes (merge, split, edit, link, tag, note, review, decide), their undo and redo.

Every change is one transaction and one row in `change`, which keeps the images of the rows it is about
to modify and the ids of the rows it inserts; `undo` puts those rows back and keeps the rows as the change
left them, which `redo` writes again (db/journal.py). Analyst edits are recorded in
`incident.edited_fields`, and automatic imports never overwrite them (they only add sources and links).

Errors meant for the user raise CurationError with a one-line message.

What an analyst types (in the browser or on the command line, both end here) is cleaned before it is stored,
like imported text (db.text): no escape sequence, control, bidi or invisible character is kept, one-line
values (titles, names, tags) are folded to one line, and what is stored is what the result reports.
"""
from __future__ import annotations

import json
import re
import sqlite3
import uuid as _uuid
from collections.abc import Iterable
from typing import Any, TypedDict

from db import journal, search
from db.actors import add_alias, find_actors, live_actor, record_decision
from db.engine import who
from db.identity import utcnow
from db.normalise import normalise
from db.store import add_tag, inserted_id, transaction
from db.taxonomy import DOMAINS, PRECISIONS, ROLES, STATUSES, normalise_type
from db.text import safe_line, strip_unsafe

EDITABLE = ("title", "type", "summary", "status", "domain", "date_start", "date_end", "date_precision")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class CurationError(Exception):
    """A refused change; the message is one line for the user."""


class Journal:
    """Collects what a change needs for its undo: row images before modification, ids inserted."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.before: dict[str, dict[int, dict[str, Any]]] = {}
        self.inserted: dict[str, list[int]] = {}
        self.incidents: set[int] = set()
        self.actors: set[int] = set()
        self.sources: set[int] = set()

    def keep(self, table: str, where: str, params: Iterable[Any] = ()) -> None:
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", tuple(params))
        cols = [d[0] for d in cur.description]
        rows = self.before.setdefault(table, {})
        for r in cur.fetchall():
            rows.setdefault(r[0], dict(zip(cols, r, strict=True)))

    def added(self, table: str, row_id: int) -> None:
        self.inserted.setdefault(table, []).append(row_id)

    def payload(self) -> str:
        return json.dumps({"before": {t: list(rows.values()) for t, rows in self.before.items()},
                           "inserted": self.inserted, "incidents": sorted(self.incidents),
                           "actors": sorted(self.actors), "sources": sorted(self.sources)}, ensure_ascii=False)


def _record(conn: sqlite3.Connection, j: Journal, action: str, summary: str) -> int:
    search.reindex(conn, incidents=j.incidents, actors=j.actors, sources=j.sources)
    cur = conn.execute("INSERT INTO change (action, summary, undo, undone, created_at, author) VALUES (?,?,?,0,?,?)",
                       (action, summary, j.payload(), utcnow(), who(conn)))
    return inserted_id(cur)


def _live_incident(conn: sqlite3.Connection, incident_id: int) -> int:
    row = conn.execute("SELECT merged_into FROM incident WHERE id = ?", (incident_id,)).fetchone()
    if row is None:
        raise CurationError(f"no incident with id {incident_id}")
    if row[0] is not None:
        raise CurationError(f"incident {incident_id} was merged into {row[0]}; act on {row[0]} instead")
    return incident_id


def _mark_edited(conn: sqlite3.Connection, incident_id: int, fields: Iterable[str]) -> None:
    row = conn.execute("SELECT edited_fields FROM incident WHERE id = ?", (incident_id,)).fetchone()
    edited = set(json.loads(row[0] or "[]")) | set(fields)
    conn.execute("UPDATE incident SET edited_fields = ?, updated_at = ? WHERE id = ?",
                 (json.dumps(sorted(edited)), utcnow(), incident_id))


# --- incidents ---------------------------------------------------------------------------------------

def merge_incidents(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[str, Any]:
    """Merge incidents into the one with the smallest id; the others become tombstones pointing at it."""
    ids = sorted(set(ids))
    if len(ids) < 2:
        raise CurationError("merging needs at least two different incidents")
    with transaction(conn):
        for i in ids:
            _live_incident(conn, i)
        survivor, others = ids[0], ids[1:]
        j = Journal(conn)
        marks = ",".join("?" * len(ids))
        omarks = ",".join("?" * len(others))
        j.keep("incident", f"id IN ({marks}) OR merged_into IN ({omarks})", [*ids, *others])
        j.keep("incident_actor", f"incident_id IN ({omarks})", others)
        j.keep("incident_source", f"incident_id IN ({marks})", ids)
        j.keep("incident_place", f"incident_id IN ({marks})", ids)
        j.keep("incident_tool", f"incident_id IN ({marks})", ids)
        j.keep("tag", f"entity = 'incident' AND entity_id IN ({marks})", ids)
        j.keep("note", f"entity = 'incident' AND entity_id IN ({omarks})", others)
        j.keep("decision", f"entity = 'incident' AND (left_id IN ({marks}) OR right_id IN ({marks}))", [*ids, *ids])
        row = conn.execute("SELECT figures, countries FROM incident WHERE id = ?", (survivor,)).fetchone()
        figures, countries = json.loads(row[0] or "[]"), set(json.loads(row[1] or "[]"))
        have = {(f.get("value"), f.get("unit")) for f in figures}
        moved_sources = 0
        for other in others:
            r = conn.execute("SELECT figures, countries FROM incident WHERE id = ?", (other,)).fetchone()
            for f in json.loads(r[0] or "[]"):
                if (f.get("value"), f.get("unit")) not in have:
                    have.add((f.get("value"), f.get("unit")))
                    figures.append(f)
            countries |= set(json.loads(r[1] or "[]"))
            conn.execute("UPDATE incident_actor SET incident_id = ? WHERE incident_id = ?", (survivor, other))
            # a source already cited by the survivor keeps the survivor's evidence row
            moved_sources += conn.execute(
                "UPDATE incident_source SET incident_id = ? WHERE incident_id = ? AND source_id NOT IN"
                " (SELECT source_id FROM incident_source WHERE incident_id = ?)", (survivor, other, survivor)).rowcount
            conn.execute("DELETE FROM incident_source WHERE incident_id = ?", (other,))
            conn.execute("UPDATE incident_place SET incident_id = ? WHERE incident_id = ? AND lower(name) NOT IN"
                         " (SELECT lower(name) FROM incident_place WHERE incident_id = ?)", (survivor, other, survivor))
            conn.execute("DELETE FROM incident_place WHERE incident_id = ?", (other,))
            conn.execute("UPDATE incident_tool SET incident_id = ? WHERE incident_id = ? AND lower(name) NOT IN"
                         " (SELECT lower(name) FROM incident_tool WHERE incident_id = ?)", (survivor, other, survivor))
            conn.execute("DELETE FROM incident_tool WHERE incident_id = ?", (other,))
            conn.execute("UPDATE tag SET entity_id = ? WHERE entity = 'incident' AND entity_id = ? AND name NOT IN"
                         " (SELECT name FROM tag WHERE entity = 'incident' AND entity_id = ?)", (survivor, other, survivor))
            conn.execute("DELETE FROM tag WHERE entity = 'incident' AND entity_id = ?", (other,))
            conn.execute("UPDATE note SET entity_id = ? WHERE entity = 'incident' AND entity_id = ?", (survivor, other))
            conn.execute("UPDATE incident SET merged_into = ?, updated_at = ? WHERE id = ?", (survivor, utcnow(), other))
            conn.execute("UPDATE incident SET merged_into = ? WHERE merged_into = ?", (survivor, other))
            record_decision(conn, "incident", survivor, other, "same", "merged by an analyst")
        conn.execute("UPDATE incident SET figures = ?, countries = ?, updated_at = ? WHERE id = ?",
                     (json.dumps(figures, ensure_ascii=False), json.dumps(sorted(countries)), utcnow(), survivor))
        j.incidents |= set(ids)
        change = _record(conn, j, "merge", f"merged incidents {', '.join(map(str, others))} into {survivor}")
    return {"survivor": survivor, "merged": others, "moved_sources": moved_sources, "change": change}


def split_source(conn: sqlite3.Connection, incident_id: int, source_id: int) -> dict[str, Any]:
    """Move one source, with the actor links, places, tools and figures it brought, to a new incident."""
    with transaction(conn):
        _live_incident(conn, incident_id)
        n_sources = conn.execute("SELECT count(*) FROM incident_source WHERE incident_id = ?", (incident_id,)).fetchone()[0]
        if not conn.execute("SELECT 1 FROM incident_source WHERE incident_id = ? AND source_id = ?",
                            (incident_id, source_id)).fetchone():
            raise CurationError(f"source {source_id} is not a source of incident {incident_id}")
        if n_sources < 2:
            raise CurationError(f"source {source_id} is the only source of incident {incident_id}; nothing to split")
        j = Journal(conn)
        j.keep("incident", "id = ?", (incident_id,))
        j.keep("incident_source", "incident_id = ? AND source_id = ?", (incident_id, source_id))
        j.keep("incident_actor", "incident_id = ? AND source_id = ?", (incident_id, source_id))
        j.keep("incident_place", "incident_id = ? AND source_id = ?", (incident_id, source_id))
        j.keep("incident_tool", "incident_id = ? AND source_id = ?", (incident_id, source_id))
        j.keep("decision", "entity = 'incident' AND (left_id = ? OR right_id = ?)", (incident_id, incident_id))
        cols = ("title, summary, type, domain, status, date_start, date_end, date_precision, date_basis, countries")
        row = conn.execute(f"SELECT {cols}, figures FROM incident WHERE id = ?", (incident_id,)).fetchone()
        figures = json.loads(row[10] or "[]")
        mine = [f for f in figures if f.get("source_id") == source_id]
        rest = [f for f in figures if f.get("source_id") != source_id]
        title = conn.execute("SELECT title FROM source WHERE id = ?", (source_id,)).fetchone()[0] or row[0]
        now = utcnow()
        cur = conn.execute(
            f"INSERT INTO incident (uuid, {cols}, figures, review, edited_fields, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (str(_uuid.uuid4()), title, row[1], *row[2:10], json.dumps(mine, ensure_ascii=False), "auto", "[]", now, now))
        new_id: int = inserted_id(cur)
        j.added("incident", new_id)
        for table in ("incident_source", "incident_actor", "incident_place", "incident_tool"):
            conn.execute(f"UPDATE {table} SET incident_id = ? WHERE incident_id = ? AND source_id = ?",
                         (new_id, incident_id, source_id))
        conn.execute("UPDATE incident SET figures = ?, updated_at = ? WHERE id = ?",
                     (json.dumps(rest, ensure_ascii=False), now, incident_id))
        record_decision(conn, "incident", incident_id, new_id, "not_same", f"source {source_id} split out by an analyst")
        j.added("decision", conn.execute("SELECT id FROM decision WHERE entity='incident' AND left_id=? AND right_id=?",
                                         (min(incident_id, new_id), max(incident_id, new_id))).fetchone()[0])
        j.incidents |= {incident_id, new_id}
        change = _record(conn, j, "split", f"split source {source_id} out of incident {incident_id} into {new_id}")
    return {"incident": incident_id, "new_incident": new_id, "source": source_id, "change": change}


def validate_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise edited values; raise CurationError naming the first bad one."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key not in EDITABLE:
            raise CurationError(f"{key} cannot be edited (editable: {', '.join(EDITABLE)})")
        value = strip_unsafe(str(value)).strip() if key == "summary" else safe_line(value)
        if key == "title" and not value:
            raise CurationError("the title cannot be empty")
        if key == "type":
            t = normalise_type(value)
            if t is None:
                raise CurationError(f"unknown type {value!r} (see `incidex types`)")
            value = t
        elif key == "status" and value not in STATUSES:
            raise CurationError(f"unknown status {value!r} (choose from {', '.join(STATUSES)})")
        elif key == "domain" and value not in DOMAINS:
            raise CurationError(f"unknown domain {value!r} (choose from {', '.join(DOMAINS)})")
        elif key == "date_precision" and value not in PRECISIONS:
            raise CurationError(f"unknown precision {value!r} (choose from {', '.join(PRECISIONS)})")
        elif key in ("date_start", "date_end"):
            if value == "":
                value = None
            elif not _DATE.match(value):
                raise CurationError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
            else:
                _check_calendar(value)
        out[key] = value
    if "date_start" in out and "date_precision" not in out:
        d = out["date_start"]
        out["date_precision"] = "unknown" if not d else {4: "year", 7: "month", 10: "day"}[len(d)]
    if out.get("date_start") and out.get("date_end") and out["date_end"] < out["date_start"]:
        raise CurationError("the end date is before the start date")
    return out


def _check_calendar(value: str) -> None:
    import datetime as _dt

    if len(value) == 10:
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            raise CurationError(f"no such day: {value}") from None


def edit_incident(conn: sqlite3.Connection, incident_id: int, **fields: Any) -> dict[str, Any]:
    values = validate_fields(fields)
    if not values:
        raise CurationError("nothing to change: give at least one field")
    with transaction(conn):
        _live_incident(conn, incident_id)
        j = Journal(conn)
        j.keep("incident", "id = ?", (incident_id,))
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE incident SET {sets} WHERE id = ?", (*values.values(), incident_id))
        _mark_edited(conn, incident_id, values)
        j.incidents.add(incident_id)
        change = _record(conn, j, "edit", f"edited {', '.join(values)} of incident {incident_id}")
    return {"incident": incident_id, "changed": values, "change": change}


def review(conn: sqlite3.Connection, incident_id: int, reviewed: bool = True) -> dict[str, Any]:
    with transaction(conn):
        _live_incident(conn, incident_id)
        j = Journal(conn)
        j.keep("incident", "id = ?", (incident_id,))
        conn.execute("UPDATE incident SET review = ?, updated_at = ? WHERE id = ?",
                     ("reviewed" if reviewed else "auto", utcnow(), incident_id))
        j.incidents.add(incident_id)
        change = _record(conn, j, "review", f"marked incident {incident_id} {'reviewed' if reviewed else 'auto'}")
    return {"incident": incident_id, "review": "reviewed" if reviewed else "auto", "change": change}


# --- links ---------------------------------------------------------------------------------------------

def resolve_actor(conn: sqlite3.Connection, ref: str | int, create: bool = False) -> int:
    """An actor by id or by name/alias; a name shared by several actors is refused with the candidates."""
    if not isinstance(ref, int):
        ref = safe_line(ref)
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):
        row = conn.execute("SELECT id FROM actor WHERE id = ?", (int(ref),)).fetchone()
        if row is None:
            raise CurationError(f"no actor with id {ref}")
        return live_actor(conn, row[0])
    ids = find_actors(conn, str(ref))
    if len(ids) > 1:
        names = ", ".join(f"{i} ({conn.execute('SELECT name FROM actor WHERE id=?', (i,)).fetchone()[0]})" for i in ids)
        raise CurationError(f"{ref!r} names several actors: {names}; give an id")
    if ids:
        return ids[0]
    if not create:
        raise CurationError(f"no actor named {ref!r}")
    name = ref
    if not name:
        raise CurationError("the actor name is empty")
    cur = conn.execute("INSERT INTO actor (uuid, name, normalised, kind, created_at) VALUES (?,?,?,?,?)",
                       (str(_uuid.uuid4()), name, normalise(name), "unknown", utcnow()))
    add_alias(conn, inserted_id(cur), name, "analyst")
    return inserted_id(cur)


def link_actor(conn: sqlite3.Connection, incident_id: int, actor: str | int, role: str, confidence: int = 80,
               attributed_by: str | None = None) -> dict[str, Any]:
    if role not in ROLES:
        raise CurationError(f"unknown role {role!r} (choose from {', '.join(ROLES)})")
    if not 0 <= int(confidence) <= 100:
        raise CurationError("confidence is a number from 0 to 100")
    attributed_by = safe_line(attributed_by) or None
    with transaction(conn):
        _live_incident(conn, incident_id)
        j = Journal(conn)
        before_actors = conn.execute("SELECT max(id) FROM actor").fetchone()[0] or 0
        actor_id = resolve_actor(conn, actor, create=True)
        if actor_id > before_actors:
            j.added("actor", actor_id)
            for (alias_id,) in conn.execute("SELECT id FROM actor_alias WHERE actor_id = ?", (actor_id,)).fetchall():
                j.added("actor_alias", alias_id)
        if conn.execute("SELECT 1 FROM incident_actor WHERE incident_id = ? AND actor_id = ? AND role = ?",
                        (incident_id, actor_id, role)).fetchone():
            raise CurationError(f"actor {actor_id} is already linked to incident {incident_id} as {role}")
        cur = conn.execute(
            "INSERT INTO incident_actor (incident_id, actor_id, role, attributed_by, confidence, origin)"
            " VALUES (?,?,?,?,?,'analyst')", (incident_id, actor_id, role, attributed_by, int(confidence)))
        j.added("incident_actor", inserted_id(cur))
        j.keep("incident", "id = ?", (incident_id,))
        _mark_edited(conn, incident_id, ["actors"])
        j.incidents.add(incident_id)
        j.actors.add(actor_id)
        change = _record(conn, j, "link", f"linked actor {actor_id} to incident {incident_id} as {role}")
    return {"incident": incident_id, "actor": actor_id, "role": role, "change": change}


def unlink_actor(conn: sqlite3.Connection, incident_id: int, actor: str | int, role: str | None = None) -> dict[str, Any]:
    with transaction(conn):
        _live_incident(conn, incident_id)
        actor_id = resolve_actor(conn, actor)
        params: list[int | str]
        where, params = "incident_id = ? AND actor_id = ?", [incident_id, actor_id]
        if role:
            where += " AND role = ?"
            params.append(role)
        j = Journal(conn)
        j.keep("incident_actor", where, params)
        j.keep("incident", "id = ?", (incident_id,))
        n = conn.execute(f"DELETE FROM incident_actor WHERE {where}", params).rowcount
        if not n:
            raise CurationError(f"actor {actor_id} is not linked to incident {incident_id}" + (f" as {role}" if role else ""))
        _mark_edited(conn, incident_id, ["actors"])
        j.incidents.add(incident_id)
        j.actors.add(actor_id)
        change = _record(conn, j, "unlink", f"unlinked actor {actor_id} from incident {incident_id}")
    return {"incident": incident_id, "actor": actor_id, "removed": n, "change": change}


def link_source(conn: sqlite3.Connection, incident_id: int, source_id: int, relation: str = "report") -> dict[str, Any]:
    with transaction(conn):
        _live_incident(conn, incident_id)
        if not conn.execute("SELECT 1 FROM source WHERE id = ?", (source_id,)).fetchone():
            raise CurationError(f"no source with id {source_id}")
        if conn.execute("SELECT 1 FROM incident_source WHERE incident_id = ? AND source_id = ?",
                        (incident_id, source_id)).fetchone():
            raise CurationError(f"source {source_id} is already a source of incident {incident_id}")
        j = Journal(conn)
        cur = conn.execute("INSERT INTO incident_source (incident_id, source_id, relation, evidence, facts, origin)"
                           " VALUES (?,?,?,'[]','{}','analyst')", (incident_id, source_id, relation))
        j.added("incident_source", inserted_id(cur))
        j.keep("incident", "id = ?", (incident_id,))
        _mark_edited(conn, incident_id, ["sources"])
        j.incidents.add(incident_id)
        change = _record(conn, j, "link", f"linked source {source_id} to incident {incident_id}")
    return {"incident": incident_id, "source": source_id, "change": change}


def unlink_source(conn: sqlite3.Connection, incident_id: int, source_id: int) -> dict[str, Any]:
    with transaction(conn):
        _live_incident(conn, incident_id)
        n = conn.execute("SELECT count(*) FROM incident_source WHERE incident_id = ?", (incident_id,)).fetchone()[0]
        j = Journal(conn)
        j.keep("incident_source", "incident_id = ? AND source_id = ?", (incident_id, source_id))
        if not j.before.get("incident_source"):
            raise CurationError(f"source {source_id} is not a source of incident {incident_id}")
        if n < 2:
            raise CurationError(f"source {source_id} is the only source of incident {incident_id}")
        j.keep("incident_actor", "incident_id = ? AND source_id = ?", (incident_id, source_id))
        j.keep("incident", "id = ?", (incident_id,))
        conn.execute("DELETE FROM incident_source WHERE incident_id = ? AND source_id = ?", (incident_id, source_id))
        conn.execute("DELETE FROM incident_actor WHERE incident_id = ? AND source_id = ? AND origin = 'auto'",
                     (incident_id, source_id))
        _mark_edited(conn, incident_id, ["sources"])
        j.incidents.add(incident_id)
        change = _record(conn, j, "unlink", f"unlinked source {source_id} from incident {incident_id}")
    return {"incident": incident_id, "source": source_id, "change": change}


def merge_actors(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[str, Any]:
    ids = sorted(set(int(i) for i in ids))
    if len(ids) < 2:
        raise CurationError("merging needs at least two different actors")
    with transaction(conn):
        for i in ids:
            row = conn.execute("SELECT merged_into FROM actor WHERE id = ?", (i,)).fetchone()
            if row is None:
                raise CurationError(f"no actor with id {i}")
            if row[0] is not None:
                raise CurationError(f"actor {i} was merged into {row[0]} already")
        survivor, others = ids[0], ids[1:]
        marks = ",".join("?" * len(others))
        j = Journal(conn)
        j.keep("actor", f"id IN ({marks})", others)
        j.keep("actor", "id = ?", (survivor,))
        j.keep("incident_actor", f"actor_id IN ({marks})", others)
        j.keep("actor_alias", f"actor_id IN ({marks})", others)
        j.keep("tag", f"entity = 'actor' AND entity_id IN ({marks})", others)
        j.keep("decision", f"entity = 'actor' AND (left_id IN ({marks}) OR right_id IN ({marks}))", [*others, *others])
        incidents = {r[0] for r in conn.execute(f"SELECT incident_id FROM incident_actor WHERE actor_id IN ({marks})", others)}
        for other in others:
            name = conn.execute("SELECT name FROM actor WHERE id = ?", (other,)).fetchone()[0]
            conn.execute("UPDATE incident_actor SET actor_id = ? WHERE actor_id = ?", (survivor, other))
            for (alias, origin) in conn.execute("SELECT alias, origin FROM actor_alias WHERE actor_id = ?", (other,)).fetchall():
                before = conn.execute("SELECT max(id) FROM actor_alias").fetchone()[0] or 0
                add_alias(conn, survivor, alias, origin)
                new = conn.execute("SELECT max(id) FROM actor_alias").fetchone()[0] or 0
                if new > before:
                    j.added("actor_alias", new)
            before = conn.execute("SELECT max(id) FROM actor_alias").fetchone()[0] or 0
            add_alias(conn, survivor, name, "analyst")
            new = conn.execute("SELECT max(id) FROM actor_alias").fetchone()[0] or 0
            if new > before:
                j.added("actor_alias", new)
            conn.execute("UPDATE tag SET entity_id = ? WHERE entity = 'actor' AND entity_id = ? AND name NOT IN"
                         " (SELECT name FROM tag WHERE entity = 'actor' AND entity_id = ?)", (survivor, other, survivor))
            conn.execute("UPDATE actor SET merged_into = ? WHERE id = ?", (survivor, other))
            conn.execute("UPDATE decision SET verdict = 'same', reason = 'merged by an analyst' WHERE entity = 'actor'"
                         " AND left_id = ? AND right_id = ?", (min(survivor, other), max(survivor, other)))
        conn.execute("UPDATE actor SET kind = CASE WHEN kind = 'unknown' THEN coalesce((SELECT kind FROM actor o"
                     f" WHERE o.id IN ({marks}) AND o.kind != 'unknown' LIMIT 1), kind) ELSE kind END WHERE id = ?",
                     (*others, survivor))
        j.actors |= set(ids)
        j.incidents |= incidents
        change = _record(conn, j, "merge-actors", f"merged actors {', '.join(map(str, others))} into {survivor}")
    return {"survivor": survivor, "merged": others, "change": change}


# --- annotations and decisions ---------------------------------------------------------------------------

ENTITIES = ("incident", "actor", "source")


def _check_entity(conn: sqlite3.Connection, entity: str, entity_id: int) -> None:
    if entity not in ENTITIES:
        raise CurationError(f"unknown record kind {entity!r}")
    if not conn.execute(f"SELECT 1 FROM {entity} WHERE id = ?", (entity_id,)).fetchone():
        raise CurationError(f"no {entity} with id {entity_id}")


def tag(conn: sqlite3.Connection, entity: str, entity_id: int, names: Iterable[str], remove: bool = False) -> dict[str, Any]:
    names = list(dict.fromkeys(n for n in (safe_line(n) for n in names) if n))
    if not names:
        raise CurationError("give at least one tag")
    with transaction(conn):
        _check_entity(conn, entity, entity_id)
        j = Journal(conn)
        marks = ",".join("?" * len(names))
        j.keep("tag", f"entity = ? AND entity_id = ? AND name IN ({marks})", (entity, entity_id, *names))
        for name in names:
            if remove:
                conn.execute("DELETE FROM tag WHERE entity = ? AND entity_id = ? AND name = ?", (entity, entity_id, name))
            elif not conn.execute("SELECT 1 FROM tag WHERE entity = ? AND entity_id = ? AND name = ?",
                                  (entity, entity_id, name)).fetchone():
                add_tag(conn, entity, entity_id, name)
                j.added("tag", conn.execute("SELECT id FROM tag WHERE entity = ? AND entity_id = ? AND name = ?",
                                            (entity, entity_id, name)).fetchone()[0])
        getattr(j, entity + "s").add(entity_id)
        verb = "untagged" if remove else "tagged"
        change = _record(conn, j, "tag", f"{verb} {entity} {entity_id}: {', '.join(names)}")
    tags = [r[0] for r in conn.execute("SELECT name FROM tag WHERE entity = ? AND entity_id = ? ORDER BY name",
                                       (entity, entity_id))]
    return {entity: entity_id, "tags": tags, "change": change}


def note(conn: sqlite3.Connection, entity: str, entity_id: int, text: str) -> dict[str, Any]:
    text = strip_unsafe(text or "").strip()
    if not text:
        raise CurationError("the note is empty")
    with transaction(conn):
        _check_entity(conn, entity, entity_id)
        j = Journal(conn)
        cur = conn.execute("INSERT INTO note (entity, entity_id, text, created_at) VALUES (?,?,?,?)",
                           (entity, entity_id, text, utcnow()))
        j.added("note", inserted_id(cur))
        change = _record(conn, j, "note", f"note on {entity} {entity_id}")
    return {entity: entity_id, "note": inserted_id(cur), "change": change}


def decide(conn: sqlite3.Connection, entity: str, left: int, right: int, verdict: str, reason: str | None = None) -> dict[str, Any]:
    if verdict not in ("same", "not_same"):
        raise CurationError("a decision is 'same' or 'not_same'")
    if entity not in ("incident", "actor"):
        raise CurationError("decisions are about incidents or actors")
    with transaction(conn):
        for i in (left, right):
            _check_entity(conn, entity, i)
        j = Journal(conn)
        lo, hi = sorted((left, right))
        j.keep("decision", "entity = ? AND left_id = ? AND right_id = ?", (entity, lo, hi))
        existed = bool(j.before.get("decision"))
        record_decision(conn, entity, lo, hi, verdict, safe_line(reason) or "decided by an analyst")
        if not existed:
            j.added("decision", conn.execute("SELECT id FROM decision WHERE entity = ? AND left_id = ? AND right_id = ?",
                                             (entity, lo, hi)).fetchone()[0])
        change = _record(conn, j, "decide", f"{entity}s {lo} and {hi}: {verdict}")
    return {"entity": entity, "left": lo, "right": hi, "verdict": verdict, "change": change}


class PendingDecision(TypedDict):
    id: int
    entity: str  # incident or actor
    left: int
    right: int
    reason: str | None
    left_name: str | None  # the incident's title or the actor's name, as they stand now
    right_name: str | None


def pending_decisions(conn: sqlite3.Connection) -> list[PendingDecision]:
    return [{"id": r[0], "entity": r[1], "left": r[2], "right": r[3], "reason": r[4], "left_name": r[5],
             "right_name": r[6]} for r in conn.execute(
        "SELECT d.id, d.entity, d.left_id, d.right_id, d.reason,"
        " CASE d.entity WHEN 'actor' THEN (SELECT name FROM actor WHERE id = d.left_id)"
        " ELSE (SELECT title FROM incident WHERE id = d.left_id) END,"
        " CASE d.entity WHEN 'actor' THEN (SELECT name FROM actor WHERE id = d.right_id)"
        " ELSE (SELECT title FROM incident WHERE id = d.right_id) END"
        " FROM decision d WHERE d.verdict = 'pending' ORDER BY d.id")]


# --- undo ------------------------------------------------------------------------------------------------

class Change(TypedDict):
    """A row of the curation journal, as `incidex changes` lists it."""

    id: int
    action: str
    summary: str
    undone: bool
    created_at: str
    author: str | None


def changes(conn: sqlite3.Connection, limit: int = 20) -> list[Change]:
    return [{"id": r[0], "action": r[1], "summary": r[2], "undone": bool(r[3]), "created_at": r[4], "author": r[5]}
            for r in conn.execute("SELECT id, action, summary, undone, created_at, author FROM change ORDER BY id DESC"
                                  " LIMIT ?", (limit,))]


def undo(conn: sqlite3.Connection, change_id: int | None = None) -> dict[str, Any]:
    """Undo a change (the latest one not undone yet, by default), restoring the rows it modified. The rows
    as the change left them go into its journal (db/journal.py), so that `redo` can put them back."""
    with transaction(conn):
        if change_id is None:
            row = conn.execute("SELECT id, summary, undo FROM change WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                raise CurationError("nothing to undo")
        else:
            row = conn.execute("SELECT id, summary, undo FROM change WHERE id = ? AND undone = 0", (change_id,)).fetchone()
            if row is None:
                raise CurationError(f"no change {change_id} to undo")
            later = conn.execute("SELECT count(*) FROM change WHERE id > ? AND undone = 0", (change_id,)).fetchone()[0]
            if later:
                raise CurationError(f"change {change_id} has later changes; undo those first")
        data = json.loads(row[2])
        data["redo"] = journal.snapshot(conn, data)
        journal.restore(conn, data["before"], data["inserted"])
        conn.execute("UPDATE change SET undone = 1, undo = ? WHERE id = ?", (json.dumps(data, ensure_ascii=False), row[0]))
        search.reindex(conn, incidents=data.get("incidents", []), actors=data.get("actors", []),
                       sources=data.get("sources", []))
    return {"change": row[0], "undone": row[1]}


def redo(conn: sqlite3.Connection, change_id: int | None = None) -> dict[str, Any]:
    """Redo the change undone last (or `change_id`, if it is that one): the rows it touched go back to what
    they were when it was undone. Refused when nothing was undone, or when a change was recorded after the
    undo (a new change clears the redo, as in an editor). A redone change can be undone again."""
    with transaction(conn):
        stack = journal.redo_stack(conn)
        if change_id is not None and (not stack or change_id != stack[0]):
            raise CurationError(f"change {change_id} cannot be redone: redo change {stack[0]} first"
                                if change_id in stack else f"no change {change_id} to redo")
        if not stack:
            raise CurationError("nothing to redo (a change made after an undo clears what can be redone)")
        row = conn.execute("SELECT id, summary, undo FROM change WHERE id = ?", (stack[0],)).fetchone()
        data = json.loads(row[2])
        taken = journal.reused(conn, data)
        if taken:
            raise CurationError(f"change {row[0]} cannot be redone: {taken[0]} {taken[1]} was created since the undo")
        try:
            journal.restore(conn, data["redo"]["after"], data["redo"]["gone"])
        except sqlite3.IntegrityError as exc:
            raise CurationError(f"change {row[0]} cannot be redone: the database changed since the undo ({exc})") from None
        conn.execute("UPDATE change SET undone = 0 WHERE id = ?", (row[0],))
        search.reindex(conn, incidents=data.get("incidents", []), actors=data.get("actors", []),
                       sources=data.get("sources", []))
    return {"change": row[0], "redone": row[1]}


# --- the review queue: settling pending decisions ---------------------------------------------------------

def settle(conn: sqlite3.Connection, decision_id: int, accept: bool) -> dict[str, Any]:
    """Settle a pending decision of the review queue (importers/resolve.py writes them for same-event joins
    it is not sure of, db/store.py for names shared by several actors): accepting merges the two incidents
    (or actors), as `merge` would, rejecting records `not_same`, which later imports respect. Either is
    one change in the journal, undone by `undo`."""
    row = conn.execute("SELECT entity, left_id, right_id, verdict FROM decision WHERE id = ?", (decision_id,)).fetchone()
    if row is None:
        raise CurationError(f"no decision {decision_id}")
    entity, left, right, verdict = row
    if verdict != "pending":
        raise CurationError(f"decision {decision_id} is already settled ({verdict})")
    if not accept:
        return dict(decide(conn, entity, left, right, "not_same", "rejected in the review queue"), decision=decision_id)
    from db.records import follow

    live = []
    for i in (left, right):
        if not conn.execute(f"SELECT 1 FROM {entity} WHERE id = ?", (i,)).fetchone():
            raise CurationError(f"{entity} {i} no longer exists; reject decision {decision_id} instead")
        live.append(follow(conn, entity, i) or i)
    if live[0] == live[1]:  # merged already, by another decision or by hand
        return dict(decide(conn, entity, left, right, "same", "accepted in the review queue"), decision=decision_id)
    merged = merge_incidents(conn, live) if entity == "incident" else merge_actors(conn, live)
    if (left, right) != tuple(sorted(live)):  # the pair the merge recorded is not this row's: settle it too
        with transaction(conn):
            conn.execute("UPDATE decision SET verdict = 'same', reason = 'accepted in the review queue' WHERE id = ?",
                         (decision_id,))
    return dict(merged, entity=entity, decision=decision_id, verdict="same")
