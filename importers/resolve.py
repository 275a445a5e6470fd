"""Same event, many reports: does a new incident draft describe an incident already in the database?

A draft is compared only with a block of candidates: live incidents sharing a target, an actor or a
place with it, of a compatible type, dated near it (`db.candidates` finds and reads them, off
`db.blocking`'s index of who and where by date; this module only scores). Each
candidate is scored on the evidence — date distance, shared targets, actors, places, figures, title
similarity — and the draft joins the best one above THRESHOLD; otherwise it becomes a new incident.
The reason (score and agreeing fields) is stored with the incident. Targets, actors and figures must
agree with one of the candidate's reports, not with its reports added together (`_best_report`): a
story grown from many reports would otherwise match everything of its season.

Never joined: an incident that already cites the same source (one article recounting two incidents
describes two incidents), and an incident an analyst has marked `not_same` with one that already
holds this source.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache

from db import candidates
from db.candidates import (
    WINDOW_SCAN,  # noqa: F401  (tests/db/test_blocking.py imports it from here)
    Candidate,
    CandidateCache,
    DateRange,
    distinctive,
)
from db.drafts import IncidentDraft
from db.normalise import normalise
from db.normalise import normalise_cached as _norm
from db.taxonomy import PERPETRATOR_ROLES, TYPES

THRESHOLD = 0.55
NAMES_WEIGHT = 0.15
# Under THRESHOLD, a draft agreeing to the day on the type and two places (a city and its country), and
# disagreeing on nothing, is no sure new incident either: two reports of one sabotage that name no victim or group
# (our demo: the rail arson of 26 July 2024, told by two outlets, stayed two incidents with no decision). It
# becomes pending. At 0.45 a shared country alone was enough, and 3 of the 6 decisions it added on the 550 CASIE
# articles paired stories of one day in one country, nothing else.
PENDING_FLOOR = 0.5


@dataclass(frozen=True)
class Weights:
    """What each kind of agreement adds to the score of a draft against a candidate incident, and what each
    disagreement takes away: one table, read by `score` and by its bounds `ceiling` and `reach`."""
    same_day: float = 0.25          # dates agree to the day
    within_3_days: float = 0.18
    same_coarse_date: float = 0.08  # the same year (or month) only
    within_2_weeks: float = 0.05
    type: float = 0.1
    targets: float = 0.3            # an earlier report names the same victim
    actors: float = 0.2             # ... the same group (also: nearly the same spelling)
    figures: float = 0.2            # ... the same figure
    figures_close: float = 0.1      # ... a figure within rounding of it
    places_each: float = 0.05       # per shared place, plus one more, up to `places_most`
    places_most: float = 0.15
    country: float = 0.1
    wording: float = 0.25           # at identical wording; none under a similarity of 0.6
    other_targets: float = 0.3      # both name victims, none shared
    other_claimant: float = 0.3     # another group claimed it, dates only coarse
    other_claimant_dated: float = 0.1  # ... dates agreeing to the day or month (maybe an unlinked alias)
    published_apart_days: int = 14  # undated reports published further apart than this are not surely one event
    month_written_within_days: int = 31  # a shared month pins two reports published at most this far apart


W = Weights()
CACHE_ENTRIES = 35_000  # candidates a `Resolver` keeps between drafts: ~80 MB at 2.3 KB each (20k at 4.0 KB before)
# Families of types that reports of one event mix up: a hacktivist wave is "DDoS" in one article and
# "defacements" in another; a ransomware attack is a "breach" or an "outage" elsewhere.
FAMILIES = (
    {"availability/ddos", "availability/dos", "availability/outage", "intrusions/defacement"},
    {"availability/sabotage", "availability/outage", "other/vandalism"},
    {"information-content-security/*", "intrusions/*", "malicious-code/*", "fraud/phishing"},
    {"malicious-code/ransomware", "availability/outage", "information-content-security/data-loss"},
)
GENERIC_ACTORS = {"hackers", "unknown", "attackers", "criminals", "cybercriminals"}


def type_class(t: str | None) -> str:
    return (t or "other/undetermined").split("/", 1)[0]


def _in_family(t: str, family: set[str]) -> bool:
    return t in family or f"{type_class(t)}/*" in family


def compatible_types(a: str, b: str) -> bool:
    """Could two reports with these types describe one event?"""
    if type_class(a) == type_class(b) or a.endswith("/undetermined") or b.endswith("/undetermined"):
        return True
    return any(_in_family(a, f) and _in_family(b, f) for f in FAMILIES)


@lru_cache(maxsize=256)
def _compatible(type_: str | None) -> list[str] | None:
    """The known types a draft of this type can be compared with; None when any type can."""
    t = type_ or "other/undetermined"
    if t.endswith("/undetermined") or t not in TYPES:
        return None
    return [u for u in TYPES if compatible_types(t, u)]


def _near(names: set[str], others: set[str]) -> set[str]:
    """The names spelled nearly alike one of the others ('islamic hacker groups' / 'islamist hacker groups')."""
    from rapidfuzz import fuzz, process

    others = [b for b in others if len(b) >= 8]
    if not others or not names:
        return set()
    pool = names if isinstance(names, list) else list(names)
    # rapidfuzz compares one name with the whole pool in C; a story's pool can hold hundreds of names
    return {pool[i] for b in others for _, _, i in process.extract(b, pool, scorer=fuzz.ratio, score_cutoff=90,
                                                                    limit=None) if len(pool[i]) >= 8}


def similarity(draft: IncidentDraft, c: Candidate) -> float:
    """How alike the draft's and the candidate's titles and summaries read (0..1)."""
    return _title_similarity(f"{draft.title} {draft.summary}", f"{c.title} {c.summary}")


def _title_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    # memoised: each draft is compared with a dozen candidates, and a story is a candidate for many drafts
    return fuzz.token_set_ratio(_norm(a), _norm(b)) / 100.0


@dataclass
class Probe:
    """The draft's side of every comparison, worked out once per draft: normalised names (and the ids of
    the actors known by them), places, figure values and the distinctive words of its evidence."""
    draft: IncidentDraft
    date: DateRange | None
    targets: set[str]
    actors: set[str]  # perpetrator side, generic ones included
    claimed: set[str]  # claimants, generic ones excluded
    places: set[str]
    figures: set[float]
    named: set[str] = field(default_factory=set)  # `actors` without the generic ones ('hackers')
    names: set[str] = field(default_factory=set)
    target_ids: set[int] = field(default_factory=set)
    actor_ids: set[int] = field(default_factory=set)
    claimed_ids: set[int] = field(default_factory=set)
    states: set[str] = field(default_factory=set)  # perpetrator-side actors that are states ('North Korea')
    state_ids: set[int] = field(default_factory=set)
    source_id: int | None = None  # the report the draft comes from (its publication date stands in for none)
    near_memo: dict[tuple[int, str], set[str]] = field(default_factory=dict, repr=False)

    def near(self, c: Candidate, which: str) -> set[str]:
        """The candidate's actors ("actors") or claimants ("claimed") spelled nearly like one of the draft's.
        Memoised: a candidate meets this question up to five times per draft (its reach, its score, its core),
        and rapidfuzz over a busy story's names was a tenth of the resolution on benchmarks/extract.py."""
        k = (c.id, which)
        if k not in self.near_memo:
            self.near_memo[k] = _near(c.actors, self.named) if which == "actors" else _near(c.claimed, self.claimed)
        return self.near_memo[k]

    @classmethod
    def of(cls, draft: IncidentDraft) -> Probe:
        actors = {normalise(a.name) for a in draft.actors if a.role in PERPETRATOR_ROLES} - {""}
        states = {normalise(a.name) for a in draft.actors if a.role in PERPETRATOR_ROLES and a.kind == "state"}
        return cls(draft, DateRange.parse(draft.date_start, draft.date_end),
                   {normalise(a.name) for a in draft.actors if a.role == "target"} - {""}, actors,
                   {normalise(a.name) for a in draft.actors if a.role == "claimed"} - {""} - GENERIC_ACTORS,
                   {normalise(pl.name) for pl in draft.places} - {""},
                   {float(f.value) for f in draft.figures}, actors - GENERIC_ACTORS, states=states - {""})

    def read(self, conn: sqlite3.Connection, source_id: int | None = None) -> Probe:
        """Fill in the ids of the known actors of these names and the distinctive words of the evidence."""
        ids = candidates.actor_ids_named
        self.target_ids, self.actor_ids = ids(conn, self.targets), ids(conn, self.named)
        self.claimed_ids = ids(conn, self.claimed) if self.claimed else set()
        self.state_ids = ids(conn, self.states) if self.states else set()
        self.source_id = source_id
        self.names = distinctive(" ".join(e.text for e in self.draft.evidence))
        return self


