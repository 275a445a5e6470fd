"""One view of the browser: its filter bar, hint line, result list and detail pane."""
from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Static

from tui.widgets.detail import DetailPane
from tui.widgets.line import Line
from tui.widgets.results import ResultList

TITLES = {"incidents": "Incidents", "actors": "Actors", "sources": "Sources"}


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
