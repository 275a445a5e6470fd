"""What goes into the search index, and keeping it fresh.

One index document per incident, actor and source (`_incident_docs`, `_actor_docs`, `_source_docs`: the
searchable text, the key tokens of `db.search.index`, the words for the vocabulary), written by three
paths that share those builders:

* `reindex`: the documents of some ids, inside the store's write transaction (an actor's incidents too
  when its name, aliases or merge state changed: their text embeds it);
* `mark_pending` / `flush_pending`: the same, deferred, for bulk imports (one refresh per flush, not one
  per report);
* `rebuild`: every search table dropped and refilled (bulk loads, ``incidex db check --rebuild``, a
  file whose index another layout built).

Each write tells the connection's `Searcher` to drop its caches (vocabulary, actor names).
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from db.search.fuzzy import compact, tokens
from db.search.index import (
    _PENDING_DDL,
    ID_BITS,
    LAYOUT,
    TEXT_CHARS,
    VIEWS,
    View,
    _chunks,
    _keys_text,
    _marks,
    _skey,
    _transaction,
    date_key,
    drop_rows,
    ensure_schema,
    optimize,
    put_rows,
    table_exists,
)

# --------------------------------------------------------------------------------------------------
# Documents


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    import json

    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        return []
    return [str(v) for v in value if isinstance(v, (str, int))] if isinstance(value, list) else []


_KEY_TOKENS: dict[str, str] = {}


def _key_token(text: str) -> str:
    """compact() of a role, review, type or country code: few distinct values, so memoised."""
    tok = _KEY_TOKENS.get(text)
    if tok is None:
        tok = compact(text)
        if len(_KEY_TOKENS) < 10_000:
            _KEY_TOKENS[text] = tok
    return tok


class _ActorInfo:
    """Survivor id and searchable text of actors, loaded for a set of ids (or all of them)."""

    def __init__(self, conn: sqlite3.Connection, ids: Iterable[int] | None = None):
        self.conn = conn
        self.rows: dict[int, tuple[str, str | None, str | None, int | None]] = {}
        self.aliases: dict[int, list[str]] = {}
        if ids is None:
            for aid, name, kind, country, merged in conn.execute(
                    "SELECT id, name, kind, country, merged_into FROM actor"):
                self.rows[aid] = (name, kind, country, merged)
            for aid, alias in conn.execute("SELECT actor_id, alias FROM actor_alias"):
                self.aliases.setdefault(aid, []).append(alias)
        else:
            self._load(set(ids))

    def _load(self, ids: set[int]) -> None:
        todo = [i for i in ids if i not in self.rows]
        while todo:
            nxt: set[int] = set()
            for chunk in _chunks(todo):
                for aid, name, kind, country, merged in self.conn.execute(
                        f"SELECT id, name, kind, country, merged_into FROM actor WHERE id IN ({_marks(len(chunk))})",
                        chunk):
                    self.rows[aid] = (name, kind, country, merged)
                    if merged is not None and merged not in self.rows:
                        nxt.add(merged)
                for aid, alias in self.conn.execute(
                        f"SELECT actor_id, alias FROM actor_alias WHERE actor_id IN ({_marks(len(chunk))})", chunk):
                    self.aliases.setdefault(aid, []).append(alias)
            todo = [i for i in nxt if i not in self.rows]

    def survivor(self, aid: int) -> int | None:
        seen = set()
        while aid in self.rows and self.rows[aid][3] is not None and aid not in seen:
            seen.add(aid)
            aid = self.rows[aid][3]  # type: ignore[assignment]  # not None: the loop's condition
        return aid if aid in self.rows else None

    def text(self, aid: int) -> str:
        sid = self.survivor(aid)
        if sid is None:
            return ""
        parts = [self.rows[sid][0] or ""] + self.aliases.get(sid, [])
        if sid != aid and aid in self.rows:
            parts.append(self.rows[aid][0] or "")
        return " ; ".join(dict.fromkeys(p for p in parts if p))


def _incident_docs(conn: sqlite3.Connection, where: str, params: tuple[object, ...], actors: _ActorInfo | None,
                   ) -> tuple[list[tuple[Any, ...]], set[str], set[str], set[str], set[str]]:
    """Index rows (skey, id, title, type, actors, targets, places, tags, extra, text, keys) for incidents
    matching `where` (on table alias i), plus vocabulary words, types and place names seen."""
    inc = conn.execute(
        "SELECT i.id, i.title, i.type, i.date_start, i.countries, i.review, i.summary FROM incident i "
        f"WHERE i.merged_into IS NULL AND {where}", params).fetchall()
    if not inc:
        return [], set(), set(), set(), set()
    ids = [r[0] for r in inc]
    links: dict[int, list[tuple[int, str]]] = {}
    places: dict[int, list[tuple[str, str | None]]] = {}
    tags: dict[int, list[str]] = {}
    srcs: dict[int, list[int]] = {}
    said: dict[int, list[str]] = {}  # evidence sentences, for the text column
    tools: dict[int, list[tuple[str, str]]] = {}  # (name, kind): the extra column and the tool: keys
    lo, hi = min(ids), max(ids)
    dense = len(ids) > 200 and (hi - lo) < 4 * len(ids)
    # Dense id ranges (rebuild) use range scans; sparse sets (reindex) use IN lists.
    batches = [(" BETWEEN ? AND ?", (lo, hi))] if dense else [
        (f" IN ({_marks(len(c))})", tuple(c)) for c in _chunks(ids)]
    for cond, p in batches:
        # DISTINCT: a story told by many reports has one link per report and actor
        for iid, aid, role in conn.execute(
                f"SELECT DISTINCT incident_id, actor_id, role FROM incident_actor WHERE incident_id{cond}", p):
            links.setdefault(iid, []).append((aid, role))
        for iid, name, country in conn.execute(
                f"SELECT incident_id, name, country FROM incident_place WHERE incident_id{cond}", p):
            places.setdefault(iid, []).append((name, country))
        for iid, text in conn.execute(
                f"SELECT incident_id, evidence FROM incident_actor WHERE incident_id{cond} AND evidence <> '' "
                f"UNION ALL SELECT incident_id, evidence FROM incident_place WHERE incident_id{cond} "
                "AND evidence <> ''", p + p):
            said.setdefault(iid, []).append(text)
        for iid, ev in conn.execute(
                f"SELECT incident_id, evidence FROM incident_source WHERE incident_id{cond} AND evidence <> '[]'", p):
            said.setdefault(iid, []).extend(_evidence_texts(ev))
        for iid, name, kind in conn.execute(
                f"SELECT incident_id, name, kind FROM incident_tool WHERE incident_id{cond}", p):
            tools.setdefault(iid, []).append((name, kind or ""))
        for iid, name in conn.execute(
                f"SELECT entity_id, name FROM tag WHERE entity = 'incident' AND entity_id{cond}", p):
            tags.setdefault(iid, []).append(name)
        for iid, sid in conn.execute(
                f"SELECT incident_id, source_id FROM incident_source WHERE incident_id{cond}", p):
            srcs.setdefault(iid, []).append(sid)
    if actors is None:
        actors = _ActorInfo(conn, {a for v in links.values() for a, _ in v})
    else:
        actors._load({a for v in links.values() for a, _ in v})
    docs = []
    vocab: set[str] = set()
    types: set[str] = set()
    place_names: set[str] = set()
    tag_names: set[str] = set()
    text_cache: dict[int, str] = {}
    for iid, title, type_, date, countries, review, summary in inc:
        keys = ["zall"]
        actor_txt: list[str] = []
        target_txt: list[str] = []
        for aid, role in links.get(iid, ()):
            sid = actors.survivor(aid)
            if sid is None:
                continue
            txt = text_cache.get(aid)
            if txt is None:
                txt = text_cache[aid] = actors.text(aid)
            role = (role or "").lower()
            rtok = _key_token(role)
            if role == "target":
                target_txt.append(txt)
                keys.append(f"t{sid}")
            else:
                actor_txt.append(txt)
                keys.append(f"a{sid}")
                keys.extend(_party_keys(actors.rows[sid]))
            keys.append(f"a{sid}{rtok}")
            keys.append(f"r{rtok}")
        pl = places.get(iid, ())
        ccs = {c.lower() for c in _json_list(countries)} | {c.lower() for _, c in pl if c}
        keys.extend(f"c{_key_token(c)}" for c in sorted(ccs))
        keys.append(f"rv{_key_token(review or '')}")
        keys.append(f"ty{_key_token(type_ or '')}")
        keys.extend(f"s{s}" for s in srcs.get(iid, ()))
        dk = date_key(date)
        extra = str(dk // 10000) if dk else ""
        tl = tools.get(iid, ())
        if tl:  # tool: keys (wn<name>, wk<kind>) and the names, searchable as words beside the year
            keys.extend(dict.fromkeys(k for n, kind in tl for k in (f"wn{compact(n)}", f"wk{_key_token(kind)}")))
            extra = " ; ".join([extra, *dict.fromkeys(n for n, _ in tl)]) if extra else " ; ".join(dict.fromkeys(n for n, _ in tl))
        ptxt = " ; ".join(dict.fromkeys(n for n, _ in pl if n))
        ttxt = " ; ".join(tags.get(iid, ()))
        row = (title or "", (type_ or "").replace("/", " / "), " ; ".join(dict.fromkeys(actor_txt)),
               " ; ".join(dict.fromkeys(target_txt)), ptxt, ttxt, extra, _full_text(summary, said.get(iid, ())))
        words = _words(row)
        vocab |= words
        keys.extend(_initials(words))
        docs.append(((dk << ID_BITS) | iid, iid, *row, _keys_text(keys)))
        if type_:
            types.add(type_)
        place_names.update(n for n, _ in pl if n)
        tag_names.update(tags.get(iid, ()))
    return docs, vocab, types, place_names, tag_names


def _evidence_texts(value: str | None) -> list[str]:
    """The sentences of an incident_source.evidence JSON list ({text, start, end} items)."""
    if not value:
        return []
    import json

    try:
        items = json.loads(value)
    except (ValueError, TypeError):
        return []
    if not isinstance(items, list):
        return []
    return [str(x.get("text")) for x in items if isinstance(x, dict) and x.get("text")]


def _full_text(summary: str | None, sentences: Iterable[str]) -> str:
    """The text column: the summary, then each distinct evidence sentence not already in it, cut at
    TEXT_CHARS (on a word boundary)."""
    parts: list[str] = []
    size = 0
    seen = (summary or "").strip()
    for part in dict.fromkeys([seen, *(" ".join(s.split()) for s in sentences)]):
        if not part or (parts and part in seen):
            continue
        parts.append(part)
        size += len(part) + 3
        if size >= TEXT_CHARS:
            break
    text = " ; ".join(parts)
    if len(text) > TEXT_CHARS:
        text = text[:TEXT_CHARS].rsplit(" ", 1)[0]
    return text


def _party_keys(actor: tuple[str, str | None, str | None, int | None]) -> list[str]:
    """Key tokens of a non-target actor's kind and country (``k<kind>``, ``f<country>``): the
    qualifiers kind: and from: of the incidents view."""
    _name, kind, country, _merged = actor
    out = [f"k{_key_token(kind)}"] if kind else []
    if country:
        out.append(f"f{_key_token(country)}")
    return out


def _file_name(origin: str | None) -> str:
    """The last part of a source's origin (a path or URL): source: matches it; the folders stay out of the
    index (they say nothing about the article and may be private)."""
    if not origin:
        return ""
    return re.split(r"[\\/]", origin.rstrip("/\\"))[-1]


def _words(parts: Iterable[str]) -> set[str]:
    return set(tokens(" \n ".join(parts)))


def _initials(words: Iterable[str]) -> list[str]:
    """Key tokens 'i<letter>' for the first letters of the row's words: a 1-letter prefix index."""
    return sorted({"i" + w[0] for w in words})


