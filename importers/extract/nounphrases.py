"""Noun phrases of a sentence: the capitalised names it holds, with the sentence-initial words, datelines,
dates and function words that are no names trimmed off (split from :mod:`.phrases`, which reads which of them the
wording presents as hit). :mod:`.actors` reads NP_STOP and is_demonym from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import PLACE_KINDS
from .words import COMMON, FUNCTION, MONTHS, WEEKDAYS


def place_kinds(name: str) -> set[str]:
    """The kinds of place the reference data knows the name as (country, region, city, demonym, area)."""
    from .text import key

    return {e[0] for e in gaz_data().entries.get(key(name), ())} & PLACE_KINDS


def is_place_name(name: str) -> bool:
    """A country, region, city or people of the reference data (any size: "an Austrian hotel", "a Warwick company")."""
    return bool(place_kinds(name))


def is_demonym(word: str, gaz) -> bool:
    from .text import key

    for e in gaz.entries.get(key(word), ()):
        if e[0] in ("demonym", "country"):
            return True
    return False


NP_STOP = frozenset(w for w in FUNCTION if w not in ("the",)) | frozenset(MONTHS) | frozenset(WEEKDAYS) | {
    "mr", "mrs", "ms", "dr", "president", "minister", "secretary", "admiral", "general", "chief", "ceo", "head",
    "vice", "rear", "deputy", "director", "spokesman", "spokeswoman", "police", "prosecutors", "investigators",
    "hackers", "attackers", "according", "update", "read", "click", "photo", "image", "video", "comments",
    "related", "source", "sources", "reuters", "afp", "ap", "bbc", "cnn", "ip", "url", "dns", "vpn", "it", "ai",
    "api", "sql", "pdf", "usb", "wifi", "wi-fi", "sms", "ddos", "dos", "cve", "rdp", "ssl", "tls", "http", "https",
    "html", "pc", "os", "id", "pin", "cto", "ciso", "gdpr", "tor", "european", "western", "eastern",
    "asian", "african", "arab", "latin", "nordic", "baltic", "balkan", "islamist", "islamic", "jihadist",
    "anarchist", "anarchists", "extremist", "extremists", "nazi", "neo-nazi", "internet", "web", "online",
    "q1", "q2", "q3", "q4", "h1", "h2"} | frozenset(
    # file formats, protocols and technical acronyms: "inside a JPEG file", "an encrypted RSA format", "a CV"
    """jpeg jpg png gif bmp tiff zip rar 7z gz tar jar exe dll js vbs hta lnk iso img doc docx xls xlsx xlsm ppt pptx
    rtf csv txt xml json mp3 mp4 avi cv ftp sftp smb irc iot ssn ssns plc plcs scada rsa aes pos atm atms isp isps
    rat rats apk ios macos mac tv""".split())


_NP_RE = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[(\"“‘']))(?:(?:[A-Z0-9][\w'’.&+-]*|[a-z]+[A-Z][\w-]*)"
    r"(?:\s+(?:of|for|de|du|des|la|le|di|del|der|von|van|the|&|-)?\s*(?:[A-Z0-9][\w'’.&+-]*|[a-z]+[A-Z][\w-]*))*)")


# a place followed by the body it names: "an NYC hospital", "a Michigan county", "Long Island companies"
BODY_AFTER_PLACE = re.compile(
    r"^(?:\s+(?!based\b|owned\b|run\b)[a-z][\w-]*){0,2}?\s+(?:hospitals?|hotels?|universit(?:y|ies)|colleges?|schools?|banks?|compan(?:y|ies)|"
    r"firms?|count(?:y|ies)|councils?|towns?|municipalit(?:y|ies)|retailers?|charit(?:y|ies)|agency|"
    r"newspapers?|utilit(?:y|ies)|airports?|businesses|organi[sz]ations?|clinics?|corporations?|institutions?|"
    r"ministry|department|government|authorit(?:y|ies)|health\s+systems?|school\s+districts?|"
    r"casinos?|restaurants?|stores?|shops?|law\s+firms?|startups?|manufacturers?|providers?|operators?)\b"
    r"(?!\s+(?:websites?|sites?)\b|\s+[A-Z])")  # "Finnish security firm F-Secure": the name follows


def gaz_data():
    from . import gazetteer

    return gazetteer.get()


PEOPLE_AFTER = re.compile(r"^(?:\s+(?:online|mobile|business|retail|corporate|email|e-mail|broadband|bank|banking|account|"
                           r"card|credit|app|web|government|state|county|city|federal|former|current|existing|"
                           r"affected|private|public|premium|loyalty|rewards|service|network)){0,1}\s+(?:customers|users|clients|subscribers|members|employees|staff|"
                           r"patients|residents|account\s+holders|students|voters|citizens|shoppers|players|consumers|guests|"
                           r"passengers|taxpayers|travell?ers|workers|readers|viewers|fans|donors|investors|"
                           r"policyholders|cardholders|depositors|veterans|officials)\b")


_LIST_BEFORE = re.compile(r"(?:,|\band|\bor|\bsuch\s+as(?:\s+the)?|\bincluding(?:\s+the)?|\bamong(?:st)?\s+them)\s+$")


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
    common: bool = False  # a common word capitalised ("Fox"): a name only as an item of a list of names
    why: str = ""  # the cue that made it a target candidate (for --explain and debugging)


# a capitalised function word inside a run of capitalised words starts a new phrase: two sentences or a headline
# glued together ("... links to Ukraine The UK Foreign Office was targeted")
_GLUE = re.compile(r"\s+(?=(?:The|This|These|Those|Its|Their|Our|In|On|At|For|But|And|As|When|While|After|Before|If|"
                   r"According|Many|Some|Other)\s)")


# a sentence-initial word that is capitalised only because it opens the sentence: an adverb ("Unfortunately,",
# "Nearly three weeks"), a participle ("Following this incident", "Based in", "Infected computers") or a plural
# common noun ("Dozens of", "Others to have been targeted", "Services are being restored")
_INITIAL_FORM = re.compile(r"[A-Z][a-z]+(?:ly|ing|ed|ised|ized|ied)$")


# "Logistics company Kestrel Freight", "Software maker X", "Credit reporting agency X": the opening word describes
# the name that follows, it names nothing
_DESCRIPTOR_AFTER = re.compile(r"\s+(?:[a-z][\w-]*\s+)?(?:company|firm|giant|maker|provider|operator|group|chain|retailer|"
                               r"manufacturer|insurer|lender|carrier|developer|vendor|supplier|producer|publisher|"
                               r"broadcaster|start-?up|conglomerate|brand|platform|agency|outlet|specialist|contractor|"
                               r"business|multinational)\s+[A-Z]")
_AUXILIARY = frozenset("""was were is are has have had said says will would could can may might did does told
confirmed reported announced disclosed admitted revealed denied paid""".split())


_INITIAL_WORDS = frozenset("""given aside dozens hundreds thousands millions billions others officials businesses
companies services computers victims targets mere cyber cybersecurity security under nearly around almost about
once instead elsewhere overall sadly thankfully criminals cybercriminals hackers attackers intruders scammers
fraudsters thieves crooks""".split())


_DATELINE = re.compile(r"(?:,\s*[A-Z][\w.]*\.?)?\s*(?:—|–|-)\s|\s*\((?:AP|Reuters|AFP|[A-Z]{2,6})\)\s*(?:—|–|-)")


def common_word(word: str) -> bool:
    """An ordinary English word (or its plural): "Services", "Companies", "Others"."""
    if word.strip(".,'’") in COUNTRY_NOT_PRONOUN:
        return False  # the country in capitals, not the pronoun
    w = word.lower().strip(".,'’")
    if w in COMMON or w in _INITIAL_WORDS:
        return True
    return w.endswith("s") and (w[:-1] in COMMON or (w.endswith("ies") and w[:-3] + "y" in COMMON) or (
        w.endswith("es") and w[:-2] in COMMON))


# a quotation or a clause after a colon opens like a sentence: 'said: “Unfortunately, X was the target'
_CLAUSE_OPENS = re.compile(r"(?:^|[\s:;(])[“\"‘]\s*$|[:;]\s*$")


def opens_clause(sentence: str, start: int) -> bool:
    """Whether a word at ``start`` opens the sentence, a quotation or a clause after a colon (where a word is
    capitalised whatever it is)."""
    return bool(re.fullmatch(r"[\W\d]*", sentence[:start]) or _CLAUSE_OPENS.search(sentence, max(0, start - 4), start))


def ordinary_words(sentences: list[str]) -> frozenset[str]:
    """Lowercased words an article writes in lowercase and never capitalised except where a sentence, a quotation
    or a clause after a colon opens: "Patient records were stolen" beside "patient data" is no name. A hand list
    (COMMON) cannot hold every English word; the article itself says which of its words are ordinary."""
    text = "\n".join(sentences)
    inside = {w.lower() for w in _CAPITALISED_INSIDE.findall(text)}
    return frozenset(set(_LOWER_WORD.findall(text)) - inside)


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
# a capitalised word after a word, a comma or a closing mark: inside a clause, so capitalised as a name
_CAPITALISED_INSIDE = re.compile(r"(?<=[\w,)’'%-])[ \t]+([A-Z][a-z]+)(?![\w'’-])")


def _initial_word(sentence: str, start: int, end: int) -> int:
    """Where a phrase starts once a word that is capitalised only because it opens the sentence, a quotation or a
    clause after a colon, and is no name, is dropped (``start`` if none)."""
    if not opens_clause(sentence, start):
        return start
    m = re.match(r"[\w'’.-]+", sentence[start:end])
    if not m:
        return start
    word = m.group(0)
    nxt = re.match(r"(\s*[,:;]|\s+([a-z][\w'’-]*)|\s+\d)?", sentence[start + m.end():])
    following = nxt.group(2) if nxt else None
    if word.lower() in _INITIAL_WORDS or (common_word(word) and start + m.end() == end) or (
            start + m.end() == end and _DESCRIPTOR_AFTER.match(sentence, end)):
        drop = True
    elif _INITIAL_FORM.match(word):
        # "Boeing was hit" keeps its name: a verb follows
        drop = bool(nxt and nxt.group(1)) and following not in _AUXILIARY
    else:
        drop = False
    if not drop:
        return start
    rest = re.match(r"[\w'’.-]+\s*", sentence[start:end])
    return start + rest.end() if rest else end


COUNTRY_NOT_PRONOUN = frozenset({"US"})  # in capitals, the country: "websites of a dozen US airports"


def _stop_word(word: str) -> bool:
    """A word that opens or is no name: a function word, a month, a title... but "US" in capitals is the country,
    not the pronoun ("websites of a dozen US airports")."""
    w = word.strip(".,")
    return w.lower() in NP_STOP and w not in COUNTRY_NOT_PRONOUN


def _phrase_spans(sentence: str) -> list[tuple[int, int]]:
    spans = []
    for m in _NP_RE.finditer(sentence):
        s = m.start()
        for g in _GLUE.finditer(m.group(0)):
            spans.append((s, m.start() + g.start()))
            s = m.start() + g.end()
        spans.append((s, m.end()))
    return spans


def noun_phrases(sentence: str) -> list[NounPhrase]:
    out = []
    prev_described_end = -1
    for s0, e0 in _phrase_spans(sentence):
        start = _initial_word(sentence, s0, e0)
        text = sentence[start:e0]
        if not text or _DATELINE.match(sentence[e0:]) and re.fullmatch(r"[\W\d]*", sentence[:s0]):
            continue  # "GREENFIELD — Hancock Health paid ...": the place the story was filed from
        # trim leading function words ("The", "In", "While") and trailing punctuation/connectors
        words = text.split()
        while words and (_stop_word(words[0]) or words[0].lower() == "the"):
            start += sentence[start:].index(words[0]) + len(words[0])
            while start < len(sentence) and sentence[start].isspace():
                start += 1
            words = words[1:]
        if not words:
            continue
        text = sentence[start:e0]
        text = re.sub(r"(?:\s+(?:of|for|de|du|des|la|le|the|The|A|An|&|-))+$", "", text)
        # "U.S." and "Equifax Inc." keep their dot: "X Inc. revealed that ..." reads on from the name
        text = text.rstrip(",'’-") if re.search(r"(?:\b(?:[A-Z]\.){2,}|\s(?:Inc|Co|Corp|Ltd|Bros)\.)$", text) \
            else text.rstrip(".,'’-")
        if (num := re.match(r"(.+?)['’]s\s+\d[\d-]*$", text)):
            text = num.group(1)  # "Baltimore’s 911 dispatch system": the number is the asset's, not the name's
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
        if pm and pm.group(0).rstrip().endswith(("'s", "’s")) and not (
                is_place_name(pm.group(0).rstrip()[:-2]) or pm.group(0).rstrip()[:-2].lower() in NP_STOP):
            pm = None  # "Scotty’s Brewhouse", "Macron’s En Marche": the possessive is part of the name
        if pm:
            start += pm.end()
            text = text[pm.end():]
        described = bool(pm and not pm.group(0).rstrip().endswith(("'s", "’s"))) or bool(_DESCRIPTOR.search(
            sentence[max(0, start - 30):start])) or (prev_described_end >= 0 and re.fullmatch(
                r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)", sentence[prev_described_end:start]) is not None)
        common = common_word(text) and " " not in text and not described and not (
            # "Apple users", "Apple's systems" mid-sentence: a capitalised common word owning people or assets is a name
            not re.fullmatch(r"[\W\d]*", sentence[:start]) and not text.endswith("s") and (
                PEOPLE_AFTER.match(sentence[start + len(text):]) or sentence[start + len(text):][:2] in ("'s", "’s")))
        if _stop_word(text) or common and not _LIST_BEFORE.search(sentence[max(0, start - 16):start]):
            continue  # "Fox" or "Signal" mid-list is a name, "Services" alone is not
        if not re.search(r"(?:^|\s)[A-Z]", text) or re.fullmatch(r"[\d\s.,]+\w{0,3}", text):
            continue
        if re.match(r"\w+['’](?:ve|ll|re|d|m)\b", text):
            continue  # "We’ve", "They'll"
        nm = re.match(r"\d[\d,.]*\s+(?=[A-Z])", text)
        if nm and is_place_name(text[nm.end():]) and BODY_AFTER_PLACE.match(sentence[start + len(text):]):
            start += nm.end()  # "over 180 Indian companies": the count is no part of the name
            text = text[nm.end():]
        if re.search(r"-(?:based|owned|run)$", text) and (body := BODY_AFTER_PLACE.match(sentence[start + len(text):])):
            # "two US-based companies", "a Connecticut-based charity organization": the bodies of a place are a party
            text += body.group(0)
            described = True
        elif re.search(r"-(?:based|backed|linked|sponsored|born|made|owned|speaking)$", text) or text.lower() in (
                "hacker", "hackers", "attacker", "attackers", "group", "gang", "actor", "ransomware", "malware"):
            continue
        out.append(NounPhrase(text, start, start + len(text), people=described, common=common))
        prev_described_end = start + len(text) if described else -1
    return out
