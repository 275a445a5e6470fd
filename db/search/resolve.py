"""What the index knows, and resolving what the user typed against it.

`Lookups` holds, per connection, the index vocabulary (words, types, places, tags, actor kinds: the
`search_vocab` table) and every actor name and alias with its surviving actor, loaded on first use and
kept until the `Searcher` that owns it sees the database change. On them: prefix expansion of a word
(`prefix_expr`), typo correction (`correct`), and the resolution of qualifier values (`resolve_actor`,
`resolve_type`). The compiler (`db.search.compile`) asks; nothing here builds a query.
"""
from __future__ import annotations

import bisect
import re
import sqlite3
from typing import Any

from db.search.documents import _ActorInfo
from db.search.fuzzy import compact, is_subsequence, score_term, tokens
from db.search.index import View, _or, _phrase, server

MAX_EXPANSION = 300
"""Vocabulary words an exact/suffix term may expand to before it is verified in Python instead."""
PHRASE_EXPANSION_WORDS = 4
"""A phrase of more words than this is one FTS5 prefix phrase, not an OR of up to MAX_EXPANSION phrases
(one per vocabulary word its last word starts): FTS5 reads each phrase's doclists, so `a-a-a-...-a`
(16 words) cost 109 ms expanded and 11 ms as one prefix phrase at 20k rows."""


def _token_prefix_regex(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W_])" + re.escape(text))


