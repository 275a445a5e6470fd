"""The role the wording of a sentence gives a perpetrator-side party (:mod:`.actors` finds the parties).

Roles: claimed, attributed (an official or a government names them; attributed_by is set), suspected, denied,
perpetrator (:func:`role_for`, with the cue that decided, for ``incidex extract --explain``). Negation and hedging
have the last word (:func:`qualified`): "wasn't from X", "ruled out X", "no evidence that X" give denied, never
perpetrator; "probably", "may have", "is believed to", "according to researchers at X" give suspected with a lower
confidence and the speaker when named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .explain import quote
from .words import FUNCTION


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
    cue: str = "named beside the attack, no role word"  # the wording that gave the role (incidex extract --explain)


# ------------------------------------------------------------------------------------------ role cues
_OFFICIAL = re.compile(
    r"\b(?:government|ministry|minister|ministers|officials?|authorities|agency|agencies|police|prosecutors?|"
    r"intelligence|president|prime\s+minister|secretary|spokes(?:man|woman|person)|head\s+of|chief|"
    r"cyber-?defen[cs]e|military|army|FBI|CISA|NSA|NCSC|ANSSI|BSI|GCHQ|Europol|Interpol|department|"
    r"White\s+House|Foreign\s+Office|state\s+department|Justice|admiral|general|investigators?|"
    r"attorney|cabinet|ambassador|embassy|parliament)\b", re.I)
_SPEECH = re.compile(r"\b(?:said|says|told|according\s+to|stated|announced|confirmed|believes?|believed|"
                     r"assessed|concluded|pointed|claimed)\b", re.I)

_CLAIM_AFTER = re.compile(
    # (or further on, as the verb after "and" of the same subject: "X listed the clinic on its leak site on Tuesday
    # and claimed to have stolen 300 GB")
    r"^\W{0,3}(?:(?:\w+\W+){0,4}?|[^.;]{0,90}?\band\s+)(?:has\s+|have\s+|had\s+|reportedly\s+|quickly\s+|later\s+|"
    r"publicly\s+|also\s+)*"
    r"(?:(?:claimed|claiming|claims|claim|took|taken|takes|taking|accepted|accepting)\s+(?:\w+\s+)?(?:responsibility|"
    r"credit|to\s+be\s+behind|ownership|the\s+attacks?)|(?:claimed|claims|claiming)\s+(?:\w+\s+)?(?:it|they|to)\s+"
    r"(?:had\s+|have\s+)?(?:hacked|breached|stole|stolen|attacked|taken\s+down|took\s+down|leaked|defaced|compromised|"
    r"carried\s+out|launched|been\s+behind)|"
    # "claimed the DDoS attacks on", "claims last week's defacements": the attack itself as the object
    r"(?:claimed|claims|claiming)\s+(?:(?:the|this|these|those|a|an)\s+)?(?:(?!(?:that|to|it|they|he|she|its|their)\b)"
    r"[\w'’-]+\s+){0,3}?(?:attacks?|cyber-?attacks?|hacks?|breach(?:es)?|intrusions?|defacements?|leaks?))\b", re.I)
_CLAIM_BEFORE = re.compile(r"\bclaimed\s+(?:\w+\s+){0,2}?by\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$|"
                           r"\b(?:responsibility|credit)\s+(?:was\s+)?(?:claimed|taken)\s+by\s+(?:the\s+)?$", re.I)
_DENY_AFTER = re.compile(r"^\W{0,3}(?:\w+\W+){0,4}?(?:has\s+|have\s+|had\s+|swiftly\s+|quickly\s+|strongly\s+|"
                         r"repeatedly\s+)*(?:denied|denies|deny|denying|rejected|dismissed|refuted)\b", re.I)
def denies_link(sentence: str, end: int) -> bool:
    """The party ending at ``end`` denies a tie to another party ("X has repeatedly denied any connection with
    Russia"): the sentence tells no role of it in the attack, neither a denial nor a perpetrator."""
    after = sentence[end:end + 90]
    return bool(_DENY_AFTER.search(after)) and _denial(after) is None


def _denial(after: str) -> re.Match[str] | None:
    """The denial wording after a party's name, when it denies the attack (not a tie to another party)."""
    c = _DENY_AFTER.search(after)
    return c if c and not _DENIED_LINK.match(after[c.end():]) else None


# "X has repeatedly denied any connection with Russia": X denies a tie to another party, not the attack
_DENIED_LINK = re.compile(r"^\s+(?:any\s+|all\s+|having\s+)?(?:connections?|links?|ties|affiliations?|relationships?)\s+"
                          r"(?:with|to)\s+(?!(?:the|this|these|those)\s+(?:\w+\s+)?(?:attacks?|hacks?|breach|incidents?|"
                          r"campaign|operation|intrusion)\b)", re.I)
_ACCUSE_BEFORE = re.compile(
    r"(?P<verb>\baccus(?:ed|es|ing|e)|\bblam(?:ed|es|ing|e)|\bsuspect(?:ed|s|ing)?|\bimplicat(?:ed|ing)|"
    r"\battribut(?:ed|es|ing|e)\s+(?:\w+\s+){0,4}?to|\bpointed\s+(?:the\s+finger\s+)?at|\bties\s+to|"
    r"\btied\s+to|\blinks?\s+to|\blinked\s+to|\bconnected\s+to|\bnamed|\bidentified|\bsanction(?:ed|s|ing)|"
    r"\bindicted|\bcharged|\bresembl(?:e|es|ed|ing)\s+(?:those|that)\s+of|\bfocus(?:ing|ed|es)?\s+on|"
    r"\bcarried\s+out\s+by|\bconducted\s+by|\blaunched\s+by|\bbehind\s+(?:the\s+)?"
    r"(?:\w+\s+){0,3}?(?:was|were|is|are)|\borchestrated\s+by|\bperpetrated\s+by|\bby)\s+(?:[\w'’“”\"-]+[\s,]+){0,9}?$",
    re.I)
_SUSPECT_AFTER = re.compile(
    r"^\W{0,3}(?:[\w'’-]+\W+){0,4}?(?:(?:reportedly|allegedly|also|again)\s+)*(?:(?:was|were|is|are|has\s+been|"
    r"have\s+been|had\s+been|being)\s+(?:(?:\w+ly|again|also|widely|long)\s+)?(?:accused|blamed|suspected|"
    r"implicated|believed|thought|alleged|said|linked|tied|connected)|(?:may|might|could)\s+have\s+been\s+behind|"
    r"(?:was|were|is|are)\s+(?:\w+ly\s+)?behind|(?:has|have|had)\s+(?:\w+\s+)?ties\s+to|"
    r"(?<=\s)(?:blamed|accused|suspected)\s+(?:of|for|in)\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:\w+ing|attacks?|hacks?|"
    r"breach\w*|intrusions?|leaks?)\b|"
    r"responsible\s+for\s+(?:the\s+|this\s+|these\s+)?(?:\w+\s+)?(?:attacks?|breach\w*|hack\w*|incidents?|"
    r"intrusions?|sabotage|campaign|operation|outages?|leak\w*))\b", re.I)
# the cue of a known group named in an attack sentence with no role word: the perpetrator by default
NAMED_BESIDE = "a known threat-actor group (MISP galaxy) named beside the attack"
# "NoName057(16) has used a volunteer tool called DDoSia": how the group works, not what it did in this attack
_HABIT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?used$", re.I)
_PERP_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,3}?(?:has\s+|have\s+|had\s+|reportedly\s+|allegedly\s+|also\s+)*(?:hacked|attacked|"
    r"breached|launched|targeted|stole|leaked|defaced|deployed|compromised|infiltrated|hit|struck|used|tricked|"
    r"conned|defrauded|scammed|duped|hijacked|ransacked|infected|extorted|impersonated|phished|bilked|"
    r"exploited|encrypted|demanded|sent|conducted|carried\s+out|broke|published|dumped|posted|flooded|"
    r"admitted\s+to\s+(?:being|hacking|stealing|taking\s+part|participating|conspir\w+)|confessed|pleaded\s+guilty)\b",
    re.I)


