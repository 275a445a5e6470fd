"""Safe JSON loading and the helpers every structured reader (STIX, MISP, VERIS, tabular) shares.

`load_json` refuses inputs that are not JSON, nested too deeply or too large with a one-line ReadError.
The rest turns messy values of records into the fields of `db.drafts`: strings (`text`), lists
(`as_list`), dates with precision (`date_of`), countries (`country_code`), incident types (`guess_type`),
actor kinds (`actor_kind`), and the Documents a structured record becomes (`record_document`,
`link_documents`).
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache

from db.drafts import Document, Evidence, IncidentDraft
from db.identity import uuid_of
from db.text import safe_line, strip_unsafe
from importers.readers.decode import ReadError, decode

MAX_DEPTH = 64


# --- loading ---------------------------------------------------------------------------------------------

def _depth_ok(value, max_depth: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return True


_TOO_LONG = "a number in the JSON is too long (over 4,300 digits)"
# A \uD800-\uDFFF escape: json.loads turns a lone one into a surrogate that no UTF-8 text (nor SQLite) takes.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value):
    """The value with lone surrogates in its strings (and keys) replaced by U+FFFD; depth is already bounded."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


def _error(exc: json.JSONDecodeError, prefix: str = "") -> ReadError:
    return ReadError(f"{prefix}invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")


def load_json(data: bytes | str, max_depth: int = MAX_DEPTH, origin: str = ""):
    """Parse JSON text, refusing deep nesting (a RecursionError would be the alternative) with ReadError."""
    text = decode(data, origin) if isinstance(data, (bytes, bytearray)) else data
    text = text.lstrip("\ufeff")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(exc) from None
    except RecursionError:
        raise ReadError(f"JSON is nested too deeply (over {max_depth} levels)") from None
    except ValueError:  # Python's limit on digits in an integer (sys.get_int_max_str_digits)
        raise ReadError(_TOO_LONG) from None
    if not _depth_ok(value, max_depth):
        raise ReadError(f"JSON is nested too deeply (over {max_depth} levels)")
    return _no_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def load_jsonl(data: bytes | str, max_depth: int = MAX_DEPTH, origin: str = "") -> list:
    """JSON Lines: one value per non-empty line; a bad line fails the file, naming the line."""
    text = decode(data, origin) if isinstance(data, (bytes, bytearray)) else data
    out = []
    loads = json.loads
    for n, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        try:
            value = loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError(f"line {n}: invalid JSON at column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise ReadError(f"line {n}: JSON is nested too deeply") from None
        except ValueError:
            raise ReadError(f"line {n}: {_TOO_LONG}") from None
        if isinstance(value, (dict, list)) and not _depth_ok(value, max_depth):
            raise ReadError(f"line {n}: JSON is nested too deeply (over {max_depth} levels)")
        out.append(value)
    if not out:
        raise ReadError("no JSON records in file")
    return _no_surrogates(out) if _SURROGATE_ESCAPE.search(text) else out


def load_json_or_lines(data: bytes | str, origin: str = ""):
    """One JSON value, or the list of values of a JSON Lines file."""
    text_ = decode(data, origin) if isinstance(data, (bytes, bytearray)) else data
    return load_jsonl(text_, origin=origin) if looks_like_jsonl(text_) else load_json(text_, origin=origin)


def looks_like_jsonl(text: str) -> bool:
    """Several top-level JSON values, one per line (`json.loads` says "Extra data")."""
    try:
        json.loads(text)
        return False
    except json.JSONDecodeError as exc:
        return exc.msg == "Extra data"
    except (RecursionError, ValueError):  # too deep, or an integer over Python's digit limit
        return False


# --- values ------------------------------------------------------------------------------------------------

def text(value, limit: int = 100_000) -> str:
    """A record value as a clean string: numbers become text, lists are joined, None is ''."""
    if type(value) is str and value.isprintable():  # the common case: nothing to strip but the ends
        return value[:limit].strip()
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (text(v, limit) for v in value) if t)
    if isinstance(value, dict):
        for key in ("name", "value", "title", "url", "URL"):
            if isinstance(value.get(key), str) and value[key].strip():
                return text(value[key], limit)
        return ""
    return strip_unsafe(str(value))[:limit].strip()


def line(value, limit: int = 500) -> str:
    """One-line form of a value (titles, names), trailing colons and punctuation noise trimmed."""
    if type(value) is str and value.isprintable() and "  " not in value:
        s = value.strip()[:limit]
    else:
        s = safe_line(text(value, limit * 2))[:limit]
    return s.strip().rstrip(":;,").strip()


def as_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [value]


