"""Places of a sentence from gazetteer hits: countries, regions, cities (PlaceMention-like tuples).

Small towns share names with people and words, so a city is accepted by its size and context: a large city
anywhere; a mid-sized one when the article mentions its country or a locative word precedes it; a small one
only when both hold ("in Brézins", "the commune of Villard-Bonnot" in an article about France).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import PLACE_KINDS

_CUE = re.compile(r"(?:\b(?:in|at|near|against|on|across|from|to|between|and|across|around|outside|of|inside|within|into|"
                  r"throughout|via|towards?|communes?|towns?|cities|city|villages?|municipalit(?:y|ies)|"
                  r"include|including|region)\s+(?:the\s+)?|,\s*|\bin\s+[a-z]+\s+)$")
_LIST_CUE = re.compile(r"\band\s+(?:the\s+)?|,\s*")
_NAME_BEFORE = re.compile(r"\b[A-Z][\w.&-]*\s*$")
_REPORTER_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:firm|company|researchers?|experts?|analysts?|officials?|authorities|"
                             r"investigators?|intelligence|police|prosecutors?|president|minister|ministry|media|"
                             r"press|newspaper|weekly|daily|broadcaster|outlet|lawmakers|diplomats?|army|military|"
                             r"athletes|nationals|citizens|hackers?)\b")
# where the attackers' tooling sits is not where the attack happened: "the domains were registered through a
# registrar in the Seychelles", "hosted on servers in X", "routed through proxies in X"
_TOOLING_BEFORE = re.compile(r"\b(?:registered|registrar|hosted|hosting|routed|proxies|proxy|VPNs?|bulletproof)\b"
                             r"[^.;]{0,40}?\b(?:in|at)\s+(?:the\s+)?$", re.I)
_NOT_PLACE_AFTER = re.compile(r"^(?:-[A-Z]|-(?:based|backed|linked|sponsored|affiliated|aligned|born|language|speaking)|\s+(?:Games|Olympics|"
                              r"Agreement|Accords?|Convention|Prosecutor|Club|FC|Hilton|Times|Post|Inter\b))")


@dataclass
class Place:
    name: str
    country: str | None
    level: str
    start: int
    end: int
    cue: bool = False  # a locative word precedes it ("in Lyon", "against New Caledonia")


def resolve(sentence: str, hits: list, article_countries: set[str]) -> list[Place]:
    out: list[Place] = []
    for start, end, surface, entries in hits:
        if _NOT_PLACE_AFTER.match(sentence[end:end + 14]) or _TOOLING_BEFORE.search(sentence, max(0, start - 60), start):
            continue
        kinds = {e[0] for e in entries}
        if "actor" in kinds and not kinds & {"country", "region", "city", "demonym"}:
            continue
        cue_m = _CUE.search(sentence[max(0, start - 30):start])
        cue = bool(cue_m)
        list_at = max(0, start - 30) + cue_m.start() if cue_m else 0
        if cue_m and _LIST_CUE.fullmatch(cue_m.group(0)) and _NAME_BEFORE.search(sentence, 0, list_at):
            # "Paris and Lyon" lists places; "Microsoft and Cisco" lists companies, not a town named Cisco
            cue = any(e0 <= list_at and list_at - e0 <= 1 and any(e[0] in PLACE_KINDS for e in ents)
                      for _, e0, _, ents in hits)
        country = next((e for e in entries if e[0] == "country"), None)
        if country:
            out.append(Place(country[2], country[1], "country", start, end, cue))
            continue
        demonym = next((e for e in entries if e[0] == "demonym"), None)
        cities = [e for e in entries if e[0] == "city"]
        regions = [e for e in entries if e[0] == "region"]
        if demonym and not country and re.match(r"\s+(?:[A-Z][\w-]+\s+){1,3}(?:for|of)\s+(?:the\s+)?[A-Z]",
                                                sentence[end:end + 80]):
            continue  # "the Dutch Institute for Vulnerability Disclosure": part of an organisation's name
        if demonym and not (cities or regions) and _REPORTER_AFTER.match(sentence[end:end + 40]):
            continue  # "the Japanese security firm", "French investigators": who speaks, not where
        if (cities or regions) and not country and re.match(r"\s[A-Z][a-z]", sentence[end:end + 3]) and not \
                re.match(r"\s(?:and|or|in|on|at)\b", sentence[end:end + 5]):
            continue  # part of a longer name ("Marine Le Pen", "Washington Post", "Apache Struts")
        cities = [e for e in entries if e[0] == "city"]
        regions = [e for e in entries if e[0] == "region"]
        city = _pick_city(cities, article_countries, cue)
        region = None
        if regions:
            local = [r for r in regions if r[2] in article_countries]
            if local:
                region = local[0]
            elif len(regions) == 1 and (" " in surface or "-" in surface) and cue:
                region = regions[0]
        if city and (not region or city[3] >= 100_000):
            out.append(Place(city[1], city[2], "city", start, end, cue))
        elif region:
            out.append(Place(region[3], region[2], "region", start, end, cue))
        elif demonym:
            out.append(Place(demonym[2], demonym[1], "country", start, end, False))
    return out


def _pick_city(cities: list, article_countries: set[str], cue: bool):
    if not cities:
        return None
    local = [c for c in cities if c[2] in article_countries]
    best = max(local or cities, key=lambda c: c[3])
    pop = best[3]
    in_country = best[2] in article_countries
    if pop >= 1_000_000 and (in_country or not local and pop >= 3_000_000 or cue):
        return best
    if pop >= 100_000 and (in_country or cue):
        return best
    if pop >= 500 and in_country and cue:
        return best
    return None
