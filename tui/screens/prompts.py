"""Small forms: one line of text (tags, a note), a fuzzy picker (types, sources), and the actor picker
with the link's role and confidence. A picker's search runs in a thread worker (`Data.lookup` through the
`search` callable tui/curate.py passes in) and answers with a `PickerItems` message."""
from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from db.taxonomy import ROLES
from tui import keymap
from tui.messages import PickerItems
from tui.safe import safe_line, strip_unsafe
from tui.screens import ReportsWorkers


def _moves() -> str:
    return f"{keymap.label('picker_up', 'picker', plain=True)}/{keymap.label('picker_down', 'picker', plain=True)}"


def _cancel() -> str:
    return keymap.label("picker_cancel", "picker", plain=True)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (tags, a note); `check` returns an error to show in the form, or None."""

    BINDINGS = keymap.bindings("prompt")
    DEFAULT_CSS = """
    PromptScreen #prompt-box { height: auto; max-height: 12; }
    PromptScreen Input { margin: 1 0; }
    PromptScreen .error { color: $error; text-style: bold; height: auto; }
    """

    def __init__(self, title: str, help_text: str = "", value: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text, self.help_text, self.value, self.check = title, help_text, value, check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="modal-box"):
            yield Static(Text(safe_line(self.title_text), style="bold"))
            if self.help_text:
                yield Static(Text(strip_unsafe(self.help_text), style="dim"))
            yield Input(self.value, id="prompt-input")
            yield Static("", classes="error", id="prompt-error")
            yield Static(Text(f"enter saves   {keymap.label('prompt_cancel', 'prompt', plain=True)} cancels", style="dim"))

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#prompt-error", Static).update(Text(safe_line(problem)))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickerScreen(ReportsWorkers, ModalScreen[object]):
    """A fuzzy picker: type to filter, j/k or arrows to move, enter picks. Items are (value, label); they
    are a fixed list (filtered here) or come from `search(query)`, run in a thread worker."""

    BINDINGS = keymap.bindings("picker")
    DEFAULT_CSS = """
    PickerScreen OptionList { height: 1fr; border: none; }
    PickerScreen Input { margin: 0 0 1 0; }
    PickerScreen .error { color: $error; text-style: bold; height: auto; }
    """

    def __init__(self, title: str, items: list[tuple[object, str]] | None = None,
                 search: Callable[[str], list[tuple[object, str]]] | None = None, query: str = "") -> None:
        super().__init__()
        self.title_text, self.items, self.search_fn, self.start_query = title, items, search, query
        self.values: list[object] = []
        self.generation = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="modal-box"):
            yield Static(Text(safe_line(self.title_text), style="bold"))
            yield Input(self.start_query, placeholder="type to search", id="picker-input")
            yield from self.extra_fields()
            yield OptionList(id="picker-list", compact=True)
            yield Static("", classes="error", id="picker-error")
            yield Static(Text(self.footer_text(), style="dim"))

    def extra_fields(self) -> ComposeResult:
        return iter(())

    def footer_text(self) -> str:
        return f"type to filter   {_moves()} move   enter picks   {_cancel()} cancels"

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#picker-input", Input))
        self.refilter(self.start_query)

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    def refilter(self, query: str) -> None:
        self.generation += 1
        if self.items is not None:
            words = query.casefold().split()
            self.show_items([(v, label) for v, label in self.items if all(w in label.casefold() for w in words)])
        elif self.search_fn is not None:
            self._search(query, self.generation)

    @work(thread=True, group="picker", exclusive=True, exit_on_error=False)
    def _search(self, query: str, generation: int) -> None:
        try:
            items, error = self.search_fn(query), ""
        except Exception as exc:  # noqa: BLE001 - shown in the picker
            items, error = [], f"search failed: {exc}"
        self.post_message(PickerItems(items, generation, error))

    def on_picker_items(self, msg: PickerItems) -> None:
        if msg.error:
            self._error(msg.error)
        self.show_items(msg.items, msg.generation)

    def _error(self, msg: str) -> None:
        self.query_one("#picker-error", Static).update(Text(safe_line(msg)))

    def show_items(self, items: list[tuple[object, str]], generation: int | None = None) -> None:
        if generation is not None and generation != self.generation:
            return
        ol = self.query_one(OptionList)
        ol.clear_options()
        self.values = [v for v, _ in items]
        ol.add_options([Option(Text(safe_line(label))) for _, label in items] or
                       [Option(Text("no match", style="dim"), disabled=True)])
        if self.values:
            ol.highlighted = 0

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if self.values:
            cur = ol.highlighted or 0
            ol.highlighted = max(0, min(len(self.values) - 1, cur + step))

    @property
    def chosen(self):
        i = self.query_one(OptionList).highlighted
        return self.values[i] if i is not None and 0 <= i < len(self.values) else None

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        if self.chosen is None:
            self._error("nothing to pick: change the search")
            return
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinkActorScreen(PickerScreen):
    """The actor picker plus the link's role and confidence. Dismisses with (actor ref, role, confidence)."""

    DEFAULT_CSS = """
    LinkActorScreen .row { height: 1; margin: 0 0 1 0; }
    LinkActorScreen .row Label { width: 12; }
    LinkActorScreen #link-role { width: 24; }
    LinkActorScreen #link-confidence { width: 8; }
    """

    def extra_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("role")
            yield Select([(r, r) for r in ROLES], value="attributed", allow_blank=False, id="link-role", compact=True)
            yield Label("  confidence ")
            yield Input("80", id="link-confidence", restrict=r"\d{0,3}", compact=True)

    def footer_text(self) -> str:
        return f"name or alias   {_moves()} move   tab role, confidence   enter links   {_cancel()}"

    def submit(self) -> None:
        if self.chosen is None:
            self._error("no actor chosen: type a name")
            return
        raw = self.query_one("#link-confidence", Input).value.strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            self._error("confidence is a number from 0 to 100")
            return
        self.dismiss((self.chosen, self.query_one("#link-role", Select).value, int(raw)))