# the verb before "by" says who investigated, found or reported it, not who did it
_INVESTIGATED = re.compile(r"\b(?:arrest\w*|charged|indicted|detained|sentenced|convicted|investigat\w+|discovered|"
                           r"detected|spotted|found|reported|notified|fined|disclosed|confirmed|identified|"
                           r"tracked|uncovered|analy[sz]ed|examined|seized|taken\s+down|dismantled|disrupted)\s+"
                           r"(?:[\w'’-]+\s+){0,6}$", re.I)
_APPOSITIVE = re.compile(r"\s*,\s*(?:a|an|the|which\s+is|also\s+known\s+as|known\s+as)\s+[^,;.]{2,70},")


SUSPICION = "suspicion"
"""How the cue of a party begins when a verb about the act suspects it ("blamed", "links to", "traces resemble
those of"), unlike a description of the group ("is believed to be linked"): drafting.py reads it."""
HEDGED = "hedged by"
"""Added to a cue when a hedge ("probably", "may have") qualifies it."""


def role_for(sentence: str, start: int, end: int, strict: bool = False,
              agent: bool = False) -> tuple[str | None, str | None, str]:
    """(role, attributed_by, cue) for the party at [start, end) of the sentence, from the surrounding wording; the
    cue says which wording decided, quoted (``incidex extract --explain``).

    ``strict`` (for states): the accusing verb must come right before the name. ``agent``: the name says it is an
    attacker ("Iranian hackers"), so "an attempt by", "maintained by" make it the agent without an attack verb.
    """
    before = sentence[max(0, start - 90):start]
    after = sentence[end:end + 150]
    app = _APPOSITIVE.match(after)
    if app:
        after = after[app.end():]  # "Killnet, a pro-Russian hacktivist group, claimed ..."
    after = after[:90]
    if (c := _CLAIM_AFTER.search(after) or _CLAIM_BEFORE.search(before)):
        return "claimed", None, f"claim wording {quote(c.group(0))}"
    if (c := _denial(after)):
        return "denied", None, f"denial {quote(c.group(0))}"
    m = _ACCUSE_BEFORE.search(before)
    if m and strict and not re.search(r"(?:\b(?:accus\w+|blam\w+|blam\w+\s+on|suspect\w*|to|at|sanction\w*|named|"
                                      r"indicted|by|identified)\s+(?:the\s+)?)$", before):
        m = None
    if m:
        verb = m.group("verb").lower()
        said = quote(m.group("verb"))
        subject = sentence[:start - len(before) + m.start()]
        official = official_subject(subject)
        if verb.startswith(("accus", "blam", "attribut", "named", "identified", "sanction", "indicted",
                            "charged", "pointed")) and official:
            return "attributed", official, f"{official} {said} it"
        if verb == "by" and _INVESTIGATED.search(subject[-40:]):
            return None, None, f"named after {quote(_INVESTIGATED.search(subject[-40:]).group(0))}: who found it, not who did it"
        if verb.startswith(("carried", "conducted", "launched", "orchestrated", "perpetrated", "by")):
            speaker = official_speaker(sentence, (start, end))
            if speaker:
                return "attributed", speaker, f"agent {said}, as {speaker} says"
            if verb == "by" and not agent and not re.search(r"\b(?:attacks?|breach|hack\w*|carried|conducted|launched|"
                                              r"claimed|committed|targeted|hit)\b[\w\s,]*$", subject[-60:] + " ",
                                              re.I):
                return None, None, "after “by” with no attack word before it"
            return "perpetrator", None, f"agent {said}"
        if verb.startswith("behind"):
            return "perpetrator", None, f"agent {said}"
        return "suspected", None, f"{SUSPICION} {said}"
    if (c := _SUSPECT_AFTER.search(after)):
        return "suspected", None, f"said to be suspected {quote(c.group(0))}"
    if (c := _PERP_AFTER.search(after)) and not _HABIT.search(c.group(0)):
        return "perpetrator", None, f"subject of an attack verb {quote(c.group(0))}"
    return None, None, "no wording makes it the agent"


