"""The result lists of the views: searching as you type, paging, counting, sorting, facets and reading ahead.

A mixin of `IncidexApp` (tui/app.py), which owns the state (`states`, one `ViewState` per view) and routes
the messages the workers post (tui/messages.py) to the methods here. All database work happens in thread
workers through `tui.data.Data`; each answer carries the generation of the filter it was asked for, and a
stale one (an older keystroke's) is dropped. A worker that fails raises: the App's one handler,
`on_worker_state_changed`, turns that into a notice (a search that fails says so in the hint line instead).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.data import Cancelled, Page, Row
from tui.messages import CountLoaded, FacetsCounted, NeedMore, PageLoaded, SortedLoaded, TotalLoaded
from tui.safe import Glyphs, safe_line
from tui.widgets.detail import Link
from tui.widgets.line import Line

if TYPE_CHECKING:  # the screens are imported when first shown (start-up time)
    from tui.screens.facets import FacetScreen

FIRST_PAGE = 60
PAGE = 200
SORT_CAP = 5000
SORTS = ("relevance", "newest", "oldest", "title")
PRELOAD_QUIET = 2.0
"""Seconds the file must stay unchanged before the search tables are read ahead again (another process's
commit empties the search connection's cache; an import commits several times a second)."""
SEARCHING_MARK_AFTER = 0.12
EXACT_COUNT_AFTER = 0.15
"""Seconds a filter must rest before a capped count ("10,000+") is replaced by the exact one: counting is
left out of the keystroke's search, and done once the typing pauses."""


def per_view(kind: str):
    """A thread worker that is exclusive per view (a new search in one view never cancels another's). It
    does not stop the app when it fails: the App's `on_worker_state_changed` reports the failure."""
    import functools

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(self, view: str, *args):
            return self.run_worker(functools.partial(fn, self, view, *args), name=f"{kind}-{view}",
                                   group=f"{kind}-{view}", thread=True, exclusive=True, exit_on_error=False)
        return wrapper
    return deco


@dataclass
class ViewState:
    query: str = ""
    generation: int = 0
    cursor: object | None = None
    total: int | None = None
    exact: bool = True
    grand_total: int | None = None
    hints: list[str] = field(default_factory=list)
    understood: str = ""
    sort: str = "relevance"
    history: list[Link] = field(default_factory=list)
    pos: int = -1
    detail_token: int = 0
    stale: bool = False
    loaded: bool = False
    searched_at: float = 0.0
    pending: int = 0  # the generation of the search still running, 0 when none


class Lists:
    """The lists' half of `IncidexApp` (a mixin: `self` is the app)."""

    # --- reading ahead -----------------------------------------------------------------------------
    @work(thread=True, group="preload", exclusive=True, exit_on_error=False)
    def _preload(self, view: str, version: int) -> None:
        """The view's search tables into the search connection's cache (`Data.preload`), once per view and
        version of the file; a newer version or another view's preload stops this one. Reading ahead is an
        optimisation: a failure is reported (a notice) and the app goes on."""
        if (view, version) in self._preloaded:
            return
        worker = get_current_worker()
        self.data.preload(view, lambda: worker.is_cancelled or self.version != version)
        if not worker.is_cancelled and self.version == version:
            # only the latest: another view's read-ahead pushes this one's pages out of the shared cache
            self._preloaded = {(view, version)}

    def file_changed(self, version: int) -> None:
        """The file changed (another process's commit, or our own curation): note its version, and read the
        search tables ahead again once it has been quiet for PRELOAD_QUIET (a commit empties their cache)."""
        self.version = version
        self.set_timer(PRELOAD_QUIET, lambda: self._preload_if_quiet(version))

    def _preload_if_quiet(self, version: int) -> None:
        if self.version == version:
            self._preload(self.current_view, version)

    # --- searching ---------------------------------------------------------------------------------
    def filter_changed(self, event: Input.Changed) -> None:
        view = event.input.id.split("-")[0]
        st = self.states[view]
        if event.value == st.query and st.loaded:
            return
        st.query = event.value
        st.sort = "relevance"
        self.search(view)

    def search(self, view: str, keep_id: int | None = None, keep_index: bool = False) -> None:
        st = self.states[view]
        st.generation += 1
        st.pending = st.generation
        st.searched_at = time.perf_counter()
        if not st.loaded and not st.query.strip() and keep_id is None and self._first_page_now(view, st.generation):
            return
        # the "searching" mark only for a search that is still running after a moment: most answer within a
        # frame or two, and drawing the mark first would be one more frame on the way to the results
        self.set_timer(SEARCHING_MARK_AFTER, lambda g=st.generation: self._searching(view, g))
        self._run_search(view, st.query, st.generation, keep_id, keep_index)

    def _searching(self, view: str, generation: int) -> None:
        st = self.states[view]
        if st.generation == generation and st.pending == generation:
            self._count(view, searching=True)

    def _first_page_now(self, view: str, generation: int) -> bool:
        """The first page of an unfiltered view is a keyset read of the newest rows (under 10 ms at 1M rows):
        read here, on the UI thread, its rows are in the very first frame instead of a second one after a
        worker round trip (which costs ~80 ms of cold start). Any trouble falls back to the worker."""
        try:
            page = self.data.page(view, "", limit=FIRST_PAGE)
        except Exception:  # noqa: BLE001 - the worker path reports errors
            return False
        self.page_loaded(PageLoaded(view, generation, page, None, False))
        return True

    @per_view("search")
    def _run_search(self, view: str, query: str, generation: int, keep_id, keep_index) -> None:
        worker = get_current_worker()
        st = self.states[view]
        cancel = lambda: worker.is_cancelled or st.generation != generation  # noqa: E731
        try:
            page = self.data.page(view, query, limit=FIRST_PAGE, cancel=cancel)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - a broken query or file must not kill the app
            page = Page(view, query, [], 0, True, None, "", [f"error: {exc}"])
        self.post_message(PageLoaded(view, generation, page, keep_id, keep_index))

    def page_loaded(self, msg: PageLoaded) -> None:
        st = self.states[msg.view]
        if msg.generation != st.generation:
            return  # a newer keystroke already asked for something else
        page = msg.page
        bv = self.browse(msg.view)
        st.loaded = True
        st.stale = False
        if page.first:
            st.pending = 0
            st.total, st.exact, st.hints, st.understood = page.total, page.exact, page.hints, page.understood
            st.cursor = page.cursor
            lst = bv.results
            lst.empty_text = "nothing matches" if st.query.strip() else "no records yet"
            lst.set_rows(page.rows, page.cursor is not None, keep_id=msg.keep_id, keep_index=msg.keep_index)
            if not page.rows:
                self._show_record(msg.view, None)
        else:
            st.cursor = page.cursor
            bv.results.add_rows(page.rows, page.cursor is not None)
        self._count(msg.view)
        self._hint(msg.view)
        if page.first and not page.exact and st.query.strip():
            self.set_timer(EXACT_COUNT_AFTER, lambda v=msg.view, g=msg.generation: self._count_if_resting(v, g))
        if st.grand_total is None:
            self.call_after_refresh(self._total, msg.view, self.version)

    def need_more(self, event: NeedMore) -> None:
        view = event.results.view
        st = self.states[view]
        if st.cursor is None or st.sort != "relevance":
            return
        self._more(view, st.query, st.generation, st.cursor)

    @per_view("more")
    def _more(self, view: str, query: str, generation: int, after) -> None:
        st = self.states[view]
        worker = get_current_worker()
        try:
            page = self.data.page(view, query, after=after, limit=PAGE,
                                  cancel=lambda: worker.is_cancelled or st.generation != generation)
        except Cancelled:
            return
        page.first = False
        self.post_message(PageLoaded(view, generation, page, None, False))

    def _count_if_resting(self, view: str, generation: int) -> None:
        st = self.states[view]
        if st.generation == generation:
            self._exact_count(view, st.query, generation)

    @per_view("count")
    def _exact_count(self, view: str, query: str, generation: int) -> None:
        st = self.states[view]
        worker = get_current_worker()
        try:
            n = self.data.count(view, query, cancel=lambda: worker.is_cancelled or st.generation != generation)
        except Cancelled:  # a count that failed is reported; the capped figure stays
            return
        self.post_message(CountLoaded(view, generation, n))

    def count_loaded(self, msg: CountLoaded) -> None:
        st = self.states[msg.view]
        if msg.generation == st.generation:
            st.total, st.exact = msg.total, True
            self._count(msg.view)

    @work(thread=True, group="total", exit_on_error=False)
    def _total(self, view: str, version: int) -> None:
        n = self.data.total(view)
        self.post_message(TotalLoaded(view, version, n))

    def total_loaded(self, msg: TotalLoaded) -> None:
        if msg.version == self.version:
            self.states[msg.view].grand_total = msg.total
            self._count(msg.view)

    def _count(self, view: str, searching: bool = False) -> None:
        st = self.states[view]
        bv = self.browse(view)
        t = Text(no_wrap=True)
        if st.total is None or (not st.query.strip() and st.grand_total is None):
            t.append("counting" + Glyphs.ellipsis, style="dim")
        else:
            shown = st.total
            if not st.query.strip() and st.grand_total is not None:
                shown = st.grand_total
                exact = True
            else:
                exact = st.exact
            t.append(f"{shown:,}{'' if exact else '+'}", style="bold")
            if st.grand_total is not None:
                t.append(f" of {st.grand_total:,}")
        if searching:
            t.append(" " + Glyphs.ellipsis, style="dim")
        bv.query_one(".count", Line).update(t)

    def _hint(self, view: str) -> None:
        st = self.states[view]
        t = Text(no_wrap=True, overflow=Glyphs.overflow)
        # the status line: the sort mode first, so that a narrow screen never cuts it off
        t.append("sort: ", style="dim")
        t.append(st.sort, style="bold")
        t.append("  ")
        if st.query.strip():
            t.append("matching: ", style="dim")
            t.append(safe_line(st.understood) or "everything", style="dim")
        if st.hints:
            if t.plain:
                t.append("  ")
            t.append("  ".join(safe_line(h) for h in st.hints), style="bold yellow")
        if st.sort != "relevance" and not st.hints and st.total and st.total > SORT_CAP:
            t.append(f"  sorted: the first {SORT_CAP:,} matches", style="dim")
        self.browse(view).query_one(".hint", Line).update(t)

    # sort: relevance is the search order; the others sort the first SORT_CAP matches
    def action_sort(self) -> None:
        view = self.current_view
        st = self.states[view]
        st.sort = SORTS[(SORTS.index(st.sort) + 1) % len(SORTS)]
        if view == "actors" and st.sort in ("newest", "oldest"):
            st.sort = "title"
        if st.sort == "relevance":
            self.search(view)
            return
        self._count(view, searching=True)
        self._load_sorted(view, st.query, st.generation, st.sort)

    @per_view("sort")
    def _load_sorted(self, view: str, query: str, generation: int, mode: str) -> None:
        st = self.states[view]
        worker = get_current_worker()
        cancel = lambda: worker.is_cancelled or st.generation != generation  # noqa: E731
        rows: list[Row] = []
        after = None
        try:
            while len(rows) < SORT_CAP:
                p = self.data.page(view, query, after=after, limit=1000, cancel=cancel)
                rows += p.rows
                after = p.cursor
                if after is None:
                    break
        except Cancelled:
            return
        if mode == "title":
            rows.sort(key=lambda r: (safe_line(r.title).casefold(), r.id))
        else:
            rows.sort(key=lambda r: (r.date or "", r.id), reverse=(mode == "newest"))
            if mode == "newest":  # undated last
                rows.sort(key=lambda r: r.date is None)
        self.post_message(SortedLoaded(view, generation, rows[:SORT_CAP], after is None))

    def sorted_loaded(self, msg: SortedLoaded) -> None:
        st = self.states[msg.view]
        if msg.generation != st.generation:
            return
        lst = self.browse(msg.view).results
        cur = lst.current
        lst.set_rows(msg.rows, False, keep_id=cur.id if cur else None)
        st.cursor = None
        self._count(msg.view)
        self._hint(msg.view)

    def action_facets(self) -> None:
        from tui.screens.facets import FacetScreen

        screen = FacetScreen()
        view = self.current_view

        def chosen(qualifier: str | None) -> None:
            if qualifier:
                bv = self.browse(view)
                q = bv.filter.value.strip()
                bv.filter.value = (q + " " + qualifier).strip()
                bv.results.focus()

        self.push_screen(screen, chosen)
        self._facets(view, self.states[view].query, screen)

    @work(thread=True, group="facets", exclusive=True, exit_on_error=False)
    def _facets(self, view: str, query: str, screen: FacetScreen) -> None:
        worker = get_current_worker()
        try:
            f = self.data.facets(view, query, cancel=lambda: worker.is_cancelled)
        except Cancelled:
            return
        except Exception:
            # the screen says "nothing to count"; the failure itself goes to the app's notice
            self.post_message(FacetsCounted(screen, {"sample": 0, "total": 0, "exact": True, "groups": {}}))
            raise
        self.post_message(FacetsCounted(screen, f))
