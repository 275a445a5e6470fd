"""incidex/1 JSON, our own export (db/export/records.py): read back with every fact and its evidence.

Each exported source becomes a source with the same body (so the same uid: importing an export into the
database it came from changes nothing); each incident that cites it becomes a draft of that source carrying
the incident's uuid (so an incident told by several sources comes back as one), with the actor links,
places, figures and tools that source gave, each with its evidence sentence and offsets. An incident that
cites no exported source gets a structured source of its own (`incidex:<uuid>`).

Fields and evidence come from the export as written; text is bounded and made safe like any other input.
"""
from __future__ import annotations

import re

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention, ToolMention
from db.taxonomy import ROLES
from importers.readers.jsonutil import as_list, line, record_document, render, text

SCHEMA = "incidex/1"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_incidex(value) -> bool:
    return isinstance(value, dict) and value.get("schema") == SCHEMA and isinstance(value.get("incidents"), list)


def _evidence(body: str, value, start=None, end=None) -> Evidence | None:
    """The sentence with its offsets when they point at it in the body, else where it is found, else none."""
    t = text(value, 5000)
    if not t:
        return None
    if type(start) is int and type(end) is int and 0 <= start <= end <= len(body) and body[start:end] == value:
        return Evidence(value, start, end)
    i = body.find(t) if body else -1
    return Evidence(t, i, i + len(t)) if i >= 0 else Evidence(t, None, None)  # type: ignore[arg-type]


def _of(rec: dict, sid) -> bool:
    """A fact of this source (an export of a record without source ids gives it to every source)."""
    return rec.get("source_id") in (None, sid)


def _draft(inc: dict, sid, body: str, actors: dict, first: bool) -> IncidentDraft:
    cite = next((s for s in as_list(inc.get("sources")) if isinstance(s, dict) and s.get("id") == sid), {})
    mentions = []
    for a in as_list(inc.get("actors")):
        if not isinstance(a, dict) or not line(a.get("name"), 200) or not _of(a, sid):
            continue
        ref = actors.get(a.get("id")) or {}
        role = line(a.get("role"), 20)
        conf = a.get("confidence")
        mentions.append(ActorMention(
            name=line(a.get("name"), 200), role=role if role in ROLES else "attributed",
            kind=line(a.get("kind") or ref.get("kind"), 40) or "unknown", country=line(ref.get("country"), 2) or None,
            confidence=conf if type(conf) is int and 0 <= conf <= 100 else 50,
            attributed_by=line(a.get("attributed_by"), 200) or None,
            evidence=_evidence(body, a.get("evidence"), a.get("start"), a.get("end")),
            aliases=[line(x, 200) for x in as_list(ref.get("aliases")) if line(x, 200)][:50],
            description=text(ref.get("description"), 2000) or None,
            reference=line(ref.get("reference"), 100) or None, alias_origin="source"))
    places = [PlaceMention(line(p.get("name"), 200), line(p.get("country"), 2) or None, line(p.get("level"), 20) or "city",
                           _evidence(body, p.get("evidence"), p.get("start"), p.get("end")))
              for p in as_list(inc.get("place_details")) if isinstance(p, dict) and line(p.get("name"), 200) and _of(p, sid)]
    tools = [ToolMention(line(t.get("name"), 200), line(t.get("kind"), 20) or "malware",
                         r if isinstance(r := t.get("reference"), str) and _UUID.match(r) else None,
                         line(t.get("galaxy"), 40) or None, _evidence(body, t.get("evidence"), t.get("start"), t.get("end")))
             for t in as_list(inc.get("tools")) if isinstance(t, dict) and line(t.get("name"), 200) and _of(t, sid)]
    figures = []
    for f in as_list(inc.get("figures")):
        if isinstance(f, dict) and isinstance(f.get("value"), (int, float)) and not isinstance(f.get("value"), bool) \
                and (_of(f, sid) if f.get("source_id") is not None else first):
            figures.append(Figure(float(f["value"]), line(f.get("unit"), 60), text(f.get("text"), 1000)))
    uid = inc.get("uuid")
    return IncidentDraft(
        title=line(inc.get("title"), 300) or "Incident", type=line(inc.get("type"), 80) or "other/undetermined",
        summary=text(inc.get("summary"), 20_000), domain=line(inc.get("domain"), 20) or "cyber",
        status=line(inc.get("status"), 20) or "undetermined", date_start=line(inc.get("date"), 10) or None,
        date_end=line(inc.get("date_end"), 10) or None, date_precision=line(inc.get("date_precision"), 10) or "unknown",
        date_basis=line(inc.get("date_basis"), 10) or "occurred",
        countries=[c for c in (line(x, 2).upper() for x in as_list(inc.get("countries"))) if len(c) == 2],
        places=places, actors=mentions, figures=figures, tools=tools,
        evidence=[e for e in (_evidence(body, x.get("text"), x.get("start"), x.get("end"))
                              for x in as_list(cite.get("evidence")) if isinstance(x, dict)) if e],
        relation=line(cite.get("relation"), 20) or "report",
        uuid=uid.lower() if isinstance(uid, str) and _UUID.match(uid) else None)


def incidex_documents(value: dict, origin: str) -> list[Document]:
    actors = {a.get("id"): a for a in as_list(value.get("actors")) if isinstance(a, dict)}
    incidents = [i for i in as_list(value.get("incidents")) if isinstance(i, dict)]
    docs: list[Document] = []
    cited: set[int] = set()
    for s in as_list(value.get("sources")):
        if not isinstance(s, dict):
            continue
        sid = s.get("id")
        title = line(s.get("title"), 500) or "incidex source"
        body = text(s.get("body"), 2_000_000) or render(title, [("URL", s.get("url"))])[0]
        drafts = []
        for n, inc in enumerate(incidents):
            if any(isinstance(c, dict) and c.get("id") == sid for c in as_list(inc.get("sources"))):
                drafts.append(_draft(inc, sid, body, actors, n not in cited))
                cited.add(n)
        doc = record_document(origin, "incidex", "", title, body, drafts, published=line(s.get("published"), 10) or None,
                              publisher=s.get("publisher"), author=s.get("author"), url=line(s.get("url"), 2000) or None,
                              language=line(s.get("language"), 10) or None, kind=line(s.get("kind"), 20) or "news",
                              tags=[line(t, 100) for t in as_list(s.get("tags")) if line(t, 100)])
        doc.uid = None  # the body's hash, as when it was first imported
        docs.append(doc)
    for n, inc in enumerate(incidents):
        if n not in cited:
            body, _ = render(line(inc.get("title"), 300) or "Incident", [("Summary", inc.get("summary"))])
            docs.append(record_document(origin, "incidex", f"incidex:{inc.get('uuid') or n}", inc.get("title") or "Incident",
                                        body, [_draft(inc, None, body, actors, True)]))
    return docs
