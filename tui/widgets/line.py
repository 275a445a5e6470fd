"""A one-line text widget that redraws without a layout pass (Static.update re-lays out the screen, which
costs milliseconds on every keystroke)."""
from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class Line(Widget):
    DEFAULT_CSS = "Line { height: 1; }"

    def __init__(self, text: Text | str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text if isinstance(text, Text) else Text(text)

    def update(self, text: Text | str) -> None:
        text = text if isinstance(text, Text) else Text(text)
        if text == self._text:
            return
        self._text = text
        self.refresh()

    @property
    def text(self) -> Text:
        return self._text

    def render(self) -> Text:
        return self._text
