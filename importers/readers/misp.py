"""MISP event JSON: `{"Event": ...}` or a bare event (what PyMISP's `MISPEvent.to_json()` writes), a list of
either, or MISP's REST search answer `{"response": [...]}`.

- event → an incident: `info` is the title, `date` the date (day), RSIT/eCSIRT tags give the type
  (else classification tags, malware galaxies and the wording of `info`), `misp-galaxy:country` tags
  and `target-location` attributes the countries; `text`/`comment` attributes of the event the summary.
- threat-actor-like galaxy clusters (threat-actor, intrusion sets, activity groups...) and
  `misp-galaxy:threat-actor="..."` tags and `threat-actor` attributes → actors, with their synonyms as
  aliases and the cluster uuid as reference; `target-org` attributes → targets.
- roles: a `threat-actor` attribute tagged `incidex:role="perpetrator|claimed|attributed|suspected|denied"`
  (what db/export/misp.py writes, one per actor and role) gives that actor its roles in the incident; an
  actor without one is `attributed` (attributed by the creating organisation). Its comment, unless it is
  only the role, is the sentence the role rests on; so is a `target-org` attribute's comment. A cluster one
  of whose synonyms is such an attribute's name (our export gives official galaxy clusters our name as a
  synonym) is that actor, under that name.
- places: `target-location` attributes tagged `incidex:level="..."` (and `incidex:country="XX"`), their
  comment the sentence; other `target-location` values are countries.
- tools: `text` attributes tagged `incidex:tool-kind` (our export: the comment is the sentence, the cluster
  uuid in `incidex:tool-reference`), then every `misp-galaxy:` tag of a malware or tool galaxy (ransomware,
  malpedia, tool, botnet...); figures: `text` attributes tagged `incidex:figure-value`/`figure-unit`.
- the evidence sentences are paragraphs of the rendered body, so they keep offsets in it.
- the event itself → a structured source `misp:<event uuid>` (body: a text rendering with threat level,
  analysis and tags); each `link` attribute (and non-IDS `url` attributes of external analysis) → a
  source of its own linked to the incident.
"""
from __future__ import annotations

import dataclasses
import re

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention, ToolMention
from importers.readers.decode import ReadError
from importers.readers.jsonutil import (
    actor_kind,
    as_list,
    confidence_of,
    countries_of,
    date_of,
    domain_of,
    evidence_for,
    guess_type,
    line,
    link_documents,
    load_json_or_lines,
    record_document,
    render,
    split_names,
    stable_uuid,
    text,
)

THREAT_LEVELS = {"1": "high", "2": "medium", "3": "low", "4": "undefined"}
ANALYSIS = {"0": "initial", "1": "ongoing", "2": "completed"}
_TAG = re.compile(r'^([\w.-]+):([\w.-]+)(?:="?(.*?)"?)?$')
_ACTOR_GALAXY = re.compile(r"threat-actor|intrusion-set|activity-group|^tidal-groups$|^groups$|ransomware-group", re.I)
_MALWARE_GALAXY = re.compile(r"ransomware|malpedia|tool|backdoor|rat|stealer|botnet|banker|android|exploit-kit", re.I)
_ROLE_TAG = re.compile(r'^incidex:role="?([\w-]+)"?$', re.I)
_OWN_ATTR_TAG = re.compile(r'^incidex:(role|level|country|figure-value|figure-unit|tool-kind|tool-reference)=',
                           re.I)  # our export's tags on attributes
# malware galaxies and the kind of tool their clusters are (as importers/extract/gazetteer.TOOL_GALAXIES)
_TOOL_KINDS = {"ransomware": "ransomware", "banker": "banker", "stealer": "stealer", "rat": "rat",
               "backdoor": "backdoor", "botnet": "botnet", "exploit-kit": "exploit-kit", "tool": "tool",
               "mitre-tool": "tool", "malpedia": "malware", "mitre-malware": "malware", "android": "malware"}
