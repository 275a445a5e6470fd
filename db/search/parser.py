"""The query language (docs/ARCHITECTURE.md, Query language): fzf's extended syntax plus field qualifiers.

Pure parsing, no database: `parse(text)` never raises. It returns a `ParsedQuery` whose `groups` are
an AND of ORs of `Term`s, plus `ignored` (human-readable notes about what was dropped) and
`understood` (a human description), for the filter bar to show.

Syntax (whitespace separates terms; all terms must match, i.e. AND):

=============  =================================================================================
``word``       fuzzy: some word of the row starts with ``word`` (accent-insensitive); the search
               may widen a term that matches nothing to typo corrections / subsequences
``'word``      exact: ``word`` occurs as a substring (no widening)
``^word``      the displayed title/name starts with ``word``
``word$``      the displayed title/name ends with ``word``; ``^word$``: equals ``word``
``!term``      negation of any of the above, and of qualifiers (``!actor:killnet``)
``a | b``      OR (binds tighter than the AND of spaces: ``a | b c`` is (a OR b) AND c)
``field:v``    qualifier, see FIELDS; ``field:"two words"`` quotes a value with spaces
``\\ ``        an escaped space inside a term
=============  =================================================================================

Smart case, as in fzf: a term containing an upper-case letter is case-sensitive; otherwise not.
Qualifier values are always case-insensitive.

Errors: a query the engine cannot answer as written is refused: ``errors`` says why in one line per
problem, ``groups`` is empty and the query matches **nothing** (never everything, which is what
dropping the term would do: ``export --query 'date:2024-13-45'`` would write every incident). That is
a ``date:``/``year:`` value that is not a date range, a ``role:``/``review:`` value that is none of
the known ones, and a query too long: more than MAX_QUERY_CHARS characters, more than MAX_TERMS terms
(alternatives included), more than MAX_QUERY_WORDS words in all, or a term of more than MAX_TERM_WORDS
words. The caps bound the cost of a
query linearly (a pasted page, `a|a|a...`: one term of thousands of words, took minutes before).
What is merely incomplete while typing (``actor:`` without a value, a lone ``|`` or ``'``) is still
only dropped, with a note in ``ignored``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from db.taxonomy import ROLES

FIELDS = {
    "type": "incident type (class/subtype), e.g. type:ddos",
    "actor": "an actor in any non-target role, by name or alias, e.g. actor:killnet",
    "role": "|".join(ROLES),
    "target": "a targeted actor, e.g. target:sfr",
    "country": "ISO code or name, e.g. country:FR",
    "place": "a place name, e.g. place:paris",
    "year": "year:2024 or year:2020..2022",
    "date": "date:2024-03..2024-05, date:2024, date:..2023-06",
    "source": "a source's title, publisher, URL or file name",
    "tag": "an analyst tag",
    "review": "auto|reviewed",
    "title": "words of the title only",
    "kind": "actor kind, e.g. kind:hacktivist (incidents: an actor in a non-target role)",
    "from": "an actor's country, e.g. from:RU (incidents: an actor in a non-target role)",
    "tool": "malware or a tool the incident was carried out with, by name or kind, e.g. tool:gandcrab, tool:ransomware",
    "body": "words of an article body (sources view)",
    "publisher": "a source's publisher (sources view)",
}
FIELD_ALIASES = {"yr": "year", "tags": "tag", "types": "type", "actors": "actor", "places": "place"}
MAX_TERMS = 64
"""Terms (alternatives of an OR included) a query may have; more: refused as too long."""
MAX_QUERY_CHARS = 1000
"""Characters a query may have; more: refused as too long, before any other work."""
MAX_TERM_WORDS = 16
"""Words (alphanumeric runs) one term or qualifier value may have; more: refused as too long."""
MAX_QUERY_WORDS = 64
"""Words all the terms of a query may have together; more: refused as too long. The engine's work grows
with the words (an FTS phrase each, a typo-correction pass each for a word that matches nothing)."""
REVIEWS = ("auto", "reviewed")
_FIELD_RE = re.compile(r"^([A-Za-z]+):(.*)$", re.S)
_HAS_WORD = re.compile(r"[^\W_]")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    raw: str
    """The term as typed (after unescaping)."""
    text: str
    """The text to look for (operators removed); for a qualifier, its value."""
    kind: str = "fuzzy"
    """fuzzy | exact | prefix | suffix | equal for text terms; 'qualifier' for field:value."""
    field: str | None = None
    negated: bool = False
    case_sensitive: bool = False
    date_range: tuple[int, int] | None = None
    """For date:/year: the inclusive range of date keys YYYYMMDD (missing month/day = 00 / 99)."""

    def describe(self) -> str:
        neg = "NOT " if self.negated else ""
        if self.field:
            if self.date_range:
                return f"{neg}{self.field} {_key_text(self.date_range[0])}..{_key_text(self.date_range[1])}"
            return f"{neg}{self.field}:{self.text}"
        case = ", case-sensitive" if self.case_sensitive else ""
        label = {"fuzzy": "word", "exact": "exact", "prefix": "starts with", "suffix": "ends with",
                 "equal": "equals"}[self.kind]
        return f'{neg}{label} "{self.text}"{case}' if self.kind != "fuzzy" else f'{neg}"{self.text}"{case}'


@dataclass
class ParsedQuery:
    query: str
    groups: list[list[Term]] = field(default_factory=list)
    """AND of ORs: every group must match; a group matches when any of its terms does."""
    ignored: list[str] = field(default_factory=list)
    """Human-readable notes about parts of the query that were dropped."""
    errors: list[str] = field(default_factory=list)
    """Why the query cannot be answered (one line each); when not empty, `groups` is empty and the query
    matches nothing."""

    @property
    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g if t.field is None]

    @property
    def qualifiers(self) -> list[Term]:
        return [t for g in self.groups for t in g if t.field is not None]

    @property
    def is_empty(self) -> bool:
        """No condition at all: the query matches everything (a refused query is not empty)."""
        return not self.groups and not self.errors

    @property
    def understood(self) -> str:
        if self.errors:
            return "nothing"
        if not self.groups:
            return "everything"
        parts = []
        for g in self.groups:
            d = " OR ".join(t.describe() for t in g)
            parts.append(f"({d})" if len(g) > 1 else d)
        return " AND ".join(parts)


def _key_text(key: int) -> str:
    y, m, d = key // 10000, key // 100 % 100, key % 100
    if m in (0, 99):
        return f"{y:04d}"
    if d in (0, 99):
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _split(query: str) -> list[str]:
    """Whitespace-separated raw terms; `\\ ` escapes a space; `field:"a b"` quotes a value."""
    out: list[str] = []
    buf: list[str] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch == "\\" and i + 1 < n and query[i + 1] in " \t":
            buf.append(query[i + 1])
            i += 2
            continue
        if ch == '"' and buf and buf[-1] == ":" and _FIELD_RE.match("".join(buf)):
            j = query.find('"', i + 1)
            if j < 0:
                j = n
            buf.append(query[i + 1:j])
            i = j + 1
            continue
        if ch.isspace():
            if buf:
                out.append("".join(buf))
                buf = []
            i += 1
            continue
        buf.append(ch)
        i += 1
    if buf:
        out.append("".join(buf))
    return out


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _date_bound(text: str, upper: bool) -> int | None:
    m = _DATE_RE.match(text.strip())
    if not m:
        return None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else None
    d = int(m.group(3)) if m.group(3) else None
    if mo is not None and not 1 <= mo <= 12 or d is not None and not 1 <= d <= 31:
        return None
    if upper:
        return y * 10000 + (mo if mo is not None else 99) * 100 + (d if d is not None else 99)
    return y * 10000 + (mo or 0) * 100 + (d or 0)


def parse_date_range(value: str, *, year_only: bool = False) -> tuple[int, int] | None:
    """'2024-03..2024-05' / '2024' / '..2023' / '2020..' -> inclusive (lo, hi) date keys, or None."""
    value = value.strip()
    if ".." in value:
        a, _, b = value.partition("..")
    else:
        a = b = value
    if year_only and not all(re.fullmatch(r"\d{4}", x) for x in (a, b) if x):
        return None
    lo = _date_bound(a, False) if a else 1  # open start: any date, but not undated rows
    hi = _date_bound(b, True) if b else 99999999
    if lo is None or hi is None or (not a and not b) or lo > hi:
        return None
    return lo, hi


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def parse(query: str) -> ParsedQuery:
    """Parse a query; never raises. See the module docstring for the syntax."""
    if not isinstance(query, str):
        query = "" if query is None else str(query)
    result = ParsedQuery(query)
    if len(query) > MAX_QUERY_CHARS:  # first, so that a pasted megabyte costs nothing more
        result.errors.append(f"query too long: {len(query):,} characters, at most {MAX_QUERY_CHARS:,} (matches nothing)")
        return result
    ignored = result.ignored
    errors = result.errors
    groups: list[list[Term]] = []
    current: list[Term] = []
    pending_or = False
    count = words = 0
    for raw in _split(query.replace("\x00", " ")):
        if raw == "|":
            if not current and not groups:
                ignored.append("'|' at the start ignored")
            pending_or = True
            continue
        term = _parse_term(raw, ignored, errors)
        if term is None:
            continue
        count += 1
        if count > MAX_TERMS:
            errors.append(f"query too long: more than {MAX_TERMS} terms (matches nothing)")
            break
        words += _words(term.text)
        if words > MAX_QUERY_WORDS:
            errors.append(f"query too long: more than {MAX_QUERY_WORDS} words (matches nothing)")
            break
        if pending_or and current:
            current.append(term)
        else:
            if current:
                groups.append(current)
            current = [term]
        pending_or = False
    if current:
        groups.append(current)
    if pending_or and groups:
        ignored.append("'|' at the end ignored")
    if errors:
        del errors[1:]  # one line: the first problem
        groups = []
    result.groups = groups
    return result


def _parse_term(raw: str, ignored: list[str], errors: list[str]) -> Term | None:
    text = raw
    negated = False
    if text.startswith("!"):
        negated, text = True, text[1:]
    m = _FIELD_RE.match(text)
    if m:
        name = m.group(1).lower()
        name = FIELD_ALIASES.get(name, name)
        if name in FIELDS:
            value = m.group(2).strip()
            if not value:
                ignored.append(f"'{raw}' ignored: {name}: needs a value")
                return None
            if _too_many_words(value):
                errors.append(f"'{_clip(raw)}': query too long: more than {MAX_TERM_WORDS} words in one term"
                              " (matches nothing)")
                return None
            if name in ("date", "year"):
                rng = parse_date_range(value, year_only=name == "year")
                if rng is None:
                    example = "year:2024 or year:2020..2022" if name == "year" else "date:2024-03..2024-05"
                    errors.append(f"'{_clip(raw)}': not a date range, try {example} (matches nothing)")
                    return None
                return Term(raw, value, "qualifier", name, negated, False, rng)
            if name in ("role", "review"):
                known = ROLES if name == "role" else REVIEWS
                key = "".join(_WORD.findall(value.lower()))
                if not key or not any(k.startswith(key) for k in known):
                    errors.append(f"'{_clip(raw)}': {name} is one of {', '.join(known)} (matches nothing)")
                    return None
            if not _HAS_WORD.search(value):
                ignored.append(f"'{raw}' ignored: nothing to search for in the value")
                return None
            return Term(raw, value, "qualifier", name, negated)
    kind = "fuzzy"
    if text.startswith("'"):
        kind, text = "exact", text[1:]
    elif text.startswith("^"):
        kind, text = "prefix", text[1:]
        if text.endswith("$") and len(text) > 1:
            kind, text = "equal", text[:-1]
    elif text.endswith("$") and len(text) > 1:
        kind, text = "suffix", text[:-1]
    if not _HAS_WORD.search(text):
        ignored.append(f"'{raw}' ignored: nothing to search for")
        return None
    if _too_many_words(text):
        errors.append(f"'{_clip(raw)}': query too long: more than {MAX_TERM_WORDS} words in one term (matches nothing)")
        return None
    return Term(raw, text, kind, None, negated, text != text.lower())


def _words(text: str, stop: int = MAX_TERM_WORDS + 1) -> int:
    """Alphanumeric runs in text, counted up to `stop`."""
    n = 0
    for _ in _WORD.finditer(text):
        n += 1
        if n >= stop:
            break
    return n


def _too_many_words(text: str) -> bool:
    return _words(text) > MAX_TERM_WORDS
