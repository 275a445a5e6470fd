"""The noun phrases of a sentence that its wording presents as hit (target candidates).

Targets: capitalised names in the object of attack verbs ("breaches at X", "hacked X", "attack on X"), the
subject of passive attack verbs ("X was hit"), victims reporting their incident ("X disclosed a breach"),
lists after "such as" / "include", and names with organisation words in attack sentences. Split from
:mod:`.actors` (the perpetrator side); the noun phrases themselves come from :mod:`.nounphrases`.
"""
from __future__ import annotations

import re

from . import explain
from .explain import quote
from .nounphrases import (
    BODY_AFTER_PLACE,
    COUNTRY_NOT_PRONOUN,
    PEOPLE_AFTER,
    NounPhrase,
    gaz_data,
    is_demonym,
    is_place_name,
    noun_phrases,
    place_kinds,
)


def _is_country_or_region(name: str) -> bool:
    return bool(place_kinds(name) & {"country", "region", "area"})


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

_VICTIM_BEFORE = re.compile(
    r"(?:\b(?:attacks?|cyber-?attacks?|assaults?|breach(?:es)?|intrusions?|hacks?|incidents?|raids?|"
    r"campaign|operation|infection|outages?|sabotage|compromise|heists?|DDoS|ransomware|malware|wiper|spyware)\s*(?:[—–][^—–]{1,80}[—–]\s*)?"
    r"(?:\w+\s+){0,1}?(?:on|against|at|targeting|hitting|affecting|of|into)\s+|"
    r"\b(?:hacked|breached|defaced|targeted|targeting|targets?|hit|hits|hitting|attacked|attacking|flooded|"
    r"plagued|plaguing|hobbled|hobbling|hampered|"
    r"infiltrated|compromised|crippled|disrupted|paralys[ea]d|paralyz[ea]d|struck|striking|impersonat(?:ed|ing)|"
    r"spoof(?:ed|ing)|belonging\s+to|owned\s+by|affecting|affected|victims?\s+(?:include|included|including|"
    r"were|was)|such\s+as|including|includ(?:e|ed)|amongst\s+them|like|posing\s+as|pretending\s+to\s+be|"
    r"masquerading\s+as|infected|encrypted|extorted|ransomed|includes|coerced?|coercing|blackmail(?:ed|ing)?|bilk(?:ed|ing)?|conn(?:ed|ing)|trick(?:ed|ing)?|fool(?:ed|ing)?|defraud(?:ed|ing)?|"
    r"scamm(?:ed|ing)|dup(?:ed|ing)|hacked\s+into|broke\s+into|inside|hitting|knocked|knocking|took\s+down|"
    r"taking\s+down|brought\s+down|bringing\s+down|encrypting|crippling|disrupting|breaching|wiped|wiping|"
    r"among\s+them|among\s+those|(?:computers|systems|servers|networks?|machines|devices|workstations|websites?|"
    r"databases?|files|records|data|e-?mails|e-?mail\s+accounts|inboxes|mailboxes|phones|IT\s+systems|profiles|"
    r"(?:social\s+media\s+)?accounts|pages|"
    r"channels|feeds)\s+(?:at|of|belonging\s+to|operated\s+by))\s+)"
    r"(?:the\s+|a\s+|an\s+)?(?:(?:more\s+than|over|nearly|almost|about|some)\s+(?:a\s+)?(?:dozen|\d[\d,]*|hundreds?|"
    r"thousands?)\s+(?:of\s+)?)?"  # "websites of more than a dozen major US airports"
    r"(?:[A-Z][a-z]+(?:'s|’s)\s+)?(?:(?:(?!(?:by|told|said|says|that|which|who|when|while|after|"
    r"before|because|to|and|but|was|were|is|are|has|have|had)\b)[a-z][\w-]*|[A-Z]{2,5}s?,?)\s+){0,4}?$")
