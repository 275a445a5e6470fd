"""The search index's shape: its tables, sort keys and key tokens, and how FTS5 expressions address them.

Everything SQLite-specific about the layout is here (what goes into the tables is `db.search.documents`,
how a query reads them is `db.search.compile` and `db.search.plan`):

* ``incident_fts``: FTS5 (unicode61, remove_diacritics 2, prefix indexes 2 and 3) with columns title,
  type, actors, targets, places, tags, extra (year), text (the summary and the evidence sentences, bounded
  by ``TEXT_CHARS``: full-text search beside the title; rows found there only rank below title hits) and
  keys (internal tokens: ``a<actor id>``, ``a<id><role>``, ``t<target id>``, ``r<role>``, ``c<country>``,
  ``rv<review>``, ``ty<type>``, ``s<source id>``, ``zall``; each written behind ``KEY_MARK``). Its rowid is a sort key
  ``date_key << 32 | id`` where date_key is YYYYMMDD of ``date_start`` (missing month/day = 00;
  undated = 0), so "newest N matching" is ``ORDER BY rowid DESC LIMIT N`` straight off the index and
  date qualifiers are rowid ranges.
  The FTS5 table is contentless; ``incident_doc(skey PRIMARY KEY, id UNIQUE, <same columns>)`` holds
  the indexed text (read back in one join for the candidates; also needed to delete from a contentless
  table). ``keys`` also holds ``i<letter>`` tokens, the initials of the row's words: a 1-letter prefix
  index (FTS5's own prefix indexes are for 2 and 3 letters).
* ``actor_fts``/``actor_doc`` (skey = actor id), ``source_fts``/``source_doc`` (skey = published date
  key << 32 | id) and ``source_body_fts`` (article bodies, rowid = the source's skey),
  ``search_vocab(view, term)``: known words (for typo correction and prefix expansion) and known
  values (types, places, tags, actor kinds), plus the layout version (`needs_rebuild`).

Also here: the DDL (`ensure_schema`, `needs_rebuild`), the date keys (`date_key`, `key_date`), the FTS5
expression helpers (user text reaches FTS5 only through `_q`) and small SQL helpers the other modules share.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from db import search as _package  # KEY_MARK is read there at call time: `db.search.KEY_MARK = ...` applies
from db.engine import engine_of

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from types import TracebackType

LAYOUT = "5"
"""Version of the index layout; `needs_rebuild` compares it with the one recorded by `rebuild`."""
TEXT_CHARS = 2000
"""Characters of summary and evidence an incident's index row holds (a row is read back whole when a term
must be verified in Python: a bound keeps that cost flat; an incident's summary and first sentences say
what it is about)."""
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
TOKENIZE = "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3'"
_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


# --------------------------------------------------------------------------------------------------
# Views


@dataclass(frozen=True)
class View:
    name: str
    table: str          # FTS5 table (contentless)
    doc: str            # its content: (skey INTEGER PRIMARY KEY, id, columns...)
    columns: tuple[str, ...]
    text_columns: tuple[str, ...]  # searched by plain words
    title_column: str
    dated: bool
    # The qualifiers a view understands are the keys of `db.search.compile.QUALIFIERS[name]`.


VIEWS = {
    "incidents": View("incidents", "incident_fts", "incident_doc",
                      ("title", "type", "actors", "targets", "places", "tags", "extra", "text", "keys"),
                      ("title", "type", "actors", "targets", "places", "tags", "extra", "text"), "title", True),
    "actors": View("actors", "actor_fts", "actor_doc", ("name", "aliases", "kind", "country", "tags", "keys"),
                   ("name", "aliases", "kind", "country", "tags"), "name", False),
    "sources": View("sources", "source_fts", "source_doc", ("title", "publisher", "url", "tags", "keys"),
                    ("title", "publisher", "url", "tags"), "title", True),
}
_VIEW_ALIASES = {"incident": "incidents", "actor": "actors", "source": "sources"}


def _view(name: str) -> View:
    v = VIEWS.get(_VIEW_ALIASES.get(name, name))
    if v is None:
        raise ValueError(f"unknown view {name!r}: expected one of {', '.join(VIEWS)}")
    return v


# --------------------------------------------------------------------------------------------------
# Schema


def server(conn: object) -> bool:
    """Is this a PostgreSQL connection (`db.postgres`)? Its index tables are plain tables (below)."""
    return engine_of(conn) == "postgresql"


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    if server(conn):
        return bool(conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0])
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def drop_rows(conn: sqlite3.Connection, view: View, old: list[tuple[Any, ...]]) -> None:
    """Remove index rows (skey, *columns): a contentless FTS5 table needs the values it indexed."""
    if server(conn):
        conn.executemany(f"DELETE FROM {view.table} WHERE rowid = ?", [(r[0],) for r in old])
        return
    conn.executemany(f"INSERT INTO {view.table}({view.table}, rowid, {', '.join(view.columns)}) "
                     f"VALUES ('delete', {_marks(len(view.columns) + 1)})", old)


def put_rows(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Add index rows (sort key, then the text of each column)."""
    if server(conn):
        from db.search import pgfts

        conn.executemany(pgfts.put(table), pgfts.rows(rows))
        return
    conn.executemany(f"INSERT INTO {table}(rowid, {', '.join(columns)}) VALUES ({_marks(len(columns) + 1)})", rows)


