"""Writing to the database: each document all-or-nothing, idempotent by source identity.

All writes of the application go through this module (the importers, the CLI's curation verbs and the
browser), with parameterised SQL on a ``sqlite3`` connection from `db.engine.connect`.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypedDict

from db import search
from db.actors import get_or_create_actor, record_decision
from db.drafts import Document, IncidentDraft
from db.engine import engine_of
from db.identity import canonical_url, new_uuid, source_uid, utcnow
from db.normalise import normalise
from db.normalise import normalise_cached as _norm
from db.records import follow

# A resolver decides whether a draft joins an existing incident: it returns (incident_id, reason) or None.
Resolver = Callable[[sqlite3.Connection, IncidentDraft, int], "tuple[int, dict[str, Any]] | None"]

@dataclass
class StoreResult:
    status: str  # imported, completed (a known source that got what it lacked), unchanged
    source_id: int
    incidents: list[int] = field(default_factory=list)  # every incident the document speaks of
    joined: list[int] = field(default_factory=list)  # incidents that existed and got this source
    created: list[int] = field(default_factory=list)  # incidents inserted for this document
    pending: list[int] = field(default_factory=list)  # incidents inserted with a pending 'maybe the same' decision
    completed: list[str] = field(default_factory=list)  # fields of a known source this copy filled in


def _has_figure(conn: sqlite3.Connection, incident_id: int, value: float, unit: str | None) -> bool:
    """Does the incident's figures list hold this value in this unit already?"""
    if engine_of(conn) == "postgresql":
        from db import postgres

        return postgres.has_figure(conn, incident_id, value, unit)  # type: ignore[arg-type]
    return bool(conn.execute(
        "SELECT EXISTS (SELECT 1 FROM incident i, json_each(coalesce(i.figures, '[]')) f WHERE i.id = ?"
        " AND json_extract(f.value, '$.value') = ? AND json_extract(f.value, '$.unit') IS ?)",
        (incident_id, value, unit)).fetchone()[0])



def _json_append(conn: sqlite3.Connection, column: str, n: int) -> str:
    """SQL for a JSON list column with n values (parameters, JSON text) appended."""
    if engine_of(conn) == "postgresql":
        from db import postgres

        return postgres.json_append(column, n)
    return f"json_insert(coalesce({column}, '[]'), " + ", ".join(["'$[#]', json(?)"] * n) + ")"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (the write lock is taken up front, so two
    importers queue on busy_timeout instead of failing half way with "database is locked").

    Inside a transaction already open (a bulk import's `db.bulk.GroupCommit`), a SAVEPOINT instead: the work is
    still all-or-nothing, and it is committed with the group. After an error that SQLite answers by
    rolling back the whole transaction (a RAISE(ROLLBACK) trigger, a full disk), there is no savepoint
    left to roll back to: the caller sees `conn.in_transaction` false."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT doc")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO doc")
                conn.execute("RELEASE doc")
            raise
        conn.execute("RELEASE doc")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # (not when SQLite rolled it back itself: the error at hand is the one to raise)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid the INSERT just run on `cur` gave it (typed `int | None`: after an INSERT it is an int)."""
    rowid = cur.lastrowid
    assert rowid is not None
    return rowid


def find_source(conn: sqlite3.Connection, uid: str, url: str | None) -> int | None:
    row = conn.execute("SELECT id FROM source WHERE uid = ?", (uid,)).fetchone()
    if row is None and url:
        # with or without the path's final slash, one page (a MISP link attribute comes back without it)
        other = url[:-1] if url.endswith("/") else url + "/"
        row = conn.execute("SELECT id FROM source WHERE url IN (?, ?) ORDER BY url = ? DESC LIMIT 1",
                           (url, other, url)).fetchone()
    return row[0] if row else None


def _same_text(conn: sqlite3.Connection, body: str, doc: Document) -> int | None:
    """The known source whose text this record carries, as the same source: a STIX report of our export
    holds a source's body as its description (found by the text's hash, the uid of a text source), and
    an incidex/1 source imported where that source came in as a STIX report is found among the sources
    of the incident it names. Never a record by another record's id."""
    if doc.uid and ":" in doc.uid:  # a record's id ('stix:report--...'): its text may be a known article's
        row = conn.execute("SELECT id FROM source WHERE uid = ?", (source_uid(body),)).fetchone()
        if row:
            return int(row[0])
    for uuid in dict.fromkeys(d.uuid for d in doc.drafts or [] if d.uuid):
        row = conn.execute("SELECT s.id FROM incident i JOIN incident_source x ON x.incident_id = i.id"
                           " JOIN source s ON s.id = x.source_id WHERE i.uuid = ? AND s.body = ? LIMIT 1",
                           (uuid, body)).fetchone()
        if row:
            return int(row[0])
    return None


