"""The incidex browser (DESIGN.md section 7): three views, each a filter bar, a virtual result list and a
detail pane. All database work happens in thread workers (tui.data); results come back as messages and
stale ones (an older generation of the filter) are dropped."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Container, Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import ContentSwitcher, Input, Static
from textual.worker import get_current_worker

from tui import keymap
from tui import render as rd
from tui.data import ENTITY, VIEWS, Cancelled, Data, Page, Row
from tui.safe import Glyphs, safe_line, strip_unsafe
from tui.widgets.detail import DetailPane, Link
from tui.widgets.line import Line
from tui.widgets.results import ResultList

if TYPE_CHECKING:  # the screens are imported when first shown (start-up time)
    from tui.screens import FacetScreen, WelcomeScreen

FIRST_PAGE = 60
PAGE = 200
SORT_CAP = 5000
SORTS = ("relevance", "newest", "oldest", "title")
NARROW = 100
POLL_SECONDS = 0.5
PRELOAD_QUIET = 2.0
"""Seconds the file must stay unchanged before the search tables are read ahead again (another process's
commit empties the search connection's cache; an import commits several times a second)."""
GC_TICK, GC_QUIET, GC_LATEST = 1.0, 0.6, 20.0  # seconds: see IncidexApp._settle_gc
SEARCHING_MARK_AFTER = 0.12
EXACT_COUNT_AFTER = 0.15
"""Seconds a filter must rest before a capped count ("10,000+") is replaced by the exact one: counting is
left out of the keystroke's search, and done once the typing pauses."""
DETAIL_SETTLE = 0.07
"""Seconds the detail pane waits after the list cursor moved before reading the record: paging through the
list with ctrl+d or a held j redraws only the list, and the pane follows once the cursor rests."""
TITLES = {"incidents": "Incidents", "actors": "Actors", "sources": "Sources"}


def per_view(kind: str):
    """A thread worker that is exclusive per view (a new search in one view never cancels another's)."""
    import functools

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(self, view: str, *args):
            return self.run_worker(functools.partial(fn, self, view, *args), name=f"{kind}-{view}",
                                   group=f"{kind}-{view}", thread=True, exclusive=True)
        return wrapper
    return deco


# --- messages from workers -------------------------------------------------------------------------------

class PageLoaded(Message):
    def __init__(self, view: str, generation: int, page: Page, keep_id: int | None, keep_index: bool) -> None:
        super().__init__()
        self.view, self.generation, self.page, self.keep_id, self.keep_index = view, generation, page, keep_id, keep_index


class RecordLoaded(Message):
    def __init__(self, view: str, token: int, link: Link, record: dict | None, keep_cursor: bool) -> None:
        super().__init__()
        self.view, self.token, self.link, self.record, self.keep_cursor = view, token, link, record, keep_cursor


class TotalLoaded(Message):
    def __init__(self, view: str, version: int, total: int) -> None:
        super().__init__()
        self.view, self.version, self.total = view, version, total


class CountLoaded(Message):
    def __init__(self, view: str, generation: int, total: int) -> None:
        super().__init__()
        self.view, self.generation, self.total = view, generation, total


class SortedLoaded(Message):
    def __init__(self, view: str, generation: int, rows: list[Row], complete: bool) -> None:
        super().__init__()
        self.view, self.generation, self.rows, self.complete = view, generation, rows, complete


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


class FilterInput(Input):
    """The filter bar. Enter and escape move the focus at once, and keys that were already queued here when
    the focus moved (fast typing over SSH: `lyon`, enter, `2` in one read) go where the focus now is."""

    # Input sets its virtual size on every keystroke, and Widget's reactive asks for a layout pass of the
    # whole screen when it changes; the relayout then re-renders both tall scrollbars, so the frame's dirty
    # box spans the list and the detail pane (10-45 ms per key at 200x50). The bar's size never depends on
    # its text and horizontal scrolling reads virtual_size directly: no layout needed.
    virtual_size = Reactive(Size(0, 0), layout=False)

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            bv = next(a for a in self.ancestors if isinstance(a, BrowseView))
            self.screen.set_focus(bv.results)
            return
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.app.action_back_out()
            return
        await super()._on_key(event)


class BrowseView(Vertical):
    """One view: filter bar, hint line, result list and detail pane."""

    def __init__(self, view: str) -> None:
        super().__init__(id=view, classes="browse")
        self.view = view

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Static(TITLES[self.view], classes="view-title")
            yield FilterInput(placeholder="filter (fuzzy; type:ddos actor:killnet year:2024 ...)",
                              id=f"{self.view}-filter", classes="filter")
            yield Line("", classes="count", id=f"{self.view}-count")
        yield Line("", classes="hint", id=f"{self.view}-hint")
        with Container(classes="body"):
            # the frame draws the list's border, so that the list itself draws only rows (see ResultList.render_lines)
            with Container(classes="list-frame"):
                yield ResultList(self.view, id=f"{self.view}-list")
            yield DetailPane(id=f"{self.view}-detail")

    @property
    def filter(self) -> Input:
        return self.query_one(Input)

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)


