"""Same event, many reports: does a new incident draft describe an incident already in the database?

A draft is compared only with a block of candidates: live incidents of a compatible type class whose
dates can overlap (through the date index), plus incidents sharing a named actor or target (through
the alias index). Each candidate is scored on the evidence — date distance, shared targets, actors,
places, figures, title similarity — and the draft joins the best one above THRESHOLD; otherwise it
becomes a new incident. The reason (score and agreeing fields) is stored with the incident.

Never joined: an incident that already cites the same source (one article recounting two incidents
describes two incidents), and an incident an analyst has marked `not_same` with one that already
holds this source.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import sqlite3
from dataclasses import dataclass, field

from db.drafts import IncidentDraft
from db.normalise import normalise

THRESHOLD = 0.55
NAMES_WEIGHT = 0.15
MAX_CANDIDATES = 120
PERPETRATOR_ROLES = {"perpetrator", "claimed", "attributed", "suspected"}
# Families of types that reports of one event mix up: a hacktivist wave is "DDoS" in one article and
# "defacements" in another; a ransomware attack is a "breach" or an "outage" elsewhere.
FAMILIES = (
    {"availability/ddos", "availability/dos", "availability/outage", "intrusions/defacement"},
    {"availability/sabotage", "availability/outage", "other/vandalism"},
    {"information-content-security/*", "intrusions/*", "malicious-code/*", "fraud/phishing"},
    {"malicious-code/ransomware", "availability/outage", "information-content-security/data-loss"},
)
GENERIC_ACTORS = {"hackers", "unknown", "attackers", "criminals", "cybercriminals"}


@dataclass
class DateRange:
    start: _dt.date
    end: _dt.date
    precision: str

    @classmethod
    def parse(cls, value: str | None, end_value: str | None = None) -> DateRange | None:
        if not value:
            return None
        try:
            start, end, precision = _bounds(value)
            if end_value:
                end = max(end, _bounds(end_value)[1])
        except ValueError:
            return None
        return cls(start, end, precision)

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


def type_class(t: str | None) -> str:
    return (t or "other/undetermined").split("/", 1)[0]


def _in_family(t: str, family: set[str]) -> bool:
    return t in family or f"{type_class(t)}/*" in family


def compatible_types(a: str, b: str) -> bool:
    """Could two reports with these types describe one event?"""
    if type_class(a) == type_class(b) or a.endswith("/undetermined") or b.endswith("/undetermined"):
        return True
    return any(_in_family(a, f) and _in_family(b, f) for f in FAMILIES)


@dataclass
class Candidate:
    id: int
    title: str
    summary: str
    type: str
    date: DateRange | None
    figures: set[float]
    targets: set[str]
    actors: set[str]
    places: set[str]
    sources: set[int]
    countries: set[str]
    evidence: list[str] = field(default_factory=list)  # raw JSON evidence lists of its sources
    target_ids: set[int] = field(default_factory=set)
    actor_ids: set[int] = field(default_factory=set)
    _names: set[str] | None = None

    @property
    def names(self) -> set[str]:
        """Distinctive capitalised words of its evidence, computed only when a score needs them."""
        if self._names is None:
            self._names = distinctive(" ".join(e.get("text", "") for ev in self.evidence for e in json.loads(ev)))
        return self._names


def _by_names(conn: sqlite3.Connection, names: set[str], where: str, args: tuple, limit: int) -> list[int]:
    """Incidents linked to an actor known by one of these names, driven from the alias index."""
    marks = ",".join("?" * len(names))
    return [r[0] for r in conn.execute(
        f"SELECT DISTINCT i.id FROM actor_alias al JOIN incident_actor ia ON ia.actor_id = al.actor_id"
        f" JOIN incident i ON i.id = ia.incident_id WHERE al.normalised IN ({marks})"
        f" AND +i.merged_into IS NULL AND {where} LIMIT ?", (*names, *args, limit))]


def _candidate_ids(conn: sqlite3.Connection, draft: IncidentDraft, targets: set[str], actors: set[str],
                   places: list[str]) -> list[int]:
    """The block of incidents worth scoring, each branch bounded.

    Targets are specific (a victim has few incidents), so incidents sharing a target come straight off
    the alias index. Actors and places are not (a busy group has thousands of incidents, a country
    tens of thousands): those branches are driven from the date window instead, so their cost follows
    how many incidents fall in a few weeks, not the size of the database. Undated incidents (reports
    without a publication date) are offered when they share a name or a place.
    """
    ids: list[int] = []
    rng = DateRange.parse(draft.date_start, draft.date_end)
    if rng is None:
        if targets or actors:
            ids += _by_names(conn, targets | actors, "1", (), MAX_CANDIDATES // 3)
        return ids
    lo, hi, coarse = _date_window(rng)
    window = f"(i.date_start BETWEEN ? AND ? OR i.date_start IN ({','.join('?' * len(coarse))}))"
    wargs = (lo, hi, *coarse)
    if targets:
        ids += _by_names(conn, targets, f"({window[1:-1]} OR i.date_start IS NULL)", wargs, MAX_CANDIDATES)
    if ids:
        return ids
    links = []
    if actors:
        # actor ids first: a join to the alias table inside EXISTS made SQLite walk every incident of
        # the actor for every row of the window
        marks = ",".join("?" * len(actors))
        actor_ids = tuple(r[0] for r in conn.execute(
            f"SELECT DISTINCT actor_id FROM actor_alias WHERE normalised IN ({marks})", tuple(actors)))
        if actor_ids:
            links.append((f"EXISTS (SELECT 1 FROM incident_actor ia WHERE ia.incident_id = i.id"
                          f" AND +ia.actor_id IN ({','.join('?' * len(actor_ids))}))", actor_ids))
    if places:
        marks = ",".join("?" * len(places))
        links.append((f"EXISTS (SELECT 1 FROM incident_place p WHERE p.incident_id = i.id AND p.name IN ({marks}))",
                      tuple(places)))
    if links:
        cond = " OR ".join(c for c, _ in links)
        largs = tuple(a for _, args in links for a in args)
        # This branch walks the window row by row, so keep the window tight for day-precise drafts:
        # reports of one event a few days apart; farther ones are still found through their targets.
        tlo, thi, tcoarse = _date_window(rng, slack_days=3) if rng.precision == "day" else (lo, hi, coarse)
        tight = f"(i.date_start BETWEEN ? AND ? OR i.date_start IN ({','.join('?' * len(tcoarse))}))"
        ids += [r[0] for r in conn.execute(
            f"SELECT i.id FROM incident i WHERE {tight} AND +i.merged_into IS NULL AND ({cond}) LIMIT ?",
            (tlo, thi, *tcoarse, *largs, MAX_CANDIDATES))]
        ids += [r[0] for r in conn.execute(
            # through the date index: ordering by id made SQLite walk every incident to find undated ones
            f"SELECT i.id FROM incident i INDEXED BY ix_incident_date WHERE i.date_start IS NULL"
            f" AND +i.merged_into IS NULL AND ({cond}) LIMIT ?", (*largs, MAX_CANDIDATES // 6))]
    else:
        ids += [r[0] for r in conn.execute(
            f"SELECT i.id FROM incident i WHERE i.type = ? AND +i.merged_into IS NULL AND {window} LIMIT ?",
            (draft.type, *wargs, MAX_CANDIDATES // 6))]
    return list(dict.fromkeys(ids))


def _load(conn: sqlite3.Connection, ids: list[int]) -> list[Candidate]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    out: dict[int, Candidate] = {}
    for r in conn.execute(f"SELECT id, title, summary, type, date_start, date_end, figures, countries FROM incident"
                          f" WHERE id IN ({marks})", ids):
        figs = {float(f["value"]) for f in json.loads(r[6] or "[]") if isinstance(f.get("value"), (int, float))}
        out[r[0]] = Candidate(r[0], r[1] or "", r[2] or "", r[3], DateRange.parse(r[4], r[5]), figs,
                              set(), set(), set(), set(), set(json.loads(r[7] or "[]")))
    # Actors as ids plus their one normalised name: reading every alias of every candidate's actors
    # (galaxy groups have dozens) was most of the cost of resolution.
    for r in conn.execute(f"SELECT ia.incident_id, ia.role, ia.actor_id, a.normalised FROM incident_actor ia"
                          f" JOIN actor a ON a.id = ia.actor_id WHERE ia.incident_id IN ({marks})", ids):
        c = out[r[0]]
        if r[1] == "target":
            c.targets.add(r[3])
            c.target_ids.add(r[2])
        else:
            c.actors.add(r[3])
            c.actor_ids.add(r[2])
    for r in conn.execute(f"SELECT incident_id, name FROM incident_place WHERE incident_id IN ({marks})", ids):
        out[r[0]].places.add(normalise(r[1]))
    for r in conn.execute(f"SELECT incident_id, source_id, evidence FROM incident_source WHERE incident_id IN ({marks})",
                          ids):
        out[r[0]].sources.add(r[1])
        out[r[0]].evidence.append(r[2] or "[]")
    return list(out.values())


_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zà-ÿ]{3,}(?:[- ][A-Z][a-zà-ÿ]+)*)")
_COMMON = {"the", "this", "that", "there", "they", "their", "these", "those", "when", "what", "while", "with",
           "after", "before", "since", "during", "monday", "tuesday", "wednesday", "thursday", "friday",
           "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august",
           "september", "october", "november", "december", "some", "many", "most", "several", "also", "however",
           "according", "officials", "police", "government", "minister", "ministry", "president", "company"}


def distinctive(text: str) -> set[str]:
    """Capitalised words inside sentences (names of people, products, outlets): a story's fingerprint."""
    words = {w for m in _CAPITALISED.findall(text or "") for w in normalise(m).split() if len(w) >= 4}
    return words - _COMMON


