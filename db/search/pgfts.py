"""The search index on PostgreSQL: FTS5's column-filtered phrase queries over ``tsvector`` columns.

On SQLite each view's index is a contentless FTS5 table and a query is an FTS5 expression (`db.search.index`
builds them: quoted phrases, a trailing ``*`` for a prefix, ``^`` for "at the start of the column",
``col :`` and ``{a b} :`` column filters, ``AND``/``OR``/``NOT`` and parentheses). On PostgreSQL the same
table holds one ``tsvector`` column per FTS5 column, under a GIN index, and the same expressions are
translated here into SQL over them, so the compiler and the planner stay one:

* a phrase filtered to columns C is ``(t.c1 @@ q OR t.c2 @@ q ...)`` where q is the phrase as a
  ``tsquery`` (``'pro' <-> 'russian':*``); FTS5 applies a column filter to each phrase of its
  sub-expression, and the boolean operators combine rows, which is what the SQL booleans do;
* lexemes and queries are written as ``tsvector``/``tsquery`` literals from `fuzzy.tokens` (the tokens
  FTS5's unicode61 tokenizer gives), never through a text search parser: no configuration, locale or
  stemming of the server's can make the two engines disagree on what a word is;
* ``^`` is a start token written at position 1 of every column, so "the title starts with" is a phrase
  beginning with it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from db.search.fuzzy import tokens

START = "zqsstart"
"""The lexeme at position 1 of every column (`^` in an expression). Like KEY_MARK, a word no one types."""
MAX_POSITION = 16383  # PostgreSQL's largest lexeme position (larger ones would be stored as it)
MAX_POSITIONS = 256  # positions PostgreSQL keeps per lexeme
MAX_LEXEME_BYTES = 2000  # under PostgreSQL's limit of 2046 bytes a lexeme

COLUMNS: dict[str, tuple[str, ...]] = {}
"""Each index table's tsvector columns, filled from `db.search.index.VIEWS` (and the article bodies)."""
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {}
"""The columns plain words search (a view's `text_columns`): also held together in ALL_TEXT."""
ALL_TEXT = "all_text"
"""A generated column, the text columns' vectors concatenated. A phrase filtered to all of them was one
condition per column, OR-ed: 8 index probes, and a row estimate so high that PostgreSQL read the whole
table for a word no row has (160 ms for `kilnet` at 100k incidents). Concatenation shifts each column's
positions past the previous one's, and every column starts with START, so a phrase still never runs from
one column into the next; `^` (the start of a given column) keeps the per-column form."""


def tsvector(text: str) -> str:
    """A column's value as a ``tsvector`` literal: the start token, then the tokens with their positions."""
    where: dict[str, list[int]] = {START: [1]}
    for i, tok in enumerate(tokens(text), 2):
        if i > MAX_POSITION:
            break
        if len(tok.encode()) <= MAX_LEXEME_BYTES:
            seen = where.setdefault(tok, [])
            if len(seen) < MAX_POSITIONS:
                seen.append(i)
    return " ".join(f"'{tok}':{','.join(map(str, pos))}" for tok, pos in where.items())


def _tsquery(toks: list[str], prefix: bool, anchored: bool) -> str | None:
    toks = [t for t in toks if len(t.encode()) <= MAX_LEXEME_BYTES]
    if not toks:
        return None
    parts = [f"'{t}'" for t in toks]
    if prefix:
        parts[-1] += ":*"
    if anchored:
        parts.insert(0, f"'{START}'")
    return " <-> ".join(parts)


# --------------------------------------------------------------------------------------------------
# The expressions `db.search.index` writes

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<cols>\{[^}]*\})|(?P<op>[():^*])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))')


class ExpressionError(ValueError):
    """An FTS5 expression outside the subset incidex writes."""


