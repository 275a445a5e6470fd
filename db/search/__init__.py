"""Search: FTS5 indexes, the query language and fzf-like ranking (docs/ARCHITECTURE.md, Query language).

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
  title, type, actors and their aliases, targets, places, tags, year, and the summary and evidence
  sentences (rows found there only score 0 in the ranking: below title hits); actors: name, aliases, kind,
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
  start excludes undated rows), ``source:`` (incidents reported by matching sources, newest 1000; a
  source's title, publisher, URL or file name), ``tag:``, ``review:``, ``title:``, ``from:`` (an actor's
  country) and ``kind:`` (an actor's kind), both of an actor in a non-target role; actors view:
  ``kind:``/``type:``, ``country:``/``from:``, ``tag:``, ``actor:``; sources view: ``publisher:``,
  ``source:``, ``body:``, ``year:``/``date:``, ``tag:``.
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

The package-level functions keep one `Searcher` per connection (caches: index vocabulary, actor names),
refreshed when the database changes (``PRAGMA data_version``). The Searcher serialises its own calls
with a lock, so sharing one between threads is safe but not concurrent.

Modules
=======

Index layout and DDL in `index` (the tables, sort keys, key tokens; SQLite specific), what goes into it in
`documents` (documents, `reindex`, `rebuild`, the deferred refresh of bulk imports), the query language in
`parser`, text folding and scoring in `fuzzy`, what the index knows in `resolve` (vocabulary, actor names,
typo correction), terms to conditions in `compile` (with `QUALIFIERS`, the table of qualifiers per view),
conditions to a plan that reads and ranks in `plan`, the answers in `results`, and the `Searcher` with the
package-level functions in `searcher`. Imports point one way, index <- documents <- resolve <- compile <- plan
<- searcher (parser, fuzzy and results sit beside them); `documents` reaches back to `searcher` only to
drop its caches after a write (an import inside the function).
"""
from __future__ import annotations

# Set on the package, read from it at call time by the modules (`_package.WINDOW`), so that a caller's
# `db.search.WINDOW = 50` (tests, benchmarks) takes effect. Every other constant is only re-exported here.
WINDOW = 1000
"""Candidates re-ranked per query: the newest WINDOW matching rows. 1000 rather than 2000 halves the
cost of multi-word queries at 1M rows (p95 CPU 12 ms instead of 21 ms); `search(window=...)` overrides."""
KEY_MARK = "zqk"
"""Every key token is written behind this mark. FTS5 adds each token's first 2 and 3 letters to its
prefix indexes; behind one mark, a row's ~20 key tokens add 2 prefix terms instead of ~40 ('a1',
'a12', 't3', 't34'...). Measured on 45,649 incident rows indexed one document at a time: 2.8-3.3 s
instead of 4.2-4.7 s, 25.3 MB instead of 33.4 MB. Text terms only search the text columns, so a
user's 'zqk' finds nothing it should not."""

from db.search.compile import MAX_RESOLVED, QUALIFIERS  # noqa: E402 - after the tunables above
from db.search.documents import ensure_pending, flush_pending, mark_pending, rebuild, reindex  # noqa: E402
from db.search.index import (  # noqa: E402
    ID_BITS,
    ID_MASK,
    LAYOUT,
    TOKENIZE,
    VIEWS,
    View,
    date_key,
    ensure_schema,
    key_date,
    needs_rebuild,
)
from db.search.parser import REVIEWS, ParsedQuery, Term, parse  # noqa: E402
from db.search.plan import CHUNK, SCAN_LIMIT  # noqa: E402
from db.search.resolve import MAX_EXPANSION, PHRASE_EXPANSION_WORDS, Lookups  # noqa: E402
from db.search.results import (  # noqa: E402
    Cursor,
    Hit,
    QueryError,
    SearchCancelled,
    SearchIndexMissing,
    SearchResult,
)
from db.search.searcher import COUNT_BUDGET_MS, PRELOAD_STEP, Searcher, count, matching_ids, search  # noqa: E402
from db.taxonomy import ROLES  # noqa: E402

__all__ = [
    "parse", "search", "matching_ids", "count", "ensure_schema", "reindex", "rebuild", "needs_rebuild", "Searcher",
    "mark_pending", "flush_pending", "ensure_pending",
    "SearchResult", "Hit", "Cursor", "SearchCancelled", "SearchIndexMissing", "QueryError", "ParsedQuery", "Term",
    "VIEWS", "WINDOW",
]
# Also public, as before the split (read them here; only WINDOW and KEY_MARK are read back from here):
__all__ += [
    "KEY_MARK", "LAYOUT", "ID_BITS", "ID_MASK", "TOKENIZE", "View", "QUALIFIERS", "Lookups", "date_key", "key_date",
    "ROLES", "REVIEWS", "SCAN_LIMIT", "CHUNK", "COUNT_BUDGET_MS", "PRELOAD_STEP", "MAX_EXPANSION",
    "PHRASE_EXPANSION_WORDS", "MAX_RESOLVED",
]
