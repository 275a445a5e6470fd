"""The welcome screen, shown instead of empty lists: how to import, and a key to load the bundled samples."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui import keymap
from tui.safe import safe_line


class WelcomeScreen(Screen[None]):
    """Shown instead of empty lists: how to import, and a key to load the bundled samples."""

    BINDINGS = keymap.bindings("welcome")

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
            t.append(keymap.label("import_samples"), style="bold reverse")
            t.append(" to import the bundled sample articles (about 30 articles about real incidents).\n")
        t.append(f"\nPress {keymap.label('quit')} to quit.")
        with Vertical(id="welcome-box", classes="modal-box"):
            yield Static(t, id="welcome-text")
            yield Static("", id="welcome-status")
        yield Footer()
