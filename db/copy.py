"""`incidex db copy SRC DST`: a whole database into an empty one, across engines (a personal SQLite file into
the team's PostgreSQL database and back).

Every row of every table keeps its id, so merges (`merged_into`), decisions, notes, tags, the curation
journal (its row images name ids) and evidence offsets stay true. The copy is one transaction on the
destination: it lands whole or not at all. The resolution block index and the search index are built
again from the copied rows rather than copied (their layout is the engine's own).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from db import blocking, search
from db.engine import engine_of
from db.models import TABLES

BATCH = 2000
SELF_REFERENCES = {"incident": "merged_into", "actor": "merged_into"}
"""Columns pointing at a row of the same table: written after every row of it exists (a merge survivor
may be newer than what was merged into it, and foreign keys are checked at each statement)."""


class CopyError(Exception):
    """The copy cannot be made; one line for the user."""


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _has_rows(conn: sqlite3.Connection) -> list[str]:
    return [m.__table__.name for m in TABLES  # type: ignore[attr-defined]
            if conn.execute(f"SELECT 1 FROM {m.__table__.name} LIMIT 1").fetchone()]  # type: ignore[attr-defined]


def copy(src: sqlite3.Connection, dst: sqlite3.Connection,
         progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `src` into `dst` (which must hold no rows); returns the rows copied per table."""
    busy = _has_rows(dst)
    if busy:
        raise CopyError(f"the destination is not empty (it has {', '.join(busy[:3])} rows): copy into a new database")
    counts: dict[str, int] = {}
    server = engine_of(dst) == "postgresql"  # rows go in through COPY there
    dst.execute("BEGIN IMMEDIATE")
    try:
        for model in TABLES:
            table = model.__table__.name  # type: ignore[attr-defined]
            have = set(_columns(dst, table))
            cols = [c for c in _columns(src, table) if c in have]
            later = SELF_REFERENCES.get(table)
            pointers: list[tuple[Any, Any]] = []
            quoted = ", ".join(f'"{c}"' for c in cols)
            insert = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(cols))})"
            at, key = (cols.index(later) if later else -1), cols.index("id")
            n = 0
            cur = src.execute(f"SELECT {quoted} FROM {table} ORDER BY id")
            while rows := cur.fetchmany(BATCH):
                if at >= 0:
                    pointers += [(r[at], r[key]) for r in rows if r[at] is not None]
                    rows = [(*r[:at], None, *r[at + 1:]) for r in rows]
                if server:
                    dst.copy_rows(table, cols, rows)  # type: ignore[attr-defined]
                else:
                    dst.executemany(insert, rows)
                n += len(rows)
                if progress:
                    progress(table, n)
            if pointers:
                dst.executemany(f"UPDATE {table} SET {later} = ? WHERE id = ?", pointers)
            counts[table] = n
        blocking.rebuild(dst)
        search.rebuild(dst)
        if server:
            dst.execute("ANALYZE")  # fresh tables: the planner's statistics, as autovacuum would gather later
        dst.execute("COMMIT")
    except BaseException:
        if dst.in_transaction:
            dst.execute("ROLLBACK")
        raise
    return counts
