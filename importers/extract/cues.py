"""The wording that grouping and drafting read: every cue regex and word list, defined once, named, with its why.

Sections follow the data flow: a sentence's attack words (classification), its dates, the grouping of sentences
into incidents, and the facts of a draft (places, targets, headline, date basis, status, title). The cues of
single sentences live next to their readers: attack words in :mod:`.types`, dates in :mod:`.dates`, parties and
their roles in :mod:`.actors`.
"""
from __future__ import annotations

import re

# ------------------------------------------------------------------------------- attack words of a sentence
# event types that are attacks although their class is not an attack class
ATTACK_OTHER_TYPES = ("other/undetermined", "other/vandalism", "other/terrorism", "other/influence-operation")
# "the attack", "the outage": fits any incident (and is no evidence of a cyber attack beside a physical one)
WILDCARD_TYPES = {"other/undetermined", "availability/outage"}
# a shooting or graffiti reported beside a cyber attack is another incident
PHYSICAL_OTHER_TYPES = {"other/vandalism", "other/terrorism"}
# in a sentence about a flaw, attack words describe what the flaw allows, unless the flaw was used
EXPLOITED = re.compile(r"\bin\s+the\s+wild\b|\bactively\s+exploited\b|\b(?:were|was|been|have|has|had)\s+"
                       r"exploited\b|\bexploited\s+by\b|\bused\s+(?:the\s+\w+\s+)?to\s+(?:hack|breach|steal)", re.I)
# negated: "payment details were not compromised", "no data was stolen" (the 30 characters before the word)
NEGATED = re.compile(r"\b(?:not|never|no|nor|without|n't|neither|rather\s+than|instead\s+of)\b(?:\s+[\w-]+){0,2}\s*$",
                     re.I)
# a trigger in "after the DDoS incident", "following this breach" refers to an event already told
PLACE_KINDS = frozenset({"country", "region", "city", "demonym", "area"})
"""The gazetteer kinds that make a name a place: a group whose name is also a place is a place unless worded as an
actor."""


def group_not_place(entries) -> bool:
    """A gazetteer hit's entries name a known threat-actor group and no place."""
    return any(e[0] == "actor" for e in entries) and not any(e[0] in PLACE_KINDS for e in entries)


# "Killnet claimed the attack on X", "NoName057(16) claims responsibility for these attacks": "attack" alone is no
# attack word (sport, war, illness), but a known threat-actor group claiming it is one (analysis.classify)
CLAIMED_ATTACK = re.compile(r"\bclaim(?:ed|s|ing)?\s+(?:responsibility\s+for\s+|credit\s+for\s+)?(?:the|this|these|"
                            r"those|a|an|last\s+\w+['’]s|(?:yesterday|today)['’]s)\s+(?:\w+\s+){0,2}?attacks?\b", re.I)
# "Separately, X targeted Y", "In a separate incident, ...": the writer says another event begins (grouping)
SEPARATE = re.compile(r"^\W*(?:separately|elsewhere|in\s+(?:a\s+)?separate\s+(?:\w+\s+)?(?:incident|attack|case|"
                      r"campaign|breach)|in\s+another\s+(?:\w+\s+)?(?:incident|attack|case|campaign|breach))\b", re.I)
REFERENCE = re.compile(r"\b(?:after|following|since|before|amid|like)\s+(?:the|this|that|these|those|last\s+\w+'s|"
                       r"(?:last|this)\s+\w+'s)\s+(?:[\w“”\"-]+\s+){0,3}$", re.I)
# "After the intrusion was discovered on 21 February, ...": the clause tells the event itself
DISCOVERED_AFTER = re.compile(r"\s+(?:was|were|had\s+been|has\s+been)\s+(?:first\s+)?(?:discovered|detected|spotted|"
                              r"noticed|identified|uncovered)\s+(?:on|in|at|late|early|last|this)\b", re.I)