# (share of the score, targets, actors, figures) of the ways one report can agree, best first
_AGREEMENTS = sorted(((round(W.targets * t + W.actors * a + f, 2), t, a, fk) for t in (1, 0) for a in (1, 0)
                      for fk, f in (("figures", W.figures), ("figures (close)", W.figures_close), (None, 0.0))
                      if t or a or fk),
                     key=lambda x: (-x[0], -(x[1] + x[2] + bool(x[3]))))


def _best_report(c: Candidate, p: Probe) -> tuple[float, list[str], bool, bool]:
    """The earlier report of `c` that agrees best with the draft on targets, actors and figures: (its share
    of the score, the fields it agrees on, whether it names another claimant, whether any report does
    while none names the draft's). Set algebra over the candidate's index of who named what, so a
    story told by a thousand reports costs what a story told by two does."""
    targets, named, claimed, figures = p.targets, p.named, p.claimed, p.figures
    by = {"targets": c.reporting(*(("t", n) for n in targets), *(("T", i) for i in p.target_ids))}
    by["actors"] = c.reporting(*(("a", n) for n in named), *(("A", i) for i in p.actor_ids))
    if not by["actors"] and named:
        by["actors"] = c.reporting(*(("a", n) for n in p.near(c, "actors")))
    by["figures"] = c.reporting(*(("f", v) for v in figures & c.figures))
    by["figures (close)"] = c.reporting(*(("f", b) for a in figures if a >= 100 for b in c.figures_near(a)))
    other = set()  # reports naming a claimant, none of the draft's
    claiming = c.claiming if claimed and c.claimed_ids else set()  # (derived from the index: only when needed)
    if claimed and claiming:
        agreeing = c.reporting(*(("c", n) for n in claimed), *(("C", i) for i in p.claimed_ids))
        other = claiming - agreeing
        if other:
            agreeing = agreeing | c.reporting(*(("c", n) for n in p.near(c, "claimed")))
            other = claiming - agreeing
    union_conflict = bool(other) and other == claiming
    best: tuple[float, list[str], bool, bool] = (0.0, [], False, union_conflict)
    best_rank = 0.0
    for part, t, a, fk in _AGREEMENTS:
        if best[1] and part <= best_rank:
            break
        chosen = [k for k, on in (("targets", t), ("actors", a), (fk, fk)) if on]
        sets = [by[k] for k in chosen]
        if not all(sets):
            continue
        reports = sets[0].intersection(*sets[1:])
        if not reports:
            continue
        if reports - other:
            return part, chosen, False, union_conflict  # no report agrees on more without naming another claimant
        if not best[1] or part - W.other_claimant > best_rank:
            best, best_rank = (part, chosen, True, union_conflict), part - W.other_claimant
    return best