def _ids(conn: sqlite3.Connection, names: set[str]) -> set[int]:
    """Actor ids known by these names (through aliases)."""
    if not names:
        return set()
    marks = ",".join("?" * len(names))
    return {r[0] for r in conn.execute(f"SELECT DISTINCT actor_id FROM actor_alias WHERE normalised IN ({marks})",
                                       tuple(names))}


def _blocked(conn: sqlite3.Connection, source_id: int) -> set[int]:
    """Incidents the analyst said are not the same as an incident already holding this source."""
    holders = [r[0] for r in conn.execute("SELECT incident_id FROM incident_source WHERE source_id = ?", (source_id,))]
    blocked: set[int] = set()
    for h in holders:
        for r in conn.execute("SELECT left_id, right_id FROM decision WHERE entity = 'incident' AND verdict = 'not_same'"
                              " AND (left_id = ? OR right_id = ?)", (h, h)):
            blocked |= {r[0], r[1]} - {h}
    return blocked


def _near(names: set[str], others: set[str]) -> set[str]:
    """Names spelled nearly alike ('islamic hacker groups' / 'islamist hacker groups')."""
    from rapidfuzz import fuzz

    return {a for a in names for b in others if min(len(a), len(b)) >= 8 and fuzz.ratio(a, b) >= 90}