_VICTIM_AFTER = re.compile(
    r"^,\s*(?:one\s+of\s+)?the\s+(?:\w+\s+)?(?:affected|targeted|victims?|hit)\b|"
    # "X are among the 1,200 locations that were victims", "X is among the victims"
    r"^\s+(?:are|is|were|was)\s+(?:also\s+)?among\s+(?:the\s+)?(?:(?:[\w,]+\s+){0,3}?(?:that|which|who)\s+(?:were|was|"
    r"have\s+been|had\s+been|has\s+been)\s+(?:\w+\s+)?(?:victims?|hit|affected|targeted|breached|hacked|compromised)|"
    r"(?:\w+\s+)?(?:victims|targets))\b|"
    # "X and the thousands of other victims"
    r"^\s+and\s+(?:the\s+)?(?:[\w,]+\s+){0,3}?other\s+victims\b|^(?:\s+in\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s*,?)?(?:\s*(?:[–—(,][^–—(),]{3,120}?[–—),]))?"
    r"\s*(?:'s\s+|’s\s+)?(?:(?:[a-z]\w*\s+){0,2}?"
    r"(?:was|were|has\s+been|have\s+been|had\s+been|been|is\s+being|are\s+being|got|became|is|are)\s+(?:\w+\s+)?"
    r"(?:hacked|breached|hit|attacked|targeted|compromised|defaced|knocked|taken\s+offline|infected|affected|"
    r"impacted|crippled|disrupted|flooded|paralysed|paralyzed|victims?|struck|down|offline|forced|"
    r"the\s+(?:latest\s+)?(?:victim|target))|(?:has\s+|have\s+|had\s+)?(?:(?:suffered|disclosed|confirmed|"
    r"reported|announced|revealed|admitted)\s+(?:that\s+it\s+(?:was|had\s+been|has\s+been)\s+\w+|(?:a|an|the|\d+|two|"
    r"three|four|five|six|several|multiple|numerous)\s+(?:[\w“”\"-]+\s+){0,3}?(?:breach|attack|cyber-?attack|incident|"
    r"hack|intrusion|compromise|outage|ransomware|leak)(?:e?s)?)|(?:(?:says|said)\s+(?:that\s+)?it\s+(?:has\s+|had\s+)?)?(?:notified|warned|alerted|informed)\s+(?:its\s+|their\s+|all\s+|the\s+)?(?:\w+\s+)?(?:customers|users|clients|patients|employees|staff|members|subscribers|guests|passengers|individuals|people|residents|students|regulators|authorities|police)|"
    r"(?:revealed|disclosed|confirmed|admitted|announced|learned|learnt|estimated)\s+(?:on\s+\w+\s+)?that\s+(?:[\w,$-]+\s+){0,10}?(?:customers|"
    r"passengers|users|clients|members|employees|patients|data|records|accounts|systems|servers|network)|"
    r"(?:paid|rejected|refused|received|declined|negotiated|(?:agreed|agrees|refused|refuses|decided|decides|opted|"
    r"chose|had)\s+to\s+pay)\s+(?:a\s+|the\s+|an\s+)?(?:[\w$€£.,]+\s+){0,3}?(?:ransom|bitcoin|in\s+bitcoin|extortion)|"
    # "X with 88,000 leaked employee records", "X forum with 12,000 accounts stolen", "X, with 9,000 records exposed"
    r",?\s*(?:[a-z][\w-]*\s+){0,2}?with\s+(?:about\s+|over\s+|nearly\s+|more\s+than\s+)?\d[\d,.]*\s*(?:million|billion|[km])?\s+"
    r"(?:(?:leaked|exposed|stolen|compromised|breached|hacked)\s+(?:[\w-]+\s+){0,2}?(?:records|accounts|files|"
    r"credentials|passwords|e-?mails|details)|(?:[\w-]+\s+){0,2}?(?:records|accounts|files|credentials|passwords|"
    r"e-?mails|details|data)\s+(?:were\s+)?(?:leaked|exposed|stolen|compromised|breached|accessed))|"
    # "X says that a ransomware attack began on Wednesday"
    r"(?:said|says|confirmed|reported|disclosed)\s+(?:on\s+\w+\s+)?(?:that\s+)?(?:a|an|the)\s+(?:[\w“”\"-]+\s+){0,3}?"
    r"(?:attack|breach|cyber-?attack|intrusion|hack|incident)[”\"]?\s+(?:began|started|occurred|happened|took\s+place|"
    r"(?:\w+\s+){0,2}?(?:its|their|our)\b)|"
    # "both owning up to a breach", "X is reported to have paid to get its files decrypted"
    r"(?:both\s+|also\s+)?admitt(?:ed|ing)\s+to\s+(?:a\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:compromised|breach|hack|attack|leak)|"
    r"(?:is|was|are|were)\s+(?:said|reported|believed)\s+to\s+have\s+paid|"
    r"paid\s+(?:(?:a|the|an)\s+)?(?:ransom\s+)?to\s+(?:regain|restore|recover|unlock|decrypt)|"
    # "handed over $12,000 ... paid $12,000 to get the keys"
    r"paid\s+(?:about\s+|nearly\s+|almost\s+|over\s+|more\s+than\s+)?(?:US)?[$€£][\d,.]+\s*(?:million|m|k)?\s+to\s+"
    r"(?:get|regain|restore|recover|unlock|decrypt)|"
    r"(?:(?:recently|also|later|now|previously|publicly)\s+)?(?:said|says|confirmed|disclosed|revealed|admitted|"
    r"acknowledged|announced)\s+(?:on\s+\w+\s+)?(?:that\s+)?"
    r"(?:it|(?:(?:some|many|one|two|three|several|\d+)\s+of\s+)?its\s+(?:\w+\s+){0,2}?(?:systems?|networks?|servers?|"
    r"websites?|services?|clients|customers|entities|subsidiaries|units|offices|members|users|employees|staff|"
    # "one of its databases used by clinicians to check claims was accessed": a relative clause may stand between
    r"databases?)(?:\s+(?:used|run|hosted|operated|that|which|holding|storing|containing)\b[^.;]{0,120}?)?)\s+"
    r"(?:had\s+|has\s+|have\s+)?(?:been|was|were|had|suffered|experienced|detected)\s+(?:\w+\s+){0,2}?(?:hacked|"
    r"breached|hit|attacked|targeted|compromised|infected|encrypted|disrupted|affected|impacted|exposed|accessed|"
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
    r"^(?:'s|’s|'|’)\s+(?:\w+\s+){0,2}?(?:systems?|servers?|networks?|websites?|sites?|databases?|data|customers|"
    r"users|accounts?|computers?|email|e-mail|infrastructure|services|members|employees|patients|clients|"
    r"campaign|team|party|staff|offices?|firm|company|portal|platform|service)\b",
    re.I)
