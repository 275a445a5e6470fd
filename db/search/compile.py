"""Query compilation: each term of a parsed query becomes a `_Compiled` condition on the index.

A condition has up to three forms, used by the planner (`db.search.plan`) as it can: an FTS5 expression
(``fts``, and whether it decides alone: ``exact``), an SQL condition on the sort key (``sql``, ``date``),
and an exact Python predicate on a fetched row (``pred``), plus the needles that rank a row (``score``).

Plain words (`_Compiler._positive`): word prefixes through FTS5 (prefix indexes, vocabulary expansion, the
initials keys for one letter), exact/suffix terms verified in Python; a word that matches nothing is
widened (`_Compiler._widen`: typo corrections, actor subsequences) when the caller is forgiving.

Qualifiers: `QUALIFIERS` is the table of what each view understands, ``field -> compiler``; a field
missing from a view's table is ignored with a note. To add a qualifier: a compiler below, a line in the
table, and its help line in `db.search.parser.FIELDS`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from db import search as _package  # KEY_MARK is read there at call time: `db.search.KEY_MARK = ...` applies
from db.search.fuzzy import compact, fold, needle_regex, tokens
from db.search.index import ID_BITS, ID_MASK, View, _cols, _keys_expr, _marks, _or, _phrase
from db.search.parser import REVIEWS, ParsedQuery, Term
from db.search.resolve import MAX_EXPANSION, Lookups, _token_prefix_regex
from db.taxonomy import ROLES, TOOL_KINDS

MAX_RESOLVED = 1000
"""Sources a source: qualifier may resolve to (the newest ones)."""


def _shown(labels: list[str]) -> str:
    """'killnet, Killnet' -> 'Killnet': one label per word, the capitalised (display) form preferred."""
    out: dict[str, str] = {}
    for label in labels:
        k = label.lower()
        if k not in out or (out[k] == k and label != k):
            out[k] = label
    return ", ".join(out.values())


@dataclass
class _Compiled:
    fts: str | None            # FTS5 expression (None: cannot restrict through FTS5)
    exact: bool                # fts alone decides (no Python check needed)
    pred: Callable[[tuple[Any, ...]], bool]  # exact Python predicate on a fetched row
    sql: tuple[str, tuple[object, ...]] | None = None  # extra SQL condition (AND only)
    date: tuple[int, int] | None = None
    empty: bool = False        # matches nothing
    score: list[tuple[str, bool]] = field(default_factory=list)  # needles for ranking
    wide: bool = False         # a big OR (short prefix): cheaper as a Python check when other terms bound rows


_ALWAYS: Callable[[tuple[Any, ...]], bool] = lambda row: True  # noqa: E731
_NEVER: Callable[[tuple[Any, ...]], bool] = lambda row: False  # noqa: E731


class _Row:
    """Accessors for a fetched candidate row: (rowid, col1, col2, ...)."""

    def __init__(self, view: View):
        self.view = view
        self.idx = {c: i + 1 for i, c in enumerate(view.columns)}
        self.text_idx = [self.idx[c] for c in view.text_columns]
        self.keys_idx = self.idx["keys"]
        self.title_idx = self.idx[view.title_column]

    def text(self, row: tuple[Any, ...]) -> str:
        """The row's searchable text, unfolded (test it with `needle_regex`)."""
        return " \n ".join(row[i] or "" for i in self.text_idx)

    def keys(self, row: tuple[Any, ...]) -> set[str]:
        return {k[len(_package.KEY_MARK):] for k in (row[self.keys_idx] or "").split()}


def compile_query(look: Lookups, view: View, parsed: ParsedQuery, forgiving: bool, corrections: dict[str, str],
                  notes: list[str]) -> list[tuple[list[Term], list[_Compiled]]]:
    """Each group of the query (an OR of terms) with its terms compiled; `corrections` and `notes` get
    what the compilation widened and resolved (see `SearchResult`)."""
    c = _Compiler(look, view, parsed, forgiving, corrections, notes)
    return [(g, [c.term(t) for t in g]) for g in parsed.groups]


