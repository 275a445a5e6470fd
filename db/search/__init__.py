"""Search: FTS5 indexes, the query language and fzf-like ranking (DESIGN.md section 6).

Public API (the browser, ``incidex list/export --query`` and the store use these)
===============================================================================

``parse(query) -> ParsedQuery``
    The query language, see `db.search.parser` for the syntax. Never raises. ``.groups`` (an AND of ORs
    of `Term`), ``.terms``, ``.qualifiers``, ``.ignored`` (human notes on what was dropped),
    ``.understood`` (a human description: ``("ddos" OR "ransomware") AND NOT "france"``).

``search(conn, view, query, *, limit=100, after=None, cancel=None, count_limit=10_000, window=None)``
    -> `SearchResult`. The interactive search, one call per keystroke; ``view`` is ``'incidents'``,
    ``'actors'`` or ``'sources'``. Never raises for any query text (only `SearchCancelled`, and
    ``ValueError`` for a cursor of another query). Order:

    1. the *window*: the newest ``window`` (default ``WINDOW`` = 1000) matching rows, re-ranked
       fzf-style on the displayed title/name (whole word > word start > substring, a bonus at the
       very start; rows that matched through other fields only score 0), ties newest first;
    2. then every other matching row, newest first (actors: highest id first).

    Empty query: every row newest first (actors: by name), straight off the sort key.
    Keyset pagination: pass ``result.next_cursor`` (an opaque `Cursor`, ``None`` when there are no more
    rows) as ``after``; no OFFSET, no duplicates, no gaps while the data does not change.

    `SearchResult`: ``rows`` (list of `Hit`: ``id``, ``title`` (title, or the actor's name),
    ``positions`` (indexes into ``title`` of the matched characters, for highlighting), ``score``,
    ``date`` (partial ISO; None for actors and undated rows)), ``total`` and ``total_is_exact``
    (``False`` means "at least ``total``": counting beyond the window stops at ``count_limit`` rows or
    after ``COUNT_BUDGET_MS``; the exact figure comes from `count`, off the keystroke path),
    ``next_cursor``, ``parsed``, ``corrections`` (``{'kilnet': 'Killnet'}``: words with no hit
    at all that were widened, for a "showing results for" hint), ``notes`` (``parsed.ignored`` plus
    how qualifiers were resolved, e.g. ``actor:kilnet → Killnet``, and what does not apply to the view)
    and ``elapsed_ms``.

``matching_ids(conn, view, query, *, forgiving=False) -> Iterator[int]``
    The exhaustive filter for scripting: every matching id, newest first (a stable order: date key,
    then id, both descending), no window, no widening of words (``forgiving=True`` widens as `search`
    does); qualifier values are still resolved. Lazy, reads 20k ids at a time. A query that cannot be
    answered as written (``parse(query).errors``: a ``date:``/``year:``/``role:``/``review:`` value it
    cannot understand, a query too long) raises `QueryError` (a ``ValueError``) on the first ``next()``;
    `search` and `count` answer it with no rows, the reason first in ``notes``, never with every row.

``count(conn, view, query) -> int``
    The exact number of rows `search` would page through (50-500 ms at 1M rows for common words).

``ensure_schema(conn)``, ``reindex(conn, incidents=(), actors=(), sources=())``, ``rebuild(conn)``,
``needs_rebuild(conn) -> bool``
    Index maintenance, called by the store inside its write transactions (they open their own
    ``BEGIN IMMEDIATE`` only when no transaction is active). ``reindex`` refreshes the index rows of
    those ids: deleted rows and merged tombstones (``merged_into`` not null) leave the index. The
    store must call ``reindex(incidents=[...])`` when an incident's title, type, date, countries,
    review, actor links, places, source links or tags change; ``reindex(actors=[...])`` when an
    actor's name, aliases, kind, country, tags or merge state change (when its name or aliases
    changed, or it was merged, its incidents are reindexed too, since their search text embeds them:
    ~3-10k incidents/s); ``reindex(sources=[...])`` for sources. ``rebuild`` drops and refills every
    search table (after bulk loads, ``incidex db check --rebuild``, or when ``needs_rebuild`` says the
    index was built by another layout). Missing search tables make `search` return no rows with a
    note, and `matching_ids`/`count` raise `SearchIndexMissing`. Bulk imports call
    ``mark_pending(conn, incidents=..., actors=..., sources=...)`` instead of ``reindex`` in each
    document's transaction and ``flush_pending(conn)`` every second or so: their rows reach the index
    (and `search`) at the flush.

Matching rules
==============

* A plain word matches rows having a word that *starts with* it in the row's search text (incidents:
  title, type, actors and their aliases, targets, places, tags, year; actors: name, aliases, kind,
  country, tags; sources: title, publisher, URL, tags; article bodies only through ``body:``),
  accent-insensitive, smart case (a word with a capital is case-sensitive). Only when a word matches
  *no row at all* does `search` widen it: to close words of the index vocabulary (typos:
  ``kilnet`` → ``killnet``, ``anonymus`` → ``anonymous``) and to actors whose name or alias contains
  its letters in order (``nn57`` → NoName057(16)); ``corrections`` says so.
* ``'text``: substring anywhere in the search text; ``^text``/``text$``: the title (name) starts/ends
  with it; ``!x``: none of x; ``a | b``: either; spaces: all.
* Qualifiers (values resolved against known values, see ``notes``): ``actor:`` (name or alias, typo-
  and subsequence-tolerant; any non-target role), ``target:``, ``role:`` (alone: any actor in that
  role; with ``actor:``: that actor in that role), ``type:`` (matches ``class/subtype`` words),
  ``country:`` (ISO code or name), ``place:``, ``year:``/``date:`` (ranges on the sort key; an open
  start excludes undated rows), ``source:`` (incidents reported by matching sources, newest 1000),
  ``tag:``, ``review:``, ``title:``; actors view: ``kind:``/``type:``, ``country:``, ``tag:``,
  ``actor:``; sources view: ``publisher:``, ``source:``, ``body:``, ``year:``/``date:``, ``tag:``.
  A qualifier that does not apply to the view is ignored with a note.

Threads and cancellation
========================

A sqlite3 connection must not be used by two threads at once. The browser gives its search worker
thread its own connection and one `Searcher` on it (``Searcher(connect(path))``); `Searcher.search`
takes a ``cancel`` argument: a ``threading.Event``, anything with ``is_cancelled``/``is_set``, or a
zero-argument callable. It is checked between steps and by an SQLite progress handler, so a running
query stops within about a millisecond of a newer keystroke; the cancelled call raises
`SearchCancelled`. From another thread, `Searcher.interrupt()` (``conn.interrupt()``) aborts the
running statement as well. Typical Textual pattern::

    @work(thread=True, exclusive=True)          # exclusive: a new keystroke cancels the previous worker
    def run_search(self, text):
        worker = get_current_worker()
        try:
            result = self.searcher.search("incidents", text, cancel=lambda: worker.is_cancelled)
        except SearchCancelled:
            return
        self.call_from_thread(self.show, result)

The module-level functions keep one `Searcher` per connection (caches: index vocabulary, actor names),
refreshed when the database changes (``PRAGMA data_version``). The Searcher serialises its own calls
with a lock, so sharing one between threads is safe but not concurrent.

Index layout (SQLite specific, kept in this module)
===================================================

* ``incident_fts``: FTS5 (unicode61, remove_diacritics 2, prefix indexes 2 and 3) with columns title,
  type, actors, targets, places, tags, extra (year) and keys (internal tokens: ``a<actor id>``,
  ``a<id><role>``, ``t<target id>``, ``r<role>``, ``c<country>``, ``rv<review>``, ``ty<type>``,
  ``s<source id>``, ``zall``; each written behind ``KEY_MARK``). Its rowid is a sort key
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
"""
from __future__ import annotations

import bisect
import contextlib
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from db.search.fuzzy import compact, fold, is_subsequence, needle_regex, score_term, tokens
from db.search import parser as _qp
from db.search.parser import ParsedQuery, Term, parse
from db.taxonomy import ROLES

__all__ = [
    "parse", "search", "matching_ids", "count", "ensure_schema", "reindex", "rebuild", "needs_rebuild", "Searcher",
    "mark_pending", "flush_pending", "ensure_pending",
    "SearchResult", "Hit", "Cursor", "SearchCancelled", "SearchIndexMissing", "QueryError", "ParsedQuery", "Term",
    "VIEWS", "WINDOW",
]

WINDOW = 1000
"""Candidates re-ranked per query: the newest WINDOW matching rows. 1000 rather than 2000 halves the
cost of multi-word queries at 1M rows (p95 CPU 12 ms instead of 21 ms); `search(window=...)` overrides."""
SCAN_LIMIT = 20_000
"""Rows a keystroke may verify in Python (terms FTS5 cannot answer alone: 1-letter words, exact
substrings, smart case...). Beyond it the total is reported as "more than"."""
CHUNK = 2000
COUNT_BUDGET_MS = 2.0
"""Time a keystroke may spend counting matches beyond the window; then the total is "more than" (the
browser asks `count` for the exact figure once the typing rests)."""
PRELOAD_STEP = 256 * 1024
"""Bytes `Searcher.preload` reads per step (~64 pages: a few ms from a cold disk)."""
MAX_EXPANSION = 300
"""Vocabulary words an exact/suffix term may expand to before it is verified in Python instead."""
PHRASE_EXPANSION_WORDS = 4
"""A phrase of more words than this is one FTS5 prefix phrase, not an OR of up to MAX_EXPANSION phrases
(one per vocabulary word its last word starts): FTS5 reads each phrase's doclists, so `a-a-a-...-a`
(16 words) cost 109 ms expanded and 11 ms as one prefix phrase at 20k rows."""
MAX_RESOLVED = 1000
"""Sources a source: qualifier may resolve to (the newest ones)."""
LAYOUT = "4"
"""Version of the index layout; `needs_rebuild` compares it with the one recorded by `rebuild`."""
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
REVIEWS = _qp.REVIEWS
KEY_MARK = "zqk"
"""Every key token is written behind this mark. FTS5 adds each token's first 2 and 3 letters to its
prefix indexes; behind one mark, a row's ~20 key tokens add 2 prefix terms instead of ~40 ('a1',
'a12', 't3', 't34'...). Measured on 45,649 incident rows indexed one document at a time: 2.8-3.3 s
instead of 4.2-4.7 s, 25.3 MB instead of 33.4 MB. Text terms only search the text columns, so a
user's 'zqk' finds nothing it should not."""
TOKENIZE = "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3'"
_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_NAME_RE = re.compile(r"^[a-z_]+$")


