"""The query language (DESIGN.md section 6): fzf's extended syntax plus field qualifiers.

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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = {
    "type": "incident type (class/subtype), e.g. type:ddos",
    "actor": "an actor in any non-target role, by name or alias, e.g. actor:killnet",
    "role": "perpetrator|claimed|attributed|suspected|denied|target",
    "target": "a targeted actor, e.g. target:sfr",
    "country": "ISO code or name, e.g. country:FR",
    "place": "a place name, e.g. place:paris",
    "year": "year:2024 or year:2020..2022",
    "date": "date:2024-03..2024-05, date:2024, date:..2023-06",
    "source": "a source's title, publisher or URL",
    "tag": "an analyst tag",
    "review": "auto|reviewed",
    "title": "words of the title only",
    "kind": "actor kind (actors view)",
    "body": "words of an article body (sources view)",
    "publisher": "a source's publisher (sources view)",
}
FIELD_ALIASES = {"yr": "year", "tags": "tag", "types": "type", "actors": "actor", "places": "place"}
MAX_TERMS = 64
_FIELD_RE = re.compile(r"^([A-Za-z]+):(.*)$", re.S)
_HAS_WORD = re.compile(r"[^\W_]")


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

    @property
    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g if t.field is None]

    @property
    def qualifiers(self) -> list[Term]:
        return [t for g in self.groups for t in g if t.field is not None]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def understood(self) -> str:
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


def parse(query: str) -> ParsedQuery:
    """Parse a query; never raises. See the module docstring for the syntax."""
    if not isinstance(query, str):
        query = "" if query is None else str(query)
    result = ParsedQuery(query)
    ignored = result.ignored
    groups: list[list[Term]] = []
    current: list[Term] = []
    pending_or = False
    count = 0
    for raw in _split(query.replace("\x00", " ")):
        if raw == "|":
            if not current and not groups:
                ignored.append("'|' at the start ignored")
            pending_or = True
            continue
        term = _parse_term(raw, ignored)
        if term is None:
            continue
        count += 1
        if count > MAX_TERMS:
            if count == MAX_TERMS + 1:
                ignored.append(f"terms after the first {MAX_TERMS} ignored")
            continue
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
    result.groups = groups
    return result


def _parse_term(raw: str, ignored: list[str]) -> Term | None:
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
            if name in ("date", "year"):
                rng = parse_date_range(value, year_only=name == "year")
                if rng is None:
                    example = "year:2024 or year:2020..2022" if name == "year" else "date:2024-03..2024-05"
                    ignored.append(f"'{raw}' ignored: not a date range (try {example})")
                    return None
                return Term(raw, value, "qualifier", name, negated, False, rng)
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
    return Term(raw, text, kind, None, negated, text != text.lower())
