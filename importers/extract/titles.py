"""The short texts of a draft: its title ("Ransomware attack on X in Y, claimed by Z") and its summary."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from db.drafts import ActorMention, PlaceMention

from . import cues
from . import types as types_mod
from .sentences import Sentence

if TYPE_CHECKING:  # pragma: no cover
    from .grouping import Group


def summary_sentences(g: Group) -> list[Sentence]:
    events = [i.sent for i in g.infos if i.event] or [i.sent for i in g.infos]
    out = [events[0]]
    for s in events[1:]:
        if len(out[0].text) + len(s.text) < 420:
            out.append(s)
        break
    return out


def summary(sents: list[Sentence]) -> str:
    text = " ".join(s.text.strip() for s in sents)
    return shorten(re.sub(r"\s+", " ", text), 500)


def shorten(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def title(type_: str, domain: str, actors_list: list[ActorMention], places: list[PlaceMention], g: Group,
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
    # "in Columbus and Ohio": a region beside a city of its country is where the city is, not a second place
    levels = {p.name: (p.level, p.country) for p in places}
    local = [n for n in local if levels.get(n, ("", None))[0] != "region" or not any(
        levels.get(o, ("", None)) == ("city", levels[n][1]) for o in local)]
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
    return shorten(title, 120)