class _Compiler:
    """The state one query's compilation shares: its view, how to read its rows, what it reports."""

    def __init__(self, look: Lookups, view: View, parsed: ParsedQuery, forgiving: bool, corrections: dict[str, str],
                 notes: list[str]):
        self.look, self.view, self.forgiving = look, view, forgiving
        self.corrections, self.notes = corrections, notes
        self.R = _Row(view)
        # role:x alone in its group narrows the actor: qualifiers of the query to that role
        roles = [t.text for g in parsed.groups for t in g
                 if len(g) == 1 and t.field == "role" and not t.negated]
        self.role_set = sorted({r for v in roles for r in ROLES if r.startswith(compact(v))})

    def term(self, t: Term) -> _Compiled:
        c = self._positive(t)
        if not t.negated:
            return c
        pos_pred = c.pred
        if c.empty:
            return _Compiled(None, True, _ALWAYS)
        if c.date is not None:
            lo, hi = c.date
            return _Compiled(None, False, lambda row: not (lo <= row[0] >> ID_BITS <= hi),
                             sql=("NOT ((rowid >> 32) BETWEEN ? AND ?)", (lo, hi)))
        if c.sql is not None:
            return _Compiled(None, False, lambda row: not pos_pred(row),
                             sql=(f"NOT ({c.sql[0]})", c.sql[1]))
        if pos_pred is _ALWAYS and c.fts is None:
            return c  # an ignored qualifier stays ignored
        return _Compiled(f"NOT ({c.fts})" if c.fts and c.exact else None, c.fts is not None and c.exact,
                         lambda row: not pos_pred(row))

    def _positive(self, t: Term) -> _Compiled:
        if t.field is not None:
            return self._qualifier(t)
        view, R, look = self.view, self.R, self.look
        text_cols = _cols(view.text_columns)
        cs = t.case_sensitive
        needle = fold(t.text, keep_case=cs)
        toks = tokens(t.text)
        score = [(needle, cs)]
        if t.kind == "fuzzy":
            rx = needle_regex(needle, case_sensitive=cs, word_start=True)
            pred = lambda row: rx.search(R.text(row)) is not None  # noqa: E731
            if len(toks) == 1 and len(toks[0]) == 1:
                # One letter: the rows' initials are indexed as key tokens (FTS5 has no 1-letter
                # prefix index; 'a'* merges thousands of doclists: 70 ms at 100k rows).
                return _Compiled(_keys_expr(['i' + toks[0]]), not cs, pred, score=score)
            expr = look.prefix_expr(view, text_cols, toks)
            if expr is None:
                return _Compiled(None, False, pred, score=score)  # bounded scan
            if self.forgiving and not t.negated and not look.has(view, expr):
                return self._widen(t, toks)
            return _Compiled(expr, not cs, pred, score=score, wide=expr.count(" OR ") >= 64)
        title = R.title_idx
        if t.kind == "exact":
            rx = needle_regex(needle, case_sensitive=cs)
            pred = lambda row: rx.search(R.text(row)) is not None  # noqa: E731
            parts = []
            vocab = look.vocab(view.name)
            for i, tok in enumerate(toks):
                if len(toks) == 1:
                    cand = [w for w in vocab if tok in w] if len(tok) > 1 else None
                elif i == 0:
                    cand = [w for w in vocab if w.endswith(tok)]
                elif i == len(toks) - 1:
                    parts.append(f"{text_cols} : {_phrase([tok])}")
                    continue
                else:
                    cand = [tok]
                if cand is None or len(cand) > MAX_EXPANSION:
                    continue
                if not cand:
                    return _Compiled(None, True, _NEVER, empty=True)
                parts.append(f"{text_cols} : " + _or([_phrase([w], False) for w in cand]))
            return _Compiled(" AND ".join(parts) if parts else None, False, pred, score=score)
        tcol = view.title_column
        def ft(row: tuple[Any, ...]) -> str:
            return fold(row[title] or "", keep_case=cs)

        if t.kind == "prefix":
            return _Compiled(f"{tcol} : ^{_phrase(toks)}", False, lambda row: ft(row).startswith(needle), score=score)
        if t.kind == "equal":
            return _Compiled(f"{tcol} : ^{_phrase(toks)}", False, lambda row: ft(row) == needle, score=score)
        # suffix
        pred = lambda row: ft(row).endswith(needle)  # noqa: E731
        if not needle[-1:].isalnum():
            return _Compiled(None, False, pred, score=score)
        last = toks[-1]
        cand = [w for w in look.vocab(view.name) if w.endswith(last)]
        if len(cand) > MAX_EXPANSION:
            return _Compiled(None, False, pred, score=score)
        if not cand:
            return _Compiled(None, True, _NEVER, empty=True)
        return _Compiled(f"{tcol} : " + _or([_phrase([w], False) for w in cand]), False, pred, score=score)

    def _widen(self, t: Term, toks: list[str]) -> _Compiled:
        """A fuzzy word that matches nothing: typo corrections and actor subsequences."""
        view, R, look, corrections = self.view, self.R, self.look, self.corrections
        text_cols = _cols(view.text_columns)
        alts: list[str] = []
        shown: list[str] = []
        score = []
        ktoks: set[str] = set()  # key tokens of the actors the word names (incidents view)
        # Typo correction, word by word (only the words that have no hits).
        fixed = []
        ok = True
        known: dict[str, bool] = {}  # once per distinct word: `a-a-a-...` is one look-up, not sixteen
        for tok in toks:
            if tok not in known:
                # a 1-letter prefix through the initials keys: FTS5 has no 1-letter prefix index ('a'* merges
                # the doclists of every word in a: 70 ms at 100k rows)
                known[tok] = look.has(view, _keys_expr(["i" + tok]) if len(tok) == 1
                                       else f"{text_cols} : {_phrase([tok])}")
            if known[tok]:
                fixed.append([tok])
                continue
            cand = look.correct(view, tok)
            if not cand:
                ok = False
                break
            fixed.append(cand)
        if ok and fixed:
            variants: list[list[str]] = [[]]
            for opts in fixed:
                variants = [v + [o] for v in variants for o in opts][:6]
            for v in variants:
                e = look.prefix_expr(view, text_cols, v) or f"{text_cols} : {_phrase(v)}"
                if look.has(view, e):
                    alts.append(e)
                    shown.append(" ".join(v))
                    score.append((" ".join(v), False))
        # In-order subsequence over short fields: actor names and aliases.
        if view.name in ("incidents", "actors") and len(compact(t.text)) >= 3:
            ids, names = look.resolve_actor(t.text)
            if ids:
                ids = ids[:50]
                shown.extend(names[:5])
                score.append((fold(t.text), False))
                if view.name == "actors":
                    corrections[t.text] = _shown(shown)
                    idset = set(ids)
                    pred: Callable[[tuple[Any, ...]], bool] = lambda row: (row[0] in idset)  # noqa: E731
                    if alts:
                        # FTS cannot express "rowid in": verify in Python over the union.
                        rxs = [needle_regex(s, word_start=True) for s, _ in score[:-1]]
                        return _Compiled(None, False,
                                         lambda row: pred(row) or any(r.search(R.text(row)) for r in rxs),
                                         score=score)
                    return _Compiled(None, False, pred, sql=(f"rowid IN ({_marks(len(ids))})", tuple(ids)),
                                     score=score)
                named = [k for i in ids for k in (f"a{i}", f"t{i}")]
                ktoks = set(named)
                alts.append(_keys_expr(named))
        if not alts:
            self.notes.append(f"nothing matches '{t.text}'")
            return _Compiled(None, True, _NEVER, empty=True, score=[])
        corrections[t.text] = _shown(shown)
        expr = _or([f"({a})" for a in alts])
        rxs = [needle_regex(s, word_start=True) for s, _ in score if s != fold(t.text)]
        return _Compiled(expr, True, lambda row: bool(R.keys(row) & ktoks) or any(
            r.search(R.text(row)) for r in rxs), score=score)

    def _qualifier(self, t: Term) -> _Compiled:
        compiler = QUALIFIERS[self.view.name].get(t.field)  # type: ignore[arg-type]  # set: `_positive` checked
        if compiler is None:
            self.notes.append(f"{t.raw}: {t.field}: does not apply to the {self.view.name} view (ignored)")
            return _Compiled(None, True, _ALWAYS)
        return compiler(self, t)

    # -- the two shapes most qualifiers take ---------------------------------------------------
    def in_columns(self, t: Term, cols: Iterable[str]) -> _Compiled:
        """The value's words in sequence, the last one as a prefix, in these columns."""
        vtoks = tokens(t.text)
        rx = _token_prefix_regex(" ".join(vtoks))
        idx = [self.R.idx[c] for c in cols]
        expr = self.look.prefix_expr(self.view, _cols(cols), vtoks)
        if expr is None:
            expr = f"{_cols(cols)} : {_phrase(vtoks)}"
        return _Compiled(expr, True,
                         lambda row: any(rx.search(" ".join(tokens(row[i] or ""))) for i in idx),
                         score=[])

    def keys_any(self, t: Term, toks: list[str], label: str) -> _Compiled:
        """Rows carrying any of these key tokens; none: matches nothing, with a note."""
        if not toks:
            self.notes.append(f"{t.raw}: no {label} matches '{t.text}'")
            return _Compiled(None, True, _NEVER, empty=True)
        ks = set(toks)
        R = self.R
        return _Compiled(_keys_expr(toks), True, lambda row: bool(R.keys(row) & ks))

    def countries(self, t: Term) -> list[str]:
        """Country key tokens of the value: an ISO code as is, else a name pycountry knows (noted)."""
        value = t.text
        v = compact(value)
        if len(v) == 2 and v.isalpha():
            return [f"c{v}"]
        try:
            import pycountry

            try:
                c = pycountry.countries.lookup(value.strip())
            except LookupError:  # 'russia', 'iran': common names; the best fuzzy match, said in the note
                c = pycountry.countries.search_fuzzy(value.strip())[0]
            self.notes.append(f"{t.raw} → {c.alpha_2}")
            return [f"c{c.alpha_2.lower()}"]
        except Exception:  # noqa: BLE001 - unknown name or pycountry missing
            return []


