"""One view of the browser: its filter bar, hint line, result list and detail pane."""
from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Static

from tui import keymap
from tui.widgets.detail import DetailPane
from tui.widgets.line import Line
from tui.widgets.results import ResultList

_INPUT_KEYS = Input._merge_bindings()
"""Input's editing keys (Textual's own), without the filter scope's."""
TITLES = {"incidents": "Incidents", "actors": "Actors", "sources": "Sources"}


class FilterInput(Input):
    """The filter bar. Its keys (scope ``filter`` of tui/keymap.py) act at once: enter goes to the results,
    escape leaves the filter and keeps the query, up/down, ctrl+n/ctrl+p and ctrl+j/ctrl+k move the list
    while typing (the detail pane follows, as in fzf). Keys that were already queued here when the focus
    moved (fast typing over SSH: `lyon`, enter, `2` in one read) go where the focus now is. Coming back
    (tab, `/`) never selects the query: typing appends at its end."""

    BINDINGS = keymap.bindings("filter")  # the keymap's ids and the help; `_on_key` runs them at once

    # Input sets its virtual size on every keystroke, and Widget's reactive asks for a layout pass of the
    # whole screen when it changes; the relayout then re-renders both tall scrollbars, so the frame's dirty
    # box spans the list and the detail pane (10-45 ms per key at 200x50). The bar's size never depends on
    # its text and horizontal scrolling reads virtual_size directly: no layout needed.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, select_on_focus=False, **kwargs)

    def _on_focus(self, event: events.Focus) -> None:
        self.cursor_position = len(self.value)
        super()._on_focus(event)

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        action = self.app_actions().get(event.key) or self.editing_action(event.key)
        if action is not None:
            # here rather than as a binding: a binding runs once the key has bubbled up to the app, after
            # the keys queued behind it here were typed into the filter. Input's own editing keys too:
            # `hospital`, 8 backspaces and `lyon` in one read gave `hosp` (the letters went in at once,
            # the backspaces ran afterwards) in 1 of 6 tmux runs.
            event.stop()
            event.prevent_default()
            await self.run_action(action)
            return
        await super()._on_key(event)

    def editing_action(self, key: str) -> str | None:
        """Input's own binding for `key` (backspace, delete, ctrl+w, left...), if it has one; the filter's
        keys (with the user's remaps) are `app_actions`."""
        bound = _INPUT_KEYS.key_to_bindings.get(key)
        return bound[0].action if bound else None

    def app_actions(self) -> dict[str, str]:
        """key -> action, with the user's remaps (the app reads them once, when mounted)."""
        return getattr(self.app, "filter_actions", None) or keymap.actions("filter", {})

    @property
    def view(self) -> BrowseView:
        return next(a for a in self.ancestors if isinstance(a, BrowseView))

    def action_results(self) -> None:
        self.screen.set_focus(self.view.results)

    def action_leave(self) -> None:
        self.screen.set_focus(self.view.results)

    def action_move(self, step: int) -> None:
        results = self.view.results
        results._move(results.cursor + step)


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
