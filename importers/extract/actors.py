"""Actors of one sentence: perpetrator-side parties with the role the wording gives them, and targets.

Perpetrator side: threat-actor groups from the MISP galaxies (through the gazetteer), states (countries and
their capitals used as metonyms) and generic actors ("Russia-based hackers", "far-left anarchists",
"Islamist hacker groups"). Roles: claimed, attributed (an official or a government names them; attributed_by
is set), suspected, denied, perpetrator.

Targets: capitalised names in the object of attack verbs ("breaches at X", "hacked X", "attack on X"), the
subject of passive attack verbs ("X was hit"), victims reporting their incident ("X disclosed a breach"),
lists after "such as" / "include", and names with organisation words in attack sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .words import COMMON, FUNCTION, MONTHS, WEEKDAYS


@dataclass
class Party:
    name: str
    role: str
    kind: str
    start: int  # offsets in the sentence
    end: int
    country: str | None = None
    attributed_by: str | None = None
    ref: object | None = None  # gazetteer.ActorRef for galaxy groups
    confidence: int = 50


# ------------------------------------------------------------------------------------------ generic actors
_IDEOLOGY = (r"(?:far|hard|extreme|ultra|radical)[- ](?:left|right)(?:ist)?|(?:left|right)-wing|extremist|"
             r"radical|anarchist|Islamist|Islamic|jihadist|militant|neo-Nazi|eco-?terrorist|separatist|"
             r"nationalist|pro-[A-Z][\w-]+|anti-[A-Za-z][\w-]+|state-(?:sponsored|backed|linked)|"
             r"government-(?:backed|linked|sponsored)|nation-state")
_PLACE_ADJ = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?-(?:based|backed|linked|sponsored|affiliated|aligned|speaking)"
_NOUN = (r"hacker\s+groups?|hacking\s+groups?|hackers?|hacktivist\s+(?:groups?|crews?|collectives?)|"
         r"hacktivists?|extremists?|anarchists?|anarchist\s+groups|cyber-?criminals?|criminal\s+groups?|"
         r"threat\s+actors?|actors|operatives|militants|activists|groups|gangs?|crews?|spies|agents|nationals|"
         r"terrorists|attackers|jihadists|radicals|separatists|cells?|collectives?|units?|services|ecologists|"
         r"environmentalists|nationalists|saboteurs|vandals|insurgents|rebels|partisans")
GENERIC_RE = re.compile(
    rf"\b(?P<q>(?:(?:{_IDEOLOGY}|{_PLACE_ADJ}|(?P<demo>[A-Z][a-z]+(?: [A-Z][a-z]+)?))\s+){{1,3}})(?P<n>{_NOUN})\b")
_IDEO_RE = re.compile(_IDEOLOGY, re.I)

# Capitals used for their state ("Moscow denied", "blamed Beijing").
METONYMS = {"Moscow": "RU", "Kremlin": "RU", "Beijing": "CN", "Pyongyang": "KP", "Tehran": "IR",
            "Minsk": "BY", "Kyiv": "UA", "Kiev": "UA", "Washington": "US", "Damascus": "SY"}

_OFFICIAL = re.compile(
    r"\b(?:government|ministry|minister|ministers|officials?|authorities|agency|agencies|police|prosecutors?|"
    r"intelligence|president|prime\s+minister|secretary|spokes(?:man|woman|person)|head\s+of|chief|"
    r"cyber-?defen[cs]e|military|army|FBI|CISA|NSA|NCSC|ANSSI|BSI|GCHQ|Europol|Interpol|department|"
    r"White\s+House|Foreign\s+Office|state\s+department|Justice|admiral|general|investigators?|"
    r"attorney|cabinet|ambassador|embassy|parliament)\b", re.I)
_SPEECH = re.compile(r"\b(?:said|says|told|according\s+to|stated|announced|confirmed|believes?|believed|"
                     r"assessed|concluded|pointed|claimed)\b", re.I)

_CLAIM_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,4}?(?:has\s+|have\s+|had\s+|reportedly\s+|quickly\s+|later\s+|publicly\s+|also\s+)*"
    r"(?:(?:claimed|claiming|claims|claim|took|taken|takes|taking|accepted|accepting)\s+(?:\w+\s+)?(?:responsibility|"
    r"credit|to\s+be\s+behind|ownership|the\s+attacks?)|(?:claimed|claims|claiming)\s+(?:\w+\s+)?(?:it|they|to)\s+"
    r"(?:had\s+|have\s+)?(?:hacked|breached|stole|stolen|attacked|taken\s+down|took\s+down|leaked|defaced|compromised|"
    r"carried\s+out|launched|been\s+behind))\b", re.I)
_CLAIM_BEFORE = re.compile(r"\bclaimed\s+(?:\w+\s+){0,2}?by\s+(?:the\s+)?(?:\w+\s+){0,2}$|"
                           r"\b(?:responsibility|credit)\s+(?:was\s+)?(?:claimed|taken)\s+by\s+(?:the\s+)?$", re.I)
_DENY_AFTER = re.compile(r"^\W{0,3}(?:\w+\W+){0,3}?(?:has\s+|have\s+|had\s+|swiftly\s+|quickly\s+|strongly\s+|"
                         r"repeatedly\s+)*(?:denied|denies|deny|denying|rejected|dismissed|refuted)\b", re.I)
_ACCUSE_BEFORE = re.compile(
    r"(?P<verb>\baccus(?:ed|es|ing|e)|\bblam(?:ed|es|ing|e)|\bsuspect(?:ed|s|ing)?|\bimplicat(?:ed|ing)|"
    r"\battribut(?:ed|es|ing|e)\s+(?:\w+\s+){0,4}?to|\bpointed\s+(?:the\s+finger\s+)?at|\bties\s+to|"
    r"\btied\s+to|\blinks?\s+to|\blinked\s+to|\bconnected\s+to|\bnamed|\bidentified|\bsanction(?:ed|s|ing)|"
    r"\bindicted|\bcharged|\bcarried\s+out\s+by|\bconducted\s+by|\blaunched\s+by|\bbehind\s+(?:the\s+)?"
    r"(?:\w+\s+){0,3}?(?:was|were|is|are)|\borchestrated\s+by|\bperpetrated\s+by|\bby)\s+(?:[\w'’“”\"-]+[\s,]+){0,9}?$",
    re.I)
_SUSPECT_AFTER = re.compile(
    r"^\W{0,3}(?:[\w'’-]+\W+){0,4}?(?:(?:reportedly|allegedly|also|again)\s+)*(?:(?:was|were|is|are|has\s+been|"
    r"have\s+been|had\s+been|being)\s+(?:(?:\w+ly|again|also|widely|long)\s+)?(?:accused|blamed|suspected|"
    r"implicated|believed|thought|alleged|said|linked|tied|connected)|(?:may|might|could)\s+have\s+been\s+behind|"
    r"(?:was|were|is|are)\s+(?:\w+ly\s+)?behind|(?:has|have|had)\s+(?:\w+\s+)?ties\s+to|"
    r"responsible\s+for\s+(?:the\s+|this\s+|these\s+)?(?:\w+\s+)?(?:attacks?|breach\w*|hack\w*|incidents?|"
    r"intrusions?|sabotage|campaign|operation|outages?|leak))\b", re.I)
_PERP_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,3}?(?:has\s+|have\s+|had\s+|reportedly\s+|allegedly\s+|also\s+)*(?:hacked|attacked|"
    r"breached|launched|targeted|stole|leaked|defaced|deployed|compromised|infiltrated|hit|struck|used|"
    r"exploited|encrypted|demanded|sent|conducted|carried\s+out|broke|published|dumped|posted|flooded)\b", re.I)


_APPOSITIVE = re.compile(r"\s*,\s*(?:a|an|the|which\s+is|also\s+known\s+as|known\s+as)\s+[^,;.]{2,70},")


def _role_for(sentence: str, start: int, end: int, strict: bool = False) -> tuple[str | None, str | None]:
    """(role, attributed_by) for the party at [start, end) of the sentence, from the surrounding wording.

    ``strict`` (for states): the accusing verb must come right before the name.
    """
    before = sentence[max(0, start - 90):start]
    after = sentence[end:end + 150]
    app = _APPOSITIVE.match(after)
    if app:
        after = after[app.end():]  # "Killnet, a pro-Russian hacktivist group, claimed ..."
    after = after[:90]
    if _CLAIM_AFTER.search(after) or _CLAIM_BEFORE.search(before):
        return "claimed", None
    if _DENY_AFTER.search(after):
        return "denied", None
    m = _ACCUSE_BEFORE.search(before)
    if m and strict and not re.search(r"(?:\b(?:accus\w+|blam\w+|suspect\w*|to|at|sanction\w*|named|indicted|by|"
                                      r"identified)\s+(?:the\s+)?)$", before):
        m = None
    if m:
        verb = m.group("verb").lower()
        subject = sentence[:start - len(before) + m.start()]
        official = _official_subject(subject)
        if verb.startswith(("accus", "blam", "attribut", "named", "identified", "sanction", "indicted",
                            "charged", "pointed")) and official:
            return "attributed", official
        if verb.startswith(("carried", "conducted", "launched", "orchestrated", "perpetrated", "by")):
            speaker = _official_speaker(sentence)
            if speaker:
                return "attributed", speaker
            if verb == "by" and not re.search(r"\b(?:attacks?|breach|hack\w*|carried|conducted|launched|"
                                              r"claimed|committed|targeted|hit)\b[\w\s,]*$", subject[-60:] + " ",
                                              re.I):
                return None, None
            return "perpetrator", None
        if verb.startswith("behind"):
            return "perpetrator", None
        return "suspected", None
    if _SUSPECT_AFTER.search(after):
        return "suspected", None
    if _PERP_AFTER.search(after):
        return "perpetrator", None
    return None, None


_SUBJ_NAME = re.compile(r"((?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)[^.;:]*$")


def _official_subject(subject: str) -> str | None:
    """The accusing subject when it is a government, an official or a country ("France has accused ...")."""
    tail = subject[-120:]
    ms = list(_OFFICIAL.finditer(tail))
    if ms:
        m = ms[-1]
        head = re.search(r"((?:[A-Z][\w'’.-]*\s+){1,4})$", tail[:m.start()])
        name = (head.group(1) if head else "") + m.group(0)
        name = re.sub(r"^(?:The|A|An)\s+", "", name.strip())
        return name
    m = re.search(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:has|have|had|officially|formally|publicly|again|"
                  r"repeatedly|\s)*$", tail)
    if m:
        return m.group(1)
    return None


def _official_speaker(sentence: str) -> str | None:
    if not _SPEECH.search(sentence):
        return None
    m = _OFFICIAL.search(sentence)
    if not m:
        return None
    # the capitalised name next to the official word, if any
    window = sentence[max(0, m.start() - 60):m.end() + 60]
    names = re.findall(r"(?:[A-Z][\w'’.-]+\s+){1,4}[A-Z][\w'’.-]+", window)
    return (names[0] if names else m.group(0)).strip()


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
            if not all(_is_demonym(w, gaz) for w in words[-1:]):
                continue
        if noun.lower() in ("groups", "services", "units", "cells", "cell", "unit", "agents", "actors", "gangs",
                            "gang", "crews", "crew", "collective", "collectives") and not (
                _IDEO_RE.search(qual) or "hack" in qual.lower()):
            continue  # "French groups", "Russian services": too vague to be an actor
        if re.search(r"[A-Z][\w()-]*\s*,\s*(?:a|an|the)\s+$", sentence[max(0, m.start() - 40):m.start()]) and any(
                h[1] <= m.start() and any(e[0] == "actor" for e in h[3]) for h in gaz_hits
                if m.start() - 45 <= h[1] <= m.start()):
            continue  # "Killnet, a pro-Russian hacktivist group": a description of the named group
        role, by = _role_for(sentence, m.start(), m.end())
        if role is None:
            continue
        name = m.group(0)
        kind = "ideological movement" if _IDEO_RE.search(qual) and "hack" not in noun.lower() else (
            "hacktivist group" if "hacktivist" in noun.lower() else "unknown")
        if noun.lower() == "nationals":
            kind = "person"
        country = None
        for h in gaz_hits:
            if m.start() <= h[0] < m.end():
                for e in h[3]:
                    if e[0] in ("country", "demonym"):
                        country = e[1]
                        break
        out.append(Party(name=name, role=role, kind=kind, start=m.start(), end=m.end(), country=country,
                         attributed_by=by, confidence=50 if role != "claimed" else 70))
        taken.append((m.start(), m.end()))
    handles = list(_HANDLE.finditer(sentence))
    if _PERP_WORDS.search(sentence):
        handles += list(_ALIAS_USED.finditer(sentence))
    for m in handles:
        name = m.group("name").rstrip(".,")
        s0, e0 = m.start("name"), m.start("name") + len(name)
        if any(s0 < te and e0 > ts for ts, te in taken) or name.lower() in FUNCTION or name.lower() in COMMON:
            continue
        if any(s0 <= h[0] < e0 and any(e[0] == "actor" for e in h[3]) for h in gaz_hits):
            continue  # a galaxy group: handled below with its reference data
        role, by = _role_for(sentence, s0, e0)
        # no role cue: a handle told beside the attack is its perpetrator (_role_for gives a role of db.taxonomy.ROLES
        # other than "target", or None)
        out.append(Party(name=name, role=role or "perpetrator", kind="unknown", start=s0, end=e0, attributed_by=by,
                         confidence=50))
        taken.append((s0, e0))
    for m in _NAMED_GROUP.finditer(sentence):
        name = m.group("name")
        s0, e0 = m.start("name"), m.end("name")
        if any(s0 < te and e0 > ts for ts, te in taken) or name.lower() in FUNCTION or name.lower() in COMMON \
                or name.lower() in _NP_STOP or _is_demonym(name, gaz):
            continue
        if any(h[0] <= s0 < h[1] and any(e[0] in ("actor", "country", "city", "region") for e in h[3])
               for h in gaz_hits):
            continue
        role, by = _role_for(sentence, s0, m.end())
        if role is None:
            role = "perpetrator"
        out.append(Party(name=name, role=role, kind="criminal group" if re.search(
            r"ransomware|extortion|cybercrime", m.group(0), re.I) else "unknown", start=s0, end=e0,
            attributed_by=by, confidence=45))
        taken.append((s0, m.end()))
    for start, end, surface, entries in gaz_hits:
        if any(start < te and end > ts for ts, te in taken):
            continue
        actor = next((e for e in entries if e[0] == "actor"), None)
        country = next((e for e in entries if e[0] == "country"), None)
        if actor is not None:
            ref = gaz.actors[actor[1]]
            # a country or city that is also some group's alias is a place unless worded as an actor
            placey = any(e[0] in ("country", "region", "city", "demonym") for e in entries)
            if _ALLY_BEFORE.search(sentence[max(0, start - 70):start]):
                continue  # "its public alignment with the pro-Russian collective Killnet": a relation, not a role
            role, by = _role_for(sentence, start, end)
            if role is None:
                if placey:
                    continue
                role = "perpetrator"
            elif placey and role == "perpetrator":
                continue
            out.append(Party(name=ref.name, role=role, kind=ref.kind, start=start, end=end, country=ref.country,
                             attributed_by=by, ref=ref, confidence=60))
            taken.append((start, end))
            continue
        cc = country[1] if country else METONYMS.get(surface)
        if cc is None:
            continue
        if not country and not any(e[0] == "city" for e in entries):
            continue
        role, by = _role_for(sentence, start, end, strict=True)
        if role is None or role == "perpetrator" and not re.match(
                r"\s*(?:has\s+|have\s+)?(?:hacked|attacked|launched)", sentence[end:end + 30]):
            continue  # a state needs clear wording ("X-based hackers" is handled by the generic pattern)
        if sentence[end:end + 1] == "-" or sentence[end:end + 2] in ("'s", "’s") or re.match(
                r"\s+[A-Z0-9]", sentence[end:end + 2]) or re.search(r"[A-Z][\w'’-]*\s+$", sentence[:start]):
            continue  # part of a longer name ("France Travail", "Radio France")
        name = gaz.country_names.get(cc, surface)
        out.append(Party(name=name, role=role, kind="state", start=start, end=end, country=cc, attributed_by=by,
                         confidence=40))
        taken.append((start, end))
    return out


_ALLY_BEFORE = re.compile(r"\b(?:alignment|aligned|allied|alliance|allies|partnership|partnered|cooperat\w+|"
                          r"collaborat\w+|affiliat\w+|solidarity)\s+(?:with|to)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$",
                          re.I)


def _is_demonym(word: str, gaz) -> bool:
    from .text import key

    for e in gaz.entries.get(key(word), ()):
        if e[0] in ("demonym", "country"):
            return True
    return False


# ------------------------------------------------------------------------------------------------ targets
_ORG_WORDS = frozenset("""inc inc. ltd ltd. llc plc corp corp. corporation company co group bank banks hospital
hospitals clinic health healthcare ministry university college school council authority agency department
service services airways airlines airport railways rail police union commission institute institution foundation
trust board office bureau network networks systems telecom telecoms communications media news times post
journal newspaper tv television radio magazine museum memorial library center centre court parliament senate
assembly municipality city county district region government federation association society club party church
insurance energy power electric utility utilities water gas oil pharmaceuticals pharma labs motors
industries holdings technologies solutions software store stores market markets exchange pipeline pipelines
mail airport airports logistics shipping port library libraries hotels resorts casino casinos""".split())
_NP_STOP = frozenset(w for w in FUNCTION if w not in ("the",)) | frozenset(MONTHS) | frozenset(WEEKDAYS) | {
    "mr", "mrs", "ms", "dr", "president", "minister", "secretary", "admiral", "general", "chief", "ceo", "head",
    "vice", "rear", "deputy", "director", "spokesman", "spokeswoman", "police", "prosecutors", "investigators",
    "hackers", "attackers", "according", "update", "read", "click", "photo", "image", "video", "comments",
    "related", "source", "sources", "reuters", "afp", "ap", "bbc", "cnn", "ip", "url", "dns", "vpn", "it", "ai",
    "api", "sql", "pdf", "usb", "wifi", "wi-fi", "sms", "ddos", "dos", "cve", "rdp", "ssl", "tls", "http", "https",
    "html", "pc", "os", "id", "pin", "cto", "ciso", "gdpr", "tor", "european", "western", "eastern",
    "asian", "african", "arab", "latin", "nordic", "baltic", "balkan", "islamist", "islamic", "jihadist",
    "anarchist", "anarchists", "extremist", "extremists", "nazi", "neo-nazi", "internet", "web", "online"}
_NP_RE = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[(\"“‘']))(?:(?:[A-Z0-9][\w'’.&+-]*|[a-z]+[A-Z][\w-]*)"
    r"(?:\s+(?:of|for|de|du|des|la|le|di|del|der|von|van|the|&|-)?\s*(?:[A-Z0-9][\w'’.&+-]*|[a-z]+[A-Z][\w-]*))*)")

_VICTIM_BEFORE = re.compile(
    r"(?:\b(?:attacks?|cyber-?attacks?|assaults?|breach(?:es)?|intrusions?|hacks?|incidents?|raids?|"
    r"campaign|operation|infection|outages?|sabotage|compromise|heists?|DDoS)\s+(?:\w+\s+){0,1}?"
    r"(?:on|against|at|targeting|hitting|affecting|of)\s+|"
    r"\b(?:hacked|breached|defaced|targeted|targeting|targets?|hit|hits|hitting|attacked|attacking|flooded|"
    r"infiltrated|compromised|crippled|disrupted|paralys[ea]d|paralyz[ea]d|struck|striking|impersonat(?:ed|ing)|"
    r"spoof(?:ed|ing)|belonging\s+to|owned\s+by|affecting|affected|victims?\s+(?:include|included|including|"
    r"were|was)|such\s+as|including|includ(?:e|ed)|amongst\s+them|like|posing\s+as|pretending\s+to\s+be|"
    r"masquerading\s+as|infected|encrypted|extorted|ransomed|trick(?:ed|ing)?|fool(?:ed|ing)?|defraud(?:ed|ing)?|"
    r"scamm(?:ed|ing)|dup(?:ed|ing)|hacked\s+into|broke\s+into|inside|hitting|knocked|knocking|took\s+down|"
    r"taking\s+down|brought\s+down|bringing\s+down|encrypting|crippling|disrupting|breaching|wiped|wiping|"
    r"among\s+them|among\s+those|(?:computers|systems|servers|networks?|machines|devices|workstations|websites?|"
    r"databases?|files|records|data|email\s+accounts|IT\s+systems|profiles|(?:social\s+media\s+)?accounts|pages|"
    r"channels|feeds)\s+(?:at|of|belonging\s+to|operated\s+by))\s+)"
    r"(?:the\s+|a\s+|an\s+)?(?:[A-Z][a-z]+(?:'s|’s)\s+)?(?:(?:(?!(?:by|told|said|says|that|which|who|when|while|after|"
    r"before|because|to|and|but|was|were|is|are|has|have|had)\b)[a-z][\w-]*|[A-Z]{2,5}s?,?)\s+){0,4}?$")
_VICTIM_AFTER = re.compile(
    r"^,\s*(?:one\s+of\s+)?the\s+(?:\w+\s+)?(?:affected|targeted|victims?|hit)\b|^(?:\s*(?:[–—(,][^–—(),]{3,120}?[–—),]))?\s*(?:'s\s+|’s\s+)?(?:(?:[a-z]\w*\s+){0,2}?"
    r"(?:was|were|has\s+been|have\s+been|had\s+been|is\s+being|are\s+being|got|became|is|are)\s+(?:\w+\s+)?"
    r"(?:hacked|breached|hit|attacked|targeted|compromised|defaced|knocked|taken\s+offline|infected|affected|"
    r"impacted|crippled|disrupted|flooded|paralysed|paralyzed|victims?|struck|down|offline|forced|"
    r"the\s+(?:latest\s+)?(?:victim|target))|(?:has\s+|have\s+|had\s+)?(?:(?:suffered|disclosed|confirmed|"
    r"reported|announced|revealed|admitted)\s+(?:that\s+it\s+(?:was|had\s+been|has\s+been)\s+\w+|(?:a|an|the)\s+"
    r"(?:[\w“”\"-]+\s+){0,3}?(?:breach|attack|cyber-?attack|incident|hack|intrusion|compromise|outage|ransomware|"
    r"leak))|notified|warned\s+(?:its\s+)?(?:customers|users)|"
    r"(?:revealed|disclosed|confirmed|admitted|announced)\s+(?:on\s+\w+\s+)?that\s+(?:[\w,$-]+\s+){0,8}?(?:customers|"
    r"passengers|users|clients|members|employees|patients|data|records|accounts|systems|servers|network)|"
    r"(?:paid|rejected|refused|received|declined|negotiated)\s+(?:a\s+|the\s+|an\s+)?(?:[\w$€£.,]+\s+){0,3}?"
    r"(?:ransom|bitcoin|in\s+bitcoin|extortion)|"
    r"(?:said|says|confirmed|disclosed|revealed|admitted|acknowledged|announced)\s+(?:on\s+\w+\s+)?(?:that\s+)?"
    r"(?:it|(?:(?:some|many|one|two|three|several|\d+)\s+of\s+)?its\s+(?:\w+\s+){0,2}?(?:systems?|networks?|servers?|"
    r"websites?|services?|clients|customers|entities|subsidiaries|units|offices|members|users|employees|staff))\s+"
    r"(?:had\s+|has\s+|have\s+)?(?:been|was|were|had|suffered|experienced|detected)\s+(?:\w+\s+){0,2}?(?:hacked|"
    r"breached|hit|attacked|targeted|compromised|infected|encrypted|disrupted|affected|impacted|exposed|"
    r"(?:breach|attack|cyber-?attack|intrusion|hack|incident))|"
    r"(?:has\s+|have\s+)?(?:confirmed|said|disclosed|revealed|acknowledged)\s+(?:on\s+\w+\s+)?that\s+[^.;]{0,160}?"
    r"\b(?:(?:were|was)\s+)?(?:caused\s+by|the\s+result\s+of|due\s+to)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:attacks?|cyber-?attacks?|ransomware|hack|breach|intrusion|DDoS)|"
    r"(?:has\s+|have\s+)?(?:later\s+)?(?:confirmed|said|acknowledged)\s+(?:on\s+\w+\s+)?that\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks?|cyber-?attacks?|ransomware|hackers|intruders)\s+(?:had\s+been|were|was|are)\s+behind\b|"
    r"fell\s+victim|is\s+investigating|was\s+investigating|released\s+a\s+statement\s+on\s+the\s+incident|"
    r"forces?\s+(?:all\s+)?(?:customers|users)|is\s+working\s+to\s+restore|told\s+(?:customers|users|residents|"
    r"its)))\b", re.I)
_POSSESSIVE_ASSET = re.compile(
    r"^(?:'s|’s)\s+(?:\w+\s+){0,2}?(?:systems?|servers?|networks?|websites?|sites?|databases?|data|customers|"
    r"users|accounts?|computers?|email|e-mail|infrastructure|services|members|employees|patients|clients|"
    r"campaign|team|party|staff|offices?|firm|company|portal|platform|service)\b",
    re.I)
_AUTHORITY = re.compile(r"\b(?:Prosecutor|Prosecutors|Commissioner|Court|Tribunal|FBI|Europol|Interpol|NCSC|ANSSI|CISA|"
                        r"CERT|Investigators?|Researchers?)\b")
_BODIES_AFTER = re.compile(
    r"^(?:\s+[a-z]+){0,2}?\s+(?:government(?:\s+(?:websites|sites|agencies|departments|networks))?|ministries|ministry|"
    r"agencies|banks|hospitals|municipalities|media(?:\s+outlets)?|newspapers|companies|firms|airports|universities|"
    r"schools|councils|authorities|institutions|outlets|operators|providers|utilities|"
    r"businesses|organi[sz]ations|retailers|telecoms?|carriers|ports|railways)\b(?!\s+(?:websites|sites)\b)")


_PERP_WORDS = re.compile(r"\b(?:hackers?|attackers?|blackmailers?|extortionists?|scammers?|fraudsters?|criminals?|crooks?|"
                        r"thieves|thief|intruders?|perpetrators?|culprits?)\b", re.I)
_ALIAS_USED = re.compile(r"\busing\s+the\s+(?:fake\s+|false\s+|assumed\s+)?(?:name|alias|handle|moniker|pseudonym|"
                         r"nickname)\s+(?:of\s+)?[\"“'‘]?(?P<name>[A-Z][\w.@-]*(?:\s+[A-Z][\w.-]*){0,2})")


_SUBJECT_START = re.compile(r"\W{0,3}(?:(?:The|A|An)\s+|(?:In|On|By|Last|Earlier|Since)\s+[\w-]+(?:\s+\d{4})?,?\s+(?:the\s+)?)?")


_NAMED_GROUP = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w.]*[A-Z0-9][\w.]*|[A-Z][a-z]+[A-Z][\w]*)\s+(?:ransomware|hacking|hacker|hacktivist|"
    r"threat|cybercrime|extortion|APT|cyber-?espionage)\s+(?:group|gang|crew|collective|operation|actor|cartel|outfit)\b")
_SOURCE_BEFORE = re.compile(r"\b(?:according\s+to|said|says|told|per|via|citing|cited\s+by|reported\s+by|quoted\s+by|"
                            r"researchers\s+at|analysts\s+at|experts\s+at|firm|vendor)\s+(?:the\s+)?$", re.I)
_NOT_TARGET_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:ransomware\s+|hacking\s+|hacker\s+|hacktivist\s+|threat\s+)?(?:group|gang|crew|operators?|"
    r"affiliates?|operation|hackers|wallet|malware|ransomware(?!\s+(?:attack|incident))|collective|actors?|members|"
    r"leak\s+site)\b", re.I)


def _gaz():
    from . import gazetteer

    return gazetteer.get()


_LISTED = re.compile(r"\b(?:such\s+as|including|include[sd]?|among|amongst|like|(?:ISPs?|providers?|operators?|"
                     r"compan(?:y|ies)|firms?|outlets?|banks?)(?:\s+[A-Z]\w*)?)\s+(?:the\s+)?$")
_OWN_ASSET = re.compile(r"\b(?:its|their)\s+(?:\w+\s+)?(?:customers|users|systems|servers|network|networks|data|website|"
                        r"accounts|database|databases|staff|employees|members|clients|computers|patients)\b", re.I)
_PEOPLE_AFTER = re.compile(r"^(?:\s+(?:online|mobile|business|retail|corporate|email|e-mail|broadband|bank|banking|account|"
                           r"card|credit|app|web|government|state|county|city|federal|former|current|existing|"
                           r"affected|private|public|premium|loyalty|rewards|service|network)){0,1}\s+(?:customers|users|clients|subscribers|members|employees|staff|"
                           r"patients|residents|account\s+holders|students|voters|citizens|shoppers|players)\b")
_FROM_BEFORE = re.compile(r"\b(?:stole|steal|stealing|stolen|taken|exfiltrated|downloaded|obtained|accessed|siphoned|"
                          r"leaked|extorted)\s+[^.;]{0,60}?\b(?:data|records|information|details|e-?mails|files|documents|"
                          r"credentials|passwords|accounts|money|funds|bitcoin|databases?|photos|messages|numbers)\b"
                          r"[^.;]{0,40}?\bfrom\s+(?:the\s+)?(?:[a-z]+\s+){0,2}$", re.I)
_HANDLE = re.compile(
    r"\b(?:hackers?|attackers?|groups?|actors?|crooks?|criminals?|users?|gang|individual|person|persona|"
    r"collective|blackmailers?|extortionists?|scammers?)\s*,?\s+(?:(?:identified|known|referred\s+to)\s+as|"
    r"calling\s+(?:himself|herself|itself|themselves)|going\s+by\s+(?:the\s+)?(?:name|handle|alias|moniker|"
    r"nickname)?(?:\s+of)?|dubbed|named|called|under\s+the\s+(?:name|handle|alias|moniker)(?:\s+of)?|using\s+the\s+"
    r"(?:fake\s+)?(?:name|handle|alias|moniker)(?:\s+of)?)\s+[\"“'‘]?(?P<name>[A-Z0-9][\w.@-]*(?:\s+[A-Z][\w.-]*){0,2})",
    re.I)


_NP_DATE = re.compile(r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:January|February|March|April|May|June|July|August|"
                      r"September|October|November|December)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?(?:\s+|$)|"
                      r"(?:19|20)\d\d(?:\s+|$)")
_DESCRIPTOR = re.compile(r"\b(?:ISPs?|provider|operator|carrier|company|firm|retailer|bank|outlet|newspaper|"
                         r"magazine|broadcaster|site|website|platform|service|app|brand|chain|group)\s+$", re.I)


@dataclass
class NounPhrase:
    text: str
    start: int
    end: int
    people: bool = False  # "Debenhams customers": the people of an organisation


def noun_phrases(sentence: str) -> list[NounPhrase]:
    out = []
    prev_described_end = -1
    for m in _NP_RE.finditer(sentence):
        text = m.group(0)
        start = m.start()
        # trim leading function words ("The", "In", "While") and trailing punctuation/connectors
        words = text.split()
        while words and (words[0].lower().strip(".,") in _NP_STOP or words[0].lower() == "the"):
            start += sentence[start:].index(words[0]) + len(words[0])
            while start < len(sentence) and sentence[start].isspace():
                start += 1
            words = words[1:]
        if not words:
            continue
        text = sentence[start:m.end()]
        text = re.sub(r"(?:\s+(?:of|for|de|du|des|la|le|the|&|-))+$", "", text)
        text = text.rstrip(",'’-") if re.search(r"\b(?:[A-Z]\.){2,}$", text) else text.rstrip(".,'’-")
        if text.endswith(("'s", "’s")):
            text = text[:-2]
        if not text or len(text) < 2:
            continue
        dm = _NP_DATE.match(text)
        if dm:
            start += dm.end()
            text = text[dm.end():]
            if not text:
                continue
        pm = re.match(r"[A-Z][\w-]*(?:'s|’s)\s+(?=[A-Z])|(?:ISPs?|MSPs?|NGOs?|telco|telecoms?)\s+(?=[A-Z])|"
                      r"(?:19|20)\d\d\s+(?=[A-Z])", text)
        if pm:
            start += pm.end()
            text = text[pm.end():]
        described = bool(pm and not pm.group(0).rstrip().endswith(("'s", "’s"))) or bool(_DESCRIPTOR.search(
            sentence[max(0, start - 30):start])) or (prev_described_end >= 0 and re.fullmatch(
                r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)", sentence[prev_described_end:start]) is not None)
        if text.lower() in _NP_STOP or (text.lower() in COMMON and " " not in text and not described):
            continue
        if not re.search(r"(?:^|\s)[A-Z]", text) or re.fullmatch(r"[\d\s.,]+\w{0,3}", text):
            continue
        if re.search(r"-(?:based|backed|linked|sponsored|born|made|owned)$", text) or text.lower() in (
                "hacker", "hackers", "attacker", "attackers", "group", "gang", "actor", "ransomware", "malware"):
            continue
        out.append(NounPhrase(text, start, start + len(text), people=described))
        prev_described_end = start + len(text) if described else -1
    return out


def targets(sentence: str, has_trigger: bool, exclude: list[tuple[int, int]]) -> list[tuple[NounPhrase, int]]:
    """(noun phrase, confidence) for the parties named as hit in a sentence."""
    nps = noun_phrases(sentence)
    found: dict[int, int] = {}
    for i, np in enumerate(nps):
        if any(np.start < e and np.end > s for s, e in exclude):
            continue
        before = sentence[max(0, np.start - 80):np.start]
        after = sentence[np.end:np.end + 260]
        conf = 0
        people = _PEOPLE_AFTER.match(after)
        bodies = _BODIES_AFTER.match(after) if " " not in np.text else None
        if bodies and _is_demonym(np.text, _gaz()):
            # "several Dutch ministries", "French government websites"
            np.text = sentence[np.start:np.end + bodies.end()].strip()
            np.end = np.start + len(np.text)
            np.people = True
            after = sentence[np.end:np.end + 160]
        if re.search(r"\b(?:its|their|his|her|our|my)\s+$", before) and not (
                _SUBSIDIARY_AFTER.match(after) and (_VICTIM_BEFORE.search(before) or has_trigger)) or \
                _NOT_TARGET_AFTER.match(after) or \
                _SOURCE_BEFORE.search(before):
            conf = 0  # "claimed the attack on its Telegram channel"; "ALPHV's operators", "the X gang"
        elif people and has_trigger:
            np.text = sentence[np.start:np.end + people.end()].strip()
            np.end = np.start + len(np.text)
            np.people = True
            conf = 55
        elif _VICTIM_BEFORE.search(before) or _FROM_BEFORE.search(before) or (
                has_trigger and _FRONTED_OWN_ASSET.search(before)):
            conf = 60
            if _LISTED.search(before):
                np.people = True  # "such as A, B": named organisations even when a town shares the name
        elif _VICTIM_AFTER.search(after) or (_OFFLINE_AFTER.match(after) and _OFFLINE_BEFORE.search(before)):
            conf = 60  # "X was hit"; "took the broadcaster X off air"
        elif _NAMED_ATTACK_AFTER.match(after) and not np.text.lower().startswith(("the ", "a ", "an ")) and (
                " " in np.text.strip() or np.text.split()[-1].lower() in _ORG_WORDS) and not (
                re.search(r"\b(?:by|from)\s+(?:the\s+)?$", before)):
            conf = 50  # "the Change Healthcare attack", "in the Colonial Pipeline hack"
        elif has_trigger and _POSSESSIVE_ASSET.search(after):
            pa = _POSSESSIVE_ASSET.search(after)
            if re.match(r"^(?:'s|’s)\s+(?:\w+\s+){0,2}?(?:campaign|team|party|staff|offices?|firm|company)\b", after):
                np.text = sentence[np.start:np.end + pa.end()]  # "Macron's party", "Beckham's PR firm"
                np.end = np.start + len(np.text)
                np.people = True
            conf = 50
        elif has_trigger and i == 0 and _SUBJECT_START.fullmatch(sentence[:np.start]) and \
                _OWN_ASSET.search(sentence[np.end:]):
            conf = 45
        elif has_trigger and re.match(r"(?:City|Town|County|Borough|Ministry|Department|University|Council|"
                                      r"Municipality|Government|State|Port|Bank)\s+of\b", np.text) and \
                not _SPEECH_NEAR.match(after):
            conf = 40
        elif has_trigger and i == 0 and _SUBJECT_START.fullmatch(sentence[:np.start]) and \
                np.text.split()[-1].lower().strip(".") in _ORG_WORDS \
                and not _SPEECH_NEAR.match(after):
            conf = 40
        if conf and (_AUTHORITY.search(np.text) or re.match(r"^(?:'s|’s)\s+office\b", after)):
            conf = 0
        if conf:
            found[i] = max(found.get(i, 0), conf)
    # lists share the role: "such as A, B, C and D", "A and B were hit"
    changed = True
    while changed:
        changed = False
        for i in range(len(nps) - 1):
            a, b = nps[i], nps[i + 1]
            gap = sentence[a.end:b.start]
            if re.fullmatch(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|,?\s+as\s+well\s+as\s+(?:the\s+)?)"
                            r"(?:the\s+)?", gap):
                if i in found and i + 1 not in found:
                    found[i + 1] = found[i]
                    b.people = b.people or a.people
                    changed = True
                elif i + 1 in found and i not in found and _VICTIM_AFTER.search(sentence[b.end:b.end + 160]):
                    found[i] = found[i + 1]
                    changed = True
    # "the US Treasury and Commerce departments": each listed name is a department
    for i in sorted(found):
        m = re.match(r"\s+(departments|ministries|agencies)\b", sentence[nps[i].end:nps[i].end + 20])
        if not m:
            continue
        word = {"departments": "Department", "ministries": "Ministry", "agencies": "Agency"}[m.group(1)]
        j = i
        while j in found:
            if " " not in nps[j].text and not nps[j].text.endswith(word):
                nps[j].text = f"{nps[j].text} {word}"
            gap = sentence[nps[j - 1].end:nps[j].start] if j > 0 else ""
            if j == 0 or not re.fullmatch(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)(?:the\s+)?", gap):
                break
            j -= 1
    return [(nps[i], c) for i, c in sorted(found.items())]


_OFFLINE_AFTER = re.compile(r"^\s+(?:off[- ]?(?:the\s+)?(?:air|line)|offline|out\s+of\s+(?:action|service)|down)\b", re.I)
_OFFLINE_BEFORE = re.compile(r"\b(?:took|taken|take|takes|taking|knocked|knocking|knocks|forced|forcing|brought|bringing|"
                             r"put|putting)\s+(?:the\s+|a\s+|an\s+)?(?:[a-z][\w-]*\s+){0,3}$", re.I)
# "its Change Healthcare subsidiary": the subsidiary of the speaker is hit
_SUBSIDIARY_AFTER = re.compile(r"^\s+(?:subsidiary|unit|division|arm|affiliate|business)\b", re.I)
# "More than four months after criminals broke into its network, the British Library ...": the fronted clause
# names the subject's own systems as hit
_FRONTED_OWN_ASSET = re.compile(
    r"\b(?:into|hit|hitting|breached|hacked|attacked|encrypted|crippled|compromised|disrupted|infiltrated|wiped|"
    r"on|against|targeted)\s+(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:network|networks|systems?|servers?|computers?|"
    r"website|data|infrastructure|databases?)\s*,\s*(?:the\s+)?$", re.I)
_NAMED_ATTACK_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:ransomware\s+|cyber\s+|data\s+|DDoS\s+|security\s+|network\s+)?(?:attack|cyber-?attack|"
    r"hack|breach|intrusion|compromise|ransomware\s+incident|cyber\s+incident|security\s+incident)\b", re.I)


_SPEECH_NEAR = re.compile(r"^\W*(?:said|says|told|stated|spokes\w+|has\s+opened|opened|launched\s+an\s+investigation|"
                          r"is\s+investigating|investigat\w+)\b", re.I)
