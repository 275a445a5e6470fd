"""What a search answers (`SearchResult` of `Hit`s, with a keyset `Cursor`) and how it fails (the exceptions).

Plain data, shared by the planner (`db.search.plan` makes the hits) and the `Searcher` (the rest).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from db.search.parser import ParsedQuery


class SearchCancelled(Exception):
    """The search was superseded (its cancel token fired, or the connection was interrupted)."""


class QueryError(ValueError):
    """The query cannot be answered as written (`ParsedQuery.errors`: an invalid qualifier value, a query too
    long). Raised by `matching_ids` only; `search` and `count` answer such a query with no rows (the reason
    in ``notes``)."""


class SearchIndexMissing(Exception):
    """The database has no search index of this layout: run `rebuild` (``incidex db check --rebuild``)."""

    def __init__(self, detail: str = ""):
        super().__init__("the search index is missing or outdated: run `incidex db check --rebuild`"
                         + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class Cursor:
    """Opaque keyset position; pass `SearchResult.next_cursor` back as `after`."""

    view: str
    query: str
    tier: int            # 0: ranked window, 1: the rest by date, 2: actors by name (empty query)
    score: float = 0.0
    key: int = 0         # sort key (rowid) of the last row returned
    name: str = ""       # tier 2 only
    window: int = 0      # the window size of the query that made the cursor


@dataclass
class Hit:
    id: int
    title: str
    """Displayed title (incidents, sources) or name (actors)."""
    positions: list[int]
    """Indexes into `title` of the matched characters, for highlighting."""
    score: float
    date: str | None
    """date_start (incidents), published (sources), None (actors)."""


@dataclass
class SearchResult:
    rows: list[Hit]
    total: int
    total_is_exact: bool
    """False: at least `total` rows match ("more than")."""
    next_cursor: Cursor | None
    parsed: ParsedQuery
    corrections: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