# --------------------------------------------------------------------------------------------------
# Qualifiers: one compiler per (view, field), listed in QUALIFIERS at the end.

Qualifier = Callable[[_Compiler, Term], _Compiled]


def _columns(*cols: str) -> Qualifier:
    """A qualifier matching the value's words in these columns (title:, tag:, place:, publisher:...)."""
    return lambda c, t: c.in_columns(t, cols)


def _title(c: _Compiler, t: Term) -> _Compiled:
    return c.in_columns(t, [c.view.title_column])


def _dates(c: _Compiler, t: Term) -> _Compiled:
    """year:/date: a range of the sort key (the parser made the range; a bad one never gets here)."""
    lo, hi = t.date_range  # type: ignore[misc]  # set: the parser refuses a date qualifier it cannot range
    return _Compiled(None, False, lambda row: lo <= row[0] >> ID_BITS <= hi, date=(lo, hi))


def _incident_type(c: _Compiler, t: Term) -> _Compiled:
    types = c.look.resolve_type(t.text)
    if types:
        c.notes.append(f"{t.raw} → {', '.join(types[:6])}{'…' if len(types) > 6 else ''}")
    return c.keys_any(t, [f"ty{compact(x)}" for x in types], "type")


def _linked_actor(c: _Compiler, t: Term) -> _Compiled:
    """actor: (any non-target role, or the roles of a role: qualifier) and target: of an incident."""
    ids, names = c.look.resolve_actor(t.text)
    if not ids:
        c.notes.append(f"{t.raw}: no actor matches '{t.text}'")
        return _Compiled(None, True, _NEVER, empty=True)
    c.notes.append(f"{t.raw} → {', '.join(names[:5])}{'…' if len(names) > 5 else ''}")
    ids = ids[:200]
    if t.field == "target":
        toks = [f"t{i}" for i in ids]
    elif c.role_set:
        toks = [f"a{i}{r}" for i in ids for r in c.role_set]
    else:
        toks = [f"a{i}" for i in ids]
    return c.keys_any(t, toks, "actor")