def _save_vocab(conn: sqlite3.Connection, view: str, words: Iterable[str]) -> None:
    rows = [(view, w) for w in words if w and len(w) <= 64]
    if rows:
        conn.executemany("INSERT OR IGNORE INTO search_vocab(view, term) VALUES (?, ?)", rows)


def _write_incidents(conn: sqlite3.Connection, docs: list[tuple[Any, ...]], vocab: Iterable[str], types: Iterable[str],
                     place_names: Iterable[str], tag_names: Iterable[str]) -> None:
    _put_docs(conn, VIEWS["incidents"], docs)
    _save_vocab(conn, "incidents", vocab)
    _save_vocab(conn, "type", types)
    _save_vocab(conn, "place", place_names)
    _save_vocab(conn, "tag", tag_names)


def _actor_docs(conn: sqlite3.Connection, where: str, params: tuple[object, ...]) -> tuple[list[tuple[Any, ...]], set[str]]:
    rows = conn.execute(
        f"SELECT a.id, a.name, a.kind, a.country FROM actor a WHERE a.merged_into IS NULL AND {where}",
        params).fetchall()
    if not rows:
        return [], set()
    ids = [r[0] for r in rows]
    aliases: dict[int, list[str]] = {}
    tags: dict[int, list[str]] = {}
    merged_names: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        m = _marks(len(chunk))
        for aid, alias in conn.execute(f"SELECT actor_id, alias FROM actor_alias WHERE actor_id IN ({m})", chunk):
            aliases.setdefault(aid, []).append(alias)
        for aid, name in conn.execute(f"SELECT entity_id, name FROM tag WHERE entity = 'actor' AND entity_id IN ({m})",
                                      chunk):
            tags.setdefault(aid, []).append(name)
        for sid, name in conn.execute(f"SELECT merged_into, name FROM actor WHERE merged_into IN ({m})", chunk):
            merged_names.setdefault(sid, []).append(name)
    docs = []
    vocab: set[str] = set()
    for aid, name, kind, country in rows:
        al = " ; ".join(dict.fromkeys(a for a in aliases.get(aid, []) + merged_names.get(aid, []) if a))
        keys = ["zall", f"k{_key_token(kind or '')}"]
        if country:
            keys.append(f"c{_key_token(country)}")
        row = (name or "", al, kind or "", country or "", " ; ".join(tags.get(aid, ())))
        words = _words(row)
        vocab |= words
        keys.extend(_initials(words))
        docs.append((aid, aid, *row, _keys_text(keys)))
    return docs, vocab


