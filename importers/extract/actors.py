"""Actors of one sentence: the perpetrator-side parties (targets: .phrases), each with the role the wording gives
it (:mod:`.roles`).

Perpetrator side: threat-actor groups from the MISP galaxies (through the gazetteer), states (countries and
their capitals used as metonyms), generic actors ("Russia-based hackers", "far-left anarchists", "a Bangladeshi
hacker", "two Iranian citizens"), self-chosen names ("a hacker calling himself X") and people charged, accused or
convicted (:mod:`.persons`).
"""
from __future__ import annotations

import re

from . import cues, explain
from . import persons as persons_mod
from . import tools as tools_mod
from .explain import quote
from .nounphrases import NP_STOP, is_demonym
from .roles import NAMED_BESIDE, Party, denies_link, official_speaker, official_subject, qualified, role_for
from .text import key
from .words import COMMON, FUNCTION

# ------------------------------------------------------------------------------------------ generic actors
_IDEOLOGY = (r"(?:far|hard|extreme|ultra|radical)[- ](?:left|right)(?:ist)?|(?:left|right)-wing|extremist|"
             r"radical|anarchist|Islamist|Islamic|jihadist|militant|neo-Nazi|eco-?terrorist|separatist|"
             r"nationalist|[Pp]ro-[A-Z][\w-]+|[Aa]nti-[A-Za-z][\w-]+|state-(?:sponsored|backed|linked)|"
             r"government-(?:backed|linked|sponsored)|nation-state")
_PLACE_ADJ = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?-(?:based|backed|linked|sponsored|affiliated|aligned|speaking)"
_NOUN = (r"hacker\s+groups?|hacking\s+groups?|hackers?|hacktivist\s+(?:groups?|crews?|collectives?)|"
         r"hacktivists?|extremists?|anarchists?|anarchist\s+groups|cyber-?criminals?|criminal\s+groups?|"
         r"threat\s+actors?|actors|operatives|militants|activists|groups?|gangs?|crews?|spies|agents|nationals?|"
         r"citizens?|man|woman|men|women|teen(?:ager)?s?|"
         r"terrorists|attackers|jihadists|radicals|separatists|cells?|collectives?|units?|services|ecologists|"
         r"environmentalists|nationalists|saboteurs|vandals|insurgents|rebels|partisans")
GENERIC_RE = re.compile(
    rf"\b(?P<q>(?:(?:{_IDEOLOGY}|{_PLACE_ADJ}|(?P<demo>[A-Z][a-z]+(?: [A-Z][a-z]+)?))\s+){{1,3}})(?P<n>{_NOUN})\b")
_IDEO_RE = re.compile(_IDEOLOGY, re.I)
_ARTICLE = re.compile(r"(?:(?:The|A|An)\s+)?")
# nouns that say their bearer attacks: "by Iranian hackers" names the agent whatever the verb before it
_AGENT_NOUN = re.compile(r"hack|attacker|cyber|criminal|threat|saboteur", re.I)


def _demonym(word: str, gaz) -> bool:
    """A demonym or country name, also the "-i" demonyms the reference data lacks ("Bangladeshi": Bangladesh)."""
    if is_demonym(word, gaz):
        return True
    return word.endswith("i") and any(e[0] == "country" for e in gaz.entries.get(key(word[:-1]), ()))

# Capitals used for their state ("Moscow denied", "blamed Beijing").
METONYMS = {"Moscow": "RU", "Kremlin": "RU", "Beijing": "CN", "Pyongyang": "KP", "Tehran": "IR",
            "Minsk": "BY", "Kyiv": "UA", "Kiev": "UA", "Washington": "US", "Damascus": "SY"}

