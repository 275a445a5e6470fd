"""The incidex browser (docs/ARCHITECTURE.md, Packages): three views, each a filter bar, a virtual result list and a
detail pane. This module is the App itself: its layout, the switching between views and panes, the
actions of the keymap (tui/keymap.py), and the routing of the messages (tui/messages.py) to the halves that
handle them:

* tui/lists.py     searching, paging, counting, sorting, facets, reading ahead (mixin `Lists`)
* tui/records.py   the detail pane and its history (mixin `Records`)
* tui/curate.py    the curation keys (`app.curation`), with their screens in tui/screens/
* tui/data.py      the only door to the database; all its work happens in thread workers

Results come back as messages and stale ones (an older generation of the filter) are dropped. A worker
that fails ends in `on_worker_state_changed`, which shows a one-line notice."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.widgets import ContentSwitcher, Input, Static
from textual.worker import Worker, WorkerState

from tui import keymap
from tui.data import VIEWS, Data
from tui.lists import Lists, ViewState
from tui.messages import (
    CountLoaded,
    CurationDone,
    CurationFailed,
    CurationRead,
    EmptinessChecked,
    FacetsCounted,
    Highlighted,
    NeedMore,
    Opened,
    OpenLink,
    PageLoaded,
    RecordLoaded,
    SamplesImported,
    SortedLoaded,
    TotalLoaded,
)
from tui.records import Records
from tui.safe import Glyphs, safe_line, strip_unsafe
from tui.widgets.browse import TITLES, BrowseView
from tui.widgets.detail import DetailPane, Link
from tui.widgets.line import Line
from tui.widgets.results import ResultList

if TYPE_CHECKING:  # the screens are imported when first shown (start-up time)
    from tui.screens.welcome import WelcomeScreen

NARROW = 100
POLL_SECONDS = 0.5
GC_TICK, GC_QUIET, GC_LATEST = 1.0, 0.6, 20.0  # seconds: see IncidexApp._settle_gc
WORKER_TASKS = {"search": "search", "more": "loading more results", "count": "counting", "total": "counting",
                "sort": "sorting", "detail": "reading the record", "preload": "reading ahead", "facets": "facets",
                "empty": "reading the database", "import": "import", "review-load": "the review queue",
                "picker": "search", "curation": "curation", "curation-read": "reading"}
"""What a failed worker (by its group, less the view) was doing, for the notice."""


class IncidexApp(Lists, Records, App[None]):
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
        self._user_keys: dict[str, str] = {}  # the [keys] remaps of the config file (on_mount)
        self.filter_keys: set[str] = {"slash"}
        self.filter_actions: dict[str, str] = {}  # the filter bar's keys -> actions, with the remaps (on_mount)
        self._curation = None
        self._preloaded: set[tuple[str, int]] = set()
        if ascii:
            Glyphs.use_ascii()
            from textual.scrollbar import ScrollBarRender

            ScrollBarRender.VERTICAL_BARS = [" "] * 8
            ScrollBarRender.HORIZONTAL_BARS = [" "] * 8

    @property
    def curation(self):
        """The curation keys and screens (tui/curate.py, tui/screens/), imported on first use: they are not needed for the
        first frame and their widgets (Select, OptionList) cost ~6 ms of start-up."""
        if self._curation is None:
            from tui.curate import Curation

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
        self.keys_line()
        self.filter_actions = keymap.actions("filter", keys)
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

    def keys_line(self) -> None:
        """The key hints at the bottom (a light Footer: one line, with the user's remapped keys)."""
        t = Text(no_wrap=True, overflow=Glyphs.overflow)
        if self._curation is not None and self._curation.marks:
            t.append(self.curation.mark_label(), style="bold reverse yellow")
        for k in keymap.KEYS:
            if k.scope == "app" and k.show:
                t.append(f" {keymap.label(k.id, overrides=self._user_keys)} ", style="bold reverse")
                t.append(f" {k.description.replace(' view', '')} ")
        self.query_one("#keys", Line).update(t)

    def _topbar(self) -> None:
        t = Text(" incidex ", style="bold reverse")
        for i, v in enumerate(VIEWS, 1):
            t.append("  ")
            t.append(f"{i} {TITLES[v]}", style="bold underline" if v == self.current_view else "dim")
        t.append(f"   {safe_line(self.data.where)}", style="dim")
        self.query_one("#topbar", Line).update(t)

    # --- empty database ----------------------------------------------------------------------------
    @work(thread=True, group="empty", exclusive=True, exit_on_error=False)
    def check_empty(self) -> None:
        self.post_message(EmptinessChecked(self.data.is_empty()))

    def on_emptiness_checked(self, msg: EmptinessChecked) -> None:
        if msg.empty:
            self._show_welcome()
        else:
            self._close_welcome()

    def _show_welcome(self) -> None:
        if self.welcome is None:
            from tui.screens.welcome import WelcomeScreen

            self.welcome = WelcomeScreen(self.data.where, self.data.readonly)
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

    @work(thread=True, group="import", exclusive=True, exit_on_error=False)
    def _import_samples(self) -> None:
        try:
            msg = self.data.import_samples()
        except Exception as exc:  # noqa: BLE001 - shown on the welcome screen, the app goes on
            self.post_message(SamplesImported(f"import failed: {exc}", error=True))
            return
        self.post_message(SamplesImported(msg))

    def on_samples_imported(self, msg: SamplesImported) -> None:
        if msg.error:
            if self.welcome is not None:
                self.welcome.query_one("#welcome-status", Static).update(Text(safe_line(msg.text), style="bold red"))
            return
        if self.welcome is not None:
            self.welcome.dismiss()
            self.welcome = None
        self.notify(safe_line(msg.text))
        self.refresh_all()

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
        if focused is bv.filter:  # the filter's own esc (filter_leave) does this; a remap may leave esc here
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
        """Curation keys (tui/curate.py): edit, mark, merge, split, link, unlink, tag, note, review, undo."""
        self.curation.run(what)

    def action_help(self) -> None:
        bv = self.browse()
        pane = "filter" if self.focused is bv.filter else "detail" if self.focused is bv.detail else "list"
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(pane))

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

    @work(thread=True, group="empty", exclusive=True, exit_on_error=False)
    def check_empty_then_close(self) -> None:
        self.post_message(EmptinessChecked(self.data.is_empty()))

    def _close_welcome(self) -> None:
        if self.welcome is not None:
            self.welcome.dismiss()
            self.welcome = None

    # --- command palette ---------------------------------------------------------------------------
    def get_system_commands(self, screen):
        """The palette's entries; the key in brackets is the keymap's, with the user's remap."""
        k = self._user_keys

        def key(ident: str) -> str:
            return keymap.label(ident, overrides=k)

        for v in VIEWS:
            yield SystemCommand(f"{TITLES[v]} view", f"Show {v} ({key('view_' + v)})",
                                lambda v=v: self.call_later(self.action_view, v))
        yield SystemCommand("Filter", f"Focus the filter bar ({key('filter')})", self.action_focus_filter)
        yield SystemCommand("Facets", f"Counts by type, actor, country, year ({key('facets')})", self.action_facets)
        yield SystemCommand("Sort", f"Cycle relevance, newest, oldest, title ({key('sort')})", self.action_sort)
        yield SystemCommand("Copy", f"Copy the shown record as a Markdown citation with URLs ({key('copy')})",
                            self.action_copy)
        yield SystemCommand("Copy id", f"Copy the shown record's id ({key('copy_id')})", self.action_copy_id)
        yield SystemCommand("Export", f"Write the incidents of the filter to a file: json, csv, stix, misp, markdown "
                            f"({key('export')})", lambda: self.call_later(self.action_export))
        yield SystemCommand("Whole width", f"The list takes the whole width, or gives it back ({key('wide')})",
                            self.action_toggle_wide)
        yield SystemCommand("Refresh", f"Reload the lists ({key('refresh')})", self.action_refresh)
        yield SystemCommand("Back", f"Previous record ({key('back')})", self.action_back)
        yield SystemCommand("Forward", f"Next record ({key('forward')})", self.action_forward)
        yield SystemCommand("Help", f"Keys for the focused pane ({key('help')})", self.action_help)
        yield from self.curation.system_commands(key)
        yield from super().get_system_commands(screen)

    # --- routing: the widgets' and the workers' messages (tui/messages.py) ----------------------------
    @on(Input.Changed, ".filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_changed(event)

    @on(Input.Submitted, ".filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.browse().results.focus()

    @on(ResultList.Highlighted)
    def _highlighted(self, event: Highlighted) -> None:
        self.highlighted(event)

    @on(ResultList.Opened)
    def _opened(self, event: Opened) -> None:
        self.opened(event)

    @on(ResultList.NeedMore)
    def _need_more(self, event: NeedMore) -> None:
        self.need_more(event)

    @on(DetailPane.OpenLink)
    def _open_link(self, event: OpenLink) -> None:
        self.open_link(event)

    def on_page_loaded(self, msg: PageLoaded) -> None:
        self.page_loaded(msg)

    def on_count_loaded(self, msg: CountLoaded) -> None:
        self.count_loaded(msg)

    def on_total_loaded(self, msg: TotalLoaded) -> None:
        self.total_loaded(msg)

    def on_sorted_loaded(self, msg: SortedLoaded) -> None:
        self.sorted_loaded(msg)

    def on_record_loaded(self, msg: RecordLoaded) -> None:
        self.record_loaded(msg)

    def on_facets_counted(self, msg: FacetsCounted) -> None:
        msg.screen.show_facets(msg.facets)

    def on_curation_read(self, msg: CurationRead) -> None:
        msg.then(msg.result)

    def on_curation_done(self, msg: CurationDone) -> None:
        self.curation.done(msg)

    def on_curation_failed(self, msg: CurationFailed) -> None:
        self.curation.failed(msg)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is reported: a one-line notice (the app goes on). The App's own
        workers end here, and the screens' (tui/screens `ReportsWorkers`) are handed here."""
        if event.state != WorkerState.ERROR:
            return
        group = event.worker.group
        for v in VIEWS:
            group = group.removesuffix(f"-{v}")
        what = WORKER_TASKS.get(group, group)
        self.notify(safe_line(f"{what} failed: {event.worker.error}"), severity="error", timeout=6)


def run(db=None, *, view: str = "incidents", query: str = "", mouse: bool = True, ascii: bool = False,
        theme: str | None = None) -> None:
    IncidexApp(db, view=view, query=query, ascii=ascii, theme=theme, tune_gc=True).run(mouse=mouse)