# "The group has also claimed attacks against ...": the group's record, other incidents told in passing
RECORD = re.compile(r"\b(?:has|have|had)\s+(?:also\s+|since\s+|previously\s+|already\s+|repeatedly\s+)+"
                    r"(?:claimed|carried\s+out|launched|been\s+behind)\s+(?:\w+\s+){0,2}?attacks\b", re.I)

# ------------------------------------------------------------------------------------- dates of a sentence
_MONTHS_RE = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# a time adverbial that looks back from the story told ("Last year", "A month earlier", "Just days after ...",
# "In May"): a dated attack sentence opening with one tells another, earlier incident
PAST_MARKER = re.compile(rf"(?:[Ll]ast\s+(?:year|month|week|spring|summer|autumn|fall|winter|{_MONTHS_RE})|"
                         r"[Ee]arlier\s+this\s+(?:month|year)|(?:[Aa]|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|\d+)\s+"
                         r"(?:months?|weeks?|years?)\s+(?:earlier|before|ago|prior)|(?:[Jj]ust\s+|[Oo]nly\s+)?"
                         rf"(?:[Dd]ays|[Ww]eeks|[Mm]onths)\s+(?:after|before|earlier|later)|[Ii]n\s+{_MONTHS_RE}|"
                         r"[Tt]he\s+previous\s+(?:month|year|week))")
# a date in "such as last month's attack", "after last week's breach" is the date of another event
DATE_REFERENCE = re.compile(r"\b(?:such\s+as|like|after|following|since|before|than|similar\s+to|reminiscent\s+of)"
                            r"\s+(?:the\s+)?$", re.I)
# "a figure that had circulated since March": the start of a state, not the date of the event told
SINCE = re.compile(r"(?i)since\b")
SINCE_BEFORE = re.compile(r"(?i)\bsince\s+(?:at\s+least\s+|as\s+early\s+as\s+|as\s+far\s+back\s+as\s+)$")
# "X told a Senate committee on Wednesday that hackers entered ...": the day of the telling, not of the attack
# told in the clause after "that" (a disclosure verb instead dates when it was made known: DISCLOSURE)
SPEECH_BEFORE_DATE = re.compile(r"\b(?:told|said|says|testified|stated|wrote|explained|added)\b[^.;“”\"]{0,50}$", re.I)
THAT_AFTER_DATE = re.compile(r"^\s*,?\s*that\b", re.I)
# "..., the centre said on Thursday.": a date right after a speech verb, ending the clause, is when it was said
SAID_RIGHT_BEFORE_DATE = re.compile(r"\b(?:said|says|told\s+(?:[\w-]+\s+){1,3}?|stated|added|wrote)\s+$", re.I)
CLAUSE_ENDS_AFTER_DATE = re.compile(r"^\s*(?:[.;,]|$)")
# "Russia on Wednesday denied any involvement": a date right before a denial or a speech verb is when it was said
SAID_AFTER_DATE = re.compile(r"^\s*,?\s*(?:denied|denies|rejected|dismissed|said|told|accused|blamed|condemned|"
                             r"responded|warned)\b", re.I)
# "On Monday the chain said that card data was skimmed from May 3 to June 9": the day of the telling, when
# the sentence gives the event its own date
TELLING_AFTER_DATE = re.compile(r"\s*,?\s*(?:the\s+|a\s+|an\s+)?(?:[\w'’.&-]+\s+){0,4}?(?:has\s+|have\s+)?"
                                r"(?:announced|said|disclosed|revealed|confirmed|reported|stated|admitted)\s+that\b", re.I)