class SearchCancelled(Exception):
    """The search was superseded (its cancel token fired, or the connection was interrupted)."""


class QueryError(ValueError):
    """The query cannot be answered as written (`ParsedQuery.errors`: an invalid qualifier value, a query too
    long). Raised by `matching_ids` only; `search` and `count` answer such a query with no rows (the reason
    in ``notes``)."""


class SearchIndexMissing(Exception):
    """The database has no search index of this layout: run `rebuild` (``incidex db check --rebuild``)."""

    def __init__(self, detail: str = ""):
        super().__init__("the search index is missing or outdated: run `incidex db check --rebuild`"
                         + (f" ({detail})" if detail else ""))


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
    qualifiers: tuple[str, ...]


VIEWS = {
    "incidents": View("incidents", "incident_fts", "incident_doc",
                      ("title", "type", "actors", "targets", "places", "tags", "extra", "keys"),
                      ("title", "type", "actors", "targets", "places", "tags", "extra"), "title", True,
                      ("type", "actor", "role", "target", "country", "place", "year", "date", "source",
                       "tag", "review", "title")),
    "actors": View("actors", "actor_fts", "actor_doc", ("name", "aliases", "kind", "country", "tags", "keys"),
                   ("name", "aliases", "kind", "country", "tags"), "name", False,
                   ("actor", "kind", "type", "country", "tag", "title")),
    "sources": View("sources", "source_fts", "source_doc", ("title", "publisher", "url", "tags", "keys"),
                    ("title", "publisher", "url", "tags"), "title", True,
                    ("year", "date", "tag", "title", "body", "publisher", "source")),
}
_VIEW_ALIASES = {"incident": "incidents", "actor": "actors", "source": "sources"}


def _view(name: str) -> View:
    v = VIEWS.get(_VIEW_ALIASES.get(name, name))
    if v is None:
        raise ValueError(f"unknown view {name!r}: expected one of {', '.join(VIEWS)}")
    return v


# --------------------------------------------------------------------------------------------------
# Schema and index maintenance


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the search tables if missing (idempotent). Replaces the placeholder's tables."""
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
_PENDING_VIEWS = ("incidents", "actors", "sources")


def mark_pending(conn: sqlite3.Connection, incidents: Iterable[int] = (), actors: Iterable[int] = (),
                 sources: Iterable[int] = ()) -> None:
    """Record ids whose index rows `flush_pending` must refresh, inside the caller's transaction.

    A bulk import writes each document in its own small transaction with this note instead of
    `reindex`, then refreshes the index of many documents at once: an incident told by hundreds of
    reports is re-indexed once per flush, not once per report, and the FTS5 segments are written in
    big batches. The note is part of the document's transaction, so a killed import leaves nothing
    unindexed for long: the next flush (any import) picks it up."""
    rows = [(view, int(i)) for view, ids in zip(_PENDING_VIEWS, (incidents, actors, sources), strict=True)
            for i in ids]
    if rows:
        conn.executemany("INSERT OR IGNORE INTO search_pending(view, id) VALUES (?, ?)", rows)


def ensure_pending(conn: sqlite3.Connection) -> None:
    """Create the pending table of a database made before it existed (idempotent, cheap)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_pending'").fetchone():
        with _transaction(conn):
            conn.execute(_PENDING_DDL)


def flush_pending(conn: sqlite3.Connection) -> int:
    """Refresh the index rows `mark_pending` recorded (in one transaction); returns how many ids."""
    with _transaction(conn):
        try:
            rows = conn.execute("SELECT view, id FROM search_pending").fetchall()
        except sqlite3.OperationalError:
            return 0  # no pending table: nothing was deferred
        if rows:
            ids: dict[str, list[int]] = {v: [] for v in _PENDING_VIEWS}
            for view, id_ in rows:
                ids.setdefault(view, []).append(id_)
            reindex(conn, incidents=ids["incidents"], actors=ids["actors"], sources=ids["sources"])
            conn.execute("DELETE FROM search_pending")
    return len(rows)


def _put_docs(conn: sqlite3.Connection, view: View, docs: list[tuple]) -> None:
    """docs: (skey, id, *columns) rows, written to the doc table and the FTS5 index."""
    if not docs:
        return
    n = len(view.columns)
    conn.executemany(f"INSERT INTO {view.doc}(skey, id, {', '.join(view.columns)}) VALUES ({_marks(n + 2)})", docs)
    conn.executemany(f"INSERT INTO {view.table}(rowid, {', '.join(view.columns)}) VALUES ({_marks(n + 1)})",
                     [(d[0], *d[2:]) for d in docs])


def _drop_docs(conn: sqlite3.Connection, view: View, ids: list[int]) -> list[int]:
    """Remove these ids from the index (contentless FTS5: 'delete' with the indexed values)."""
    cols = ", ".join(view.columns)
    gone: list[int] = []
    for chunk in _chunks(ids):
        old = conn.execute(f"SELECT skey, {cols} FROM {view.doc} WHERE id IN ({_marks(len(chunk))})", chunk).fetchall()
        if old:
            conn.executemany(f"INSERT INTO {view.table}({view.table}, rowid, {cols}) "
                             f"VALUES ('delete', {_marks(len(view.columns) + 1)})", old)
            conn.execute(f"DELETE FROM {view.doc} WHERE id IN ({_marks(len(chunk))})", chunk)
            gone.extend(r[0] for r in old)
    return gone


def needs_rebuild(conn: sqlite3.Connection) -> bool:
    """True when the search index was built by another layout version (or never): run `rebuild`."""
    try:
        row = conn.execute("SELECT term FROM search_vocab WHERE view = '_layout'").fetchone()
    except sqlite3.OperationalError:
        return True
    if row is None:
        # A database created empty by this version: nothing to rebuild as long as it has no rows.
        return conn.execute("SELECT EXISTS (SELECT 1 FROM incident)").fetchone()[0] == 1 and \
            conn.execute("SELECT EXISTS (SELECT 1 FROM incident_doc)").fetchone()[0] == 0
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


def _transaction(conn: sqlite3.Connection):
    class _Tx:
        def __enter__(self):
            self.own = not conn.in_transaction
            if self.own:
                conn.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type, exc, tb):
            if self.own:
                conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
            return False

    return _Tx()


def _chunks(ids: list[int], n: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    import json

    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        return []
    return [str(v) for v in value if isinstance(v, (str, int))] if isinstance(value, list) else []


_KEY_TOKENS: dict[str, str] = {}


def _key_token(text: str) -> str:
    """compact() of a role, review, type or country code: few distinct values, so memoised."""
    tok = _KEY_TOKENS.get(text)
    if tok is None:
        tok = compact(text)
        if len(_KEY_TOKENS) < 10_000:
            _KEY_TOKENS[text] = tok
    return tok


class _ActorInfo:
    """Survivor id and searchable text of actors, loaded for a set of ids (or all of them)."""

    def __init__(self, conn: sqlite3.Connection, ids: Iterable[int] | None = None):
        self.conn = conn
        self.rows: dict[int, tuple[str, str | None, str | None, int | None]] = {}
        self.aliases: dict[int, list[str]] = {}
        if ids is None:
            for aid, name, kind, country, merged in conn.execute(
                    "SELECT id, name, kind, country, merged_into FROM actor"):
                self.rows[aid] = (name, kind, country, merged)
            for aid, alias in conn.execute("SELECT actor_id, alias FROM actor_alias"):
                self.aliases.setdefault(aid, []).append(alias)
        else:
            self._load(set(ids))

    def _load(self, ids: set[int]) -> None:
        todo = [i for i in ids if i not in self.rows]
        while todo:
            nxt: set[int] = set()
            for chunk in _chunks(todo):
                for aid, name, kind, country, merged in self.conn.execute(
                        f"SELECT id, name, kind, country, merged_into FROM actor WHERE id IN ({_marks(len(chunk))})",
                        chunk):
                    self.rows[aid] = (name, kind, country, merged)
                    if merged is not None and merged not in self.rows:
                        nxt.add(merged)
                for aid, alias in self.conn.execute(
                        f"SELECT actor_id, alias FROM actor_alias WHERE actor_id IN ({_marks(len(chunk))})", chunk):
                    self.aliases.setdefault(aid, []).append(alias)
            todo = [i for i in nxt if i not in self.rows]

    def survivor(self, aid: int) -> int | None:
        seen = set()
        while aid in self.rows and self.rows[aid][3] is not None and aid not in seen:
            seen.add(aid)
            aid = self.rows[aid][3]
        return aid if aid in self.rows else None

    def text(self, aid: int) -> str:
        sid = self.survivor(aid)
        if sid is None:
            return ""
        parts = [self.rows[sid][0] or ""] + self.aliases.get(sid, [])
        if sid != aid and aid in self.rows:
            parts.append(self.rows[aid][0] or "")
        return " ; ".join(dict.fromkeys(p for p in parts if p))


def _incident_docs(conn: sqlite3.Connection, where: str, params: tuple, actors: _ActorInfo | None,
                   ) -> tuple[list[tuple], set[str], set[str], set[str], set[str]]:
    """Index rows (skey, id, title, type, actors, targets, places, tags, extra, keys) for incidents
    matching `where` (on table alias i), plus vocabulary words, types and place names seen."""
    inc = conn.execute(
        "SELECT i.id, i.title, i.type, i.date_start, i.countries, i.review FROM incident i "
        f"WHERE i.merged_into IS NULL AND {where}", params).fetchall()
    if not inc:
        return [], set(), set(), set(), set()
    ids = [r[0] for r in inc]
    links: dict[int, list[tuple[int, str]]] = {}
    places: dict[int, list[tuple[str, str | None]]] = {}
    tags: dict[int, list[str]] = {}
    srcs: dict[int, list[int]] = {}
    lo, hi = min(ids), max(ids)
    dense = len(ids) > 200 and (hi - lo) < 4 * len(ids)
    # Dense id ranges (rebuild) use range scans; sparse sets (reindex) use IN lists.
    batches = [(" BETWEEN ? AND ?", (lo, hi))] if dense else [
        (f" IN ({_marks(len(c))})", tuple(c)) for c in _chunks(ids)]
    for cond, p in batches:
        # DISTINCT: a story told by many reports has one link per report and actor
        for iid, aid, role in conn.execute(
                f"SELECT DISTINCT incident_id, actor_id, role FROM incident_actor WHERE incident_id{cond}", p):
            links.setdefault(iid, []).append((aid, role))
        for iid, name, country in conn.execute(
                f"SELECT incident_id, name, country FROM incident_place WHERE incident_id{cond}", p):
            places.setdefault(iid, []).append((name, country))
        for iid, name in conn.execute(
                f"SELECT entity_id, name FROM tag WHERE entity = 'incident' AND entity_id{cond}", p):
            tags.setdefault(iid, []).append(name)
        for iid, sid in conn.execute(
                f"SELECT incident_id, source_id FROM incident_source WHERE incident_id{cond}", p):
            srcs.setdefault(iid, []).append(sid)
    if actors is None:
        actors = _ActorInfo(conn, {a for v in links.values() for a, _ in v})
    else:
        actors._load({a for v in links.values() for a, _ in v})
    docs = []
    vocab: set[str] = set()
    types: set[str] = set()
    place_names: set[str] = set()
    tag_names: set[str] = set()
    text_cache: dict[int, str] = {}
    for iid, title, type_, date, countries, review in inc:
        keys = ["zall"]
        actor_txt: list[str] = []
        target_txt: list[str] = []
        for aid, role in links.get(iid, ()):
            sid = actors.survivor(aid)
            if sid is None:
                continue
            txt = text_cache.get(aid)
            if txt is None:
                txt = text_cache[aid] = actors.text(aid)
            role = (role or "").lower()
            rtok = _key_token(role)
            if role == "target":
                target_txt.append(txt)
                keys.append(f"t{sid}")
            else:
                actor_txt.append(txt)
                keys.append(f"a{sid}")
            keys.append(f"a{sid}{rtok}")
            keys.append(f"r{rtok}")
        pl = places.get(iid, ())
        ccs = {c.lower() for c in _json_list(countries)} | {c.lower() for _, c in pl if c}
        keys.extend(f"c{_key_token(c)}" for c in sorted(ccs))
        keys.append(f"rv{_key_token(review or '')}")
        keys.append(f"ty{_key_token(type_ or '')}")
        keys.extend(f"s{s}" for s in srcs.get(iid, ()))
        dk = date_key(date)
        extra = str(dk // 10000) if dk else ""
        ptxt = " ; ".join(dict.fromkeys(n for n, _ in pl if n))
        ttxt = " ; ".join(tags.get(iid, ()))
        row = (title or "", (type_ or "").replace("/", " / "), " ; ".join(dict.fromkeys(actor_txt)),
               " ; ".join(dict.fromkeys(target_txt)), ptxt, ttxt, extra)
        words = _words(row)
        vocab |= words
        keys.extend(_initials(words))
        docs.append(((dk << ID_BITS) | iid, iid, *row, _keys_text(keys)))
        if type_:
            types.add(type_)
        place_names.update(n for n, _ in pl if n)
        tag_names.update(tags.get(iid, ()))
    return docs, vocab, types, place_names, tag_names


def _words(parts: Iterable[str]) -> set[str]:
    return set(tokens(" \n ".join(parts)))


def _keys_text(keys: list[str]) -> str:
    """The `keys` column's text: each key token behind KEY_MARK."""
    return " ".join(KEY_MARK + k for k in dict.fromkeys(keys))


