"""MISP event JSON: one event per incident, RSIT and threat-actor galaxy tags, incidex's type as an
`incidex:type` tag.

Roles: MISP has no place for who did what to an incident beyond "this cluster is attached", so every
(actor, role) pair of an incident other than a target is also a `threat-actor` attribute (category
Attribution) whose value is the actor's name, whose comment is the role and which carries a tag of our own
namespace, `incidex:role="perpetrator|claimed|attributed|suspected|denied"`. Attribute tags survive MISP's
own import and PyMISP; the reader (importers/readers/misp.py) takes the roles back from them, and an actor
known only from a galaxy cluster or a `misp-galaxy:threat-actor` tag stays `attributed`. The cluster's
`meta["incidex-role"]` lists the same roles for a human reader. Targets are `target-org` attributes.

Galaxy clusters: an actor that matches a cluster of MISP's threat-actor galaxy (by its reference uuid, its
name, then an alias that names no other cluster; pymispgalaxies' copy) is exported as that cluster, with
its official uuid and value, our name among its synonyms; otherwise as a cluster of our own (stable uuid).
The `threat-actor` attribute keeps our name, so the reader puts the role back on the actor we had.

Evidence: the sentence each actor's role and each target rests on is its attribute's `comment` (the role
alone when there is none); places are `target-location` attributes tagged `incidex:level="city|..."` and
`incidex:country="FR"`, their sentence as comment. The reader takes both back.

Tools: the event carries each tool's galaxy tag (`misp-galaxy:ransomware="GandCrab"`: MISP attaches the
official cluster by it), and a `text` attribute whose value is the tool's name, whose comment is its sentence,
tagged `incidex:tool-kind="..."` and `incidex:tool-reference="<cluster uuid>"`. Figures are `text`
attributes whose value is the phrase ("40 systems"), tagged `incidex:figure-value` and `incidex:figure-unit`.
The reader takes both back and keeps them out of the summary.

The events pass PyMISP's strict schema (`pymisp/data/schema.json`): a Galaxy carries no `namespace`.
"""
from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Any

from db.export.common import UUID, number_text, one_line, records, uuid_or_stable
from db.identity import uuid_of
from db.text import dump

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


_NOT_GROUPS = {"state", "organisation", "government body", "person"}
"""Actor kinds no threat-actor cluster describes (a state's name is sometimes a cluster's synonym)."""