def _title_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(normalise(a), normalise(b)) / 100.0


def score(draft: IncidentDraft, c: Candidate, draft_date: DateRange | None,
          targets: set[str], actors: set[str], places: set[str], figures: set[float],
          names: set[str] = frozenset(), target_ids: set[int] = frozenset(),
          actor_ids: set[int] = frozenset()) -> tuple[float, list[str], list[str]]:
    """Evidence that the draft and the candidate are one event: (score 0..1, agreeing, disagreeing fields)."""
    agree: list[str] = []
    disagree: list[str] = []
    s = 0.0
    if draft_date and c.date:
        days = draft_date.distance(c.date)
        coarse = "year" in (draft_date.precision, c.date.precision)
        if days == 0 and not coarse:
            s += 0.25
            agree.append("date")
        elif days <= 3 and not coarse:
            s += 0.18
            agree.append("date (within 3 days)")
        elif days == 0:
            s += 0.08
        elif days <= 14:
            s += 0.05
        else:
            return 0.0, [], [f"date ({days} days apart)"]  # two dated reports weeks apart are two events
    if draft.type == c.type:
        s += 0.1
        agree.append("type")
    shared_targets = (targets & c.targets) or (target_ids & c.target_ids)
    if shared_targets:
        s += 0.3
        agree.append("targets")
    elif targets and c.targets:
        s -= 0.3  # hacktivist waves hit a new target every day: different targets, different incidents
        disagree.append("targets")
    shared_actors = ((actors & c.actors) - GENERIC_ACTORS or (actor_ids & c.actor_ids)
                     or _near(actors - GENERIC_ACTORS, c.actors))
    if shared_actors:
        s += 0.2
        agree.append("actors")
    shared_places = places & c.places
    if shared_places:
        s += min(0.15, 0.05 * len(shared_places) + 0.05)
        agree.append("places")
    elif set(draft.countries) & c.countries:
        s += 0.1  # 'Paris' in one report, 'France' in the other
        agree.append("country")
    if figures & c.figures:
        s += 0.2
        agree.append("figures")
    elif any(abs(a - b) <= 0.1 * max(a, b) for a in figures for b in c.figures if min(a, b) >= 100):
        s += 0.1  # outlets round the same count differently: 19,000 and 20,000 websites
        agree.append("figures (close)")
    sim = _title_similarity(f"{draft.title} {draft.summary}", f"{c.title} {c.summary}")
    if sim >= 0.6:
        s += 0.25 * (sim - 0.4) / 0.6
        agree.append(f"wording ({sim:.2f})")
    # Shared names are read from the stored evidence, so only when they can still tip the decision.
    if names and THRESHOLD - NAMES_WEIGHT <= s < THRESHOLD and len(agree) >= 2:
        shared_names = (names & c.names) - places - c.places - actors - c.actors - targets - c.targets
        if len(shared_names) >= 3:
            s += NAMES_WEIGHT  # both stories quote the same people, products or outlets
            agree.append("names")
    return round(s, 3), agree, disagree


