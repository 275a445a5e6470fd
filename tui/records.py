"""The detail pane of each view: the record under the list's cursor, the links it opens, and the history
of opened records (back and forward).

A mixin of `IncidexApp` (tui/app.py), which routes the list's and the pane's messages (tui/messages.py)
here. Records are read in a thread worker (`Data.record`) once the cursor rests; an answer that a newer
cursor move superseded (an older `detail_token`) is dropped. A record that cannot be read says so in the pane.
"""
from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Input
from textual.worker import get_current_worker

from tui import render as rd
from tui.citation import citation, record_id
from tui.data import ENTITY
from tui.lists import per_view
from tui.messages import Highlighted, Opened, OpenLink, RecordLoaded
from tui.safe import safe_line
from tui.widgets.detail import Link

DETAIL_SETTLE = 0.07
"""Seconds the detail pane waits after the list cursor moved before reading the record: paging through the
list with ctrl+d or a held j redraws only the list, and the pane follows once the cursor rests."""


class Records:
    """The detail pane's half of `IncidexApp` (a mixin: `self` is the app)."""

    def highlighted(self, event: Highlighted) -> None:
        view = event.results.view
        st = self.states[view]
        if event.row is None:
            return
        link = (ENTITY[view], event.row.id)
        st.history, st.pos = [link], 0
        self.load_record(view, link)

    def opened(self, event: Opened) -> None:
        # The current view's pane, not necessarily the sender's: `enter` then `2` typed in one burst can switch
        # views before this message arrives, and focusing the hidden pane would leave no focus at all (then
        # `q` lands in a hidden filter). As if the keys were handled in order: the new view's detail pane.
        self.screen.set_class(False, "wide")  # a record opened in the whole-width list: show its pane
        self.browse().detail.focus()

    def action_toggle_wide(self) -> None:
        """The list takes the whole width (the detail pane hidden), or gives it back."""
        wide = not self.screen.has_class("wide")
        self.screen.set_class(wide, "wide")
        bv = self.browse()
        if wide and self.focused is bv.detail:
            bv.results.focus()

    def open_link(self, event: OpenLink) -> None:
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

    def record_loaded(self, msg: RecordLoaded) -> None:
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

    def action_copy(self) -> None:
        """`y`: the shown record as a short Markdown citation with its URLs (tui/citation.py)."""
        rec = self.records.get(self.current_view)
        if rec is None:
            self.notify("nothing to copy")
            return
        (entity, _id), record = rec
        self.copy_to_clipboard(citation(entity, record))
        shown = safe_line(f"#{record['id']} {record.get('title') or record.get('name') or ''}")
        self.notify(f"copied: {shown[:60]} (Markdown, with its URLs)", timeout=3)

    def action_copy_id(self) -> None:
        """`Y`: the shown record's id."""
        rec = self.records.get(self.current_view)
        if rec is None:
            self.notify("nothing to copy")
            return
        (entity, _id), record = rec
        text = record_id(entity, record)
        self.copy_to_clipboard(text)
        self.notify(f"copied the {entity} id: {text}", timeout=3)

    def action_export(self) -> None:
        """`ctrl+e`: the incidents matching the incidents view's filter, written to a file in a format of the command
        line's (tui/screens/export.py). The actors and sources views have no export of their own: from there
        the form says it writes the incidents view's filter."""
        if self.screen is not self.screen_stack[0]:
            return
        from tui.screens.export import ExportScreen

        query = self.states["incidents"].query.strip()
        what = (f"the incidents matching the filter {query!r}" if query else "every incident (the filter is empty)")
        if self.current_view != "incidents":
            what = f"from the incidents view: {what}"
        self.push_screen(ExportScreen(lambda fmt, path, overwrite: self.data.export(query, fmt, path, overwrite),
                                      self.data.export_formats(), what))