def split_names(value) -> list[str]:
    """Aliases given as a list, or as one string separated by commas, semicolons or new lines."""
    out: list[str] = []
    for v in as_list(value):
        if isinstance(v, str) and not isinstance(value, list):  # one string: "A, B; C"
            out.extend(p for p in (line(x, 200) for x in re.split(r"[,;\n|]", v)) if p)
        else:
            s = line(v, 200)
            if s:
                out.append(s)
    seen: set[str] = set()
    uniq = []
    for name in out:
        if name.lower() not in seen and name.lower() not in _NOTHING:
            seen.add(name.lower())
            uniq.append(name)
    return uniq


_NOTHING = {"", "unknown", "none", "n/a", "na", "null", "-", "other", "not applicable", "unk", "?"}


def is_nothing(value) -> bool:
    return line(value, 100).lower() in _NOTHING


_URL = re.compile(r"https?://[^\s<>\"'\]\[]+", re.I)


def urls_in(value) -> list[str]:
    """The http(s) URLs in a value (a string with one or several URLs, or a list), trailing noise trimmed."""
    out = []
    for v in as_list(value):
        for m in _URL.findall(text(v, 20_000)):
            u = m.rstrip(".,;:)")
            if u not in out:
                out.append(u)
    return out


_YEAR = re.compile(r"(1[89]\d\d|2\d\d\d)")


def date_of(value) -> tuple[str | None, str]:
    """A date value as (partial ISO, precision): '2024-03-11' day, '2024-03' month, '2024' year."""
    if value is None or value == "" or isinstance(value, bool):
        return None, "unknown"
    if isinstance(value, (int, float)):
        if 1800 <= value <= 2200:
            return str(int(value)), "year"
        if value > 10_000_000:  # a Unix timestamp
            import datetime as _dt

            try:
                return _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc).date().isoformat(), "day"
            except (OverflowError, OSError, ValueError):
                return None, "unknown"
        return None, "unknown"
    s = line(value, 60)
    if not _YEAR.search(s):
        if s.isdigit() and len(s) >= 9:
            return date_of(int(s))
        return None, "unknown"
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$", s)
    if m:
        y, mo, d = m.groups()
        try:
            if d:
                import datetime as _dt

                return _dt.date(int(y), int(mo), int(d)).isoformat(), "day"
            if mo and 1 <= int(mo) <= 12:
                return f"{y}-{int(mo):02d}", "month"
            return y, "year"
        except ValueError:
            return (f"{y}-{int(mo):02d}", "month") if mo and 1 <= int(mo) <= 12 else (y, "year")
    from importers.readers.text import partial_date

    iso = partial_date(s)
    if not iso:
        return None, "unknown"
    return iso, {4: "year", 7: "month"}.get(len(iso), "day")


def date_parts(year, month=None, day=None) -> tuple[str | None, str]:
    """Year, month and day fields (VERIS timelines) as a partial date."""
    try:
        y = int(year)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(Infinity)
        return None, "unknown"
    if not 1800 <= y <= 2200:
        return None, "unknown"
    try:
        m = int(month) if month not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        m = None
    if m is None or not 1 <= m <= 12:
        return str(y), "year"
    try:
        d = int(day) if day not in (None, "") else None
        if d is None:
            return f"{y}-{m:02d}", "month"
        import datetime as _dt

        return _dt.date(y, m, d).isoformat(), "day"
    except (TypeError, ValueError, OverflowError):
        return f"{y}-{m:02d}", "month"


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """ISO 3166 alpha-2 for a code (alpha-2/alpha-3) or a country name; None when unknown."""
    s = line(value, 100)
    if not s or s.lower() in _NOTHING:
        return None
    import pycountry

    if len(s) == 2 and s.isalpha():
        c = pycountry.countries.get(alpha_2=s.upper())
        if c:
            return c.alpha_2
        return {"UK": "GB", "EL": "GR"}.get(s.upper())
    try:
        return pycountry.countries.lookup(s).alpha_2
    except LookupError:
        pass
    try:
        hits = pycountry.countries.search_fuzzy(s)
        return hits[0].alpha_2 if len(hits) == 1 else None
    except LookupError:
        return None


def countries_of(*values) -> list[str]:
    """Alpha-2 codes for country values (codes or names; lists, or strings separated by , or ;)."""
    out: list[str] = []
    for value in values:
        for v in as_list(value):
            cc = country_code(text(v))
            parts = [cc] if cc else [country_code(text(p)) for p in re.split(r"[,;]", v)] if isinstance(v, str) else []
            for c in parts:
                if c and c not in out:
                    out.append(c)
    return out


# --- incident types ----------------------------------------------------------------------------------

from db.taxonomy import TYPES as _ALL_TYPES  # noqa: E402 - the one taxonomy

VALID_TYPES = set(_ALL_TYPES)