ROLES = ("perpetrator", "claimed", "attributed", "suspected", "denied")
_LIKELIHOOD = re.compile(r'^estimative-language:(?:likelihood-probability|confidence-in-analytic-judgment)="?([^"]+)"?$', re.I)


_EVENT_KEYS = ("Attribute", "Object", "Tag", "Galaxy", "Orgc", "Org", "EventReport", "RelatedEvent")


def _is_event(item) -> bool:
    """A MISP event as MISP nests it (`{"Event": {...}}`) or bare, as PyMISP's `to_json()` writes it: an
    `info` text with MISP's own capitalised keys (`Attribute`, `Tag`, `Galaxy`...) or its event fields."""
    if not isinstance(item, dict):
        return False
    if isinstance(item.get("Event"), dict):
        return True
    if not isinstance(item.get("info"), str):
        return False
    return any(k in item for k in _EVENT_KEYS) or ("uuid" in item and ("threat_level_id" in item or "analysis" in item))


def is_misp(value) -> bool:
    """One event (wrapped or bare), a list of them, or MISP's REST search answer `{"response": [...]}`."""
    if isinstance(value, dict) and isinstance(value.get("response"), list):
        value = value["response"]
    if isinstance(value, list):
        return bool(value) and any(_is_event(x) for x in value[:5])
    return _is_event(value)


def read_misp(data: bytes, origin: str) -> list[Document]:
    return misp_documents(load_json_or_lines(data, origin=origin), origin)


def _events(value) -> list[dict]:
    if isinstance(value, dict) and isinstance(value.get("response"), list):
        value = value["response"]
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("Event"), dict):
            out.append(item["Event"])
        elif _is_event(item) or (isinstance(item, dict) and "info" in item and "uuid" in item):
            out.append(item)
    return out


def misp_documents(value, origin: str) -> list[Document]:
    events = _events(value)
    if not events:
        raise ReadError("not a MISP event (no \"Event\" object)")
    docs: list[Document] = []
    for ev in events:
        docs.extend(_event(ev, origin))
    return docs


def _tag_names(items) -> list[str]:
    out = []
    for t in as_list(items):
        name = t.get("name") if isinstance(t, dict) else t
        s = line(name, 300)
        if s:
            out.append(s)
    return out