def _date_part(draft_date: DateRange | None, c: Candidate) -> tuple[float | None, str | None, bool, int]:
    """What the dates give: (points, None when weeks apart; the agreeing field; whether only a year or
    nothing pins the two stories to one moment; days apart)."""
    if not (draft_date and c.date):
        return 0.0, None, True, 0
    days = draft_date.distance(c.date)
    coarse = "year" in (draft_date.precision, c.date.precision)
    if days == 0 and not coarse:
        return W.same_day, "date", coarse, days
    if days <= 3 and not coarse:
        return W.within_3_days, "date (within 3 days)", coarse, days
    if days == 0:
        return W.same_coarse_date, None, coarse, days
    if days <= 14:
        return W.within_2_weeks, None, coarse, days
    return None, None, coarse, days  # two dated reports weeks apart are two events


def _place_part(p: Probe, c: Candidate) -> tuple[float, str | None]:
    """What the places give: shared places, else a shared country ('Paris' in one report, 'France' in the other)."""
    shared = p.places & c.places
    if shared:
        return min(W.places_most, W.places_each * len(shared) + W.places_each), "places"
    if c.countries.intersection(p.draft.countries):
        return W.country, "country"
    return 0.0, None


def _wording_part(sim: float) -> float:
    return W.wording * (sim - 0.4) / 0.6 if sim >= 0.6 else 0.0