_AUTHORITY = re.compile(r"\b(?:Prosecutor|Prosecutors|Commissioner|Court|Tribunal|FBI|Europol|Interpol|NCSC|ANSSI|CISA|"
                        r"CERT|Investigators?|Researchers?|Attorney|Police\s+Department|Sheriff|Secret\s+Service|"
                        r"Homeland\s+Security|Department\s+of\s+Justice|Justice\s+Department)\b")
_BODIES_AFTER = re.compile(
    r"^(?:\s+[a-z]+){0,2}?\s+(?:government(?:\s+(?:websites|sites|agencies|departments|networks))?|ministries|ministry|"
    r"agencies|banks|hospitals|municipalities|media(?:\s+outlets)?|newspapers|companies|firms|airports|universities|"
    r"schools|councils|authorities|institutions|outlets|operators|providers|utilities|"
    r"businesses|organi[sz]ations|corporations|enterprises|retailers|telecoms?|carriers|ports|railways|parliament|"
    r"senate|treasury|central\s+bank|embassy|presidency)\b(?!\s+(?:websites|sites)\b)")


_SUBJECT_START = re.compile(r"\W{0,3}(?:(?:The|A|An)\s+|(?:In|On|By|Last|Earlier|Since)\s+[\w-]+(?:\s+\d{4})?,?\s+(?:the\s+)?)?")


# a list of things or of experts, not of parties hit: "banking Trojans such as X", "apps like X", "security experts,
# including X", "websites such as X"
_THINGS_LISTED = re.compile(
    r"\b(?:malware|ransomware|trojans?|variants?|famil(?:y|ies)|strains?|tools?|apps?|"
    r"platforms?|browsers?|experts?|researchers?|analysts?|specialists?|"
    r"vendors?|information|data|numbers|details|files?|formats?|documents?|items?|payloads?|exploits?|threats?|"
    r"botnets?|kits?|spyware|viruses|worms?|services\s+like)\s*,?\s*(?:such\s+as|including|like|"
    r"include[sd]?|e\.g\.)\s+(?:the\s+)?(?:[A-Z][\w.-]*,?\s+(?:and\s+|or\s+)?){0,6}$", re.I)
_SOURCE_BEFORE = re.compile(r"\b(?:according\s+to|said|says|told|per|via|citing|cited\s+by|reported\s+by|quoted\s+by|"
                            r"researchers\s+at|analysts\s+at|experts\s+at|firm|vendor|(?:report|study|research|analysis|blog\s+post)\s+(?:by|from))"
                            r"\s+(?:the\s+)?$", re.I)
# "smartphones with Google’s operating system": the maker of a product the attack uses or runs on is no party hit
_PRODUCT_OF = re.compile(r"^(?:'s|’s)\s+(?:[\w-]+\s+)?(?:operating\s+systems?|software|browsers?|apps?|products?|"
                         r"source\s+code|programs?)\b", re.I)
# "Adwind Remote Access Tool", "Remote Desktop Protocol": a name that ends with what it is, a tool or a technology
_TECHNOLOGY_NAME = re.compile(r"\s(?:Tool|Toolkit|Protocol|Trojan|Exploit\s+Kit|Framework|Botnet|Malware|Ransomware|"
                              r"Backdoor|Rootkit)$")
# "Democratic Party members", "Harbor Union members": the people of a body that has members are hit with it
# ("LockBit members" are a gang's: a group, not a party hit)
_MEMBERS_OF_BODY = re.compile(r"^\s+members\b")
_MEMBER_BODIES = frozenset("party union association club committee council federation society church parliament "
                           "senate assembly".split())