def _event(ev: dict, origin: str) -> list[Document]:
    info = line(ev.get("info"), 300)
    uid = line(ev.get("uuid"), 80)
    date, precision = date_of(ev.get("date"))
    if not uid:
        uid = stable_uuid(f"misp:{info}:{date}")
    title = info or f"MISP event {uid}"
    tags = _tag_names(ev.get("Tag"))
    org = ev.get("Orgc") if isinstance(ev.get("Orgc"), dict) else ev.get("Org") if isinstance(ev.get("Org"), dict) else {}
    org_name = line(org.get("name"), 200) or None
    attrs = [a for a in as_list(ev.get("Attribute")) if isinstance(a, dict)]
    for a in attrs:
        tags += [t for t in _tag_names(a.get("Tag")) if not _OWN_ATTR_TAG.match(t)]

    # type: RSIT/eCSIRT first, then classification tags and malware galaxies, then the wording
    exact, hints = [], []
    confidence = 50
    for t in tags:
        m = _LIKELIHOOD.match(t)
        if m:
            confidence = confidence_of(m.group(1).replace("-", " "), confidence)
            continue
        m = _TAG.match(t)
        if not m:
            continue
        ns, pred, val = m.group(1).lower(), m.group(2).lower(), m.group(3) or ""
        if ns in ("rsit", "ecsirt"):
            exact.append(f"{ns}:{pred}={val}")
        elif ns == "misp-galaxy":
            if _MALWARE_GALAXY.search(pred) and not _ACTOR_GALAXY.search(pred):
                hints.append("ransomware" if "ransomware" in pred else "malware")
        elif ns == "incidex" and pred == "role":
            continue
        elif ns not in ("tlp", "osint", "type", "workflow", "admiralty-scale", "pap", "misp", "estimative-language"):
            hints.append(val or pred)
    galaxies = [g for g in as_list(ev.get("Galaxy")) if isinstance(g, dict)]
    for g in galaxies:
        gt = line(g.get("type"), 100)
        if _MALWARE_GALAXY.search(gt) and not _ACTOR_GALAXY.search(gt):
            hints.append("ransomware" if "ransomware" in gt.lower() else "malware")
    type_ = guess_type(*exact) if exact else "other/undetermined"
    if type_ == "other/undetermined":
        guesses = [guess_type(h) for h in hints]
        guesses = [g for g in guesses if g != "other/undetermined"]
        if guesses:
            type_ = "malicious-code/ransomware" if "malicious-code/ransomware" in guesses else guesses[0]
        else:
            type_ = guess_type(info)

    # actors; the role of each comes from its threat-actor attributes tagged incidex:role="..." (our export),
    # else it is attributed (by the creating organisation)
    roles_of: dict[str, list[str]] = {}
    role_names: dict[str, str] = {}
    said: dict[tuple[str, str], list[str]] = {}  # (name, role) -> the sentences (the attributes' comments)
    for a in attrs:
        name = line(a.get("value"), 200) if a.get("type") in ("threat-actor", "target-org") else ""
        if not name:
            continue
        comment = text(a.get("comment"), 5000)
        if a.get("type") == "target-org":
            if comment and comment not in said.setdefault((name.lower(), "target"), []):
                said[(name.lower(), "target")].append(comment)
            continue
        role_names.setdefault(name.lower(), name)
        roles = roles_of.setdefault(name.lower(), [])
        for t in _tag_names(a.get("Tag")):
            m = _ROLE_TAG.match(t)
            if m and m.group(1).lower() in ROLES:
                role = m.group(1).lower()
                if role not in roles:
                    roles.append(role)
                sentences_of = said.setdefault((name.lower(), role), [])
                if comment and comment.lower() not in ROLES and comment not in sentences_of:
                    sentences_of.append(comment)  # one per report of the story that gave the role

    def roles(name: str) -> list[str]:
        return roles_of.get(name.lower()) or ["attributed"]

    places = _places(attrs)
    figures = _figures(attrs)
    tools = _tools(attrs, tags)
    sentences = list(dict.fromkeys([*(x for v in said.values() for x in v), *(p.evidence.text for p in places if p.evidence),
                                    *(f.text for f in figures), *(t.evidence.text for t in tools if t.evidence)]))

    actors: list[ActorMention] = []
    seen: set[str] = set()
    for g in galaxies:
        gt = line(g.get("type"), 100)
        if not _ACTOR_GALAXY.search(gt):
            continue
        for c in as_list(g.get("GalaxyCluster")):
            if not isinstance(c, dict):
                continue
            name = line(c.get("value"), 200)
            meta = c.get("meta") if isinstance(c.get("meta"), dict) else {}
            if name and name.lower() not in role_names:  # our export: the official cluster, our name a synonym
                ours = [s for s in split_names(meta.get("synonyms")) if s.lower() in role_names]
                name = role_names[ours[0].lower()] if ours else name
            if not name or name.lower() in seen:
                continue
            value = line(c.get("value"), 200)
            seen.update((name.lower(), value.lower()))  # (its tag names the official value)
            cc = countries_of(meta.get("country"))
            actors.extend(ActorMention(
                name=name, role=role, kind=actor_kind(meta.get("cfr-type-of-incident"), meta.get("type"),
                                                               "state-linked group" if meta.get("cfr-suspected-state-sponsor") else None,
                                                               "ransomware" if "ransomware" in gt else None),
                country=cc[0] if cc else None, confidence=confidence, attributed_by=org_name,
                aliases=[s for s in dict.fromkeys([value, *split_names(meta.get("synonyms"))]) if s.lower() != name.lower()],
                description=text(c.get("description"), 5000) or None,
                reference=line(c.get("uuid"), 80) or None, alias_origin="galaxy") for role in roles(name))
    countries: list[str] = []
    for t in tags:
        m = _TAG.match(t)
        if not m:
            continue
        ns, pred, val = m.group(1).lower(), m.group(2).lower(), line(m.group(3), 200)
        if ns == "misp-galaxy" and _ACTOR_GALAXY.search(pred) and val and val.lower() not in seen:
            seen.add(val.lower())
            actors.extend(ActorMention(name=val, role=role, confidence=confidence, attributed_by=org_name,
                                       kind="unknown") for role in roles(val))
        elif ns == "misp-galaxy" and pred == "country" and val:
            countries += countries_of(val)
    for key, name in role_names.items():
        if key not in seen:
            seen.add(key)
            actors.extend(ActorMention(name=name, role=role, confidence=confidence, attributed_by=org_name,
                                       kind="unknown") for role in roles(name))
    targets_seen: set[str] = set()
    for a in attrs:
        t = line(a.get("type"), 40)
        if t == "target-org" and line(a.get("value"), 200) and line(a.get("value"), 200).lower() not in targets_seen:
            targets_seen.add(line(a.get("value"), 200).lower())
            actors.append(ActorMention(name=line(a.get("value"), 200), role="target", kind="organisation", confidence=confidence))
        elif t == "target-location" and not _place_tags(a):
            countries += countries_of(a.get("value"))
    countries += [p.country for p in places if p.level == "country" and p.country]

    # summary, links, source
    notes = [text(a.get("value"), 5000) for a in attrs if a.get("type") in ("text", "comment") and text(a.get("value"))
             and not _own_fact(a)]
    summary = "\n\n".join(notes)
    links = []
    for a in attrs:
        t = a.get("type")
        if t == "link" or (t == "url" and not a.get("to_ids") and line(a.get("category"), 50) == "External analysis"):
            value = text(a.get("value"), 2000)
            if value.lower().startswith(("http://", "https://")):
                value = value.strip().rstrip(":")
                links.append({"url": value, "title": line(a.get("comment"), 300) or None, "kind": "report"})
    level = THREAT_LEVELS.get(line(ev.get("threat_level_id"), 4))
    analysis = ANALYSIS.get(line(ev.get("analysis"), 4))
    body, spans = render(title, [
        ("MISP event", uid), ("Date", date), ("Organisation", org_name), ("Threat level", level),
        ("Analysis", analysis), ("Type", type_), ("Actors", [a.name for a in actors if a.role != "target"]),
        ("Tags", [t for t in tags if not t.lower().startswith("misp-galaxy:mitre")][:40]),
        ("Links", [lk["url"] for lk in links][:20]),
    ], notes + sentences)
    for m in list(actors):  # each sentence where the rendered body holds it; a second sentence, a second link
        found = [e for e in (_at(body, x) for x in said.get((m.name.lower(), m.role), ())) if e]
        m.evidence = found[0] if found else None
        actors.extend(dataclasses.replace(m, evidence=e) for e in found[1:])
    for p in places:
        p.evidence = _at(body, p.evidence.text if p.evidence else None)
    for f in figures:
        at = _at(body, f.text)
        f.start, f.end = (at.start, at.end) if at else (None, None)
    for t in tools:
        t.evidence = _at(body, t.evidence.text if t.evidence else None)
    draft = IncidentDraft(title=title, type=type_, summary=summary, domain=domain_of(type_), date_start=date,
                          date_precision=precision, date_basis="reported", countries=sorted(set(countries)),
                          actors=actors, places=places, figures=figures, tools=tools, uuid=stable_uuid(uid),
                          relation="report",
                          evidence=evidence_for(body, spans, notes[0] if notes else None))
    doc_tags = [t for t in dict.fromkeys(tags) if not t.lower().startswith("misp-galaxy:mitre")][:30]
    if level:
        doc_tags.append(f"misp:threat-level={level}")
    main = record_document(origin, "misp", f"misp:{uid}", title, body, [draft], published=date, publisher=org_name,
                           tags=doc_tags)
    return [main, *link_documents(origin, "misp", links, draft, f"MISP event {uid}")]