MOST_WORDING = _wording_part(1.0)


def _sure_part(p: Probe, c: Candidate) -> tuple[float, bool, bool] | None:
    """What `ceiling` adds up from exact set tests (date, type, targets, actors by id or name, figures,
    places), whether the actors may still agree by a near spelling, and whether only a year or nothing
    pins the two stories to one moment; None when the dates are weeks apart."""
    s, _, coarse, _ = _date_part(p.date, c)
    if s is None:
        return None
    s += W.type if p.draft.type == c.type else 0.0
    t = bool(p.targets & c.targets or p.target_ids & c.target_ids)
    named = p.named
    a = bool(named & c.actors or p.actor_ids & c.actor_ids)
    f = (W.figures if p.figures & c.figures
         else W.figures_close if any(c.figures_near(v) for v in p.figures if v >= 100) else 0.0)
    s += W.targets * t + W.actors * a + f
    if p.targets and c.targets and not t:
        s -= W.other_targets
    s += _place_part(p, c)[0]
    return s, bool(not a and named and c.actors), coarse


def _near_actors(p: Probe, c: Candidate) -> bool:
    """Whether one of the draft's named actors is spelled nearly like one of the candidate's."""
    return bool(p.near(c, "actors"))


def _rest(p: Probe, c: Candidate, s: float, near_actors: bool, coarse: bool, sim: float) -> float:
    """`ceiling` from its sure part: near-spelled actors, another claimant, the wording, shared names."""
    s += W.actors if near_actors else 0.0
    if p.claimed and c.claimed and not (p.claimed & c.claimed or p.claimed_ids & c.claimed_ids
                                        or p.near(c, "claimed")):
        s -= W.other_claimant if coarse else W.other_claimant_dated  # another group claimed it
    s += _wording_part(sim)
    if p.names and s >= THRESHOLD - NAMES_WEIGHT - 1e-6:  # (1e-6 here and below: float sums in another order)
        s += NAMES_WEIGHT
    return round(s + 1e-6, 3)  # (as `score` rounds)


def ceiling(p: Probe, c: Candidate, sim: float) -> float:
    """The most `score` can give this candidate, from cheap set tests: a report agreeing on every field
    the draft shares with the union of its reports, no conflict, and the shared names when they could
    count. Scoring a block best ceiling first stops at the first ceiling under the best score."""
    sure = _sure_part(p, c)
    if sure is None:
        return 0.0
    s, maybe_near, coarse = sure
    return _rest(p, c, s, maybe_near and _near_actors(p, c), coarse, sim)


def reach(p: Probe, c: Candidate) -> tuple[float, float]:
    """(`ceiling`, wording similarity), the costly parts last: the wording and the near spellings of
    actors are worked out only while they can still lift the candidate to THRESHOLD. A candidate that
    cannot reach it gets a bound under THRESHOLD instead (and 0.0 for its wording).

    Most of a block cannot: the first report of a new event is compared with the incidents of its group
    or city that week, each naming another victim. At 100k drafts, two thirds of the candidates are
    left at that, without their wording compared."""
    sure = _sure_part(p, c)
    if sure is None:
        return 0.0, 0.0
    s, maybe_near, coarse = sure
    # (under THRESHOLD by more than `ceiling`'s rounding: the ceiling is then under it as well)
    unreachable = THRESHOLD - 0.001 - MOST_WORDING - (NAMES_WEIGHT if p.names else 0.0)
    if s + W.actors * maybe_near < unreachable:
        return s, 0.0
    near = maybe_near and _near_actors(p, c)
    if s + W.actors * near < unreachable:
        return s, 0.0
    sim = similarity(p.draft, c)
    return _rest(p, c, s, near, coarse, sim), sim