# Free wording (CyberPeace types, VERIS varieties, MISP tags, STIX labels) to types; first match wins.
_TYPE_WORDS = [
    (r"ransom", "malicious-code/ransomware"),
    (r"hack[- ]?and[- ]?leak|doxx?ing|data[- ]?(?:leak|breach|disclosure|exposure)|leak|exfiltrat|publishing error", "information-content-security/data-leak"),
    (r"wiper|data[- ]?(?:loss|destruction)|destruction", "information-content-security/data-loss"),
    (r"d?dos\b|denial[- ]of[- ]service|flood|botnet", "availability/ddos"),
    (r"deface", "intrusions/defacement"),
    (r"sabotage", "availability/sabotage"),
    (r"outage|disruption", "availability/outage"),
    (r"information[- ]operation|influence|disinformation|propaganda", "other/influence-operation"),
    (r"phish", "fraud/phishing"),
    (r"financial|fraud|theft of funds|embezzl|business email compromise|\bbec\b", "fraud/financial-theft"),
    (r"masquerad|impersonat", "fraud/masquerade"),
    (r"spam", "abusive-content/spam"),
    (r"harmful|hate speech|harassment", "abusive-content/harmful-speech"),
    (r"social[- ]engineering|pretext", "information-gathering/social-engineering"),
    (r"scan|reconnaissance|footprinting", "information-gathering/scanning"),
    (r"brute[- ]?force|login|credential stuffing|password", "intrusion-attempts/login-attempts"),
    (r"exploit", "intrusion-attempts/exploit"),
    (r"account", "intrusions/account-compromise"),
    (r"espionage|unauthori[sz]ed access|privilege abuse|misuse|data mishandling|snooping", "information-content-security/unauthorised-access"),
    (r"unauthori[sz]ed modification|tamper", "information-content-security/unauthorised-modification"),
    (r"malware|trojan|worm|backdoor|virus|spyware|rat\b|stealer|loader|keylogger|rootkit|botnet", "malicious-code/malware"),
    (r"web application|sql ?injection|application", "intrusions/application-compromise"),
    (r"hack|intrusion|compromise|breach|cyber ?attack", "intrusions/system-compromise"),
    (r"vulnerab|misconfigur", "vulnerable/vulnerable-system"),
    (r"terror", "other/terrorism"),
    (r"vandal|arson|physical", "other/vandalism"),
]
_TYPE_RE = [(re.compile(p, re.I), t) for p, t in _TYPE_WORDS]
_UNDETERMINED = "other/undetermined"


def guess_type(*values) -> str:
    """The incident type for free wording; exact `class/subtype` values and RSIT pairs pass through."""
    for value in values:
        for v in as_list(value):
            s = line(v, 300)
            if not s:
                continue
            low = s.lower().strip("\"' ")
            if low in VALID_TYPES:
                return low
            m = re.match(r'^(?:rsit|ecsirt):([\w-]+)="?([\w-]+)"?$', low)
            if m:
                cand = f"{m.group(1)}/{m.group(2)}".replace("unauthorized", "unauthorised")
                if cand in VALID_TYPES:
                    return cand
            if low in _NOTHING:
                continue
            for rx, t in _TYPE_RE:
                if rx.search(s):
                    return t
    return _UNDETERMINED


def domain_of(type_: str) -> str:
    return "physical" if type_ in ("other/vandalism", "other/terrorism") else "cyber"


_KINDS = [
    (r"nation[- ]?state|state[- ]?(?:sponsored|affiliated|linked)|government[- ]?(?:sponsored)?|apt\b|military|intelligence|spy", "state-linked group"),
    (r"hacktiv|activis|collective|patriot", "hacktivist group"),
    (r"crim|syndicate|ransomware|gang|organi[sz]ed crime|cartel|extortion", "criminal group"),
    (r"terror|ideolog|extrem", "ideological movement"),
    (r"individual|person|insider|employee|end[- ]?user|system admin|developer|cashier|executive|former employee|lone", "person"),
    (r"government|ministry|agency|public", "government body"),
    (r"organi[sz]ation|company|corporat|business|vendor|partner|competitor", "organisation"),
    (r"state\b|country", "state"),
]
_KIND_RE = [(re.compile(p, re.I), k) for p, k in _KINDS]
KINDS = ("state", "state-linked group", "hacktivist group", "criminal group", "ideological movement",
         "organisation", "government body", "person", "unknown")


def actor_kind(*values) -> str:
    for value in values:
        for v in as_list(value):
            s = line(v, 200)
            if not s:
                continue
            if s.lower() in KINDS:
                return s.lower()
            for rx, k in _KIND_RE:
                if rx.search(s):
                    return k
    return "unknown"