_NOT_TARGET_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:ransomware\s+|hacking\s+|hacker\s+|hacktivist\s+|threat\s+)?(?:group|gang|crew|operators?|"
    r"affiliates?|operation|hackers|wallet|malware|ransomware(?!\s+(?:attack|incident))|collective|actors?|members|"
    r"leak\s+site)\b|"
    # "a JPEG file", "Word documents", "IoT exploits", "an IRC bouncer", "Linux based networks", "HK$119,000"
    r"^\s*(?:\$|-?\s*(?:files?|formats?|attachments?|documents?|exploits?|bouncers?|horses?|operating\s+systems?|"
    r"based|vulnerabilit(?:y|ies)|flaws?|bugs?|patch(?:es)?|updates?|plugins?|plug-ins?|extensions?|macros?|"
    r"scripts?|bots?|worms?|trojans?|strains?|variants?|payloads?|samples?|forms?|"
    # "infected 600,000 Android devices": the maker or the platform of the devices hit
    r"devices|smartphones|handsets|tablets|routers|phones)\b)", re.I)


# lead-ins of _VICTIM_BEFORE that name no attack themselves
_WEAK_LEAD = re.compile(r"(?:such\s+as|including|includ(?:e|ed|es)|like|amongst\s+them|among\s+them|among\s+those|"
                        r"belonging\s+to|owned\s+by|inside|posing\s+as|pretending\s+to\s+be|masquerading\s+as|"
                        r"affecting|affected|targets?|(?:computers|systems|servers|networks?|machines|devices|"
                        r"workstations|websites?|databases?|files|records|data|email\s+accounts|IT\s+systems|profiles|"
                        r"(?:social\s+media\s+)?accounts|pages|channels|feeds)\s)", re.I)
_LISTED = re.compile(r"\b(?:such\s+as|including|include[sd]?|among(?:st)?(?:\s+them)?|like|(?:ISPs?|providers?|operators?|"
                     r"compan(?:y|ies)|firms?|outlets?|banks?)(?:\s+[A-Z]\w*)?)\s+(?:the\s+)?$")
# "its"/"their" refer to the subject unless a person speaks in between ("Johnson said his office ... its networks",
# "Bossert called the attack in which victims ... their computers")
_OWN_ASSET = re.compile(r"^(?:(?!\b(?:his|her)\b)[^.;])*?(?:\bits|^(?:(?!\b(?:said|says|told|called|added|noted|"
                        r"explained|believes?)\b)[^.;])*?\btheir)\s+(?:\w+\s+)?(?:customers|users|systems|servers|network|networks|data|website|"
                        r"accounts|database|databases|staff|employees|members|clients|computers|patients)\b", re.I)
_FROM_BEFORE = re.compile(r"\b(?:(?:stole|steal|stealing|stolen|taken|exfiltrated|downloaded|obtained|accessed|siphoned|"
                          r"harvest(?:s|ed|ing)?|extort(?:s|ing)?|"
                          r"leaked|extorted)\s+[^.;]{0,60}?\b(?:data|records|information|details|e-?mails|files|documents|"
                          r"credentials|passwords|accounts|money|funds|bitcoin|databases?|photos|messages|numbers|million|billion)\b"
                          r"[^.;]{0,40}?|(?:stole|steal|steals|stealing|stolen|exfiltrated|siphoned|swiped|looted)\b"
                          r"[^.;]{0,80}?|"
                          # "a data breach from credit company X": the breach of X (an attack "from" X is its author)
                          r"\b(?:breach(?:es)?|leaks?)\s+|"
                          # "details of 2 million customers taken from X": what was taken, then from whom
                          r"\b(?:data|records|information|details|e-?mails|files|documents|credentials|passwords|"
                          r"accounts|databases?|photos|messages)\b[^.;]{0,80}?\b(?:taken|stolen|exfiltrated|obtained|"
                          r"downloaded|leaked|siphoned)\s+)\bfrom\s+(?:the\s+)?(?:[a-z]+\s+){0,2}$", re.I)
# "the attacker demanded that X pay 1 bitcoin": who is told to pay was hit
_DEMANDED_BEFORE = re.compile(r"\b(?:demand(?:ed|s|ing)?|asked|ordered|forced|forcing)\s+(?:that\s+)?(?:the\s+)?$", re.I)
_PAY_AFTER = re.compile(r"^\s+(?:to\s+)?(?:pay|hand\s+over|transfer|send)\b", re.I)
# "Microsoft is working with the city of X to resolve the attack": who is helped to recover was hit
_HELPED_BEFORE = re.compile(r"\b(?:working|work|works|worked|assisting|assist|assists|assisted|helping|help|helps|"
                            r"helped)\s+(?:with\s+)?(?:the\s+)?(?:(?:city|town|county|state|village|borough)\s+of\s+)?$",
                            re.I)
_HELPED_AFTER = re.compile(r"^\s+(?:to\s+)?(?:resolve|investigate|contain|recover|respond|restore|remediate|"
                           r"mitigate)\b", re.I)
# "the virus caused Licking County government to shut down 1,000 computers": who had to shut down was hit
_FORCED_BEFORE = re.compile(r"\b(?:caused|causing|forced|forcing|forces|prompted|prompting|compelled)\s+(?:the\s+)?$",
                            re.I)
