"""`incidex db check`: integrity, foreign keys, orphans, the resolution block index and the search index."""
from __future__ import annotations

import sqlite3
from typing import TypedDict

from db import blocking, search


class CheckReport(TypedDict):
    """What `check` returns: the verdict, the problems found, the row counts, and the lines to print."""

    ok: bool
    problems: list[str]
    counts: dict[str, int]
    lines: list[str]


# (description, SQL counting offending rows)
ORPHANS = [
    ("incident links to a missing incident", "SELECT count(*) FROM incident_actor WHERE incident_id NOT IN (SELECT id FROM incident)"),
    ("actor links to a missing actor", "SELECT count(*) FROM incident_actor WHERE actor_id NOT IN (SELECT id FROM actor)"),
    ("source links to a missing source", "SELECT count(*) FROM incident_source WHERE source_id NOT IN (SELECT id FROM source)"),
    ("source links to a missing incident", "SELECT count(*) FROM incident_source WHERE incident_id NOT IN (SELECT id FROM incident)"),
    ("places of a missing incident", "SELECT count(*) FROM incident_place WHERE incident_id NOT IN (SELECT id FROM incident)"),
    ("aliases of a missing actor", "SELECT count(*) FROM actor_alias WHERE actor_id NOT IN (SELECT id FROM actor)"),
    ("live incidents without any source",
     "SELECT count(*) FROM incident i WHERE merged_into IS NULL AND NOT EXISTS"
     " (SELECT 1 FROM incident_source s WHERE s.incident_id = i.id)"),
    ("merges pointing at a missing incident",
     "SELECT count(*) FROM incident WHERE merged_into IS NOT NULL AND merged_into NOT IN (SELECT id FROM incident)"),
]


def check(conn: sqlite3.Connection, rebuild: bool = False) -> CheckReport:
    lines: list[str] = []
    problems: list[str] = []
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append("integrity: " + "; ".join(integrity[:5]))
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        problems.append(f"foreign keys: {len(fk)} rows point at missing parents")
    for desc, sql in ORPHANS:
        n = conn.execute(sql).fetchone()[0]
        if n:
            problems.append(f"{n} {desc}")
    if rebuild:
        conn.execute("BEGIN IMMEDIATE")
        try:
            blocking.rebuild(conn)
            search.rebuild(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        lines.append("resolution and search indexes rebuilt")
    stale = blocking.out_of_step(conn)
    if stale:
        problems.append(f"{stale} rows of the resolution index out of step with the links (fix: --rebuild)")
    counts: dict[str, int] = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("source", "incident", "actor")}
    lines.append(f"{counts['source']:,} sources, {counts['incident']:,} incidents, {counts['actor']:,} actors")
    lines.extend(problems or ["ok: integrity, foreign keys and links are consistent"])
    return {"ok": not problems, "problems": problems, "counts": counts, "lines": lines}