def _copy_of_known(conn: sqlite3.Connection, doc: Document) -> list[int]:
    """The incidents a new structured record only repeats, else []: every draft keyed to a live incident of
    this database that already has each of its actors in that role and with that sentence, its places,
    tools and figures. A MISP event of our export is such a rendering (the incident's sources come
    back as its link attributes, known by URL); stored, it would be a second, derived source of every
    fact. A record that adds anything, or from a database that does not hold its incident, is stored."""
    drafts = doc.drafts or []
    if doc.kind != "structured" or not drafts or not all(d.uuid for d in drafts):
        return []  # (a report, such as a STIX report of an article, is a source in its own right)
    ids = []
    for d in drafts:
        row = conn.execute("SELECT id FROM incident WHERE uuid = ?", (d.uuid,)).fetchone()
        iid = row and (follow(conn, "incident", row[0]) or row[0])
        if not iid or not _holds(conn, iid, d):
            return []
        ids.append(iid)
    return ids


def _holds(conn: sqlite3.Connection, iid: int, d: IncidentDraft) -> bool:
    """Whether incident `iid` already has every fact of draft `d` (see `_copy_of_known`)."""
    for m in d.actors:
        said = m.evidence.text if m.evidence else None
        told = {_folded(r[0]) for r in conn.execute(
            "SELECT ia.evidence FROM incident_actor ia JOIN actor_alias aa ON aa.actor_id = ia.actor_id"
            " WHERE ia.incident_id = ? AND ia.role = ? AND aa.normalised = ?", (iid, m.role, _norm(m.name)))}
        if not told or (said is not None and _folded(said) not in told):
            return False
    places = {_norm(r[0]) for r in conn.execute("SELECT name FROM incident_place WHERE incident_id = ?", (iid,))}
    tools = {_norm(r[0]) for r in conn.execute("SELECT name FROM incident_tool WHERE incident_id = ?", (iid,))}
    row = conn.execute("SELECT figures FROM incident WHERE id = ?", (iid,)).fetchone()
    figures = {(f.get("value"), f.get("unit")) for f in json.loads(row[0] or "[]")}
    return ({_norm(pl.name) for pl in d.places} <= places and {_norm(t.name) for t in d.tools} <= tools
            and {(f.value, f.unit) for f in d.figures} <= figures)


def _folded(sentence: str | None) -> str | None:
    """A sentence with its spacing folded: a round trip through MISP gives a hair space back as a space."""
    return " ".join(sentence.split()) if sentence is not None else None


def store_document(conn: sqlite3.Connection, doc: Document, resolver: Resolver | None = None, *,
                   defer_index: bool = False) -> StoreResult:
    """Write a cleaned document and its drafts all-or-nothing (`transaction`); a known source changes nothing.

    Drafts that carry their own id (STIX, MISP, VERIS, mapped records) are never resolved against other
    incidents: the input says which incident they are. When such a document's source is already known
    (a URL cited by two records), it is still linked to the records' incidents.

    defer_index: only note, in the same transaction, which search rows changed (`search.mark_pending`);
    the caller refreshes them for many documents at once with `search.flush_pending` (bulk imports).
    Resolution reads the tables, never the search index, so it does not wait for the flush.
    """
    index = search.mark_pending if defer_index else search.reindex
    body = doc.body if doc.body is not None else doc.text
    uid = doc.uid or source_uid(body)
    url = canonical_url(doc.url)
    with transaction(conn):
        existing = find_source(conn, uid, url)
        if existing is None and body:
            existing = _same_text(conn, body, doc)
        if existing is not None:
            result = StoreResult("unchanged", existing)
            result.completed = complete_source(conn, existing, doc, url)
            keyed = [d for d in doc.drafts or [] if d.uuid]
            if keyed:
                _link_known_source(conn, existing, keyed, result, index)
            if result.completed:
                result.status = "completed"
                _after_completion(conn, result, doc, resolver, index)
            return result
        copy_of = _copy_of_known(conn, doc)
        if copy_of:  # our own export's rendering of incidents this database holds with every fact of it
            return StoreResult("unchanged", 0, incidents=copy_of)
        cur = conn.execute(
            "INSERT INTO source (uid, url, title, publisher, author, published, language, kind, origin, format,"
            " body, reliability, tags, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (uid, url, doc.title, doc.publisher, doc.author, doc.published, doc.language, doc.kind, doc.origin,
             doc.format, body, None, json.dumps(doc.tags, ensure_ascii=False), utcnow()),
        )
        source_id: int = inserted_id(cur)
        result = StoreResult("imported", source_id)
        changed_actors: set[int] = set()
        for draft in doc.drafts or []:
            joined = resolver(conn, draft, source_id) if resolver and not draft.uuid else None
            maybe, joined = (joined, None) if joined and joined[1].get("outcome") == "pending" else (None, joined)
            if joined:
                incident_id, reason = joined
                add_reason(conn, incident_id, source_id, reason)
                result.joined.append(incident_id)
            else:
                incident_id, created = insert_incident(conn, draft)
                if created:
                    result.created.append(incident_id)
                if maybe and _pending(conn, maybe, incident_id):
                    result.pending.append(incident_id)
            result.incidents.append(incident_id)
            changed_actors |= attach_draft(conn, incident_id, draft, source_id)
        for tag in doc.tags:
            add_tag(conn, "source", source_id, tag)
        index(conn, incidents=result.incidents, actors=changed_actors, sources=[source_id])
    return result