def _source_docs(conn: sqlite3.Connection, where: str, params: tuple[object, ...],
                 ) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]], set[str]]:
    rows = conn.execute(f"SELECT s.id, s.title, s.publisher, s.url, s.published, s.body, s.origin FROM source s "
                        f"WHERE {where}", params).fetchall()
    if not rows:
        return [], [], set()
    tags: dict[int, list[str]] = {}
    for chunk in _chunks([r[0] for r in rows]):
        for sid, name in conn.execute(
                f"SELECT entity_id, name FROM tag WHERE entity = 'source' AND entity_id IN ({_marks(len(chunk))})",
                chunk):
            tags.setdefault(sid, []).append(name)
    docs, bodies = [], []
    vocab: set[str] = set()
    for sid, title, publisher, url, published, body, origin in rows:
        skey = _skey(published, sid)
        where_from = " ; ".join(p for p in (url, _file_name(origin)) if p)  # the url column: URL and file name
        row = (title or "", publisher or "", where_from, " ; ".join(tags.get(sid, ())))
        words = _words(row)
        vocab |= words
        docs.append((skey, sid, *row, _keys_text(["zall", *_initials(words)])))
        bodies.append((skey, body or ""))
    return docs, bodies, vocab


def _write_sources(conn: sqlite3.Connection, docs: list[tuple[Any, ...]], bodies: list[tuple[int, str]],
                   vocab: Iterable[str]) -> None:
    _put_docs(conn, VIEWS["sources"], docs)
    put_rows(conn, "source_body_fts", ("body",), bodies)
    _save_vocab(conn, "sources", vocab)
    _save_vocab(conn, "publisher", {d[3] for d in docs if d[3]})


