"""Event triggers mapped to the incident taxonomy (db/taxonomy.py) with the domain facet.

:func:`triggers` returns the :class:`Trigger` objects of one sentence; :func:`modality` tells whether the
sentence reports something that happened or only a possibility, a warning or a general statement.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .text import fold_lower


@dataclass(frozen=True)
class Trigger:
    type: str
    domain: str  # cyber, physical
    strength: int  # 3 a specific event word, 2 a clear but general one, 1 weak (outage, attack)
    start: int
    end: int
    text: str


_I = re.I
_RULES: list[tuple[re.Pattern, str, str, int]] = []


def _r(pattern: str, type_: str, domain: str = "cyber", strength: int = 3, flags: int = _I) -> None:
    _RULES.append((re.compile(pattern, flags), type_, domain, strength))


_INFRA = (r"(?:(?:fib(?:re|er)[- ]?(?:optic)?|optical|telecom(?:munications?)?|internet|undersea|submarine|power|"
          r"electric(?:ity|al)?|network|communications?|phone|copper|data)\s+)?(?:cables?|lines?|links?|wires?)|"
          r"powerlines?|pylons?|masts?|relay antennas?|antennas?|(?:communications?|telecom|mobile|phone|radio)\s+"
          r"(?:tower|mast)s?|substations?|transformers?|railway signal\w*|signal boxes|rail lines?")
_CUT = (r"cut|severed|sever|slashed|sliced|sabotaged|set on fire|set fire to|set alight|set ablaze|torched|burn(?:ed|t)|"
        r"damaged|vandali[sz]ed|destroyed|blown up|ripped out|dug up|cutting|severing")
# physical sabotage of infrastructure
_r(rf"\b(?:{_INFRA})\b(?:\s+\w+){{0,7}}?\s+(?:(?:had\s+been|have\s+been|has\s+been|were|was|being|been|had|"
   rf"got)\s+)?(?:found\s+to\s+(?:have\s+been|be)\s+)?(?:{_CUT})\b", "availability/sabotage", "physical", 3)
_r(rf"\b(?:{_CUT})\s+(?:\w+\s+){{0,4}}?(?:{_INFRA})\b", "availability/sabotage", "physical", 3)
_r(r"\b(?:cable|fib(?:re|er))\s+cuts?\b", "availability/sabotage", "physical", 3)
# "acts of vandalism on long-distance fibre optic cables": vandalism of infrastructure is its sabotage
_r(rf"\b(?:vandalism|damage|attacks?)\s+(?:on|to|against)\s+(?:[\w-]+\s+){{0,4}}?(?:{_INFRA})\b",
   "availability/sabotage", "physical", 3)
_r(r"\b(?:acts?|wave|campaign|series)\s+of\s+sabotage\b|\bsabotage\s+(?:campaign|attacks?|operation)\b",
   "availability/sabotage", "physical", 3)
_r(r"\bphysical\s+attacks?\b", "availability/sabotage", "physical", 2)
_r(r"\battacks?\s+(?:on|against)\s+(?:\w+\s+){0,3}?(?:infrastructure|facilities|grid|pipelines?|cables?|pylons?|"
   r"networks?|servers?|systems?|websites?|sites)\b", "other/undetermined", "cyber", 2)
_r(r"\b(?:were|was|been|being|are|is|got)\s+(?:\w+\s+)?targeted\b|\bhackers?\s+(?:have\s+|had\s+)?targeted\b|"
   r"\bamongst\s+the\s+targets\b|\bamong\s+the\s+targets\b|\b(?:came|come|coming)\s+under\s+(?:cyber-?)?attack\b|"
   r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:the\s+)?(?:target|victim)s?\s+of\b|"
   r"\battacks?\s+(?:were|was|had\s+been)\s+(?:\w+\s+)?(?:carried\s+out|launched|conducted|perpetrated)\b|"
   r"\bhit\s+(?:\w+\s+){0,2}?by\s+(?:a\s+|an\s+)?(?:\w+\s+){0,2}?(?:attacks?|hackers?)\b",
   "other/undetermined", "cyber", 2)
_r(r"\bsabotag(?:e|ed|ing)\b", "availability/sabotage", "physical", 2)
_r(r"\barson\b|\bset\s+(?:on\s+fire|fire\s+to|alight|ablaze)\b|\bfirebomb\w*", "availability/sabotage", "physical", 2)
# a wiper: malware that erased or overwrote the data it hit
_r(r"\b(?:virus|malware|wiper|worm)\s+(?:\w+\s+){0,2}?(?:wiped|erased|overwrote|destroyed)\b",
   "malicious-code/malware", "cyber", 3)
# denial of service
_r(r"\bDDoS\b|\bdistributed\s+denial[- ]of[- ]service\b", "availability/ddos", "cyber", 3)
_r(r"\bdenial[- ]of[- ]service\b|\bDoS\s+attacks?\b", "availability/dos", "cyber", 3)
_r(r"\bflood(?:ed|ing|s)?\b(?:\s+\w+){0,6}?\s+(?:with\s+)?(?:(?:bogus|junk|malicious|fake|network)\s+)?"
   r"(?:traffic|requests|packets)\b|\bflood\s+of\s+(?:network\s+)?(?:traffic|requests)\b",
   "availability/ddos", "cyber", 3)
_r(r"\bsaturat(?:e|ed|ing)\s+(?:the|their|its)\s+(?:\w+\s+)?(?:network|servers?|bandwidth)\b",
   "availability/dos", "cyber", 3)
# outages
_r(r"\b(?:knock(?:ed|ing|s)?|took|taken|take|taking|brought|forced|went|go(?:ne)?)\s+(?:\w+\s+){0,4}?(?:offline|"
   r"off[- ]air)\b|"
   r"\bknocked\s+out\b|\bknocks?\s+out\b", "availability/outage", "cyber", 2)
_r(r"\b(?:outages?|blackouts?|disruptions?|slowdowns?)\b", "availability/outage", "cyber", 1)
_r(r"\bcyber[- ]?attacks?\b|\bcyber[- ]?assaults?\b|\bcyber[- ]?incidents?\b|\bhacking\s+attacks?\b",
   "other/undetermined", "cyber", 2)
# intrusions
_r(r"\bdefac(?:e|ed|es|ing|ement|ements)\b", "intrusions/defacement", "cyber", 3)
_r(r"\b(?:web)?sites?\b(?:\s+\w+){0,3}?\s+(?:altered|modified|hijacked)\s+to\s+(?:show|display)\b|"
   r"\bpost(?:ed|ing)?\s+(?:\w+\s+){0,4}(?:messages?|symbols?|images?|banners?)\s+(?:\w+\s+){0,6}?on\s+"
   r"(?:\w+\s+){0,3}?(?:web)?sites?\b", "intrusions/defacement", "cyber", 3)
_r(r"\b(?:hack(?:ed|s)?|hijack(?:ed)?|took\s+over|compromised|taken\s+over)\s+(?:\w+\s+){0,4}?"
   r"(?:e-?mail|social\s+media|twitter|facebook|instagram|youtube|linkedin|user|customer)?\s?accounts?\b|"
   r"\baccounts?\s+(?:\w+\s+){0,3}?(?:were|was|had\s+been|have\s+been|has\s+been)\s+(?:hacked|hijacked|"
   r"compromised|taken\s+over)\b|\bcredential\s+stuffing\b|\baccount\s+takeovers?\b",
   "intrusions/account-compromise", "cyber", 3)
_r(r"\bhack(?:ed|ers?\s+(?:broke|got)\s+into)\b|\bbroke\s+into\b|\bhacked\s+into\b|\bcompromised\s+(?:\w+\s+){0,3}?"
   r"(?:systems?|servers?|networks?|computers?|infrastructure)\b|\bintrusions?\b",
   "intrusions/system-compromise", "cyber", 3)
_r(r"\bhack\b|\bhacking\b|\bcompromised\b", "intrusions/system-compromise", "cyber", 1)
# "on suspicion of hacking into the emails of X": hacking into something named is one intrusion, not hacking in general
_r(r"\bhacking\s+into\s+(?:the|its|their|his|her)\s+(?:[\w-]+\s+){0,3}?(?:e-?mails?|e-?mail\s+accounts?|accounts?|"
   r"servers?|systems?|networks?|computers?|phones?|databases?|websites?|inboxes)\b", "intrusions/system-compromise",
   "cyber", 2)
# information content
_r(r"\bdata\s+breach(?:es)?\b|\bbreach(?:ed|es)?\b|\bsecurity\s+incident\b",
   "information-content-security/data-leak", "cyber", 3)
# a breach told without the word: "got his hands on 6 million email addresses", "made off with customer
# records", "the theft of patient files", "addresses and passwords from 300 universities have been stolen"
_r(r"\b(?:leak(?:ed|s|ing)?|dump(?:ed)?|exfiltrat(?:ed|ion)|stole|stolen|steal(?:ing|s)?|exposed|exposing|"
   r"published|posted|sold|selling|released|theft\s+of|made\s+(?:off|away)\s+with|(?:got|get|gets|getting|gotten)"
   r"\s+(?:\w+\s+)?hands\s+on)\b(?:\s+\S+){0,8}?\s+(?:data|records|details|information|files|"
   r"documents|emails|e-mails|passwords|credentials|database|databases|accounts|names|numbers|photos|"
   r"photographs|messages|addresses|logins|usernames)\b|\b(?:data|records|information|details|passwords|"
   r"credentials|databases?|e-?mails|addresses|files|documents)\s+"
   r"(?:\S+\s+){0,10}?(?:were|was|had\s+been|have\s+been|has\s+been|being)\s+(?:\w+\s+)?(?:leaked|stolen|"
   r"exposed|compromised|accessed|taken|dumped|published|posted|sold)\b|\bdoxx?(?:ed|ing)\b",
   "information-content-security/data-leak", "cyber", 3)
_r(r"\bunauthori[sz]ed\s+(?:access|third\s+part(?:y|ies))\b|\baccessed\s+without\s+authori[sz]ation\b|"
   r"\bgained\s+access\b|\billegally\s+accessed\b", "information-content-security/unauthorised-access", "cyber", 3)
_r(r"\bwiper\b|\bwiped\s+(?:\w+\s+){0,3}?(?:data|systems|computers|servers|disks)\b|\bdeleted\s+(?:\w+\s+){0,3}?"
   r"(?:databases?|data|files|backups)\b", "information-content-security/data-loss", "cyber", 3)
# malicious code
_r(r"\bransomware\b|\bransom\s+(?:demand|note|payment|attack)s?\b|\bdemand(?:ed|ing|s)?\s+(?:a\s+)?"
   r"(?:\$?[\d,.]+\s+\w*\s*)?ransom\b|\bpaid\s+(?:the\s+|a\s+)?ransom\b|\bencrypt(?:ed|ing)\s+(?:\w+\s+){0,3}?"
   r"(?:files|systems|data|servers|computers|databases)\b|\bextort(?:ed|ion|ing)?\b|\bransom\b|\bblackmail\w*|"
   r"\bdemand(?:ed|ing|s)?\s+(?:[€$£]|US\$)?\s?[\d,.]+\s*(?:m|k|bn|million|billion)?\b.{0,40}?\bin\s+exchange\s+for|"
   # "the attacker demanded the company pay 1 bitcoin": a demand for a cryptocurrency payment is an extortion
   r"\bdemand(?:ed|ing|s)?\s+(?:\S+\s+){0,4}?(?:pay|payment|sends?)\s+(?:\S+\s+){0,3}?(?:bitcoins?|btc|monero|xmr|"
   r"cryptocurrenc\w+)\b",
   "malicious-code/ransomware", "cyber", 3)
_r(r"\bmalware\b|\btrojan\b|\bspyware\b|\bbackdoor\b|\bbotnet\b|\binfect(?:ed|ing|ion)\b|\bkeylogger\b|"
   r"\bremote\s+access\s+tool\b|\bRAT\b|\bworm\b|\bcryptojack\w*|\bcryptominer\b",
   "malicious-code/malware", "cyber", 2)
# fraud
_r(r"\bphish(?:ing|ed|ers?)?\b|\bspear-?phish\w*|\bsmishing\b|\bvishing\b|\bscam\s+(?:e-?mails?|messages?|texts?|"
   r"calls?|campaign)\b|\b(?:fake|spoofed|fraudulent|bogus|malicious)\s+(?:e-?mails?|messages?|texts?|"
   r"login\s+pages?|websites?|invoices?)\b|\bimpersonat(?:ed|ing|es)\b|\bbusiness\s+email\s+compromise\b|"
   r"\bBEC\b", "fraud/phishing", "cyber", 3)
_r(r"\bmalspam\b|\bmalicious\s+(?:spam|e-?mails?|attachments?|links?|macros?)\b|\b(?:disguised|posing|poses|posed|pose|masquerading)\s+"
   r"as\b|\btrick(?:s|ed|ing)?\s+(?:\w+\s+)?(?:users|victims|people|customers|recipients|staff|employees)\b|"
   r"\bfake\s+(?:\w+\s+){0,2}?(?:pages?|notifications?|notices?|apps?|overlays?|invoices?|alerts?)\b|\bscammers?\b|"
   r"\be-?mails?\s+(?:\w+\s+){0,3}?(?:with|containing|carrying)\s+(?:\w+\s+)?(?:malicious|malware|links?|"
   r"attachments?)|\bharvest(?:ed|ing|s)?\s+(?:\w+\s+)?(?:credentials|details|passwords|logins)\b|\bcredential\s+"
   r"(?:theft|phishing|harvesting)\b|\bsteal\s+(?:\w+\s+)?(?:email\s+)?(?:credentials|logins|passwords)\b",
   "fraud/phishing", "cyber", 3)
_r(r"\bscam(?:s|med|mers?)?\b|\bfraud(?:sters?|ulent)?\b", "fraud/phishing", "cyber", 1)
_r(r"\b(?:stole|stolen|siphoned|theft\s+of|heist)\s+(?:\w+\s+){0,3}?(?:\$|€|£|US\$|\d[\d,.]*\s+(?:million|"
   r"billion)?\s*(?:dollars|euros|pounds)|funds|money|crypto\w*|bitcoin)", "fraud/financial-theft", "cyber", 3)
# abusive content
_r(r"\b(?:millions|thousands|hundreds)\s+of\s+(?:e-?mails|messages)\s+(?:were\s+)?sent\b|\bspam(?:med|ming)?\b",
   "abusive-content/spam", "cyber", 2)
# physical, non-cyber events reported beside cyber ones
_r(r"\bgraffiti\b|\bspray-?painted\b|\bdaubed\b|\bvandali[sz](?:ed|ing|m)\b|\btags?\b(?=.*\b(?:walls?|memorial|"
   r"buildings?)\b)", "other/vandalism", "physical", 2)
_r(r"\bshootings?\b|\bgunm[ae]n\b|\bterror(?:ist)?\s+attacks?\b|\brampage\b|\bbombings?\b|\bkillings\b|"
   r"\bmassacre\b|\bstabbing\b", "other/terrorism", "physical", 2)
_r(r"\bdisinformation\b|\binfluence\s+(?:operation|campaign)s?\b|\bpropaganda\s+campaign\b|\bforeign\s+"
   r"(?:interference|meddling)\b", "other/influence-operation", "cyber", 2)
_r(r"\bfoment\w*", "other/influence-operation", "cyber", 1)
# breaches that are not intrusions: card skimming, databases left open to anyone, stolen devices holding
# personal data (a device theft that names no data is ordinary crime, not a breach)
_r(r"\b(?:card[- ]?)?skimm(?:ers?|ing|ed)\b|\bformjack\w*|\b(?:ram|memory)[- ]scrap\w*|"
   r"\b(?:point[- ]of[- ]sale|pos)\s+malware\b", "information-content-security/data-leak", "cyber", 3)
_r(r"\b(?:unsecured|unprotected|misconfigured|exposed|publicly\s+accessible|publicly\s+available)\s+(?:[\w-]+\s+)"
   r"{0,2}?(?:databases?|servers?|buckets?|instances?)\b|\b(?:databases?|servers?|buckets?)\b(?:\s+\S+){0,6}?\s+"
   r"(?:left|was|were|had\s+been|has\s+been)\s+(?:\w+\s+)?(?:exposed|unprotected|unsecured|open|publicly\s+"
   r"accessible)\b", "information-content-security/data-leak", "cyber", 3)
_DEVICE = (r"(?:laptops?|computers?|hard\s+(?:drives?|disks?)|usb\s+(?:sticks?|drives?|keys?)|thumb\s+drives?|"
           r"memory\s+sticks?|backup\s+(?:tapes?|drives?)|tablets?|smartphones?|devices?|equipment|machines?)")
_PERSONAL = (r"(?=[^.]*?\b(?:personal|private|sensitive|confidential|patients?|customers?|employees?|voters?|"
             r"students?|data|records|information|files|details)\b)")
_r(rf"\b(?:stole|stolen|theft\s+of|thieves\s+took)\s+(?:[\w-]+\s+){{0,5}}?{_DEVICE}\b{_PERSONAL}|"
   rf"\b{_DEVICE}\b{_PERSONAL}(?:\s+\S+){{0,10}}?\s+(?:was|were|had\s+been|has\s+been|have\s+been|got)\s+"
   r"(?:\w+\s+)?stolen\b", "information-content-security/data-leak", "cyber", 3)
# deceptive people rather than messages: "pretending to be government officials", "socially engineering staff"
_r(r"\bpretend(?:s|ed|ing)?\s+to\s+(?:be|come)\b|\bsocial(?:ly)?[- ]engineer\w*|\bfake\s+(?:[\w-]+\s+){0,2}?"
   r"(?:downloads?|updates?|versions?)\b", "fraud/phishing", "cyber", 3)
# an intrusion told as getting in: "infiltrated the agency's network", "hackers got into the system"
_r(r"\binfiltrat(?:ed|ing|ion\s+of)\s+(?:\S+\s+){0,3}?(?:networks?|systems?|servers?|computers?|accounts?|"
   r"databases?|websites?|platforms?|cms|e-?mail)\b|\b(?:hackers?|attackers?|intruders?|cyber-?criminals?)\s+"
   r"(?:\w+\s+){0,2}?(?:got|get|gets|getting)\s+into\b", "intrusions/system-compromise", "cyber", 3)
# vulnerabilities (not attacks)
_r(r"\bvulnerabilit(?:y|ies)\b|\bflaws?\b|\bbugs?\b|\bCVE-\d{4}-\d+|\bzero-?days?\b|\bpatch(?:ed|es|ing)?\b|"
   r"\bsecurity\s+(?:update|fix|advisory|hole)s?\b|\bproof[- ]of[- ]concept\b|\bremote\s+code\s+execution\b|"
   r"\bmisconfigur\w+|\bunprotected\b|\bexploitable\b", "vulnerable/vulnerable-system", "cyber", 2)


_ANCHORS = [
    "cable line link wire pylon mast antenna tower substation transformer railway signal powerline + "
    "cut sever slashed sliced sabotag set torched burn damaged vandali destroyed blown ripped dug",
    "cable line link wire pylon mast antenna tower substation transformer railway signal powerline + "
    "cut sever slashed sliced sabotag set torched burn damaged vandali destroyed blown ripped dug",
    "cable fibre fiber + cut",
    "vandalism damage attack + cable line link wire pylon mast antenna tower substation transformer railway signal "
    "powerline",
    "sabotag",
    "physical",
    "attack + infrastructure facilities grid pipeline cable pylon network server system website site",
    "target hacker under victim attack hit",
    "sabotag",
    "arson set firebomb",
    "virus malware wiper worm + wiped erased overwrote destroyed",
    "ddos distributed",
    "denial dos",
    "flood",
    "saturat",
    "offline knock air",
    "outage blackout disruption slowdown",
    "cyber hacking",
    "defac",
    "altered modified hijacked post",
    "hack hijack took compromised taken credential account + account credential stuffing takeover",
    "hack broke compromised intrusion",
    "hack compromised",
    "hacking + into",
    "breach security",
    "leak dump exfiltrat stole steal exposed exposing published posted sold selling released doxx doxed doxing "
    "accessed compromised taken theft made hands",
    "unauthori accessed gained illegally",
    "wiper wiped deleted",
    "ransom encrypt extort blackmail demand",
    "malware trojan spyware backdoor botnet infect keylogger remote rat worm cryptojack cryptominer",
    "phish spear smishing vishing scam fake spoofed fraudulent bogus malicious impersonat business bec",
    "malspam malicious disguised posing pose masquerading trick fake scammer email e mail harvest credential steal",
    "scam fraud",
    "stole stolen siphoned theft heist",
    "millions thousands hundreds spam",
    "graffiti spray daubed vandali tag",
    "shooting gunm terror rampage bombing killings massacre stabbing",
    "disinformation influence propaganda foreign",
    "foment",
    "skimm formjack ram memory point pos",
    "unsecured unprotected misconfigured exposed publicly left was were had has + database server bucket instance",
    "stole stolen theft thieves + laptop computer hard usb thumb memory backup tablet smartphone device equipment "
    "machine",
    "pretend social fake",
    "infiltrat hacker attacker intruder cyber",
    "vulnerabilit flaw bug cve zero patch security proof remote misconfigur unprotected exploitable",
]
assert len(_ANCHORS) == len(_RULES), (len(_ANCHORS), len(_RULES))
# Each rule runs only when every one of its anchor groups ("a b + c d": (a or b) and (c or d)) has a stem in the
# sentence; the rules then run without IGNORECASE on the accent-folded lowercase sentence (same offsets).
_STEM_GROUPS: dict[str, list[tuple[int, int]]] = {}
_NGROUPS: list[int] = []
for _i, _spec in enumerate(_ANCHORS):
    _groups = [g.split() for g in _spec.split("+")]
    _NGROUPS.append(len(_groups))
    for _g, _words in enumerate(_groups):
        for _w in _words:
            _STEM_GROUPS.setdefault(_w, []).append((_i, _g))
_STEMS = sorted(_STEM_GROUPS, key=len, reverse=True)
# the prefilter matches the longest stem at a word start: "stolen" must also count for the rules anchored on
# "stole", "attacker" for those anchored on "attack"
for _w in _STEMS:
    _STEM_GROUPS[_w] = sorted({g for _v in _STEMS if _w.startswith(_v) for g in _STEM_GROUPS[_v]})
_PREFILTER = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _STEMS) + ")")
_LOW_RULES = [(re.compile(re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), p.pattern)), t, d, st)
              for p, t, d, st in _RULES]

_HYPOTHETICAL = re.compile(
    r"\b(?:could|can|may|might|would|will|should|must)\s+(?:\w+\s+)?(?:be\s+|have\s+|also\s+)?(?:allow|let|enable|"
    r"exploit|use|lead|result|abuse|target|attack|hack|compromise|steal|launch|cause|take|gain|be\s+(?:used|"
    r"exploited|abused|targeted|hit))|\ballow(?:s|ed|ing)?\s+(?:a\s+|an\s+)?(?:remote\s+|unauthenticated\s+|local\s+)?"
    r"(?:attackers?|hackers?|adversar\w+|malicious)|\b(?:an?\s+)?attackers?\s+(?:could|can|may|might|would)\b|"
    r"\bif\s+(?:exploited|successful|an?\s+attacker)|\bpotential(?:ly)?\b|\bwarn(?:ed|s|ing)?\b|\bthreats?\s+to\b|"
    r"\brisk\s+of\b|\bat\s+risk\b|\bhow\s+to\b|\bprotect\s+(?:against|yourself)|\bavoid\b|\banticipat\w+|\bprepar\w+\s+for\b|"
    r"\bforecast|\bpredict\w*|\bexpect(?:s|ed)?\s+(?:to|a|an|more)\b|\bno\s+evidence\b|\bnot\s+(?:been\s+)?"
    r"(?:exploited|used)\b|\bruled\s+out\b", _I)
_GENERIC = re.compile(
    r"\bin\s+recent\s+years\b|\bsuch\s+(?:cases|attacks|incidents)\b|\bin\s+a\s+line\s+of\b|\bon\s+the\s+rise\b|"
    r"\bincreasing(?:ly)?\b|\baverage\b|\bevery\s+(?:year|day|month)\b|\btypically\b|\busually\b|\boften\b|"
    r"\bmost\s+(?:of\s+)?(?:these|such|ransomware|attacks)\b|\bper\s+cent\b|\bpercent\b|%|\bsurvey\b|\breport\s+"
    r"(?:found|shows|says)\b|\bresearch(?:ers)?\s+(?:found|say)\b|\btrend\b|\bstriking\s+similarity\b|"
    r"\bbears?\s+(?:a\s+)?(?:striking\s+)?similarit\w+|\breminiscent\s+of\b|\blike\s+(?:many|other)\b|"
    r"\brepeatedly\b", _I)


def triggers(text: str) -> list[Trigger]:
    """Event triggers of a sentence (several may overlap; the caller picks)."""
    return list(_triggers(text))


# "the defence was breached again before half-time", "a breach of contract", "breached the ceasefire": what is
# breached there is no computer system
_BARE_BREACH = frozenset({"breach", "breached", "breaches"})
_NOT_CYBER_OBJECT = (r"(?:defen[cs]es?|back\s*line|walls?|dams?|levees?|dykes?|dikes?|embankments?|perimeter\s+"
                     r"fences?|fences?|barriers?|cordons?|ceasefires?|truces?|agreements?|contracts?|deals?|rules?|"
                     r"regulations?|covenants?|terms|trust|duty|duties|peace|etiquette|protocol|bail|quotas?|limits?|"
                     r"thresholds?)")
_NOT_CYBER_BEFORE = re.compile(r"\b" + _NOT_CYBER_OBJECT + r"\b[^.;]{0,20}$")
_NOT_CYBER_AFTER = re.compile(r"\s+(?:of\s+)?(?:the\s+|their\s+|its\s+|his\s+|her\s+|a\s+)?(?:[a-z]+\s+)?" + _NOT_CYBER_OBJECT
                              + r"\b")


# Extraction reads a sentence's triggers twice (classifying it, then looking for the parties it presents as hit):
# remembering the last sentences' saves 7% of extraction on benchmarks/extract.py. Triggers are frozen.
@functools.lru_cache(maxsize=1024)
def _triggers(text: str) -> tuple[Trigger, ...]:
    low = fold_lower(text)
    seen: dict[int, set] = {}
    for m in _PREFILTER.finditer(low):
        for idx, grp in _STEM_GROUPS[m.group(0)]:
            seen.setdefault(idx, set()).add(grp)
    if not seen:
        return ()
    out = []
    for idx in sorted(seen):
        if len(seen[idx]) < _NGROUPS[idx]:
            continue
        pat, type_, domain, strength = _LOW_RULES[idx]
        for m in pat.finditer(low):
            if m.start() >= 5 and text[m.start() - 5:m.start()].lower() in ("anti-", "-anti"):
                continue
            if m.group(0) in _BARE_BREACH and (_NOT_CYBER_BEFORE.search(low, max(0, m.start() - 30), m.start())
                                               or _NOT_CYBER_AFTER.match(low, m.end(), m.end() + 30)):
                continue
            out.append(Trigger(type_, domain, strength, m.start(), m.end(), text[m.start():m.end()]))
    return tuple(out)


_HYPOTHETICAL_LOW = re.compile(re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), _HYPOTHETICAL.pattern))
_GENERIC_LOW = re.compile(re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), _GENERIC.pattern))


# "potentially compromised", "possibly exposed": a hedge on the extent of what happened, in the past tense
_HEDGED_EXTENT = re.compile(r"\b(?:potentially|possibly)\s+(?=(?:compromised|exposed|exposing|affected|affecting|accessed|stolen|impacted)\b)")
_HYPO_KEYS = ("could", "can", "may", "might", "would", "will", "should", "must", "allow", "attacker", "if ",
              "potential", "warn", "risk", "how to", "protect", "avoid", "anticipat", "prepar", "forecast",
              "predict", "expect", "no evidence", "not ", "ruled out")
_GEN_KEYS = ("recent years", "such ", "line of", "on the rise", "increasing", "average", "every ", "typically",
             "usually", "often", "most ", "per cent", "percent", "%", "survey", "report ", "research", "trend",
             "similarit", "reminiscent", "like ", "repeatedly")


def hypothetical(text: str) -> bool:
    """A possibility, warning, forecast or ruled-out event rather than something that happened ("the attack
    potentially compromised the accounts of X" hedges how far an event went, not whether it happened)."""
    low = _HEDGED_EXTENT.sub("", fold_lower(text))
    return any(k in low for k in _HYPO_KEYS) and bool(_HYPOTHETICAL_LOW.search(low))


def generic(text: str) -> bool:
    """A general statement or comparison ("in recent years", "such attacks", "on the rise")."""
    low = fold_lower(text)
    return any(k in low for k in _GEN_KEYS) and bool(_GENERIC_LOW.search(low))


# Preference between types when a sentence or incident has several: specific beats general.
PRIORITY = {
    "availability/sabotage": 9, "availability/ddos": 9, "availability/dos": 8, "intrusions/defacement": 9,
    "malicious-code/ransomware": 10, "information-content-security/data-leak": 8,
    "information-content-security/unauthorised-access": 7, "information-content-security/data-loss": 8,
    "intrusions/account-compromise": 7, "intrusions/system-compromise": 6, "fraud/financial-theft": 7,
    "malicious-code/malware": 5, "abusive-content/spam": 4, "fraud/phishing": 9, "availability/outage": 3, "other/vandalism": 6,
    "other/terrorism": 6, "other/influence-operation": 4, "other/undetermined": 1,
    "vulnerable/vulnerable-system": 0,
}

LABELS = {
    "availability/sabotage": "Sabotage", "availability/ddos": "DDoS attack", "availability/dos": "Denial-of-service attack",
    "availability/outage": "Outage", "intrusions/defacement": "Website defacements",
    "intrusions/system-compromise": "Intrusion", "intrusions/account-compromise": "Account compromise",
    "intrusions/application-compromise": "Application compromise",
    "information-content-security/data-leak": "Data breach",
    "information-content-security/unauthorised-access": "Unauthorised access",
    "information-content-security/data-loss": "Data destruction", "malicious-code/ransomware": "Ransomware attack",
    "malicious-code/malware": "Malware attack", "fraud/phishing": "Phishing campaign",
    "fraud/financial-theft": "Financial theft", "abusive-content/spam": "Spam campaign",
    "other/vandalism": "Vandalism", "other/terrorism": "Attack", "other/influence-operation": "Influence operation",
    "other/undetermined": "Cyber attack", "vulnerable/vulnerable-system": "Vulnerability disclosed",
}

ATTACK_CLASSES = {"availability", "intrusions", "information-content-security", "malicious-code", "fraud",
                  "abusive-content", "intrusion-attempts", "information-gathering"}
