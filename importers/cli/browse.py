"""`incidex browse`: the Textual browser, imported only when the command runs (the rest of the CLI never
loads Textual)."""
from __future__ import annotations

from typing import Annotated

import typer

from importers.cli.common import DbOption, View, fail

# --- browse -------------------------------------------------------------------------------------------

def browse_cmd(
    view: Annotated[View, typer.Option("--view", help="The view to open: incidents, actors or sources.")] = View.incidents,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Start with this filter (query language).")] = None,
    no_mouse: Annotated[bool, typer.Option("--no-mouse", help="Do not capture the mouse.")] = False,
    ascii_only: Annotated[bool, typer.Option("--ascii", help="ASCII borders only, no emoji.")] = False,
    theme: Annotated[str | None, typer.Option("--theme", help="A Textual theme name, e.g. nord, gruvbox.")] = None,
    db: DbOption = None,
) -> None:
    """Browse incidents, actors and sources in the terminal (keys: ? for help, q to quit)."""
    open_browser(db, view=view.value, query=query or "", mouse=not no_mouse, ascii_only=ascii_only, theme=theme)


def open_browser(db: str | None, *, view: str = "incidents", query: str = "", mouse: bool = True,
            ascii_only: bool = False, theme: str | None = None) -> None:
    from db.engine import DatabaseError

    try:
        import tui
    except ImportError as exc:  # pragma: no cover - textual missing from the install
        raise fail(f"the browser needs Textual: {exc}") from None
    try:
        tui.run(db, view=view, query=query, mouse=mouse, ascii=ascii_only, theme=theme)
    except DatabaseError as exc:
        raise fail(str(exc)) from None
