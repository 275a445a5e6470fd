"""The help screen: the keys of the focused pane (from tui/keymap.py, with the user's remaps) and the
query language."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keymap
from tui.widgets.detail import DetailPane

QUERY_HELP = [
    ("word", "fuzzy: a word of the record starts with it (kilnet finds Killnet)"),
    ("'word", "exact substring"),
    ("^word  word$", "title starts / ends with"),
    ("!term", "not"),
    ("a | b", "or (spaces are and)"),
    ("type:ddos  actor:killnet  role:claimed", "qualifiers"),
    ("target:sfr  country:FR  place:paris", ""),
    ("year:2024  date:2024-03..2024-05", ""),
    ("source:register  tag:x  review:auto", ""),
    ("kind:  publisher:  body:", "actors view / sources view"),
]

PANE_TITLES = {"filter": "filter bar", "list": "result list", "detail": "detail pane"}


class HelpScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings("help")

    def __init__(self, pane: str) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            yield Static(Text(f"Help: {PANE_TITLES.get(self.pane, self.pane)}", style="bold"), id="help-title")
            yield DetailPane(id="help-body")
            yield Static(Text(f"{keymap.spoken('help_close', 'help')} closes this help", style="dim"))

    def on_mount(self) -> None:
        blocks = []

        def section(title: str, rows: list[tuple[str, str]]) -> None:
            blocks.append((Text(title, style="bold underline"), None))
            for keys, desc in rows:
                t = Text(f"  {keys:<22}", style="bold")
                t.append(desc)
                blocks.append((t, None))
            blocks.append((Text(""), None))

        if self.pane == "filter":
            section("query language", QUERY_HELP)
            section("in the filter bar", [(keys, desc[0].lower() + desc[1:]) for keys, desc in keymap.describe("filter")]
                    + [(keymap.label("next_pane", plain=True), "next pane (the query is kept; typing appends)")])
        elif self.pane in ("list", "detail"):
            section(f"keys in the {PANE_TITLES[self.pane]}", keymap.describe(self.pane))
        section("keys everywhere", keymap.describe("app"))
        blocks.append((Text(f"remap keys in {keymap.config_path()}  ([keys] quit = \"x\")", style="dim"), None))
        pane = self.query_one(DetailPane)
        pane.show(blocks)
        pane.focus()

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