def perpetrators(sentence: str, gaz_hits: list, gaz) -> list[Party]:
    """Perpetrator-side parties of a sentence. ``gaz_hits`` are gazetteer hits with sentence offsets."""
    out: list[Party] = []
    taken: list[tuple[int, int]] = []
    for m in GENERIC_RE.finditer(sentence):
        qual = m.group("q").strip()
        noun = m.group("n")
        demo = m.group("demo")
        if demo and not _IDEO_RE.search(qual) and not re.search(_PLACE_ADJ, qual):
            # a bare capitalised word before the noun: keep only demonyms and countries ("Russian hackers")
            words = qual.split()
            if not all(_demonym(w, gaz) for w in words[-1:]):
                continue
        if noun.lower() in ("groups", "group", "services", "units", "cells", "cell", "unit", "agents", "actors",
                            "gangs", "gang", "crews", "crew", "collective", "collectives") and not (
                _IDEO_RE.search(qual) or "hack" in qual.lower() or re.search(_PLACE_ADJ, qual)):
            continue  # "French groups", "Russian services": too vague to be an actor
        if re.search(r"[A-Z][\w()-]*\s*,\s*(?:a|an|the)\s+$", sentence[max(0, m.start() - 40):m.start()]) and any(
                h[1] <= m.start() and any(e[0] == "actor" for e in h[3]) for h in gaz_hits
                if m.start() - 45 <= h[1] <= m.start()):
            continue  # "Killnet, a pro-Russian hacktivist group": a description of the named group
        if any(m.end() < h[0] <= m.end() + 2 and any(e[0] == "actor" for e in h[3]) for h in gaz_hits):
            explain.dropped("perpetrator", m.group(0).strip(), "a description of the group named right after it",
                            sentence)
            continue  # "the pro-Russian hacktivist group Killnet claimed": the group is Killnet
        start = m.start() + len(_ARTICLE.match(m.group(0)).group(0))  # "The Russia-linked group" -> "Russia-..."
        role, by, cue = role_for(sentence, start, m.end(), agent=bool(_AGENT_NOUN.match(noun)))
        if role is None:
            explain.dropped("perpetrator", sentence[start:m.end()], cue, sentence)
            continue
        name = sentence[start:m.end()]
        kind = "ideological movement" if _IDEO_RE.search(qual) and "hack" not in noun.lower() else (
            "hacktivist group" if "hacktivist" in noun.lower() else "unknown")
        if re.fullmatch(r"nationals?|citizens?|man|woman|men|women|teen(?:ager)?s?", noun, re.I):
            kind = "person"
        country = None
        for h in gaz_hits:
            if m.start() <= h[0] < m.end():
                for e in h[3]:
                    if e[0] in ("country", "demonym"):
                        country = e[1]
                        break
        out.append(Party(name=name, role=role, kind=kind, start=start, end=m.end(), country=country,
                         attributed_by=by, confidence=50 if role != "claimed" else 70, cue=cue))
        taken.append((m.start(), m.end()))
    for m in _COUNTED_DEMONYM.finditer(sentence):
        s0, e0 = m.span("name")
        if any(s0 < te and e0 > ts for ts, te in taken) or not (_demonym(m.group("name"), gaz) or
                                                                 _demonym(m.group("name")[:-1], gaz)):
            continue
        role, by, cue = role_for(sentence, s0, e0)
        if role is None:
            continue  # "two Nigerians were among the victims"
        hit = next((h for h in gaz_hits if h[0] == s0), None)
        cc = next((e[1] for e in hit[3] if e[0] in ("country", "demonym")), None) if hit else None
        out.append(Party(name=m.group("name"), role=role, kind="person", start=s0, end=e0, country=cc,
                         attributed_by=by, confidence=50, cue=cue))
        taken.append((s0, e0))
    handles = list(_HANDLE.finditer(sentence)) + list(_SO_CALLED.finditer(sentence))
    if _PERP_WORDS.search(sentence):
        handles += list(_ALIAS_USED.finditer(sentence))
    for m in handles:
        name = m.group("name").rstrip(".,")
        s0, e0 = m.start("name"), m.start("name") + len(name)
        if any(s0 < te and e0 > ts for ts, te in taken) or name.lower() in FUNCTION or name.lower() in COMMON:
            continue
        if any(h[0] < e0 and h[1] > s0 and any(e[0] == "actor" for e in h[3]) for h in gaz_hits):
            continue  # a galaxy group: handled below with its reference data
        role, by, cue = role_for(sentence, s0, e0)
        # no role cue: a handle told beside the attack is its perpetrator (role_for gives a role of db.taxonomy.ROLES
        # other than "target", or None)
        out.append(Party(name=name, role=role or "perpetrator", kind="unknown", start=s0, end=e0, attributed_by=by,
                         confidence=50, cue=cue if role else f"a self-chosen name told beside the attack: {quote(m.group(0))}"))
        taken.append((s0, e0))
    for m in _CODE_NAME.finditer(sentence):
        s0, e0 = m.span("name")
        if any(s0 < te and e0 > ts for ts, te in taken):
            continue
        role, by, cue = role_for(sentence, s0, e0)
        out.append(Party(name=m.group("name"), role=role or "perpetrator", kind="unknown", start=s0, end=e0,
                         attributed_by=by, confidence=45, cue=cue if role else f"a code name for the attackers: {quote(m.group(0))}"))
        taken.append((s0, e0))
    for m in _NAMED_GROUP.finditer(sentence):
        name = m.group("name")
        s0, e0 = m.start("name"), m.end("name")
        if any(s0 < te and e0 > ts for ts, te in taken) or name.lower() in FUNCTION or name.lower() in COMMON \
                or name.lower() in NP_STOP or is_demonym(name, gaz):
            continue
        if any(h[0] <= s0 < h[1] and any(e[0] in ("actor", "country", "city", "region") for e in h[3])
               for h in gaz_hits):
            continue
        role, by, cue = role_for(sentence, s0, m.end())
        if role is None:
            role, cue = "perpetrator", f"named as a group: {quote(m.group(0))}"
        out.append(Party(name=name, role=role, kind="criminal group" if re.search(
            r"ransomware|extortion|cybercrime", m.group(0), re.I) else "unknown", start=s0, end=e0,
            attributed_by=by, confidence=45, cue=cue))
        taken.append((s0, m.end()))
    for m in _SUBJECT_ACTS.finditer(sentence):
        name = m.group("name")
        s0, e0 = m.span("name")
        while " " in name and name.split()[0].lower() in FUNCTION:  # "The X" -> "X"
            cut = name.index(" ") + 1
            name, s0 = name[cut:], s0 + cut
        words = name.split()
        if any(s0 < te and e0 > ts for ts, te in taken) or all(w.lower() in COMMON or w.lower() in FUNCTION or
                                                                 w.lower() in NP_STOP for w in words) \
                or _PERP_WORDS.match(name) or is_demonym(words[0], gaz) or key(name) in gaz.tool_entries:
            continue  # "Hackers leaked", "Russian hackers", "X stole contacts" (X a malware: a tool, not a party)
        if any(h[0] < e0 and h[1] > s0 and (h[0] <= s0 and h[1] >= e0 or any(e[0] == "actor" for e in h[3]))
               for h in gaz_hits):
            continue  # a galaxy group, a state or a place: read with their reference data below (a place inside a
            # longer name is part of it: "the People's Army of X was caught hacking")
        role, by, cue = role_for(sentence, s0, e0)
        out.append(Party(name=name, role=role or "perpetrator", kind="unknown", start=s0, end=e0, attributed_by=by,
                         confidence=45, cue=cue if role else f"subject of an attack verb: {quote(m.group(0))}"))
        taken.append((s0, e0))
    out += _gangs_named_by_their_ransomware(sentence, gaz, taken)
    for m in _GROUP_LIST.finditer(sentence):
        items = [i for i in _LIST_ITEM.finditer(m.group("items"))]
        last = items[-1]
        role, by, cue = role_for(sentence, m.start("items") + last.start("name"), m.start("items") + last.end("name"))
        if role is None:
            for it in items:  # "groups such as X have hit banks before": examples, not the ones who did what is told
                explain.dropped("perpetrator", it.group("name"), "an example after “such as”, not the one who did it",
                                sentence)
            continue
        for it in items:
            s0, e0 = m.start("items") + it.start("name"), m.start("items") + it.end("name")
            name = it.group("name")
            if any(s0 < te and e0 > ts for ts, te in taken) or name.lower() in FUNCTION or name.lower() in COMMON \
                    or is_demonym(name, gaz):
                continue
            hit = next((h for h in gaz_hits if h[0] == s0 and h[1] == e0 and any(e[0] == "actor" for e in h[3])), None)
            ref = gaz.actors[next(e for e in hit[3] if e[0] == "actor")[1]] if hit else None
            out.append(Party(name=ref.name if ref else name, role=role, kind=ref.kind if ref else "unknown", start=s0,
                             end=e0, country=ref.country if ref else None, attributed_by=by, ref=ref,
                             confidence=60 if ref else 45, cue=f"listed: {cue}"))
            taken.append((s0, e0))
    for start, end, surface, entries in gaz_hits:
        if any(start < te and end > ts for ts, te in taken):
            continue
        actor = next((e for e in entries if e[0] == "actor"), None)
        country = next((e for e in entries if e[0] == "country"), None)
        if actor is not None:
            ref = gaz.actors[actor[1]]
            # a country or city that is also some group's alias is a place unless worded as an actor
            placey = any(e[0] in cues.PLACE_KINDS for e in entries)
            if _ALLY_BEFORE.search(sentence[max(0, start - 70):start]):
                continue  # "its public alignment with the pro-Russian collective Killnet": a relation, not a role
            if _LONGER_NAME.match(sentence, end):
                continue  # "the Gorilla Glue company": a word of another name that happens to be some group's alias
            if denies_link(sentence, end):
                explain.dropped("perpetrator", surface, "it denies a tie to another party: no word of this attack",
                                sentence)
                continue
            role, by, cue = role_for(sentence, start, end)
            if role is None:
                if placey:
                    explain.dropped("perpetrator", surface, f"a place that is also a group's name, and {cue}", sentence)
                    continue
                role, cue = "perpetrator", NAMED_BESIDE
            elif placey and role == "perpetrator":
                explain.dropped("perpetrator", surface, "a place that is also a group's name: a place unless worded as "
                                "an actor", sentence)
                continue
            out.append(Party(name=ref.name, role=role, kind=ref.kind, start=start, end=end, country=ref.country,
                             attributed_by=by, ref=ref, confidence=60, cue=cue))
            taken.append((start, end))
            continue
        cc = country[1] if country else METONYMS.get(surface)
        if cc is None:
            continue
        if not country and not any(e[0] == "city" for e in entries):
            continue
        role, by, cue = role_for(sentence, start, end, strict=True)
        if role is None or role == "perpetrator" and not _STATE_ACTS.match(sentence, end):
            # a state needs clear wording ("X-based hackers" is handled by the generic pattern)
            explain.dropped("perpetrator", surface, "a state is an actor only as the agent of a clear verb"
                            + (f" ({cue})" if role is None else ""), sentence)
            continue
        if _IN_PLACE.search(sentence, max(0, start - 12), start):
            continue  # "police in Portugal have launched an investigation": a place
        if sentence[end:end + 1] == "-" or sentence[end:end + 2] in ("'s", "’s") or re.match(
                r"\s+[A-Z0-9]", sentence[end:end + 2]) or re.search(r"[A-Z][\w'’-]*\s+$", sentence[:start]):
            explain.dropped("perpetrator", surface, "part of a longer name or compound", sentence)
            continue  # part of a longer name ("France Travail", "Radio France", "Russia-Ukraine war")
        name = gaz.country_names.get(cc, surface)
        out.append(Party(name=name, role=role, kind="state", start=start, end=end, country=cc, attributed_by=by,
                         confidence=40, cue=cue))
        taken.append((start, end))
    for m in _STATE_ORGAN.finditer(sentence):
        hit = next((h for h in gaz_hits if m.start("demo") <= h[0] < m.end("demo") and h[1] == m.end("demo")), None)
        demo = next((e for e in hit[3] if e[0] == "demonym"), None) if hit else None
        s0, e0 = (hit[0] if hit else m.start()), m.end()
        if demo is None or any(s0 < te and e0 > ts for ts, te in taken):
            continue
        if _COMPOUND_HEAD.match(sentence, e0):
            explain.dropped("perpetrator", m.group(0), "a noun compound, no agent", sentence)
            continue  # "French government websites"
        role, by, cue = role_for(sentence, s0, e0, strict=True)
        if role is None or role == "perpetrator" and not _STATE_ACTS.match(sentence, e0):
            continue
        out.append(Party(name=gaz.country_names.get(demo[1], demo[2]), role=role, kind="state", start=s0, end=e0,
                         country=demo[1], attributed_by=by, confidence=40, cue=cue))
        taken.append((s0, e0))
    for person in persons_mod.people(sentence, taken, gaz):
        role, by = person.role, None
        if person.legal:  # "prosecutors charged X", "X was arrested, police said": an official attributes it
            by = official_subject(sentence[:person.start]) or official_speaker(sentence, (person.start, person.end))
            role = "attributed" if by else role
        out.append(Party(name=person.name, role=role, kind="person", start=person.start, end=person.end,
                         attributed_by=by, confidence=50,
                         cue=("a person charged, arrested or accused" if person.legal else "a person who admitted or "
                              "was convicted") + (f", as {by} says" if by else "")))
    kept = []
    for p in out:
        if (other := _OTHER_EVENT_AFTER.match(sentence, p.end)) is not None:
            # "X was likely responsible for a separate campaign against lawmakers": not this incident's party
            explain.dropped("perpetrator", sentence[p.start:p.end], f"named for another event "
                            f"{quote(other.group('what'))}", sentence)
            continue
        kept.append(qualified(sentence, p))
    return kept