def _place_tags(attr: dict) -> dict[str, str]:
    """Our export's place tags on a target-location attribute: {"level": ..., "country": ...}."""
    out = {}
    for t in _tag_names(attr.get("Tag")):
        m = _TAG.match(t)
        if m and m.group(1).lower() == "incidex" and m.group(2).lower() in ("level", "country") and m.group(3):
            out[m.group(2).lower()] = line(m.group(3), 40)
    return out


def _places(attrs: list[dict]) -> list[PlaceMention]:
    out = []
    for a in attrs:
        tags = _place_tags(a) if a.get("type") == "target-location" else {}
        name = line(a.get("value"), 200)
        if tags and name:
            cc = countries_of(tags.get("country"))
            said = text(a.get("comment"), 5000)
            out.append(PlaceMention(name, cc[0] if cc else None, tags.get("level") or "city",
                                    evidence=Evidence(said, -1, -1) if said else None))  # offsets: _at, once rendered
    return out


def _at(body: str, sentence: str | None) -> Evidence | None:
    if not sentence:
        return None
    i = body.find(sentence)
    return Evidence(sentence, i, i + len(sentence)) if i >= 0 else None


def _own_tags(attr: dict) -> dict[str, str]:
    """Our export's incidex:NAME="VALUE" tags on an attribute."""
    out = {}
    for t in _tag_names(attr.get("Tag")):
        m = _TAG.match(t)
        if m and m.group(1).lower() == "incidex" and m.group(3):
            out[m.group(2).lower()] = line(m.group(3), 200)
    return out