def _initials(words: Iterable[str]) -> list[str]:
    """Key tokens 'i<letter>' for the first letters of the row's words: a 1-letter prefix index."""
    return sorted({"i" + w[0] for w in words})


def _save_vocab(conn: sqlite3.Connection, view: str, words: Iterable[str]) -> None:
    rows = [(view, w) for w in words if w and len(w) <= 64]
    if rows:
        conn.executemany("INSERT OR IGNORE INTO search_vocab(view, term) VALUES (?, ?)", rows)


def _write_incidents(conn, docs, vocab, types, place_names, tag_names) -> None:
    _put_docs(conn, VIEWS["incidents"], docs)
    _save_vocab(conn, "incidents", vocab)
    _save_vocab(conn, "type", types)
    _save_vocab(conn, "place", place_names)
    _save_vocab(conn, "tag", tag_names)


def _actor_docs(conn, where: str, params: tuple) -> tuple[list[tuple], set[str]]:
    rows = conn.execute(
        f"SELECT a.id, a.name, a.kind, a.country FROM actor a WHERE a.merged_into IS NULL AND {where}",
        params).fetchall()
    if not rows:
        return [], set()
    ids = [r[0] for r in rows]
    aliases: dict[int, list[str]] = {}
    tags: dict[int, list[str]] = {}
    merged_names: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        m = _marks(len(chunk))
        for aid, alias in conn.execute(f"SELECT actor_id, alias FROM actor_alias WHERE actor_id IN ({m})", chunk):
            aliases.setdefault(aid, []).append(alias)
        for aid, name in conn.execute(f"SELECT entity_id, name FROM tag WHERE entity = 'actor' AND entity_id IN ({m})",
                                      chunk):
            tags.setdefault(aid, []).append(name)
        for sid, name in conn.execute(f"SELECT merged_into, name FROM actor WHERE merged_into IN ({m})", chunk):
            merged_names.setdefault(sid, []).append(name)
    docs = []
    vocab: set[str] = set()
    for aid, name, kind, country in rows:
        al = " ; ".join(dict.fromkeys(a for a in aliases.get(aid, []) + merged_names.get(aid, []) if a))
        keys = ["zall", f"k{_key_token(kind or '')}"]
        if country:
            keys.append(f"c{_key_token(country)}")
        row = (name or "", al, kind or "", country or "", " ; ".join(tags.get(aid, ())))
        words = _words(row)
        vocab |= words
        keys.extend(_initials(words))
        docs.append((aid, aid, *row, _keys_text(keys)))
    return docs, vocab


def _source_docs(conn, where: str, params: tuple) -> tuple[list[tuple], list[tuple], set[str]]:
    rows = conn.execute(f"SELECT s.id, s.title, s.publisher, s.url, s.published, s.body FROM source s WHERE {where}",
                        params).fetchall()
    if not rows:
        return [], [], set()
    tags: dict[int, list[str]] = {}
    for chunk in _chunks([r[0] for r in rows]):
        for sid, name in conn.execute(
                f"SELECT entity_id, name FROM tag WHERE entity = 'source' AND entity_id IN ({_marks(len(chunk))})",
                chunk):
            tags.setdefault(sid, []).append(name)
    docs, bodies = [], []
    vocab: set[str] = set()
    for sid, title, publisher, url, published, body in rows:
        skey = _skey(published, sid)
        row = (title or "", publisher or "", url or "", " ; ".join(tags.get(sid, ())))
        words = _words(row)
        vocab |= words
        docs.append((skey, sid, *row, _keys_text(["zall", *_initials(words)])))
        bodies.append((skey, body or ""))
    return docs, bodies, vocab


def _write_sources(conn, docs, bodies, vocab) -> None:
    _put_docs(conn, VIEWS["sources"], docs)
    conn.executemany("INSERT INTO source_body_fts(rowid, body) VALUES (?, ?)", bodies)
    _save_vocab(conn, "sources", vocab)
    _save_vocab(conn, "publisher", {d[3] for d in docs if d[3]})


def reindex(conn: sqlite3.Connection, incidents: Iterable[int] = (), actors: Iterable[int] = (),
            sources: Iterable[int] = ()) -> None:
    """Refresh the index rows of these ids (deleted and merged rows are removed from the index)."""
    inc_ids = {int(i) for i in incidents}
    act_ids = {int(i) for i in actors}
    src_ids = sorted({int(i) for i in sources})
    with _transaction(conn):
        if act_ids:
            # Survivors and actors merged into these change too; their incidents embed their names.
            info = _ActorInfo(conn, act_ids)
            related = set(act_ids) | {s for a in act_ids if (s := info.survivor(a)) is not None}
            for chunk in _chunks(sorted(act_ids)):
                related.update(r[0] for r in conn.execute(
                    f"SELECT id FROM actor WHERE merged_into IN ({_marks(len(chunk))})", chunk))
            rel = sorted(related)
            changed: set[int] = set()
            for chunk in _chunks(rel):
                m = _marks(len(chunk))
                old = {r[0]: (r[1], r[2]) for r in conn.execute(
                    f"SELECT id, name, aliases FROM actor_doc WHERE id IN ({m})", chunk)}
                _drop_docs(conn, VIEWS["actors"], chunk)
                docs, vocab = _actor_docs(conn, f"a.id IN ({m})", tuple(chunk))
                _put_docs(conn, VIEWS["actors"], docs)
                _save_vocab(conn, "actors", vocab)
                _save_vocab(conn, "kind", {d[4] for d in docs if d[4]})
                new = {d[1]: (d[2], d[3]) for d in docs}
                # Incidents embed names and aliases only: a kind/country/description edit costs nothing.
                changed.update(a for a in chunk if old.get(a) != new.get(a))
            for chunk in _chunks(sorted(changed)):
                m = _marks(len(chunk))
                affected = list(chunk) + [r[0] for r in conn.execute(
                    f"SELECT id FROM actor WHERE merged_into IN ({m})", chunk)]
                for part in _chunks(affected):
                    inc_ids.update(r[0] for r in conn.execute(
                        f"SELECT DISTINCT incident_id FROM incident_actor WHERE actor_id IN ({_marks(len(part))})",
                        part))
        for chunk in _chunks(sorted(inc_ids)):
            m = _marks(len(chunk))
            _drop_docs(conn, VIEWS["incidents"], chunk)
            _write_incidents(conn, *_incident_docs(conn, f"i.id IN ({m})", tuple(chunk), None))
        for chunk in _chunks(src_ids):
            m = _marks(len(chunk))
            for o in _chunks(_drop_docs(conn, VIEWS["sources"], chunk)):
                conn.execute(f"DELETE FROM source_body_fts WHERE rowid IN ({_marks(len(o))})", o)
            _write_sources(conn, *_source_docs(conn, f"s.id IN ({m})", tuple(chunk)))
    _invalidate(conn)


