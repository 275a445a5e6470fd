"""With what: the malware families, ransomware and tools an article names, matched through the MISP galaxies.

:func:`attach` gives each draft of an article the tools named in its sentences (a tool named in a sentence
of no draft goes to the lead draft: the article is about that incident), each with the sentence as evidence.

Names come from the galaxies only (``gazetteer.ToolRef``), each with a level saying how much context it needs
in prose (``gazetteer._tool_level``):

- 0, distinctive names in the galaxy's spelling (GandCrab, WannaCry, Gh0st): the name alone;
- 1, plain names (Emotet, Petya, "Olympic Destroyer"): a malware word in the same sentence, or next to the
  name somewhere in the article; never inside a longer capitalised name ("President Donald Trump");
- 2, ordinary words (COMMON, or lower case in the galaxies' own prose), short names, names that are also a
  place or an actor, names the galaxy qualifies ("X Ransomware"): a malware word right next to this
  mention ("the Satan ransomware").

A distinctive name in another spelling counts only when that spelling is distinctive too ("SLocker" for
"Slocker", as level 1); "Android" is never the "AnDROid" family; a word in lower case is never a name.

Levels 1 and 2 keep the galaxy's spelling, first letter aside ("Satan"; never "satan").
Measured on the 550 CASIE dev articles: 173 mentions in 103 articles; of the false hits read by hand
("District", "global", "Christmas", "Donald Trump", "CIA", "Spectre", "Android"), each rule above removed
one kind, the TeamViewer of a fraud story stays.
"""
from __future__ import annotations

import bisect
import re

from db.drafts import Document, Evidence, IncidentDraft, ToolMention

from . import explain, gazetteer
from .sentences import split
from .text import fold_lower, key
from .words import FUNCTION

# Words that make a name a piece of malicious software in the sentence that holds it.
_CUE_WORDS = (r"ransomware|malware|trojans?|botnets?|worms?|virus(?:es)?|backdoors?|RATs?|loaders?|droppers?|"
              r"(?:info)?stealers?|spyware|wipers?|rootkits?|keyloggers?|exploit kits?|EK|cryptominers?|"
              r"payloads?|implants?|malicious (?:software|code|programs?)")
CUE = re.compile(rf"\b(?:{_CUE_WORDS})\b", re.I)
# a malware word right next to the name ("the Satan ransomware", "ransomware dubbed Satan"); with one word
# between, "Christmas-themed ransomware" and "custom CIA hacking tools" made tools of ordinary words
# ("its DDosia tool": right after the name, "tool" says it too)
_CUE_AFTER = re.compile(rf"[ -]?(?:{_CUE_WORDS}|tools?)\b", re.I)
_CUE_BEFORE = re.compile(rf"\b(?:{_CUE_WORDS})(?:,? (?:called|named|dubbed|known as))?,? [\"“‘']?$", re.I)
# a verb of use right before the name calls it a tool as well ("used Mimikatz", "infected with the Emotet")
_USE_BEFORE = re.compile(r"\b(?:used|using|uses|deploy(?:ed|ing|s)?|install(?:ed|ing|s)|drop(?:ped|ping|s)|"
                         r"infected(?: \w+)? with|leverag(?:ed|ing|es)|distribut(?:ed|ing|es)|deliver(?:ed|ing|s)|"
                         r"spread(?:ing|s)?)(?: (?:the|a|an))? $", re.I)
# a sentence that rules a tool out names no tool of the incident ("Satan was not involved")
NEGATED = re.compile(r"\b(?:(?:was|were|is|are)(?: not|n't) (?:involved|used|behind|responsible|linked|related|to blame)|"
                     r"ruled out|no (?:evidence|sign|indication)s? (?:of|that))\b", re.I)
# the words on either side of a name, when only a space separates them
_DISTINCT = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_PREV = re.compile(r"(\w+) $")
_NEXT = re.compile(r" (\w+)")
_TOKEN = re.compile(r"\w+")
_NAMED = re.compile(r"\b\w*[A-Z0-9À-Þ]\w*")
_GAP = re.compile(r"(?:\s{1,2}|\s?[-'.&]\s?)(?=\w)")
MAX_WORDS = 4


def scan(text: str, gaz: gazetteer.Gazetteer):
    """Yield (start, end, surface, entries) for the longest tool names in ``text`` whose first word is not in
    lower case (a word in lower case is never a name: see :func:`_level`)."""
    folded = fold_lower(text)
    entries = gaz.tool_entries
    first = gaz.tool_first
    pos_done = 0
    for m in _NAMED.finditer(text):  # a name has a capital or a digit in its first word (3 ms -> 0.6 ms a page)
        i0 = m.start()
        k = folded[i0:m.end()]
        if i0 < pos_done or k not in first or (i0 and folded[i0 - 1] in "._/@"):
            continue  # inside a file name, an address or a detection name
        best = None
        end = m.end()
        for _ in range(MAX_WORDS):
            hit = entries.get(k)
            if hit is not None:
                best = (end, hit)
            g = _GAP.match(folded, end)
            if g is None:
                break
            t = _TOKEN.match(folded, g.end())
            if t is None:
                break
            k = k + " " + t.group()
            end = t.end()
        if best is None:
            continue
        end, hit = best
        if end < len(folded) and folded[end] in "_/@" or folded[end:end + 1] == "." and folded[end + 1:end + 2].isalnum():
            continue  # a file name or a domain ("emotet.exe", "locky.com")
        yield i0, end, text[i0:end], hit
        pos_done = end