_CONFIDENCE = {"confirmed": 95, "certain": 95, "high": 85, "almost certain": 95, "very likely": 85, "likely": 70,
               "probable": 70, "medium": 60, "moderate": 60, "possible": 40, "roughly even chance": 50,
               "unlikely": 20, "low": 30, "very unlikely": 10, "doubtful": 15, "none": 10}


def confidence_of(value, default: int = 50) -> int:
    """A 0-100 confidence from a number (0-1 or 0-100) or words (Confirmed, Probable, High...)."""
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, (int, float)):
        try:
            v = float(value)
        except OverflowError:  # an integer of hundreds of digits
            return default
        if not math.isfinite(v):  # NaN and Infinity parse as JSON numbers: no confidence given
            return default
        if 0 < v <= 1:
            v *= 100
        return max(0, min(100, int(round(v))))
    s = line(value, 50).lower()
    if not s:
        return default
    try:
        return confidence_of(float(s.rstrip("%")), default)
    except ValueError:
        return _CONFIDENCE.get(s, default)


# --- ids and documents ----------------------------------------------------------------------------------

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def stable_uuid(ident: str) -> str:
    """The uuid inside an identifier (STIX `type--uuid`, MISP/VERIS uuids), else a uuid5 of it."""
    m = _UUID_RE.search(ident or "")
    if m and len(ident) <= 80:
        return m.group(0).lower()
    return uuid_of(ident)


def first_sentence(s: str, limit: int = 140) -> str:
    s = safe_line(s)
    m = re.match(r"(.{20,}?[.!?])(?:\s|$)", s)
    out = m.group(1) if m else s
    if len(out) > limit:
        out = out[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return out


def render(title: str, fields: list[tuple[str, object]], paragraphs: list[str] = ()) -> tuple[str, dict[str, tuple[int, int]]]:
    """A short searchable text for a record: title, `label: value` lines, then paragraphs.

    Returns the text and the (start, end) span of each paragraph by its first 40 characters, so a
    draft can point its evidence at the summary.
    """
    parts = [safe_line(title)] if title else []
    for label, value in fields:
        s = safe_line(text(value, 2000))
        if s:
            parts.append(f"{label}: {s}")
    body = "\n".join(parts)
    spans: dict[str, tuple[int, int]] = {}
    for p in paragraphs:
        p = strip_unsafe(p or "").strip()
        if not p:
            continue
        body += "\n\n" if body else ""
        spans[p[:40]] = (len(body), len(body) + len(p))
        body += p
    return body, spans


def record_document(origin: str, fmt: str, uid: str, title: str, body: str, drafts: list[IncidentDraft],
                    published: str | None = None, publisher: str | None = None, author: str | None = None,
                    url: str | None = None, language: str | None = None, kind: str = "structured",
                    tags: list[str] | None = None) -> Document:
    """A Document for a structured record: body already clean (no cleaning, no extraction)."""
    return Document(text="", origin=origin, format=fmt, title=line(title, 500) or None, published=published,
                    publisher=line(publisher, 200) or None, author=line(author, 200) or None, url=url,
                    language=language, kind=kind, tags=tags or [], body=body, uid=uid, drafts=drafts,
                    extract=False)


def link_documents(origin: str, fmt: str, links: list[dict], draft: IncidentDraft, cited_by: str) -> list[Document]:
    """A source per cited URL (title, publisher, published), each linked to the record's incident.

    The linked draft carries only the incident's uuid, title and type: no date or actors, so the
    resolver has nothing to join it elsewhere and the store links it to the incident by uuid.
    """
    from db.identity import canonical_url

    docs = []
    seen: set[str] = set()
    for link in links:
        url = canonical_url(link.get("url"))
        if not url or url in seen:
            continue
        seen.add(url)
        title = line(link.get("title"), 300) or None
        publisher = line(link.get("publisher"), 200) or None
        body_lines = [title or link["url"].strip(), f"URL: {link['url'].strip().rstrip(':')}"]
        if publisher:
            body_lines.append(f"Publisher: {publisher}")
        body_lines.append(f"Cited by {cited_by}: {draft.title}")
        linked = IncidentDraft(title=draft.title, type=draft.type, summary="", domain=draft.domain,
                               status=draft.status, uuid=draft.uuid, relation=link.get("relation") or "report")
        docs.append(Document(text="", origin=origin, format=fmt, title=title or url, published=link.get("published"),
                             publisher=publisher, url=url, kind=link.get("kind") or "report",
                             body="\n".join(body_lines), uid=f"url:{url}", drafts=[linked], extract=False))
    return docs


def evidence_for(body: str, spans: dict[str, tuple[int, int]], paragraph: str | None) -> list[Evidence]:
    if not paragraph:
        return []
    span = spans.get(strip_unsafe(paragraph).strip()[:40])
    if not span:
        return []
    return [Evidence(body[span[0]:span[1]], span[0], span[1])]