# "the Russian government", "the North Korean regime": a state by its organ (an actor only when worded as an agent)
_STATE_ORGAN = re.compile(r"\b(?P<demo>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+(?:government|state|military|army|regime|"
                          r"intelligence(?:\s+(?:services?|agency|agencies))?|security\s+services|spy\s+agency|"
                          r"authorities|embassy|foreign\s+ministry)\b")
# a state is the perpetrator only when it is the subject of the attack itself ("Russia launched a cyber attack"), not
# of "launched an investigation"
_STATE_ACTS = re.compile(r"\s*(?:has\s+|have\s+)?(?:hacked|attacked|launched\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
                         r"(?:attacks?|campaign|operation|intrusions?|offensive|DDoS))\b")
_IN_PLACE = re.compile(r"\b(?:in|across|throughout)\s+(?:the\s+)?$")
# the head noun of a compound ("French government websites", "Russian state media"): the organ is not the agent
_COMPOUND_HEAD = re.compile(r"\s+(?:(?:web)?sites?|networks?|servers?|systems?|computers?|accounts?|e-?mails?|officials?|"
                            r"employees?|staff|documents?|data|contractors?|departments?|ministr\w+|agenc\w+|portals?|"
                            r"services?|databases?|media|television|TV|news|websites?|bodies|institutions?|entities|"
                            r"offices?|buildings?|workers|infrastructure|property|secrets?)\b")