def _level(surface: str, form: str, level: int) -> int | None:
    """The level a surface gets: the galaxy's spelling keeps the name's level ("Mimikatz" for "mimikatz"
    too); a distinctive name in another case ("Android" for "AnDROid") needs a malware word next to it."""
    if surface.islower() and not any(ch.isdigit() for ch in surface):
        return None  # a word in lower case is a word ("global ransomware attack"), whatever the galaxy spells
    if surface == form or surface[:1].isupper() and surface[1:] == form[1:]:
        return level
    if _DISTINCT.search(surface):
        return max(level, 1)  # "SLocker" for "Slocker": written as a name, the sentence must call it malware
    return None  # "Android" is not the "AnDROid" ransomware, even as "Android ransomware" (13 such hits)


def _in_longer_name(body: str, s_start: int, start: int, end: int) -> bool:
    """A plain name inside a longer capitalised name ("School District Technology Director", "President
    Donald Trump", "District of Columbia", "Malware Hunter Team") is part of that name, not a tool; a
    capitalised malware word beside it is no such name ("Locky Ransomware")."""
    prev = _PREV.search(body, max(s_start, start - 30), start)
    if prev and prev.start() > s_start and prev.group(1)[0].isupper() and prev.group(1).lower() not in FUNCTION \
            and not CUE.fullmatch(prev.group(1)):
        return True
    nxt = _NEXT.match(body, end, end + 30)
    return bool(nxt and (nxt.group(1)[0].isupper() and not CUE.fullmatch(nxt.group(1)) or nxt.group(1) == "of"))


def find(body: str, sents=None) -> list[tuple[int, int, int, str]]:
    """The tool mentions of a body that pass their level: (tool index, start, end, surface), in text order."""
    gaz = gazetteer.get()
    if not gaz.tool_entries:
        return []
    sents = sents if sents is not None else split(body)
    starts = [s.start for s in sents]
    cands = []  # (tool, level, start, end, surface, sentence index, cue in sentence, cue next to it)
    for start, end, surface, hit in scan(body, gaz):
        k = bisect.bisect_right(starts, start) - 1
        if k < 0 or end > sents[k].end:
            continue
        s = sents[k]
        levels = [(lvl, idx) for idx, level, form in hit if (lvl := _level(surface, form, level)) is not None]
        if not levels:
            continue
        if NEGATED.search(s.text):
            explain.dropped("tool", surface, "named in a negated sentence", s.text)
            continue
        level, idx = min(levels)  # the galaxy spelling that fits best
        near = bool(_CUE_AFTER.match(body, end, min(len(body), end + 40)) or
                    _CUE_BEFORE.search(body[max(s.start, start - 40):start]))
        if level and _in_longer_name(body, s.start, start, end):  # even next to a cue: "Malware Hunter Team"
            explain.dropped("tool", surface, "a word of a longer capitalised name", s.text)
            continue
        in_sentence = near or bool(CUE.search(s.text) or _USE_BEFORE.search(body, max(s.start, start - 40), start))
        cands.append((idx, level, start, end, surface, k, in_sentence, near))
    next_to = {c[0] for c in cands if c[7]}  # the article calls it malware somewhere, next to the name
    out = []
    for idx, level, start, end, surface, _k, in_sentence, near in cands:
        if level == 0 or level == 1 and (in_sentence or idx in next_to) or level == 2 and near:
            out.append((idx, start, end, surface))
        elif body[start - 1:start] != "-":  # ("pro-Russian": no name at all, not worth a line)
            explain.dropped("tool", surface, "a malware or tool name that is also an ordinary word or another name: "
                            "it needs a malware word next to it" if level == 2 else "a malware or tool name that "
                            "needs a malware word in its sentence, or next to it elsewhere in the article",
                            sents[_k].text)
    return out


def attach(doc: Document, drafts: list[IncidentDraft]) -> None:
    """Give each draft the tools named in its sentences; tools of sentences in no draft go to the lead one."""
    body = doc.body or ""
    if not drafts or not body.strip():
        return
    sents = split(body)
    hits = find(body, sents)
    if not hits:
        return
    gaz = gazetteer.get()
    starts = [s.start for s in sents]
    spans = [[(e.start, e.end) for e in d.evidence] for d in drafts]
    seen: list[set[int]] = [set() for _ in drafts]
    names: set[str] = set()
    for idx, start, end, _surface in hits:
        s = sents[bisect.bisect_right(starts, start) - 1]
        owners = [n for n, sp in enumerate(spans) if any(a <= start and end <= b for a, b in sp)] or [0]
        ref = gaz.tools[idx]
        names.update(key(n) for n in [ref.name, *ref.aliases])
        for n in owners:
            if idx in seen[n]:
                continue
            seen[n].add(idx)
            explain.kept("tool", ref.name, f"{explain.quote(_surface)} is in the MISP {ref.galaxy} galaxy", s.text)
            drafts[n].tools.append(ToolMention(name=ref.name, kind=ref.kind, reference=ref.uuid or None,
                                               galaxy=ref.galaxy, evidence=Evidence(s.text, s.start, s.end)))
    for d in drafts:
        # a malware name is never a party of the incident ("WannaCry" hit nobody); galaxy actors and the gangs named
        # by their ransomware ("the ransomware gang LockBit", actors.py) keep their role
        d.actors = [a for a in d.actors if key(a.name) not in names or a.role != "target" and (
            a.reference or a.kind == "criminal group")]