# What a better copy of a known source fills in, and only where the stored one has nothing (a date also
# where it has less: a year where the copy gives the day). Sources have no analyst edits; incidents do,
# and a re-extraction keeps them (`reextract_source`).
SOURCE_FILLS = ("title", "published", "url", "publisher", "author")


def complete_source(conn: sqlite3.Connection, source_id: int, doc: Document, url: str | None) -> list[str]:
    """Fill the fields of a known source that this copy of it gives and it lacked; the fields filled."""
    row = conn.execute("SELECT title, published, url, publisher, author, substr(body, 1, 400) FROM source WHERE id = ?",
                       (source_id,)).fetchone()
    new = {"title": doc.title, "published": doc.published, "url": url, "publisher": doc.publisher, "author": doc.author}
    stored = dict(zip(new, row, strict=False))
    old = dict(stored)
    if old["title"] and (row[5] or "").lstrip().startswith(old["title"].rstrip("…")):
        old["title"] = None  # the reader's stand-in for a missing title: the opening of the text
    fill = {k: v for k, v in new.items() if v and v != stored[k]
            and (not old[k] or (k == "published" and len(v) > len(old[k]) and v.startswith(old[k])))}
    if "url" in fill and conn.execute("SELECT 1 FROM source WHERE url = ?", (url,)).fetchone():
        del fill["url"]  # another source has that address: it is not this one's to take
    if fill:
        conn.execute(f"UPDATE source SET {', '.join(f'{k} = ?' for k in fill)} WHERE id = ?", (*fill.values(), source_id))
    return [k for k in SOURCE_FILLS if k in fill]


def _after_completion(conn: sqlite3.Connection, result: StoreResult, doc: Document, resolver: Resolver | None,
                      index: Callable[..., None]) -> None:
    """A known source got a title or a date: its incidents are extracted again from this copy (relative
    dates now have a day to count from), keeping every field and link an analyst set."""
    drafts = doc.drafts or []
    if drafts and {"title", "published"} & set(result.completed) and not any(d.uuid for d in drafts):
        forget = getattr(resolver, "clear", None)  # a resolver's kept candidates: links are removed below
        if forget:
            forget()
        done = reextract_source(conn, result.source_id, drafts, resolver)
        if forget:
            forget()
        result.incidents = done["kept"] + done["created"] + done["joined"]
        result.created, result.joined = done["created"], done["joined"]
    else:
        index(conn, sources=[result.source_id])


def _link_known_source(conn: sqlite3.Connection, source_id: int, drafts: list[IncidentDraft],
                       result: StoreResult, index: Callable[..., None] = search.reindex) -> None:
    changed: set[int] = set()
    for draft in drafts:
        incident_id, created = insert_incident(conn, draft)
        if not created and conn.execute("SELECT 1 FROM incident_source WHERE incident_id = ? AND source_id = ?",
                                        (incident_id, source_id)).fetchone():
            continue
        if created:
            result.created.append(incident_id)
        result.incidents.append(incident_id)
        changed |= attach_draft(conn, incident_id, draft, source_id)
    if result.incidents:
        index(conn, incidents=result.incidents, actors=changed)


