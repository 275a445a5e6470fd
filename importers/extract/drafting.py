"""Build the incident drafts of an article: each group of sentences becomes an IncidentDraft with its evidence.

:func:`build_drafts` reads the article once (sentences, groups, the perpetrators of each sentence, the headline)
and drafts each group with one function per kind of fact: type and domain, dates, actors by role, places,
targets (:mod:`.targets`), figures, status, title and summary (:mod:`.titles`). Every fact keeps the sentence
that tells it (``IncidentDraft.facts``, in that order: type, date, actor, place, target, figure).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention

from . import actors as actors_mod
from . import cues, explain, gazetteer, roles, titles
from . import dates as dates_mod
from . import figures as figures_mod
from . import places as places_mod
from . import targets as targets_mod
from .analysis import Info, analyse, evidence_of
from .dates import DateHit
from .grouping import Group, best_type, dates_the_story, group
from .nounphrases import ordinary_words
from .roles import Party

# actor kinds that name a group (not "Russia-based hackers"): never a target of the article, never a place
_NAMED_GROUP_KINDS = ("criminal group", "hacktivist group")


@dataclass(frozen=True)
class Article:
    """What every draft of an article reads."""

    perps: dict[int, list[Party]]  # the perpetrator-side parties of each grouped sentence, by index
    countries: set[str]  # the countries the body and the title name
    pub: date | None
    perp_names: frozenset  # lowercased: groups named as perpetrator anywhere in the article
    headline: list[tuple[str, Evidence]]  # the parties the headline presents as hit, with body evidence
    suspects: list[Info]  # sentences of no incident that name a known group with a role word (the lead takes them)
    ordinary: frozenset  # words the article writes in lowercase, capitalised only where a sentence opens
    story_date: tuple[DateHit, Info] | None = None  # "the attack was discovered on March 30", anywhere in the article


def build_drafts(doc: Document) -> list[IncidentDraft]:
    """The drafts of an article: one per incident told; a vulnerability report when it tells no attack."""
    body = doc.body or ""
    if not body.strip():
        return []
    sents, infos, countries, pub = analyse(doc)
    groups = group(infos, pub)
    perps = _perpetrators(groups, gazetteer.get())
    perp_names = _article_perpetrators(groups, perps)
    ordinary = ordinary_words([s.text for s in sents])
    headline = targets_mod.headline_targets(doc, sents, perp_names, ordinary) if groups else []
    suspects = _suspect_sentences(infos, groups, perps, gazetteer.get()) if groups else []
    article = Article(perps=perps, countries=countries, pub=pub, perp_names=perp_names, headline=headline,
                      suspects=suspects, ordinary=ordinary,
                      # (only for an undated lead story: it reads the dates of every sentence)
                      story_date=_story_date(infos, pub) if groups and not (groups[0].date and groups[0].date.value)
                      else None)
    drafts = [d for n, g in enumerate(groups) if (d := _draft(g, article, lead=n == 0)) is not None]
    drafts = [d for d in drafts if d.type != "vulnerable/vulnerable-system"]
    if drafts and _flaw_report(infos, groups):
        for d in drafts:
            explain.dropped("incident", d.title, "a report about a flaw: three or more sentences on flaws or patches, "
                            "attack words in at most one sentence and no exploitation told")
        drafts = []
    if not drafts:
        vuln = _vulnerability_draft(doc, infos, pub)
        if vuln is not None:
            drafts.append(vuln)
    if explain.active():
        _explain_untold(infos, groups)
    return drafts


def _explain_untold(infos: list[Info], groups: list[Group]) -> None:
    """For --explain: the sentences with an attack word that no incident took, and why."""
    if not any(i.trigs for i in infos):
        explain.dropped("incident", "no incident", "no sentence has an attack word (an attack, an intrusion, a leak, "
                        "sabotage), nor a known group claiming an attack")
    told = {i.sent.index for g in groups for i in g.infos}
    for i in infos:
        if not i.trigs and i.sent.index not in told:
            for h in i.hits:
                if cues.group_not_place(h[3]):
                    explain.dropped("perpetrator", h[2], "a known group named in a sentence that no incident took (no "
                                    "attack word, and too far from the story told)", i.sent.text)
        if i.trigs and i.sent.index not in told:
            words = ", ".join(dict.fromkeys(explain.quote(t.text, 30) for t in i.trigs))
            why = ("a possibility, a warning or advice, not an attack told" if i.hypothetical else
                   "attacks in general, not one attack" if i.generic else
                   "a flaw or a patch only" if i.vuln and not i.attack else
                   "no attack word strong enough, and it continues no incident")
            explain.dropped("sentence", i.sent.text[:50], f"{why} ({words})", i.sent.text)


def _perpetrators(groups: list[Group], gaz) -> dict[int, list[Party]]:
    """The perpetrator-side parties of each grouped sentence, by sentence index (read once per sentence)."""
    out: dict[int, list[Party]] = {}
    for g in groups:
        for info in g.infos:
            if info.sent.index not in out:
                out[info.sent.index] = actors_mod.perpetrators(info.sent.text, info.hits, gaz)
    return out


def _suspect_sentences(infos: list[Info], groups: list[Group], perps: dict[int, list[Party]],
                       gaz) -> list[Info]:
    """Sentences no incident took that name a known threat-actor group with a role word ("traces resemble those of
    X", "X was blamed", "X claimed it"), or a state that denies ("Moscow rejected the accusations"): an article tells
    one story first, so the lead incident takes that party with the role the words give (never the plain default
    "perpetrator" of a group merely named). Their parties are read into ``perps`` (only the known groups and
    denying states among them: the rest of such a sentence is background)."""
    told = {i.sent.index for g in groups for i in g.infos}
    out = []
    for info in infos:
        if info.sent.index in told or info.hypothetical or info.generic or not any(
                any(e[0] in ("actor", "country", "demonym") for e in h[3]) for h in info.hits):
            continue
        if _BACKGROUND.search(info.sent.text) and not _RESEMBLANCE.search(info.sent.text):
            continue
        found = [p for p in actors_mod.perpetrators(info.sent.text, info.hits, gaz)
                 if p.ref is not None and (p.role in ("claimed", "attributed") or p.role == "suspected" and
                                           p.cue.startswith(roles.SUSPICION + " ") and
                                           roles.HEDGED not in p.cue)
                 # "The Russian embassy in Warsaw rejected the accusations": the state denies the story told (a dated
                 # one, "In December X attributed WannaCry to North Korea, which rejected the charge", is another)
                 or p.kind == "state" and p.role == "denied" and not dates_mod.find(info.sent.text, None)]
        if found:
            perps[info.sent.index] = found
            out.append(info)
    return out


# ... unless this attack is said to resemble it: "the lures were consistent with activity previously tied to X"
_RESEMBLANCE = re.compile(r"\b(?:consistent\s+with|resembl\w+|similar\s+to|in\s+line\s+with|hallmarks\s+of|"
                          r"match(?:es|ed|ing)?)\b", re.I)
# what the group did before: "APT28 has exploited flaws in the past", "Equation Group has long been tied to"
_BACKGROUND = re.compile(r"\b(?:in\s+the\s+past|previously|has\s+long|have\s+long|for\s+years|earlier\s+campaigns?|"
                         r"is\s+(?:widely\s+)?believed\s+to\s+have\s+ties)\b", re.I)


def _article_perpetrators(groups: list[Group], perps: dict[int, list[Party]]) -> frozenset:
    """Lowercased names and surfaces of the groups named as perpetrator anywhere in the article: such a group is
    never a target of it ("disrupted ALPHV's servers")."""
    out: set[str] = set()
    for g in groups:
        for i in g.infos:
            for p in perps[i.sent.index]:
                if p.ref is not None or p.kind in _NAMED_GROUP_KINDS:
                    surface = i.sent.text[p.start:p.end].lower()
                    out.update({p.name.lower(), surface, cues.GROUP_SUFFIX.sub("", surface)})
    return frozenset(out)


def _flaw_report(infos: list[Info], groups: list[Group]) -> bool:
    """An article about a flaw that mentions attacks only in passing: three or more sentences about flaws or
    patches, at most one sentence with a specific attack word (strength 3), and no sentence saying the flaw was
    used. Its malware names, "could be targeted" and past examples are the flaw's context, not an incident told.
    Measured on the 550 CASIE dev articles: vulnerability-only kept quiet 106 -> 135 of 145, attack articles
    detected 256 -> 253 of 288 before the other detection changes."""
    if sum(i.vuln for i in infos) < 3:
        return False
    told = [i for g in groups for i in g.infos]
    if any(_exploited(i) for i in infos):
        return False
    specific = sum(1 for i in told if i.event and any(t.strength >= 3 and not t.type.startswith("vulnerable/")
                                                       for t in i.trigs))
    return specific <= 1


# "can't be used to steal", "if the flaw is being actively exploited", "once a flaw has been exploited":
# no exploitation told
_UNTOLD = re.compile(r"(?:\b(?:not|never|no|if|once|whether|can|could|may|might|would|will)\b|n't)(?:\s+[\w-]+){0,5}\s*$",
                     re.I)


def _exploited(info: Info) -> bool:
    """The sentence says a flaw was used in an attack ("actively exploited", "exploited in the wild")."""
    if info.hypothetical:
        return False
    m = cues.EXPLOITED.search(info.sent.text)
    return m is not None and not _UNTOLD.search(info.sent.text[max(0, m.start() - 50):m.start()])


def _vulnerability_draft(doc: Document, infos: list[Info], pub: date | None) -> IncidentDraft | None:
    """An article that reports only a flaw or a patch: one draft typed vulnerable/vulnerable-system."""
    vuln = [i for i in infos if i.vuln and not i.hypothetical] or [i for i in infos if i.vuln]
    if not vuln or not any(cues.FLAW.search(i.sent.text) for i in vuln):
        if vuln:
            explain.dropped("incident", "Vulnerability disclosed", "patches or updates told, no flaw named")
        return None  # patches and updates promised, no flaw named
    first = vuln[0]
    cve = cues.CVE.search(" ".join(i.sent.text for i in vuln))
    title = "Vulnerability disclosed" + (f": {cve.group(0)}" if cve else (f": {doc.title}" if doc.title else ""))
    facts = {"type": evidence_of(first.sent)}
    start, precision = (pub.isoformat(), "day") if pub else (None, "unknown")
    if (advised := _advisory_date(infos, pub)) is not None:
        # "according to the advisory published on December 3": the day the flaw was made known
        h, info = advised
        start, precision, facts["date"] = h.value, h.precision, evidence_of(info.sent)
    return IncidentDraft(
        title=titles.shorten(title, 110), type="vulnerable/vulnerable-system",
        summary=titles.summary([i.sent for i in vuln[:2]]), domain="cyber", status="undetermined",
        evidence=[evidence_of(i.sent) for i in vuln[:3]], relation="report", facts=facts, date_basis="disclosed",
        date_start=start, date_precision=precision, countries=[], places=[])


def _advisory_date(infos: list[Info], pub: date | None) -> tuple[DateHit, Info] | None:
    """The date an advisory, a bulletin or a notice about the flaw was published ("the advisory published on
    December 3, 2024"), the first the article gives."""
    return _first_date(infos, pub, lambda text, h: bool(
        h.value and cues.ADVISORY_BEFORE_DATE.search(text, max(0, h.start - 50), h.start)))


def _first_date(infos: list[Info], pub: date | None,
                accept: Callable[[str, DateHit], bool]) -> tuple[DateHit, Info] | None:
    """The first date of the article's sentences that ``accept`` (sentence text, date) takes, with its sentence."""
    for info in infos:
        for h in dates_mod.find(info.sent.text, pub):
            if accept(info.sent.text, h):
                return h, info
    return None


def _draft(g: Group, article: Article, lead: bool) -> IncidentDraft | None:
    """One incident: each kind of fact from its own function, the evidence of each kept in ``facts``."""
    type_ = best_type(g)
    if type_.startswith("vulnerable/"):
        return None
    domain = _domain(g, type_)
    when = _dates(g, article.pub, lead, article.story_date)
    side = _perpetrator_side(g, article.perps, article.suspects if lead else [])
    perp_names = {r.name.lower() for r in side.rows.values()} | article.perp_names
    where = _places(g, side.spans, _named_groups(side.rows, article.perp_names), article.countries)
    hit, target_ev = targets_mod.targets(g, side.rows, side.spans, where.spans, perp_names,
                                         article.headline if lead else (), article.ordinary)
    actors = targets_mod.dedupe([*side.rows.values(), *hit.values()])
    figs, figure_ev = _figures(g)
    status, relation = _status(actors, g)
    facts = {"type": _type_evidence(g, type_)}
    for fact, ev in (("date", when.evidence), ("actor", side.evidence), ("place", where.evidence),
                     ("target", target_ev), ("figure", figure_ev)):
        if ev is not None:
            facts[fact] = ev
    return IncidentDraft(
        title=titles.title(type_, domain, actors, where.rows, g, where.title_place),
        type=type_, summary=titles.summary(titles.summary_sentences(g)), domain=domain, status=status,
        date_start=when.start, date_end=when.end, date_precision=when.precision, date_basis=when.basis,
        countries=where.countries, places=where.rows, actors=actors, figures=figs,
        evidence=[evidence_of(i.sent) for i in g.infos], relation=relation, facts=facts)


# ------------------------------------------------------------------------------------------- type and domain
def _type_evidence(g: Group, type_: str) -> Evidence:
    """The first sentence with a word of the incident's type (else the founding sentence)."""
    type_info = next((i for i in g.infos if any(t.type == type_ for t in i.trigs)), g.founding)
    if explain.active():
        words = [t.text for t in type_info.trigs if t.type == type_] or [t.text for t in type_info.trigs]
        explain.kept("type", type_, "the words " + ", ".join(dict.fromkeys(explain.quote(w, 30) for w in words))
                     if words else "the incident's founding sentence", type_info.sent.text)
    return evidence_of(type_info.sent)


def _domain(g: Group, type_: str) -> str:
    doms = {t.domain for i in g.infos for t in i.trigs if t.type == type_}
    if type_ == "availability/sabotage":
        cyber = any(t.domain == "cyber" and t.strength >= 2 and t.type not in cues.WILDCARD_TYPES
                    for i in g.infos for t in i.trigs)
        if "physical" in doms and cyber:
            return "hybrid"
        return "physical" if "physical" in doms else "cyber"
    return "physical" if doms == {"physical"} else "cyber"


# ----------------------------------------------------------------------------------------------------- dates
@dataclass(frozen=True)
class _Dates:
    start: str | None = None
    end: str | None = None
    precision: str = "unknown"
    basis: str = "occurred"
    evidence: Evidence | None = None


def _story_date(infos: list[Info], pub: date | None) -> tuple[DateHit, Info] | None:
    """The first date the article gives the story it tells by naming it ("The intrusion came to light on June 2 during
    an audit", "the attack was discovered on March 30"), in a sentence that need not tell the attack itself: it
    dates an undated lead story."""
    return _first_date(infos, pub, lambda text, h: h.when is not None and (pub is None or h.when <= pub)
                       and dates_the_story(text, h))


def _dates(g: Group, pub: date | None, lead: bool, story_date: tuple[DateHit, Info] | None = None) -> _Dates:
    """When: the date of the group; an undated lead story is dated by the sentence that dates the story told
    (``story_date``), else by the publication."""
    if g.date is not None and g.date.value:
        disclosed = cues.DISCLOSURE.search(g.date_info.sent.text) and not cues.ON_OR_IN.search(g.date.text)
        if explain.active():  # (the words are put together only when asked: this runs for every draft)
            explain.kept("date", g.date.value, f"the words {explain.quote(g.date.text, 40)}"
                         + (" with a disclosure verb: the day it was made known" if disclosed else ""),
                         g.date_info.sent.text)
        return _Dates(start=g.date.value, end=g.date.end_value, precision=g.date.precision,
                      basis="disclosed" if disclosed else "occurred", evidence=evidence_of(g.date_info.sent))
    if lead and story_date is not None:
        h, info = story_date
        if explain.active():
            explain.kept("date", h.value or "", f"the words {explain.quote(h.text, 40)}, where the article names the "
                         "story told: the lead story's sentences give no date", info.sent.text)
        return _Dates(start=h.value, end=h.end_value, precision=h.precision, basis="occurred",
                      evidence=evidence_of(info.sent))
    if pub is not None and lead:
        # nothing in the text dates the lead story: it is the one being reported
        explain.kept("date", pub.isoformat(), "no date in the story's sentences: the lead story is the one being "
                     "reported, dated by the publication")
        return _Dates(start=pub.isoformat(), precision="day", basis="reported")
    return _Dates()


# --------------------------------------------------------------------------------------------- actors by role
@dataclass(frozen=True)
class _Side:
    """The perpetrator side of a group: claimed, attributed, suspected, denied and perpetrator parties."""

    rows: dict[tuple[str, str], ActorMention]  # by (lowercased name, role), in the order told
    spans: dict[int, list[tuple[int, int]]]  # by sentence index: where the parties are named
    evidence: Evidence | None  # the first sentence that names one


def _perpetrator_side(g: Group, perps: dict[int, list[Party]], suspects: list[Info]) -> _Side:
    rows: dict[tuple[str, str], ActorMention] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    first: Evidence | None = None
    by_default: set[str] = set()  # perpetrators only by being named beside the attack, with no role word
    for info in [*g.infos, *suspects]:
        ev = evidence_of(info.sent)
        for p in perps[info.sent.index]:
            spans.setdefault(info.sent.index, []).append((p.start, p.end))
            k = (p.name.lower(), p.role)
            if explain.active():  # (put together only when asked: this runs for every party of every draft)
                surface = info.sent.text[p.start:p.end]
                explain.kept(p.role, p.name, p.cue if surface == p.name else
                             f"{p.cue}; named {explain.quote(surface, 40)} in the sentence", info.sent.text)
            if k not in rows:
                rows[k] = _mention(p, ev)
                first = ev if first is None else first
                if p.role == "perpetrator" and p.cue.startswith(roles.NAMED_BESIDE):
                    by_default.add(k[0])
    for name in by_default:
        if (name, "claimed") in rows:
            # "NoName057(16) claimed the attacks ... NoName057(16) has used a tool called DDoSia": a claim, and a
            # mention with no role word that says nothing more
            del rows[(name, "perpetrator")]
            explain.dropped("perpetrator", rows[(name, "claimed")].name, "it claimed the attack; named elsewhere "
                            "with no role word, that says nothing more")
    return _Side(rows=rows, spans=spans, evidence=first)


def _mention(p: Party, ev: Evidence) -> ActorMention:
    ref = p.ref
    return ActorMention(
        name=p.name, role=p.role, kind=p.kind, country=p.country, confidence=p.confidence,
        attributed_by=p.attributed_by, evidence=ev,
        aliases=list(ref.aliases) if ref is not None else [],
        description=ref.description if ref is not None else None,
        reference=ref.uuid if ref is not None else None,
        alias_origin="galaxy" if ref is not None else "source")


def _named_groups(rows: dict[tuple[str, str], ActorMention], article_perps: frozenset) -> list[str]:
    """Names of the groups among the parties, and multi-word perpetrator names of the article."""
    # named groups only: "Russia-based hackers" does not make Russia a non-place elsewhere in the article
    return [r.name for r in rows.values() if r.reference or r.kind in _NAMED_GROUP_KINDS
            or r.alias_origin == "galaxy"] + [n for n in article_perps if " " in n]


# ---------------------------------------------------------------------------------------------------- places
@dataclass(frozen=True)
class _Places:
    rows: list[PlaceMention]
    countries: list[str]  # country codes, in the order told
    title_place: str | None  # the place the founding sentence cues ("in X"), for the title
    spans: dict[int, list[tuple[int, int]]]  # by sentence index: every place resolved there (kept or not)
    evidence: Evidence | None


def _places(g: Group, perp_spans: dict[int, list[tuple[int, int]]], actor_names: list[str],
            article_countries: set[str]) -> _Places:
    """Where it struck: the places of the attack sentences and their continuations, the founding sentence first
    (not the ones named as actors: "blaming Russia", "Russia-based hackers")."""
    place_rows: dict[str, PlaceMention] = {}
    countries: list[str] = []
    spans: dict[int, list[tuple[int, int]]] = {}
    title_place = None
    first: Evidence | None = None
    ordered = [g.founding] + [i for i in g.infos if i is not g.founding] if g.founding in g.infos else g.infos
    for info in ordered:
        resolved = places_mod.resolve(info.sent.text, info.hits, article_countries)
        spans[info.sent.index] = [(p.start, p.end) for p in resolved]
        if not (info.attack or cues.CONTINUES.search(info.sent.text)):
            continue
        named = perp_spans.get(info.sent.index, []) + _actor_name_spans(info)
        for p in resolved:
            if _about_actor(p, info.sent.text, named, actor_names):
                continue
            if p.cue and info is g.founding and (title_place is None or (title_place[1] == "country" and
                                                                         p.level != "country")):
                title_place = (p.name, p.level)
            if cues.PRO_ANTI.search(info.sent.text[max(0, p.start - 5):p.start]):
                continue
            ev = Evidence(info.sent.text, info.sent.start, info.sent.end)
            if p.name not in place_rows:
                if explain.active():
                    explain.kept("place", p.name, f"{explain.quote(info.sent.text[p.start:p.end], 40)} is a {p.level}"
                                 " of the gazetteer, named in a sentence of the attack", info.sent.text)
                place_rows[p.name] = PlaceMention(name=p.name, country=p.country, level=p.level, evidence=ev)
                first = ev if first is None else first
            if p.country and p.country not in countries:
                countries.append(p.country)
    return _Places(rows=list(place_rows.values()), countries=countries,
                   title_place=title_place[0] if title_place else None, spans=spans, evidence=first)


def _about_actor(p, text: str, named: list[tuple[int, int]], actor_names: list[str]) -> bool:
    """A place inside an actor's name, told about an actor or a speech, after other attacks or in the motive: not
    where the incident struck."""
    if any(p.start < e and p.end > s0 for s0, e in named):
        return True
    # "Anonymous Sudan ... based in Sudan": the group's name says nothing of where it struck
    surface = text[p.start:p.end]
    if ((other := cues.OTHER_ATTACKS.search(text)) and other.end() <= p.start) or cues.MOTIVE_BEFORE.search(
            text[max(0, p.start - 90):p.start]):
        return True  # "similar attacks against Poland", "in retaliation for the delivery of jets to Ukraine"
    if surface in actors_mod.METONYMS and cues.STATE_SPEAKS.match(text, p.end):
        return True  # "thefts that Washington attributes to China": the capital speaks for its state
    return _in_actor_name(p.name, surface, actor_names) or bool(cues.ACTOR_BASE.search(
        text[max(0, p.start - 40):p.start])) or bool(cues.DISCOURSE_PLACE.search(text[max(0, p.start - 60):p.start]))


def _actor_name_spans(info: Info) -> list[tuple[int, int]]:
    """Spans of the sentence that name an actor, whatever its role: galaxy groups ("Anonymous Sudan") and
    generic actors ("Sudanese hacktivists", "Russia-based hackers") -- the places inside them are not places."""
    out = [(h[0], h[1]) for h in info.hits if cues.group_not_place(h[3])]
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
            if f" {k} " in f" {nk} ":  # whole words of the keys (a compiled pattern per name thrashed re's cache)
                return True
    return False


# --------------------------------------------------------------------------------------------- figures, status
def _figures(g: Group) -> tuple[list[Figure], Evidence | None]:
    """The figures of the group (records, money, downtime), each value and unit once, offsets in the body."""
    figs: list[Figure] = []
    seen_vals = set()
    first: Evidence | None = None
    for info in g.infos:
        for f in figures_mod.find(info.sent.text):
            if (f.value, f.unit) in seen_vals:
                continue
            seen_vals.add((f.value, f.unit))
            figs.append(Figure(value=f.value, unit=f.unit, text=f.text, start=info.sent.start + f.start,
                               end=info.sent.start + f.end))
            first = evidence_of(info.sent) if first is None else first
    return figs, first


def _status(actors: list[ActorMention], g: Group) -> tuple[str, str]:
    """(status, relation): a claim, an attribution or a suspicion, a denial, a confirmation, or a plain report."""
    roles = {a.role for a in actors}
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
    return status, relation