# --------------------------------------------------------------------------------------------------
# Writing: one document at a time (reindex) or all of them (rebuild)


def _put_docs(conn: sqlite3.Connection, view: View, docs: list[tuple[Any, ...]]) -> None:
    """docs: (skey, id, *columns) rows, written to the doc table and the FTS5 index."""
    if not docs:
        return
    n = len(view.columns)
    conn.executemany(f"INSERT INTO {view.doc}(skey, id, {', '.join(view.columns)}) VALUES ({_marks(n + 2)})", docs)
    put_rows(conn, view.table, view.columns, [(d[0], *d[2:]) for d in docs])


def _drop_docs(conn: sqlite3.Connection, view: View, ids: list[int]) -> list[int]:
    """Remove these ids from the index (contentless FTS5: 'delete' with the indexed values)."""
    cols = ", ".join(view.columns)
    gone: list[int] = []
    for chunk in _chunks(ids):
        old = conn.execute(f"SELECT skey, {cols} FROM {view.doc} WHERE id IN ({_marks(len(chunk))})", chunk).fetchall()
        if old:
            drop_rows(conn, view, old)
            conn.execute(f"DELETE FROM {view.doc} WHERE id IN ({_marks(len(chunk))})", chunk)
            gone.extend(r[0] for r in old)
    return gone


