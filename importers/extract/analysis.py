"""One article, sentence by sentence: gazetteer hits, attack words and what they say, the date a sentence tells.

:func:`analyse` splits the body into sentences, scans the reference dictionary once over the whole body (hits
bucketed by sentence) and finds each sentence's attack words; :func:`classify` reads what those words say
(an event, only attack words, a hypothesis, a general statement, a flaw); :func:`pick_date` chooses the date
a sentence gives its event.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta

from db.drafts import Document, Evidence

from . import cues, gazetteer
from . import dates as dates_mod
from . import types as types_mod
from .sentences import Sentence, split
from .text import fold_lower


@dataclass(frozen=True)
class Info:
    """A sentence as extraction reads it. Frozen: grouping gives a sentence its place (``event``, ``date``) in a
    new Info (``dataclasses.replace``), never by changing the ones it iterates over."""

    sent: Sentence
    hits: list  # gazetteer hits (start, end, surface, entries), offsets in the sentence
    trigs: list  # attack words that tell an attack here, then the vulnerability words
    event: bool = False  # a strong attack word, not hypothetical: the sentence reports an attack
    attack: bool = False  # any attack word that tells an attack here
    hypothetical: bool = False
    generic: bool = False
    vuln: bool = False
    date: dates_mod.DateHit | None = None  # set by grouping: the date the sentence gives its event


def evidence_of(s: Sentence) -> Evidence:
    """The sentence as the evidence of a fact (offsets into the body)."""
    return Evidence(text=s.text, start=s.start, end=s.end)


def type_class(t: str) -> str:
    return t.split("/", 1)[0]


def is_attack_word(t: types_mod.Trigger) -> bool:
    """A word of an attack class, or "the attack" of no known class (not vandalism, terrorism, influence)."""
    return type_class(t.type) in types_mod.ATTACK_CLASSES or t.type == "other/undetermined"


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
        infos.append(classify(s, hits, types_mod.triggers(s.text)))
    if doc.title:
        for h in gaz.scan(doc.title):
            for e in h[3]:
                if e[0] in ("country", "demonym"):
                    countries.add(e[1])
    return sents, infos, countries, dates_mod.parse_published(doc.published)


def classify(sent: Sentence, hits: list, trigs: list) -> Info:
    """What the attack words of a sentence say: an event, attack words only, a hypothesis, a flaw."""
    text = sent.text
    # (a place that is also some group's alias claims nothing)
    if not trigs and (m := cues.CLAIMED_ATTACK.search(text)) and any(cues.group_not_place(h[3]) for h in hits):
        trigs = [types_mod.Trigger("other/undetermined", "cyber", 2, m.start(), m.end(), m.group(0))]
    if not trigs:
        return Info(sent=sent, hits=hits, trigs=trigs)
    vuln = any(t.type.startswith("vulnerable/") for t in trigs)
    attack = [t for t in trigs if type_class(t.type) in types_mod.ATTACK_CLASSES or t.type in cues.ATTACK_OTHER_TYPES]
    if any(is_attack_word(t) for t in attack):
        # a physical attack mentioned beside a cyber one is background for the cyber incident
        attack = [t for t in attack if t.type != "other/terrorism"]
    # negated: "payment details were not compromised", "no data was stolen"
    attack = [t for t in attack if not cues.NEGATED.search(text[max(0, t.start - 30):t.start]) and " not " not in t.text]
    hypothetical = types_mod.hypothetical(text)
    if vuln and not cues.EXPLOITED.search(text):
        # in a sentence about a flaw, attack words describe what the flaw allows, not an attack
        attack = [t for t in attack if t.strength >= 3 and not hypothetical]
    # "after the DDoS incident", "following a cyber attack": a reference to another event, not this one
    attack = [t for t in attack if not cues.REFERENCE.search(text[max(0, t.start - 40):t.start])
              or cues.DISCOVERED_AFTER.match(text, t.end)]
    strength = max((t.strength for t in attack), default=0)
    return Info(sent=sent, hits=hits, trigs=attack + [t for t in trigs if t.type.startswith("vulnerable/")],
                event=strength >= 2 and not hypothetical, attack=bool(attack), hypothetical=hypothetical,
                generic=types_mod.generic(text) or bool(cues.RECORD.search(text)), vuln=vuln)


def pick_date(info: Info, anchor, pub) -> dates_mod.DateHit | None:
    """The date the sentence gives its event: the one nearest its strongest attack word (``anchor``: the date of
    the incident being told, for relative dates)."""
    hits = dates_mod.find(info.sent.text, pub, anchor)
    # "such as last month's attack", "after last week's breach": the date of another event
    hits = [h for h in hits if not cues.DATE_REFERENCE.search(info.sent.text[max(0, h.start - 25):h.start])]
    hits = [_since_event(h, pub) if anchor is None else h for h in hits]
    # "a figure that had circulated since March": the start of a state, not the date of the event told
    hits = [h for h in hits if not (h.start > 3 and cues.SINCE.match(h.text))
            and not cues.SINCE_BEFORE.search(info.sent.text[max(0, h.start - 30):h.start])]
    hits = [h for h in hits if not _day_told(info.sent.text, h)]
    if len(hits) > 1:
        # "On Monday the chain said that card data was skimmed from May 3 to June 9": the event's own date, when
        # the sentence gives it plainly ("On 8 December X disclosed that ...; days later ..." keeps its day)
        others = [h for h in hits if not cues.TELLING_AFTER_DATE.match(info.sent.text, h.end)]
        if others and len(others) < len(hits) and all(h.value for h in others):
            hits = others
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


def _day_told(text: str, h: dates_mod.DateHit) -> bool:
    """The date is the day something was said or a step of the law was taken, not of the event: "told a committee
    on Wednesday that ...", "Russia on Wednesday denied ...", "..., the centre said on Thursday.", "Prosecutors on
    Wednesday charged ...", "were arrested on Tuesday"."""
    before, after = text[max(0, h.start - 60):h.start], text[h.end:h.end + 16]
    return bool(cues.THAT_AFTER_DATE.match(after) and cues.SPEECH_BEFORE_DATE.search(before)
                or cues.SAID_AFTER_DATE.match(after)
                or cues.LEGAL_STEP_AFTER_DATE.match(after) or cues.LEGAL_STEP_BEFORE_DATE.search(before)
                or cues.SAID_RIGHT_BEFORE_DATE.search(before) and cues.CLAUSE_ENDS_AFTER_DATE.match(after))


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