# the subject of a speech verb: a name and up to two common words ("Ukraine's SBU security service said")
_SPEAKER_BEFORE = re.compile(r"((?:[A-Z][\w'’.-]*\s+){1,4}(?:[a-z][\w-]*\s+){0,2}?)(?:has\s+|have\s+|had\s+)?$")
_SUBJ_NAME = re.compile(r"((?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)[^.;:]*$")


def official_subject(subject: str) -> str | None:
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


def official_speaker(sentence: str, party: tuple[int, int] = (0, 0)) -> str | None:
    """The official who says it, by name when one stands next to the official word (never the party itself)."""
    if not _SPEECH.search(sentence):
        return None
    m = None
    speech = _SPEECH.search(sentence, 0, party[0]) if party[0] else None
    if speech:
        # the speech comes before the party: its speaker is there, not in what describes the party after it
        # ("Ukraine's SBU said the attack was probably carried out by Sandworm, a unit of Russia's GRU")
        m = _OFFICIAL.search(sentence, 0, speech.start())
        if m is None and (subj := _SPEAKER_BEFORE.search(sentence, 0, speech.start())):
            return subj.group(1).strip()
    m = m or _OFFICIAL.search(sentence)
    if not m:
        return None
    w0 = max(0, m.start() - 60)
    for n in re.finditer(r"(?:[A-Z][\w'’.-]+\s+){1,4}[A-Z][\w'’.-]+", sentence[w0:m.end() + 60]):
        if not (w0 + n.start() < party[1] and w0 + n.end() > party[0]):
            return n.group(0).strip()
    return m.group(0).strip()