_SHUT_DOWN_AFTER = re.compile(r"^\s+(?:[a-z]\w*\s+){0,2}?to\s+(?:shut\s+down|take\s+(?:[\w,]+\s+){0,4}?offline|go\s+"
                              r"offline|disconnect|suspend|close|divert|cancel|postpone|revert\s+to|switch\s+to\s+paper|"
                              r"pay)\b", re.I)
# the people of a body as the object of an attack sentence: "officials at X", "customers of X", "data of X"
_MEMBERS_OF_BEFORE = re.compile(
    r"\b(?:officials|employees|staff|workers|executives|customers|users|clients|patients|members|subscribers|guests|"
    r"passengers|students|residents|account\s+holders|shoppers|donors|data|details|information|records|"
    r"tables|accounts|credentials|passwords)\s+(?:at|of|from|for)\s+(?:the\s+)?(?:(?!(?:their|its|his|her|our|my)\s)(?-i:[a-z])[\w-]*\s+){0,3}$", re.I)
# ("employees of media company X": a descriptor may stand between, not an owner "from their annual ...")
_OFFICIALS_IN_BEFORE = re.compile(r"\bofficials\s+in\s+$", re.I)  # "Officials in X County say ..."
# what else says a party was hit, after its name (with an attack word in the sentence)
_VICTIM_AFTER_MORE = re.compile(
    r"^(?:\s*[–—(,][^–—(),]{3,120}?[–—),])?(?:,?\s+(?:in|of)\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?"
    r"(?:\s*,?\s*(?:which|who))?\s*(?:'s\s+|’s\s+)?(?:[a-z]\w*\s+){0,3}?(?:"
    # "X has announced that it has suffered a breach"; "X confirmed in a statement on Tuesday that it was a victim"
    r"(?:has\s+|have\s+|had\s+)?(?:said|says|confirmed|disclosed|revealed|admitted|acknowledged|announced|stated)\s+"
    r"(?:(?:[\w,]+\s+){0,8}?that\s+)?(?:it|they)(?:'d|’d)?\s+(?:had\s+|has\s+|have\s+|was\s+|were\s+)?(?:been\s+)?"
    r"(?:\w+\s+)?(?:hacked|breached|hit|attacked|targeted|compromised|infected|encrypted|disrupted|affected|impacted|"
    r"suffered|experienced|detected|(?:a\s+)?victims?|the\s+target|negotiated|paid|conned|cheated|swindled|scammed|"
    r"defrauded|tricked|duped|phished)"
    # "X had their personal details stolen"
    r"|(?:had|have|has)\s+(?:had\s+)?(?:their|its|his|her)\s+(?:[\w-]+\s+){0,3}?(?:stolen|leaked|exposed|hacked|"
    r"compromised|encrypted|accessed|breached|hijacked|published|posted|locked)"
    # "X sustained two ransomware attacks"
    r"|(?:sustained|experienced|suffered|faced|endured)\s+(?:a|an|the|\d+|two|three|four|five|several|multiple|numerous|"
    r"many)\s+(?:[\w“”\"-]+\s+){0,3}?(?:breach(?:es)?|attacks?|cyber-?attacks?|incidents?|hacks?|intrusions?|"
    r"compromises?|outages?|infections?)"
    # "X was tricked into", "X's data was exposed"
    r"|(?:was|were|has\s+been|have\s+been|had\s+been|got|is\s+being|are\s+being)\s+(?:\w+\s+)?(?:tricked|duped|"
    r"scammed|defrauded|extorted|blackmailed|phished|conned|cheated|bilked|swindled|held\s+(?:to\s+)?ransom|locked\s+out|exposed|leaked|stolen|"
    r"accessed|hijacked|shut\s+down|spoofed|swindled|robbed)"
    r"|fell\s+(?:for|prey\s+to)\s|lost\s+(?:[$£€]|US\$|more\s+than|about|nearly|over|\d)|negotiated\s+with\s+"
    r"(?:the\s+)?(?:attackers|hackers|criminals|extortionists))\b", re.I)

# "the Dorvex Health Service in Wales, which ...": the place of the body named just before is not a party
# what may stand between two items of a list: the separator, after an item's count or remark
_LIST_GAP = re.compile(
    r"(?:\s+in\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?(?:\s*\([^()]{1,160}\))?"
    r"(?:(?:\s+[a-z]+){0,2}?\s+with\s+(?:(?:about|over|nearly|almost|around|some|more\s+than)\s+)?\d[\d,.]*(?:\s+[a-z]+){0,3})?"
    r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|,?\s+as\s+well\s+as\s+(?:the\s+)?)(?:the\s+)?")
_PLACE_OF_NAMED = re.compile(r"[A-Z][\w.&'’-]*\s+(?:in|of)\s+(?:the\s+)?$")
# "businesses across Europe are being targeted", "cameras in Washington DC were forced offline": a place after a
# locative word is where the parties hit are, whatever verb follows
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|across|throughout|around|within|out\s+of|all\s+over)\s+(?:the\s+)?$", re.I)
_STATE_CODE = re.compile(r",?\s+[A-Z]\.?[A-Z]\.?$")  # "Washington DC", "Austin, TX"