def resolve(conn: sqlite3.Connection, draft: IncidentDraft, source_id: int) -> tuple[int, dict] | None:
    """The incident this draft joins, with the reason, or None for a new incident."""
    targets = {normalise(a.name) for a in draft.actors if a.role == "target"} - {""}
    actors = {normalise(a.name) for a in draft.actors if a.role in PERPETRATOR_ROLES} - {""}
    places = {normalise(p.name) for p in draft.places} - {""}
    figures = {float(f.value) for f in draft.figures}
    draft_date = DateRange.parse(draft.date_start, draft.date_end)
    if draft_date is None and not (targets or actors - GENERIC_ACTORS):
        return None  # nothing to anchor a join on
    blocked = _blocked(conn, source_id)
    names = distinctive(" ".join(e.text for e in draft.evidence))
    target_ids, actor_ids = _ids(conn, targets), _ids(conn, actors - GENERIC_ACTORS)
    best: tuple[float, Candidate, list[str]] | None = None
    place_names = sorted({p.name for p in draft.places if p.name})
    for c in _load(conn, _candidate_ids(conn, draft, targets, actors - GENERIC_ACTORS, place_names)):
        if source_id in c.sources or c.id in blocked or not compatible_types(draft.type, c.type):
            continue
        s, agree, disagree = score(draft, c, draft_date, targets, actors, places, figures, names,
                                   target_ids, actor_ids)
        # One agreeing field is never enough: a shared actor and type are common to unrelated waves.
        if s >= THRESHOLD and len(agree) >= 3 and (best is None or s > best[0]):
            best = (s, c, agree)
    if best is None:
        return None
    s, c, agree = best
    return c.id, {"score": s, "agree": agree, "threshold": THRESHOLD}