# ------------------------------------------------------------------------------------ negation and hedging
# A party whose part the sentence negates ("wasn't from X", "ruled out X", "no evidence that X", "X was not
# behind"): never a perpetrator; it is named as one who did not do it (role "denied").
_NEG_BEFORE = re.compile(
    r"(?:\b(?:not|never)|n['’]t)\s+(?:(?:\w+ly|been|be|have|actually|necessarily)\s+){0,2}(?:(?:come|came|coming|carried\s+"
    r"out|conducted|launched|perpetrated|orchestrated|committed|done|caused|sent)\s+)?"
    r"(?:from|by|behind|(?:linked|tied|connected)\s+to|the\s+work\s+of|responsible)\s+(?:the\s+|any\s+)?(?:\w+\s+){0,2}$|"
    r"\b(?:rul(?:ed|es|ing)\s+out|rule\s+out|exclud(?:ed|es|ing)|no\s+(?:evidence|indication|sign|proof|reason\s+to\s+"
    r"believe)\s+(?:that|of|linking|connecting|tying|pointing\s+to)|no\s+(?:links?|connection|ties)\s+(?:to|with|between)|"
    r"(?:unlikely|doubtful|not\s+clear|unclear)\s+(?:that|whether)|(?<!\bno\s)(?<!\blittle\s)doubts?\s+that|doubted\s+that|(?:do|does|did)\s+not\s+"
    r"(?:believe|think)\s+(?:that\s+)?|(?:rather|other)\s+than|instead\s+of|(?:not|n['’]t)\s+(?:\w+\s+)?(?:blame|"
    r"accuse|suspect|attribute)\w*)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
_NEG_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:(?:was|were|is|are|has|have|had|did|does|do)(?:\s+\w+ly)?\s+(?:not|never)\b|"
    r"(?:wasn|weren|isn|aren|hasn|haven|hadn|didn|doesn)['’]t\b)\s*(?:\w+\s+){0,2}?(?:behind|involved|responsible|"
    r"the\s+(?:culprit|source|perpetrator)s?|to\s+blame|(?:carry|carried)\s+out|hack|attack|launch|take\s+part)|"
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:had|has|have)\s+nothing\s+to\s+do\s+with", re.I)
# Hedging: "probably", "may have", "is believed to", "according to researchers": a suspicion, told with less
# confidence than a plain statement; within the clause of the name (the characters either side)
_HEDGE = re.compile(r"\b(?:probabl[ey]|possibl[ey]|likely|(?-i:may)|might|could|perhaps|presumabl[ey]|reportedly|allegedly|"
                    r"apparently|purportedly|supposedly|seemingly|believed?|thought|suspect\w*|appears?\s+to|seems?\s+to|"
                    r"is\s+said\s+to|are\s+said\s+to|according\s+to|speculat\w+|potentially|possible|circumstantial|"
                    r"hints?|suggests?|suggested|points?\s+to|indicates?)\b", re.I)
