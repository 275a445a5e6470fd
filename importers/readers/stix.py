"""STIX 2.0 and 2.1 bundles: reports become sources, incidents (or campaigns) become incidents.

- `report` → a source (name, published, description as body, first external reference URL, the
  creating identity as publisher); the incidents it refers to (directly or through a report it refers
  to) are linked to it.
- `incident` → an incident; `attributed-to` / `related-to` relationships to `threat-actor`,
  `intrusion-set`, `campaign` or `identity` → actors (with aliases) in the role the relationship gives
  (attributed, suspected for related-to; our extension's `role` when our own export wrote it) with its
  confidence; `targets` / `impacts` to an `identity` → a target actor, to a `location` → a country.
  One level of attribution chains is followed (incident → intrusion-set → threat-actor).
- `uses` relationships from an incident or campaign to `malware` / `tool` → the tools it was carried out
  with (kind, galaxy reference and evidence from our extension; else the kind from `malware_types`).
- `campaign` that no incident refers to → an incident (first_seen/last_seen as dates).
- A report that refers to threat actors but to no incident or campaign → one incident drafted from the
  report itself, so its actors are not lost.
- Incidents that no report cites get a structured source of their own (`stix:<incident id>`).

Identity is stable: source uid `stix:<report id>`, incident uuid = the uuid in the STIX id (or the one our
extension carries).

incidex's own fields come from its property extension (`EXTENSION_ID`, written by db/export/stix.py) or,
in exports before it, from `x_incidex_*` properties: `_ours()` gives either as one dict with the same keys.
Evidence sentences (actors, places, each report's sentences for an incident) come back with their offsets
in the report's description, checked against it.
"""
from __future__ import annotations

import math
import re

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention, ToolMention
from db.taxonomy import ROLES
from importers.readers.decode import ReadError
from importers.readers.jsonutil import (
    actor_kind,
    as_list,
    confidence_of,
    countries_of,
    date_of,
    domain_of,
    guess_type,
    line,
    load_json_or_lines,
    record_document,
    render,
    split_names,
    stable_uuid,
    text,
)

# The id of incidex's property extension: the same literal as db.export.stix.EXTENSION_ID (a test checks).
EXTENSION_ID = "extension-definition--b6dca1f5-18c0-4846-885e-ef0ff4340ef0"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

ACTOR_TYPES = ("threat-actor", "intrusion-set", "campaign", "identity")
INCIDENT_TYPES = ("incident",)


def read_stix(data: bytes, origin: str) -> list[Document]:
    value = load_json_or_lines(data, origin=origin)
    if isinstance(value, list) and value and all(is_stix(v) for v in value):
        return [d for v in value for d in stix_documents(v, origin)]
    return stix_documents(value, origin)


def is_stix(value) -> bool:
    if isinstance(value, dict):
        if value.get("type") == "bundle":
            return True
        objs = value.get("objects")
        return isinstance(objs, list) and any(_is_sdo(o) for o in objs[:20])
    return False


def _is_sdo(o) -> bool:
    return isinstance(o, dict) and isinstance(o.get("type"), str) and isinstance(o.get("id"), str) and "--" in o["id"]


def _ours(obj: dict) -> dict:
    """incidex's own fields of an object: its property extension, else its `x_incidex_*` properties (older
    exports) with the prefix removed; {} for anyone else's object."""
    exts = obj.get("extensions")
    if isinstance(exts, dict) and isinstance(exts.get(EXTENSION_ID), dict):
        return exts[EXTENSION_ID]
    return {k[10:]: v for k, v in obj.items() if isinstance(k, str) and k.startswith("x_incidex_")}


def _evidence(body: str | None, value) -> Evidence | None:
    """An evidence sentence ({text, start, end} from our extension, or a bare description) with its offsets in
    the body when they point at it, else where the sentence is found in the body, else with no offsets."""
    if isinstance(value, dict):
        raw, start, end = value.get("text"), value.get("start"), value.get("end")
    else:
        raw, start, end = value, None, None
    t = text(raw, 5000)
    if not t:
        return None
    if body:
        if type(start) is int and type(end) is int and 0 <= start <= end <= len(body) and body[start:end] == raw:
            return Evidence(raw, start, end)
        i = body.find(t)
        if i >= 0:
            return Evidence(t, i, i + len(t))
    return Evidence(t, None, None)  # type: ignore[arg-type]  # kept without offsets: stored as NULL, not highlighted