def _role(c: _Compiler, t: Term) -> _Compiled:
    rs = [r for r in ROLES if r.startswith(compact(t.text))]
    if not rs:
        c.notes.append(f"{t.raw}: roles are {', '.join(ROLES)} (ignored)")
        return _Compiled(None, True, _ALWAYS)
    return c.keys_any(t, [f"r{r}" for r in rs], "role")


def _review(c: _Compiler, t: Term) -> _Compiled:
    rs = [r for r in REVIEWS if r.startswith(compact(t.text))]
    if not rs:
        c.notes.append(f"{t.raw}: review is auto or reviewed (ignored)")
        return _Compiled(None, True, _ALWAYS)
    return c.keys_any(t, [f"rv{r}" for r in rs], "review")


def _incident_country(c: _Compiler, t: Term) -> _Compiled:
    codes = c.countries(t)
    if codes:
        return c.keys_any(t, codes, "country")
    c.notes.append(f"{t.raw}: unknown country, matching place names instead")
    return c.in_columns(t, ["places"])


def _reporting_source(c: _Compiler, t: Term) -> _Compiled:
    """source: of an incident: the incidents reported by the (newest MAX_RESOLVED) matching sources."""
    expr = f"{{title publisher url}} : {_phrase(tokens(t.text))}"
    sids = [r[0] & ID_MASK for r in c.look.conn.execute(
        "SELECT rowid FROM source_fts WHERE source_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
        (expr, MAX_RESOLVED + 1))]
    if len(sids) > MAX_RESOLVED:
        c.notes.append(f"{t.raw}: more than {MAX_RESOLVED} sources match; using the newest {MAX_RESOLVED}")
        sids = sids[:MAX_RESOLVED]
    return c.keys_any(t, [f"s{s}" for s in sids], "source")


