"""Reading records as they stand after curation: merges leave tombstones (`merged_into`), and every
reference to a merged incident or actor is followed to its survivor by the one walker here."""
from __future__ import annotations

import sqlite3

MAX_HOPS = 64
"""A chain of merges longer than this is treated as broken (merging rewrites older tombstones to point at
the new survivor, so real chains are one or two hops; only a hand-edited cycle gets near this)."""

_NEXT = {"incident": "SELECT merged_into FROM incident WHERE id = ?",
         "actor": "SELECT merged_into FROM actor WHERE id = ?"}


def follow(conn: sqlite3.Connection, table: str, record_id: int) -> int | None:
    """The live record an id now stands for, or None when the id is unknown, its chain of merges points at
    a missing row, or the chain loops."""
    sql = _NEXT[table]
    for _ in range(MAX_HOPS):
        row = conn.execute(sql, (record_id,)).fetchone()
        if row is None:
            return None
        if row[0] is None:
            return record_id
        record_id = row[0]
    return None
