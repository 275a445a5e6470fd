"""Modal screens: help, facets, and the welcome screen of an empty database."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from tui import keymap
from tui.safe import safe_line
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
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", show=True)]

    def __init__(self, pane: str) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            yield Static(Text(f"Help: {PANE_TITLES.get(self.pane, self.pane)}", style="bold"), id="help-title")
            yield DetailPane(id="help-body")
            yield Static(Text("esc, q or ? closes this help", style="dim"))

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
            section("in the filter bar", [("enter", "go to the results"), ("esc", "clear, then leave the filter"),
                                          ("tab", "next pane")])
        elif self.pane in ("list", "detail"):
            section(f"keys in the {PANE_TITLES[self.pane]}", keymap.describe(self.pane))
        section("keys everywhere", keymap.describe("app"))
        blocks.append((Text(f"remap keys in {keymap.config_path()}  ([keys] quit = \"x\")", style="dim"), None))
        pane = self.query_one(DetailPane)
        pane.show(blocks)
        pane.focus()

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)


class FacetScreen(ModalScreen[str | None]):
    """Counts of types, actors, countries, years among the current matches; enter adds a qualifier."""

    BINDINGS = [Binding("escape,q,f", "dismiss", "Close", show=True)]

    def __init__(self) -> None:
        super().__init__()
        self.qualifiers: list[str] = []
        self.facets: dict | None = None
        self.ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="facet-box", classes="modal-box"):
            yield Static(Text("Facets", style="bold"), id="facet-title")
            yield DetailPane(id="facet-body")
            yield Static(Text("enter adds the qualifier to the filter, esc closes", style="dim"))

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


class WelcomeScreen(Screen[None]):
    """Shown instead of empty lists: how to import, and a key to load the bundled samples."""

    BINDINGS = [Binding("i", "app.import_samples", "Import samples", show=True, id="import_samples"),
                Binding("q,escape", "app.quit", "Quit", show=True, id="quit")]

    def __init__(self, path: str, readonly: bool) -> None:
        super().__init__()
        self.path = path
        self.readonly = readonly

    def compose(self) -> ComposeResult:
        t = Text()
        t.append("Welcome to incidex\n\n", style="bold")
        t.append("This database is empty:\n  ")
        t.append(safe_line(self.path), style="bold")
        t.append("\n\nImport articles (text, Markdown, HTML, feeds, STIX, MISP, CSV, JSON) from a shell:\n\n")
        t.append(f"  incidex import --db {safe_line(self.path)} ~/articles/\n", style="bold")
        t.append("  incidex import --db DB report.html feed.xml misp-event.json\n\n", style="bold")
        t.append("The browser notices new data within a second: leave it open while you import.\n\n")
        if self.readonly:
            t.append("The file is read-only here, so the samples cannot be imported from the browser.\n",
                     style="italic")
        else:
            t.append("Or press ")
            t.append("i", style="bold reverse")
            t.append(" to import the bundled sample articles (about 30 articles about real incidents).\n")
        t.append("\nPress q to quit.")
        with Vertical(id="welcome-box", classes="modal-box"):
            yield Static(t, id="welcome-text")
            yield Static("", id="welcome-status")
        yield Footer()