# a dateline in capitals: "INDIANAPOLIS — ", "DAYTON, Ohio — ", "LONDON (Reuters) - "
_DATELINE_LEAD = re.compile(r"^\W*[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+)*(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?)?\s*"
                            r"(?:\([^)]{1,20}\)\s*)?[—–-]+\s+")


def targets(sentence: str, has_trigger: bool, exclude: list[tuple[int, int]],
            strict: bool = False) -> list[tuple[NounPhrase, int]]:
    """(noun phrase, confidence) for the parties named as hit in a sentence.

    ``strict``: only the cues that name the attack themselves ("hacked X", "X was breached"), not the lead-ins that
    need an attack word elsewhere in the sentence ("such as X", "belonging to X"): for a sentence of no incident."""
    if (dl := _DATELINE_LEAD.match(sentence)):
        # "DAYTON, Ohio — X diverted ambulances after ...": the sentence starts after the dateline
        cut = dl.end()
        out = targets(sentence[cut:], has_trigger, [(s - cut, e - cut) for s, e in exclude if e > cut], strict)
        for np, _ in out:
            np.start, np.end = np.start + cut, np.end + cut
        return out
    nps = noun_phrases(sentence)
    found: dict[int, int] = {}
    blocked: set[int] = set()
    for i, np in enumerate(nps):
        if np.common and not _LISTED.search(before := sentence[max(0, np.start - 80):np.start]) or any(
                np.start < e and np.end > s for s, e in exclude):
            continue
        before = sentence[max(0, np.start - 80):np.start]
        after = sentence[np.end:np.end + 260]
        # an apposition: "Ukraine's largest mobile operator, Kyivstar, was hit"
        apposed = after[1:] if before.endswith(", ") and after.startswith(", ") else None
        conf = 0
        bodies = _BODIES_AFTER.match(after) if " " not in np.text else None
        if not (bodies and is_demonym(np.text, gaz_data())):
            # "an NYC hospital": a place's acronym too
            bodies = BODY_AFTER_PLACE.match(after) if is_place_name(np.text) or re.fullmatch(r"[A-Z]{2,4}", np.text) \
                else None
        if bodies:
            # "several Dutch ministries", "French government websites"
            np.text = sentence[np.start:np.end + bodies.end()].strip()
            np.end = np.start + len(np.text)
            np.people = True
            after = sentence[np.end:np.end + 160]
        people = PEOPLE_AFTER.match(after) if not np.people else None
        if people and (speak := _PEOPLE_SPEAK.match(after, people.end())) and \
                not _SELF_AFTER.match(after, speak.end()):
            # "as US officials confirmed that agencies were among the victims": who speaks of others ("X officials
            # said they never paid the ransom" speak of their own body: it was hit)
            people = None
        if (why := _not_a_party(np, before, after, has_trigger)) is not None:
            conf = 0  # "claimed the attack on its Telegram channel"; "ALPHV's operators", "the X gang"
            if has_trigger or _VICTIM_BEFORE.search(before):
                explain.dropped("target", np.text, why, sentence)
        elif people and has_trigger:
            np.text = sentence[np.start:np.end + people.end()].strip()
            np.end = np.start + len(np.text)
            np.people = True
            np.why = "people of"
            conf = 55
        elif (vb := _VICTIM_BEFORE.search(before)) and not (strict and _WEAK_LEAD.match(vb.group(0))) or \
                _FROM_BEFORE.search(before) or (has_trigger and _HELPED_BEFORE.search(before) and
                                                 _HELPED_AFTER.match(after)) or (
                _DEMANDED_BEFORE.search(before) and _PAY_AFTER.match(after)) or (
                has_trigger and _FORCED_BEFORE.search(before) and _SHUT_DOWN_AFTER.match(after)) or (
                has_trigger and (_FRONTED_OWN_ASSET.search(before) or _MEMBERS_OF_BEFORE.search(before) or (
                    _OFFICIALS_IN_BEFORE.search(before) and np.text.split()[-1].lower() in _ORG_WORDS))):
            np.why = "object of an attack word"
            conf = 60
            if _LISTED.search(before):
                np.people = True  # "such as A, B": named organisations even when a town shares the name
        elif _VICTIM_AFTER.search(after) or (apposed and _VICTIM_AFTER.search(apposed)) or (
                _OFFLINE_AFTER.match(after) and _OFFLINE_BEFORE.search(before)) or (
                has_trigger and _VICTIM_AFTER_MORE.match(after)):
            np.why = "subject of a passive attack verb or report"
            conf = 60  # "X was hit"; "took the broadcaster X off air"
        elif (_NAMED_ATTACK_AFTER.match(after) and (" " in np.text.strip() or np.text.split()[-1].lower() in _ORG_WORDS)
              or _NAMED_BREACH_AFTER.match(after)) and not np.text.lower().startswith(("the ", "a ", "an ")) and not (
                re.search(r"\b(?:by|from)\s+(?:the\s+)?$", before)):
            np.why = "named attack"
            conf = 50  # "the Change Healthcare attack", "in the Colonial Pipeline hack"
        elif _ASSET_OF_NAMED.match(after) and _TAKEN_BEFORE.search(before):
            np.why = "owner of the assets taken"
            conf = 50  # "steal Dorvex user credentials", "exposed the Dorvex patient records"
        elif has_trigger and _POSSESSIVE_ASSET.search(after) and (after[:2] in ("'s", "’s") or np.text.endswith("s")):
            pa = _POSSESSIVE_ASSET.search(after)
            if re.match(r"^(?:'s|’s)\s+(?!security\s+team)(?:\w+\s+){0,2}?(?:campaign|team|party|staff|offices?|firm|"
                        r"company)\b", after):
                np.text = sentence[np.start:np.end + pa.end()]  # "Macron's party", "Beckham's PR firm"
                np.end = np.start + len(np.text)
                np.people = True
            elif is_place_name(np.text) and _SYSTEMS_OF.match(after):
                np.people = True  # "Baltimore’s 911 dispatch system", "the city's network": the town's own body
            np.why = "possessive asset"
            conf = 50
        elif has_trigger and i == 0 and _SUBJECT_START.fullmatch(sentence[:np.start]) and \
                _OWN_ASSET.search(sentence[np.end:]):
            np.why = "subject with own assets"
            conf = 45
        elif has_trigger and re.match(r"(?:City|Town|County|Borough|Municipality|Village|Port)\s+of\b", np.text) and \
                not _SPEECH_NEAR.match(after):
            np.why = "body of a place"
            conf = 40
        elif has_trigger and i == 0 and _SUBJECT_START.fullmatch(sentence[:np.start]) and \
                np.text.split()[-1].lower().strip(".") in _ORG_WORDS \
                and not _SPEECH_NEAR.match(after) and not _OBSERVER_NEAR.match(after):
            np.why = "organisation as subject"
            conf = 40
        if conf and (_AUTHORITY.search(np.text) or re.match(r"^(?:'s|’s)\s+office\b", after)):
            blocked.add(i)  # an investigator is no party hit, but a list it opens still is
            explain.dropped("target", np.text, f"an investigator or authority ({np.why})", sentence)
        if conf:
            found[i] = max(found.get(i, 0), conf)
    # lists share the role: "such as A, B, C and D", "A and B were hit"; an item may carry its count or a remark
    # ("CVS with 40,000 records, Citi with 35,000 and IBM", "the HSE (which said ...), FedEx") or its place
    # ("the NHS in the UK, FedEx and PetroChina": the place is skipped, not listed)
    changed = True
    while changed:
        changed = False
        for i in range(len(nps) - 1):
            a, j = nps[i], i + 1
            if j + 1 < len(nps) and not _LIST_GAP.fullmatch(sentence[a.end:nps[j].start]) and (
                    is_place_name(nps[j].text) or sentence[nps[j].end:nps[j].end + 1] == ")"):
                j += 1  # "the NHS in the UK, FedEx", "the Postal Service (USPS) with 88,000 records and AT&T"
            b = nps[j]
            if re.fullmatch(r",\s*", sentence[a.end:b.start]) and _is_country_or_region(b.text):
                continue  # "a website that operates out of Bangalore, India was hacked": a town and its country
            if _LIST_GAP.fullmatch(sentence[a.end:b.start]):
                if i in found and j not in found and not (b.common and j != i + 1):
                    found[j] = found[i]
                    b.why = f"listed with {a.text}: {a.why}"
                    b.people = b.people or a.people
                    changed = True
                elif j in found and i not in found and not a.common and (
                        _VICTIM_AFTER.search(sentence[b.end:b.end + 160]) or
                        has_trigger and _VICTIM_AFTER_MORE.match(sentence[b.end:b.end + 160])):
                    found[i] = found[j]
                    a.why = f"listed with {b.text}: {b.why or 'subject of a passive attack verb or report'}"
                    changed = True
    for i in blocked:
        found.pop(i, None)
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


