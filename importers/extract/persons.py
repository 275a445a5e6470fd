"""People named as the ones who did it: charged, arrested, accused, convicted, or the subject of the attack verb.

A capitalised name is a person only with a cue that only people take: an age ("X, 34," / "a 45-year-old X"),
a title or a legal noun ("Mr X", "the defendants, X"), or a legal verb about them ("X was charged with",
"prosecutors charged X", "X pleaded guilty"). The role comes from the same wording: a conviction or a guilty plea
is a perpetrator; a charge, an arrest or an accusation is a suspicion (an attribution when an official says it,
decided by :mod:`.actors`); an attack verb right after the name ("X broke into") a perpetrator. Names of two or
more words, or one word with an age or a legal verb right after it ("Savandi, 27,", "X is charged with").
"""
from __future__ import annotations

import re
from typing import NamedTuple

from . import cues
from .text import key
from .words import COMMON, FUNCTION

_TOKEN = r"[A-Z][a-z'’]+(?:[A-Z][a-z'’]+)?(?:-[A-Z][a-z'’]+)?"
_PARTICLE = r"(?:de|van|von|der|den|bin|al|da|di|le|la|del|dos|du)"
_NAME = rf"{_TOKEN}(?:\s+(?:[A-Z]\.|{_PARTICLE}(?=\s+[A-Z])|{_TOKEN})){{0,3}}"
_AGE = r"\d{1,2}(?:-year-old)?"
# auxiliaries and adverbs between a name and its verb ("was later", "has allegedly", "had quickly")
_AUX = r"(?:(?:is|was|are|were|has|have|had|been|being|be|will|would|allegedly|reportedly|also|later|then|" \
       r"subsequently|quickly|both|each|now|since|already|previously|recently|once|first|\w+ly)\s+)*"
# wording that only a person takes, after the name: a legal step (passive) or a plea
_LEGAL_DONE = (r"(?:pleaded|pled|pleads|confessed|convicted|sentenced|jailed|imprisoned|found\s+guilty|admit(?:ted|s)\s+"
               r"(?:guilt|to\s+(?:the\s+)?(?:charges|hacking|stealing|fraud|conspir\w+|being\s+part|participating)))")
_LEGAL_ALLEGED = (r"(?:accused|charged|indicted|arrested|detained|extradited|alleged\s+to|suspected\s+of|wanted\s+for|"
                  r"held\s+on|facing|faces|faced|named\s+(?:as|in))")
# an attack verb right after a name makes the person its agent
_ACTS = (r"(?:hacked|breached|stole|attacked|broke\s+into|leaked|used|deployed|developed|created|ran|operated|conned|"
         r"tricked|defrauded|scammed|phished|infected|hijacked|compromised|launched|targeted|sold|posed|sent|demanded|"
         r"extorted|encrypted|pulled\s+off|carried\s+out|registered|forged|bilked|laundered|accessed|dumped|published|"
         r"infiltrated|impersonated|masterminded|orchestrated|wrote|coded|spread|distributed|installed)")
_DESCRIBED = (r"(?:hacker|attacker|cyber-?criminal|criminal|fraudster|scammer|con\s?man|conman|suspect|defendant|"
              r"extortionist|thief|spammer|phisher|insider)s?")

_AGE_AFTER = re.compile(rf"(?P<name>{_NAME}),\s+(?:a\s+|an\s+|the\s+|aged\s+)?(?:\d{{1,2}}-year-old\b|\d{{1,2}}(?=\s*(?:,|\)|"
                        r"\s+who\b|\s+of\b|\s+and\b|\s+from\b|\s+is\b|\s+was\b|\s+has\b|\s+[a-z]+(?:ed|s)\b)))")
# "X and Y are accused", "X, 34, and Y, 27,": the first of two coordinated people shares the second's cue
_COORD_BEFORE = re.compile(rf"(?P<name>{_NAME})(?:,\s+{_AGE})?,?\s+and\s+(?:a\s+|an\s+)?(?:{_AGE}\s+)?$")
_AGE_BEFORE = re.compile(rf"\b\d{{1,2}}-year-old\s+(?:(?:[a-z]+|[A-Z][a-z]+)\s+named\s+)?(?P<name>{_NAME})")
_TITLE_BEFORE = re.compile(rf"\b(?:(?:Mr|Mrs|Ms|Dr)\.?|(?:[Dd]efendants?|[Ss]uspects?|{_DESCRIBED}|man|woman|"
                           rf"national|citizen|resident|teenager|student)\s*,?\s+named|[Dd]efendants?\s*,|"
                           rf"[Ss]uspects?\s*,)\s+(?P<name>{_NAME})")
_LEGAL_AFTER = re.compile(rf"(?P<name>{_NAME})(?:,\s+{_AGE},)?\s+{_AUX}(?:{_LEGAL_DONE}|(?:is|was|are|were|been|being)"
                          rf"\s+(?:\w+ly\s+)?{_LEGAL_ALLEGED}|{_LEGAL_ALLEGED}(?=\s+(?:charges|trial|extradition)))\b")
_LEGAL_BEFORE = re.compile(rf"\b(?P<verb>charged|charging|arrested|arresting|indicted|indicting|convicted|sentenced|"
                           rf"extradited|detained|jailed|accused|accusing)\s+(?:the\s+)?(?:{_AGE}\s+)?"
                           rf"(?P<name>{_NAME})")