# "Prosecutors on Wednesday charged two men for the attack ... in March", "were arrested on Tuesday": the day of a
# step of the law, not of the attack
_LEGAL_STEP = r"(?:charged|indicted|arrested|sentenced|convicted|extradited|detained|jailed|sued|fined)"
# a story told from a step of the law ("X was convicted on Monday of extortion"): the attack it is about is dated
# elsewhere in the article, and is the same story
LEGAL_STEP = re.compile(r"\b(?:" + _LEGAL_STEP + r"|pleaded\s+guilty)\b", re.I)
LEGAL_STEP_AFTER_DATE = re.compile(r"^\s*,?\s*" + _LEGAL_STEP + r"\b", re.I)
# "the indictment released Wednesday", "a complaint unsealed on Monday": the day a paper of the law was made public
LEGAL_STEP_BEFORE_DATE = re.compile(
    r"\b(?:(?:was|were|been|be|being)\s+" + _LEGAL_STEP +
    # "was convicted at Harwick Regional Court on Monday"
    r"(?:\s+(?:at|in|by|before)\s+(?:the\s+|a\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})?"
    r"|(?:indictment|complaint|charges|lawsuit|court\s+"
    r"(?:papers|documents|filings?))\s+(?:(?:was|were)\s+)?(?:released|unsealed|filed|made\s+public))\s+(?:on\s+)?$",
    re.I)
# "after the intrusion was discovered on 21 February": the story told, dated (grouping: an undated lead story)
# ("The campaign, which began in mid-March", "The intrusion was only discovered on May 21", "The attack on September
# 27, 2024, caused ...")
STORY_DATED = re.compile(r"\b(?:the|this)\s+(?:attack|incident|breach|hack|intrusion|compromise|cyber-?attack|campaign|"
                         r"operation|infection|theft|leak)(?:\s*,?\s+(?:which\s+|that\s+)?"
                         r"(?:(?:(?:was|had\s+been|were)\s+)?(?:first\s+|only\s+|initially\s+|later\s+|finally\s+)?"
                         r"(?:discovered|detected|noticed|spotted|launched|carried\s+out)|took\s+place|occurred|happened|"
                         r"began|started)(?:\s+(?:on|in|between|from))?|\s+on)(?:\s+|\s+(?:mid-|early\s+|late\s+))$|"
                         # "an unauthorised party first gained access to its systems on April 2": where the story began
                         r"\b(?:first|initially)\s+(?:gained|got|obtained|had)\s+(?:unauthori[sz]ed\s+)?access\b[^.;]{0,60}?"
                         r"\s+(?:on|in|from|since)\s+$",
                         re.I)
# "according to the advisory published on December 3": when a flaw was made known
ADVISORY_BEFORE_DATE = re.compile(r"\b(?:advisory|advisories|bulletin|security\s+notice|alert)\s+(?:was\s+)?(?:published|"
                                  r"issued|released|posted)\s+(?:on\s+)?$", re.I)
# "overnight ... on Monday": the named day is the better date
VAGUE_DAY = re.compile(r"(?i)(?:overnight|today|tonight|this\s|earlier\s+today|in\s+the\s+(?:past|last)\s+24)")
# "Two months after a virus wiped ...": a span counted back from the publication
SINCE_EVENT = re.compile(r"(?i)(?:(?:just|only|some|barely)\s+)?(\d{1,2}|an?|one|two|three|four|five|six|seven|eight|"
                         r"nine|ten)\s+(weeks?|months?|years?)\s+(?:after|since)")
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}
# a less precise date opening the sentence that looks back ("Earlier, ...", "Last year", "In 2022") tells
# another incident than the more precisely dated current one
RELATIVE_OPENING = re.compile(r"(?i)(?:earlier|last|a|one|two|three|just|only|some|in|the\s+previous)")
# an unresolved calendar date ("March 11") has a digit and a capitalised word
DIGIT = re.compile(r"\d")
CAPITALISED = re.compile(r"[A-Z][a-z]+")
# "X became known in June 2023, when ...": the date opens the time the next sentences go on with
WHEN_AFTER = re.compile(r",?\s+when\b")

# ------------------------------------------------------------------------------------ grouping of sentences
# "the X ransomware gang": the attack word describes the group, it tells no new event
DESCRIPTOR_AFTER = re.compile(r"\s+(?:ransomware\s+|hacking\s+|hacker\s+|hacktivist\s+|extortion\s+)?(?:group|gang|"
                              r"crew|operation|operators?|affiliates?|collective|cartel|actors?|outfit|syndicate)\b",
                              re.I)