_CLAUSE_END = re.compile(r"[;:]|\s[–—-]\s|,\s+(?:but|while|whereas|although|though)\b")
# who says so: "according to researchers at X", "X said", "X believes"
_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+|a\s+)?(?P<who>(?:[a-z][\w-]*\s+){0,4}[A-Z][\w.'’&-]*"
                        r"(?:\s+[A-Z][\w.'’&-]*)*|researchers|investigators|officials|experts|analysts|authorities|"
                        r"prosecutors|police)")
_SAID_BY = re.compile(r"(?P<who>(?<![\w.])[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,4})\s*,?\s+(?:has\s+|have\s+|had\s+)?"
                      r"(?:said|says|believes?|believed|thinks|told|reported|wrote|noted|assessed|suspects?|suggested|"
                      r"concluded|claimed)\b|\b(?:said|says|told|reported|wrote|noted)\s+(?P<who2>(?:[a-z]+\s+){0,3}?"
                      r"[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,4})")
_NOT_SPEAKERS = frozenset({"it", "he", "she", "they", "we", "i", "the", "this", "that", "there", "but", "and"})


def _clause(sentence: str, start: int, end: int) -> tuple[str, str]:
    """The text of the name's clause before and after it (an em dash, a semicolon or ", but" ends a clause)."""
    before = sentence[max(0, start - 100):start]
    ends = list(_CLAUSE_END.finditer(before))
    if ends:
        before = before[ends[-1].end():]
    after = sentence[end:end + 100]
    m = _CLAUSE_END.search(after)
    if m:
        after = after[:m.start()]
    return before, after


def _speaker(sentence: str) -> str | None:
    """Who the sentence says tells it: "according to researchers at X", "X said", "said X" (a named party)."""
    m = _ACCORDING.search(sentence)
    if m:
        who = m.group("who").strip().rstrip(".,")
        if who.lower() not in _NOT_SPEAKERS:
            return who
    for m in _SAID_BY.finditer(sentence):
        who = (m.group("who") or m.group("who2") or "").strip()
        if who and who.split()[0].lower() not in _NOT_SPEAKERS and who.split()[0].lower() not in FUNCTION:
            return who
    return None


def qualified(sentence: str, p: Party) -> Party:
    """The party with the role the wording allows: negated, it is named as one who did not do it (denied); hedged,
    a perpetrator or attribution becomes a suspicion with a lower confidence and the speaker when named."""
    if p.role in ("denied", "target"):
        return p
    before, after = _clause(sentence, p.start, p.end)
    if (neg := _NEG_BEFORE.search(before) or _NEG_AFTER.search(after)):
        p.role, p.confidence = "denied", 30
        p.attributed_by = _speaker(sentence)  # who says it was not them
        p.cue = f"negation {quote(neg.group(0))} (read as: {p.cue})"
        return p
    if p.role == "claimed":
        return p
    hedged = _HEDGE.search(before[-70:]) or _HEDGE.search(after[:70])
    if hedged:
        if p.role in ("perpetrator", "attributed"):
            p.role = "suspected"  # "X said the attack was probably carried out by Y": X suspects Y
        p.confidence = min(p.confidence, 35)
        p.cue = f"{p.cue}; {HEDGED} {quote(hedged.group(0))}"
    if (hedged or p.role in ("suspected", "attributed")) and not p.attributed_by:
        # "X was behind the intrusion, the FBI said": who suspects it, never the party itself
        who = _speaker(sentence)
        surface = sentence[p.start:p.end]
        if who and surface not in who and who not in surface:
            p.attributed_by = who
    return p
