"""Full-text index maintenance and search (FTS5). Being rewritten by the search work: keep the
function names `ensure_schema`, `reindex` and `rebuild` stable, the store calls them."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS incident_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS actor_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS source_fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')"
    )


def reindex(conn: sqlite3.Connection, incidents: Iterable[int] = (), actors: Iterable[int] = (),
            sources: Iterable[int] = ()) -> None:
    for iid in set(incidents):
        conn.execute("DELETE FROM incident_fts WHERE rowid = ?", (iid,))
        row = conn.execute("SELECT title, type, date_start FROM incident WHERE id = ?", (iid,)).fetchone()
        if row:
            conn.execute("INSERT INTO incident_fts(rowid, text) VALUES (?, ?)", (iid, " ".join(filter(None, row))))
    for aid in set(actors):
        conn.execute("DELETE FROM actor_fts WHERE rowid = ?", (aid,))
        row = conn.execute("SELECT name FROM actor WHERE id = ?", (aid,)).fetchone()
        if row:
            conn.execute("INSERT INTO actor_fts(rowid, text) VALUES (?, ?)", (aid, row[0]))
    for sid in set(sources):
        conn.execute("DELETE FROM source_fts WHERE rowid = ?", (sid,))
        row = conn.execute("SELECT title, body FROM source WHERE id = ?", (sid,)).fetchone()
        if row:
            conn.execute("INSERT INTO source_fts(rowid, title, body) VALUES (?, ?, ?)", (sid, row[0] or "", row[1]))


def rebuild(conn: sqlite3.Connection) -> None:
    ids = lambda t: [r[0] for r in conn.execute(f"SELECT id FROM {t}")]  # noqa: E731
    reindex(conn, ids("incident"), ids("actor"), ids("source"))
