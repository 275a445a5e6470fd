"""STIX 2.1: a bundle of incidents, threat actors, identities and reports that validates with the OASIS
validator (stix2-validator) and parses with `stix2.parse(..., allow_custom=False)`.

incidex's own fields (dates with their precision and basis, status, domain, countries, places, figures,
kinds, roles, evidence sentences with their offsets in the source body, source metadata) travel in ONE
property extension, `EXTENSION_ID`, whose `extension-definition` object is in every bundle: an export
imported into an empty database gives back the same incidents, actors, roles, sources and evidence.
Incident dates stay in our extension: the STIX Incident Core extension puts times on `event` objects, a new
object type that `allow_custom=False` parsers reject. Ids are UUIDv4-shaped and deterministic: a record's
own uuid when it is already a v4, else sha256 of its stable key with the version and variant bits set.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import sqlite3
import uuid as _uuid
from collections.abc import Sequence
from typing import IO, Any

from db import queries
from db.export.common import records, uuid_or_stable
from db.identity import new_uuid
from db.text import dump

_THREAT_ACTOR_TYPES = {"state": "nation-state", "state-linked group": "nation-state", "hacktivist group": "activist",
                       "criminal group": "crime-syndicate", "ideological movement": "terrorist",
                       "person": "lone-wolf", "organisation": "competitor", "government body": "nation-state"}

# our tool kinds in the STIX 2.1 open vocabularies malware-type-ov and tool-type-ov
_MALWARE_TYPES = {"ransomware": "ransomware", "banker": "trojan", "stealer": "spyware", "rat": "remote-access-trojan",
                  "backdoor": "backdoor", "botnet": "bot", "exploit-kit": "exploit-kit"}
_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def v4(key: str) -> str:
    """A UUIDv4-shaped uuid, the same for the same key: `key` itself when it is a v4 uuid, else the first 16
    bytes of sha256(key) with the version nibble set to 4 and the RFC 4122 variant bits."""
    k = key.lower()
    if _V4.match(k):
        return k
    return str(_uuid.UUID(bytes=hashlib.sha256(key.encode("utf-8")).digest()[:16], version=4))


# Fixed for ever: readers recognise our extension by this id (importers/readers/stix.py has the same literal).
EXTENSION_ID = "extension-definition--" + v4("incidex property extension 1")
_IDENTITY_ID = "identity--" + v4("incidex")
_EPOCH = "2024-01-01T00:00:00.000Z"
_SCHEMA = (
    "incidex property extension, version 1.0.0. Properties (all optional, none empty): on incident: uuid, record_id,"
    " type (class/subtype), domain (cyber, physical, hybrid), status, date and date_end (ISO partial dates),"
    " date_precision (day, month, year, unknown), date_basis (occurred, disclosed, reported), countries (ISO 3166"
    " alpha-2), places [{name, country, level, source_ref, evidence}], figures [{value, unit, text}], sources"
    " [{report_ref, relation, evidence [evidence]}]; on threat-actor and identity: uuid, kind, country, reference,"
    " aliases; on relationship: role (perpetrator, claimed, attributed, suspected, denied, target), attributed_by,"
    " source_ref (the report the claim comes from), evidence; on report: kind, publisher, author, language,"
    " published (partial date) or published_unknown, tags; on malware and tool: kind (ransomware, banker,"
    " stealer, rat, backdoor, botnet, exploit-kit, malware, tool), galaxy (the MISP galaxy type), reference (the"
    " galaxy cluster uuid); on a uses relationship from an incident: source_ref, evidence; from a threat-actor:"
    " incident_refs (the incidents it used the tool in). evidence is {text, start, end}: a sentence and its"
    " character offsets in the report's description (the source body). See docs/ARCHITECTURE.md in incidex."
)


def _prune(value: Any) -> Any:
    """No null, no empty list, no empty object anywhere (STIX forbids empty lists)."""
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        items = [_prune(v) for v in value]
        return [v for v in items if v is not None and v != [] and v != {}]
    return value


def _ext(obj: dict[str, Any], fields: dict[str, Any]) -> None:
    """Put our fields into the object's incidex property extension (merged with what is there)."""
    exts = obj.setdefault("extensions", {})
    mine = exts.setdefault(EXTENSION_ID, {"extension_type": "property-extension"})
    mine.update(_prune(fields))