def _actor_kind(c: _Compiler, t: Term) -> _Compiled:
    kinds = [k for k in c.look.vocab("kind") if compact(t.text) in compact(k)]
    return c.keys_any(t, [f"k{compact(k)}" for k in kinds], "actor kind")


def _actor_itself(c: _Compiler, t: Term) -> _Compiled:
    """actor: in the actors view: the actors the value names (by id: actor rows carry no actor keys)."""
    ids, names = c.look.resolve_actor(t.text)
    if ids:
        c.notes.append(f"{t.raw} → {', '.join(names[:5])}")
        idset = set(ids)
        return _Compiled(None, False, lambda row: row[0] in idset,
                         sql=(f"rowid IN ({_marks(len(ids))})", tuple(ids)))
    c.notes.append(f"{t.raw}: no actor matches '{t.text}'")
    return _Compiled(None, True, _NEVER, empty=True)


def _actor_country(c: _Compiler, t: Term) -> _Compiled:
    return c.keys_any(t, c.countries(t), "country")


def _body(c: _Compiler, t: Term) -> _Compiled:
    """body: of a source: words of its article (a separate FTS5 table, joined on the sort key)."""
    expr = f"body : {_phrase(tokens(t.text))}"
    return _Compiled(None, False, _ALWAYS,
                     sql=("rowid IN (SELECT rowid FROM source_body_fts WHERE source_body_fts MATCH ?)", (expr,)))


def _party_country(c: _Compiler, t: Term) -> _Compiled:
    """from: of an incident: an actor in a non-target role whose country is the value (key ``f<code>``)."""
    return c.keys_any(t, ["f" + k[1:] for k in c.countries(t)], "country")


def _party_kind(c: _Compiler, t: Term) -> _Compiled:
    """kind: of an incident: an actor in a non-target role of a kind the value names (key ``k<kind>``)."""
    kinds = [k for k in c.look.vocab("kind") if compact(t.text) in compact(k)]
    if kinds:
        c.notes.append(f"{t.raw} → {', '.join(kinds[:6])}")
    return c.keys_any(t, [f"k{compact(k)}" for k in kinds], "actor kind")


def _tool(c: _Compiler, t: Term) -> _Compiled:
    """tool: of an incident: the malware and tools it was carried out with (keys ``wn<name>``), by name
    (a prefix, or the closest names for a typo: tool:gandcarb → GandCrab) or by kind (tool:ransomware)."""
    from rapidfuzz import fuzz, process

    v = compact(t.text)
    rows = c.look.conn.execute("SELECT DISTINCT name FROM incident_tool").fetchall()
    names = {compact(r[0]): r[0] for r in rows if r[0]}
    hits = [k for k in names if k == v] or [k for k in names if v and k.startswith(v)]
    if not hits and v:
        hits = [k for k, _, _ in process.extract(v, list(names), scorer=fuzz.ratio, score_cutoff=80, limit=3)]
    kinds = [compact(k) for k in TOOL_KINDS if v and compact(k).startswith(v)]
    if hits:
        c.notes.append(f"{t.raw} → {', '.join(names[k] for k in hits[:5])}{'…' if len(hits) > 5 else ''}")
    return c.keys_any(t, [f"wn{k}" for k in hits[:200]] + [f"wk{k}" for k in kinds], "tool")


QUALIFIERS: dict[str, dict[str, Qualifier]] = {
    "incidents": {"type": _incident_type, "actor": _linked_actor, "role": _role, "target": _linked_actor,
                  "country": _incident_country, "place": _columns("places"), "year": _dates, "date": _dates,
                  "source": _reporting_source, "tag": _columns("tags"), "review": _review, "title": _title,
                  "from": _party_country, "kind": _party_kind, "tool": _tool},
    "actors": {"actor": _actor_itself, "kind": _actor_kind, "type": _actor_kind, "country": _actor_country,
               "from": _actor_country,
               "tag": _columns("tags"), "title": _title},
    "sources": {"year": _dates, "date": _dates, "tag": _columns("tags"), "title": _title, "body": _body,
                "publisher": _columns("publisher"), "source": _columns("title", "publisher", "url")},
}
"""The qualifiers each view understands: field -> its compiler (see the module docstring)."""