class _Bundle:
    def __init__(self, objects: list[dict]):
        self.by_id = {o["id"]: o for o in objects}
        self.objects = objects
        self.out: dict[str, list[dict]] = {}
        self.into: dict[str, list[dict]] = {}
        for o in objects:
            if o["type"] == "relationship" and isinstance(o.get("source_ref"), str) and isinstance(o.get("target_ref"), str):
                self.out.setdefault(o["source_ref"], []).append(o)
                self.into.setdefault(o["target_ref"], []).append(o)

    def get(self, ref) -> dict | None:
        return self.by_id.get(ref) if isinstance(ref, str) else None

    def name_of(self, ref) -> str | None:
        o = self.get(ref)
        return line(o.get("name"), 200) or None if o else None


def _actor(b: _Bundle, obj: dict, role: str, confidence: int, attributed_by: str | None,
           evidence: Evidence | None) -> ActorMention | None:
    name = line(obj.get("name"), 200)
    if not name:
        return None
    t = obj["type"]
    x = _ours(obj)
    kind = line(x.get("kind"), 50) or None
    if not kind:
        if t == "identity":
            cls = line(obj.get("identity_class"), 50).lower()
            kind = {"individual": "person", "group": "unknown", "organization": "organisation",
                    "class": "unknown", "system": "organisation"}.get(cls, "unknown")
            if kind == "organisation" and any("government" in text(s) for s in as_list(obj.get("sectors"))):
                kind = "government body"
        else:
            kind = actor_kind(obj.get("threat_actor_types"), obj.get("labels"), obj.get("resource_level"),
                              obj.get("primary_motivation"))
    country = None
    for c in countries_of(x.get("country"), obj.get("country"), obj.get("x_cta_country")):
        country = c
        break
    if country is None:
        for rel in b.out.get(obj["id"], []):
            if rel.get("relationship_type") in ("originates-from", "located-at"):
                loc = b.get(rel.get("target_ref"))
                if loc and loc.get("type") == "location":
                    cs = countries_of(loc.get("country"))
                    if cs:
                        country = cs[0]
                        break
    aliases = [a for a in split_names(as_list(obj.get("aliases")) + as_list(obj.get("x_mitre_aliases"))
                                       + (as_list(x.get("aliases")) if t == "identity" else []))
               if a.lower() != name.lower()]
    desc = text(obj.get("description"), 5000) or None
    return ActorMention(name=name, role=role, kind=kind if kind in _KINDS else actor_kind(kind), country=country,
                        confidence=confidence, attributed_by=attributed_by, aliases=aliases, description=desc,
                        reference=line(x.get("reference"), 100) or None, alias_origin="source", evidence=evidence)


_KINDS = {"state", "state-linked group", "hacktivist group", "criminal group", "ideological movement",
          "organisation", "government body", "person", "unknown"}


def _rel_role(rel: dict, default: str) -> str:
    role = line(_ours(rel).get("role"), 30).lower()
    return role if role in ROLES else default


def _creator(b: _Bundle, obj: dict) -> str | None:
    return b.name_of(obj.get("created_by_ref"))