# a capitalised word right after a galaxy alias that does not describe a group: the alias is part of another name
_LONGER_NAME = re.compile(r"\s+(?!(?:Group|Team|Gang|Crew|Hackers?|Hacking|APT|Collective|Cyber|Spider|Panda|Bear|Kitten|"
                          r"Chollima|Tiger|Typhoon|Blizzard|Sandstorm|Sleet|Tempest)\b)[A-Z][a-z]")
_ALLY_BEFORE = re.compile(r"\b(?:alignment|aligned|allied|alliance|allies|partnership|partnered|cooperat\w+|"
                          r"collaborat\w+|affiliat\w+|solidarity)\s+(?:with|to)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$",
                          re.I)


_PERP_WORDS = re.compile(r"\b(?:hackers?|attackers?|blackmailers?|extortionists?|scammers?|fraudsters?|criminals?|crooks?|"
                        r"thieves|thief|intruders?|perpetrators?|culprits?)\b", re.I)
_ALIAS_USED = re.compile(r"\busing\s+the\s+(?:fake\s+|false\s+|assumed\s+)?(?:name|alias|handle|moniker|pseudonym|"
                         r"nickname)\s+(?:of\s+)?[\"“'‘]?(?P<name>[A-Z][\w.@-]*(?:\s+[A-Z][\w.-]*){0,2})")


