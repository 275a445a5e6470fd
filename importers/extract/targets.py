"""The targets of a draft: the parties its sentences (or, failing them, its headline) present as hit.

A candidate from :func:`.actors.targets` is kept unless it names a perpetrator of the article, a people or a
country alone, a sector ("Treasury", "Telecom") or a place ("links between Paris and Lyon") -- a place worded as
a body ("the city of X", "Paris customers") stays a target.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from db.drafts import ActorMention, Document, Evidence

from . import actors as actors_mod
from . import cues, explain, gazetteer, phrases
from . import types as types_mod
from .analysis import Info, evidence_of
from .grouping import Group, has_role_cue
from .nounphrases import opens_clause
from .sentences import Sentence
from .text import key


def targets(g: Group, perp_rows: dict[tuple[str, str], ActorMention], perp_spans: dict[int, list[tuple[int, int]]],
            place_spans: dict[int, list[tuple[int, int]]], perp_names: set[str] | frozenset,
            headline: list[ArticleTarget] | tuple = (), ordinary: frozenset = frozenset()
            ) -> tuple[dict[tuple[str, str], ActorMention], Evidence | None]:
    """The target rows of a group by (lowercased name, "target"), in the order told, and the first evidence.

    ``perp_rows``: the perpetrator-side rows already drafted (a key there is not added again); ``perp_spans`` and
    ``place_spans``: by sentence index, where perpetrators and places are named; ``perp_names``: lowercased
    names that are perpetrators of the article; ``headline`` (lead incident only): the headline's targets, used when
    the sentences name none, and the parties other sentences of the article present as hit; ``ordinary``: the
    article's ordinary words (:func:`.nounphrases.ordinary_words`)."""
    out: dict[tuple[str, str], ActorMention] = {}
    first: Evidence | None = None
    for info in g.infos:
        if not (info.attack or has_role_cue(info.sent.text) or cues.CONTINUES.search(info.sent.text)):
            continue
        ev = evidence_of(info.sent)
        for np, conf in phrases.targets(info.sent.text, info.attack, _not_targets(info, perp_spans)):
            name = np.text
            if (why := _not_target(np, info, perp_names, place_spans, ordinary)) is not None:
                explain.dropped("target", name, why, info.sent.text)
                continue
            explain.kept("target", name, np.why, info.sent.text)
            k = (name.lower(), "target")
            if k not in perp_rows and k not in out:
                out[k] = ActorMention(name=name, role="target", kind=_target_kind(name), confidence=conf, evidence=ev,
                                      alias_origin="source")
                first = ev if first is None else first
    if headline and not any(r.role == "target" for r in (*perp_rows.values(), *out.values())):
        # the lead story names no party as hit, the headline does ("X chief defends ransom payment")
        for name, ev, title in headline:
            k = (name.lower(), "target")
            if title and name.lower() not in perp_names and k not in perp_rows and k not in out:
                explain.kept("target", name, "the headline presents it as hit, and no sentence of the story names "
                             "another", ev.text)
                out[k] = ActorMention(name=name, role="target", kind="organisation", confidence=40, evidence=ev,
                                      alias_origin="source")
                first = ev if first is None else first
    told = {info.sent.start for info in g.infos}
    for name, ev, title in headline:
        # a party the article presents as hit in a sentence of no incident ("an intruder took thousands of
        # logins from X"): the article is about the lead incident
        k = (name.lower(), "target")
        if not title and ev.start not in told and name.lower() not in perp_names and k not in perp_rows \
                and k not in out:
            explain.kept("target", name, "presented as hit in a sentence of no incident: the article's lead incident",
                         ev.text)
            out[k] = ActorMention(name=name, role="target", kind=_target_kind(name), confidence=35, evidence=ev,
                                  alias_origin="source")
            first = ev if first is None else first
    return out, first


