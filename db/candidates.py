"""Resolution's SQL: the block of incidents a draft is compared with, and the candidate records read for scoring.

`importers.resolve` scores; this module finds and reads what it scores. The block comes off
`db.blocking`'s index of who and where by date (`candidate_ids`), so finding it costs what is found,
not what the calendar around the draft holds. `load` reads each candidate's fields (`Candidate`), and
`CandidateCache` keeps them between the drafts of one import, reading only what changed since.
`blocked_incidents` and `actor_ids_named` are the two small reads around a block: the incidents a draft may never
join, and the ids of the actors it names.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from db.engine import engine_of
from db.normalise import normalise
from db.normalise import normalise_cached as _norm

NAMES_SOURCES = 50  # sources of a candidate whose evidence is read for shared names (the first ones)
MAX_CANDIDATES = 120
WINDOW_SCAN = 60  # incidents read per actor or place on each side of a draft's date (and per coarse date value)
UNDATED_SCAN = 20  # newest undated incidents read per actor or place
BUSY_LINKS = 400  # a target of this many live incidents is looked for through the date window, like an actor

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DateRange:
    start: _dt.date
    end: _dt.date
    precision: str

    @staticmethod
    @lru_cache(maxsize=8192)  # a candidate's dates are parsed for every draft it is a candidate for
    def parse(value: str | None, end_value: str | None = None) -> DateRange | None:
        if not value:
            return None
        try:
            start, end, precision = _bounds(value)
            if end_value:
                end = max(end, _bounds(end_value)[1])
        except ValueError:
            return None
        return DateRange(start, end, precision)

    def distance(self, other: DateRange) -> int:
        """Days between the two ranges (0 when they overlap)."""
        if self.end < other.start:
            return (other.start - self.end).days
        if other.end < self.start:
            return (self.start - other.end).days
        return 0


def _bounds(value: str) -> tuple[_dt.date, _dt.date, str]:
    parts = value[:10].split("-")
    y = int(parts[0])
    if len(parts) == 1:
        return _dt.date(y, 1, 1), _dt.date(y, 12, 31), "year"
    m = int(parts[1])
    if len(parts) == 2:
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        return _dt.date(y, m, 1), nxt - _dt.timedelta(days=1), "month"
    d = _dt.date(y, m, int(parts[2]))
    return d, d, "day"


def _date_window(r: DateRange, slack_days: int | None = None) -> tuple[str, str, list[str]]:
    """The date_start values a candidate may have: the range widened by a slack fit for its precision,
    plus the coarse values ('2024', '2024-03') of candidates dated only by year or month."""
    slack = slack_days if slack_days is not None else {"day": 21, "month": 31, "year": 0}[r.precision]
    lo = r.start - _dt.timedelta(days=slack)
    hi = r.end + _dt.timedelta(days=slack)
    coarse = {f"{y:04d}" for y in range(lo.year, hi.year + 1)}
    y, m = lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        coarse.add(f"{y:04d}-{m:02d}")
        y, m = (y + (m == 12), m % 12 + 1)
    return lo.isoformat(), hi.isoformat() + "~", sorted(coarse)


_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zà-ÿ]{3,}(?:[- ][A-Z][a-zà-ÿ]+)*)")
_COMMON = {"the", "this", "that", "there", "they", "their", "these", "those", "when", "what", "while", "with",
           "after", "before", "since", "during", "monday", "tuesday", "wednesday", "thursday", "friday",
           "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august",
           "september", "october", "november", "december", "some", "many", "most", "several", "also", "however",
           "according", "officials", "police", "government", "minister", "ministry", "president", "company"}


def distinctive(text: str) -> set[str]:
    """Capitalised words inside sentences (names of people, products, outlets): a story's fingerprint.
    (Here, with the candidates whose stored evidence it reads; scoring takes a draft's from here too.)"""
    words = {w for m in _CAPITALISED.findall(text or "") for w in normalise(m).split() if len(w) >= 4}
    return words - _COMMON


NONE: set[Any] = frozenset()  # type: ignore[assignment]  # typed as the sets it stands in for; never added to (`_with`)
"""A candidate's empty set until something is added to it: an empty set takes 216 bytes, and most
candidates have no claimant, figure or country. Without them and without their links held until they
are scored (`links_later`), a cached candidate takes 2.3 KB instead of 4.0 KB (at 100k drafts)."""


def _with(s: set[_T], item: _T) -> set[_T]:
    """The set with the item added (a new set in place of NONE)."""
    s = set() if s is NONE else s
    s.add(item)
    return s


@dataclass(slots=True)
class Candidate:
    """An incident as scoring compares it: its own fields, the names, ids and places of its actors, and
    which report named what (`index`), read lazily."""
    id: int
    title: str
    summary: str
    type: str
    date: DateRange | None
    figures: set[float]
    targets: set[str]
    actors: set[str]
    places: set[str]
    countries: set[str]
    target_ids: set[int] = NONE
    actor_ids: set[int] = NONE
    claimed: set[str] = NONE  # names and ids of actors in the 'claimed' role
    claimed_ids: set[int] = NONE
    conn: sqlite3.Connection | None = None
    _names: set[str] | None = None
    _names_all: bool = False  # whether `names` read fewer than NAMES_SOURCES sources (a new one changes them)
    figures_length: int = -1  # length of the figures JSON the figures were read from (for `CandidateCache`)
    figures_count: int = 0
    _sorted: list[float] | None = None  # its figures in order, for `figures_near`
    # ('t', name), ('T', id) targets, ('a', name), ('A', id) actors, ('c', name), ('C', id) claimants,
    # ('f', value) figures -> the reports (source ids; None: an analyst's link) that named it. Built on
    # first use: most candidates fall under the ceiling and are never scored, so their figures wait in
    # `_pending` (('f', value, source)), and so do their links ((role, actor id, name, source)), unless
    # the links are read from `conn` then (`links_later`: how `load_candidates` makes them).
    _index: dict[tuple[str, str | float], set[int | None]] | None = None
    _pending: list[tuple[Any, ...]] = field(default_factory=list)  # the entries of `_note`
    links_later: bool = False
    reports: int = 1  # sources the incident cites: what "more than half of its reports" is counted against

    @property
    def index(self) -> dict[tuple[str, str | float], set[int | None]]:
        if self._index is None:
            self._index = {}
            if self.links_later and self.conn is not None:
                for entry in self.conn.execute(
                        "SELECT ia.role, ia.actor_id, a.normalised, ia.source_id FROM incident_actor ia"
                        " JOIN actor a ON a.id = ia.actor_id WHERE ia.incident_id = ?", (self.id,)):
                    self._note(entry)
            for entry in self._pending:
                self._note(entry)
            self._pending = []
        return self._index

    @property
    def claiming(self) -> set[int | None]:
        """The reports that name a claimant."""
        return {s for k, v in self.index.items() if k[0] == "C" for s in v}

    def _add(self, entry: tuple[Any, ...]) -> None:
        """Note who named what now if the index exists, else when it is first read (a link read from the
        database then is not kept)."""
        if self._index is not None:
            self._note(entry)
        elif not (self.links_later and entry[0] != "f"):
            self._pending.append(entry)

    def _note(self, entry: tuple[Any, ...]) -> None:
        # ('f', value, source id) or (role, actor id, name, source id); only called once the index exists
        index: dict[tuple[str, str | float], set[int | None]] = self._index  # type: ignore[assignment]
        if entry[0] == "f":
            _, value, source_id = entry
            index.setdefault(("f", value), set()).add(source_id)
            return
        role, actor_id, name, source_id = entry
        by_name, by_id = ("t", "T") if role == "target" else ("a", "A")
        index.setdefault((by_name, name), set()).add(source_id)
        index.setdefault((by_id, actor_id), set()).add(source_id)
        if role == "claimed":
            index.setdefault(("c", name), set()).add(source_id)
            index.setdefault(("C", actor_id), set()).add(source_id)

    def add_actor(self, role: str, actor_id: int, name: str, source_id: int | None = None) -> None:
        """A link: who the actor is to the incident, and the report that said so."""
        self.add_name(role, actor_id, name)
        self._add((role, actor_id, name, source_id))

    def add_name(self, role: str, actor_id: int, name: str) -> None:
        """An actor in a role, whichever reports named it (what `ceiling` compares)."""
        if role == "target":
            self.targets, self.target_ids = _with(self.targets, name), _with(self.target_ids, actor_id)
        else:
            self.actors, self.actor_ids = _with(self.actors, name), _with(self.actor_ids, actor_id)
            if role == "claimed":
                self.claimed, self.claimed_ids = _with(self.claimed, name), _with(self.claimed_ids, actor_id)

    def add_place(self, name: str) -> None:
        self.places = _with(self.places, _norm(name))

    def add_figure(self, value: float, source_id: int | None) -> None:
        """A figure of the incident's list: stored once per incident, with the first report that gave it."""
        self.figures = _with(self.figures, value)
        self._sorted = None
        self._add(("f", value, source_id))

    def drop_figures(self) -> None:
        """Forget its figures (their list is read again)."""
        self.figures = NONE
        self._sorted = None
        self._pending = [e for e in self._pending if e[0] != "f"]
        if self._index is not None:
            self._index = {k: v for k, v in self._index.items() if k[0] != "f"}

    def figures_near(self, value: float) -> list[float]:
        """Its figures within 10% of a value (outlets round counts differently), off a sorted list."""
        if self._sorted is None:
            self._sorted = sorted(self.figures)
        lo = bisect.bisect_left(self._sorted, max(100.0, value * 0.9))
        hi = bisect.bisect_right(self._sorted, value / 0.9)
        return [b for b in self._sorted[lo:hi] if abs(value - b) <= 0.1 * max(value, b)]

    def reporting(self, *keys: tuple[str, str | float]) -> set[int | None] | frozenset[int | None]:
        """The reports that named any of these (not to be changed: it may be the index's own set)."""
        found = [r for r in map(self.index.get, keys) if r]
        if len(found) <= 1:
            return found[0] if found else frozenset()
        return set().union(*found)

    def core(self, *keys: tuple[str, str | float]) -> int:
        """How many of these are named by more than half of the incident's reports (or by an analyst):
        what the incident as a whole says, not one of its members. A draft agreeing with one report
        only chains stories (A shares a victim with B, B a group with C: A and C share nothing)."""
        n = max(self.reports, 1)
        return sum(1 for r in map(self.index.get, keys) if r and (None in r or 2 * len(r) > n))

    def support(self, *keys: tuple[str, str | float]) -> int:
        """The most reports naming one of these."""
        return max((len(r) for r in map(self.index.get, keys) if r), default=0)

    @property
    def names(self) -> set[str]:
        """Distinctive capitalised words of its sources' evidence, read only when a score needs them."""
        if self._names is None:
            rows = self.conn.execute("SELECT evidence FROM incident_source WHERE incident_id = ? ORDER BY source_id"
                                     " LIMIT ?", (self.id, NAMES_SOURCES)).fetchall() if self.conn else []
            self._names = distinctive(" ".join(e.get("text", "") for (ev,) in rows for e in json.loads(ev or "[]")))
            self._names_all = len(rows) < NAMES_SOURCES
        return self._names


def _by_actor_ids(conn: sqlite3.Connection, actor_ids: set[int], where: str, args: tuple[object, ...], limit: int) -> list[int]:
    """Live incidents linked (in any role) to one of these actors and matching `where`, off the actor index."""
    if not actor_ids:
        return []
    return [r[0] for r in conn.execute(
        f"SELECT DISTINCT i.id FROM incident_actor ia JOIN incident i ON i.id = ia.incident_id"
        f" WHERE ia.actor_id IN ({_marks(len(actor_ids))}) AND +i.merged_into IS NULL AND {where} LIMIT ?",
        (*sorted(actor_ids), *args, limit))]


def _by_target(conn: sqlite3.Connection, target_ids: set[int], lo: str, hi: str,
               coarse: list[str]) -> tuple[list[int], set[int]]:
    """Live incidents sharing one of these targets dated in [lo, hi], by a coarse value of it or undated,
    off the block index (in its order: a range of each key's dates, then the coarse and undated values);
    and the targets that are busy: BUSY_LINKS incidents or more, whose rows would grow with the database.

    A target has few incidents: all of its rows are read at once (one descent of the index) and the
    window is applied here, instead of one descent per coarse value (a statement that cost 31 us per
    draft at 10k incidents and 58 us at 100k, where most targets are already known)."""
    wanted = set(coarse) | {""}
    in_range: list[int] = []
    in_coarse: list[int] = []
    busy: set[int] = set()
    # (in the keys' text order, 'a10' before 'a9', as SQLite walked an IN list of them)
    for key, target in sorted(zip(_keys(target_ids, []), sorted(target_ids), strict=True)):
        rows = conn.execute("SELECT date_start, incident_id FROM incident_key WHERE key = ? LIMIT ?",
                            (key, BUSY_LINKS)).fetchall()
        if len(rows) >= BUSY_LINKS:
            busy.add(target)
            continue
        in_range += [i for d, i in rows if lo <= d <= hi]
        in_coarse += [i for d, i in rows if d in wanted]
    return list(dict.fromkeys(in_range + in_coarse))[:MAX_CANDIDATES], busy


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _keys(actor_ids: set[int], places: list[str]) -> list[str]:
    """Keys of `db.blocking`'s index for these actors and places."""
    return [*(f"a{a}" for a in sorted(actor_ids)), *(f"p{p}" for p in places)]


def _near_keys(keys: list[str], rng: DateRange, types: list[str] | None, slack_days: int | None) -> tuple[str, tuple[object, ...]]:
    """SQL for the ids of the live incidents carrying one of these keys, of these types (None: any), dated
    nearest to a range: for each key at most WINDOW_SCAN on each side of its middle within the window,
    WINDOW_SCAN per coarse value ('2024', '2024-03') of the window and the UNDATED_SCAN newest undated
    ones. Each part is a bounded walk of one key's rows in date order, so it costs what it finds,
    and a busy key in a dense period no more than WINDOW_SCAN rows."""
    lo, hi, coarse = _date_window(rng, slack_days)
    mid = (rng.start + (rng.end - rng.start) / 2).isoformat()
    typed, targs = (f" AND type IN ({_marks(len(types))})", tuple(types)) if types is not None else ("", ())
    head = "SELECT * FROM (SELECT incident_id FROM incident_key WHERE key = ? AND "
    parts: list[str] = []
    args: list[object] = []
    for k in keys:
        parts += [f"{head}date_start >= ? AND date_start <= ?{typed} ORDER BY date_start LIMIT ?) AS k",
                  f"{head}date_start >= ? AND date_start < ?{typed} ORDER BY date_start DESC LIMIT ?) AS k"]
        args += [k, mid, hi, *targs, WINDOW_SCAN, k, lo, mid, *targs, WINDOW_SCAN]
        for c in coarse:
            parts.append(f"{head}date_start = ?{typed} ORDER BY incident_id DESC LIMIT ?) AS k")
            args += [k, c, *targs, WINDOW_SCAN]
        parts.append(f"{head}date_start = ''{typed} ORDER BY incident_id DESC LIMIT ?) AS k")
        args += [k, *targs, UNDATED_SCAN]
    return " UNION ALL ".join(parts), tuple(args)


def candidate_ids(conn: sqlite3.Connection, rng: DateRange | None, type_: str | None, types: list[str] | None,
                  target_ids: set[int], actor_ids: set[int], places: list[str]) -> list[int]:
    """The block of incidents worth scoring for a draft dated `rng`, of type `type_`, naming these targets,
    actors and places, each branch bounded whatever the size of the database. `types`: the known types a
    draft of its type can be compared with (None: any; the scoring side decides which are compatible).

    All of it comes off `db.blocking`'s index, whose rows are ordered by actor or place, then date.
    Targets are specific (a victim has few incidents): every incident sharing one in a generous window
    is a candidate, and when there is one, the search stops there (`_by_target`). A target of
    BUSY_LINKS incidents or more is treated like an actor. Actors and places are not specific (a busy
    group has thousands of incidents, a country tens of thousands): for them, only the incidents of a
    compatible type dated nearest to the draft are read (`_near_keys`). Undated incidents (reports without a
    publication date) are offered when they share a target, or the newest UNDATED_SCAN of them per
    actor or place.
    """
    ids: list[int] = []
    if rng is None:
        ids += _by_actor_ids(conn, target_ids | actor_ids, "1", (), MAX_CANDIDATES // 3)
        return ids
    lo, hi, coarse = _date_window(rng)
    busy: set[int] = set()
    if target_ids:
        ids, busy = _by_target(conn, target_ids, lo, hi, coarse)
    if ids:
        return ids
    linked = actor_ids | busy
    if linked or places:
        # Keep the window tight: reports of one event a few days apart for day-precise drafts, the
        # month itself for month-precise ones; farther ones are still found through their targets.
        # Only incidents of a compatible type are read (the others are never scored).
        near, nargs = _near_keys(_keys(linked, places), rng, types, {"day": 3, "month": 0}.get(rng.precision))
        ids += list(dict.fromkeys(r[0] for r in conn.execute(near, nargs)))[:MAX_CANDIDATES]
    else:
        ids += _by_type(conn, type_, lo, hi, coarse)
    return list(dict.fromkeys(ids))


def _by_type(conn: sqlite3.Connection, type_: str | None, lo: str, hi: str, coarse: list[str]) -> list[int]:
    """Live incidents of this type dated in [lo, hi] or by a coarse value of it, for a draft naming no one
    and no place."""
    # through the (type, date_start) index: one range and the coarse values, not every incident of the type
    return [r[0] for r in conn.execute(
        f"SELECT id FROM (SELECT i.id FROM incident i WHERE i.type = ? AND i.date_start BETWEEN ? AND ?"
        f" AND +i.merged_into IS NULL LIMIT ?) AS r UNION ALL SELECT id FROM (SELECT i.id FROM incident i"
        f" WHERE i.type = ? AND i.date_start IN ({_marks(len(coarse))}) AND +i.merged_into IS NULL LIMIT ?) AS c",
        (type_, lo, hi, MAX_CANDIDATES // 6, type_, *coarse, MAX_CANDIDATES // 6))][:MAX_CANDIDATES // 6]


def load_candidates(conn: sqlite3.Connection, ids: list[int]) -> list[Candidate]:
    """The candidates' fields that scores compare. Each read is bounded per incident by its distinct
    actors and places, not by how many reports it has (a story told by hundreds of articles)."""
    if not ids:
        return []
    marks = _marks(len(ids))
    out: dict[int, Candidate] = {}
    for r in conn.execute(f"SELECT id, title, summary, type, date_start, date_end, countries, figures,"
                          f" (SELECT count(*) FROM incident_source x WHERE x.incident_id = incident.id) FROM incident"
                          f" WHERE id IN ({marks})", ids):
        figures = _json_list(r[7])
        c = out[r[0]] = Candidate(r[0], r[1] or "", r[2] or "", r[3], DateRange.parse(r[4], r[5]), NONE,
                                  NONE, NONE, NONE, set(_json_list(r[6])) or NONE, conn=conn,
                                  figures_length=len(r[7] or ""), figures_count=len(figures), links_later=True,
                                  reports=r[8])
        for f in figures:
            if isinstance(f.get("value"), (int, float)):
                c.add_figure(float(f["value"]), f.get("source_id"))
    # Actors as ids plus their one normalised name: reading every alias of every candidate's actors
    # (galaxy groups have dozens) was most of the cost of resolution. One row per actor and role, in the
    # link index's order (no sort): which report named whom is read only for the candidates that are
    # scored (`Candidate.index`), about one per draft where a denser calendar offers three (2.8 rows
    # per candidate instead of 5.1 at 100k drafts).
    for r in conn.execute(f"SELECT ia.incident_id, ia.role, ia.actor_id, min(a.normalised)"
                          f" FROM incident_actor ia JOIN actor a ON a.id = ia.actor_id"
                          f" WHERE ia.incident_id IN ({marks}) GROUP BY ia.incident_id, ia.actor_id, ia.role", ids):
        out[r[0]].add_name(r[1], r[2], r[3])
    for r in conn.execute(f"SELECT incident_id, name FROM incident_place WHERE incident_id IN ({marks})", ids):
        out[r[0]].add_place(r[1])
    return sorted(out.values(), key=lambda c: c.id)  # ties go to the oldest incident


def _json_list(text: str | None) -> list[Any]:
    """A JSON list column; most are empty, and json.loads of '[]' is most of the cost of reading them."""
    return json.loads(text) if text and text != "[]" else []


def _read_figures(conn: sqlite3.Connection, c: Candidate, length: int | None) -> None:
    """Read again the values of an incident's figures whose JSON list changed: by SQLite, and only the
    entries appended since `c` read them when the list grew (a story's list grows with its reports)."""
    start = c.figures_count if 0 <= c.figures_length <= (length or 0) else 0
    if start == 0:
        c.drop_figures()
    c.figures_count = start
    rows: Iterable[tuple[Any, ...]]
    if engine_of(conn) == "postgresql":
        from db import postgres

        rows = postgres.figure_entries(conn, c.id, start)  # type: ignore[arg-type]
    else:
        rows = conn.execute(
            "SELECT f.key, json_type(f.value, '$.value'), json_extract(f.value, '$.value'),"
            " json_extract(f.value, '$.source_id')"
            " FROM incident i, json_each(coalesce(i.figures, '[]')) f WHERE i.id = ? AND f.key >= ?", (c.id, start))
    for key, kind, value, source_id in rows:
        c.figures_count = key + 1
        if kind in ("integer", "real"):
            c.add_figure(float(value), source_id)
    c.figures_length = length or 0


class CandidateCache:
    """Candidates kept between drafts: for one import on one connection (`importers.resolve.Resolver`).

    A story told by hundreds of reports is a candidate for most new drafts, and reading its actors,
    places and figures again for each draft made every join cost as much as the story had reports.
    This cache reads only what changed since the previous draft: links and places added (their ids
    only grow while an import inserts), figures appended to the list, sources joined (their shared
    names are read again when needed). A commit by another connection (``PRAGMA data_version``) empties
    it, and so must the caller when a document's transaction was rolled back (`clear`).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity  # candidates kept; past it, the least recently used half is forgotten
        self.clear()

    def clear(self) -> None:
        self.entries: dict[int, Candidate] = {}
        self.version: int | None = None
        self.marks: tuple[int, ...] | None = None  # three: incident_actor, incident_place, incident_source ids read

    def _sync(self, conn: sqlite3.Connection) -> None:
        """Empty the cache after another connection's commit; else catch up with what this one stored."""
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self.version:
            self.clear()
            self.version = version
        if self.marks is None:
            self.marks = conn.execute("SELECT (SELECT max(id) FROM incident_actor), (SELECT max(id) FROM incident_place),"
                                      " (SELECT max(id) FROM incident_source)").fetchone()
            self.marks = tuple(m or 0 for m in self.marks)
            return
        self._catch_up(conn)

    def _catch_up(self, conn: sqlite3.Connection) -> None:
        """Pass the links, places and sources stored since the last draft on to the kept candidates."""
        ma, mp, ms = self.marks  # type: ignore[misc]  # not None: `_sync` reads them before it calls this
        e = self.entries
        for rid, iid, role, aid, name, sid in conn.execute(
                "SELECT ia.id, ia.incident_id, ia.role, ia.actor_id, a.normalised, ia.source_id FROM incident_actor ia"
                " JOIN actor a ON a.id = ia.actor_id WHERE ia.id > ?", (ma,)):
            ma = max(ma, rid)
            if iid in e:
                e[iid].add_actor(role, aid, name, sid)
        for rid, iid, name in conn.execute("SELECT id, incident_id, name FROM incident_place WHERE id > ?", (mp,)):
            mp = max(mp, rid)
            if iid in e:
                e[iid].add_place(name)
        for rid, iid in conn.execute("SELECT id, incident_id FROM incident_source WHERE id > ?", (ms,)):
            ms = max(ms, rid)
            if iid in e:
                e[iid].reports += 1
            if iid in e and e[iid]._names_all:
                e[iid]._names = None  # the first NAMES_SOURCES sources (by id) are read: later ones change nothing
        self.marks = (ma, mp, ms)

    def load(self, conn: sqlite3.Connection, ids: list[int]) -> list[Candidate]:
        """The candidates of these ids, in id order (as `load_candidates`): kept ones brought up to date,
        the others read."""
        self._sync(conn)
        entries = self.entries
        known = [i for i in ids if i in entries]
        for i in known:
            entries[i] = entries.pop(i)  # most recently used last: the eviction below drops the others first
        for c in load_candidates(conn, [i for i in ids if i not in entries]):
            entries[c.id] = c
        if known:
            self._reread(conn, known)
        found = [entries[i] for i in sorted(ids) if i in entries]  # in id order, as `load_candidates`
        if len(entries) > self.capacity:
            self._evict()
        return found

    def _reread(self, conn: sqlite3.Connection, known: list[int]) -> None:
        """Kept candidates' own fields, read again (a few short values); the figures only when the list changed."""
        entries = self.entries
        for r in conn.execute(f"SELECT id, title, summary, type, date_start, date_end, countries, length(figures)"
                              f" FROM incident WHERE id IN ({_marks(len(known))})", known):
            c = entries[r[0]]
            c.title, c.summary, c.type, c.date = r[1] or "", r[2] or "", r[3], DateRange.parse(r[4], r[5])
            c.countries = set(_json_list(r[6])) or NONE
            if (r[7] or 0) != c.figures_length:
                _read_figures(conn, c, r[7])

    def _evict(self) -> None:
        # Forget the least recently used half, after this draft's candidates are taken out. It once
        # emptied the whole cache before returning them: the draft saw no candidate at all (at 100k
        # drafts: 12 times, and 45,652 incidents where fresh resolution makes 45,650), and every
        # candidate was read again (hits 55%; now 64%).
        entries = self.entries
        for i in list(itertools.islice(entries, len(entries) // 2)):
            del entries[i]


def actor_ids_named(conn: sqlite3.Connection, names: set[str]) -> set[int]:
    """Actor ids known by these names (through aliases)."""
    if not names:
        return set()
    marks = ",".join("?" * len(names))
    return {r[0] for r in conn.execute(f"SELECT DISTINCT actor_id FROM actor_alias WHERE normalised IN ({marks})",
                                       tuple(names))}


def blocked_incidents(conn: sqlite3.Connection, source_id: int) -> set[int]:
    """Incidents already holding this source (one article recounting two incidents describes two
    incidents), and those the analyst said are not the same as one of them."""
    holders = [r[0] for r in conn.execute("SELECT incident_id FROM incident_source WHERE source_id = ?", (source_id,))]
    blocked: set[int] = set(holders)
    for h in holders:
        for r in conn.execute("SELECT left_id, right_id FROM decision WHERE entity = 'incident' AND verdict = 'not_same'"
                              " AND (left_id = ? OR right_id = ?)", (h, h)):
            blocked |= {r[0], r[1]} - {h}
    return blocked