# a handle of letters and digits as the subject of the attack verb ("X1337 had hijacked 1,800 databases"): only a
# self-chosen name looks like that (a product or a CVE has no such active verb)
_CODE_NAME = re.compile(r"(?<![\w.@/-])(?P<name>(?=[A-Za-z_]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*\d"
                        r"[A-Za-z0-9_]*|(?=[A-Za-z_]*\d)[A-Za-z][A-Za-z_]*\d[A-Za-z0-9_]*)(?![\w.@/-])(?=\s+(?:(?:has|have|had|"
                        r"also|reportedly|allegedly|then|later|quickly|now|already)\s+)*(?:hacked|hijacked|breached|stole|"
                        r"leaked|attacked|defaced|encrypted|ransacked|compromised|infected|dumped|deleted|wiped|demanded|"
                        r"extorted|claimed|took\s+credit|published|posted|sold|released)\b)")
_NAMED_GROUP = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w.]*[A-Z0-9][\w.]*|[A-Z][a-z]+[A-Z][\w]*)\s+(?:ransomware|hacking|hacker|hacktivist|"
    r"threat|cybercrime|extortion|APT|cyber-?espionage)\s+(?:group|gang|crew|collective|operation|actor|cartel|outfit)\b")

# "the ransomware gang LockBit claimed", "the Clop ransomware group exploited", "Rhysida operators": a gang is named
# by its ransomware, which the MISP ransomware galaxy lists as a tool and the threat-actor galaxy often not at all
_GANG_AFTER = re.compile(r"\s+(?:ransomware\s+|extortion\s+)?(?:group|gang|crew|cartel|collective|operators?|affiliates?)\b",
                         re.I)
