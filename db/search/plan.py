"""Planning, reading and ranking: what a compiled query asks of the index, and how its rows come back.

`make_plan` folds the compiled terms (`db.search.compile`) into one `_Plan`: an FTS5 MATCH (the AND of
what FTS5 can decide, minus the negated), a range of the sort key (date qualifiers), SQL conditions, the
Python checks FTS5 cannot make, and the needles that rank a row. The plan then reads the index newest
first in keyset pages (`rowids`: sort keys only, for windows and counts; `fetch`/`verified`: rows with
their text, through the checks; `count`), and turns rows into `Hit`s (`rank`, `hit`: the fzf-like score
of the displayed title and the matched positions). The `Searcher` decides which of these a call needs.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db.search.compile import _ALWAYS, compile_query
from db.search.fuzzy import fold, score_term
from db.search.index import ID_BITS, ID_MASK, View, _keys_expr, _marks, _or, key_date, server
from db.search.parser import ParsedQuery
from db.search.resolve import Lookups
from db.search.results import Hit

SCAN_LIMIT = 20_000
"""Rows a keystroke may verify in Python (terms FTS5 cannot answer alone: 1-letter words, exact
substrings, smart case...). Beyond it the total is reported as "more than"."""
CHUNK = 2000
SERVER_STEP = 2000
"""Keys a counting step asks a server for at a time (`_Plan._rowids_in_steps`): small enough to stop near
the budget, large enough that the round trips do not dominate."""


def make_plan(look: Lookups, view: View, parsed: ParsedQuery, forgiving: bool) -> _Plan:
    """The plan of a parsed query on a view; ``forgiving`` widens words that match nothing (`search`,
    `count`), not `matching_ids` by default. A refused query (``parsed.errors``) plans to match nothing."""
    corrections: dict[str, str] = {}
    notes: list[str] = list(parsed.ignored)
    if parsed.errors:  # refused: matches nothing, and says why first
        return _Plan(view, None, 0, -1, [], [], [], True, {}, [*parsed.errors, *notes])
    groups = compile_query(look, view, parsed, forgiving, corrections, notes)
    pos_fts: list[str] = []
    neg_fts: list[str] = []
    sql: list[tuple[str, tuple[object, ...]]] = []
    lo, hi = 0, (1 << 62)
    checks: list[Callable[[tuple[Any, ...]], bool]] = []
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
            pos_fts.append(_or([f"({c.fts})" if not c.fts.startswith("NOT ") else  # type: ignore[union-attr]  # all() above: not None
                                f"({_keys_expr(['zall'])} {c.fts})" for c in live]))
            if not all(c.exact for c in live):
                preds = [c.pred for c in live]
                checks.append(lambda row, preds=preds: any(p(row) for p in preds))  # type: ignore[misc]  # a lambda's default: mypy cannot type it
        else:
            preds = [c.pred for c in live]
            checks.append(lambda row, preds=preds: any(p(row) for p in preds))  # type: ignore[misc]  # a lambda's default: mypy cannot type it
        sg = [s for c, term in zip(alts, terms, strict=True) if not term.negated for s in c.score]
        if sg:
            score_groups.append(sg)
    match = None
    if pos_fts:
        match = " AND ".join(f"({e})" for e in pos_fts)
    if neg_fts:
        match = f"({match or _keys_expr(['zall'])}) NOT ({' OR '.join(f'({e})' for e in neg_fts)})"
    return _Plan(view, match, lo, hi, sql, checks, score_groups, empty, corrections, notes)


@dataclass
class _Plan:
    view: View
    match: str | None
    lo: int
    hi: int
    sql: list[tuple[str, tuple[object, ...]]]
    checks: list[Callable[[tuple[Any, ...]], bool]]
    score_groups: list[list[tuple[str, bool]]]
    empty: bool
    corrections: dict[str, str]
    notes: list[str]
    rankers: list[list[tuple[str, bool]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rankers = [[(n, cs) for n, cs in g if n] for g in self.score_groups]
        self.rankers = [g for g in self.rankers if g]

    # -- reading -----------------------------------------------------------------------------------
    def fetch(self, conn: sqlite3.Connection, below: int | None, n: int, cols: bool) -> list[tuple[Any, ...]]:
        """Up to n rows (skey, title[, other columns]) with rowid in range and < below, newest first.

        FTS5 gives the rowids (ORDER BY rowid DESC LIMIT n reads the index backwards and stops early);
        the displayed and searchable text comes from the doc table in one join (reading it through the
        FTS5 content mechanism costs a statement per row, ~3x slower)."""
        view = self.view
        names = view.columns if cols else (view.title_column,)
        hi = self.hi if below is None else min(self.hi, below - 1)
        if hi < self.lo:
            return []
        where = ["rowid BETWEEN ? AND ?"]
        params: list[object] = [self.lo, hi]
        for sql, p in self.sql:
            where.append(sql)
            params += p
        if self.match:
            what = ", ".join(f"d.{c}" for c in names)
            q = (f"SELECT d.skey, {what} FROM (SELECT rowid AS r FROM {view.table} WHERE {view.table} MATCH ? AND "
                 f"{' AND '.join(where)} ORDER BY rowid DESC LIMIT ?) f JOIN {view.doc} d ON d.skey = f.r")
            rows = conn.execute(q, [self.match, *params, n]).fetchall()
            rows.sort(key=_first, reverse=True)
            return rows
        q = (f"SELECT skey, {', '.join(names)} FROM {view.doc} WHERE {' AND '.join(where)} "
             "ORDER BY skey DESC LIMIT ?")
        return conn.execute(q, [*params, n]).fetchall()

    def rowids(self, conn: sqlite3.Connection, n: int, budget_ms: float | None = None, first: int = 0,
                ordered: bool = True, below: int | None = None) -> tuple[list[int], bool]:
        """The newest n matching sort keys (no Python checks), straight from the index. After the
        first `first` rows, reading stops when budget_ms is spent: returns (keys, stopped early)."""
        if budget_ms is not None and server(conn):
            return self._rowids_in_steps(conn, n, budget_ms, first, below)
        view = self.view
        where = ["rowid BETWEEN ? AND ?"]
        params: list[object] = [self.lo, self.hi if below is None else min(self.hi, below - 1)]
        for sql, p in self.sql:
            where.append(sql)
            params += p
        order = "ORDER BY rowid DESC" if ordered else ""
        if self.match:
            q = (f"SELECT rowid FROM {view.table} WHERE {view.table} MATCH ? AND {' AND '.join(where)} "
                 f"{order} LIMIT ?")
            params.insert(0, self.match)
        else:
            q = f"SELECT rowid FROM {view.doc} WHERE {' AND '.join(where)} {order} LIMIT ?"
        cur = conn.execute(q, [*params, n])
        try:
            if budget_ms is None:
                return [r[0] for r in cur], False
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

    def _rowids_in_steps(self, conn: sqlite3.Connection, n: int, budget_ms: float, first: int,
                         below: int | None) -> tuple[list[int], bool]:
        """`rowids` with a budget on a server: its answer comes whole, not row by row as SQLite's does, so
        the keys are asked for in steps (keyset: below the last one) until n, the end, or the budget."""
        ids: list[int] = []
        # The budget runs from the start: one step of a server (a round trip, ~10 ms for 2000 keys at 100k
        # incidents) is several budgets of SQLite's, so past the window's own step a keystroke rarely takes
        # another, and the total says "more than" sooner; `count` gives the exact figure off the keystroke.
        deadline = time.perf_counter() + budget_ms / 1000
        while len(ids) < n:
            step = min(first + 1 if first and not ids else SERVER_STEP, n - len(ids))
            chunk, _ = self.rowids(conn, step, below=below)
            ids += chunk
            if len(chunk) < step or (first and len(ids) <= first):
                return ids, False
            below = chunk[-1]
            if time.perf_counter() > deadline:
                return ids, len(ids) < n
        return ids, False

    def verified(self, conn: sqlite3.Connection, below: int | None, want: int, scan_limit: int | None,
                 checkpoint: Callable[[], None]) -> tuple[list[tuple[Any, ...]], int, bool, bool]:
        """Rows (newest first) passing all checks: returns (rows, boundary, exhausted, limited).
        boundary: every matching row with rowid >= boundary is in rows."""
        out: list[tuple[Any, ...]] = []
        scanned = 0
        checks = self.checks
        cols = bool(checks)
        while True:
            checkpoint()
            n = want - len(out) if not checks else max(CHUNK, want - len(out))
            if scan_limit is not None and checks:
                n = min(n, scan_limit - scanned)
            batch = self.fetch(conn, below, n, cols)
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
                return out, self.lo, True, False
            below = batch[-1][0]
            if scan_limit is not None and checks and scanned >= scan_limit:
                return out, below, False, True

    def count(self, conn: sqlite3.Connection, cap: int | None) -> int:
        view = self.view
        if not self.match and not self.sql and self.lo == 0 and self.hi >= (1 << 62) and cap is None:
            # Everything: count(*) reads the narrow id index, not the doc rows (50 ms at 1M, not 1 s).
            total: int = conn.execute(f"SELECT count(*) FROM {view.doc}").fetchone()[0]
            return total
        params: list[object]
        where, params = ["rowid BETWEEN ? AND ?"], [self.lo, self.hi]
        for s, p in self.sql:
            where.append(s)
            params += p
        if self.match:
            where.insert(0, f"{view.table} MATCH ?")
            params.insert(0, self.match)
            inner = f"SELECT 1 FROM {view.table} WHERE {' AND '.join(where)}"
        else:
            inner = f"SELECT 1 FROM {view.doc} WHERE {' AND '.join(where)}"
        if cap is not None:
            inner += " LIMIT ?"
            params.append(cap)
        found: int = conn.execute(f"SELECT count(*) FROM ({inner}) AS c", params).fetchone()[0]
        return found

    # -- ranking -----------------------------------------------------------------------------------
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

    def hit(self, row: tuple[Any, ...], score: float) -> Hit:
        title = row[1] or ""
        positions: set[int] = set()
        if self.score_groups:
            low = ups = None
            for group in self.score_groups:
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
        view = self.view
        date = key_date(row[0] >> ID_BITS) if view.dated else None
        return Hit(row[0] & ID_MASK if view.dated else row[0], title, sorted(positions), score, date)


def _docs(conn: sqlite3.Connection, view: View, keys: list[int]) -> list[tuple[Any, ...]]:
    """(skey, title) rows of these sort keys, newest first."""
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(keys), 5000):
        chunk = keys[i:i + 5000]
        out += conn.execute(
            f"SELECT skey, {view.title_column} FROM {view.doc} WHERE skey IN ({_marks(len(chunk))})", chunk)
    out.sort(key=_first, reverse=True)
    return out


def _first(row: tuple[Any, ...]) -> Any:  # (the sort key, an int)
    return row[0]


def _rank_order(item: tuple[float, tuple[Any, ...]]) -> tuple[float, Any]:
    return (-item[0], -item[1][0])