def _same_story(draft: IncidentDraft, row: tuple[int, str | None, str | None, str | None]) -> float:
    """How well a fresh draft fits an incident the same source produced before (for stable ids)."""
    from rapidfuzz import fuzz

    _id, title, type_, date = row
    s = 0.5 if draft.type == type_ else (0.25 if draft.type.split("/")[0] == (type_ or "").split("/")[0] else 0.0)
    s += 0.3 if draft.date_start and draft.date_start == date else 0.0
    s += 0.4 * fuzz.token_set_ratio(normalise(draft.title), normalise(title or "")) / 100
    return s


class Reextracted(TypedDict):
    """What `reextract_source` did: the incidents of the source kept, created, joined and removed."""

    source: int
    kept: list[int]
    created: list[int]
    joined: list[int]
    removed: list[int]


def reextract_source(conn: sqlite3.Connection, source_id: int, drafts: list[IncidentDraft],
                     resolver: Resolver | None = None) -> Reextracted:
    """Replace what automatic extraction said about one source, keeping every analyst decision.

    The source's automatic actor links, places and figures are removed and the new drafts attached: to
    the incident of this source they fit best (so ids, merges and splits stay), else through the resolver,
    else to a new incident. Fields an analyst edited are never changed; links an analyst made stay; an
    incident that only this source supported and that nobody edited or reviewed goes away if no draft
    fits it any more.
    """
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM source WHERE id = ?", (source_id,)).fetchone():
            raise ValueError(f"no source with id {source_id}")
        rows = conn.execute(
            "SELECT i.id, i.title, i.type, i.date_start FROM incident_source x JOIN incident i ON i.id = x.incident_id"
            " WHERE x.source_id = ? AND i.merged_into IS NULL ORDER BY i.id", (source_id,)).fetchall()
        old = {r[0] for r in rows}
        conn.execute("DELETE FROM incident_actor WHERE source_id = ? AND origin = 'auto'", (source_id,))
        conn.execute("DELETE FROM incident_place WHERE source_id = ?", (source_id,))
        conn.execute("DELETE FROM incident_tool WHERE source_id = ? AND origin = 'auto'", (source_id,))
        for (iid,) in [(r[0],) for r in rows]:
            f = conn.execute("SELECT figures FROM incident WHERE id = ?", (iid,)).fetchone()[0]
            kept = [x for x in json.loads(f or "[]") if x.get("source_id") != source_id]
            conn.execute("UPDATE incident SET figures = ? WHERE id = ?", (json.dumps(kept, ensure_ascii=False), iid))
        free = list(rows)
        used: set[int] = set()
        created: list[int] = []
        joined: list[int] = []
        kept_ids: list[int] = []
        actors: set[int] = set()
        for draft in drafts:
            best = max(free, key=lambda r: _same_story(draft, r), default=None)
            if best is not None and _same_story(draft, best) >= 0.5:
                free.remove(best)
                incident_id = best[0]
                _refresh_fields(conn, incident_id, draft)
                conn.execute("UPDATE incident_source SET evidence = ?, facts = ? WHERE incident_id = ? AND source_id = ?",
                             (_evidence_json(draft), json.dumps({k: e.__dict__ for k, e in draft.facts.items()}),
                              incident_id, source_id))
                kept_ids.append(incident_id)
            else:
                hit = resolver(conn, draft, source_id) if resolver else None
                maybe, hit = (hit, None) if hit and hit[1].get("outcome") == "pending" else (None, hit)
                if hit:
                    incident_id = hit[0]
                    add_reason(conn, incident_id, source_id, hit[1])
                    joined.append(incident_id)
                else:
                    incident_id, _new = insert_incident(conn, draft)
                    created.append(incident_id)
                    if maybe:
                        _pending(conn, maybe, incident_id)
            used.add(incident_id)
            actors |= attach_draft(conn, incident_id, draft, source_id)
        removed = []
        for iid, *_ in free:
            row = conn.execute("SELECT edited_fields, review FROM incident WHERE id = ?", (iid,)).fetchone()
            others = conn.execute("SELECT count(*) FROM incident_source WHERE incident_id = ? AND source_id != ?",
                                  (iid, source_id)).fetchone()[0]
            analyst = row[0] not in (None, "[]") or row[1] == "reviewed"
            if others and not analyst:
                conn.execute("DELETE FROM incident_source WHERE incident_id = ? AND source_id = ? AND origin = 'auto'",
                             (iid, source_id))
            elif not others and not analyst and not conn.execute(
                    "SELECT 1 FROM incident WHERE merged_into = ?", (iid,)).fetchone():
                conn.execute("DELETE FROM incident WHERE id = ?", (iid,))
                removed.append(iid)
        search.reindex(conn, incidents=old | used, actors=actors, sources=[source_id])
    return {"source": source_id, "kept": kept_ids, "created": created, "joined": joined, "removed": removed}