_GANG_WORD = re.compile(r"\b(?:group|gang|crew|cartel|collective|operators?|affiliates?|operation)\b", re.I)
_GANG_BEFORE = re.compile(r"\b(?:ransomware|extortion|cybercrime|criminal)\s+(?:group|gang|crew|cartel|operation)\s+"
                          r"(?:called\s+|known\s+as\s+|dubbed\s+)?$", re.I)


def _gangs_named_by_their_ransomware(sentence: str, gaz, taken: list[tuple[int, int]]) -> list[Party]:
    """The gangs a sentence names by their ransomware ("the ransomware gang LockBit", "the Clop ransomware group"),
    as criminal groups with the role the wording gives them (claimed, suspected...; else the perpetrator told
    beside the attack). Appends their spans to ``taken``."""
    out: list[Party] = []
    if not _GANG_WORD.search(sentence):
        return out  # most sentences name no group: no tool scan (perpetrators runs for every attack sentence)
    for s0, e0, surface, hit in tools_mod.scan(sentence, gaz):
        ref = gaz.tools[hit[0][0]]
        if ref.kind != "ransomware" or any(s0 < te and e0 > ts for ts, te in taken) or not (
                _GANG_AFTER.match(sentence, e0) or _GANG_BEFORE.search(sentence, max(0, s0 - 50), s0)):
            continue
        role, by, cue = role_for(sentence, s0, e0)
        out.append(Party(name=ref.name, role=role or "perpetrator", kind="criminal group", start=s0, end=e0,
                         attributed_by=by, confidence=55,
                         cue=cue if role else f"a ransomware gang told beside the attack: {quote(surface)}"))
        taken.append((s0, e0))
    return out


# (read right after the party's name) "... was likely responsible for a separate reconnaissance campaign"
_OTHER_EVENT_AFTER = re.compile(r"[^.;]{0,60}?\b(?:for|behind|in|of|to)\s+(?P<what>(?:a|an)\s+(?:separate|different|"
                                r"unrelated|earlier|previous|another)\s+(?:[\w-]+\s+){0,2}?(?:campaign|attack|operation|"
                                r"intrusion|breach|hack|incident)s?)\b", re.I)
