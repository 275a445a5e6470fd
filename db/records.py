"""Records as they stand after curation, and the words they read in.

Merges leave tombstones (`merged_into`): every reference to a merged incident or actor is followed to its
survivor by the one walker here. The role titles, date and figure wording are shared by the command
line's renderer (importers/cli/render.py) and the browser's (tui/render.py)."""
from __future__ import annotations

import sqlite3
from typing import Any

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


# --- the words of a record (shared by every renderer) ------------------------------------------------

ROLE_TITLES = {
    "perpetrator": "Perpetrators", "claimed": "Claimed by", "attributed": "Attributed to",
    "suspected": "Suspected", "denied": "Denied by", "target": "Targets",
}


def date_text(inc: dict[str, Any]) -> str:
    if not inc.get("date"):
        return "date unknown"
    out = inc["date"]
    if inc.get("date_end") and inc["date_end"] != inc["date"]:
        out += f" to {inc['date_end']}"
    return f"{out} ({inc.get('date_precision', 'unknown')} precision, {inc.get('date_basis', 'occurred')})"


def figure_text(f: dict[str, Any]) -> str:
    v = f.get("value")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,} {f.get('unit') or ''}".strip() if isinstance(v, (int, float)) else f"{v} {f.get('unit') or ''}"


def tool_text(t: dict[str, Any]) -> str:
    """A tool as every renderer names it: "GandCrab (ransomware)"."""
    return f"{t.get('name') or '?'} ({t.get('kind') or 'malware'})"


def by_role(actors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for a in actors:
        groups.setdefault(a["role"], []).append(a)
    return groups
