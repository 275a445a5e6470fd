"""The resolution block index: which live incidents carry an actor or a place, ordered by date.

Resolution looks for the incidents near a draft's date that share an actor or a place with it. Walking
the date index and probing each incident's links cost what the window holds (at 100k incidents over
eight years, a week holds a hundred incidents for a handful that share a name); reading the links'
own dates costs what it finds. `incident_key` holds one row per (actor or place, live incident) with
the incident's date and type, kept by triggers on the links and the incidents, so every writer (the
import, curation, undo) keeps it right without knowing it exists.

Keys: ``'a' || actor_id`` and ``'p' || place name`` (as stored). Undated incidents have date ``''``.
"""
from __future__ import annotations

import sqlite3

_LIVE_ACTORS = ("SELECT 'a' || ia.actor_id, coalesce(i.date_start, ''), i.id, i.type FROM incident_actor ia"
                " JOIN incident i ON i.id = ia.incident_id WHERE i.merged_into IS NULL")
_LIVE_PLACES = ("SELECT 'p' || ip.name, coalesce(i.date_start, ''), i.id, i.type FROM incident_place ip"
                " JOIN incident i ON i.id = ip.incident_id WHERE i.merged_into IS NULL")


def _link_triggers(table: str, column: str, prefix: str) -> list[str]:
    """Insert, delete and update triggers of one link table: a key row exists while one link does."""
    add = (f"INSERT OR IGNORE INTO incident_key (key, date_start, incident_id, type)"
           f" SELECT '{prefix}' || new.{column}, coalesce(date_start, ''), id, type FROM incident"
           f" WHERE id = new.incident_id AND merged_into IS NULL;")
    # by the primary key: the incident's date is read from its row (gone when the incident was deleted,
    # and then its rows already are: `incident_key_gone`)
    drop = (f"DELETE FROM incident_key WHERE key = '{prefix}' || old.{column} AND date_start ="
            f" (SELECT coalesce(date_start, '') FROM incident WHERE id = old.incident_id)"
            f" AND incident_id = old.incident_id"
            f" AND NOT EXISTS (SELECT 1 FROM {table} WHERE incident_id = old.incident_id AND {column} = old.{column});")
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_key_insert AFTER INSERT ON {table} BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_key_delete AFTER DELETE ON {table} BEGIN {drop} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_key_update AFTER UPDATE OF incident_id, {column} ON {table}"
            f" BEGIN {drop} {add} END"]


_OLD_ROWS = ("DELETE FROM incident_key WHERE key IN (SELECT 'a' || actor_id FROM incident_actor WHERE incident_id = old.id"
             " UNION SELECT 'p' || name FROM incident_place WHERE incident_id = old.id)"
             " AND date_start = coalesce(old.date_start, '') AND incident_id = old.id;")

DDL = [
    "CREATE TABLE IF NOT EXISTS incident_key (key TEXT NOT NULL, date_start TEXT NOT NULL,"
    " incident_id INTEGER NOT NULL, type TEXT NOT NULL, PRIMARY KEY (key, date_start, incident_id)) WITHOUT ROWID",
    *_link_triggers("incident_actor", "actor_id", "a"),
    *_link_triggers("incident_place", "name", "p"),
    # An incident whose date, type or liveness changed has its rows written again from its links.
    "CREATE TRIGGER IF NOT EXISTS incident_key_incident AFTER UPDATE OF date_start, type, merged_into ON incident"
    " WHEN new.date_start IS NOT old.date_start OR new.type IS NOT old.type OR new.merged_into IS NOT old.merged_into"
    f" BEGIN {_OLD_ROWS}"
    f" INSERT OR IGNORE INTO incident_key {_LIVE_ACTORS} AND i.id = new.id;"
    f" INSERT OR IGNORE INTO incident_key {_LIVE_PLACES} AND i.id = new.id; END",
    # before the row goes, while its links still say which rows it has
    f"CREATE TRIGGER IF NOT EXISTS incident_key_gone BEFORE DELETE ON incident BEGIN {_OLD_ROWS} END",
]


def ensure(conn: sqlite3.Connection) -> None:
    """Create the table and its triggers (idempotent)."""
    for stmt in DDL:
        conn.execute(stmt)


def out_of_step(conn: sqlite3.Connection) -> int:
    """Rows the table has but the links do not say, plus rows the links say but the table lacks."""
    have = "SELECT key, date_start, incident_id, type FROM incident_key"
    want = f"SELECT * FROM ({_LIVE_ACTORS} UNION {_LIVE_PLACES}) AS w"  # (compound operators bind left to right)
    n: int = conn.execute(f"SELECT (SELECT count(*) FROM ({have} EXCEPT {want}) AS a)"
                          f" + (SELECT count(*) FROM ({want} EXCEPT {have}) AS b)"
                          ).fetchone()[0]
    return n


def rebuild(conn: sqlite3.Connection) -> None:
    """Fill the table again from the links (after creating it in an older file, or to repair it)."""
    conn.execute("DELETE FROM incident_key")
    conn.execute(f"INSERT OR IGNORE INTO incident_key (key, date_start, incident_id, type) {_LIVE_ACTORS}")
    conn.execute(f"INSERT OR IGNORE INTO incident_key (key, date_start, incident_id, type) {_LIVE_PLACES}")