def reindex(conn: sqlite3.Connection, incidents: Iterable[int] = (), actors: Iterable[int] = (),
            sources: Iterable[int] = ()) -> None:
    """Refresh the index rows of these ids (deleted and merged rows are removed from the index)."""
    inc_ids = {int(i) for i in incidents}
    act_ids = {int(i) for i in actors}
    src_ids = sorted({int(i) for i in sources})
    with _transaction(conn):
        if act_ids:
            # Survivors and actors merged into these change too; their incidents embed their names.
            info = _ActorInfo(conn, act_ids)
            related = set(act_ids) | {s for a in act_ids if (s := info.survivor(a)) is not None}
            for chunk in _chunks(sorted(act_ids)):
                related.update(r[0] for r in conn.execute(
                    f"SELECT id FROM actor WHERE merged_into IN ({_marks(len(chunk))})", chunk))
            rel = sorted(related)
            changed: set[int] = set()
            for chunk in _chunks(rel):
                m = _marks(len(chunk))
                old = {r[0]: tuple(r[1:]) for r in conn.execute(
                    f"SELECT id, name, aliases, kind, country FROM actor_doc WHERE id IN ({m})", chunk)}
                _drop_docs(conn, VIEWS["actors"], chunk)
                docs, vocab = _actor_docs(conn, f"a.id IN ({m})", tuple(chunk))
                _put_docs(conn, VIEWS["actors"], docs)
                _save_vocab(conn, "actors", vocab)
                _save_vocab(conn, "kind", {d[4] for d in docs if d[4]})
                new = {d[1]: tuple(d[2:6]) for d in docs}
                # Incidents embed names, aliases, kind and country (kind: and from:): a description or
                # tag edit costs nothing.
                changed.update(a for a in chunk if old.get(a) != new.get(a))
            for chunk in _chunks(sorted(changed)):
                m = _marks(len(chunk))
                affected = list(chunk) + [r[0] for r in conn.execute(
                    f"SELECT id FROM actor WHERE merged_into IN ({m})", chunk)]
                for part in _chunks(affected):
                    inc_ids.update(r[0] for r in conn.execute(
                        f"SELECT DISTINCT incident_id FROM incident_actor WHERE actor_id IN ({_marks(len(part))})",
                        part))
        for chunk in _chunks(sorted(inc_ids)):
            m = _marks(len(chunk))
            _drop_docs(conn, VIEWS["incidents"], chunk)
            _write_incidents(conn, *_incident_docs(conn, f"i.id IN ({m})", tuple(chunk), None))
        for chunk in _chunks(src_ids):
            m = _marks(len(chunk))
            for o in _chunks(_drop_docs(conn, VIEWS["sources"], chunk)):
                conn.execute(f"DELETE FROM source_body_fts WHERE rowid IN ({_marks(len(o))})", o)
            _write_sources(conn, *_source_docs(conn, f"s.id IN ({m})", tuple(chunk)))
    _invalidate(conn)


