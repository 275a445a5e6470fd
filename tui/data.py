"""The browser's only door to the database: pages of search results, records, facets, change polling, and
the curation reads and writes. No other module of tui/ imports db.engine, db.curation, db.queries, db.search
or sqlite3, nor opens a connection (tests/test_layering.py holds this).

No SQL here: lists come from `db.search.search` (keyset pages, the query language, matched positions),
records from `db.queries`, changes from `db.curation`. SQLite connections must not be used by two threads at once, so each purpose
has its own connection guarded by a lock (the search connection is shared by the per-keystroke
workers, which cancel each other, so the lock is held only by the newest one for long):

* ``search``   result pages (one `db.search.Searcher` with its caches) and their row enrichment;
* ``detail``   detail panes, facets and totals;
* ``count``    exact counts of a resting filter (opened on first use; a count can take 0.5 s at 1M rows and
  must hold up neither a keystroke nor a detail pane);
* ``poll``     the live-refresh timer (`data_version`), on the UI thread: a pragma read, microseconds;
* curation    each read (a form's record, a picker's search, the review queue) opens a read-only connection
  in its worker, and each write a read-write one, one write at a time (``_writing``); db.curation (which
  loads the ORM) is imported on first use, off the UI thread (`prepare_curation`).
"""
from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from db import queries
from db import search as _search
from db.engine import DatabaseError, connect, data_version, database_url, describe, resolve_path, set_cache

VIEWS = ("incidents", "actors", "sources")
ENTITY = {"incidents": "incident", "actors": "actor", "sources": "source"}
SEARCH_CACHE_MIB = 160
"""Page cache of the search connection: every keystroke reads index pages near the last one's, and at 1M
rows the index is ~1.5 GB; the cache fills only with pages actually read (peak RSS stays under 300 MiB)."""
PRELOAD_MIB = 100
"""Bytes of a view's search tables `Data.preload` reads into the search connection's cache (under
SEARCH_CACHE_MIB, so that the pages a keystroke reads are not pushed out by the preload itself)."""
PRELOAD_YIELD = 0.3
"""Seconds after a search during which the read-ahead waits: while someone types, the disk is theirs."""
FACET_SAMPLE = 2000
"""Facets count over at most this many matching rows (the best/newest ones); the panel says so."""


class Cancelled(Exception):
    """A newer request superseded this one."""


class Refused(Exception):
    """db.curation refused a change (a bad value, a merge of merged incidents, ...): the one-line reason."""


class Unavailable(Exception):
    """The database could not be opened for a change."""


def _row_targets_and_sources(conn, found: dict[int, dict]) -> None:
    """The list's target and sources columns (tui/widgets/results.py, INCIDENT_COLUMNS) for a page of
    incident rows: the targets' names in link order and the number of sources, two indexed look-ups."""
    ids = list(found)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for iid, name in conn.execute(
                "SELECT ia.incident_id, a.name FROM incident_actor ia JOIN actor a ON a.id = ia.actor_id "
                f"WHERE ia.incident_id IN ({marks}) AND ia.role = 'target' ORDER BY ia.id", chunk):
            names = found[iid].setdefault("targets", [])
            if name not in names:
                names.append(name)
        for iid, n in conn.execute("SELECT incident_id, count(*) FROM incident_source "
                                   f"WHERE incident_id IN ({marks}) GROUP BY incident_id", chunk):
            found[iid]["sources"] = n


@dataclass
class Row:
    id: int
    title: str
    positions: list[int]
    date: str | None
    extra: dict = field(default_factory=dict)


@dataclass
class Page:
    view: str
    query: str
    rows: list[Row]
    total: int
    exact: bool
    cursor: object | None
    understood: str = ""
    hints: list[str] = field(default_factory=list)
    first: bool = True
    elapsed_ms: float = 0.0


class _Locked:
    def __init__(self, conn):
        self.conn = conn
        self.lock = threading.RLock()