def _own_fact(attr: dict) -> bool:
    """A text attribute our export wrote for a figure or a tool (not part of the summary)."""
    tags = _own_tags(attr)
    return "figure-value" in tags or "tool-kind" in tags


def _figures(attrs: list[dict]) -> list[Figure]:
    """Figures of our export: a text attribute (the phrase) tagged incidex:figure-value and figure-unit."""
    out = []
    for a in attrs:
        tags = _own_tags(a) if a.get("type") == "text" else {}
        phrase = line(a.get("value"), 300)
        try:
            value = float(tags.get("figure-value", ""))
        except ValueError:
            continue
        if phrase and value == value and abs(value) < 1e18:  # (not NaN, bounded)
            out.append(Figure(int(value) if value.is_integer() else value, tags.get("figure-unit") or "", phrase))
    return out


def _tools(attrs: list[dict], tags: list[str]) -> list[ToolMention]:
    """Tools of our export (a text attribute tagged incidex:tool-kind, its comment the sentence, the cluster uuid
    in incidex:tool-reference, the galaxy from the event's misp-galaxy tag), then every other malware galaxy tag
    of the event (a tool without a sentence)."""
    galaxy_of: dict[str, str] = {}
    for t in tags:
        m = _TAG.match(t)
        if m and m.group(1).lower() == "misp-galaxy" and m.group(2).lower() in _TOOL_KINDS and m.group(3):
            galaxy_of.setdefault(line(m.group(3), 200).lower(), m.group(2).lower())
    out: list[ToolMention] = []
    seen: set[str] = set()
    for a in attrs:
        own = _own_tags(a) if a.get("type") == "text" else {}
        name = line(a.get("value"), 200)
        if "tool-kind" not in own or not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        said = text(a.get("comment"), 5000)
        ref = own.get("tool-reference")
        out.append(ToolMention(name, own["tool-kind"][:20], ref if ref and _UUID_RE.match(ref) else None,
                               galaxy_of.get(name.lower()),
                               Evidence(said, -1, -1) if said and said != "tool" else None))  # offsets: _at
    for low, galaxy in galaxy_of.items():
        if low not in seen:
            seen.add(low)
            name = next(line(m.group(3), 200) for t in tags if (m := _TAG.match(t)) and m.group(3)
                        and line(m.group(3), 200).lower() == low)
            out.append(ToolMention(name, _TOOL_KINDS[galaxy], None, galaxy))
    return out


_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
