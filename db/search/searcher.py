"""The `Searcher`: one connection's search, its caches, cancellation, and the module-level convenience.

A `Searcher` owns a connection's `Lookups` (vocabulary, actor names; dropped when ``PRAGMA data_version``
or the connection's own changes say the database changed) and serialises its calls with a lock. Each call
parses the query (`db.search.parser`), plans it (`db.search.plan`) and reads the index in the order the
package docstring describes: the ranked window, then the rest newest first, counted within a budget.

The module-level functions (`search`, `matching_ids`, `count`) keep one `Searcher` per connection (the
newest eight); `db.search.documents` calls `_invalidate` after writing to the index.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from db import search as _package  # WINDOW is read there at call time: `db.search.WINDOW = ...` applies
from db.search.index import ID_MASK, View, _view
from db.search.parser import ParsedQuery, parse
from db.search.plan import SCAN_LIMIT, _docs, _Plan, _rank_order, make_plan
from db.search.resolve import Lookups
from db.search.results import Cursor, Hit, QueryError, SearchCancelled, SearchIndexMissing, SearchResult

COUNT_BUDGET_MS = 2.0
"""Time a keystroke may spend counting matches beyond the window; then the total is "more than" (the
browser asks `count` for the exact figure once the typing rests)."""
PRELOAD_STEP = 256 * 1024
"""Bytes `Searcher.preload` reads per step (~64 pages: a few ms from a cold disk)."""

_T = TypeVar("_T")


class Searcher:
    """Search on one connection, with caches. See the package docstring (`db.search`) for threading."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._lock = threading.RLock()
        self._state: tuple[int, int] | None = None  # (data_version, total_changes)
        self.lookups = Lookups(conn)
        self._cancel: Callable[[], bool] | None = None

    # -- caches --------------------------------------------------------------------------------
    def _check_fresh(self) -> None:
        state = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
        if state != self._state:
            self._state = state
            self.lookups.cache.clear()

    def invalidate(self) -> None:
        self._state = None
        self.lookups.cache.clear()

    def warm(self, views: Iterable[str] = ("incidents",)) -> None:
        """Load the caches a first keystroke would (vocabulary, actor names, rapidfuzz): call it from the
        search worker after the first frame so that the first keystroke is as fast as the others."""
        with self._lock:
            self._check_fresh()
            try:
                for v in views:
                    self.lookups.vocab(_view(v).name)
                self.lookups.actors()
                self.lookups.vocab("type")
            except sqlite3.OperationalError:
                return  # no index yet: search() says so
            from rapidfuzz import fuzz, process  # noqa: F401
            from rapidfuzz.distance import Levenshtein  # noqa: F401

    def preload(self, view: str, budget: int, step: int = PRELOAD_STEP,
                scout: sqlite3.Connection | None = None,
                lock: AbstractContextManager[object] | None = None) -> Iterator[int]:
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

        def run(sql: str, args: tuple[object, ...] = ()) -> Any:  # the row (or None)
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
                row_bytes = run(f"SELECT avg({size}) FROM (SELECT * FROM {table} ORDER BY {key} {order} LIMIT 16) AS t")[0]
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
    def _cancel_fn(cancel: object) -> Callable[[], bool] | None:
        if cancel is None:
            return None
        if callable(cancel):
            return cancel
        for attr in ("is_cancelled", "cancelled", "is_set"):
            if hasattr(cancel, attr):
                val = getattr(cancel, attr)
                return val if callable(val) else (lambda c=cancel, a=attr: bool(getattr(c, a)))  # type: ignore[misc]  # a lambda's default: mypy cannot type it
        raise TypeError("cancel must be callable, an Event, or have is_cancelled")

    def _run(self, fn: Callable[[], _T], cancel: object) -> _T:
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

    def resolve_actor(self, value: str) -> tuple[list[int], list[str]]:
        """Actor ids (survivors) and display names for a qualifier value (`Lookups.resolve_actor`)."""
        return self.lookups.resolve_actor(value)

    def _verified(self, plan: _Plan, below: int | None, want: int, scan_limit: int | None,
                  ) -> tuple[list[tuple[Any, ...]], int, bool, bool]:
        return plan.verified(self.conn, below, want, scan_limit, self._checkpoint)

    # -- the calls --------------------------------------------------------------------------------
    def search(self, view: str, query: str, *, limit: int = 100, after: Cursor | None = None, cancel: object = None,
               count_limit: int = 10_000, window: int | None = None) -> SearchResult:
        """Interactive search (see the package docstring, `db.search`)."""
        v = _view(view)
        if after is not None and after.window:
            window = after.window  # pages of one query share its window
        window = max(1, int(window or _package.WINDOW))
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
        plan = make_plan(self.lookups, view, parsed, True)
        self._checkpoint()
        res = SearchResult([], 0, True, None, parsed, plan.corrections, plan.notes)
        if plan.empty:
            res.elapsed_ms = (time.perf_counter() - t0) * 1000
            return res
        rows: list[Hit] = []
        ranked = not parsed.is_empty and (after is None or after.tier == 0)
        window_rows: list[tuple[Any, ...]] = []
        exhausted = False
        counted = None
        if ranked and not plan.checks:
            # One pass over the index gives the window and the (capped) total.
            ids, stopped = plan.rowids(self.conn, max(window, count_limit) + 1, COUNT_BUDGET_MS, first=window)
            counted = len(ids) if not stopped else -len(ids)
            exhausted = len(ids) <= window
            boundary = ids[window - 1] if not exhausted else plan.lo
            self._checkpoint()
            window_rows = _docs(self.conn, plan.view, ids[:window])
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
            rows = [plan.hit(r, sc) for sc, r in scored[:limit]]
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
            ids, stopped = plan.rowids(self.conn, count_limit + 1, COUNT_BUDGET_MS, first=0, ordered=False)
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
        hits = [plan.hit(r, rank(r[1] or "")) for r in rows[:n]]
        nxt = Cursor(plan.view.name, query, 1, 0.0, rows[n - 1][0]) if len(rows) > n else None
        return hits, nxt

    def _actors_by_name(self, parsed: ParsedQuery, limit: int, after: Cursor | None, count_limit: int) -> SearchResult:
        params: list[object] = []
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
        n = self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM actor WHERE merged_into IS NULL LIMIT ?) AS a",
                              (count_limit + 1,)).fetchone()[0]
        return SearchResult(hits, min(n, count_limit), n <= count_limit, nxt, parsed, {}, list(parsed.ignored))

    def matching_ids(self, view: str, query: str, *, forgiving: bool = False, cancel: object = None) -> Iterator[int]:
        """Every matching id, newest first (actors: highest id first). Lazy; see the package docstring."""
        v = _view(view)
        parsed = parse(query)
        if parsed.errors:
            raise QueryError("; ".join(parsed.errors))
        plan = self._run(lambda: make_plan(self.lookups, v, parsed, forgiving), cancel)
        if plan.empty:
            return
        below = None
        mask = ID_MASK if v.dated else -1
        if not plan.checks:  # ids straight from the index, 20k at a time
            while True:
                keys, _ = self._run(lambda b=below: plan.rowids(self.conn, 20_000, below=b), cancel)  # type: ignore[misc]  # a lambda's default: mypy cannot type it
                for k in keys:
                    yield k & mask
                if len(keys) < 20_000:
                    return
                below = keys[-1]
        while True:
            rows, _b, exhausted, _l = self._run(lambda b=below: self._verified(plan, b, 5000, None), cancel)  # type: ignore[misc]  # a lambda's default: mypy cannot type it
            for r in rows:
                yield r[0] & mask
            if exhausted or not rows:
                return
            below = rows[-1][0]

    def count(self, view: str, query: str, *, cancel: object = None) -> int:
        """Exact number of rows `search` can page through (no window, same widening)."""
        v = _view(view)

        def run() -> int:
            parsed = parse(query)
            if parsed.is_empty and v.name == "actors":
                actors: int = self.conn.execute("SELECT count(*) FROM actor WHERE merged_into IS NULL").fetchone()[0]
                return actors
            plan = make_plan(self.lookups, v, parsed, True)
            if plan.empty:
                return 0
            if not plan.checks:
                return plan.count(self.conn, None)
            n, below = 0, None
            while True:
                rows, _b, exhausted, _l = self._verified(plan, below, 5000, None)
                n += len(rows)
                if exhausted or not rows:
                    return n
                below = rows[-1][0]

        return self._run(run, cancel)


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
           cancel: object = None, count_limit: int = 10_000, window: int | None = None) -> SearchResult:
    return _searcher(conn).search(view, query, limit=limit, after=after, cancel=cancel, count_limit=count_limit,
                                  window=window)


def matching_ids(conn: sqlite3.Connection, view: str, query: str, *, forgiving: bool = False) -> Iterator[int]:
    return _searcher(conn).matching_ids(view, query, forgiving=forgiving)


def count(conn: sqlite3.Connection, view: str, query: str) -> int:
    return _searcher(conn).count(view, query)