def _evidence(text: Any, start: Any = None, end: Any = None) -> dict[str, Any] | None:
    if not text:
        return None
    ev: dict[str, Any] = {"text": str(text)}
    if isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool):
        ev["start"], ev["end"] = start, end
    return ev


def _ts(value: str | None) -> str:
    """A STIX timestamp (UTC, milliseconds) from an ISO datetime or partial date."""
    dt = None
    if value:
        v = str(value).strip()
        if re.fullmatch(r"\d{4}", v):
            v += "-01-01"
        elif re.fullmatch(r"\d{4}-\d{2}", v):
            v += "-01"
        try:
            dt = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            dt = None
    if dt is None:
        dt = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    dt = dt.astimezone(_dt.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _report_id(source: dict[str, Any]) -> str:
    """A source imported from STIX keeps its report's uuid (made v4-shaped); others get one from their uid."""
    uid = source.get("uid") or ""
    m = re.match(r"^stix:report--([0-9a-f-]{36})$", uid)
    return f"report--{v4(m.group(1))}" if m else f"report--{v4('source:' + (uid or str(source['id'])))}"


def _extension_objects() -> list[dict[str, Any]]:
    identity = {"type": "identity", "spec_version": "2.1", "id": _IDENTITY_ID, "created": _EPOCH, "modified": _EPOCH,
                "name": "incidex", "identity_class": "system"}
    definition = {"type": "extension-definition", "spec_version": "2.1", "id": EXTENSION_ID,
                  "created_by_ref": _IDENTITY_ID, "created": _EPOCH, "modified": _EPOCH,
                  "name": "incidex", "description": "incidex's own fields on incidents, actors, relationships and reports.",
                  "schema": _SCHEMA, "version": "1.0.0", "extension_types": ["property-extension"]}
    return [identity, definition]


def stix_bundle(conn: sqlite3.Connection, incident_ids: Sequence[int] | None = None) -> dict[str, Any]:
    data = records(conn, incident_ids)
    now = _ts(_dt.datetime.now(_dt.timezone.utc).isoformat())
    source_rows = {s["id"]: s for s in queries.sources_by_id(conn, [s["id"] for s in data["sources"]], with_body=False)}
    actors = {a["id"]: a for a in data["actors"]}
    objects: list[dict[str, Any]] = _extension_objects()
    head = len(objects)
    report_ids = {sid: _report_id({"uid": row.get("uid"), "id": sid}) for sid, row in source_rows.items()}
    report_refs: dict[int, list[str]] = {sid: [] for sid in report_ids}
    actor_objs: dict[str, dict[str, Any]] = {}

    def actor_ref(actor_id: int, target: bool) -> str:
        a = actors.get(actor_id) or {"id": actor_id, "uuid": None, "name": f"actor {actor_id}", "kind": "unknown",
                                     "country": None, "description": None, "reference": None, "aliases": []}
        own = uuid_or_stable(a.get("uuid"), f"actor:{actor_id}")
        uid = v4(own)
        kind = a.get("kind") or "unknown"
        if target:
            oid = f"identity--{uid}"
            if oid not in actor_objs:
                actor_objs[oid] = {
                    "type": "identity", "spec_version": "2.1", "id": oid, "created": now, "modified": now,
                    "name": a["name"], "identity_class": "individual" if kind == "person" else "organization",
                    **({"sectors": ["government-national"]} if kind == "government body" else {}),
                    **({"description": a["description"]} if a.get("description") else {}),
                }
        else:
            oid = f"threat-actor--{uid}"
            if oid not in actor_objs:
                actor_objs[oid] = {
                    "type": "threat-actor", "spec_version": "2.1", "id": oid, "created": now, "modified": now,
                    "name": a["name"], "threat_actor_types": [_THREAT_ACTOR_TYPES.get(kind, "unknown")],
                    **({"aliases": a["aliases"]} if a.get("aliases") else {}),
                    **({"description": a["description"]} if a.get("description") else {}),
                }
        _ext(actor_objs[oid], {"uuid": own, "kind": kind, "country": a.get("country"), "reference": a.get("reference"),
                               "aliases": a.get("aliases") if target else None})
        return oid

    tool_objs: dict[str, dict[str, Any]] = {}

    def tool_ref(t: dict[str, Any]) -> str:
        """A malware (a family: is_family) or tool object per tool, shared by every incident naming it."""
        kind = t.get("kind") or "malware"
        stype = "tool" if kind == "tool" else "malware"
        oid = f"{stype}--{v4('tool:' + (t.get('reference') or str(t['name']).lower()))}"
        if oid not in tool_objs:
            o: dict[str, Any] = {"type": stype, "spec_version": "2.1", "id": oid, "created": now, "modified": now,
                                 "name": t["name"]}
            if stype == "malware":
                o["is_family"] = True
                if kind in _MALWARE_TYPES:
                    o["malware_types"] = [_MALWARE_TYPES[kind]]
            _ext(o, {"kind": kind, "galaxy": t.get("galaxy"), "reference": t.get("reference")})
            tool_objs[oid] = o
        return oid

    uses_rels: dict[str, dict[str, Any]] = {}  # one `uses` per (user, tool), after the incidents' objects

    def uses(src: str, dst: str, extra: dict[str, Any], evidence: str | None = None) -> None:
        rid = f"relationship--{v4('uses:' + src + '|' + dst)}"
        rel = uses_rels.get(rid)
        if rel is None:
            rel = uses_rels[rid] = {"type": "relationship", "spec_version": "2.1", "id": rid, "created": now,
                                    "modified": now, "relationship_type": "uses", "source_ref": src, "target_ref": dst}
            if evidence:
                rel["description"] = evidence
            _ext(rel, extra)
        elif extra.get("incident_refs"):
            mine = rel["extensions"][EXTENSION_ID]
            mine["incident_refs"] = list(dict.fromkeys([*mine.get("incident_refs", []), *extra["incident_refs"]]))

    for inc in data["incidents"]:
        own = uuid_or_stable(inc["uuid"], "incident:" + str(inc["id"]))
        iid = f"incident--{v4(own)}"
        obj: dict[str, Any] = {"type": "incident", "spec_version": "2.1", "id": iid, "created": _ts(inc.get("created_at")),
                               "modified": _ts(inc.get("updated_at")), "name": inc["title"] or f"Incident {inc['id']}"}
        if inc.get("type"):
            obj["labels"] = [inc["type"]]
        if inc.get("summary"):
            obj["description"] = inc["summary"]
        places = [{"name": p["name"], "country": p.get("country"), "level": p.get("level"),
                   "source_ref": report_ids.get(p.get("source_id")),
                   "evidence": _evidence(p.get("evidence"), p.get("start"), p.get("end"))}
                  for p in inc.get("place_details") or []]
        cites = [{"report_ref": report_ids[s["id"]], "relation": s.get("relation"),
                  "evidence": [_evidence(e.get("text"), e.get("start"), e.get("end")) for e in s.get("evidence") or []
                               if isinstance(e, dict)]}
                 for s in inc["sources"] if s["id"] in report_ids]
        _ext(obj, {"uuid": own, "record_id": inc["id"], "type": inc["type"], "domain": inc["domain"],
                   "status": inc["status"], "date": inc.get("date"), "date_end": inc.get("date_end"),
                   "date_precision": inc["date_precision"], "date_basis": inc["date_basis"],
                   "countries": inc["countries"], "places": places,
                   "figures": [{"value": f["value"], "unit": f["unit"], "text": f["text"]} for f in inc.get("figures") or []],
                   "sources": cites})
        objects.append(obj)
        for s in inc["sources"]:
            if s["id"] in report_refs:
                report_refs[s["id"]].append(iid)
        for a in inc["actors"]:
            target = a["role"] == "target"
            aref = actor_ref(a["id"], target)
            key = f"{iid}|{aref}|{a['role']}|{a.get('source_id')}|{a.get('attributed_by')}"
            rel: dict[str, Any] = {
                "type": "relationship", "spec_version": "2.1", "id": f"relationship--{v4('relationship:' + key)}",
                "created": now, "modified": now, "relationship_type": "targets" if target else "attributed-to",
                "source_ref": iid, "target_ref": aref, "confidence": max(0, min(100, int(a.get("confidence") or 0)))}
            if a.get("evidence"):
                rel["description"] = a["evidence"]
            source_ref = report_ids.get(a.get("source_id"))
            if source_ref:
                report_refs[a["source_id"]].append(aref)
            _ext(rel, {"role": a["role"], "attributed_by": a.get("attributed_by"), "source_ref": source_ref,
                       "evidence": _evidence(a.get("evidence"), a.get("start"), a.get("end"))})
            objects.append(rel)
        # with what: the incident uses each tool (with the sentence that names it), and so does each actor
        # on the perpetrator side (threat-actor uses malware/tool: the STIX 2.1 relationship OpenCTI draws)
        perps = list(dict.fromkeys(actor_ref(a["id"], False) for a in inc["actors"]
                                   if a["role"] in ("perpetrator", "claimed", "attributed", "suspected")))
        for t in inc.get("tools") or []:
            tref = tool_ref(t)
            source_ref = report_ids.get(t.get("source_id"))
            if source_ref:
                report_refs[t["source_id"]].append(tref)
            uses(iid, tref, {"source_ref": source_ref, "evidence": _evidence(t.get("evidence"), t.get("start"), t.get("end"))},
                 t.get("evidence"))
            for p in perps:
                uses(p, tref, {"incident_refs": [iid]})
    objects[head:head] = [*actor_objs.values(), *tool_objs.values()]
    objects.extend(uses_rels.values())
    for s in data["sources"]:
        row = source_rows.get(s["id"]) or {}
        rid = report_ids.get(s["id"]) or _report_id({"uid": None, "id": s["id"]})
        refs = list(dict.fromkeys(report_refs.get(s["id"]) or [])) or [_IDENTITY_ID]
        rep: dict[str, Any] = {
            "type": "report", "spec_version": "2.1", "id": rid, "created": _ts(row.get("imported_at")),
            "modified": _ts(row.get("imported_at")), "name": s["title"] or f"Source {s['id']}",
            "published": _ts(s.get("published") or row.get("imported_at")), "report_types": ["threat-report"],
            "object_refs": refs}
        if s.get("body"):
            rep["description"] = s["body"]
        if s.get("url"):
            rep["external_references"] = [{"source_name": s.get("publisher") or "source", "url": s["url"]}]
        _ext(rep, {"kind": s.get("kind") or "news", "publisher": s.get("publisher"), "author": s.get("author"),
                   "language": s.get("language"),
                   # partial dates (2024-03) survive the round trip; `published` itself must be a full timestamp
                   "published": s.get("published"), "published_unknown": None if s.get("published") else True,
                   "tags": s.get("tags")})
        objects.append(rep)
    return {"type": "bundle", "id": f"bundle--{new_uuid()}", "objects": objects}


def write_stix(conn: sqlite3.Connection, out: IO[str], incident_ids: Sequence[int] | None = None) -> int:
    bundle = stix_bundle(conn, incident_ids)
    dump(bundle, out, indent=1)
    out.write("\n")
    return sum(1 for o in bundle["objects"] if o["type"] == "incident")
