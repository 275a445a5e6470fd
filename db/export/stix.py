"""STIX 2.1: a bundle of incidents, threat actors, identities, locations and reports, with incidex's own
fields as `x_incidex_*` properties, so an export imported into an empty database gives back the same
incidents, actors, roles and sources."""
from __future__ import annotations

import datetime as _dt
import re
import sqlite3
from collections.abc import Sequence
from typing import IO, Any

from db import queries
from db.export.common import records, uuid_or_stable
from db.identity import new_uuid, uuid_of
from db.text import dump

_THREAT_ACTOR_TYPES = {"state": "nation-state", "state-linked group": "nation-state", "hacktivist group": "activist",
                       "criminal group": "crime-syndicate", "ideological movement": "terrorist",
                       "person": "lone-wolf", "organisation": "competitor", "government body": "nation-state"}


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
    uid = source.get("uid") or ""
    m = re.match(r"^stix:report--([0-9a-f-]{36})$", uid)
    return f"report--{m.group(1)}" if m else f"report--{uuid_of('source:' + (uid or str(source['id'])))}"


def stix_bundle(conn: sqlite3.Connection, incident_ids: Sequence[int] | None = None) -> dict[str, Any]:
    data = records(conn, incident_ids)
    now = _ts(_dt.datetime.now(_dt.timezone.utc).isoformat())
    source_rows = {s["id"]: s for s in queries.sources_by_id(conn, [s["id"] for s in data["sources"]], with_body=False)}
    actors = {a["id"]: a for a in data["actors"]}
    incidex = {"type": "identity", "spec_version": "2.1", "id": f"identity--{uuid_of('incidex')}",
               "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "incidex",
               "identity_class": "system"}
    objects: list[dict[str, Any]] = [incidex]
    report_ids = {sid: _report_id({"uid": row.get("uid"), "id": sid}) for sid, row in source_rows.items()}
    report_refs: dict[int, list[str]] = {sid: [] for sid in report_ids}
    actor_objs: dict[str, dict[str, Any]] = {}

    def actor_ref(actor_id: int, target: bool) -> str:
        a = actors.get(actor_id) or {"id": actor_id, "uuid": None, "name": f"actor {actor_id}", "kind": "unknown",
                                     "country": None, "description": None, "reference": None, "aliases": []}
        uid = uuid_or_stable(a.get("uuid"), f"actor:{actor_id}")
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
        obj = actor_objs[oid]
        obj["x_incidex_kind"] = kind
        if a.get("country"):
            obj["x_incidex_country"] = a["country"]
        if a.get("reference"):
            obj["x_incidex_reference"] = a["reference"]
        if target and a.get("aliases"):
            obj["x_incidex_aliases"] = a["aliases"]
        return oid

    for inc in data["incidents"]:
        iid = f"incident--{uuid_or_stable(inc['uuid'], 'incident:' + str(inc['id']))}"
        obj = {"type": "incident", "spec_version": "2.1", "id": iid, "created": _ts(inc.get("created_at")),
               "modified": _ts(inc.get("updated_at")), "name": inc["title"] or f"Incident {inc['id']}",
               "labels": [inc["type"]] if inc.get("type") else [],
               "x_incidex_id": inc["id"], "x_incidex_type": inc["type"], "x_incidex_domain": inc["domain"],
               "x_incidex_status": inc["status"], "x_incidex_date_precision": inc["date_precision"],
               "x_incidex_date_basis": inc["date_basis"], "x_incidex_countries": inc["countries"]}
        if inc.get("summary"):
            obj["description"] = inc["summary"]
        if inc.get("date"):
            obj["x_incidex_date"] = inc["date"]
        if inc.get("date_end"):
            obj["x_incidex_date_end"] = inc["date_end"]
        if inc.get("place_details"):
            obj["x_incidex_places"] = [{"name": p["name"], "country": p["country"], "level": p["level"]}
                                       for p in inc["place_details"]]
        if inc.get("figures"):
            obj["x_incidex_figures"] = [{"value": f["value"], "unit": f["unit"], "text": f["text"]} for f in inc["figures"]]
        if not obj["labels"]:
            del obj["labels"]
        objects.append(obj)
        for s in inc["sources"]:
            if s["id"] in report_refs:
                report_refs[s["id"]].append(iid)
        for a in inc["actors"]:
            target = a["role"] == "target"
            aref = actor_ref(a["id"], target)
            key = f"{iid}|{aref}|{a['role']}|{a.get('source_id')}|{a.get('attributed_by')}"
            rel = {"type": "relationship", "spec_version": "2.1",
                   "id": f"relationship--{uuid_of(key)}", "created": now, "modified": now,
                   "relationship_type": "targets" if target else "attributed-to", "source_ref": iid,
                   "target_ref": aref, "confidence": max(0, min(100, int(a.get("confidence") or 0))),
                   "x_incidex_role": a["role"]}
            if a.get("evidence"):
                rel["description"] = a["evidence"]
            if a.get("attributed_by"):
                rel["x_incidex_attributed_by"] = a["attributed_by"]
            if a.get("source_id") in report_ids:
                rel["x_incidex_source_ref"] = report_ids[a["source_id"]]
                report_refs[a["source_id"]].append(aref)
            objects.append(rel)
    objects[1:1] = list(actor_objs.values())
    for s in data["sources"]:
        rid = report_ids.get(s["id"]) or _report_id({"uid": None, "id": s["id"]})
        refs = list(dict.fromkeys(report_refs.get(s["id"]) or [])) or [incidex["id"]]
        rep = {"type": "report", "spec_version": "2.1", "id": rid, "created": _ts((source_rows.get(s["id"]) or {}).get("imported_at")),
               "modified": _ts((source_rows.get(s["id"]) or {}).get("imported_at")),
               "name": s["title"] or f"Source {s['id']}", "published": _ts(s.get("published") or
                                                                            (source_rows.get(s["id"]) or {}).get("imported_at")),
               "report_types": ["threat-report"], "object_refs": refs,
               "x_incidex_kind": s.get("kind") or "news"}
        if s.get("body"):
            rep["description"] = s["body"]
        if s.get("url"):
            rep["external_references"] = [{"source_name": s.get("publisher") or "source", "url": s["url"]}]
        for k in ("publisher", "author", "language"):
            if s.get(k):
                rep[f"x_incidex_{k}"] = s[k]
        if s.get("published"):
            rep["x_incidex_published"] = s["published"]  # partial dates (2024-03) survive the round trip
        else:
            rep["x_incidex_published_unknown"] = True
        if s.get("tags"):
            rep["x_incidex_tags"] = s["tags"]
        objects.append(rep)
    return {"type": "bundle", "id": f"bundle--{new_uuid()}", "objects": objects}


def write_stix(conn: sqlite3.Connection, out: IO[str], incident_ids: Sequence[int] | None = None) -> int:
    bundle = stix_bundle(conn, incident_ids)
    dump(bundle, out, indent=1)
    out.write("\n")
    return sum(1 for o in bundle["objects"] if o["type"] == "incident")