def _links(b: _Bundle, obj: dict, source_ref: str | None, first_report: bool,
           body: str | None) -> tuple[list[ActorMention], list[str]]:
    """Actors and target countries from an incident's or campaign's relationships."""
    actors: list[ActorMention] = []
    countries: list[str] = []
    oid = obj["id"]

    def wanted(rel: dict) -> bool:
        marker = _ours(rel).get("source_ref")
        if isinstance(marker, str) and marker:
            return marker == source_ref
        return first_report

    rels = [(r, r.get("target_ref")) for r in b.out.get(oid, [])]
    rels += [(r, r.get("source_ref")) for r in b.into.get(oid, []) if r.get("relationship_type") == "related-to"]
    for rel, other_ref in rels:
        other = b.get(other_ref)
        if not other or not wanted(rel):
            continue
        rt = line(rel.get("relationship_type"), 40).lower()
        conf = confidence_of(rel.get("confidence"), 50)
        x = _ours(rel)
        by = line(x.get("attributed_by"), 200) or _creator(b, rel) or None
        evidence = _evidence(body, x.get("evidence") or rel.get("description"))
        ot = other.get("type")
        if rt in ("targets", "impacts"):
            if ot == "location":
                countries += countries_of(other.get("country"))
            elif ot == "identity":
                m = _actor(b, other, "target", conf, None, evidence)
                if m:
                    actors.append(m)
                countries += countries_of(other.get("x_cta_country"), _ours(other).get("country"))
        elif rt in ("attributed-to", "related-to", "uses") and ot in ACTOR_TYPES:
            if rt == "uses":
                continue
            default = "attributed" if rt == "attributed-to" else "suspected"
            m = _actor(b, other, _rel_role(rel, default), conf, by, evidence)
            if m:
                actors.append(m)
            if rt == "attributed-to" and ot in ("intrusion-set", "campaign", "threat-actor") and not x.get("role"):
                for rel2 in b.out.get(other["id"], []):  # one level of attribution chains
                    third = b.get(rel2.get("target_ref"))
                    if rel2.get("relationship_type") == "attributed-to" and third and third.get("type") in ACTOR_TYPES:
                        m2 = _actor(b, third, "attributed", min(conf, confidence_of(rel2.get("confidence"), 50)),
                                    _creator(b, rel2) or by, None)
                        if m2:
                            actors.append(m2)
        elif ot == "location" and rt in ("located-at", "originates-from"):
            continue
    return actors, countries


def _figures(x: dict) -> list[Figure]:
    out = []
    for f in as_list(x.get("figures")):
        if isinstance(f, dict) and isinstance(f.get("value"), (int, float)) and not isinstance(f.get("value"), bool) \
                and math.isfinite(f["value"]):  # NaN/Infinity parse as JSON numbers; no figure is infinite
            out.append(Figure(value=float(f["value"]), unit=line(f.get("unit"), 60), text=text(f.get("text"), 1000)))
    return out


def _places(x: dict, source_ref: str | None, body: str | None) -> list[PlaceMention]:
    """The incident's places; one our export tied to a report comes with that report only (its evidence
    offsets are in that report's body)."""
    out = []
    for p in as_list(x.get("places")):
        if isinstance(p, dict) and line(p.get("name"), 200):
            marker = p.get("source_ref")
            if source_ref and isinstance(marker, str) and marker and marker != source_ref:
                continue
            cc = countries_of(p.get("country"))
            out.append(PlaceMention(line(p.get("name"), 200), cc[0] if cc else None, line(p.get("level"), 20) or "city",
                                    evidence=_evidence(body, p.get("evidence"))))
        elif isinstance(p, str) and line(p, 200):
            out.append(PlaceMention(line(p, 200)))
    return out


_TOOL_KINDS = {"ransomware": "ransomware", "trojan": "malware", "spyware": "stealer", "remote-access-trojan": "rat",
               "backdoor": "backdoor", "bot": "botnet", "exploit-kit": "exploit-kit"}


def _tools(b: _Bundle, obj: dict, source_ref: str | None, body: str | None) -> list[ToolMention]:
    """The malware and tools an incident `uses`; one our export tied to a report comes with that report only."""
    out: list[ToolMention] = []
    for rel in b.out.get(obj["id"], []):
        o = b.get(rel.get("target_ref"))
        if rel.get("relationship_type") != "uses" or not o or o["type"] not in ("malware", "tool"):
            continue
        name = line(o.get("name"), 200)
        rx, ox = _ours(rel), _ours(o)
        marker = rx.get("source_ref")
        if not name or source_ref and isinstance(marker, str) and marker and marker != source_ref:
            continue
        kind = line(ox.get("kind"), 20) or ("tool" if o["type"] == "tool" else next(
            (_TOOL_KINDS[t] for t in as_list(o.get("malware_types")) if t in _TOOL_KINDS), "malware"))
        ref = ox.get("reference")
        out.append(ToolMention(name, kind, ref if isinstance(ref, str) and _UUID.match(ref) else None,
                               line(ox.get("galaxy"), 40) or None,
                               _evidence(body, rx.get("evidence") or rel.get("description"))))
    return out


def _event_dates(b: _Bundle) -> tuple[str | None, str]:
    starts = sorted(date_of(o.get("start_time")) for o in b.objects if o["type"] in ("event", "impact") and o.get("start_time"))
    starts = [s for s in starts if s[0]]
    return starts[0] if starts else (None, "unknown")