_ALIAS_WORD = r"(?:name|handle|alias|moniker|nickname|pseudonym|username|user\s?name|nom\s+de\s+guerre)"
# "a hacker calling himself X", "a seller who goes by the handle X", "the hackers – who are calling themselves
# the “X” –", "a hacker operating under the name X": a self-chosen name, told beside the attack (the name keeps its
# capitals: the cue words are matched in any case, the name is not)
_HANDLE = re.compile(
    r"\b(?:hackers?|attackers?|groups?|actors?|crooks?|criminals?|gang|individual|person|persona|crew|team|"
    r"collective|blackmailers?|extortionists?|scammers?|fraudsters?|vendors?|sellers?|culprits?|perpetrators?|"
    r"someone|somebody|outfit|entity)\s*(?:[,–—-]\s*)?(?:(?:who|which|that)\s+)?(?:(?:is|are|was|were|has\s+been|"
    r"have\s+been)\s+)?(?:(?:identified|known|referred\s+to)\s+(?:only\s+)?as|(?:calling|calls?|called)\s+"
    r"(?:himself|herself|itself|themselves)|"
    # "identifying itself as the X" (a name; "presents itself as Sudanese hacktivists" describes)
    r"(?:identifying|identifies|identified)\s+(?:himself|herself|itself|themselves)\s+as(?=\s+(?:the\s|[\"“'‘]))|(?:going|goes|went|go)\s+by\s+(?:the\s+)?(?:" + _ALIAS_WORD + r")?(?:\s+of)?|"
    r"dubbed|named|called|(?:operating|working|posting|writing|acting|trading)?\s*under\s+(?:the\s+)?(?:" + _ALIAS_WORD +
    r")(?:\s+of)?|using\s+the\s+(?:fake\s+)?(?:" + _ALIAS_WORD + r")(?:\s+of)?)\s+(?:(?-i:the)\s+)?[\"“'‘]?"
    r"(?P<name>(?-i:[A-Z0-9][\w.@-]*(?:\s+[A-Z0-9][\w.-]*){0,3}))", re.I)
# "the so-called “X”": a name the article quotes as the group's own
_SO_CALLED = re.compile(r"\b(?:so-called|self-styled|self-proclaimed)\s+[\"“'‘](?P<name>[A-Z0-9][\w.@-]*(?:\s+[A-Z0-9][\w.-]*){0,3})"
                        r"[,.]?[\"”'’]")

# "hacking groups such as X, Y and Z who were responsible for ...": each name of the list is a group; the wording after
# the list gives their role (none: examples, skipped). CASIE dev 550: named attackers 38 -> 41, same parties
_LIST_NAME = r"(?-i:[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|\d[\w.]*))*)"
_GROUP_LIST = re.compile(
    r"\b(?:hack\w*|hacktivist|cyber-?\w*|criminal|threat|APT|ransomware|extortion|espionage)\s+(?:groups|gangs|crews|"
    r"actors|collectives|outfits|operations)\s*,?\s+(?:such\s+as|including|like)\s+(?P<items>" + _LIST_NAME +
    r"(?:\s*,\s*" + _LIST_NAME + r")*(?:\s*,?\s+(?:and|or)\s+" + _LIST_NAME + r")?)", re.I)
_LIST_ITEM = re.compile(r"(?:^|,\s*|\s+(?:and|or)\s+)(?P<name>" + _LIST_NAME + ")")
# a name as the subject of an active verb of intrusion or theft ("X also leaked the data of ...", "X broke into the
# accounts"): the one who did it, whatever it is called (not "was leaked", not "leaked by"). CASIE dev 550: named
# attackers 41 -> 43; 4 parties added, 3 annotated
_SUBJECT_ACTS = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][\w&.'’-]*\s+(?:of\s+(?:the\s+)?)?){0,3}[A-Z][\w&.'’-]*)\s+(?:(?:also|reportedly|"
    r"allegedly|then|later|has|have|had|previously|recently|successfully|apparently)\s+)*(?:hacked|breached|leaked|stole|"
    r"defaced|hijacked|infiltrated|phished|dumped|compromised|broke\s+into|(?:was|were)\s+caught\s+(?:\w+ly\s+)?"
    r"(?:hacking|stealing|breaking\s+into|spying))\b(?!\s+by\b)")
# "two Xians who admitted to ...": people counted by their nationality, with the role the wording gives them
# (with "was caught hacking" and "admitted to stealing": CASIE dev 550 named attackers 43 -> 45, both annotated)
_COUNTED_DEMONYM = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?P<name>[A-Z][a-z]+s)\b")
