"""Terminal safety for hostile article text: every string from the database passes through here before it
is drawn, and is drawn as `rich.text.Text` (never as markup). The dangerous characters are defined once,
in `db.text`."""
from __future__ import annotations

from rich.text import Text

from db.text import safe_line, strip_unsafe

__all__ = ["safe_line", "strip_unsafe", "line", "block"]


def line(value, style: str = "") -> Text:
    """One line of text from the database (controls and escape sequences removed, whitespace folded)."""
    return Text(safe_line(None if value is None else str(value)), style=style, end="", no_wrap=True)


def block(value, style: str = "") -> Text:
    """Multi-line text from the database (article bodies, summaries)."""
    return Text(strip_unsafe(value or "").replace("\t", "    "), style=style)


class Glyphs:
    """Characters beyond ASCII that the browser draws itself; `--ascii` swaps them for ASCII."""

    dash = "—"
    ellipsis = "…"
    arrow = "→"
    open_quote = "“"
    close_quote = "”"
    overflow = "ellipsis"

    @classmethod
    def use_ascii(cls) -> None:
        cls.dash, cls.ellipsis, cls.arrow, cls.open_quote, cls.close_quote = "-", "...", "->", '"', '"'
        cls.overflow = "crop"
