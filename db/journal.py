"""The row images of the curation journal (db/curation.py) and how undo and redo write them back.

A change keeps the rows it is about to modify ("before") and the ids of the rows it inserts; its undo keeps
the same rows as the change left them ("after", and the ids among them that were gone), so that a redo
puts exactly those back. Only the tables below are journalled; table names never come from input.
"""
from __future__ import annotations

import sqlite3
from typing import Any

ORDER = ("decision", "note", "tag", "incident_tool", "incident_place", "incident_actor", "incident_source", "actor_alias",
         "actor", "incident")
"""Children first (when deleting), parents first when this is read backwards (when putting rows back)."""


def put(conn: sqlite3.Connection, table: str, image: dict[str, Any]) -> None:
    """Write a row image back: UPDATE in place when the row is still there (a REPLACE would delete it first
    and cascade that delete to its children), INSERT when it is gone. Only the table's own columns are
    written: the journal is text in a file that may be shared, and its keys become identifiers here."""
    known = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    cols = [c for c in image if c in known]
    if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (image["id"],)).fetchone():
        sets = ", ".join(f'"{c}" = ?' for c in cols if c != "id")
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [image[c] for c in cols if c != "id"] + [image["id"]])
    else:
        quoted = ", ".join(f'"{c}"' for c in cols)
        conn.execute(f"INSERT INTO {table} ({quoted}) VALUES ({','.join('?' * len(cols))})", [image[c] for c in cols])


def restore(conn: sqlite3.Connection, keep: dict[str, list[dict[str, Any]]], drop: dict[str, list[int]]) -> None:
    """Delete the rows of `drop` (children first), then write the images of `keep` (parents first)."""
    for table in ORDER:
        for rid in drop.get(table, []):
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (rid,))
    for table in reversed(ORDER):
        for image in keep.get(table, []):
            put(conn, table, image)


def snapshot(conn: sqlite3.Connection, data: dict[str, Any]) -> dict[str, Any]:
    """What a redo of the journalled change `data` needs, taken just before its undo: the rows it touched
    (kept or inserted) as they are now, the ids among them that are gone, and the latest change id (a change
    recorded after the undo clears the redo, as in an editor)."""
    after: dict[str, list[dict[str, Any]]] = {}
    gone: dict[str, list[int]] = {}
    for table in ORDER:
        ids = sorted({r["id"] for r in data["before"].get(table, [])} | set(data["inserted"].get(table, [])))
        if not ids:
            continue
        cur = conn.execute(f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(ids))})", ids)
        cols = [d[0] for d in cur.description]
        after[table] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        gone[table] = sorted(set(ids) - {r["id"] for r in after[table]})
    upto = conn.execute("SELECT max(id) FROM change").fetchone()[0]
    return {"after": after, "gone": gone, "upto": upto}


def redo_stack(conn: sqlite3.Connection) -> list[int]:
    """The changes a redo can put back, next first: those undone since the latest change was recorded.
    An undo always takes the latest change still applied, so among them the one undone last has the
    smallest id."""
    latest = conn.execute("SELECT max(id) FROM change").fetchone()[0]
    return [r[0] for r in conn.execute(
        "SELECT id FROM change WHERE undone = 1 AND json_extract(undo, '$.redo.upto') = ? ORDER BY id", (latest,))]


def reused(conn: sqlite3.Connection, data: dict[str, Any]) -> tuple[str, int] | None:
    """A row the change inserted, its undo deleted and its redo would insert again, whose id another row
    (an import since the undo) now holds; None when there is none."""
    after = data["redo"]["after"]
    for table in ORDER:
        for rid in sorted({r["id"] for r in after.get(table, [])} & set(data["inserted"].get(table, []))):
            if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (rid,)).fetchone():
                return table, rid
    return None