class IncidexApp(App[None]):
    CSS_PATH = "incidex.tcss"
    TITLE = "incidex"
    BINDINGS = keymap.bindings("app")
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, db=None, *, view: str = "incidents", query: str = "", ascii: bool = False,
                 theme: str | None = None, data: Data | None = None, poll: bool = True, tune_gc: bool = False) -> None:
        super().__init__()
        self.tune_gc = tune_gc
        self._last_input = 0.0
        self.data = data or Data(db)
        self.start_view = view if view in VIEWS else "incidents"
        self.start_query = query or ""
        self.ascii = ascii
        self.want_theme = theme
        self.poll = poll
        self.states = {v: ViewState() for v in VIEWS}
        self.current_view = self.start_view
        self.version = -1
        self.records: dict[str, tuple[Link, dict] | None] = {v: None for v in VIEWS}
        self.welcome: WelcomeScreen | None = None
        self.problems: list[str] = []
        self.filter_keys: set[str] = {"slash"}
        self._curation = None
        self._preloaded: set[tuple[str, int]] = set()
        if ascii:
            Glyphs.use_ascii()
            from textual.scrollbar import ScrollBarRender

            ScrollBarRender.VERTICAL_BARS = [" "] * 8
            ScrollBarRender.HORIZONTAL_BARS = [" "] * 8

    @property
    def curation(self):
        """The curation keys and screens (tui.curation), imported on first use: they are not needed for the
        first frame and their widgets (Select, OptionList) cost ~6 ms of start-up."""
        if self._curation is None:
            from tui.curation import Curation

            self._curation = Curation(self)
        return self._curation

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Every notification is plain text: messages carry titles, tags and names from the database, and
        Textual renders notification markup (`[@click=app.quit]` would run an action when clicked). Widgets'
        and screens' `notify` end here too, so `markup` is ignored: there is no markup in incidex's toasts."""
        super().notify(strip_unsafe(str(message)), title=safe_line(title), severity=severity, timeout=timeout,
                       markup=False)

    # --- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Line("", id="topbar")
        with ContentSwitcher(initial=self.start_view, id="views"):
            yield BrowseView(self.start_view)  # the other views are mounted when first shown
        yield Static("", id="status")
        yield Line("", id="keys")

    def on_mount(self) -> None:
        keys, self.problems = keymap.user_keymap()
        self._user_keys = keys
        if keys:
            self.set_keymap(keys)
        self._keys_line()
        self.filter_keys = set(keys.get("filter", next(k.keys for k in keymap.KEYS if k.id == "filter")).split(","))
        if self.ascii:
            self.add_class("ascii")
        if self.want_theme:
            if self.want_theme in self.available_themes:
                self.theme = self.want_theme
            else:
                self.problems.append(f"unknown theme {self.want_theme!r} (try: {', '.join(sorted(self.available_themes))})")
        notices = ([self.data.notice] if self.data.notice else []) + self.problems
        self.query_one("#status", Static).update(Text("  ".join(notices), style="bold"))
        self._apply_width(self.size.width)
        self._topbar()
        self.version = self.data.data_version()
        bv = self.browse(self.start_view)
        if self.start_query:
            bv.filter.value = self.start_query  # Input.Changed starts the search
            self.states[self.start_view].query = self.start_query
        self.search(self.start_view)
        bv.results.focus()
        if self.poll:
            self.set_interval(POLL_SECONDS, self.check_changes)
        # after the first frame: these workers would compete with it for the interpreter
        self.call_after_refresh(self.check_empty)
        self.call_after_refresh(lambda: self._preload(self.current_view, self.version))
        if self.tune_gc:
            self.call_after_refresh(self._settle_gc)

    # --- garbage collection --------------------------------------------------------------------------
    # Python's automatic collections stall frames: full ones scan every object the process holds (35-95 ms
    # with Textual's widget tree, styles and our caches, about once a second while typing or scrolling),
    # and even the young ones take 3-12 ms once caches fill. Almost everything a frame allocates is freed by
    # reference counting anyway. So: `tui.run` switches the collector off for the start-up, what is alive
    # after the first frame (it lives as long as the app) is frozen out of it, and collections run from a
    # timer when the keyboard has been quiet for a moment (or at the latest every GC_LATEST seconds).
    def _settle_gc(self) -> None:
        import gc

        gc.disable()
        gc.freeze()
        self._last_input = self._last_gc = time.monotonic()
        self._gc_runs = 0
        self.set_interval(GC_TICK, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        import gc

        now = time.monotonic()
        if now - self._last_input < GC_QUIET and now - self._last_gc < GC_LATEST:
            return
        self._gc_runs += 1
        gc.collect(2 if self._gc_runs % 10 == 0 else 1)
        self._last_gc = now

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.screen.set_class(width < NARROW, "narrow")

    def browse(self, view: str | None = None) -> BrowseView:
        return self.query_one(f"#{view or self.current_view}", BrowseView)

    def _keys_line(self) -> None:
        """The key hints at the bottom (a light Footer: one line, with the user's remapped keys)."""
        from textual.keys import format_key

        overrides = getattr(self, "_user_keys", {})
        t = Text(no_wrap=True, overflow=Glyphs.overflow)
        if self._curation is not None and self._curation.marks:
            t.append(self.curation.mark_label(), style="bold reverse yellow")
        for k in keymap.KEYS:
            if k.scope == "app" and k.show:
                keys = overrides.get(k.id, k.keys).split(",")[0].strip()
                label = k.key_display if (k.key_display and k.id not in overrides) else format_key(keys)
                t.append(f" {label} ", style="bold reverse")
                t.append(f" {k.description.replace(' view', '')} ")
        self.query_one("#keys", Line).update(t)

    def _topbar(self) -> None:
        t = Text(" incidex ", style="bold reverse")
        for i, v in enumerate(VIEWS, 1):
            t.append("  ")
            t.append(f"{i} {TITLES[v]}", style="bold underline" if v == self.current_view else "dim")
        t.append(f"   {safe_line(str(self.data.path))}", style="dim")
        self.query_one("#topbar", Line).update(t)

    # --- empty database ----------------------------------------------------------------------------
    @work(thread=True, group="empty", exclusive=True)
    def check_empty(self) -> None:
        if self.data.is_empty():
            self.call_from_thread(self._show_welcome)

    def _show_welcome(self) -> None:
        if self.welcome is None:
            from tui.screens import WelcomeScreen

            self.welcome = WelcomeScreen(str(self.data.path), self.data.readonly)
            self.push_screen(self.welcome)

    def action_import_samples(self) -> None:
        if self.welcome is None:
            self.notify("the samples can be imported from the welcome screen of an empty database")
            return
        if self.data.readonly:
            self.notify("this database is read-only", severity="warning")
            return
        self.welcome.query_one("#welcome-status", Static).update(Text("importing the samples" + Glyphs.ellipsis,
                                                                       style="bold"))
        self._import_samples()

    @work(thread=True, group="import", exclusive=True)
    def _import_samples(self) -> None:
        try:
            msg = self.data.import_samples()
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app goes on
            self.call_from_thread(self._import_failed, f"import failed: {exc}")
            return
        self.call_from_thread(self._imported, msg)

    def _import_failed(self, msg: str) -> None:
        if self.welcome is not None:
            self.welcome.query_one("#welcome-status", Static).update(Text(safe_line(msg), style="bold red"))

    def _imported(self, msg: str) -> None:
        if self.welcome is not None:
            self.welcome.dismiss()
            self.welcome = None
        self.notify(safe_line(msg))
        self.refresh_all()

    # --- reading ahead -----------------------------------------------------------------------------
    @work(thread=True, group="preload", exclusive=True)
    def _preload(self, view: str, version: int) -> None:
        """The view's search tables into the search connection's cache (`Data.preload`), once per view and
        version of the file; a newer version or another view's preload stops this one."""
        if (view, version) in self._preloaded:
            return
        worker = get_current_worker()
        try:
            self.data.preload(view, lambda: worker.is_cancelled or self.version != version)
        except Exception:  # noqa: BLE001 - reading ahead is an optimisation: a failure must not stop the app
            return
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
    @on(Input.Changed, ".filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        view = event.input.id.split("-")[0]
        st = self.states[view]
        if event.value == st.query and st.loaded:
            return
        st.query = event.value
        st.sort = "relevance"
        self.search(view)

    @on(Input.Submitted, ".filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.browse().results.focus()

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
        self.on_page_loaded(PageLoaded(view, generation, page, None, False))
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

    def on_page_loaded(self, msg: PageLoaded) -> None:
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

    @on(ResultList.NeedMore)
    def _need_more(self, event: ResultList.NeedMore) -> None:
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
        except Exception:  # noqa: BLE001
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
        except Exception:  # noqa: BLE001 - Cancelled, or a count that failed: the capped figure stays
            return
        self.post_message(CountLoaded(view, generation, n))

    def on_count_loaded(self, msg: CountLoaded) -> None:
        st = self.states[msg.view]
        if msg.generation == st.generation:
            st.total, st.exact = msg.total, True
            self._count(msg.view)

    @work(thread=True, group="total")
    def _total(self, view: str, version: int) -> None:
        try:
            n = self.data.total(view)
        except Exception:  # noqa: BLE001
            return
        self.post_message(TotalLoaded(view, version, n))

    def on_total_loaded(self, msg: TotalLoaded) -> None:
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
            if st.sort != "relevance":
                t.append(f"  sort: {st.sort}", style="dim")
        if searching:
            t.append(" " + Glyphs.ellipsis, style="dim")
        bv.query_one(".count", Line).update(t)

    def _hint(self, view: str) -> None:
        st = self.states[view]
        t = Text(no_wrap=True, overflow=Glyphs.overflow)
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

    # --- details -----------------------------------------------------------------------------------
    @on(ResultList.Highlighted)
    def _highlighted(self, event: ResultList.Highlighted) -> None:
        view = event.results.view
        st = self.states[view]
        if event.row is None:
            return
        link = (ENTITY[view], event.row.id)
        st.history, st.pos = [link], 0
        self.load_record(view, link)

    @on(ResultList.Opened)
    def _opened(self, event: ResultList.Opened) -> None:
        # The current view's pane, not necessarily the sender's: `enter` then `2` typed in one burst can switch
        # views before this message arrives, and focusing the hidden pane would leave no focus at all (then
        # `q` lands in a hidden filter). As if the keys were handled in order: the new view's detail pane.
        self.browse().detail.focus()

    @on(DetailPane.OpenLink)
    def _open_link(self, event: DetailPane.OpenLink) -> None:
        view = self.current_view
        st = self.states[view]
        if event.link[0] not in ("incident", "actor", "source"):
            return
        del st.history[st.pos + 1:]
        st.history.append(event.link)
        st.pos = len(st.history) - 1
        self.load_record(view, event.link)

    def load_record(self, view: str, link: Link, keep_cursor: bool = False) -> None:
        st = self.states[view]
        st.detail_token += 1
        self._fetch_record(view, st.detail_token, link, keep_cursor)

    @per_view("detail")
    def _fetch_record(self, view: str, token: int, link: Link, keep_cursor: bool) -> None:
        # let a burst of j/k or of typing settle before reading (typing: the next search has priority)
        time.sleep(0 if keep_cursor else 0.15 if isinstance(self.focused, Input) else DETAIL_SETTLE)
        if get_current_worker().is_cancelled or token != self.states[view].detail_token:
            return
        try:
            rec = self.data.record(*link)
        except Exception as exc:  # noqa: BLE001
            rec = {"_error": str(exc)}
        self.post_message(RecordLoaded(view, token, link, rec, keep_cursor))

    def on_record_loaded(self, msg: RecordLoaded) -> None:
        if msg.token != self.states[msg.view].detail_token:
            return
        self._show_record(msg.view, msg.link, msg.record, msg.keep_cursor)

    def _show_record(self, view: str, link: Link | None, rec: dict | None = None, keep_cursor: bool = False) -> None:
        pane = self.browse(view).detail
        if link is None:
            self.records[view] = None
            pane.show([(Text("nothing selected", style="dim"), None)])
            return
        if rec is None:
            self.records[view] = None
            pane.show([(Text(f"{link[0]} {link[1]} no longer exists", style="dim"), None)], key=link)
            return
        if "_error" in rec:
            pane.show([(Text(safe_line(rec["_error"]), style="bold red"), None)], key=link)
            return
        self.records[view] = (link, rec)
        renderer = {"incident": rd.incident, "actor": rd.actor, "source": rd.source}[link[0]]
        st = self.states[view]
        blocks = renderer(rec, self.ascii)
        if len(st.history) > 1:
            crumbs = Text(f"[ back ({st.pos})  ] forward ({len(st.history) - st.pos - 1})", style="dim")
            blocks = [(crumbs, None), *blocks]
        pane.show(blocks, key=link, keep_cursor=keep_cursor)

    def action_back(self) -> None:
        st = self.states[self.current_view]
        if st.pos > 0:
            st.pos -= 1
            self.load_record(self.current_view, st.history[st.pos])
        else:
            self.notify("no earlier record in this view's history", timeout=2)

    def action_forward(self) -> None:
        st = self.states[self.current_view]
        if st.pos + 1 < len(st.history):
            st.pos += 1
            self.load_record(self.current_view, st.history[st.pos])
        else:
            self.notify("no later record", timeout=2)

    # --- actions -----------------------------------------------------------------------------------
    async def action_view(self, view: str) -> None:
        if view not in VIEWS:
            return
        pane = "detail" if isinstance(self.focused, DetailPane) else "list"
        self.current_view = view
        switcher = self.query_one(ContentSwitcher)
        if not switcher.query(f"#{view}"):
            await switcher.mount(BrowseView(view))  # views are mounted when first shown
        switcher.current = view
        self._preload(view, self.version)
        self._topbar()
        bv = self.browse(view)
        st = self.states[view]
        if not st.loaded or st.stale:
            cur = bv.results.current
            self.search(view, keep_id=cur.id if cur else None, keep_index=True)
        (bv.detail if pane == "detail" else bv.results).focus()

    def action_focus_filter(self) -> None:
        # synchronously: keys typed right after `/` (one read from a fast terminal) must reach the input
        self.screen.set_focus(self.browse().filter)

    def action_cycle_pane(self, step: int) -> None:
        if self.screen is not self.screen_stack[0]:
            (self.screen.focus_next if step > 0 else self.screen.focus_previous)()
            return
        bv = self.browse()
        order = [bv.filter, bv.results, bv.detail]
        try:
            i = order.index(self.focused)
        except ValueError:
            i = 0
        order[(i + step) % len(order)].focus()

    def action_back_out(self) -> None:
        bv = self.browse()
        focused = self.focused
        if focused is bv.filter:
            if bv.filter.value:
                bv.filter.value = ""
            else:
                self.screen.set_focus(bv.results)
        elif focused is bv.detail:
            bv.results.focus()
        elif self.states[self.current_view].query:
            bv.filter.value = ""
        else:
            bv.results.focus()

    def action_quit_if_idle(self) -> None:
        if isinstance(self.focused, Input):
            return
        self.exit()

    def action_curate(self, what: str) -> None:
        """Curation keys (tui.curation): edit, mark, merge, split, link, unlink, tag, note, review, undo."""
        self.curation.run(what)

    def action_help(self) -> None:
        bv = self.browse()
        pane = "filter" if self.focused is bv.filter else "detail" if self.focused is bv.detail else "list"
        from tui.screens import HelpScreen

        self.push_screen(HelpScreen(pane))

    def action_copy(self) -> None:
        rec = self.records.get(self.current_view)
        if rec is None:
            self.notify("nothing to copy")
            return
        (entity, _id), record = rec
        text = rd.plain_summary(entity, record)
        self.copy_to_clipboard(text)
        self.notify(f"copied: {text[:60]}", timeout=3)

    def action_refresh(self) -> None:
        self.refresh_all()
        self.notify("refreshed", timeout=1.5)

    def refresh_all(self) -> None:
        for v in VIEWS:
            st = self.states[v]
            st.grand_total = None
            st.stale = True
        self._refresh_view(self.current_view)

    def _refresh_view(self, view: str) -> None:
        bv = self.browse(view)
        cur = bv.results.current
        st = self.states[view]
        if st.sort != "relevance":
            st.sort = "relevance"
        self.search(view, keep_id=cur.id if cur else None, keep_index=True)
        if st.history and 0 <= st.pos < len(st.history):
            self.load_record(view, st.history[st.pos], keep_cursor=True)

    def check_changes(self) -> None:
        """Timer: another process committed to the file? Then refresh, keeping the cursor and filter."""
        try:
            v = self.data.data_version()
        except Exception:  # noqa: BLE001
            return
        if v == self.version:
            return
        self.file_changed(v)
        self.refresh_all()
        if self.welcome is not None:
            self.check_empty_then_close()

    @work(thread=True, group="empty", exclusive=True)
    def check_empty_then_close(self) -> None:
        if not self.data.is_empty():
            self.call_from_thread(self._close_welcome)

    def _close_welcome(self) -> None:
        if self.welcome is not None:
            self.welcome.dismiss()
            self.welcome = None

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

    def on_sorted_loaded(self, msg: SortedLoaded) -> None:
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
        from tui.screens import FacetScreen

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

    @work(thread=True, group="facets", exclusive=True)
    def _facets(self, view: str, query: str, screen: FacetScreen) -> None:
        worker = get_current_worker()
        try:
            f = self.data.facets(view, query, cancel=lambda: worker.is_cancelled)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001
            f = {"sample": 0, "total": 0, "exact": True, "groups": {}, "error": str(exc)}
        self.call_from_thread(screen.show_facets, f)

    # --- command palette ---------------------------------------------------------------------------
    def get_system_commands(self, screen):
        yield SystemCommand("Incidents view", "Show incidents (1)", lambda: self.call_later(self.action_view, "incidents"))
        yield SystemCommand("Actors view", "Show actors (2)", lambda: self.call_later(self.action_view, "actors"))
        yield SystemCommand("Sources view", "Show sources (3)", lambda: self.call_later(self.action_view, "sources"))
        yield SystemCommand("Filter", "Focus the filter bar (/)", self.action_focus_filter)
        yield SystemCommand("Facets", "Counts by type, actor, country, year (f)", self.action_facets)
        yield SystemCommand("Sort", "Cycle relevance, newest, oldest, title (s)", self.action_sort)
        yield SystemCommand("Copy", "Copy the shown record (y)", self.action_copy)
        yield SystemCommand("Refresh", "Reload the lists (r)", self.action_refresh)
        yield SystemCommand("Back", "Previous record ([)", self.action_back)
        yield SystemCommand("Forward", "Next record (])", self.action_forward)
        yield SystemCommand("Help", "Keys for the focused pane (?)", self.action_help)
        yield from self.curation.system_commands()
        yield from super().get_system_commands(screen)


def run(db=None, *, view: str = "incidents", query: str = "", mouse: bool = True, ascii: bool = False,
        theme: str | None = None) -> None:
    IncidexApp(db, view=view, query=query, ascii=ascii, theme=theme, tune_gc=True).run(mouse=mouse)