def score(p: Probe, c: Candidate, sim: float) -> tuple[float, list[str], list[str]]:
    """Evidence that the draft and the candidate are one event: (score 0..1, agreeing, disagreeing fields).
    `sim`: how alike their wording reads (`similarity`)."""
    agree: list[str] = []
    disagree: list[str] = []
    s, field, coarse, days = _date_part(p.date, c)
    if s is None:
        return 0.0, [], [f"date ({days} days apart)"]
    if field:
        agree.append(field)
    if p.draft.type == c.type:
        s += W.type
        agree.append("type")
    # Agreement on who was hit, who did it and the figures must come from one earlier report. Agreement
    # with the union of all reports chains: A shares a victim with B, B a group and a count with C, and a
    # story absorbs every report of a busy season. Disagreement is also read on the union: the incident
    # already names other victims or another claimant.
    part, fields, conflict, union_conflict = _best_report(c, p)
    s += part
    agree += fields
    if "targets" not in fields and p.targets and c.targets:
        s -= W.other_targets  # hacktivist waves hit a new target every day: different targets, different incidents
        disagree.append("targets")
    if conflict or union_conflict:
        # Two groups rarely claim one attack; a report of another group's claim is another incident. Without
        # this, an incident that absorbed one wrong report matches ever more claimants and snowballs. When
        # the dates agree to the day or month, the other name may be an alias nobody has linked yet.
        s -= W.other_claimant if coarse else W.other_claimant_dated
        disagree.append("claimed by")
    points, field = _place_part(p, c)
    s += points
    if field:
        agree.append(field)
    if sim >= 0.6:
        s += _wording_part(sim)
        agree.append(f"wording ({sim:.2f})")
    # Shared names are read from the stored evidence, so only when they can still tip the decision.
    if p.names and THRESHOLD - NAMES_WEIGHT <= s < THRESHOLD and len(agree) >= 2:
        shared_names = (p.names & c.names) - p.places - c.places - p.actors - c.actors - p.targets - c.targets
        if len(shared_names) >= 3:
            s += NAMES_WEIGHT  # both stories quote the same people, products or outlets
            agree.append("names")
    return round(s, 3), agree, disagree


def resolve(conn: sqlite3.Connection, draft: IncidentDraft, source_id: int,
            cache: CandidateCache | None = None) -> tuple[int, dict] | None:
    """The incident this draft joins, with the reason, or None for a new incident. Imports pass a
    `Resolver` (a callable with the same signature) instead, to keep candidates between drafts.

    Three outcomes: a sure join (reason "outcome": "join"); a new incident that may be the same as
    one known ("outcome": "pending", with "doubt": why it is not sure; the store makes a new incident and a
    pending decision for the review queue); or None, a new incident."""
    p = Probe.of(draft)
    if p.date is None and not (p.targets or p.named):
        return None  # nothing to anchor a join on
    blocked = candidates.blocked_incidents(conn, source_id)
    p.read(conn, source_id)
    place_names = sorted({pl.name for pl in draft.places if pl.name})
    ids = candidates.candidate_ids(conn, p.date, draft.type, _compatible(draft.type), p.target_ids, p.actor_ids,
                                   place_names)
    loaded = cache.load(conn, ids) if cache is not None else candidates.load_candidates(conn, ids)
    sure, maybe = _best(p, _reachable(p, loaded, blocked))
    if sure is not None:
        s, c, agree, core = sure
        return c.id, {"outcome": "join", "score": s, "agree": agree, "core": core, "threshold": THRESHOLD}
    if maybe is not None:
        s, c, agree, why = maybe
        reason = {"outcome": "pending", "score": s, "agree": agree, "doubt": why, "threshold": THRESHOLD}
        return c.id, dict(reason, text=pending_reason(c.id, reason))
    return None


def _floor2(s: float) -> float:
    """Two decimals, rounded down: 0.549 is no "0.55" beside a threshold of 0.55."""
    return int(s * 100) / 100