def _refresh_fields(conn: sqlite3.Connection, incident_id: int, draft: IncidentDraft) -> None:
    """Take the draft's values for fields no analyst edited, when this source is the incident's only one."""
    row = conn.execute("SELECT edited_fields, (SELECT count(*) FROM incident_source WHERE incident_id = ?)"
                       " FROM incident WHERE id = ?", (incident_id, incident_id)).fetchone()
    if row[1] > 1:
        return
    edited = set(json.loads(row[0] or "[]"))
    values = {"title": draft.title, "summary": draft.summary, "type": draft.type, "domain": draft.domain,
              "status": draft.status, "date_start": draft.date_start, "date_end": draft.date_end,
              "date_precision": draft.date_precision, "date_basis": draft.date_basis}
    if "date_start" in edited:
        edited |= {"date_end", "date_precision", "date_basis"}
    values = {k: v for k, v in values.items() if k not in edited}
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE incident SET {sets}, updated_at = ? WHERE id = ?", (*values.values(), utcnow(), incident_id))


def insert_incident(conn: sqlite3.Connection, draft: IncidentDraft) -> tuple[int, bool]:
    """Insert a draft's incident; (id, True), or (id of the live incident, False) for a known uuid."""
    now = utcnow()
    uid = draft.uuid or new_uuid()
    row = conn.execute("SELECT id FROM incident WHERE uuid = ?", (uid,)).fetchone()
    if row:  # a structured input re-sending a known incident id (follow a merge to its survivor)
        return follow(conn, "incident", row[0]) or row[0], False
    cur = conn.execute(
        "INSERT INTO incident (uuid, title, summary, type, domain, status, date_start, date_end, date_precision,"
        " date_basis, countries, figures, review, edited_fields, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (uid, draft.title, draft.summary, draft.type, draft.domain, draft.status, draft.date_start, draft.date_end,
         draft.date_precision, draft.date_basis, json.dumps(sorted(set(draft.countries))), "[]", "auto", "[]", now, now),
    )
    return inserted_id(cur), True


def _evidence_json(draft: IncidentDraft) -> str:
    return json.dumps([{"text": e.text, "start": e.start, "end": e.end} for e in draft.evidence], ensure_ascii=False)