class Lookups:
    """The vocabulary and actor names of one connection's index, cached (see the module docstring). Not
    thread-safe on its own: its `Searcher` calls it under its lock."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.cache: dict[str | tuple[str, str], Any] = {}  # ('vocab', view): list[str]; 'actors': `actors()`

    def vocab(self, view: str) -> list[str]:
        """Known words (sorted) of a view's index, or known values ('type', 'place', 'tag', 'kind')."""
        v = self.cache.get(("vocab", view))
        if v is None:
            v = self.cache[("vocab", view)] = [r[0] for r in self.conn.execute(
                "SELECT term FROM search_vocab WHERE view = ? ORDER BY term", (view,))]
        return v

    def prefix_words(self, view: str, prefix: str, cap: int) -> list[str]:
        vocab = self.vocab(view)
        i = bisect.bisect_left(vocab, prefix)
        out: list[str] = []
        while i < len(vocab) and vocab[i].startswith(prefix) and len(out) < cap:
            out.append(vocab[i])
            i += 1
        return out

    def prefix_expr(self, view: View, cols: str, toks: list[str]) -> str | None:
        """FTS5 expression for the words `toks` in sequence, the last one as a prefix; None when only
        a bounded scan can answer (a 1-letter prefix of too many words).

        FTS5 answers a prefix query without a prefix index by merging the whole doclist of every word
        with that prefix before returning a row (9 ms for 'ddos*' at 100k rows, 70 ms for 'a*'); its
        prefix indexes (2 and 3 letters) and an OR of whole words are read lazily, newest first and
        stop at the LIMIT. So 2-3 letters use the prefix index, others an OR of the vocabulary words."""
        last = toks[-1]
        if len(last) in (2, 3) or len(toks) > PHRASE_EXPANSION_WORDS:
            return f"{cols} : {_phrase(toks)}"
        words = self.prefix_words(view.name, last, MAX_EXPANSION + 1)
        if len(words) > MAX_EXPANSION:
            return None if len(last) == 1 else f"{cols} : {_phrase(toks)}"
        if not words:  # not in the vocabulary (cheap for FTS5 too, since rare)
            return f"{cols} : {_phrase(toks)}"
        return f"{cols} : " + _or([_phrase(toks[:-1] + [w], False) for w in words])

    def actors(self) -> list[tuple[int, str, str, str]]:
        """(survivor id, display name, compact form, ' '-joined tokens) per actor name and alias."""
        a = self.cache.get("actors")
        if a is None:
            info = _ActorInfo(self.conn)
            a = []
            for aid, (name, _kind, _country, _merged) in info.rows.items():
                sid = info.survivor(aid)
                if sid is None:
                    continue
                shown = info.rows[sid][0]
                for label in [name] + info.aliases.get(aid, []):
                    if label:
                        a.append((sid, shown, compact(label), " ".join(tokens(label))))
            self.cache["actors"] = a
        return a

    def has(self, view: View, expr: str) -> bool:
        if server(self.conn):
            # PostgreSQL plans `LIMIT 1` as "some row will pass soon" and reads the whole table for a word no
            # row has (95 ms at 100k incidents). A materialized CTE is planned for all its rows (the GIN
            # index) and still read lazily, up to the first: 1.2 ms for a missing word, 0.03 ms for 'd'.
            return self.conn.execute(f"WITH m AS MATERIALIZED (SELECT rowid FROM {view.table} WHERE {view.table}"
                                     " MATCH ?) SELECT 1 FROM m LIMIT 1", (expr,)).fetchone() is not None
        return self.conn.execute(
            f"SELECT 1 FROM {view.table} WHERE {view.table} MATCH ? LIMIT 1", (expr,)).fetchone() is not None

    def resolve_actor(self, value: str) -> tuple[list[int], list[str]]:
        """Actor ids (survivors) for a qualifier value: exact name/alias, then word prefix, then in-order
        subsequence, then typo distance. Returns (ids, display names). Qualifier values are resolved this
        tolerantly in every mode: ``forgiving=False`` (`matching_ids`) only stops the widening of plain words."""
        entries = self.actors()
        v = compact(value)
        vt = " ".join(tokens(value))
        if not v:
            return [], []

        def pack(found: list[tuple[int, str, str, str]]) -> tuple[list[int], list[str]]:
            ids = list(dict.fromkeys(e[0] for e in found))
            names = list(dict.fromkeys(e[1] for e in found))
            return ids, names

        found = [e for e in entries if e[2] == v]
        if not found:
            rx = _token_prefix_regex(vt)
            found = [e for e in entries if e[2].startswith(v) or rx.search(e[3])]
        if not found and len(v) >= 2:
            scored = []
            for e in entries:
                if is_subsequence(v, e[2]):
                    s, _ = score_term(e[2], v)
                    scored.append((-s, len(e[2]), e))
            scored.sort(key=lambda x: (x[0], x[1]))
            best: float = scored[:1] and scored[0][0]  # type: ignore[assignment]  # ([] only when nothing scored: never compared)
            found = [e for s, _, e in scored[:20] if s <= best + 8]
        if not found and len(v) >= 3:
            from rapidfuzz import fuzz, process

            hits = process.extract(v, [e[2] for e in entries], scorer=fuzz.ratio, score_cutoff=75, limit=5)
            if hits:
                top = hits[0][1]
                found = [entries[i] for _, s, i in hits if s >= top - 5]
        return pack(found)

    def resolve_type(self, value: str) -> list[str]:
        types = self.vocab("type")
        vt = " ".join(tokens(value))
        rx = _token_prefix_regex(vt)
        found = [t for t in types if rx.search(" ".join(tokens(t)))]
        if not found:
            v = compact(value)
            found = [t for t in types if v and v in compact(t)]
        if not found and len(compact(value)) >= 3:
            from rapidfuzz import fuzz, process

            found = [types[i] for _, _, i in process.extract(
                " ".join(tokens(value)), [" ".join(tokens(t)) for t in types], scorer=fuzz.partial_ratio,
                score_cutoff=80, limit=3)]
        return found

    def correct(self, view: View, tok: str) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if len(tok) < 3:
            return []
        maxd = 1 if len(tok) <= 5 else 2
        vocab = self.vocab(view.name)
        hits = process.extract(tok, vocab, scorer=Levenshtein.distance, score_cutoff=maxd, limit=8)
        if not hits:
            # A prefix being typed: compare with the vocabulary words cut to the same length.
            cut: dict[str, str] = {}
            for w in vocab:
                if len(w) > len(tok):
                    cut.setdefault(w[:len(tok)], w)
            keys = list(cut)
            hits = [(cut[k], d, 0) for k, d, _ in process.extract(tok, keys, scorer=Levenshtein.distance,
                                                                    score_cutoff=1, limit=3)]
            out = [h[0][:len(tok)] for h in hits]
            return list(dict.fromkeys(out))
        best = min(h[1] for h in hits)
        return [h[0] for h in hits if h[1] == best][:3]