def _lex(expr: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    at = 0
    while at < len(expr):
        if expr[at:].strip() == "":
            break
        m = _TOKEN.match(expr, at)
        if not m:
            raise ExpressionError(f"cannot read the search expression at {expr[at:at + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        at = m.end()
    return out


class _Parser:
    """FTS5 precedence: NOT binds tighter than AND (also implicit), which binds tighter than OR."""

    def __init__(self, table: str, expr: str) -> None:
        self.table = table
        self.toks = _lex(expr)
        self.at = 0
        self.params: list[str] = []

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.at] if self.at < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("the search expression ends too early")
        self.at += 1
        return tok

    def parse(self) -> str:
        sql = self.or_(COLUMNS[self.table])
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r} in the search expression")  # type: ignore[index]
        return sql

    def or_(self, cols: Sequence[str]) -> str:
        parts = [self.and_(cols)]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.and_(cols))
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def and_(self, cols: Sequence[str]) -> str:
        parts = [self.not_(cols)]
        while (tok := self.peek()) is not None and tok not in (("word", "OR"), ("op", ")")):
            if tok == ("word", "AND"):
                self.take()
            parts.append(self.not_(cols))
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def not_(self, cols: Sequence[str]) -> str:
        sql = self.primary(cols)
        while self.peek() == ("word", "NOT"):
            self.take()
            sql = f"({sql} AND NOT {self.primary(cols)})"
        return sql

    def primary(self, cols: Sequence[str]) -> str:
        kind, text = self.take()
        if kind in ("word", "cols") and self.peek() == ("op", ":"):
            self.take()
            named = text.strip("{}").split() if kind == "cols" else [text]
            unknown = [c for c in named if c not in COLUMNS[self.table]]
            if unknown:
                raise ExpressionError(f"no column {unknown[0]!r} in {self.table}")
            return self.primary(named)
        if (kind, text) == ("op", "("):
            sql = self.or_(cols)
            if self.take() != ("op", ")"):
                raise ExpressionError("a parenthesis is not closed in the search expression")
            return sql
        anchored = (kind, text) == ("op", "^")
        if anchored:
            kind, text = self.take()
        if kind != "str":
            raise ExpressionError(f"expected a quoted phrase, found {text!r}")
        prefix = self.peek() == ("op", "*")
        if prefix:
            self.take()
        query = _tsquery(tokens(text[1:-1].replace('""', '"')), prefix, anchored)
        if query is None:
            return "FALSE"
        if len(cols) > 1 and tuple(cols) == TEXT_COLUMNS.get(self.table) and not anchored:
            cols = [ALL_TEXT]  # one index probe, and an estimate the planner can use
        self.params.extend([query] * len(cols))
        conds = [f"{self.table}.{c} @@ %s::tsquery" for c in cols]
        return conds[0] if len(conds) == 1 else "(" + " OR ".join(conds) + ")"


def match(table: str, expr: str) -> tuple[str, list[str]]:
    """SQL (``%s`` placeholders) and its parameters for ``table MATCH expr``."""
    if not COLUMNS:
        _load_columns()
    if table not in COLUMNS:
        raise ExpressionError(f"{table} is not a search index table")
    p = _Parser(table, expr)
    sql = p.parse()
    return sql, p.params


def _load_columns() -> None:
    from db.search.index import VIEWS

    for view in VIEWS.values():
        COLUMNS[view.table] = view.columns
        TEXT_COLUMNS[view.table] = view.text_columns
    COLUMNS["source_body_fts"] = ("body",)


def index_ddl() -> list[str]:
    """The index tables: the sort key and one tsvector column per FTS5 column, under one GIN index."""
    if not COLUMNS:
        _load_columns()
    out = []
    for table, cols in COLUMNS.items():
        text = TEXT_COLUMNS.get(table)
        every = [*cols, ALL_TEXT] if text else list(cols)
        out.append(f"CREATE TABLE IF NOT EXISTS {table} (rowid BIGINT PRIMARY KEY, "
                   + ", ".join(f"{c} tsvector NOT NULL" for c in cols)
                   + (f", {ALL_TEXT} tsvector GENERATED ALWAYS AS ({' || '.join(text)}) STORED" if text else "")
                   + ")")
        out.append(f"CREATE INDEX IF NOT EXISTS {table}_gin ON {table} USING gin ({', '.join(every)})")
    return out


def put(table: str) -> str:
    """INSERT of index rows (sort key, then each column's text as the `tsvector` literal of `tsvector`)."""
    if not COLUMNS:
        _load_columns()
    cols = COLUMNS[table]
    return (f"INSERT INTO {table} (rowid, {', '.join(cols)}) VALUES (?, "
            + ", ".join("?::tsvector" for _ in cols) + ")")


def rows(values: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """(skey, text...) rows as `put` takes them."""
    return [(r[0], *(tsvector(v or "") for v in r[1:])) for r in values]