# "the TV5Monde operation": an incident named by the sentence
NAMED_EVENT = re.compile(r"\b(?:the\s+)((?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)\s+(?:attack|operation|hack|breach|incident|"
                         r"intrusion|campaign|outage|leak)\b")
# words that cannot name an earlier incident in "the X attack"
NOT_EVENT_NAMES = ("same", "first", "second", "latest", "new")
# "After criminals broke into its network, the library says ...": a past-tense clause of its own
CLAUSE_CONJUNCTION = re.compile(r"\b(?:after|when|since|as|once)\b", re.I)
PAST_VERB = re.compile(r"\b\w+(?:ed|oke|ole|uck|it)\b")
# a party's role told in a sentence without an event of its own ("X claimed to be behind ...")
# (and a legal step: "Prosecutors charged X with ...", "X pleaded guilty" often follows the story without an attack
# word of its own; "ruled out" names who did not do it)
ROLE_CUE = re.compile(r"\b(?:claim\w*|took\s+credit|responsib\w+|behind|accus\w+|blam\w+|suspect\w*|implicat\w+|"
                      r"attribut\w+|denie[sd]|deny|ties\s+to|linked\s+to|perpetrat\w+|statement|charg(?:ed|es|ing)|"
                      r"arrest\w*|indict\w*|pleaded|pled|convicted|sentenced|extradit\w+|ruled\s+out)\b", re.I)
# a claim may come two sentences after the story it claims
CLAIM_CUE = re.compile(r"\b(?:claimed\s+responsibility|took\s+credit|claimed\s+(?:the|this|these|an|a)\s+(?:\w+\s+)?"
                       r"attacks?)\b", re.I)
# the story goes on: "the attack", "this breach", "affected", "victims", "the hackers"
CONTINUES = re.compile(r"\b(?:the|this|that)\s+(?:\w+\s+)?(?:attack|incident|breach|outage|hack|intrusion|sabotage|"
                       r"assault|leak|investigation|inquiry|probe)\b|\binvestigators\b|\baffected\b|\bimpacted\b|\bvictims?\b|\bthe\s+(?:hackers|attackers|"
                       r"perpetrators|group|gang|extremists)\b", re.I)

# ------------------------------------------------------------------------------------------- type of a draft
# a malspam campaign that delivers the malware: the incident is the phishing (unless hedged)
DELIVERY = re.compile(r"\b(?:distributed|delivered|spread|sent|arriv\w+|propagat\w+|push\w*)\s+(?:\w+\s+){0,3}?"
                      r"(?:through|via|by|in|using)\s+(?:\w+\s+){0,2}?(?:malspam|spam|e-?mails?|phishing|"
                      r"attachments?|links?|messages?)\b", re.I)
# "may have been delivered by e-mail": a guess does not make the incident a phishing
HEDGE = re.compile(r"\b(?:may|might|could|possibly|probably|likely|believe[sd]?|suspect\w*|appears?)\b", re.I)

# ----------------------------------------------------------------------------------------- date of a draft
# the sentence that dates the story discloses it: the date is when it became known, unless "on"/"in" a date
DISCLOSURE = re.compile(r"\b(?:disclos\w+|announc\w+|reveal\w+|confirm\w+|report\w+)\b", re.I)
ON_OR_IN = re.compile(r"\b(?:on|in)\b", re.I)

# --------------------------------------------------------------------------------------- actors and places
# perpetrator names of the article: "the LockBit ransomware gang" is also "the LockBit"
GROUP_SUFFIX = re.compile(r"\s+(?:ransomware\s+|hacking\s+|hacker\s+|hacktivist\s+)?(?:group|gang|crew|team|operation)$")
# generic actors whose qualifier is not a place: "Sudanese hacktivists", "Russia-based hackers"
ACTOR_NOUN = re.compile(r"(?:hack|attack|cyber|criminal|threat|operatives|spies|agents|militants|terrorists|"
                        r"saboteurs|extremists|anarchists|jihadists|separatists|activists|nationals)")