def _not_a_party(np: NounPhrase, before: str, after: str, has_trigger: bool) -> str | None:
    """Why the words around a candidate make it no party hit, whatever cue names it; None when they do not."""
    if re.search(r"\b(?:its|their|his|her|our|my|your)\s+$", before) and not (
            _SUBSIDIARY_AFTER.match(after) and (_VICTIM_BEFORE.search(before) or has_trigger)):
        return "the speaker's own (“its”, “their”, “your”): a channel, a part or a thing, not a party hit"
    members_of_body = _MEMBERS_OF_BODY.match(after) and np.text.split()[-1].lower() in _MEMBER_BODIES
    if _NOT_TARGET_AFTER.match(after) and not members_of_body or _PRODUCT_OF.match(after):
        return f"the words after it make it a group, a tool or a thing ({quote(after[:30].strip(), 30)})"
    if np.text in COUNTRY_NOT_PRONOUN:
        return "a country alone (“US”): a party only with its body word (“US airports”)"
    if _TECHNOLOGY_NAME.search(np.text):
        return "the name of a tool or a technology, not a party"
    if _SOURCE_BEFORE.search(before) and not ((_VICTIM_AFTER.search(after) or _VICTIM_AFTER_MORE.match(after))
                                             and has_trigger):
        return "named as the source of the report"
    if _PLACE_OF_NAMED.search(before) and is_place_name(np.text):
        return "the place of a body named before it"
    if _LOCATIVE_BEFORE.search(before) and after[:2] not in ("'s", "’s") and (
            is_place_name(np.text) or is_place_name(_STATE_CODE.sub("", np.text))):
        return "where the parties hit are (“in”, “across”), not a party: it goes to places"
    if _THINGS_LISTED.search(before):
        return "one of the things listed (tools, files, researchers)"
    return None