def _cited(x: dict, source_ref: str | None) -> dict:
    """What our export says of this incident in this report: {report_ref, relation, evidence}."""
    for c in as_list(x.get("sources")):
        if isinstance(c, dict) and source_ref and c.get("report_ref") == source_ref:
            return c
    return {}


def _incident_draft(b: _Bundle, obj: dict, source_ref: str | None, first: bool, single_incident: bool,
                    body: str | None = None) -> IncidentDraft:
    x = _ours(obj)
    title = line(obj.get("name"), 300) or line(text(obj.get("description")), 120) or f"STIX {obj['type']}"
    summary = text(obj.get("description"), 20_000)
    if obj["type"] == "campaign":
        type_ = guess_type(x.get("type"), obj.get("labels"), f"{obj.get('objective') or ''} {title} {summary}")
    else:
        ext = obj.get("extensions")
        ext_types = [v.get("incident_types") for v in (ext.values() if isinstance(ext, dict) else ()) if isinstance(v, dict)]
        type_ = guess_type(x.get("type"), obj.get("labels"), obj.get("incident_types"), ext_types,
                           f"{title} {summary}")
    date, precision = date_of(x.get("date") or obj.get("first_seen"))
    if date and x.get("date_precision") in ("day", "month", "year"):
        precision = x["date_precision"]
    if date is None and obj["type"] == "incident" and single_incident:
        date, precision = _event_dates(b)
    end, _ = date_of(x.get("date_end") or obj.get("last_seen"))
    actors, countries = _links(b, obj, source_ref, first, body)
    status = line(x.get("status"), 20).lower()
    basis = line(x.get("date_basis"), 20).lower()
    domain = line(x.get("domain"), 20).lower()
    cited = _cited(x, source_ref)
    own_uuid = x.get("uuid")
    aliases = split_names(obj.get("aliases")) if obj["type"] == "campaign" else []
    if aliases:
        summary = (summary + "\n\n" if summary else "") + "Also known as: " + ", ".join(aliases)
    return IncidentDraft(
        title=title, type=type_, summary=summary,
        domain=domain if domain in ("cyber", "physical", "hybrid") else domain_of(type_),
        status=status if status in ("confirmed", "claimed", "suspected", "disputed", "undetermined") else "undetermined",
        date_start=date, date_end=end if date else None, date_precision=precision if date else "unknown",
        date_basis=basis if basis in ("occurred", "disclosed", "reported") else "occurred",
        countries=sorted(set(countries_of(x.get("countries")) + countries)),
        places=_places(x, source_ref, body), actors=actors, figures=_figures(x) if first else [],
        tools=_tools(b, obj, source_ref, body),
        uuid=own_uuid.lower() if isinstance(own_uuid, str) and _UUID.match(own_uuid) else stable_uuid(obj["id"]),
        relation=line(cited.get("relation") or x.get("relation"), 20) or "report",
        evidence=[e for e in (_evidence(body, v) for v in as_list(cited.get("evidence"))) if e],
    )


def _report_incident(b: _Bundle, report: dict, actor_refs: list[str]) -> IncidentDraft:
    title = line(report.get("name"), 300) or "STIX report"
    summary = text(report.get("description"), 20_000)
    by = _creator(b, report) or _publisher(report)
    actors = []
    seen = set()
    for ref in actor_refs:
        obj = b.get(ref)
        if not obj or ref in seen:
            continue
        seen.add(ref)
        m = _actor(b, obj, "target" if obj["type"] == "identity" else "attributed", 50, by, None)
        if m and obj["type"] != "identity":
            actors.append(m)
    date, precision = date_of(report.get("published"))
    type_ = guess_type(f"{title} {summary}")
    return IncidentDraft(title=title, type=type_, summary=summary, domain=domain_of(type_), date_start=date,
                         date_precision=precision, date_basis="reported", actors=actors,
                         uuid=stable_uuid("stix-report-incident:" + report["id"]), relation="report")


def _publisher(obj: dict) -> str | None:
    for ref in as_list(obj.get("external_references")):
        if isinstance(ref, dict) and line(ref.get("source_name"), 200):
            return line(ref.get("source_name"), 200)
    return None