def attach_draft(conn: sqlite3.Connection, incident_id: int, draft: IncidentDraft, source_id: int) -> set[int]:
    """Link a draft's source, actors, places, tools and figures to an incident.

    Returns the ids of actors whose own record changed (new, new alias, new facts): only those need
    their search documents rebuilt, which also rebuilds every incident they appear in."""
    facts = {k: {"text": e.text, "start": e.start, "end": e.end} for k, e in draft.facts.items()}
    conn.execute(
        "INSERT INTO incident_source (incident_id, source_id, relation, evidence, facts, origin) VALUES (?,?,?,?,?,?)"
        " ON CONFLICT (incident_id, source_id) DO NOTHING",
        (incident_id, source_id, draft.relation, _evidence_json(draft), json.dumps(facts, ensure_ascii=False), "auto"),
    )
    actors: set[int] = set()
    seen: set[tuple[int, str, str | None]] = set()
    for mention in draft.actors:
        actor_id = get_or_create_actor(conn, mention, actors)
        # one link per actor, role and sentence: a structured input (MISP) can carry two reports' sentences
        said = mention.evidence.text if mention.evidence else None
        if (actor_id, mention.role, said) in seen or said is None and any(
                k[:2] == (actor_id, mention.role) for k in seen):
            continue
        seen.add((actor_id, mention.role, said))
        ev = mention.evidence
        conn.execute(
            "INSERT INTO incident_actor (incident_id, actor_id, role, attributed_by, confidence, source_id, evidence,"
            ' start, "end", origin) VALUES (?,?,?,?,?,?,?,?,?,?)',
            (incident_id, actor_id, mention.role, mention.attributed_by, int(mention.confidence), source_id,
             ev.text if ev else None, ev.start if ev else None, ev.end if ev else None, "auto"),
        )
    known_places = {_norm(r[0]) for r in conn.execute(
        "SELECT name FROM incident_place WHERE incident_id = ?", (incident_id,))} if draft.places else set()
    for place in draft.places:
        if _norm(place.name) in known_places:
            continue
        known_places.add(_norm(place.name))
        ev = place.evidence
        conn.execute(
            'INSERT INTO incident_place (incident_id, name, country, level, source_id, evidence, start, "end")'
            " VALUES (?,?,?,?,?,?,?,?)",
            (incident_id, place.name, place.country, place.level, source_id, ev.text if ev else None,
             ev.start if ev else None, ev.end if ev else None),
        )
    if draft.tools:
        _attach_tools(conn, incident_id, draft, source_id)
    if draft.figures or draft.countries:
        # The figures list grows with every report of a story: SQLite's JSON functions read and append
        # to it, instead of a Python round trip of the whole list per report.
        have: set[tuple[float, str]] = set()
        new = []
        for fig in draft.figures:
            if (fig.value, fig.unit) not in have and not _has_figure(conn, incident_id, fig.value, fig.unit):
                have.add((fig.value, fig.unit))
                new.append(json.dumps({"value": fig.value, "unit": fig.unit, "text": fig.text, "start": fig.start,
                                       "end": fig.end, "source_id": source_id}, ensure_ascii=False))
        row = conn.execute("SELECT countries FROM incident WHERE id = ?", (incident_id,)).fetchone()
        countries = sorted(set(json.loads(row[0] or "[]")) | set(draft.countries))
        appended = "coalesce(figures, '[]')" if not new else _json_append(conn, "figures", len(new))
        conn.execute(f"UPDATE incident SET figures = {appended}, countries = ?, updated_at = ? WHERE id = ?",
                     (*new, json.dumps(countries), utcnow(), incident_id))
    return actors


def add_reason(conn: sqlite3.Connection, incident_id: int, source_id: int, reason: dict[str, Any]) -> None:
    """Append why a source joined an incident to its list of reasons (in SQL: the list grows with every
    report of a story)."""
    conn.execute(f"UPDATE incident SET join_reason = {_json_append(conn, 'join_reason', 1)} WHERE id = ?", (json.dumps(dict(reason, source_id=source_id), ensure_ascii=False), incident_id))


def _pending(conn: sqlite3.Connection, maybe: tuple[int, dict[str, Any]], incident_id: int) -> bool:
    """A pending decision 'maybe the same as #N' between a new incident and the one a resolver was not
    sure it reports (importers/resolve.py); True when it is new (an analyst's verdict is never replaced)."""
    other, reason = maybe
    text = reason.get("text") or f"maybe the same as #{other} (score {reason.get('score')})"
    before = conn.total_changes
    record_decision(conn, "incident", other, incident_id, "pending", text, overwrite=False)
    return conn.total_changes > before


def add_tag(conn: sqlite3.Connection, entity: str, entity_id: int, name: str) -> None:
    name = name.strip()
    if name:
        conn.execute("INSERT INTO tag (entity, entity_id, name, created_at) VALUES (?,?,?,?)"
                     " ON CONFLICT (entity, entity_id, name) DO NOTHING", (entity, entity_id, name, utcnow()))


def _attach_tools(conn: sqlite3.Connection, incident_id: int, draft: IncidentDraft, source_id: int) -> None:
    """One row per tool an incident was carried out with: the first source to name it gives the evidence."""
    known = {_norm(r[0]) for r in conn.execute("SELECT name FROM incident_tool WHERE incident_id = ?", (incident_id,))}
    for tool in draft.tools:
        if not tool.name or _norm(tool.name) in known:
            continue
        known.add(_norm(tool.name))
        ev = tool.evidence
        conn.execute(
            'INSERT INTO incident_tool (incident_id, name, kind, reference, galaxy, source_id, evidence, start, "end",'
            " origin) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (incident_id, tool.name, tool.kind or "malware", tool.reference, tool.galaxy, source_id,
             ev.text if ev else None, ev.start if ev else None, ev.end if ev else None, "auto"))