# "steal Dorvex user credentials": a name before the kind of records taken is their owner
_ASSET_OF_NAMED = re.compile(
    r"^\s+(?:(?:user|customer|employee|patient|client|account|staff|subscriber|member|payroll|payment|card|e-?mail|"
    r"cloud|login|personnel)\s+){1,2}(?:credentials|passwords|accounts|records|data|databases?|details|information|"
    r"logins|files)\b", re.I)
_TAKEN_BEFORE = re.compile(
    r"\b(?:stole|steal|steals|stealing|stolen|harvest(?:s|ed|ing)?|phish(?:ed|ing)?|leaked|leaking|exposed|exposing|"
    r"compromised|compromising|accessed|hacked|breached|dumped|obtained|exfiltrated|published|sold|selling)\s+"
    r"(?:(?:the|some|all|of|millions|thousands|hundreds|\d[\d,.]*|million|billion)\s+){0,3}$", re.I)
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
    r"website|data|infrastructure|databases?)\s*,\s*(?:the\s+)?$|"
    # "Days after its servers were crippled by an attack, the X Council said ..." (a fronted clause)
    r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:network|networks|systems?|servers?|computers?|website|data|databases?)\s+"
    r"(?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?(?:knocked|hit|encrypted|crippled|compromised|disrupted|breached|"
    r"hacked|locked|infected|taken)\b[^,;]{0,80},\s*(?:the\s+)?(?:[A-Z][\w-]*['’]s\s+)?$", re.I)
_NAMED_ATTACK_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:ransomware\s+|cyber\s+|data\s+|DDoS\s+|security\s+|network\s+)?(?:attack|cyber-?attack|"
    r"hack|breach|intrusion|compromise|ransomware\s+incident|cyber\s+incident|security\s+incident)\b", re.I)


# one word before "breach" is the breached party ("the Equifax data breach", "Tesla cloud account breach"); before
# "attack" it may be the malware ("the WannaCry attack"), so one word needs an organisation word there
_NAMED_BREACH_AFTER = re.compile(r"^(?:'s|’s)?\s+(?:[a-z][\w-]*\s+){0,2}?(?:breach|hack|leak|intrusion)\b"
                                 r"(?!\s+(?:notification|report|repositor|database|law|disclosure|tracker|site))")


# (read from where the people word ends: "X officials| confirmed that ...")
_PEOPLE_SPEAK = re.compile(r"\s+(?:have\s+|has\s+|had\s+)?(?:said|say|says|told|confirmed|confirm|announced|stated|"
                           r"warned|reported|disclosed|revealed|added|explained|believe|believed)\b", re.I)
_SELF_AFTER = re.compile(r"\s+(?:that\s+)?(?:they|we|their|our|its|it)\b", re.I)
_SYSTEMS_OF = re.compile(r"^(?:'s|’s)\s+(?:[\w-]+\s+){0,3}?(?:systems?|networks?|servers?|computers?|websites?|"
                         r"databases?|infrastructure|services)\b", re.I)
_SPEECH_NEAR = re.compile(r"^\W*(?:said|says|told|stated|spokes\w+|has\s+opened|opened|launched\s+an\s+investigation|"
                          r"is\s+investigating|investigat\w+)\b", re.I)
# a body that tells of attacks on others: "X reports that", "X has observed", "X assistant commissioner Y said",
# "X has decided to take action on the breach at Y"
_OBSERVER_NEAR = re.compile(
    r"^(?:\s*\([^)]{1,20}\))?\s+(?:(?:has|have|had)\s+)?(?:reports?|reported|observed|published|warned|discovered|"
    r"found|detected|spotted|noted|explained|says|said|issued|released|decided|(?:has\s+)?come\s+up|researchers?|"
    r"analysts?|assistant|commissioner|spokes\w+|officials?\s+said|chief|head|director|CEO|threat\s+research|research"
    r")\b", re.I)