# "denied any connection with Russia", "ties to Moscow", "insists it is based in Sudan": about the actor, not where
ACTOR_BASE = re.compile(r"\b(?:(?:connections?|ties|links?|linked|tied|alignment|affiliat\w*|loyal(?:ty)?|"
                        r"associated(?:\s+(?:it|them))?|(?:is|are|was|were|be|being)\s+based)\s+(?:with|to|in|from)|"
                        # "a hacking group operating from Russian territory", "backed by the Iranian state"
                        r"operat\w+\s+(?:from|out\s+of)|headquartered\s+in|(?:backed|sponsored|directed)\s+by|"
                        # "linking the campaign to the Russian state", "four members of China's army"
                        r"linking\s+(?:[\w-]+\s+){1,3}?to|(?:members?|officers?|agents?|operatives?|spies|soldiers|units?|"
                        r"arms?|branch|division)\s+of)"
                        r"\s+(?:the\s+)?$", re.I)
# "is being described in Washington as", "in a speech in New York": where it was talked about, not where it happened
DISCOURSE_PLACE = re.compile(r"\b(?:described|discussed|debated|said|speaking|spoke|speech|told|testif\w+|hearing|spokes\w+|"
                             r"conference|summit|interview|briefing|meeting|remarks|statement)(?:\s+[\w-]+){0,3}?\s+"
                             r"in\s+(?:the\s+)?$", re.I)
# "Washington attributes", "Moscow denied": a capital that speaks or acts for its state (after its name)
STATE_SPEAKS = re.compile(r"\s+(?:has\s+|have\s+|had\s+)?(?:attribut\w+|blam\w+|accus\w+|den(?:y|ies|ied)|said|says|"
                          r"claim\w*|insist\w*|sanction\w*|responded|warned|condemn\w+)\b", re.I)
# "the group has claimed similar attacks against Poland": the places named after are those of other incidents
OTHER_ATTACKS = re.compile(r"\b(?:similar|other|previous|earlier|past|prior)\s+(?:[\w-]+\s+)?(?:attacks?|campaigns?|"
                           r"incidents?|breaches|hacks|operations)\b", re.I)
# "in retaliation for Denmark's delivery of F-16 jets to Ukraine": the motive's places are not where it struck
MOTIVE_BEFORE = re.compile(r"\b(?:in\s+)?(?:retaliation|response|revenge|protest)\s+(?:for|to|against|over)\b[^.;:]*$",
                           re.I)
# "pro-Russian", "anti-Israel": a stance, not a place
PRO_ANTI = re.compile(r"(?:pro|anti)-$")

# ---------------------------------------------------------------------------------------------------- targets
# a sector, a ministry portfolio or a kind of system: alone, not the name of a party
GENERIC_BODY_WORDS = frozenset("""commerce treasury telecom telecoms telecommunications energy finance finances health
healthcare justice defence defense interior education transport transportation infrastructure industry banking
media government state customs agriculture labour labor security internet cloud email e-mail network networks
data it tech technology foreign home treasuries trade economy culture tourism aviation""".split())
# "Paris customers", "Lyon municipalities": people or bodies of a place, a target although the name is a place
PEOPLE_SUFFIX = re.compile(r"\s(?:customers|users|clients|subscribers|members|employees|staff|patients|residents|"
                           r"students|voters|citizens|shoppers|players|account holders|government\b.*|ministr\w+|"
                           r"agencies|banks|hospitals|municipalities|media.*|newspapers|companies|firms|airports|"
                           r"universities|schools|councils|authorities|institutions|websites|sites|outlets|operators|"
                           r"providers|utilities|infrastructure|businesses|organi[sz]ations|retailers|telecoms?|"
                           r"carriers|ports|railways|campaign|team|party|staff|offices?|firm|company)$", re.I)