def optimize(conn: sqlite3.Connection, table: str) -> None:
    """Merge an FTS5 table's segments after a rebuild; on a server, gather the statistics its planner needs
    to choose between the GIN index and the sort key (without them it read whole tables)."""
    if server(conn):
        conn.execute(f"ANALYZE {table}")
    else:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def _ensure_server_schema(conn: sqlite3.Connection) -> None:
    """PostgreSQL: each FTS5 table is a table of tsvector columns keyed by the same sort key
    (`db.search.pgfts`); the doc, vocabulary and pending tables are the same as on SQLite."""
    from db.search import pgfts

    for stmt in pgfts.index_ddl():
        conn.execute(stmt)
    for view in VIEWS.values():
        # SQLite's `skey INTEGER PRIMARY KEY` is the table's rowid, and queries read it by either name
        conn.execute(f"CREATE TABLE IF NOT EXISTS {view.doc} (skey BIGINT PRIMARY KEY, id BIGINT NOT NULL, "
                     + ", ".join(f"{c} TEXT NOT NULL" for c in view.columns)
                     + ", rowid BIGINT GENERATED ALWAYS AS (skey) STORED)")
        conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {view.doc}_id ON {view.doc}(id)")
        conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {view.doc}_rowid ON {view.doc}(rowid)")
    conn.execute("CREATE TABLE IF NOT EXISTS search_vocab (view TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (view, term))")
    conn.execute(_PENDING_DDL.removesuffix(" WITHOUT ROWID"))


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the search tables if missing (idempotent). Replaces the placeholder's tables."""
    if server(conn):
        _ensure_server_schema(conn)
        return
    existing = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")}
    # The placeholder had incident_fts(text) etc.: drop anything that does not have our layout
    # (`rebuild` fills the new tables).
    for view in VIEWS.values():
        sql = existing.get(view.table)
        if sql is not None and "content=''" not in sql:
            conn.execute(f"DROP TABLE {view.table}")
    for view in VIEWS.values():
        cols = ", ".join(view.columns)
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {view.table} USING fts5({cols}, content='', {TOKENIZE})")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {view.doc} (skey INTEGER PRIMARY KEY, id INTEGER NOT NULL, "
                     + ", ".join(f"{c} TEXT NOT NULL" for c in view.columns) + ")")
        conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {view.doc}_id ON {view.doc}(id)")
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS source_body_fts USING fts5(body, {TOKENIZE})")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS search_vocab (view TEXT NOT NULL, term TEXT NOT NULL, "
        "PRIMARY KEY (view, term)) WITHOUT ROWID"
    )
    conn.execute(_PENDING_DDL)


_PENDING_DDL = ("CREATE TABLE IF NOT EXISTS search_pending (view TEXT NOT NULL, id INTEGER NOT NULL, "
                "PRIMARY KEY (view, id)) WITHOUT ROWID")


def needs_rebuild(conn: sqlite3.Connection) -> bool:
    """True when the search index was built by another layout version (or never): run `rebuild`."""
    try:
        row: tuple[str] | None = conn.execute("SELECT term FROM search_vocab WHERE view = '_layout'").fetchone()
    except sqlite3.OperationalError:
        return True
    if row is None:
        # A database created empty by this version: nothing to rebuild as long as it has no rows.
        unindexed: bool = conn.execute("SELECT EXISTS (SELECT 1 FROM incident)").fetchone()[0] == 1 and \
            conn.execute("SELECT EXISTS (SELECT 1 FROM incident_doc)").fetchone()[0] == 0
        return unindexed
    return row[0] != LAYOUT


def date_key(value: str | None) -> int:
    """'2024-03-11' -> 20240311, '2024-03' -> 20240300, '2024' -> 20240000, None/garbage -> 0."""
    if not value:
        return 0
    m = _DATE_RE.match(value)
    if not m:
        return 0
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else 0
    d = int(m.group(3)) if m.group(3) else 0
    if not 0 <= mo <= 12:
        mo = 0
    if not 0 <= d <= 31:
        d = 0
    return y * 10000 + mo * 100 + d


def key_date(key: int) -> str | None:
    """Inverse of date_key (partial ISO), None for undated."""
    if not key:
        return None
    y, m, d = key // 10000, key // 100 % 100, key % 100
    if not m:
        return f"{y:04d}"
    if not d:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _skey(date: str | None, id_: int) -> int:
    if not 0 < id_ <= ID_MASK:
        raise ValueError(f"id {id_} out of range for the search index")
    return (date_key(date) << ID_BITS) | id_


def _transaction(conn: sqlite3.Connection) -> AbstractContextManager[None]:
    class _Tx:
        def __enter__(self) -> None:
            self.own = not conn.in_transaction
            if self.own:
                conn.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                     tb: TracebackType | None) -> Literal[False]:
            if self.own:
                conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
            return False

    return _Tx()


def _chunks(ids: list[int], n: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _marks(n: int) -> str:
    return ",".join("?" * n)


# --------------------------------------------------------------------------------------------------
# Key tokens and FTS5 expressions


def _keys_text(keys: list[str]) -> str:
    """The `keys` column's text: each key token behind KEY_MARK."""
    return " ".join(_package.KEY_MARK + k for k in dict.fromkeys(keys))


def _q(text: str) -> str:
    """An FTS5 string literal: user text only ever reaches FTS5 through this."""
    return '"' + text.replace('"', '""') + '"'


def _keys_expr(keys: Iterable[str]) -> str:
    """FTS5 expression for rows carrying any of these key tokens (as `_Row.keys` returns them)."""
    return "keys : " + _or([_q(_package.KEY_MARK + k) for k in keys])


def _phrase(toks: list[str], prefix: bool = True) -> str:
    return _q(" ".join(toks)) + ("*" if prefix else "")


def _cols(cols: Iterable[str]) -> str:
    return "{" + " ".join(cols) + "}"


def _or(exprs: list[str]) -> str:
    return exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")"
