"""Exports other than incidex/1 JSON: CSV, STIX 2.1, MISP event JSON and a Markdown report.

All of them read through `db.queries` (the same records as the JSON export) and write text to a stream.
STIX and MISP carry incidex's own fields as `x_incidex_*` properties and an `incidex:type` tag, so an
export imported into an empty database gives back the same incidents, actors, roles and sources.
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from collections.abc import Sequence
from typing import IO

from db import queries
from db.identity import new_uuid, uuid_of
from db.text import dump, safe_line, strip_unsafe

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ExportError(ValueError):
    """A bad export request (unknown column...); the message is one line for the user."""


def _clean(value) -> str:
    """Text for a text format (CSV, Markdown): escape sequences and dangerous characters removed (db.text)."""
    return strip_unsafe("" if value is None else str(value))


def _one_line(value) -> str:
    return safe_line(value)


def _records(conn, incident_ids: Sequence[int] | None):
    from db.export import export_dict

    return export_dict(conn, incident_ids)


# --- CSV ---------------------------------------------------------------------------------------------------

CSV_COLUMNS = {
    "id": lambda i, ctx: i["id"],
    "uuid": lambda i, ctx: i["uuid"],
    "date": lambda i, ctx: i["date"] or "",
    "date_end": lambda i, ctx: i["date_end"] or "",
    "date_precision": lambda i, ctx: i["date_precision"] or "",
    "type": lambda i, ctx: i["type"] or "",
    "domain": lambda i, ctx: i["domain"] or "",
    "status": lambda i, ctx: i["status"] or "",
    "title": lambda i, ctx: i["title"] or "",
    "summary": lambda i, ctx: i["summary"] or "",
    "actors": lambda i, ctx: "; ".join(dict.fromkeys(f"{a['name']} ({a['role']})" for a in i["actors"]
                                                     if a["role"] != "target")),
    "targets": lambda i, ctx: "; ".join(dict.fromkeys(a["name"] for a in i["actors"] if a["role"] == "target")),
    "countries": lambda i, ctx: ",".join(i["countries"]),
    "places": lambda i, ctx: "; ".join(i["places"]),
    "sources": lambda i, ctx: " ".join(dict.fromkeys(s["url"] or s["origin"] or "" for s in i["sources"])).strip(),
    "source_titles": lambda i, ctx: "; ".join(dict.fromkeys(s["title"] or "" for s in i["sources"])),
    "figures": lambda i, ctx: "; ".join(f"{_num(f['value'])} {f['unit']}".strip() for f in i["figures"]),
    "tags": lambda i, ctx: "; ".join(i.get("tags") or []),
    "review": lambda i, ctx: i.get("review") or "",
    "aliases": lambda i, ctx: "; ".join(dict.fromkeys(al for a in i["actors"] if a["role"] != "target"
                                                      for al in ctx["aliases"].get(a["id"], []))),
}
DEFAULT_CSV_COLUMNS = ("id", "date", "type", "title", "actors", "targets", "countries", "sources")


def _num(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def parse_columns(spec: str | None) -> list[str]:
    if not spec:
        return list(DEFAULT_CSV_COLUMNS)
    cols = [c.strip().lower() for c in spec.split(",") if c.strip()]
    bad = [c for c in cols if c not in CSV_COLUMNS]
    if bad:
        raise ExportError(f"unknown column {bad[0]!r} (columns: {', '.join(CSV_COLUMNS)})")
    return cols or list(DEFAULT_CSV_COLUMNS)


def csv_cell(value) -> str:
    s = _clean(value)
    if s[:1] in ("=", "+", "@", "\t", "\r"):  # never a formula when opened in a spreadsheet
        s = "'" + s
    return s


def write_csv(conn, out: IO[str], incident_ids: Sequence[int] | None = None, columns: str | None = None) -> int:
    cols = parse_columns(columns)
    data = _records(conn, incident_ids)
    ctx = {"aliases": {a["id"]: a["aliases"] for a in data["actors"]}}
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for inc in data["incidents"]:
        w.writerow([csv_cell(CSV_COLUMNS[c](inc, ctx)) for c in cols])
    return len(data["incidents"])


# --- STIX 2.1 ----------------------------------------------------------------------------------------------

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


def _uuid_of(value: str | None, key: str) -> str:
    v = (value or "").lower()
    return v if _UUID.match(v) else uuid_of(key)


def _report_id(source: dict) -> str:
    uid = source.get("uid") or ""
    m = re.match(r"^stix:report--([0-9a-f-]{36})$", uid)
    return f"report--{m.group(1)}" if m else f"report--{uuid_of('source:' + (uid or str(source['id'])))}"


def stix_bundle(conn, incident_ids: Sequence[int] | None = None) -> dict:
    data = _records(conn, incident_ids)
    now = _ts(_dt.datetime.now(_dt.timezone.utc).isoformat())
    source_rows = {s["id"]: s for s in queries.sources_by_id(conn, [s["id"] for s in data["sources"]], with_body=False)}
    actors = {a["id"]: a for a in data["actors"]}
    incidex = {"type": "identity", "spec_version": "2.1", "id": f"identity--{uuid_of('incidex')}",
               "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "incidex",
               "identity_class": "system"}
    objects: list[dict] = [incidex]
    report_ids = {sid: _report_id({"uid": row.get("uid"), "id": sid}) for sid, row in source_rows.items()}
    report_refs: dict[int, list[str]] = {sid: [] for sid in report_ids}
    actor_objs: dict[str, dict] = {}

    def actor_ref(actor_id: int, target: bool) -> str:
        a = actors.get(actor_id) or {"id": actor_id, "uuid": None, "name": f"actor {actor_id}", "kind": "unknown",
                                     "country": None, "description": None, "reference": None, "aliases": []}
        uid = _uuid_of(a.get("uuid"), f"actor:{actor_id}")
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
        iid = f"incident--{_uuid_of(inc['uuid'], 'incident:' + str(inc['id']))}"
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


def write_stix(conn, out: IO[str], incident_ids: Sequence[int] | None = None) -> int:
    bundle = stix_bundle(conn, incident_ids)
    dump(bundle, out, indent=1)
    out.write("\n")
    return sum(1 for o in bundle["objects"] if o["type"] == "incident")


# --- MISP --------------------------------------------------------------------------------------------------

_RSIT = {
    "information-content-security/unauthorised-access": ("information-content-security", "unauthorised-information-access"),
    "information-content-security/unauthorised-modification": ("information-content-security", "unauthorised-information-modification"),
    "intrusions/account-compromise": ("intrusions", "unprivileged-account-compromise"),
    "intrusions/defacement": ("intrusions", "system-compromise"),
    "malicious-code/ransomware": ("malicious-code", "infected-system"),
    "malicious-code/malware": ("malicious-code", "infected-system"),
    "intrusion-attempts/login-attempts": ("intrusion-attempts", "brute-force"),
    "information-gathering/scanning": ("information-gathering", "scanner"),
    "fraud/financial-theft": ("fraud", "unauthorised-use-of-resources"),
    "other/influence-operation": ("other", "other"), "other/vandalism": ("other", "other"),
    "other/terrorism": ("other", "other"),
}
_RSIT_NATIVE = {"abusive-content": {"spam", "harmful-speech"}, "availability": {"dos", "ddos", "sabotage", "outage"},
                "intrusions": {"application-compromise", "system-compromise"},
                "information-content-security": {"data-loss", "data-leak"},
                "fraud": {"masquerade", "phishing"}, "information-gathering": {"social-engineering"},
                "intrusion-attempts": {"exploit"}, "vulnerable": {"vulnerable-system"},
                "other": {"other", "undetermined"}}


def rsit_tag(type_: str | None) -> str:
    type_ = type_ or "other/undetermined"
    cls, _, sub = type_.partition("/")
    if sub in _RSIT_NATIVE.get(cls, ()):
        return f'rsit:{cls}="{sub}"'
    cls, sub = _RSIT.get(type_, ("other", "undetermined"))
    return f'rsit:{cls}="{sub}"'


def _misp_date(value: str | None, fallback: str | None) -> str:
    v = value or (fallback or "")[:10] or "1970-01-01"
    if re.fullmatch(r"\d{4}", v):
        v += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", v):
        v += "-01"
    return v[:10]


def misp_events(conn, incident_ids: Sequence[int] | None = None) -> list[dict]:
    data = _records(conn, incident_ids)
    actors = {a["id"]: a for a in data["actors"]}
    sources = {s["id"]: s for s in data["sources"]}
    events = []
    for inc in data["incidents"]:
        uid = _uuid_of(inc["uuid"], "incident:" + str(inc["id"]))
        tags = [{"name": rsit_tag(inc["type"])}, {"name": f'incidex:type="{inc["type"]}"'},
                {"name": f'incidex:status="{inc["status"]}"'}, {"name": f'incidex:domain="{inc["domain"]}"'}]
        tags += [{"name": f'incidex:tag="{_one_line(t)}"'} for t in inc.get("tags") or []]
        clusters = []
        attrs = []

        def attr(type_: str, category: str, value: str, comment: str = "", key: str = "", attrs=attrs, uid=uid) -> None:
            attrs.append({"uuid": uuid_of(f"{uid}|{type_}|{key or value}"), "type": type_,
                          "category": category, "value": value, "comment": comment, "to_ids": False,
                          "distribution": "5"})

        seen_actor = set()
        for a in inc["actors"]:
            actor = actors.get(a["id"], {})
            if a["role"] == "target":
                if ("t", a["id"]) not in seen_actor:
                    seen_actor.add(("t", a["id"]))
                    attr("target-org", "Targeting data", a["name"])
                continue
            if ("a", a["id"]) in seen_actor:
                continue
            seen_actor.add(("a", a["id"]))
            tags.append({"name": f'misp-galaxy:threat-actor="{_one_line(a["name"])}"'})
            ref = (actor.get("reference") or "").lower()
            clusters.append({
                "uuid": ref if _UUID.match(ref) else _uuid_of(actor.get("uuid"), f"actor:{a['id']}"),
                "type": "threat-actor", "value": a["name"], "tag_name": f'misp-galaxy:threat-actor="{_one_line(a["name"])}"',
                "description": actor.get("description") or "", "source": "incidex",
                "meta": {k: v for k, v in (("synonyms", actor.get("aliases") or []),
                                           ("country", [actor["country"]] if actor.get("country") else []),
                                           ("incidex-role", [a["role"]])) if v},
            })
        for cc in inc["countries"]:
            attr("target-location", "Targeting data", cc)
        if inc.get("summary"):
            attr("text", "Other", inc["summary"], "summary")
        for f in inc.get("figures") or []:
            attr("text", "Other", f"{_num(f['value'])} {f['unit']}".strip(), "figure: " + _one_line(f.get("text"))[:200])
        for s in inc["sources"]:
            src = sources.get(s["id"], s)
            if src.get("url"):
                attr("link", "External analysis", src["url"], _one_line(src.get("title"))[:250], key=f"src{s['id']}")
            else:
                attr("text", "External analysis", f"{src.get('title') or ''} ({src.get('origin') or 'source'})".strip(),
                     "source", key=f"src{s['id']}")
        event = {"uuid": uid, "info": inc["title"] or f"Incident {inc['id']}",
                 "date": _misp_date(inc.get("date"), inc.get("created_at")), "threat_level_id": "4",
                 "analysis": "2" if inc.get("review") == "reviewed" else "0", "distribution": "0", "published": False,
                 "Tag": tags, "Attribute": attrs}
        if clusters:
            event["Galaxy"] = [{"uuid": "698774c7-8022-42c4-917f-8d6e4f06ada3", "type": "threat-actor",
                                "name": "Threat Actor", "namespace": "misp", "description": "Threat actors",
                                "GalaxyCluster": clusters}]
        events.append({"Event": event})
    return events


def write_misp(conn, out: IO[str], incident_ids: Sequence[int] | None = None) -> int:
    events = misp_events(conn, incident_ids)
    dump({"response": events}, out, indent=1)
    out.write("\n")
    return len(events)


# --- Markdown ----------------------------------------------------------------------------------------------

def _md(value) -> str:
    """Inline Markdown text: one line, HTML and Markdown syntax characters escaped."""
    s = _one_line(value)
    s = s.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([`*_\[\]|#])", r"\\\1", s)


def write_markdown(conn, out: IO[str], incident_ids: Sequence[int] | None = None, query: str | None = None) -> int:
    data = _records(conn, incident_ids)
    incidents = data["incidents"]
    sources = {s["id"]: s for s in data["sources"]}
    numbers: dict[int, int] = {}

    def cite(source_id) -> str:
        if source_id is None:
            return ""
        if source_id not in numbers:
            numbers[source_id] = len(numbers) + 1
        return f"[{numbers[source_id]}]"

    lines = ["# Incident report", ""]
    today = _dt.date.today().isoformat()
    lines.append(f"{len(incidents)} incident{'s' if len(incidents) != 1 else ''} exported from incidex on {today}"
                 + (f" (query: `{_one_line(query).replace('`', '')}`)" if query else "") + ".")
    lines.append("")
    for n, inc in enumerate(incidents, 1):
        lines.append(f"## {n}. {_md(inc['title']) or 'Untitled incident'}")
        lines.append("")
        date = inc.get("date") or "date unknown"
        if inc.get("date_end") and inc["date_end"] != inc.get("date"):
            date += f" to {inc['date_end']}"
        prec = inc.get("date_precision")
        lines.append(f"- **Date:** {date}" + (f" ({prec}, {inc.get('date_basis')})" if inc.get("date") and prec else ""))
        lines.append(f"- **Type:** {_md(inc['type'])} ({_md(inc['domain'])}), status {_md(inc['status'])}")
        if inc["countries"] or inc["places"]:
            lines.append(f"- **Where:** {_md(', '.join(inc['places'] + inc['countries']))}")
        by_role: dict[str, dict[str, list[str]]] = {}
        for a in inc["actors"]:
            extra = []
            if a.get("attributed_by"):
                extra.append(f"by {_md(a['attributed_by'])}")
            if a.get("confidence") is not None and a["role"] != "target":
                extra.append(f"confidence {a['confidence']}")
            label = _md(a["name"]) + (f" ({', '.join(extra)})" if extra else "")
            cites_ = by_role.setdefault(a["role"], {}).setdefault(label, [])
            c = cite(a.get("source_id"))
            if c and c not in cites_:
                cites_.append(c)
        for role in queries.ROLE_ORDER:
            if by_role.get(role):
                name = "Targets" if role == "target" else role.capitalize()
                lines.append(f"- **{name}:** " + "; ".join(f"{label} {''.join(c)}".rstrip()
                                                            for label, c in by_role[role].items()))
        if inc.get("figures"):
            lines.append("- **Figures:** " + "; ".join(f"{_num(f['value'])} {_md(f['unit'])}{cite(f.get('source_id'))}"
                                                      for f in inc["figures"]))
        cites = " ".join(dict.fromkeys(cite(s["id"]) for s in inc["sources"]))
        if cites:
            lines.append(f"- **Sources:** {cites}")
        if inc.get("summary"):
            lines += ["", _md(inc["summary"])[:2000]]
        lines.append("")
    if numbers:
        lines += ["## Sources", ""]
        for sid, num in sorted(numbers.items(), key=lambda x: x[1]):
            s = sources.get(sid) or {}
            parts = [] if s.get("title") and s.get("title") == s.get("url") else [_md(s.get("title") or f"Source {sid}")]
            meta = ", ".join(_md(x) for x in (s.get("publisher"), s.get("published")) if x)
            if meta:
                parts.append(meta)
            where = s.get("url") or s.get("origin")
            if where:
                parts.append(f"<{_one_line(where).replace('>', '%3E').replace('<', '%3C')}>" if s.get("url") else _md(where))
            lines.append(f"{num}. " + ". ".join(parts))
        lines.append("")
    out.write("\n".join(lines))
    return len(incidents)