# a place worded as a body ("the city of X", "municipalities") is a target
PLACE_AS_BODY = re.compile(r"(?:\b(?:city|town|municipality|commune|county|village|council|agglomeration|government|state|"
                           r"region|province)\s+of\s+(?:the\s+)?$)|municipalit|\bcities\b|\btowns\b|\bcommunes\b|"
                           r"\bcouncils\b", re.I)
# "1,200 Paris customers" names the place after a figure
LEADING_FIGURES = re.compile(r"^[\d\s,.]+")
# a target named as a public body (matched on the lowercased name)
GOVERNMENT_BODY = re.compile(r"\b(?:city|town|county|municipal\w*|ministr\w*|department|government|council|agenc\w*|"
                             r"authority|police|parliament)\b")

# --------------------------------------------------------------------------------------------------- headline
# "X chief defends ransom payment": the headline names the party hit
HEADLINE_VICTIM = re.compile(
    r"^(?:[\w'’-]+\s+){0,2}?(?P<name>(?:[A-Z][\w&.'’-]*\s+){0,3}[A-Z][\w&.'’-]*)(?:'s|’s)?\s+(?:chief\s+executive|chief|"
    r"CEO|boss|head|executives?|bosses)\b")
# only a headline about an attack names a target
HEADLINE_ATTACK = re.compile(r"\b(?:ransom\w*|attack\w*|breach\w*|hack\w*|cyber\w*|leak\w*|outages?|intrusion|"
                             r"extort\w*|blackmail\w*|wiper|malware|DDoS)\b", re.I)
# "The X" in a headline is "X" in the body
LEADING_ARTICLE = re.compile(r"^(?:The|A|An)\s+")
# a name found in a body sentence must stand as whole words there
WORD_CHAR = re.compile(r"[\w-]")
WORD_CHAR_END = re.compile(r"[\w-]$")

# ------------------------------------------------------------------------------------------ status and titles
# a sentence of the story saying it is confirmed makes the status "confirmed" (when no party has a role)
CONFIRMED = re.compile(r"\bconfirm\w*\b", re.I)
# a vulnerability-only report is titled by its CVE when it names one
CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b")
# the flaw itself, named: a vulnerability-only draft needs it (a review promising "three years of security
# updates" or an office suite "patched weekly" reports no flaw)
FLAW = re.compile(r"\bvulnerabilit(?:y|ies)\b|\bflaws?\b|\bbugs?\b|\bCVE-\d{4}-\d+|\bzero-?days?\b|\bexploit(?:s|ed|able)?\b|"
                  r"\bsecurity\s+holes?\b|\bproof[- ]of[- ]concept\b|\bremote\s+code\s+execution\b|\bmisconfigur\w+|"
                  r"\bunprotected\b|\bbackdoor\b", re.I)
# a physical sabotage is titled by what was hit and how ("Fibre optic cables cut")
SABOTAGED_THING = re.compile(r"(fib(?:re|er)[- ]optic (?:cables?|lines?|links?)|power ?lines?|cables?|pylons?|"
                             r"(?:communications? )?towers?|antennas?|masts?)")
SET_ON_FIRE = re.compile(r"set on fire|set alight|torched|burn")
CUT = re.compile(r"\bcut|sever")


def whole_words(words: str, possessive: bool = False) -> str:
    """A pattern for ``words`` standing between spaces or the ends of the text (for names known only at run time);
    ``possessive``: or followed by 's and a name ("Scotty" in "Scotty’s Brewhouse", not in "Macron's party")."""
    tail = r"(?:['’]s(?=\s+[A-Z]))?" if possessive else ""
    return rf"(?:^|\s){re.escape(words)}{tail}(?:\s|$)"


def standalone(name: str) -> str:
    """A pattern for ``name`` not inside a longer word or hyphenated name."""
    return rf"(?<![\w-]){re.escape(name)}(?![\w-])"