def _url(obj: dict) -> str | None:
    for ref in as_list(obj.get("external_references")):
        if isinstance(ref, dict) and isinstance(ref.get("url"), str) and ref["url"].strip():
            return ref["url"].strip().rstrip(":")
    return None


def stix_documents(value, origin: str) -> list[Document]:
    if isinstance(value, dict) and isinstance(value.get("objects"), list):
        raw = value["objects"]
    elif isinstance(value, list):
        raw = value
    elif _is_sdo(value):
        raw = [value]
    else:
        raise ReadError("not a STIX bundle (no objects list)")
    objects = [o for o in raw if _is_sdo(o)]
    if not objects:
        raise ReadError("STIX bundle has no objects")
    b = _Bundle(objects)
    incidents = [o for o in objects if o["type"] in INCIDENT_TYPES]
    claimed_campaigns = {r.get("target_ref") for o in incidents for r in b.out.get(o["id"], [])}
    campaigns = [o for o in objects if o["type"] == "campaign" and o["id"] not in claimed_campaigns]
    events = {o["id"]: o for o in incidents + campaigns}
    reports = [o for o in objects if o["type"] == "report"]
    single = len(incidents) == 1

    docs: list[Document] = []
    cited: set[str] = set()
    for rep in reports:
        refs = [r for r in as_list(rep.get("object_refs")) if isinstance(r, str)]
        mine = [r for r in refs if r in events]
        for r in refs:  # incidents in a report this report refers to
            sub = b.get(r)
            if sub and sub.get("type") == "report":
                mine += [x for x in as_list(sub.get("object_refs")) if isinstance(x, str) and x in events]
        mine = list(dict.fromkeys(mine))
        title = line(rep.get("name"), 300) or "STIX report"
        desc = text(rep.get("description"), 1_000_000)
        if desc:
            body = desc
        else:
            names = [b.name_of(r) for r in refs]
            body, _ = render(title, [("Published", rep.get("published")), ("Refers to", [n for n in names if n][:50])])
        drafts = []
        for ref in mine:
            drafts.append(_incident_draft(b, events[ref], rep["id"], ref not in cited, single, body))
            cited.add(ref)
        if not drafts:
            actor_refs = [r for r in refs if (b.get(r) or {}).get("type") in ("threat-actor", "intrusion-set")]
            for rel in b.out.get(rep["id"], []):
                if rel.get("relationship_type") == "attributed-to":
                    actor_refs.append(rel.get("target_ref"))
            if actor_refs:
                drafts.append(_report_incident(b, rep, actor_refs))
        x = _ours(rep)
        ours = "kind" in x  # written by incidex: its own fields are exact
        published, _ = date_of(x.get("published") or rep.get("published"))
        if x.get("published_unknown") is True:
            published = None
        docs.append(record_document(
            origin, "stix", f"stix:{rep['id']}", title, body, drafts, published=published,
            publisher=line(x.get("publisher"), 200) or None if ours else _creator(b, rep) or _publisher(rep),
            author=line(x.get("author"), 200) or None, url=_url(rep),
            language=line(x.get("language") or rep.get("lang"), 10) or None,
            kind=line(x.get("kind"), 20) or "report",
            tags=[t for t in (line(v, 60) for v in as_list(x.get("tags"))) if t]))
    for ref, obj in events.items():
        if ref in cited:
            continue
        draft = _incident_draft(b, obj, None, True, single)
        body, spans = render(draft.title, [
            ("Type", draft.type), ("Date", draft.date_start), ("Countries", draft.countries),
            ("Actors", [f"{a.name} ({a.role})" for a in draft.actors]),
        ], [draft.summary])
        if draft.summary:
            s = spans.get(draft.summary.strip()[:40])
            if s:
                draft.evidence = [Evidence(body[s[0]:s[1]], s[0], s[1])]
        docs.append(record_document(origin, "stix", f"stix:{ref}", draft.title, body, [draft],
                                    published=draft.date_start, publisher=_creator(b, obj), url=_url(obj)))
    if not docs:
        kinds = sorted({line(o["type"], 40) for o in objects})[:8]  # types are data: one clean line each
        raise ReadError(f"STIX bundle has no report, incident or campaign to import (it holds: {', '.join(kinds)})")
    return docs