def pending_reason(incident_id: int, reason: dict) -> str:
    """The sentence a pending decision shows in the review queue."""
    return (f"maybe the same as #{incident_id}: score {_floor2(reason['score']):.2f} ({', '.join(reason['agree'])});"
            f" not sure: {reason['doubt']}")


def _reachable(p: Probe, loaded: list[Candidate], blocked: set[int]) -> list[tuple[float, Candidate, float]]:
    """(ceiling, candidate, wording similarity) of the candidates that may join or be pending (can reach
    PENDING_FLOOR), best ceiling first (ties: the oldest incident)."""
    block = []
    for c in loaded:
        if c.id in blocked or not compatible_types(p.draft.type, c.type):
            continue
        top, sim = reach(p, c)
        if top >= PENDING_FLOOR:
            block.append((top, c, sim))
    # Best ceiling first: most of a block falls under the best score found and is never fully scored.
    block.sort(key=lambda x: (-x[0], x[1].id))
    return block


_SPECIFIC = ("figures", "wording", "names")  # agreements that pin a story when its dates cannot


def doubt(p: Probe, c: Candidate, s: float, agree: list[str]) -> tuple[str | None, list[str]]:
    """Why a draft scoring `s` against `c` is not surely the same event (None when it is), and the
    incident-wide fields it agrees on. Sure means agreeing with the incident as a whole: a target or a
    group named by more than half of its reports (`Candidate.core`), the score still over THRESHOLD
    with only those counted, dates within 3 days when both are dated to the day or month (two weeks
    when a victim is shared), and, when they are not, one more specific agreement (figures, wording, shared names) than a type, a place
    and one name: on the 550 CASIE dev articles, joins on a common type, a date and a figure or a place
    alone joined unrelated ransomware stories (6 of 20 multi-article incidents shared no annotated party)."""
    core: list[str] = []
    t_keys = (*(("t", n) for n in p.targets), *(("T", i) for i in p.target_ids))
    a_names = p.named | (p.near(c, "actors") if "actors" in agree and not p.named & c.actors else set())
    # A state is no incident's core: one is blamed for many attacks of a season, so sharing it says what a
    # shared country says (CASIE dev: a ransomware story and an attribution seven months later joined
    # on a state suspected in one and blamed in the other)
    a_keys = (*(("a", n) for n in a_names - p.states), *(("A", i) for i in p.actor_ids - p.state_ids))
    if "targets" in agree and c.core(*t_keys):
        core.append("targets")
    if "actors" in agree and c.core(*a_keys):
        core.append("actors")
    if not core:
        named = [f for f in ("targets", "actors") if f in agree]
        if not named:
            return f"no shared target or group, only {', '.join(agree)}", core
        if named == ["actors"] and p.states and not c.reporting(*a_keys):
            return "the only shared actor is a state, blamed for many attacks", core
        n = c.support(*(t_keys if named[0] == "targets" else a_keys))
        return f"the shared {named[0]} are named by {n} of the {c.reports} reports of #{c.id}, not by most", core
    lost = W.targets * ("targets" in agree and "targets" not in core) + W.actors * ("actors" in agree and "actors" not in core)
    if s - lost < THRESHOLD:
        return f"score {s - lost:.2f} without what only some of the reports of #{c.id} say", core
    # 'in May' pins reports written that month, not one written half a year later recalling it (CASIE dev: an
    # attribution in December joined a May story on the month and a group). Month dates alone pinning
    # nothing cost recall on benchmarks/resolve.py (10k: 0.995 -> 0.977), whose reports carry no publication date.
    to_day = bool(p.date and c.date and (p.date.precision == c.date.precision == "day"
                                         or (_published_apart(p, c) or 0) <= W.month_written_within_days))
    apart = _published_apart(p, c) if not (p.date and c.date) or "year" in (p.date.precision, c.date.precision) else 0
    if apart is None:
        # nothing places one of them in time: a group's attacks on one victim years apart read alike (CASIE
        # dev without publication dates: three reports of one group, each recalling an older attack, joined)
        return "nothing dates one of the reports (no event or publication date)", core
    if apart > W.published_apart_days:
        # without an event date, when the reports came out is what pins them: a victim or a product named
        # in passing by two stories published weeks apart is two events (CASIE dev: a ransom wave and a
        # breach seven weeks later joined on the database product both mention)
        return f"no event date, and the reports were published {apart} days apart", core
    if core == ["targets"]:
        shared = len(p.targets & c.targets) or len(p.target_ids & c.target_ids)
        others = len(p.targets) - shared
        if others > shared:
            return f"the report names {others} other victims for {shared} shared", core
    pinned = to_day and any(a.startswith("date") for a in agree)
    if p.date and c.date and not pinned and p.date.distance(c.date) > 0 and "targets" not in core:
        # a victim's story is reported for two weeks (Cathay Pacific: 4 days apart on CASIE); a group's
        # name 4-14 days apart is as often its next attack
        return f"dates {p.date.distance(c.date)} days apart", core
    if not pinned and len(core) < 2 and not any(a.startswith(_SPECIFIC) for a in agree):
        return "no date pins both reports to one moment, and nothing but one name and the type agree", core
    return None, core