def rebuild(conn: sqlite3.Connection, *, progress: Callable[[str, int], None] | None = None) -> None:
    """Drop and rebuild every search table from the data (after bulk loads; `db check --rebuild`)."""
    with _transaction(conn):
        for t in ("incident_fts", "actor_fts", "source_fts", "source_body_fts", "incident_doc", "actor_doc",
                  "source_doc", "search_vocab", "incident_skey", "source_skey", "search_pending"):
            conn.execute(f"DROP TABLE IF EXISTS {t}")
        ensure_schema(conn)
        step = 20_000
        actors = _ActorInfo(conn)
        (lo, hi) = conn.execute("SELECT min(id), max(id) FROM incident").fetchone()
        done = 0
        if lo is not None:
            vocab: set[str] = set()
            extra: list[set[str]] = [set(), set(), set()]
            for start in range(lo, hi + 1, step):
                docs, v, ty, pl, tg = _incident_docs(conn, "i.id >= ? AND i.id < ?", (start, start + step), actors)
                _write_incidents(conn, docs, (), (), (), ())
                vocab |= v
                for s, new in zip(extra, (ty, pl, tg), strict=True):
                    s |= new
                done += len(docs)
                if progress:
                    progress("incidents", done)
            _write_incidents(conn, [], vocab, *extra)
        (lo, hi) = conn.execute("SELECT min(id), max(id) FROM actor").fetchone()
        if lo is not None:
            for start in range(lo, hi + 1, step):
                docs, vocab = _actor_docs(conn, "a.id >= ? AND a.id < ?", (start, start + step))
                _put_docs(conn, VIEWS["actors"], docs)
                _save_vocab(conn, "actors", vocab)
                _save_vocab(conn, "kind", {d[4] for d in docs if d[4]})
        (lo, hi) = conn.execute("SELECT min(id), max(id) FROM source").fetchone()
        if lo is not None:
            for start in range(lo, hi + 1, step // 4):
                _write_sources(conn, *_source_docs(conn, "s.id >= ? AND s.id < ?", (start, start + step // 4)))
                if progress:
                    progress("sources", start)
        for t in ("incident_fts", "actor_fts", "source_fts", "source_body_fts"):
            conn.execute(f"INSERT INTO {t}({t}) VALUES ('optimize')")
        conn.execute("INSERT OR IGNORE INTO search_vocab(view, term) VALUES ('_layout', ?)", (LAYOUT,))
    _invalidate(conn)


# --------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Cursor:
    """Opaque keyset position; pass `SearchResult.next_cursor` back as `after`."""

    view: str
    query: str
    tier: int            # 0: ranked window, 1: the rest by date, 2: actors by name (empty query)
    score: float = 0.0
    key: int = 0         # sort key (rowid) of the last row returned
    name: str = ""       # tier 2 only
    window: int = 0      # the window size of the query that made the cursor


@dataclass
class Hit:
    id: int
    title: str
    """Displayed title (incidents, sources) or name (actors)."""
    positions: list[int]
    """Indexes into `title` of the matched characters, for highlighting."""
    score: float
    date: str | None
    """date_start (incidents), published (sources), None (actors)."""


@dataclass
class SearchResult:
    rows: list[Hit]
    total: int
    total_is_exact: bool
    """False: at least `total` rows match ("more than")."""
    next_cursor: Cursor | None
    parsed: ParsedQuery
    corrections: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0


# --------------------------------------------------------------------------------------------------
# Query compilation


def _shown(labels: list[str]) -> str:
    """'killnet, Killnet' -> 'Killnet': one label per word, the capitalised (display) form preferred."""
    out: dict[str, str] = {}
    for label in labels:
        k = label.lower()
        if k not in out or (out[k] == k and label != k):
            out[k] = label
    return ", ".join(out.values())


def _q(text: str) -> str:
    """An FTS5 string literal: user text only ever reaches FTS5 through this."""
    return '"' + text.replace('"', '""') + '"'


def _keys_expr(keys: Iterable[str]) -> str:
    """FTS5 expression for rows carrying any of these key tokens (as `_Row.keys` returns them)."""
    return "keys : " + _or([_q(KEY_MARK + k) for k in keys])


def _phrase(toks: list[str], prefix: bool = True) -> str:
    return _q(" ".join(toks)) + ("*" if prefix else "")


def _cols(cols: Iterable[str]) -> str:
    return "{" + " ".join(cols) + "}"


def _or(exprs: list[str]) -> str:
    return exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")"


def _token_prefix_regex(text: str) -> re.Pattern:
    return re.compile(r"(?<![^\W_])" + re.escape(text))


@dataclass
class _Compiled:
    fts: str | None            # FTS5 expression (None: cannot restrict through FTS5)
    exact: bool                # fts alone decides (no Python check needed)
    pred: Callable[[tuple], bool]  # exact Python predicate on a fetched row
    sql: tuple[str, tuple] | None = None  # extra SQL condition (AND only)
    date: tuple[int, int] | None = None
    empty: bool = False        # matches nothing
    score: list[tuple[str, bool]] = field(default_factory=list)  # needles for ranking
    wide: bool = False         # a big OR (short prefix): cheaper as a Python check when other terms bound rows


_ALWAYS = lambda row: True  # noqa: E731
_NEVER = lambda row: False  # noqa: E731


class _Row:
    """Accessors for a fetched candidate row: (rowid, col1, col2, ...)."""

    def __init__(self, view: View):
        self.view = view
        self.idx = {c: i + 1 for i, c in enumerate(view.columns)}
        self.text_idx = [self.idx[c] for c in view.text_columns]
        self.keys_idx = self.idx["keys"]
        self.title_idx = self.idx[view.title_column]

    def text(self, row) -> str:
        """The row's searchable text, unfolded (test it with `needle_regex`)."""
        return " \n ".join(row[i] or "" for i in self.text_idx)

    def keys(self, row) -> set[str]:
        return {k[len(KEY_MARK):] for k in (row[self.keys_idx] or "").split()}


class Searcher:
    """Search on one connection, with caches. See the module docstring for threading."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._lock = threading.RLock()
        self._state: tuple | None = None
        self._cache: dict = {}
        self._cancel: Callable[[], bool] | None = None
        self._stamp = 0.0

    # -- caches --------------------------------------------------------------------------------
    def _check_fresh(self) -> None:
        state = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
        if state != self._state:
            self._state = state
            self._cache.clear()

    def invalidate(self) -> None:
        self._state = None
        self._cache.clear()

    def _vocab(self, view: str) -> list[str]:
        """Known words (sorted) of a view's index, or known values ('type', 'place', 'tag', 'kind')."""
        v = self._cache.get(("vocab", view))
        if v is None:
            v = self._cache[("vocab", view)] = [r[0] for r in self.conn.execute(
                "SELECT term FROM search_vocab WHERE view = ? ORDER BY term", (view,))]
        return v

    def _prefix_words(self, view: str, prefix: str, cap: int) -> list[str]:
        vocab = self._vocab(view)
        i = bisect.bisect_left(vocab, prefix)
        out = []
        while i < len(vocab) and vocab[i].startswith(prefix) and len(out) < cap:
            out.append(vocab[i])
            i += 1
        return out

    def _prefix_expr(self, view: View, cols: str, toks: list[str]) -> str | None:
        """FTS5 expression for the words `toks` in sequence, the last one as a prefix; None when only
        a bounded scan can answer (a 1-letter prefix of too many words).

        FTS5 answers a prefix query without a prefix index by merging the whole doclist of every word
        with that prefix before returning a row (9 ms for 'ddos*' at 100k rows, 70 ms for 'a*'); its
        prefix indexes (2 and 3 letters) and an OR of whole words are read lazily, newest first and
        stop at the LIMIT. So 2-3 letters use the prefix index, others an OR of the vocabulary words."""
        last = toks[-1]
        if len(last) in (2, 3) or len(toks) > PHRASE_EXPANSION_WORDS:
            return f"{cols} : {_phrase(toks)}"
        words = self._prefix_words(view.name, last, MAX_EXPANSION + 1)
        if len(words) > MAX_EXPANSION:
            return None if len(last) == 1 else f"{cols} : {_phrase(toks)}"
        if not words:  # not in the vocabulary (cheap for FTS5 too, since rare)
            return f"{cols} : {_phrase(toks)}"
        return f"{cols} : " + _or([_phrase(toks[:-1] + [w], False) for w in words])

    def _actors(self) -> list[tuple[int, str, str, str]]:
        """(survivor id, display name, compact form, ' '-joined tokens) per actor name and alias."""
        a = self._cache.get("actors")
        if a is None:
            info = _ActorInfo(self.conn)
            a = []
            for aid, (name, _kind, _country, _merged) in info.rows.items():
                sid = info.survivor(aid)
                if sid is None:
                    continue
                shown = info.rows[sid][0]
                for label in [name] + info.aliases.get(aid, []):
                    if label:
                        a.append((sid, shown, compact(label), " ".join(tokens(label))))
            self._cache["actors"] = a
        return a

    def warm(self, views: Iterable[str] = ("incidents",)) -> None:
        """Load the caches a first keystroke would (vocabulary, actor names, rapidfuzz): call it from the
        search worker after the first frame so that the first keystroke is as fast as the others."""
        with self._lock:
            self._check_fresh()
            try:
                for v in views:
                    self._vocab(_view(v).name)
                self._actors()
                self._vocab("type")
            except sqlite3.OperationalError:
                return  # no index yet: search() says so
            from rapidfuzz import fuzz, process  # noqa: F401
            from rapidfuzz.distance import Levenshtein  # noqa: F401

    def preload(self, view: str, budget: int, step: int = PRELOAD_STEP,
                scout: sqlite3.Connection | None = None, lock=None) -> Iterator[int]:
        """Read the pages a search of `view` reads into this connection's page cache, most useful first: the
        doc table newest first (a query's window is its newest matches), then the FTS5 index in key order.
        The doc table comes first because its pages are the most a keystroke reads cold: up to a thousand
        rows spread over the newest part of the table, where the index gives a few pages per word. (Measured
        at 1M incidents, searches after a 100 MiB preload: p95 63 ms with the doc table alone, 97 ms with the
        budget split between the two, 115-138 ms without preload.)

        A generator: each step reads about `step` bytes and yields the bytes read so far, so that the caller
        can let a keystroke's search in between (hold the connection only for one step); it stops when
        `budget` bytes are read or both tables are done. Why: a host short of memory drops the file's pages
        from the OS cache within seconds, and a keystroke that reads a few hundred of them back costs
        30-100 ms; this connection's own cache (`db.engine.set_cache`) keeps them in the process.

        `scout`: another connection to the same file, used by this generator only. Each statement runs there
        first, without the lock, so that the disk's latency (single reads of 0.1-0.5 s happen on a loaded
        host) is paid there; the same statement on this connection then finds the pages in the OS cache.
        `lock`: what the caller guards this connection with, taken (outside this searcher's own lock) for the
        statements on this connection only."""
        v = _view(view)
        done = 0

        outer = lock if lock is not None else contextlib.nullcontext()

        def run(sql: str, args: tuple = ()) -> tuple:
            if scout is not None:
                scout.execute(sql, args).fetchone()
            with outer, self._lock:
                return self.conn.execute(sql, args).fetchone()

        tables = ((v.doc, "skey", "DESC", "<", f"length(CAST(({' || '.join(v.columns)}) AS BLOB)) + 24"),
                  (f"{v.table}_data", "id", "ASC", ">", "length(block) + 12"))
        for table, key, order, beyond, size in tables:
            if done >= budget:
                return
            try:  # a small sample: it is read in one go, like a step
                row_bytes = run(f"SELECT avg({size}) FROM (SELECT * FROM {table} ORDER BY {key} {order} LIMIT 16)")[0]
            except sqlite3.OperationalError:
                return  # no index yet
            if not row_bytes:
                continue
            rows = max(16, int(step / row_bytes))
            last = None
            while done < budget:
                where = f"WHERE {key} {beyond} ?" if last is not None else ""
                edge, n = run(f"SELECT {'min' if order == 'DESC' else 'max'}({key}), count(*) FROM"
                              f" (SELECT {key} FROM {table} {where} ORDER BY {key} {order} LIMIT ?)",
                              (*(() if last is None else (last,)), rows))
                done += int(n * row_bytes)
                yield done
                if n < rows:
                    break
                last = edge

    # -- cancellation --------------------------------------------------------------------------
    def interrupt(self) -> None:
        """Abort the statement running on this connection (callable from any thread)."""
        self.conn.interrupt()

    def _checkpoint(self) -> None:
        if self._cancel is not None and self._cancel():
            raise SearchCancelled()

    @staticmethod
    def _cancel_fn(cancel) -> Callable[[], bool] | None:
        if cancel is None:
            return None
        if callable(cancel):
            return cancel
        for attr in ("is_cancelled", "cancelled", "is_set"):
            if hasattr(cancel, attr):
                val = getattr(cancel, attr)
                return val if callable(val) else (lambda c=cancel, a=attr: bool(getattr(c, a)))
        raise TypeError("cancel must be callable, an Event, or have is_cancelled")

    def _run(self, fn, cancel):
        with self._lock:
            self._cancel = self._cancel_fn(cancel)
            if self._cancel is not None:
                check = self._cancel
                self.conn.set_progress_handler(lambda: 1 if check() else 0, 2000)
            try:
                self._check_fresh()
                return fn()
            except sqlite3.OperationalError as exc:
                if "interrupt" in str(exc).lower():
                    raise SearchCancelled() from None
                if "no such table" in str(exc) or "no such column" in str(exc):
                    raise SearchIndexMissing(str(exc)) from None
                raise
            finally:
                if self._cancel is not None:
                    self.conn.set_progress_handler(None, 0)
                self._cancel = None

    # -- resolution ------------------------------------------------------------------------------
    def _has(self, view: View, expr: str) -> bool:
        return self.conn.execute(
            f"SELECT 1 FROM {view.table} WHERE {view.table} MATCH ? LIMIT 1", (expr,)).fetchone() is not None

    def resolve_actor(self, value: str) -> tuple[list[int], list[str]]:
        """Actor ids (survivors) for a qualifier value: exact name/alias, then word prefix, then in-order
        subsequence, then typo distance. Returns (ids, display names). Qualifier values are resolved this
        tolerantly in every mode: ``forgiving=False`` (`matching_ids`) only stops the widening of plain words."""
        entries = self._actors()
        v = compact(value)
        vt = " ".join(tokens(value))
        if not v:
            return [], []

        def pack(found):
            ids = list(dict.fromkeys(e[0] for e in found))
            names = list(dict.fromkeys(e[1] for e in found))
            return ids, names

        found = [e for e in entries if e[2] == v]
        if not found:
            rx = _token_prefix_regex(vt)
            found = [e for e in entries if e[2].startswith(v) or rx.search(e[3])]
        if not found and len(v) >= 2:
            scored = []
            for e in entries:
                if is_subsequence(v, e[2]):
                    s, _ = score_term(e[2], v)
                    scored.append((-s, len(e[2]), e))
            scored.sort(key=lambda x: (x[0], x[1]))
            best = scored[:1] and scored[0][0]
            found = [e for s, _, e in scored[:20] if s <= best + 8]
        if not found and len(v) >= 3:
            from rapidfuzz import fuzz, process

            hits = process.extract(v, [e[2] for e in entries], scorer=fuzz.ratio, score_cutoff=75, limit=5)
            if hits:
                top = hits[0][1]
                found = [entries[i] for _, s, i in hits if s >= top - 5]
        return pack(found)

    def _resolve_type(self, value: str) -> list[str]:
        types = self._vocab("type")
        vt = " ".join(tokens(value))
        rx = _token_prefix_regex(vt)
        found = [t for t in types if rx.search(" ".join(tokens(t)))]
        if not found:
            v = compact(value)
            found = [t for t in types if v and v in compact(t)]
        if not found and len(compact(value)) >= 3:
            from rapidfuzz import fuzz, process

            found = [types[i] for _, _, i in process.extract(
                " ".join(tokens(value)), [" ".join(tokens(t)) for t in types], scorer=fuzz.partial_ratio,
                score_cutoff=80, limit=3)]
        return found

    def _correct(self, view: View, tok: str) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if len(tok) < 3:
            return []
        maxd = 1 if len(tok) <= 5 else 2
        vocab = self._vocab(view.name)
        hits = process.extract(tok, vocab, scorer=Levenshtein.distance, score_cutoff=maxd, limit=8)
        if not hits:
            # A prefix being typed: compare with the vocabulary words cut to the same length.
            cut = {}
            for w in vocab:
                if len(w) > len(tok):
                    cut.setdefault(w[:len(tok)], w)
            keys = list(cut)
            hits = [(cut[k], d, 0) for k, d, _ in process.extract(tok, keys, scorer=Levenshtein.distance,
                                                                    score_cutoff=1, limit=3)]
            out = [h[0][:len(tok)] for h in hits]
            return list(dict.fromkeys(out))
        best = min(h[1] for h in hits)
        return [h[0] for h in hits if h[1] == best][:3]

    # -- compilation -----------------------------------------------------------------------------
    def _compile(self, view: View, parsed: ParsedQuery, forgiving: bool, corrections: dict, notes: list):
        R = _Row(view)
        groups = []
        roles = [t.text for g in parsed.groups for t in g
                 if len(g) == 1 and t.field == "role" and not t.negated]
        role_set = sorted({r for v in roles for r in ROLES if r.startswith(compact(v))})
        for g in parsed.groups:
            alts = [self._compile_term(view, R, t, forgiving, corrections, notes, role_set) for t in g]
            groups.append((g, alts))
        return R, groups

    def _compile_term(self, view: View, R: _Row, t: Term, forgiving: bool, corrections: dict, notes: list,
                      role_set: list[str]) -> _Compiled:
        c = self._compile_positive(view, R, t, forgiving, corrections, notes, role_set)
        if not t.negated:
            return c
        pos_pred = c.pred
        if c.empty:
            return _Compiled(None, True, _ALWAYS)
        if c.date is not None:
            lo, hi = c.date
            return _Compiled(None, False, lambda row: not (lo <= row[0] >> ID_BITS <= hi),
                             sql=("NOT ((rowid >> 32) BETWEEN ? AND ?)", (lo, hi)))
        if c.sql is not None:
            return _Compiled(None, False, lambda row: not pos_pred(row),
                             sql=(f"NOT ({c.sql[0]})", c.sql[1]))
        if pos_pred is _ALWAYS and c.fts is None:
            return c  # an ignored qualifier stays ignored
        return _Compiled(f"NOT ({c.fts})" if c.fts and c.exact else None, c.fts is not None and c.exact,
                         lambda row: not pos_pred(row))

    def _compile_positive(self, view, R, t, forgiving, corrections, notes, role_set) -> _Compiled:
        if t.field is not None:
            return self._compile_qualifier(view, R, t, notes, role_set)
        text_cols = _cols(view.text_columns)
        cs = t.case_sensitive
        needle = fold(t.text, keep_case=cs)
        toks = tokens(t.text)
        score = [(needle, cs)]
        if t.kind == "fuzzy":
            rx = needle_regex(needle, case_sensitive=cs, word_start=True)
            pred = lambda row: rx.search(R.text(row)) is not None  # noqa: E731
            if len(toks) == 1 and len(toks[0]) == 1:
                # One letter: the rows' initials are indexed as key tokens (FTS5 has no 1-letter
                # prefix index; 'a'* merges thousands of doclists: 70 ms at 100k rows).
                return _Compiled(_keys_expr(['i' + toks[0]]), not cs, pred, score=score)
            expr = self._prefix_expr(view, text_cols, toks)
            if expr is None:
                return _Compiled(None, False, pred, score=score)  # bounded scan
            if forgiving and not t.negated and not self._has(view, expr):
                return self._widen(view, R, t, toks, expr, corrections, notes)
            return _Compiled(expr, not cs, pred, score=score, wide=expr.count(" OR ") >= 64)
        title = R.title_idx
        if t.kind == "exact":
            rx = needle_regex(needle, case_sensitive=cs)
            pred = lambda row: rx.search(R.text(row)) is not None  # noqa: E731
            parts = []
            vocab = self._vocab(view.name)
            for i, tok in enumerate(toks):
                if len(toks) == 1:
                    cand = [w for w in vocab if tok in w] if len(tok) > 1 else None
                elif i == 0:
                    cand = [w for w in vocab if w.endswith(tok)]
                elif i == len(toks) - 1:
                    parts.append(f"{text_cols} : {_phrase([tok])}")
                    continue
                else:
                    cand = [tok]
                if cand is None or len(cand) > MAX_EXPANSION:
                    continue
                if not cand:
                    return _Compiled(None, True, _NEVER, empty=True)
                parts.append(f"{text_cols} : " + _or([_phrase([w], False) for w in cand]))
            return _Compiled(" AND ".join(parts) if parts else None, False, pred, score=score)
        tcol = view.title_column
        def ft(row) -> str:
            return fold(row[title] or "", keep_case=cs)

        if t.kind == "prefix":
            return _Compiled(f"{tcol} : ^{_phrase(toks)}", False, lambda row: ft(row).startswith(needle), score=score)
        if t.kind == "equal":
            return _Compiled(f"{tcol} : ^{_phrase(toks)}", False, lambda row: ft(row) == needle, score=score)
        # suffix
        pred = lambda row: ft(row).endswith(needle)  # noqa: E731
        if not needle[-1:].isalnum():
            return _Compiled(None, False, pred, score=score)
        last = toks[-1]
        cand = [w for w in self._vocab(view.name) if w.endswith(last)]
        if len(cand) > MAX_EXPANSION:
            return _Compiled(None, False, pred, score=score)
        if not cand:
            return _Compiled(None, True, _NEVER, empty=True)
        return _Compiled(f"{tcol} : " + _or([_phrase([w], False) for w in cand]), False, pred, score=score)

    def _widen(self, view, R, t, toks, expr, corrections, notes) -> _Compiled:
        """A fuzzy word that matches nothing: typo corrections and actor subsequences."""
        text_cols = _cols(view.text_columns)
        alts: list[str] = []
        shown: list[str] = []
        score = []
        ktoks: set[str] = set()  # key tokens of the actors the word names (incidents view)
        # Typo correction, word by word (only the words that have no hits).
        fixed = []
        ok = True
        known: dict[str, bool] = {}  # once per distinct word: `a-a-a-...` is one look-up, not sixteen
        for tok in toks:
            if tok not in known:
                # a 1-letter prefix through the initials keys: FTS5 has no 1-letter prefix index ('a'* merges
                # the doclists of every word in a: 70 ms at 100k rows)
                known[tok] = self._has(view, _keys_expr(["i" + tok]) if len(tok) == 1
                                       else f"{text_cols} : {_phrase([tok])}")
            if known[tok]:
                fixed.append([tok])
                continue
            cand = self._correct(view, tok)
            if not cand:
                ok = False
                break
            fixed.append(cand)
        if ok and fixed:
            variants = [[]]
            for opts in fixed:
                variants = [v + [o] for v in variants for o in opts][:6]
            for v in variants:
                e = self._prefix_expr(view, text_cols, v) or f"{text_cols} : {_phrase(v)}"
                if self._has(view, e):
                    alts.append(e)
                    shown.append(" ".join(v))
                    score.append((" ".join(v), False))
        # In-order subsequence over short fields: actor names and aliases.
        if view.name in ("incidents", "actors") and len(compact(t.text)) >= 3:
            ids, names = self.resolve_actor(t.text)
            if ids:
                ids = ids[:50]
                shown.extend(names[:5])
                score.append((fold(t.text), False))
                if view.name == "actors":
                    corrections[t.text] = _shown(shown)
                    idset = set(ids)
                    pred = lambda row: (row[0] in idset)  # noqa: E731
                    if alts:
                        # FTS cannot express "rowid in": verify in Python over the union.
                        rxs = [needle_regex(s, word_start=True) for s, _ in score[:-1]]
                        return _Compiled(None, False,
                                         lambda row: pred(row) or any(r.search(R.text(row)) for r in rxs),
                                         score=score)
                    return _Compiled(None, False, pred, sql=(f"rowid IN ({_marks(len(ids))})", tuple(ids)),
                                     score=score)
                named = [k for i in ids for k in (f"a{i}", f"t{i}")]
                ktoks = set(named)
                alts.append(_keys_expr(named))
        if not alts:
            notes.append(f"nothing matches '{t.text}'")
            return _Compiled(None, True, _NEVER, empty=True, score=[])
        corrections[t.text] = _shown(shown)
        expr = _or([f"({a})" for a in alts])
        rxs = [needle_regex(s, word_start=True) for s, _ in score if s != fold(t.text)]
        return _Compiled(expr, True, lambda row: bool(R.keys(row) & ktoks) or any(
            r.search(R.text(row)) for r in rxs), score=score)

    def _compile_qualifier(self, view, R, t, notes, role_set) -> _Compiled:
        f = t.field
        if f not in view.qualifiers:
            notes.append(f"{t.raw}: {f}: does not apply to the {view.name} view (ignored)")
            return _Compiled(None, True, _ALWAYS)
        value = t.text
        vtoks = tokens(value)

        def col_phrase(cols: Iterable[str]) -> _Compiled:
            rx = _token_prefix_regex(" ".join(vtoks))
            idx = [R.idx[c] for c in cols]
            expr = self._prefix_expr(view, _cols(cols), vtoks)
            if expr is None:
                expr = f"{_cols(cols)} : {_phrase(vtoks)}"
            return _Compiled(expr, True,
                             lambda row: any(rx.search(" ".join(tokens(row[i] or ""))) for i in idx),
                             score=[])

        def keys_any(toks: list[str], label: str) -> _Compiled:
            if not toks:
                notes.append(f"{t.raw}: no {label} matches '{value}'")
                return _Compiled(None, True, _NEVER, empty=True)
            ks = set(toks)
            return _Compiled(_keys_expr(toks), True, lambda row: bool(R.keys(row) & ks))

        if f in ("date", "year"):
            if not view.dated:
                notes.append(f"{t.raw}: dates do not apply to the {view.name} view (ignored)")
                return _Compiled(None, True, _ALWAYS)
            lo, hi = t.date_range
            return _Compiled(None, False, lambda row: lo <= row[0] >> ID_BITS <= hi, date=(lo, hi))
        if f == "title":
            return col_phrase([view.title_column])
        if view.name == "actors":
            if f in ("kind", "type"):
                kinds = [k for k in self._vocab("kind") if compact(value) in compact(k)]
                return keys_any([f"k{compact(k)}" for k in kinds], "actor kind")
            if f == "actor":
                ids, names = self.resolve_actor(value)
                if ids:
                    notes.append(f"{t.raw} → {', '.join(names[:5])}")
                    idset = set(ids)
                    return _Compiled(None, False, lambda row: row[0] in idset,
                                     sql=(f"rowid IN ({_marks(len(ids))})", tuple(ids)))
                notes.append(f"{t.raw}: no actor matches '{value}'")
                return _Compiled(None, True, _NEVER, empty=True)
            if f == "country":
                return keys_any(self._countries(value, notes, t), "country")
            if f == "tag":
                return col_phrase(["tags"])
        if view.name == "sources":
            if f == "publisher":
                return col_phrase(["publisher"])
            if f == "source":
                return col_phrase(["title", "publisher", "url"])
            if f == "tag":
                return col_phrase(["tags"])
            if f == "body":
                expr = f"body : {_phrase(vtoks)}"
                return _Compiled(None, False, _ALWAYS,
                                 sql=("rowid IN (SELECT rowid FROM source_body_fts WHERE source_body_fts MATCH ?)",
                                      (expr,)))
        # incidents
        if f == "type":
            types = self._resolve_type(value)
            if types:
                notes.append(f"{t.raw} → {', '.join(types[:6])}{'…' if len(types) > 6 else ''}")
            return keys_any([f"ty{compact(x)}" for x in types], "type")
        if f in ("actor", "target"):
            ids, names = self.resolve_actor(value)
            if not ids:
                notes.append(f"{t.raw}: no actor matches '{value}'")
                return _Compiled(None, True, _NEVER, empty=True)
            notes.append(f"{t.raw} → {', '.join(names[:5])}{'…' if len(names) > 5 else ''}")
            ids = ids[:200]
            if f == "target":
                toks = [f"t{i}" for i in ids]
            elif role_set:
                toks = [f"a{i}{r}" for i in ids for r in role_set]
            else:
                toks = [f"a{i}" for i in ids]
            return keys_any(toks, "actor")
        if f == "role":
            rs = [r for r in ROLES if r.startswith(compact(value))]
            if not rs:
                notes.append(f"{t.raw}: roles are {', '.join(ROLES)} (ignored)")
                return _Compiled(None, True, _ALWAYS)
            return keys_any([f"r{r}" for r in rs], "role")
        if f == "review":
            rs = [r for r in REVIEWS if r.startswith(compact(value))]
            if not rs:
                notes.append(f"{t.raw}: review is auto or reviewed (ignored)")
                return _Compiled(None, True, _ALWAYS)
            return keys_any([f"rv{r}" for r in rs], "review")
        if f == "country":
            codes = self._countries(value, notes, t)
            if codes:
                return keys_any(codes, "country")
            notes.append(f"{t.raw}: unknown country, matching place names instead")
            return col_phrase(["places"])
        if f == "place":
            return col_phrase(["places"])
        if f == "tag":
            return col_phrase(["tags"])
        if f == "source":
            expr = f"{{title publisher url}} : {_phrase(vtoks)}"
            sids = [r[0] & ID_MASK for r in self.conn.execute(
                "SELECT rowid FROM source_fts WHERE source_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
                (expr, MAX_RESOLVED + 1))]
            if len(sids) > MAX_RESOLVED:
                notes.append(f"{t.raw}: more than {MAX_RESOLVED} sources match; using the newest {MAX_RESOLVED}")
                sids = sids[:MAX_RESOLVED]
            return keys_any([f"s{s}" for s in sids], "source")
        notes.append(f"{t.raw}: not supported here (ignored)")
        return _Compiled(None, True, _ALWAYS)

    def _countries(self, value: str, notes: list, t: Term) -> list[str]:
        v = compact(value)
        if len(v) == 2 and v.isalpha():
            return [f"c{v}"]
        try:
            import pycountry

            c = pycountry.countries.lookup(value.strip())
            notes.append(f"{t.raw} → {c.alpha_2}")
            return [f"c{c.alpha_2.lower()}"]
        except Exception:  # noqa: BLE001 - unknown name or pycountry missing
            return []

    # -- planning ----------------------------------------------------------------------------------
    def _plan(self, view: View, parsed: ParsedQuery, forgiving: bool):
        corrections: dict[str, str] = {}
        notes: list[str] = list(parsed.ignored)
        if parsed.errors:  # refused: matches nothing, and says why first
            return _Plan(view, _Row(view), None, 0, -1, [], [], [], True, {}, [*parsed.errors, *notes])
        R, groups = self._compile(view, parsed, forgiving, corrections, notes)
        pos_fts: list[str] = []
        neg_fts: list[str] = []
        sql: list[tuple[str, tuple]] = []
        lo, hi = 0, (1 << 62)
        checks: list[Callable] = []
        score_groups: list[list[tuple[str, bool]]] = []
        empty = False
        # FTS5 advances an OR of many words slowly inside an AND: when another term already bounds
        # the rows, test those short prefixes in Python on the (few thousand) rows instead.
        bounded = any(len(a) == 1 and not g[0].negated and not a[0].wide and not a[0].empty
                      and (a[0].fts is not None or a[0].sql is not None) for g, a in groups)
        for terms, alts in groups:
            if len(alts) == 1:
                c, term = alts[0], terms[0]
                if bounded and c.wide and not term.negated:
                    checks.append(c.pred)
                    if c.score:
                        score_groups.append(c.score)
                    continue
                if c.empty:
                    empty = True
                    continue
                if c.date is not None:
                    lo = max(lo, c.date[0] << ID_BITS)
                    hi = min(hi, (c.date[1] << ID_BITS) | ID_MASK)
                    continue
                if c.sql is not None:
                    sql.append(c.sql)
                elif c.fts is not None:
                    if term.negated:
                        neg_fts.append(c.fts[4:])
                    else:
                        pos_fts.append(c.fts)
                if not c.exact or (c.fts is None and c.sql is None):
                    if c.pred is not _ALWAYS:
                        checks.append(c.pred)
                if c.score and not term.negated:
                    score_groups.append(c.score)
                continue
            live = [c for c in alts if not c.empty]
            if not live:
                empty = True
                continue
            if any(c.pred is _ALWAYS for c in live):
                continue  # an alternative that is always true: the group is
            if all(c.fts is not None and c.sql is None and c.date is None for c in live):
                pos_fts.append(_or([f"({c.fts})" if not c.fts.startswith("NOT ") else
                                    f"({_keys_expr(['zall'])} {c.fts})" for c in live]))
                if not all(c.exact for c in live):
                    preds = [c.pred for c in live]
                    checks.append(lambda row, preds=preds: any(p(row) for p in preds))
            else:
                preds = [c.pred for c in live]
                checks.append(lambda row, preds=preds: any(p(row) for p in preds))
            sg = [s for c, term in zip(alts, terms, strict=True) if not term.negated for s in c.score]
            if sg:
                score_groups.append(sg)
        match = None
        if pos_fts:
            match = " AND ".join(f"({e})" for e in pos_fts)
        if neg_fts:
            match = f"({match or _keys_expr(['zall'])}) NOT ({' OR '.join(f'({e})' for e in neg_fts)})"
        return _Plan(view, R, match, lo, hi, sql, checks, score_groups, empty, corrections, notes)

    # -- execution ---------------------------------------------------------------------------------
    def _fetch(self, plan: _Plan, below: int | None, n: int, cols: bool) -> list[tuple]:
        """Up to n rows (skey, title[, other columns]) with rowid in range and < below, newest first.

        FTS5 gives the rowids (ORDER BY rowid DESC LIMIT n reads the index backwards and stops early);
        the displayed and searchable text comes from the doc table in one join (reading it through the
        FTS5 content mechanism costs a statement per row, ~3x slower)."""
        view = plan.view
        names = view.columns if cols else (view.title_column,)
        hi = plan.hi if below is None else min(plan.hi, below - 1)
        if hi < plan.lo:
            return []
        where = ["rowid BETWEEN ? AND ?"]
        params: list = [plan.lo, hi]
        for sql, p in plan.sql:
            where.append(sql)
            params += p
        if plan.match:
            what = ", ".join(f"d.{c}" for c in names)
            q = (f"SELECT d.skey, {what} FROM (SELECT rowid AS r FROM {view.table} WHERE {view.table} MATCH ? AND "
                 f"{' AND '.join(where)} ORDER BY rowid DESC LIMIT ?) f JOIN {view.doc} d ON d.skey = f.r")
            rows = self.conn.execute(q, [plan.match, *params, n]).fetchall()
            rows.sort(key=_first, reverse=True)
            return rows
        q = (f"SELECT skey, {', '.join(names)} FROM {view.doc} WHERE {' AND '.join(where)} "
             "ORDER BY skey DESC LIMIT ?")
        return self.conn.execute(q, [*params, n]).fetchall()

    def _rowids(self, plan: _Plan, n: int, budget_ms: float | None = None, first: int | None = None,
                ordered: bool = True, below: int | None = None) -> tuple[list[int], bool]:
        """The newest n matching sort keys (no Python checks), straight from the index. After the
        first `first` (default WINDOW) rows, reading stops when budget_ms is spent: returns (keys,
        stopped early)."""
        view = plan.view
        where = ["rowid BETWEEN ? AND ?"]
        params: list = [plan.lo, plan.hi if below is None else min(plan.hi, below - 1)]
        for sql, p in plan.sql:
            where.append(sql)
            params += p
        order = "ORDER BY rowid DESC" if ordered else ""
        if plan.match:
            q = (f"SELECT rowid FROM {view.table} WHERE {view.table} MATCH ? AND {' AND '.join(where)} "
                 f"{order} LIMIT ?")
            params.insert(0, plan.match)
        else:
            q = f"SELECT rowid FROM {view.doc} WHERE {' AND '.join(where)} {order} LIMIT ?"
        cur = self.conn.execute(q, [*params, n])
        try:
            if budget_ms is None:
                return [r[0] for r in cur], False
            first = WINDOW if first is None else first
            ids = [r[0] for r in cur.fetchmany(first + 1)] if first else []
            if first and len(ids) <= first:
                return ids, False
            deadline = time.perf_counter() + budget_ms / 1000
            while True:
                chunk = cur.fetchmany(256)
                if not chunk:
                    return ids, False
                ids += [r[0] for r in chunk]
                if time.perf_counter() > deadline:
                    return ids, len(ids) < n
        finally:
            cur.close()

    def _docs(self, view: View, keys: list[int]) -> list[tuple]:
        """(skey, title) rows of these sort keys, newest first."""
        out: list[tuple] = []
        for i in range(0, len(keys), 5000):
            chunk = keys[i:i + 5000]
            out += self.conn.execute(
                f"SELECT skey, {view.title_column} FROM {view.doc} WHERE skey IN ({_marks(len(chunk))})", chunk)
        out.sort(key=_first, reverse=True)
        return out

    def _verified(self, plan: _Plan, below: int | None, want: int, scan_limit: int | None):
        """Rows (newest first) passing all checks: returns (rows, boundary, exhausted, limited).
        boundary: every matching row with rowid >= boundary is in rows."""
        out: list[tuple] = []
        scanned = 0
        checks = plan.checks
        cols = bool(checks)
        while True:
            self._checkpoint()
            n = want - len(out) if not checks else max(CHUNK, want - len(out))
            if scan_limit is not None and checks:
                n = min(n, scan_limit - scanned)
            batch = self._fetch(plan, below, n, cols)
            scanned += len(batch)
            if checks:
                for row in batch:
                    if all(c(row) for c in checks):
                        out.append(row)
                        if len(out) >= want:
                            return out, row[0], False, False
            else:
                out.extend(batch)
                if len(out) >= want:
                    return out, out[-1][0], False, False
            if len(batch) < n:
                return out, plan.lo, True, False
            below = batch[-1][0]
            if scan_limit is not None and checks and scanned >= scan_limit:
                return out, below, False, True

    def _hit(self, plan: _Plan, row: tuple, score: float) -> Hit:
        title = row[1] or ""
        positions: set[int] = set()
        if plan.score_groups:
            low = ups = None
            for group in plan.score_groups:
                best, best_pos = 0.0, []
                for needle, cs in group:
                    if cs:
                        ups = ups if ups is not None else fold(title, keep_case=True)
                        s, p = score_term(ups, needle)
                    else:
                        low = low if low is not None else fold(title)
                        s, p = score_term(low, needle)
                    if s > best:
                        best, best_pos = s, p
                positions.update(best_pos)
        view = plan.view
        date = key_date(row[0] >> ID_BITS) if view.dated else None
        return Hit(row[0] & ID_MASK if view.dated else row[0], title, sorted(positions), score, date)

    def search(self, view: str, query: str, *, limit: int = 100, after: Cursor | None = None, cancel=None,
               count_limit: int = 10_000, window: int | None = None) -> SearchResult:
        """Interactive search (see the module docstring)."""
        v = _view(view)
        if after is not None and after.window:
            window = after.window  # pages of one query share its window
        window = max(1, int(window or WINDOW))
        try:
            return self._run(lambda: self._search(v, query, max(1, int(limit)), after, count_limit, window), cancel)
        except SearchIndexMissing as exc:
            parsed = parse(query)
            return SearchResult([], 0, True, None, parsed, {}, [*parsed.ignored, str(exc)])

    def _search(self, view: View, query: str, limit: int, after: Cursor | None, count_limit: int,
                window: int) -> SearchResult:
        t0 = time.perf_counter()
        parsed = parse(query)
        if after is not None and (after.view != view.name or after.query != query):
            raise ValueError("cursor belongs to another query")
        if parsed.is_empty and view.name == "actors":
            res = self._actors_by_name(parsed, limit, after, count_limit)
            res.elapsed_ms = (time.perf_counter() - t0) * 1000
            return res
        plan = self._plan(view, parsed, True)
        self._checkpoint()
        res = SearchResult([], 0, True, None, parsed, plan.corrections, plan.notes)
        if plan.empty:
            res.elapsed_ms = (time.perf_counter() - t0) * 1000
            return res
        rows: list[Hit] = []
        ranked = not parsed.is_empty and (after is None or after.tier == 0)
        window_rows: list[tuple] = []
        exhausted = False
        counted = None
        if ranked and not plan.checks:
            # One pass over the index gives the window and the (capped) total.
            ids, stopped = self._rowids(plan, max(window, count_limit) + 1, COUNT_BUDGET_MS, first=window)
            counted = len(ids) if not stopped else -len(ids)
            exhausted = len(ids) <= window
            boundary = ids[window - 1] if not exhausted else plan.lo
            self._checkpoint()
            window_rows = self._docs(plan.view, ids[:window])
        elif ranked:
            window_rows, boundary, exhausted, _limited = self._verified(plan, None, window, SCAN_LIMIT)
        if ranked:
            self._checkpoint()
            rank = plan.rank
            scored = [(rank(r[1] or ""), r) for r in window_rows] if plan.rankers else \
                [(0.0, r) for r in window_rows]
            scored.sort(key=_rank_order)
            if after is not None:
                scored = [x for x in scored if x[0] < after.score or (x[0] == after.score and x[1][0] < after.key)]
            rows = [self._hit(plan, r, sc) for sc, r in scored[:limit]]
            if len(scored) > limit:
                sc, r = scored[limit - 1]
                res.next_cursor = Cursor(view.name, query, 0, sc, r[0], window=window)
            elif not exhausted:
                # Fill the page from the rest (tier 1), below the window.
                more, nxt = self._tier1(plan, boundary, limit - len(rows), query)
                rows += more
                res.next_cursor = nxt
        else:
            below = after.key if after is not None else None
            rows, res.next_cursor = self._tier1(plan, below, limit, query)
        res.rows = rows
        self._checkpoint()
        if ranked and exhausted:
            res.total, res.total_is_exact = len(window_rows), True
        elif counted is not None:
            if counted < 0:  # the counting budget ran out: "more than"
                res.total, res.total_is_exact = -counted, False
            else:
                res.total, res.total_is_exact = (counted, True) if counted <= count_limit else (count_limit, False)
        elif not plan.checks:
            ids, stopped = self._rowids(plan, count_limit + 1, COUNT_BUDGET_MS, first=0, ordered=False)
            n = len(ids)
            res.total, res.total_is_exact = (n, not stopped) if n <= count_limit else (count_limit, False)
        else:
            res.total = len(window_rows) if ranked else len(rows)
            res.total_is_exact = False
        res.elapsed_ms = (time.perf_counter() - t0) * 1000
        return res

    def _tier1(self, plan: _Plan, below: int | None, n: int, query: str) -> tuple[list[Hit], Cursor | None]:
        if n <= 0:
            return [], Cursor(plan.view.name, query, 1, 0.0, below) if below is not None else None
        rows, _b, exhausted, _l = self._verified(plan, below, n + 1, None)
        rank = plan.rank
        hits = [self._hit(plan, r, rank(r[1] or "")) for r in rows[:n]]
        nxt = Cursor(plan.view.name, query, 1, 0.0, rows[n - 1][0]) if len(rows) > n else None
        return hits, nxt

    def _count(self, plan: _Plan, cap: int | None) -> int:
        view = plan.view
        if not plan.match and not plan.sql and plan.lo == 0 and plan.hi >= (1 << 62) and cap is None:
            # Everything: count(*) reads the narrow id index, not the doc rows (50 ms at 1M, not 1 s).
            return self.conn.execute(f"SELECT count(*) FROM {view.doc}").fetchone()[0]
        where, params = ["rowid BETWEEN ? AND ?"], [plan.lo, plan.hi]
        for s, p in plan.sql:
            where.append(s)
            params += p
        if plan.match:
            where.insert(0, f"{view.table} MATCH ?")
            params.insert(0, plan.match)
            inner = f"SELECT 1 FROM {view.table} WHERE {' AND '.join(where)}"
        else:
            inner = f"SELECT 1 FROM {view.doc} WHERE {' AND '.join(where)}"
        if cap is not None:
            inner += " LIMIT ?"
            params.append(cap)
        return self.conn.execute(f"SELECT count(*) FROM ({inner})", params).fetchone()[0]

    def _actors_by_name(self, parsed, limit, after, count_limit) -> SearchResult:
        params: list = []
        cond = ""
        if after is not None and after.tier == 2:
            cond = "AND (normalised, id) > (?, ?)"
            params = [after.name, after.key]
        rows = self.conn.execute(
            f"SELECT id, name, normalised FROM actor WHERE merged_into IS NULL {cond} "
            "ORDER BY normalised, id LIMIT ?", (*params, limit + 1)).fetchall()
        hits = [Hit(r[0], r[1] or "", [], 0.0, None) for r in rows[:limit]]
        nxt = Cursor("actors", parsed.query, 2, 0.0, rows[limit - 1][0], rows[limit - 1][2]) \
            if len(rows) > limit else None
        n = self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM actor WHERE merged_into IS NULL LIMIT ?)",
                              (count_limit + 1,)).fetchone()[0]
        return SearchResult(hits, min(n, count_limit), n <= count_limit, nxt, parsed, {}, list(parsed.ignored))

    def matching_ids(self, view: str, query: str, *, forgiving: bool = False, cancel=None) -> Iterator[int]:
        """Every matching id, newest first (actors: highest id first). Lazy; see module docstring."""
        v = _view(view)
        parsed = parse(query)
        if parsed.errors:
            raise QueryError("; ".join(parsed.errors))
        plan = self._run(lambda: self._plan(v, parsed, forgiving), cancel)
        if plan.empty:
            return
        below = None
        mask = ID_MASK if v.dated else -1
        if not plan.checks:  # ids straight from the index, 20k at a time
            while True:
                keys, _ = self._run(lambda b=below: self._rowids(plan, 20_000, below=b), cancel)
                for k in keys:
                    yield k & mask
                if len(keys) < 20_000:
                    return
                below = keys[-1]
        while True:
            rows, _b, exhausted, _l = self._run(lambda b=below: self._verified(plan, b, 5000, None), cancel)
            for r in rows:
                yield r[0] & mask
            if exhausted or not rows:
                return
            below = rows[-1][0]

    def count(self, view: str, query: str, *, cancel=None) -> int:
        """Exact number of rows `search` can page through (no window, same widening)."""
        v = _view(view)

        def run():
            parsed = parse(query)
            if parsed.is_empty and v.name == "actors":
                return self.conn.execute("SELECT count(*) FROM actor WHERE merged_into IS NULL").fetchone()[0]
            plan = self._plan(v, parsed, True)
            if plan.empty:
                return 0
            if not plan.checks:
                return self._count(plan, None)
            n, below = 0, None
            while True:
                rows, _b, exhausted, _l = self._verified(plan, below, 5000, None)
                n += len(rows)
                if exhausted or not rows:
                    return n
                below = rows[-1][0]

        return self._run(run, cancel)


def _first(row: tuple):
    return row[0]


def _rank_order(item: tuple[float, tuple]):
    return (-item[0], -item[1][0])


@dataclass
class _Plan:
    view: View
    R: _Row
    match: str | None
    lo: int
    hi: int
    sql: list[tuple[str, tuple]]
    checks: list[Callable]
    score_groups: list[list[tuple[str, bool]]]
    empty: bool
    corrections: dict[str, str]
    notes: list[str]
    rankers: list[list[tuple[str, bool]]] = field(default_factory=list)

    def __post_init__(self):
        self.rankers = [[(n, cs) for n, cs in g if n] for g in self.score_groups]
        self.rankers = [g for g in self.rankers if g]

    def rank(self, title: str) -> float:
        """fzf-like score of the displayed title: whole word > word start > substring (+ a bonus at the
        very start); 0 when the terms matched other fields only (actors, places...). Ties are broken by
        date by the caller. Plain string search on the folded title: ~1 µs per term and row."""
        if not self.rankers:
            return 0.0
        low = title.lower() if title.isascii() else fold(title)
        keep = None
        total = 0.0
        for group in self.rankers:
            best = 0.0
            for needle, cs in group:
                if cs:
                    keep = keep if keep is not None else fold(title, keep_case=True)
                    hay = keep
                else:
                    hay = low
                i = hay.find(needle)
                if i < 0:
                    continue
                n = len(needle)
                s = 60.0 + 2 * n
                tries = 0
                while i >= 0 and tries < 8:
                    if i == 0 or not hay[i - 1].isalnum():
                        s = 90.0 + 2 * n + (5.0 if i == 0 else 0.0)
                        end = i + n
                        if end == len(hay) or not hay[end].isalnum():
                            s += 10.0
                            break
                    i = hay.find(needle, i + 1)
                    tries += 1
                if s > best:
                    best = s
            total += best
        return total


# --------------------------------------------------------------------------------------------------
# Module-level convenience: one Searcher per connection.

_SEARCHERS: OrderedDict[int, Searcher] = OrderedDict()
_SEARCHERS_LOCK = threading.Lock()


def _searcher(conn: sqlite3.Connection) -> Searcher:
    with _SEARCHERS_LOCK:
        s = _SEARCHERS.get(id(conn))
        if s is None or s.conn is not conn:
            s = _SEARCHERS[id(conn)] = Searcher(conn)
            while len(_SEARCHERS) > 8:
                _SEARCHERS.popitem(last=False)
        else:
            _SEARCHERS.move_to_end(id(conn))
        return s


def _invalidate(conn: sqlite3.Connection) -> None:
    s = _SEARCHERS.get(id(conn))
    if s is not None and s.conn is conn:
        s.invalidate()


def search(conn: sqlite3.Connection, view: str, query: str, *, limit: int = 100, after: Cursor | None = None,
           cancel=None, count_limit: int = 10_000, window: int | None = None) -> SearchResult:
    return _searcher(conn).search(view, query, limit=limit, after=after, cancel=cancel, count_limit=count_limit,
                                  window=window)


def matching_ids(conn: sqlite3.Connection, view: str, query: str, *, forgiving: bool = False) -> Iterator[int]:
    return _searcher(conn).matching_ids(view, query, forgiving=forgiving)


def count(conn: sqlite3.Connection, view: str, query: str) -> int:
    return _searcher(conn).count(view, query)