def _fold(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


@functools.lru_cache(maxsize=1)
def _galaxy() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """(by uuid, by folded name or synonym) -> (cluster uuid, official value), from pymispgalaxies' copy of the
    threat-actor galaxy (864 clusters, read in ~25 ms on first use). Cluster values win over synonyms, and a
    synonym that two clusters share names neither."""
    spec = find_spec("pymispgalaxies")
    if spec is None or not spec.origin:
        return {}, {}
    path = Path(spec.origin).parent / "data" / "misp-galaxy" / "clusters" / "threat-actor.json"
    try:
        values = json.loads(path.read_text(encoding="utf-8")).get("values", [])
    except (OSError, ValueError):
        return {}, {}
    by_uuid: dict[str, tuple[str, str]] = {}
    by_value: dict[str, tuple[str, str]] = {}
    by_synonym: dict[str, tuple[str, str]] = {}
    shared: set[str] = set()
    for v in values:
        uuid, value = str(v.get("uuid") or "").lower(), str(v.get("value") or "")
        if not UUID.match(uuid) or not value:
            continue
        by_uuid[uuid] = (uuid, value)
        by_value.setdefault(_fold(value), (uuid, value))
        for syn in (v.get("meta") or {}).get("synonyms") or []:
            k = _fold(str(syn))
            if k in by_synonym and by_synonym[k][0] != uuid:
                shared.add(k)
            by_synonym.setdefault(k, (uuid, value))
    names = {k: c for k, c in by_synonym.items() if k not in shared and k}
    names.update(by_value)
    return by_uuid, names


def galaxy_cluster(actor: dict[str, Any]) -> tuple[str, str] | None:
    """(uuid, value) of the threat-actor galaxy cluster this actor is, if any."""
    if actor.get("kind") in _NOT_GROUPS:
        return None
    by_uuid, by_name = _galaxy()
    ref = str(actor.get("reference") or "").lower()
    if ref in by_uuid:
        return by_uuid[ref]
    for name in [actor.get("name") or "", *(actor.get("aliases") or [])]:
        hit = by_name.get(_fold(str(name)))
        if hit:
            return hit
    return None


def misp_events(conn: sqlite3.Connection, incident_ids: Sequence[int] | None = None,
                include_paths: bool = False) -> list[dict[str, Any]]:
    data = records(conn, incident_ids, include_paths)
    actors = {a["id"]: a for a in data["actors"]}
    sources = {s["id"]: s for s in data["sources"]}
    events: list[dict[str, Any]] = []
    for inc in data["incidents"]:
        uid = uuid_or_stable(inc["uuid"], "incident:" + str(inc["id"]))
        tags = [{"name": rsit_tag(inc["type"])}, {"name": f'incidex:type="{inc["type"]}"'},
                {"name": f'incidex:status="{inc["status"]}"'}, {"name": f'incidex:domain="{inc["domain"]}"'}]
        tags += [{"name": f'incidex:tag="{one_line(t)}"'} for t in inc.get("tags") or []]
        clusters: list[dict[str, Any]] = []
        attrs: list[dict[str, Any]] = []

        def attr(type_: str, category: str, value: str, comment: str = "", key: str = "",
                 attrs: list[dict[str, Any]] = attrs, uid: str = uid) -> None:
            attrs.append({"uuid": uuid_of(f"{uid}|{type_}|{key or value}"), "type": type_,
                          "category": category, "value": value, "comment": comment, "to_ids": False,
                          "distribution": "5"})

        seen_actor: set[tuple[str, int, str]] = set()
        cluster_of: dict[int, dict[str, Any]] = {}
        for a in inc["actors"]:
            actor = actors.get(a["id"], {})
            evidence = one_line(a.get("evidence"))
            # one attribute per actor, role and sentence: two reports of a story each give theirs
            if (a["role"], a["id"], evidence) in seen_actor:
                continue
            first = not any(r == a["role"] and i == a["id"] for r, i, _ in seen_actor)
            seen_actor.add((a["role"], a["id"], evidence))
            key = f"{a['id']}|{a['role']}" + ("" if first else f"|{evidence}")
            if a["role"] == "target":
                attr("target-org", "Targeting data", a["name"], evidence, key="" if first else key)
                continue
            # the role, per actor and incident: a threat-actor attribute tagged incidex:role="...", its
            # sentence as comment
            attr("threat-actor", "Attribution", a["name"], evidence or a["role"], key=key)
            attrs[-1]["Tag"] = [{"name": f'incidex:role="{a["role"]}"'}]
            if a["id"] in cluster_of:
                cluster_of[a["id"]]["meta"]["incidex-role"].append(a["role"])
                continue
            official = galaxy_cluster({**actor, "name": a["name"], "kind": actor.get("kind") or a.get("kind")})
            value = official[1] if official else a["name"]
            synonyms = [n for n in dict.fromkeys([a["name"], *(actor.get("aliases") or [])]) if n != value]
            tags.append({"name": f'misp-galaxy:threat-actor="{one_line(value)}"'})
            meta: dict[str, Any] = {k: v for k, v in (("synonyms", synonyms),
                                                      ("country", [actor["country"]] if actor.get("country") else []))
                                    if v}
            meta["incidex-role"] = [a["role"]]
            cluster_of[a["id"]] = {
                "uuid": official[0] if official else uuid_or_stable(actor.get("uuid"), f"actor:{a['id']}"),
                "type": "threat-actor", "value": value, "tag_name": f'misp-galaxy:threat-actor="{one_line(value)}"',
                "description": actor.get("description") or "", "source": "MISP Project" if official else "incidex",
                "meta": meta,
            }
            clusters.append(cluster_of[a["id"]])
        for cc in inc["countries"]:
            attr("target-location", "Targeting data", cc)
        for p in inc.get("place_details") or []:
            attr("target-location", "Targeting data", p["name"], one_line(p.get("evidence")),
                 key=f"place|{p['name']}|{p.get('source_id')}")
            attrs[-1]["Tag"] = [{"name": f'incidex:level="{p.get("level") or "city"}"'}]
            if p.get("country"):
                attrs[-1]["Tag"].append({"name": f'incidex:country="{p["country"]}"'})
        if inc.get("summary"):
            attr("text", "Other", inc["summary"], "summary")
        for f in inc.get("figures") or []:
            # the phrase as value, our tags with the number and unit: read back as the same figure
            attr("text", "Other", one_line(f.get("text")) or f"{number_text(f['value'])} {f['unit']}".strip(), "figure",
                 key=f"figure|{f['value']}|{f['unit']}|{f.get('source_id')}")
            attrs[-1]["Tag"] = [{"name": f'incidex:figure-value="{f["value"]}"'},
                                {"name": f'incidex:figure-unit="{one_line(f["unit"])}"'}]
        for t in inc.get("tools") or []:
            # a tool: its galaxy tag on the event (MISP attaches the cluster by it), and an attribute with its
            # sentence as comment and our tags for kind and cluster uuid, read back with its evidence
            if t.get("galaxy"):
                tags.append({"name": f'misp-galaxy:{one_line(t["galaxy"])}="{one_line(t["name"])}"'})
            attr("text", "Other", t["name"], one_line(t.get("evidence")) or "tool", key=f"tool|{t['name']}")
            attrs[-1]["Tag"] = [{"name": f'incidex:tool-kind="{one_line(t.get("kind") or "malware")}"'}]
            if t.get("reference"):
                attrs[-1]["Tag"].append({"name": f'incidex:tool-reference="{one_line(t["reference"])}"'})
        for s in inc["sources"]:
            src = sources.get(s["id"], s)
            if src.get("url"):
                attr("link", "External analysis", src["url"], one_line(src.get("title"))[:250], key=f"src{s['id']}")
            else:
                attr("text", "External analysis", f"{src.get('title') or ''} ({src.get('origin') or 'source'})".strip(),
                     "source", key=f"src{s['id']}")
        event = {"uuid": uid, "info": inc["title"] or f"Incident {inc['id']}",
                 "date": _misp_date(inc.get("date"), inc.get("created_at")), "threat_level_id": "4",
                 "analysis": "2" if inc.get("review") == "reviewed" else "0", "distribution": "0", "published": False,
                 "Tag": tags, "Attribute": attrs}
        if clusters:
            event["Galaxy"] = [{"uuid": "698774c7-8022-42c4-917f-8d6e4f06ada3", "type": "threat-actor",
                                "name": "Threat Actor", "description": "Threat actors",
                                "GalaxyCluster": clusters}]
        events.append({"Event": event})
    return events


def write_misp(conn: sqlite3.Connection, out: IO[str], incident_ids: Sequence[int] | None = None,
               include_paths: bool = False) -> int:
    events = misp_events(conn, incident_ids, include_paths)
    dump({"response": events}, out, indent=1)
    out.write("\n")
    return len(events)