def _not_targets(info: Info, perp_spans: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Spans of the sentence that cannot be a target: its perpetrators, generic actors ("Russia-based hackers")
    and galaxy groups that are not also places."""
    text = info.sent.text
    exclude = list(perp_spans.get(info.sent.index, []))
    exclude += [(m.start(), m.end()) for m in actors_mod.GENERIC_RE.finditer(text)]
    exclude += [(h[0], h[1]) for h in info.hits if any(e[0] == "actor" for e in h[3])
                and not any(e[0] in ("country", "city", "region") for e in h[3])]
    return exclude


def _not_target(np, info: Info, perp_names: set[str] | frozenset,
                place_spans: dict[int, list[tuple[int, int]]], ordinary: frozenset = frozenset()) -> str | None:
    """Why a candidate noun phrase of the sentence names no party hit (see the module docstring); None when it
    does."""
    name = np.text
    text = info.sent.text
    if name.lower() in perp_names:
        return "a perpetrator of the article"
    if len(name) < 2:
        return "too short to name a party"
    if _opening_ordinary_word(name, text, np.start, ordinary):
        return ORDINARY_WORD
    if is_demonym_only(name):
        return "a people or a country alone"
    if name.lower().strip(".") in cues.GENERIC_BODY_WORDS:
        return "a sector word alone"  # "Commerce", "Treasury", "Telecom" ("Department of Commerce" names a party)
    if cues.DIGIT.match(name) and is_place(cues.LEADING_FIGURES.sub("", name)):
        return "a count of a place"
    # a place is not a target ("links between Paris and Lyon"), unless worded as a body ("the city of X");
    # a small town that shares its name with a listed organisation ("such as A, B") stays a target
    if (is_place(name) and not (np.people and cues.PEOPLE_SUFFIX.search(name)) or not np.people and any(
            np.start >= s0 and np.end <= e for s0, e in place_spans.get(info.sent.index, ()))) \
            and not cues.PLACE_AS_BODY.search(text[max(0, np.start - 80):np.start]) \
            and not _BODY_WORD_BEFORE.search(text[max(0, np.start - 30):np.start]):
        return "a place, not worded as a body (it goes to places)"
    return None


# "Canadian town Midland was hit": a place named after the body word is the body (like "the town of Midland")
_BODY_WORD_BEFORE = re.compile(r"\b(?:city|town|village|county|borough|municipality|township)\s+$")


def _target_kind(name: str) -> str:
    return "government body" if cues.GOVERNMENT_BODY.search(name.lower()) else "organisation"


class ArticleTarget(NamedTuple):
    """A party the headline (``title``) or a sentence outside the incidents' sentences presents as hit."""

    name: str
    evidence: Evidence
    title: bool


def headline_targets(doc: Document, sents: list[Sentence], article_perps: frozenset,
                     ordinary: frozenset = frozenset()) -> list[ArticleTarget]:
    """Organisations the headline presents as hit ("X confirms data breach", "X chief defends ransom payment",
    "... in the X attack"), each with the first body sentence that names it (evidence stays in the body); then the
    parties any body sentence presents as hit by its own wording (the cues that need no attack word elsewhere in
    the sentence: "X was hacked", "stole data from X"), which the lead incident takes when its sentences do not
    hold them."""
    return _title_targets(doc, sents, article_perps) + _story_targets(sents, article_perps, ordinary)


ORDINARY_WORD = "an ordinary word the article writes in lowercase, capitalised here only as the sentence opens"


def _opening_ordinary_word(name: str, sentence: str, start: int, ordinary: frozenset) -> bool:
    """ "Patient records were stolen" in an article that speaks of "patient data": no name."""
    return " " not in name.strip() and name.lower() in ordinary and opens_clause(sentence, start)


def _story_targets(sents: list[Sentence], article_perps: frozenset, ordinary: frozenset) -> list[ArticleTarget]:
    out: list[ArticleTarget] = []
    seen: set[str] = set()
    for snt in sents:
        # the cheap tests first: reading every sentence's noun phrases was 30% of extraction (benchmarks/extract.py)
        if not _cyber_told(snt.text) or types_mod.hypothetical(snt.text) \
                or types_mod.generic(snt.text):
            continue
        found = phrases.targets(snt.text, False, [(m.start(), m.end()) for m in actors_mod.GENERIC_RE.finditer(snt.text)],
                                strict=True)
        for np, _ in found:
            low = np.text.lower()
            if low in seen or not _plain_party(np.text, article_perps) or (is_place(np.text) and not np.people) \
                    or _opening_ordinary_word(np.text, snt.text, np.start, ordinary):
                continue
            seen.add(low)
            out.append(ArticleTarget(np.text, evidence_of(snt), False))
    return out


def _cyber_told(text: str) -> bool:
    """The sentence names a cyber attack by a specific word ("hacked", "stole data", "ransomware"): "the attacks
    at X" or "the incident at X" (a shooting, a car ramming, in a story about a DDoS wave) names no victim of it."""
    return any(t.domain == "cyber" and t.strength >= 3 and not t.type.startswith("vulnerable/")
               for t in types_mod.triggers(text))


def _plain_party(name: str, article_perps: frozenset) -> bool:
    low = name.lower()
    return len(name) >= 2 and low not in article_perps and low.strip(".") not in cues.GENERIC_BODY_WORDS \
        and not is_demonym_only(name)


def _title_targets(doc: Document, sents: list[Sentence], article_perps: frozenset) -> list[ArticleTarget]:
    title = (doc.title or "").strip()
    if not title or not cues.HEADLINE_ATTACK.search(title):
        return []
    names = [np.text for np, _ in phrases.targets(title, True, [])]
    m = cues.HEADLINE_VICTIM.match(title)
    if m:
        names.append(m.group("name"))
    out: list[ArticleTarget] = []
    for name in names:
        name = cues.LEADING_ARTICLE.sub("", name.strip())
        low = name.lower()
        if len(name) < 3 or low in article_perps or low in cues.GENERIC_BODY_WORDS or is_demonym_only(name) \
                or is_place(name) or any(low == o.name.lower() for o in out):
            continue
        # "Quillmart users blackmailed again" over "... users of the Quillmart service": the body names the body
        people = cues.PEOPLE_SUFFIX.search(name)
        for look in (name, *([name[:people.start()]] if people and people.start() else [])):
            ev = _first_naming(sents, look)
            if ev is not None:
                out.append(ArticleTarget(name, ev, True))
                break
    return out[:2]


def _first_naming(sents: list[Sentence], name: str) -> Evidence | None:
    """The evidence of the first sentence that names ``name`` as whole words."""
    for snt in sents:
        k = snt.text.find(name)
        if k >= 0 and not cues.WORD_CHAR.match(snt.text[k + len(name):k + len(name) + 1]) and \
                not cues.WORD_CHAR_END.search(snt.text[:k]):
            return evidence_of(snt)
    return None


def dedupe(rows: list[ActorMention]) -> list[ActorMention]:
    """Drop a target that is the short form of another target of the same incident ("Aramco" beside
    "Saudi Aramco", "Scotty" beside "Scotty’s Brewhouse"; "Change Healthcare" beside "Change Healthcare's systems"
    is not made)."""
    names = [a.name for a in rows if a.role == "target"]
    out = []
    for a in rows:
        if a.role == "target" and " " not in a.name.strip() and any(
                n != a.name and re.search(cues.whole_words(a.name, possessive=True), n)
                and not _PEOPLE_OF.fullmatch(n[len(a.name):]) for n in names):
            continue
        out.append(a)
    return out


# "DocuSign customers" beside "DocuSign": the body and its people are two parties hit, the body is no short form
_PEOPLE_OF = re.compile(r"(?:['’]s)?\s+(?:\w+\s+)?(?:customers|users|clients|subscribers|members|employees|staff|"
                        r"patients|students|account\s+holders|guests|passengers)")


def is_place(name: str) -> bool:
    """A country, region, demonym or city of 100,000 people or more."""
    entries = gazetteer.get().entries.get(key(name), ())
    return any(e[0] in ("country", "region", "demonym", "area") or (e[0] == "city" and e[3] >= 100_000) for e in entries)


def is_demonym_only(name: str) -> bool:
    """A people or a country that is not also the name of an actor."""
    gaz = gazetteer.get()
    entries = gaz.entries.get(key(name), ())
    return any(e[0] in ("demonym", "country") for e in entries) and not any(e[0] == "actor" for e in entries)