def rebuild(conn: sqlite3.Connection, *, progress: Callable[[str, int], None] | None = None) -> None:
    """Drop and rebuild every search table from the data (after bulk loads; `db check --rebuild`)."""
    with _transaction(conn):
        for t in ("incident_fts", "actor_fts", "source_fts", "source_body_fts", "incident_doc", "actor_doc",
                  "source_doc", "search_vocab", "incident_skey", "source_skey", "search_pending"):
            conn.execute(f"DROP TABLE IF EXISTS {t}")
        ensure_schema(conn)
        step = 20_000
        actors = _ActorInfo(conn)
        (lo, hi) = conn.execute("SELECT min(id), max(id) FROM incident").fetchone()
        done = 0
        if lo is not None:
            vocab: set[str] = set()
            extra: list[set[str]] = [set(), set(), set()]
            for start in range(lo, hi + 1, step):
                docs, v, ty, pl, tg = _incident_docs(conn, "i.id >= ? AND i.id < ?", (start, start + step), actors)
                _write_incidents(conn, docs, (), (), (), ())
                vocab |= v
                for s, new in zip(extra, (ty, pl, tg), strict=True):
                    s |= new
                done += len(docs)
                if progress:
                    progress("incidents", done)
            _write_incidents(conn, [], vocab, *extra)
        (lo, hi) = conn.execute("SELECT min(id), max(id) FROM actor").fetchone()
        if lo is not None:
            for start in range(lo, hi + 1, step):
                docs, vocab = _actor_docs(conn, "a.id >= ? AND a.id < ?", (start, start + step))
                _put_docs(conn, VIEWS["actors"], docs)
                _save_vocab(conn, "actors", vocab)
                _save_vocab(conn, "kind", {d[4] for d in docs if d[4]})
        (lo, hi) = conn.execute("SELECT min(id), max(id) FROM source").fetchone()
        if lo is not None:
            for start in range(lo, hi + 1, step // 4):
                _write_sources(conn, *_source_docs(conn, "s.id >= ? AND s.id < ?", (start, start + step // 4)))
                if progress:
                    progress("sources", start)
        for t in ("incident_fts", "actor_fts", "source_fts", "source_body_fts"):
            optimize(conn, t)
        conn.execute("INSERT OR IGNORE INTO search_vocab(view, term) VALUES ('_layout', ?)", (LAYOUT,))
    _invalidate(conn)


# --------------------------------------------------------------------------------------------------
# Deferred refresh (bulk imports)

_PENDING_VIEWS = ("incidents", "actors", "sources")


def mark_pending(conn: sqlite3.Connection, incidents: Iterable[int] = (), actors: Iterable[int] = (),
                 sources: Iterable[int] = ()) -> None:
    """Record ids whose index rows `flush_pending` must refresh, inside the caller's transaction.

    A bulk import writes each document in its own small transaction with this note instead of
    `reindex`, then refreshes the index of many documents at once: an incident told by hundreds of
    reports is re-indexed once per flush, not once per report, and the FTS5 segments are written in
    big batches. The note is part of the document's transaction, so a killed import leaves nothing
    unindexed for long: the next flush (any import) picks it up."""
    rows = [(view, int(i)) for view, ids in zip(_PENDING_VIEWS, (incidents, actors, sources), strict=True)
            for i in ids]
    if rows:
        conn.executemany("INSERT OR IGNORE INTO search_pending(view, id) VALUES (?, ?)", rows)


def ensure_pending(conn: sqlite3.Connection) -> None:
    """Create the pending table of a database made before it existed (idempotent, cheap)."""
    if not table_exists(conn, "search_pending"):
        with _transaction(conn):
            conn.execute(_PENDING_DDL)


def flush_pending(conn: sqlite3.Connection) -> int:
    """Refresh the index rows `mark_pending` recorded (in one transaction); returns how many ids."""
    with _transaction(conn):
        try:
            rows = conn.execute("SELECT view, id FROM search_pending").fetchall()
        except sqlite3.OperationalError:
            return 0  # no pending table: nothing was deferred
        if rows:
            ids: dict[str, list[int]] = {v: [] for v in _PENDING_VIEWS}
            for view, id_ in rows:
                ids.setdefault(view, []).append(id_)
            reindex(conn, incidents=ids["incidents"], actors=ids["actors"], sources=ids["sources"])
            conn.execute("DELETE FROM search_pending")
    return len(rows)


def _invalidate(conn: sqlite3.Connection) -> None:
    """Drop the caches of the connection's `Searcher` (module-level one), since its index changed.
    Imported here, not at the top: the searcher reads actors through this module (`_ActorInfo`)."""
    from db.search.searcher import _invalidate as invalidate

    invalidate(conn)