def _published_apart(p: Probe, c: Candidate) -> int | None:
    """Days between the publication of the draft's report and those of the candidate's; 0 when one is
    unknown, None when neither side has any date, of the event or of publication (0 when there is no
    database to ask)."""
    if c.conn is None or p.source_id is None:
        return 0
    row = c.conn.execute("SELECT (SELECT published FROM source WHERE id = ?), min(s.published), max(s.published)"
                         " FROM incident_source x JOIN source s ON s.id = x.source_id WHERE x.incident_id = ?",
                         (p.source_id, c.id)).fetchone()
    mine, theirs = DateRange.parse(row[0]), DateRange.parse(row[1], row[2]) if row[1] else None
    if mine and theirs:
        return mine.distance(theirs)
    return 0 if mine or theirs or p.date or c.date else None


def _best(p: Probe, block: list[tuple[float, Candidate, float]]):
    """(sure, maybe): the best-scoring candidate of the block the draft surely joins (score, candidate,
    agreeing fields, fields agreeing with the incident as a whole), and, when there is none, the best one
    it may join (score, candidate, agreeing fields, why it is not sure)."""
    best: tuple[float, Candidate, list[str], list[str]] | None = None
    maybe: tuple[float, Candidate, list[str], str] | None = None
    for top, c, sim in block:
        if best is not None and top < best[0]:
            break
        s, agree, disagree = score(p, c, sim)
        # One agreeing field is never enough: a shared actor and type are common to unrelated waves.
        # Equal scores go to the oldest incident.
        if PENDING_FLOOR <= s < THRESHOLD and not disagree and {"type", "places"} <= set(agree) and \
                agree[0].startswith("date") and _beats(s, c, maybe):
            maybe = (s, c, agree, f"score {_floor2(s):.2f} under {THRESHOLD}: no victim or group agrees, only "
                                  f"{', '.join(agree)}")
        if s < THRESHOLD or len(agree) < 3:
            continue
        why, core = doubt(p, c, s, agree)
        if why is None:
            if _beats(s, c, best):
                best = (s, c, agree, core)
        elif _beats(s, c, maybe):
            maybe = (s, c, agree, why)
    return best, maybe


def _beats(s: float, c: Candidate, than: tuple | None) -> bool:
    """Whether score ``s`` of ``c`` beats the kept ``(score, candidate, ...)``: equal scores go to the oldest."""
    return than is None or (s, -c.id) > (than[0], -than[1].id)


class Resolver(CandidateCache):
    """`resolve` keeping its candidates between drafts (`db.candidates.CandidateCache`): for one import on
    one connection, called as `resolve` is. The caller clears it when a document's transaction was
    rolled back (`clear`)."""

    def __init__(self) -> None:
        super().__init__(CACHE_ENTRIES)

    def __call__(self, conn: sqlite3.Connection, draft: IncidentDraft, source_id: int) -> tuple[int, dict] | None:
        return resolve(conn, draft, source_id, cache=self)
