"""Build the incident drafts of an article: each group of sentences becomes an IncidentDraft with its evidence.

Every fact of a draft (type, date, actors by role, places, targets, figures) keeps the sentence that tells it.
"""
from __future__ import annotations

import re
from datetime import date

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention

from . import actors as actors_mod
from . import cues, gazetteer, titles
from . import figures as figures_mod
from . import places as places_mod
from .analysis import Info, analyse
from .grouping import Group, best_type, group, has_role_cue
from .sentences import Sentence


def _domain(g: Group, type_: str) -> str:
    doms = {t.domain for i in g.infos for t in i.trigs if t.type == type_}
    if type_ == "availability/sabotage":
        cyber = any(t.domain == "cyber" and t.strength >= 2 and t.type not in cues.WILDCARD_TYPES
                    for i in g.infos for t in i.trigs)
        if "physical" in doms and cyber:
            return "hybrid"
        return "physical" if "physical" in doms else "cyber"
    return "physical" if doms == {"physical"} else "cyber"


def evidence_of(s: Sentence) -> Evidence:
    return Evidence(text=s.text, start=s.start, end=s.end)


def build_drafts(doc: Document) -> list[IncidentDraft]:
    body = doc.body or ""
    if not body.strip():
        return []
    sents, infos, countries, pub = analyse(doc)
    groups = group(infos, pub)
    gaz = gazetteer.get()
    drafts: list[IncidentDraft] = []
    perps = _perpetrators(groups, gaz)
    # a group named as perpetrator anywhere in the article is never a target of it ("disrupted ALPHV's servers")
    article_perps = set()
    for g in groups:
        for i in g.infos:
            for p in perps[i.sent.index]:
                if p.ref is not None or p.kind in ("criminal group", "hacktivist group"):
                    surface = i.sent.text[p.start:p.end].lower()
                    article_perps.update({p.name.lower(), surface, cues.GROUP_SUFFIX.sub("", surface)})
    article_perps = frozenset(article_perps)
    headline = _headline_targets(doc, sents, article_perps) if groups else []
    for n, g in enumerate(groups):
        d = _draft(g, perps, countries, pub, lead=n == 0, article_perps=article_perps,
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
                title=titles.shorten(title, 110), type="vulnerable/vulnerable-system",
                summary=titles.summary([i.sent for i in vuln[:2]]), domain="cyber", status="undetermined",
                evidence=[evidence_of(i.sent) for i in vuln[:3]], relation="report",
                facts={"type": evidence_of(first.sent)}, date_basis="disclosed",
                date_start=pub.isoformat() if pub else None, date_precision="day" if pub else "unknown",
                countries=[], places=[]))
    return drafts


def _perpetrators(groups: list[Group], gaz) -> dict[int, list[actors_mod.Party]]:
    """The perpetrator-side parties of each grouped sentence, by sentence index (read once per sentence)."""
    out: dict[int, list[actors_mod.Party]] = {}
    for g in groups:
        for info in g.infos:
            if info.sent.index not in out:
                out[info.sent.index] = actors_mod.perpetrators(info.sent.text, info.hits, gaz)
    return out


def _draft(g: Group, perps: dict[int, list[actors_mod.Party]], article_countries: set[str], pub: date | None, lead: bool = False,
           article_perps: frozenset = frozenset(), headline=()) -> IncidentDraft | None:
    type_ = best_type(g)
    if type_.startswith("vulnerable/"):
        return None
    domain = _domain(g, type_)
    facts: dict[str, Evidence] = {}
    type_info = next((i for i in g.infos if any(t.type == type_ for t in i.trigs)), g.founding)
    facts["type"] = evidence_of(type_info.sent)
    evidence = [evidence_of(i.sent) for i in g.infos]
    # date
    date_start = date_end = None
    precision = "unknown"
    basis = "occurred"
    if g.date is not None and g.date.value:
        date_start, precision, date_end = g.date.value, g.date.precision, g.date.end_value
        facts["date"] = evidence_of(g.date_info.sent)
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
        ev = evidence_of(info.sent)
        for p in perps[info.sent.index]:
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
        if not (info.attack or has_role_cue(info.sent.text) or cues.CONTINUES.search(info.sent.text)):
            continue
        text = info.sent.text
        ev = evidence_of(info.sent)
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
            facts.setdefault("figure", evidence_of(info.sent))
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
    title = titles.title(type_, domain, actors_list, places, g, title_place[0] if title_place else None)
    summary = titles.summary(titles.summary_sentences(g))
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
                out.append((name, evidence_of(snt)))
                break
    return out[:2]
