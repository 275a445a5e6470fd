"""The facet screen: counts of types, actors, countries, years among the current matches (counted by
`Data.facets` in the App's worker, delivered by a `FacetsCounted` message)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keymap
from tui.safe import safe_line
from tui.widgets.detail import DetailPane


class FacetScreen(ModalScreen[str | None]):
    """Counts of types, actors, countries, years among the current matches; enter adds a qualifier."""

    BINDINGS = keymap.bindings("facets")

    def __init__(self) -> None:
        super().__init__()
        self.qualifiers: list[str] = []
        self.facets: dict | None = None
        self.ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="facet-box", classes="modal-box"):
            yield Static(Text("Facets", style="bold"), id="facet-title")
            yield DetailPane(id="facet-body")
            yield Static(Text(f"enter adds the qualifier to the filter, {keymap.label('facets_close', 'facets', plain=True)} "
                              "closes", style="dim"))

    def on_mount(self) -> None:
        pane = self.query_one(DetailPane)
        pane.show([(Text("counting" + "...", style="dim"), None)])
        pane.focus()
        self.ready = True
        if self.facets is not None:
            self.show_facets(self.facets)

    def show_facets(self, facets: dict) -> None:
        self.facets = facets
        if not self.ready:
            return  # on_mount shows them
        self.qualifiers = []
        blocks = []
        n, total = facets["sample"], facets["total"]
        scope = (f"over all {n:,} matches" if facets["exact"] and n >= total
                 else f"over the first {n:,} of {total:,}{'' if facets['exact'] else '+'} matches")
        self.query_one("#facet-title", Static).update(Text(f"Facets ({scope})", style="bold"))
        first = None
        for facet, values in facets["groups"].items():
            blocks.append((Text(facet, style="bold underline"), None))
            for value, qualifier, count in values:
                self.qualifiers.append(qualifier)
                t = Text(f"  {count:>6,}  ", style="dim")
                t.append(safe_line(value))
                link = ("facet", len(self.qualifiers) - 1)
                first = len(blocks) if first is None else first
                blocks.append((t, link))
            blocks.append((Text(""), None))
        if not blocks:
            blocks = [(Text("nothing to count", style="dim"), None)]
        pane = self.query_one(DetailPane)
        pane.show(blocks)
        if first is not None:
            pane.next_link()

    def on_detail_pane_open_link(self, event: DetailPane.OpenLink) -> None:
        event.stop()
        self.dismiss(self.qualifiers[event.link[1]])

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