_CUES = (_AGE_AFTER, _AGE_BEFORE, _TITLE_BEFORE, _LEGAL_AFTER, _LEGAL_BEFORE)
_STRONG_SINGLE = (_AGE_AFTER, _LEGAL_AFTER)  # cues that let a single word be a person's (sur)name

# the role: from the words after the name (past an age, an apposition, a second coordinated name) or before it
_SKIP = re.compile(rf"^(?:,\s+(?:{_AGE}|[^,;]{{2,80}}?),|\s+and\s+(?:(?:a\s+)?\d{{1,2}}-year-old\s+)?{_NAME}"
                   rf"(?:,\s+{_AGE},)?)")
_AFTER_DONE = re.compile(rf"^\s*{_AUX}{_LEGAL_DONE}\b", re.I)
_AFTER_ALLEGED = re.compile(rf"^\s*{_AUX}(?:(?:is|was|are|were|been|being)\s+(?:\w+ly\s+)?)?{_LEGAL_ALLEGED}\b", re.I)
_AFTER_ACTS = re.compile(rf"^\s*(?:,\s*who\s+|who\s+)?{_AUX}{_ACTS}\b", re.I)
_AFTER_DESCRIBED = re.compile(rf"^,\s+(?:a|an|the)\s+(?:{_AGE}\s+)?(?:[\w-]+\s+){{0,2}}?{_DESCRIBED}\b", re.I)
_ALLEGED = re.compile(r"\b(?:allegedly|reportedly|purportedly|supposedly)\b", re.I)
_BEFORE_DONE = re.compile(r"\b(?:convicted|sentenced|jailed|imprisoned)\s+(?:the\s+)?(?:\S+\s+){0,2}$", re.I)
_BEFORE_ALLEGED = re.compile(r"\b(?:charg\w+|arrest\w*|indict\w*|extradit\w+|detain\w*|accus\w+|"
                             r"defendants?,?|suspects?,?)\s+(?:the\s+)?(?:\S+\s+){0,2}$", re.I)


class Person(NamedTuple):
    name: str
    start: int
    end: int
    role: str  # perpetrator or suspected
    legal: bool  # a charge, an arrest, an accusation: the speaker, when an official, attributes it


def _plausible(name: str, single_ok: bool, gaz) -> bool:
    words = name.split()
    if words[0].lower() in FUNCTION or any(w.lower() in FUNCTION for w in words[-1:]):
        return False
    if len(words) == 1:
        if not single_ok or name.lower() in COMMON or len(name) < 3:
            return False
        return not any(e[0] in cues.PLACE_KINDS or e[0] == "actor" for e in gaz.entries.get(key(name), ()))
    if all(w.lower() in COMMON for w in words):
        return False
    # "Canadian Justice", "Latvian Police": a demonym or a place opens no person's name
    return not any(e[0] in cues.PLACE_KINDS and e[0] != "city" for e in gaz.entries.get(key(words[0]), ()))


def _role(sentence: str, start: int, end: int) -> tuple[str | None, bool]:
    after = sentence[end:end + 160]
    readings = [after]
    for _ in range(2):  # past an age, an apposition, a second coordinated name
        m = _SKIP.match(readings[-1])
        if not m:
            break
        readings.append(readings[-1][m.end():])
    for text in readings:
        if _AFTER_DONE.match(text):
            return "perpetrator", False
        if _AFTER_ALLEGED.match(text):
            return "suspected", True
        m = _AFTER_ACTS.match(text)
        if m:  # "have allegedly used": a suspicion
            return "suspected" if _ALLEGED.search(m.group(0)) else "perpetrator", False
    before = sentence[max(0, start - 60):start]
    if _BEFORE_DONE.search(before):
        return "perpetrator", False
    if _BEFORE_ALLEGED.search(before):
        return "suspected", True
    if _AFTER_DESCRIBED.match(sentence[end:end + 80]):
        return "suspected", False
    return None, False


def people(sentence: str, taken: list[tuple[int, int]], gaz) -> list[Person]:
    """The people of the sentence named as having done (or being charged with) what it tells, with their role."""
    found: dict[tuple[int, int], bool] = {}
    for cue in _CUES:
        for m in cue.finditer(sentence):
            s0, e0 = m.span("name")
            name = m.group("name")
            while name.split()[0].lower() in FUNCTION and " " in name:  # "The Smith" -> "Smith"
                cut = name.index(" ") + 1
                name, s0 = name[cut:], s0 + cut
            if any(s0 < te and e0 > ts for ts, te in taken):
                continue
            if not _plausible(name, cue in _STRONG_SINGLE, gaz):
                continue
            found[(s0, e0)] = True
            c = _COORD_BEFORE.search(sentence, max(0, s0 - 80), s0)
            if c and _plausible(c.group("name"), False, gaz) and not any(
                    c.start("name") < te and c.end("name") > ts for ts, te in taken):
                found[c.span("name")] = True
    out: list[Person] = []
    for (s0, e0) in sorted(found):
        if any(s0 < p.end and e0 > p.start for p in out):
            continue
        role, legal = _role(sentence, s0, e0)
        if role is None:
            continue
        out.append(Person(sentence[s0:e0], s0, e0, role, legal))
    return out