class Data:
    """One database, opened read-write when possible (read-only, with a notice, when the file or its folder
    is read-only)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.url = database_url(path)
        # `path`: the SQLite file; for a PostgreSQL database, `url` is what is opened and `where` what is shown
        self.path = Path(resolve_path(path)) if self.url is None else Path()
        self.where = describe(path)
        self.readonly = False
        self.notice = ""
        first = self._open()
        set_cache(first, SEARCH_CACHE_MIB)
        self._search = _Locked(first)
        self._detail = _Locked(self._open())
        self._poll = self._open()
        self.searcher = _search.Searcher(first)
        self._counter: _search.Searcher | None = None  # its own connection, which only it uses (its own lock)
        self._opening = threading.Lock()
        self._writing = threading.Lock()  # one curation write at a time from this browser
        self._searched_at = 0.0

    @property
    def target(self) -> str | Path:
        """What `connect` opens: the file, or the server's URL."""
        return self.url if self.url is not None else self.path

    def _open(self):
        if not self.readonly and self._writable():
            try:
                return connect(self.target)
            except DatabaseError as exc:
                if "readonly" not in str(exc).lower() and "read-only" not in str(exc).lower():
                    raise
        self.readonly = True
        self.notice = f"{self.where} is read-only: browsing only"
        return connect(self.target, readonly=True)

    def _writable(self) -> bool:
        if self.url is not None:
            return True  # the server says what this user may write
        if self.path.exists():
            if not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
                return False
            return True
        parent = self.path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        return os.access(parent, os.W_OK)

    def close(self) -> None:
        for c in (self._search.conn, self._detail.conn, self._poll, *([self._counter.conn] if self._counter else [])):
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass

    def invalidate(self) -> None:
        """Forget the searcher's caches (after a change made here)."""
        self.searcher.invalidate()

    # --- change detection ------------------------------------------------------------------------
    def data_version(self) -> int:
        """Changes whenever another connection commits to the file (cheap: call it on a timer)."""
        return data_version(self._poll)

    # --- result pages ----------------------------------------------------------------------------
    def page(self, view: str, query: str, *, after=None, limit: int = 100,
             cancel: Callable[[], bool] | None = None) -> Page:
        """One page of results for the list; `after` is the previous page's cursor."""
        self._searched_at = time.monotonic()
        with self._search.lock:
            if cancel is not None and cancel():
                raise Cancelled()
            try:
                # an empty filter's total comes from `total()` in the background: do not count here
                kw = {"count_limit": limit} if not query.strip() else {}
                res = self.searcher.search(view, query, limit=limit, after=after, cancel=cancel, **kw)
            except _search.SearchCancelled:
                raise Cancelled() from None
            rows = [Row(h.id, h.title or "", list(h.positions or ()), h.date) for h in res.rows]
            if cancel is not None and cancel():
                raise Cancelled()
            self._enrich(view, rows)
            hints = [str(n) for n in (res.notes or res.parsed.ignored or [])]
            for wrong, right in (res.corrections or {}).items():
                note = f"{wrong} → {right}"
                if not any(note in h for h in hints):
                    hints.append(f"no match for {wrong!r}: showing {right}")
            return Page(view, query, rows, res.total, res.total_is_exact, res.next_cursor,
                        res.parsed.understood, hints, after is None, res.elapsed_ms)

    def preload(self, view: str, cancel: Callable[[], bool]) -> int:
        """Read ahead what the keystrokes in `view` will read: the searcher's caches (vocabulary, actor
        names), then up to PRELOAD_MIB of the view's search tables (`Searcher.preload`). One step at a time:
        a scout connection reads each step's pages from the disk first, outside the search lock, which is
        then held only while the search connection copies them from the OS cache (~0.3 ms a step; the disk
        read itself takes 4 ms, and 0.5 s now and then on a loaded host). No step runs while searches come
        in (PRELOAD_YIELD). Returns the bytes read; stops early when `cancel()` says so."""
        with self._search.lock:
            self.searcher.warm((view,))
        done = 0
        scout = connect(self.target, readonly=True)  # takes the disk's latency outside the search lock
        set_cache(scout, 1)
        steps = self.searcher.preload(view, PRELOAD_MIB << 20, scout=scout, lock=self._search.lock)
        try:
            while not cancel():
                idle = time.monotonic() - self._searched_at
                if idle < PRELOAD_YIELD:
                    time.sleep(PRELOAD_YIELD - idle)
                    continue
                step = next(steps, None)  # takes the search lock itself, for its statement on that connection
                if step is None:
                    break
                done = step
        finally:
            steps.close()
            scout.close()
        return done

    def _enrich(self, view: str, rows: list[Row]) -> None:
        """Columns the list shows beside the title: cheap bulk lookups by id (no counts over links)."""
        if not rows:
            return
        if view not in ("incidents", "sources"):
            return
        conn = self._search.conn
        found = queries.row_extras(conn, view, [r.id for r in rows])
        if view == "incidents":
            _row_targets_and_sources(conn, found)
        for r in rows:
            r.extra = found.get(r.id) or r.extra

    def count(self, view: str, query: str, cancel: Callable[[], bool] | None = None) -> int:
        """The exact number of rows matching `query` (what a page's "N+" stands for), on its own connection:
        3-9 ms for common words at 100k, up to ~0.5 s at 1M."""
        with self._opening:
            if self._counter is None:
                self._counter = _search.Searcher(self._open())
        try:
            return self._counter.count(view, query, cancel=cancel)
        except _search.SearchCancelled:
            raise Cancelled() from None

    def total(self, view: str) -> int:
        """Rows in the view without a filter (exact; may take a few hundred ms at 1M rows)."""
        with self._detail.lock:
            return _search.count(self._detail.conn, view, "")

    # --- records ---------------------------------------------------------------------------------
    def record(self, entity: str, ident: int) -> dict | None:
        getter = {"incident": queries.get_incident, "actor": queries.get_actor, "source": queries.get_source}
        with self._detail.lock:
            return getter[entity](self._detail.conn, ident)

    def is_empty(self) -> bool:
        """No sources, incidents nor actors: the welcome screen shows instead of empty lists."""
        with self._detail.lock:
            conn = self._detail.conn  # index lookups, cheap at any size
            return all(_search.search(conn, v, "", limit=1, count_limit=1).total == 0 for v in VIEWS)

    # --- facets ----------------------------------------------------------------------------------
    def facets(self, view: str, query: str, cancel: Callable[[], bool] | None = None) -> dict:
        """{'sample': n, 'total': m, 'exact': bool, 'groups': {facet: [(value, qualifier, count)]}}."""
        ids: list[int] = []
        after = None
        total, exact = 0, True
        while len(ids) < FACET_SAMPLE:
            p = self.page(view, query, after=after, limit=500, cancel=cancel)
            if after is None:
                total, exact = p.total, p.exact
            ids += [r.id for r in p.rows]
            after = p.cursor
            if after is None:
                # Paged to the end: the count is known whatever the first page's time budget allowed (on a
                # loaded machine it said "4 of 4+" after all four matches had been read).
                total, exact = len(ids), True
                break
        ids = ids[:FACET_SAMPLE]
        groups: dict[str, Counter] = {}

        def add(facet: str, value, qualifier: str) -> None:
            if value:
                groups.setdefault(facet, Counter())[(str(value), qualifier)] += 1

        with self._detail.lock:
            conn = self._detail.conn
            if view == "incidents":
                for i in queries.incidents_by_id(conn, ids, with_evidence=False):
                    add("type", i["type"], f"type:{_value(i['type'])}")
                    for name in dict.fromkeys(a["name"] for a in i["actors"] if a["role"] != "target"):
                        add("actor", name, f"actor:{_value(name)}")
                    for c in i["countries"]:
                        add("country", c, f"country:{c}")
                    if i["date"]:
                        add("year", i["date"][:4], f"year:{i['date'][:4]}")
            elif view == "actors":
                for a in queries.actors_by_id(conn, ids[:500]):
                    add("kind", a["kind"], f"kind:{_value(a['kind'])}")
                    add("country", a["country"], f"country:{a['country']}")
                ids = ids[:500]
            else:
                for s in queries.sources_by_id(conn, ids, with_body=False):
                    add("publisher", s["publisher"], f"publisher:{_value(s['publisher'] or '')}")
                    if s["published"]:
                        add("year", s["published"][:4], f"year:{s['published'][:4]}")
        out = {f: [(v, q, n) for (v, q), n in c.most_common(12)] for f, c in groups.items()}
        return {"sample": len(ids), "total": total, "exact": exact, "groups": out}

    # --- samples ---------------------------------------------------------------------------------
    def import_samples(self) -> str:
        """Import the bundled sample articles into this database (runs the importer pipeline)."""
        from importers import pipeline

        samples = Path(pipeline.__file__).resolve().parent / "samples"
        conn = connect(self.target)
        try:
            report = pipeline.run(conn, [str(samples)], pipeline.Options())
        finally:
            conn.close()
        self.searcher.invalidate()
        return f"imported {report.sources} sample articles: {report.incidents} incidents"


    # --- curation ----------------------------------------------------------------------------------
    # Called from the curation workers (tui/curate.py), never on the UI thread: each opens its own connection.
    @staticmethod
    def prepare_curation() -> None:
        """Import db.curation (and the ORM it loads, ~0.5 s) here, in a worker, before a form needs it."""
        from db import curation  # noqa: F401

    @staticmethod
    def validate_fields(fields: dict) -> dict:
        """db.curation's checks of an incident form's values; raises Refused with the reason."""
        from db import curation

        try:
            return curation.validate_fields(fields)
        except curation.CurationError as exc:
            raise Refused(str(exc)) from None

    def _read(self, fn: Callable):
        conn = connect(self.target, readonly=True)
        try:
            return fn(conn)
        finally:
            conn.close()

    def _write(self, fn: Callable):
        """fn(connection, db.curation) on a connection of its own, one write at a time."""
        with self._writing:
            try:
                conn = connect(self.target)
            except Exception as exc:  # noqa: BLE001
                raise Unavailable(f"cannot open the database: {exc}") from exc
            try:
                from db import curation

                try:
                    return fn(conn, curation)
                except curation.CurationError as exc:
                    raise Refused(str(exc)) from None
            finally:
                conn.close()

    def incident(self, ident: int) -> dict | None:
        return self._read(lambda conn: queries.get_incident(conn, ident))

    def incidents(self, ids: list[int]) -> list[dict]:
        return self._read(lambda conn: queries.incidents_by_id(conn, ids, with_evidence=False))

    def lookup(self, view: str, query: str, limit: int = 30) -> list[tuple[object, dict | None]]:
        """A picker's search: the search engine (fuzzy, aliases, typo correction); (hit, actor record or
        None) pairs, the hits carrying `id`, `title` and `date`."""
        def run(conn):
            res = _search.search(conn, view, query, limit=limit)
            found = ({a["id"]: a for a in queries.actors_by_id(conn, [h.id for h in res.rows])}
                     if view == "actors" else {})
            return [(h, found.get(h.id)) for h in res.rows]

        return self._read(run)

    def pending_decisions(self) -> list[dict]:
        """Pending same-event and alias decisions, each with the records of both sides under "records"
        ({id: record}; a side that is gone is missing)."""
        from db import curation

        def run(conn):
            out = []
            for d in curation.pending_decisions(conn):
                ids = [d["left"], d["right"]]
                recs = (queries.incidents_by_id(conn, ids, with_evidence=False) if d["entity"] == "incident"
                        else queries.actors_by_id(conn, ids))
                out.append({**d, "records": {r["id"]: r for r in recs}})
            return out

        return self._read(run)

    def edit_incident(self, ident: int, values: dict) -> dict:
        return self._write(lambda conn, c: c.edit_incident(conn, ident, **values))

    def merge_incidents(self, ids: list[int]) -> dict:
        return self._write(lambda conn, c: c.merge_incidents(conn, ids))

    def split_source(self, incident: int, source: int) -> dict:
        return self._write(lambda conn, c: c.split_source(conn, incident, source))

    def unlink_actor(self, incident: int, actor: int, role: str | None = None) -> dict:
        return self._write(lambda conn, c: c.unlink_actor(conn, incident, actor, role))

    def unlink_source(self, incident: int, source: int) -> dict:
        return self._write(lambda conn, c: c.unlink_source(conn, incident, source))

    def link_actor(self, incident: int, actor, role: str, confidence: int) -> dict:
        return self._write(lambda conn, c: c.link_actor(conn, incident, actor, role, confidence))

    def link_source(self, incident: int, source: int) -> dict:
        return self._write(lambda conn, c: c.link_source(conn, incident, source))

    def retag(self, entity: str, ident: int, add: list[str], remove: list[str]) -> list[dict]:
        """Add and remove tags in one connection: one result (and change id) per direction."""
        def run(conn, c):
            out = []
            if add:
                out.append(c.tag(conn, entity, ident, add))
            if remove:
                out.append(c.tag(conn, entity, ident, remove, remove=True))
            return out

        return self._write(run)

    def note(self, entity: str, ident: int, text: str) -> dict:
        return self._write(lambda conn, c: c.note(conn, entity, ident, text))

    def review(self, ident: int, reviewed: bool) -> dict:
        return self._write(lambda conn, c: c.review(conn, ident, reviewed))

    def decide(self, entity: str, left: int, right: int, verdict: str, reason: str) -> dict:
        return self._write(lambda conn, c: c.decide(conn, entity, left, right, verdict, reason))

    def undo(self, change: int) -> dict:
        return self._write(lambda conn, c: c.undo(conn, change))

    def redo(self, change: int) -> dict:
        return self._write(lambda conn, c: c.redo(conn, change))

    def settle_decision(self, decision: int, accept: bool) -> dict:
        """Accept (merge) or reject (not the same) a pending decision of the review queue."""
        return self._write(lambda conn, c: c.settle(conn, decision, accept))

    # --- export (tui/screens/export.py) -------------------------------------------------------------
    @staticmethod
    def export_formats() -> list[tuple[str, str, str]]:
        """(name, extension, summary) of db/export's FORMATS, the command line's --format choices."""
        from db.export import FORMATS

        return [(f.name, f.extension, f.summary) for f in FORMATS.values()]

    def export(self, query: str, fmt: str, output: str | os.PathLike, overwrite: bool = False) -> tuple[int, Path]:
        """Write the incidents matching `query` (as the incidents view matches them, typos widened) to `output`
        in one of db.export's FORMATS, as `incidex export --query Q --format F --output P` does: the same
        writers, sources by file name (no local paths), the same refusal of the database file or its journal,
        written to `P.part` then renamed. Returns (incidents written, absolute path); raises Refused with
        one line (the database, an existing file without `overwrite`, a folder that is missing, a bad query)."""
        from db import export
        from db.engine import database_files, is_database_file

        path = Path(os.path.abspath(os.path.expanduser(os.fspath(output))))
        if is_database_file(path, database_files(self.target)):
            raise Refused(f"{path} is the database (or its journal): choose another file")
        if not overwrite and os.path.lexists(path):
            raise FileExists(f"{path} exists")
        if path.is_dir():
            raise Refused(f"{path} is a folder: add a file name")
        conn = connect(self.target, readonly=True)
        try:
            try:
                ids = (list(_search.matching_ids(conn, "incidents", query, forgiving=True))
                       if query.strip() else None)
            except _search.QueryError as exc:
                raise Refused(f"the filter: {exc}") from None
            tmp = path.with_name(path.name + ".part")
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    n = export.write(conn, fh, fmt, ids, query=query or None)
                os.replace(tmp, path)
            except OSError as exc:
                raise Refused(f"cannot write {path}: {exc.strerror or exc}") from None
            except export.ExportError as exc:
                raise Refused(str(exc)) from None
            finally:
                if os.path.lexists(tmp):
                    tmp.unlink()
        finally:
            conn.close()
        return n, path


def _value(text: str) -> str:
    """A qualifier value, quoted when it has spaces or quotes."""
    text = text or ""
    if any(c.isspace() for c in text) or '"' in text or "|" in text:
        return '"' + text.replace('"', "") + '"'
    return text


class FileExists(Refused):
    """`Data.export` found a file at the path and was not asked to replace it."""
