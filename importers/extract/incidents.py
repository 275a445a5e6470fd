"""Group the sentences of an article into incident drafts and fill each draft with its evidence.

The lead incident starts at the first sentence that reports an attack. A later attack sentence starts a new
incident when its date does not fit the current one (an older date, "In May of 2020", "Last year", "A month
earlier", "Just days after ..."), or returns to an earlier incident whose date it fits. Sentences without an
event of their own (quotes, "Names ... were compromised", "X claimed to be behind ...") attach to the current
incident. Warnings, forecasts, general statements and vulnerability-only reports start no attack incident.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention

from . import actors as actors_mod
from . import cues, gazetteer
from . import dates as dates_mod
from . import figures as figures_mod
from . import places as places_mod
from . import types as types_mod
from .sentences import Sentence, split
from .text import fold_lower

ATTACK_CLASSES = types_mod.ATTACK_CLASSES

@dataclass
class Info:
    sent: Sentence
    hits: list
    trigs: list
    event: bool = False
    attack: bool = False
    weak: bool = False
    hypothetical: bool = False
    generic: bool = False
    vuln: bool = False
    date: dates_mod.DateHit | None = None
    dates: list = field(default_factory=list)
    perps: list | None = None


@dataclass
class Group:
    infos: list[Info] = field(default_factory=list)
    founding: Info | None = None
    date: dates_mod.DateHit | None = None
    date_info: Info | None = None

    @property
    def when(self) -> tuple[date, str] | None:
        if self.date is None or self.date.when is None:
            return None
        return self.date.when, self.date.precision


def _cls(t: str) -> str:
    return t.split("/", 1)[0]


def _compatible(a: dates_mod.DateHit, b: dates_mod.DateHit) -> bool:
    """Whether two dates can denote the same event (compared at the coarser precision, 2 days slack)."""
    if a.when is None or b.when is None:
        return True
    order = {"day": 0, "month": 1, "year": 2}
    p = max(order.get(a.precision, 2), order.get(b.precision, 2))
    if p == 2:
        return a.when.year == b.when.year
    if p == 1:
        return (a.when.year, a.when.month) == (b.when.year, b.when.month)
    return abs((a.when - b.when).days) <= 3  # Friday's attack, Monday's ransom balances: one event


def _less_precise(a: dates_mod.DateHit, b: dates_mod.DateHit) -> bool:
    order = {"day": 0, "month": 1, "year": 2}
    return order.get(a.precision, 2) > order.get(b.precision, 2)


def analyse(doc: Document) -> tuple[list[Sentence], list[Info], set[str], date | None]:
    body = doc.body or ""
    gaz = gazetteer.get()
    sents = split(body)
    folded = fold_lower(body)
    infos: list[Info] = []
    countries: set[str] = set()
    # one pass of the reference dictionary over the whole body, hits bucketed by sentence
    buckets: list[list] = [[] for _ in sents]
    starts = [s.start for s in sents]
    for start, end, surface, entries in gaz.scan(body, folded):
        k = bisect.bisect_right(starts, start) - 1
        if k < 0 or end > sents[k].end:
            continue
        sk = sents[k].start
        buckets[k].append((start - sk, end - sk, surface, entries))
    for s, hits in zip(sents, buckets, strict=True):
        for h in hits:
            for e in h[3]:
                if e[0] in ("country", "demonym"):
                    countries.add(e[1])
                    break
        trigs = types_mod.triggers(s.text)
        infos.append(Info(sent=s, hits=hits, trigs=trigs))
    if doc.title:
        for h in gaz.scan(doc.title):
            for e in h[3]:
                if e[0] in ("country", "demonym"):
                    countries.add(e[1])
    return sents, infos, countries, dates_mod.parse_published(doc.published)


def _classify(info: Info) -> None:
    text = info.sent.text
    trigs = info.trigs
    if not trigs:
        return
    info.vuln = any(t.type.startswith("vulnerable/") for t in trigs)
    attack = [t for t in trigs if _cls(t.type) in ATTACK_CLASSES or t.type in cues.ATTACK_OTHER_TYPES]
    if any(_cls(t.type) in ATTACK_CLASSES or t.type == "other/undetermined" for t in attack):
        # a physical attack mentioned beside a cyber one is background for the cyber incident
        attack = [t for t in attack if t.type != "other/terrorism"]
    # negated: "payment details were not compromised", "no data was stolen"
    attack = [t for t in attack if not cues.NEGATED.search(text[max(0, t.start - 30):t.start]) and " not " not in t.text]
    info.hypothetical = types_mod.hypothetical(text)
    if info.vuln and not cues.EXPLOITED.search(text):
        # in a sentence about a flaw, attack words describe what the flaw allows, not an attack
        attack = [t for t in attack if t.strength >= 3 and not info.hypothetical]
    # "after the DDoS incident", "following a cyber attack": a reference to another event, not this one
    attack = [t for t in attack if not cues.REFERENCE.search(text[max(0, t.start - 40):t.start])
              or cues.DISCOVERED_AFTER.match(text, t.end)]
    info.trigs = attack + [t for t in trigs if t.type.startswith("vulnerable/")]
    info.hypothetical = types_mod.hypothetical(text)
    info.generic = types_mod.generic(text) or bool(cues.RECORD.search(text))
    strength = max((t.strength for t in attack), default=0)
    info.attack = bool(attack)
    info.weak = strength == 1
    info.event = strength >= 2 and not info.hypothetical


def _pick_date(info: Info, anchor, pub) -> dates_mod.DateHit | None:
    hits = dates_mod.find(info.sent.text, pub, anchor)
    # "such as last month's attack", "after last week's breach": the date of another event
    hits = [h for h in hits if not cues.DATE_REFERENCE.search(info.sent.text[max(0, h.start - 25):h.start])]
    hits = [_since_event(h, pub) if anchor is None else h for h in hits]
    # "a figure that had circulated since March": the start of a state, not the date of the event told
    hits = [h for h in hits if not (h.start > 3 and cues.SINCE.match(h.text))]
    info.dates = hits
    if not hits:
        return None
    if len(hits) > 1:
        # "overnight ... on Monday": the named day is the better date
        specific = [h for h in hits if not cues.VAGUE_DAY.match(h.text)]
        hits = specific or hits
    attack = [t for t in info.trigs if not t.type.startswith("vulnerable/")]
    if not attack:
        return hits[0]
    best = max(attack, key=lambda t: (t.strength, types_mod.PRIORITY.get(t.type, 0)))
    centre = (best.start + best.end) / 2

    def dist(h):
        d = abs((h.start + h.end) / 2 - centre)
        if h.start < 4:
            d -= 1000  # a sentence-initial time adverbial governs the sentence
        return d

    return min(hits, key=dist)



def _since_event(h: dates_mod.DateHit, pub: date | None) -> dates_mod.DateHit:
    """ "Two months after a virus wiped ...": at the start of a lead sentence with nothing to anchor it, the event
    of the clause happened that long before the publication."""
    m = cues.SINCE_EVENT.fullmatch(h.text)
    if h.when is not None or pub is None or h.start > 3 or not m:
        return h
    n = int(m.group(1)) if m.group(1).isdigit() else cues.NUMBER_WORDS[m.group(1).lower()]
    unit = m.group(2).lower().rstrip("s")
    if unit == "year":
        when, precision = date(pub.year - n, pub.month, min(pub.day, 28)), "year"
    else:
        when = pub - timedelta(days=7 * n if unit == "week" else 30 * n)
        precision = "month"
    value = str(when.year) if precision == "year" else when.isoformat()[:7]
    return dates_mod.DateHit(value=value, precision=precision, start=h.start, end=h.end, text=h.text,
                             kind="relative", when=when)


def _other_time(info: Info, current: Group, pub: date | None) -> bool:
    """A sentence without an event of its own dated before the current incident: background ("In December 2023
    the FBI announced it had disrupted the gang's servers"), not a later development of the story."""
    if current.date is None or current.date.when is None:
        return False
    if info.attack:  # attack words without an event: the date told beside them ("became known in June 2023, when")
        hits = [info.date] if info.date is not None and info.date.kind == "absolute" else []
    else:
        hits = [h for h in dates_mod.find(info.sent.text, pub, current.when) if h.start < 4 and h.kind == "absolute"]
    return bool(hits) and hits[0].when is not None and not _compatible(hits[0], current.date) \
        and hits[0].when < current.date.when


def _date_differs(d: dates_mod.DateHit, current: Group, pub: date | None) -> bool:
    """Whether a dated attack sentence tells another incident than the current one."""
    initial = d.start < 4  # a sentence-initial time adverbial ("Last year, ...") governs the sentence
    cur_date = current.date if current.date is not None and current.date.when is not None else None
    if initial and cues.PAST_MARKER.match(d.text) and any(i.event for i in current.infos):
        return True
    if d.when is None:  # unresolved (no publication date): "Last year", or a calendar date like "March 11"
        return bool(cues.PAST_MARKER.match(d.text)) and initial or (
            cur_date is None and bool(cues.DIGIT.search(d.text)) and bool(cues.CAPITALISED.search(d.text)))
    if cur_date is not None:
        return not _compatible(d, cur_date) or bool(
            initial and _less_precise(d, cur_date) and cues.RELATIVE_OPENING.match(d.text))
    if pub is not None:  # an undated lead story is the one being reported: an older date is another incident
        return d.when < pub - timedelta(days=21) or d.kind == "anchored"
    return d.kind in ("absolute", "anchored")


def group(infos: list[Info], pub: date | None) -> list[Group]:
    """Sentences → incident groups: the lead story, then each incident the article recounts."""
    groups: list[Group] = []
    current: Group | None = None
    last_attach = -10
    for info in infos:
        _classify(info)
        if current is not None and info.event and _descriptor_only(info):
            # "In late November the Rhysida ransomware group claimed responsibility": the attack word describes
            # the group; the sentence is a claim about the story already told, not a new incident
            info.event = False
        anchor = current.when if current else None
        info.date = _pick_date(info, anchor, pub) if info.attack else None
        d = info.date
        k = info.sent.index
        prev = infos[k - 1] if 0 < k <= len(infos) and infos[k - 1] is not info else None
        if d is None and info.event and current is not None and prev is not None and prev.date is not None \
                and prev not in current.infos and prev.date.when is not None and current.date is not None \
                and current.date.when is not None and not _compatible(prev.date, current.date) \
                and (prev.date.start < 4 or cues.WHEN_AFTER.match(prev.sent.text[prev.date.end:prev.date.end + 8])):
            # "X became known in June 2023, when ... . Microsoft later confirmed ...": the undated sentence goes
            # on with the time the previous one opened, not with the current story
            d = info.date = prev.date
        back = _named_earlier(info, groups, current) if info.attack and d is None else None
        if back is not None:
            # "the TV5Monde operation went beyond propaganda": back to the incident of that name
            back.infos.append(info)
            current = back
            last_attach = info.sent.index
            continue
        if info.event and (not info.generic or (d is not None and d.precision != "year" and
                                                 d.kind != "anchored" and current is not None)):
            if current is None:
                current = Group(founding=info)
                groups.append(current)
                # weak attack sentences just before the first event belong to it ("X forced customers to reset
                # passwords after an attempt to hack into its systems")
                k = infos.index(info)
                for prev in infos[max(0, k - 4):k]:
                    if prev.attack and not prev.generic and (not prev.hypothetical or _past_clause(prev)):
                        current.infos.append(prev)
                if d is not None:
                    current.date, current.date_info = d, info
                current.infos.append(info)
                last_attach = info.sent.index
                continue
            target = current
            fam = _family(info)
            if fam != _group_family(current) and not (d is not None and current.date is not None
                                                      and not _compatible(d, current.date)):
                same = [g for g in groups if _group_family(g) == fam and (d is None or g.date is None or
                                                                          _compatible(d, g.date))]
                target = same[-1] if same else None
                if target is None:
                    target = Group(founding=info, date=d, date_info=info if d else None)
                    groups.append(target)
                target.infos.append(info)
                current = target
                last_attach = info.sent.index
                continue
            if d is not None:
                initial = d.start < 4
                differs = _date_differs(d, current, pub)
                if differs:
                    same = [g for g in groups if g is not current and g.date is not None and d.when is not None
                            and g.date.when is not None and _compatible(d, g.date)
                            and g.date.precision == d.precision
                            and (_cls(_best_type(g)) == _cls(_info_type(info)) or _info_type(info) in cues.WILDCARD_TYPES)]
                    target = same[-1] if same else None
                    lead = groups[0]
                    if target is None and lead is not current and (lead.date is None or lead.date.when is None) \
                            and d.when is not None and pub is not None and d.when >= pub - timedelta(days=14) \
                            and not (initial and cues.PAST_MARKER.match(d.text)):
                        # back to the undated lead story ("... says the attack began on Wednesday")
                        target = lead
                        lead.date, lead.date_info = d, info
                elif d.when is None:
                    pass
                elif current.date is None or current.date.when is None or (
                        _less_precise(current.date, d) and _compatible(d, current.date)):
                    current.date, current.date_info = d, info
            if target is None:
                target = Group(founding=info, date=d, date_info=info if d else None)
                groups.append(target)
            target.infos.append(info)
            current = target
            last_attach = info.sent.index
            continue
        if current is None or info.hypothetical or cues.RECORD.search(info.sent.text):
            continue
        if _other_time(info, current, pub):
            # "In December 2023 the FBI announced it had disrupted ALPHV's servers": another time, another story
            last_attach = -10
            continue
        # continuation: attack words without an event of their own, or a party's role, right after the story
        if any(_cls(t.type) in ATTACK_CLASSES or t.type == "other/undetermined" for t in info.trigs) \
                and not info.generic and (info.sent.index - last_attach <= 3):
            current.infos.append(info)
            last_attach = info.sent.index
        elif info.sent.index - last_attach <= 2 and cues.CONTINUES.search(info.sent.text) and not info.generic:
            current.infos.append(info)
            last_attach = info.sent.index
        elif (info.sent.index - last_attach <= 1 or info.sent.index - last_attach <= 2 and cues.CLAIM_CUE.search(
                info.sent.text)) and _has_role_cue(info.sent.text) and not info.generic:
            current.infos.append(info)
            last_attach = info.sent.index
    return groups



def _named_earlier(info: Info, groups: list[Group], current: Group | None) -> Group | None:
    """An earlier incident that the sentence names ("the X attack") when the current one never mentions X."""
    if current is None or len(groups) < 2:
        return None
    for m in cues.NAMED_EVENT.finditer(info.sent.text):
        name = m.group(1)
        if name.lower() in cues.NOT_EVENT_NAMES or len(name) < 3:
            continue
        pat = re.compile(cues.standalone(name))
        if any(pat.search(i.sent.text) for i in current.infos):
            return None
        earlier = [g for g in groups if g is not current and any(pat.search(i.sent.text) for i in g.infos)]
        if earlier:
            return earlier[-1]
    return None


def _descriptor_only(info: Info) -> bool:
    """Whether every event word of the sentence is part of a group's description ("the X ransomware gang")."""
    strong = [t for t in info.trigs if t.strength >= 2 and not t.type.startswith("vulnerable/")]
    text = info.sent.text
    return bool(strong) and all(cues.DESCRIPTOR_AFTER.match(text, t.end) and " " not in t.text.strip()
                                for t in strong)


def _past_clause(info: Info) -> bool:
    """A sentence flagged hypothetical whose attack word sits in a past-tense clause of its own: "After criminals
    broke into its network, the library says rebuilding will take months"."""
    text = info.sent.text
    for t in info.trigs:
        if t.type.startswith("vulnerable/") or t.strength < 3:
            continue
        end = text.find(",", t.end)
        clause = text[:end if end > 0 else len(text)]
        start = clause.rfind(",", 0, t.start) + 1
        clause = clause[start:]
        if cues.CLAUSE_CONJUNCTION.search(clause) and not types_mod.hypothetical(clause) \
                and cues.PAST_VERB.search(clause[t.start - start:]):
            return True
    return False



def _has_role_cue(text: str) -> bool:
    return bool(cues.ROLE_CUE.search(text))




def _family(info: Info) -> str:
    """cyber or physical-other: a shooting or graffiti reported beside a cyber attack is another incident."""
    trigs = [t for t in info.trigs if not t.type.startswith("vulnerable/") and t.strength >= 2] or \
        [t for t in info.trigs if not t.type.startswith("vulnerable/")]
    if any(t.type not in cues.PHYSICAL_OTHER_TYPES for t in trigs):
        return "attack"
    return "other"


def _group_family(g: Group) -> str:
    return _family(g.founding) if g.founding else "attack"


def _info_type(info: Info) -> str:
    trigs = [t for t in info.trigs if not t.type.startswith("vulnerable/")]
    if not trigs:
        return "other/undetermined"
    strong = [t for t in trigs if t.strength >= 2] or trigs
    return max(strong, key=lambda t: (types_mod.PRIORITY.get(t.type, 0), t.strength)).type




def _best_type(g: Group) -> str:
    trigs = [t for i in g.infos for t in i.trigs if not t.type.startswith("vulnerable/")]
    if not trigs:
        return "other/undetermined"
    strong = [t for t in trigs if t.strength >= 2] or trigs
    best = max(strong, key=lambda t: (types_mod.PRIORITY.get(t.type, 0), t.strength))
    if best.type.startswith("malicious-code/") and any(t.type == "fraud/phishing" and t.strength >= 3 for t in trigs) \
            and any(cues.DELIVERY.search(i.sent.text) and not cues.HEDGE.search(i.sent.text) for i in g.infos):
        return "fraud/phishing"  # a malspam campaign that delivers the malware: the incident is the phishing
    return best.type


def _domain(g: Group, type_: str) -> str:
    doms = {t.domain for i in g.infos for t in i.trigs if t.type == type_}
    if type_ == "availability/sabotage":
        cyber = any(t.domain == "cyber" and t.strength >= 2 and t.type not in cues.WILDCARD_TYPES
                    for i in g.infos for t in i.trigs)
        if "physical" in doms and cyber:
            return "hybrid"
        return "physical" if "physical" in doms else "cyber"
    return "physical" if doms == {"physical"} else "cyber"


def _ev(s: Sentence) -> Evidence:
    return Evidence(text=s.text, start=s.start, end=s.end)


def build_drafts(doc: Document) -> list[IncidentDraft]:
    body = doc.body or ""
    if not body.strip():
        return []
    sents, infos, countries, pub = analyse(doc)
    groups = group(infos, pub)
    gaz = gazetteer.get()
    drafts: list[IncidentDraft] = []
    # a group named as perpetrator anywhere in the article is never a target of it ("disrupted ALPHV's servers")
    article_perps = set()
    for g in groups:
        for i in g.infos:
            for p in _perps(i, gaz):
                if p.ref is not None or p.kind in ("criminal group", "hacktivist group"):
                    surface = i.sent.text[p.start:p.end].lower()
                    article_perps.update({p.name.lower(), surface, cues.GROUP_SUFFIX.sub("", surface)})
    article_perps = frozenset(article_perps)
    headline = _headline_targets(doc, sents, article_perps) if groups else []
    for n, g in enumerate(groups):
        d = _draft(g, gaz, countries, pub, lead=n == 0, article_perps=article_perps,
                   headline=headline if n == 0 else ())
        if d is not None:
            drafts.append(d)
    drafts = [d for d in drafts if d.type != "vulnerable/vulnerable-system"]
    if not drafts:
        vuln = [i for i in infos if i.vuln and not i.hypothetical] or [i for i in infos if i.vuln]
        if len(vuln) >= 1:
            first = vuln[0]
            cve = cues.CVE.search(" ".join(i.sent.text for i in vuln))
            title = "Vulnerability disclosed" + (f": {cve.group(0)}" if cve else (f": {doc.title}" if doc.title else ""))
            drafts.append(IncidentDraft(
                title=_shorten(title, 110), type="vulnerable/vulnerable-system",
                summary=_summary([i.sent for i in vuln[:2]]), domain="cyber", status="undetermined",
                evidence=[_ev(i.sent) for i in vuln[:3]], relation="report",
                facts={"type": _ev(first.sent)}, date_basis="disclosed",
                date_start=pub.isoformat() if pub else None, date_precision="day" if pub else "unknown",
                countries=[], places=[]))
    return drafts


def _perps(info: Info, gaz) -> list:
    if info.perps is None:
        info.perps = actors_mod.perpetrators(info.sent.text, info.hits, gaz)
    return info.perps


def _draft(g: Group, gaz, article_countries: set[str], pub: date | None, lead: bool = False,
           article_perps: frozenset = frozenset(), headline=()) -> IncidentDraft | None:
    type_ = _best_type(g)
    if type_.startswith("vulnerable/"):
        return None
    domain = _domain(g, type_)
    facts: dict[str, Evidence] = {}
    type_info = next((i for i in g.infos if any(t.type == type_ for t in i.trigs)), g.founding)
    facts["type"] = _ev(type_info.sent)
    evidence = [_ev(i.sent) for i in g.infos]
    # date
    date_start = date_end = None
    precision = "unknown"
    basis = "occurred"
    if g.date is not None and g.date.value:
        date_start, precision, date_end = g.date.value, g.date.precision, g.date.end_value
        facts["date"] = _ev(g.date_info.sent)
        if cues.DISCLOSURE.search(g.date_info.sent.text) and not cues.ON_OR_IN.search(g.date.text):
            basis = "disclosed"
    elif pub is not None and lead:
        # nothing in the text dates the lead story: it is the one being reported
        date_start, precision, basis = pub.isoformat(), "day", "reported"
    # actors
    rows: dict[tuple[str, str], ActorMention] = {}
    perp_spans: dict[int, list[tuple[int, int]]] = {}
    for info in g.infos:
        text = info.sent.text
        ev = _ev(info.sent)
        for p in _perps(info, gaz):
            perp_spans.setdefault(info.sent.index, []).append((p.start, p.end))
            ref = p.ref
            row = ActorMention(
                name=p.name, role=p.role, kind=p.kind, country=p.country, confidence=p.confidence,
                attributed_by=p.attributed_by, evidence=ev,
                aliases=list(ref.aliases) if ref is not None else [],
                description=ref.description if ref is not None else None,
                reference=ref.uuid if ref is not None else None,
                alias_origin="galaxy" if ref is not None else "source")
            k = (p.name.lower(), p.role)
            if k not in rows:
                rows[k] = row
                facts.setdefault("actor", ev)
    perp_names = {r.name.lower() for r in rows.values()} | article_perps
    # named groups only: "Russia-based hackers" does not make Russia a non-place elsewhere in the article
    actor_names = [r.name for r in rows.values() if r.reference or r.kind in ("criminal group", "hacktivist group")
                   or r.alias_origin == "galaxy"] + [n for n in article_perps if " " in n]
    # places (not the ones named as actors: "blaming Russia", "Russia-based hackers")
    place_rows: dict[str, PlaceMention] = {}
    countries: list[str] = []
    ordered = [g.founding] + [i for i in g.infos if i is not g.founding] if g.founding in g.infos else g.infos
    place_spans: dict[int, list[tuple[int, int]]] = {}
    title_place = None
    for info in ordered:
        resolved = places_mod.resolve(info.sent.text, info.hits, article_countries)
        place_spans[info.sent.index] = [(p.start, p.end) for p in resolved]
        if not (info.attack or cues.CONTINUES.search(info.sent.text)):
            continue
        spans = perp_spans.get(info.sent.index, []) + _actor_name_spans(info)
        for p in resolved:
            if any(p.start < e and p.end > s0 for s0, e in spans):
                continue
            if _in_actor_name(p.name, info.sent.text[p.start:p.end], actor_names) or cues.ACTOR_BASE.search(
                    info.sent.text[max(0, p.start - 40):p.start]) or cues.DISCOURSE_PLACE.search(
                    info.sent.text[max(0, p.start - 60):p.start]):
                continue  # "Anonymous Sudan ... based in Sudan": the group's name says nothing of where it struck
            if p.cue and info is g.founding and (title_place is None or (title_place[1] == "country" and
                                                                         p.level != "country")):
                title_place = (p.name, p.level)
            if cues.PRO_ANTI.search(info.sent.text[max(0, p.start - 5):p.start]):
                continue
            ev = Evidence(info.sent.text, info.sent.start, info.sent.end)
            if p.name not in place_rows:
                place_rows[p.name] = PlaceMention(name=p.name, country=p.country, level=p.level, evidence=ev)
                facts.setdefault("place", ev)
            if p.country and p.country not in countries:
                countries.append(p.country)
    for info in g.infos:
        if not (info.attack or _has_role_cue(info.sent.text) or cues.CONTINUES.search(info.sent.text)):
            continue
        text = info.sent.text
        ev = _ev(info.sent)
        exclude = list(perp_spans.get(info.sent.index, []))
        exclude += [(m.start(), m.end()) for m in actors_mod.GENERIC_RE.finditer(text)]
        exclude += [(h[0], h[1]) for h in info.hits if any(e[0] == "actor" for e in h[3])
                    and not any(e[0] in ("country", "city", "region") for e in h[3])]
        for np, conf in actors_mod.targets(text, info.attack, exclude):
            name = np.text
            if name.lower() in perp_names or len(name) < 2:
                continue
            if _is_demonym_only(name) or name.lower().strip(".") in cues.GENERIC_BODY_WORDS:
                continue  # "Commerce", "Treasury", "Telecom" alone name no party ("Department of Commerce" does)
            if cues.DIGIT.match(name) and _is_place(cues.LEADING_FIGURES.sub("", name)):
                continue
            # a place is not a target ("links between Paris and Lyon"), unless worded as a body ("the city of X");
            # a small town that shares its name with a listed organisation ("such as A, B") stays a target
            if (_is_place(name) and not (np.people and cues.PEOPLE_SUFFIX.search(name)) or not np.people and any(
                    np.start >= s0 and np.end <= e for s0, e in place_spans.get(info.sent.index, ()))) \
                    and not cues.PLACE_AS_BODY.search(text[max(0, np.start - 80):np.start]):
                continue
            k = (name.lower(), "target")
            if k not in rows:
                kind = "organisation"
                low = name.lower()
                if cues.GOVERNMENT_BODY.search(low):
                    kind = "government body"
                rows[k] = ActorMention(name=name, role="target", kind=kind, confidence=conf, evidence=ev,
                                       alias_origin="source")
                facts.setdefault("target", ev)
    if headline and not any(r.role == "target" for r in rows.values()):
        # the lead story names no party as hit, the headline does ("X chief defends ransom payment")
        for name, ev in headline:
            if name.lower() not in perp_names and (name.lower(), "target") not in rows:
                rows[(name.lower(), "target")] = ActorMention(name=name, role="target", kind="organisation",
                                                              confidence=40, evidence=ev, alias_origin="source")
                facts.setdefault("target", ev)
    # figures
    figs: list[Figure] = []
    seen_vals = set()
    for info in g.infos:
        for f in figures_mod.find(info.sent.text):
            if (f.value, f.unit) in seen_vals:
                continue
            seen_vals.add((f.value, f.unit))
            figs.append(Figure(value=f.value, unit=f.unit, text=f.text, start=info.sent.start + f.start,
                               end=info.sent.start + f.end))
            facts.setdefault("figure", _ev(info.sent))
    actors_list = _dedupe_targets(list(rows.values()))
    roles = {a.role for a in actors_list}
    if "claimed" in roles:
        status = "claimed"
    elif roles & {"attributed", "suspected"}:
        status = "suspected"
    elif "denied" in roles:
        status = "disputed"
    elif any(cues.CONFIRMED.search(i.sent.text) for i in g.infos):
        status = "confirmed"
    else:
        status = "undetermined"
    relation = "claim" if status == "claimed" else ("attribution" if "attributed" in roles else "report")
    places = list(place_rows.values())
    title = _title(type_, domain, actors_list, places, g, title_place[0] if title_place else None)
    summary = _summary(_summary_sentences(g))
    return IncidentDraft(
        title=title, type=type_, summary=summary, domain=domain, status=status, date_start=date_start,
        date_end=date_end, date_precision=precision, date_basis=basis, countries=countries, places=places,
        actors=actors_list, figures=figs, evidence=evidence, relation=relation, facts=facts)




def _dedupe_targets(rows: list[ActorMention]) -> list[ActorMention]:
    """Drop a target that is the short form of another target of the same incident ("Aramco" beside
    "Saudi Aramco", "Change Healthcare" beside "Change Healthcare's systems" is not made)."""
    names = [a.name for a in rows if a.role == "target"]
    out = []
    for a in rows:
        if a.role == "target" and " " not in a.name.strip() and any(
                n != a.name and re.search(cues.whole_words(a.name), n) for n in names):
            continue
        out.append(a)
    return out


def _actor_name_spans(info: Info) -> list[tuple[int, int]]:
    """Spans of the sentence that name an actor, whatever its role: galaxy groups ("Anonymous Sudan") and
    generic actors ("Sudanese hacktivists", "Russia-based hackers") -- the places inside them are not places."""
    out = [(h[0], h[1]) for h in info.hits if any(e[0] == "actor" for e in h[3])
           and not any(e[0] in ("country", "city", "region", "demonym") for e in h[3])]
    for m in actors_mod.GENERIC_RE.finditer(info.sent.text):
        noun = m.group("n").lower()
        if cues.ACTOR_NOUN.match(noun):
            out.append((m.start("q"), m.end()))
    return out


def _in_actor_name(place: str, surface: str, actor_names: list[str]) -> bool:
    """A place named as a part of a longer actor name ("Sudan" in "Anonymous Sudan")."""
    from .text import key

    pk = {key(place), key(surface)} - {""}
    for name in actor_names:
        nk = key(name)
        if not nk or nk in pk:
            continue
        for k in pk:
            if re.search(cues.whole_words(k), nk):
                return True
    return False



def _is_place(name: str) -> bool:
    from .text import key

    entries = gazetteer.get().entries.get(key(name), ())
    return any(e[0] in ("country", "region", "demonym") or (e[0] == "city" and e[3] >= 100_000) for e in entries)


def _is_demonym_only(name: str) -> bool:
    from .text import key

    gaz = gazetteer.get()
    entries = gaz.entries.get(key(name), ())
    return any(e[0] in ("demonym", "country") for e in entries) and not any(e[0] == "actor" for e in entries)




def _headline_targets(doc: Document, sents: list[Sentence], article_perps: frozenset) -> list[tuple[str, Evidence]]:
    """Organisations the headline presents as hit ("X confirms data breach", "X chief defends ransom payment",
    "... in the X attack"), each with the first body sentence that names it (evidence stays in the body)."""
    title = (doc.title or "").strip()
    if not title or not cues.HEADLINE_ATTACK.search(title):
        return []
    names = [np.text for np, _ in actors_mod.targets(title, True, [])]
    m = cues.HEADLINE_VICTIM.match(title)
    if m:
        names.append(m.group("name"))
    out: list[tuple[str, Evidence]] = []
    for name in names:
        name = cues.LEADING_ARTICLE.sub("", name.strip())
        low = name.lower()
        if len(name) < 3 or low in article_perps or low in cues.GENERIC_BODY_WORDS or _is_demonym_only(name) \
                or _is_place(name) or any(low == o.lower() for o, _ in out):
            continue
        for snt in sents:
            k = snt.text.find(name)
            if k >= 0 and not cues.WORD_CHAR.match(snt.text[k + len(name):k + len(name) + 1]) and \
                    not cues.WORD_CHAR_END.search(snt.text[:k]):
                out.append((name, _ev(snt)))
                break
    return out[:2]


def _summary_sentences(g: Group) -> list[Sentence]:
    events = [i.sent for i in g.infos if i.event] or [i.sent for i in g.infos]
    out = [events[0]]
    for s in events[1:]:
        if len(out[0].text) + len(s.text) < 420:
            out.append(s)
        break
    return out


def _summary(sents: list[Sentence]) -> str:
    text = " ".join(s.text.strip() for s in sents)
    return _shorten(re.sub(r"\s+", " ", text), 500)


def _shorten(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _title(type_: str, domain: str, actors_list: list[ActorMention], places: list[PlaceMention], g: Group,
           title_place: str | None = None) -> str:
    label = types_mod.LABELS.get(type_, "Incident")
    if type_ == "availability/sabotage" and domain == "physical":
        text = " ".join(i.sent.text for i in g.infos).lower()
        m = cues.SABOTAGED_THING.search(text)
        if m:
            what = m.group(1)
            what = what if what.endswith("s") else what + "s"
            verb = "set on fire" if cues.SET_ON_FIRE.search(text) and \
                "cut" not in text else "cut" if cues.CUT.search(text) else "sabotaged"
            label = f"{what[0].upper()}{what[1:]} {verb}"
    tgts = [a.name for a in actors_list if a.role == "target"][:3]
    tkeys = {t.lower() for t in tgts}
    first = [p for p in places if p.name.lower() not in tkeys]
    if title_place and title_place.lower() not in tkeys:
        local = [title_place] + [p.name for p in first if p.level in ("city", "region") and p.name != title_place
                                 and p.evidence is not None and p.evidence.start == g.founding.sent.start][:2]
    elif first and first[0].level == "country" and not any(p.level != "country" and p.country == first[0].country
                                                            for p in first):
        local = [first[0].name]
    else:
        local = [p.name for p in first if p.level in ("city", "region")][:3]
    countries = [p.name for p in places if p.level == "country"][:1]
    if tgts:
        prep = " at " if type_.startswith("information-content-security") else " on "
        if type_ == "availability/sabotage":
            prep = " affecting "
        title = label + prep + _join(tgts)
        if local and len(title) < 60:
            title += " in " + _join(local[:2])
    elif local:
        title = label + (" between " if label.endswith(" cut") and len(local) > 1 else " in ") + _join(local)
    elif countries:
        title = label + " in " + countries[0]
    else:
        title = label
    claimed = [a.name for a in actors_list if a.role == "claimed"]
    attributed = [a.name for a in actors_list if a.role == "attributed" and a.kind != "ideological movement"]
    if claimed and len(title) < 70:
        title += ", claimed by " + claimed[0]
    elif attributed and len(title) < 70:
        title += ", attributed to " + attributed[0]
    return _shorten(title, 120)
