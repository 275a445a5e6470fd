"""The detail pane: a record as wrapped lines (Line API, so a long article body costs only what is on
screen), with a line cursor; lines that name another record carry a link that `enter` opens."""
from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui import keymap, messages
from tui.safe import Glyphs
from tui.widgets.cursor import CursorKeys

Link = tuple[str, int]  # ("incident" | "actor" | "source", id)


class DetailPane(CursorKeys, ScrollView, can_focus=True):
    BINDINGS = keymap.bindings("detail")
    COMPONENT_CLASSES = {"detail--cursor", "detail--link"}
    DEFAULT_CSS = """
    DetailPane { height: 1fr; }
    DetailPane > .detail--cursor { text-style: reverse; }
    DetailPane > .detail--link { text-style: underline; }
    """

    OpenLink = messages.OpenLink  # declared in tui/messages.py

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: list[tuple[Text, Link | None]] = []
        self.lines: list[tuple[Text, Link | None]] = []
        self.cursor = 0
        self._width = 0
        self._strips: dict = {}
        self.record_key: Link | None = None

    def show(self, blocks: list[tuple[Text, Link | None]], key: Link | None = None, keep_cursor: bool = False) -> None:
        old_cursor, old_scroll = self.cursor, self.scroll_offset.y
        self.blocks = blocks
        self.record_key = key
        self._width = 0
        self._strips = {}
        self._wrap()
        if keep_cursor:
            self.cursor = min(old_cursor, max(0, len(self.lines) - 1))
            self.scroll_to(y=old_scroll, animate=False, immediate=True)
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _wrap(self) -> None:
        width = max(10, (self.scrollable_content_region.width or self.size.width or 80) - 2)
        if width == self._width:
            return
        self._width = width
        console = self.app.console
        lines: list[tuple[Text, Link | None]] = []
        for text, link in self.blocks:
            if not text.plain:
                lines.append((Text(""), link))
                continue
            for piece in text.wrap(console, width, overflow="fold"):
                piece.end = ""
                lines.append((piece, link))
        self.lines = lines
        self._strips = {}
        self._set_virtual_size(Size(width, len(lines)))

    @property
    def link(self) -> Link | None:
        return self.lines[self.cursor][1] if 0 <= self.cursor < len(self.lines) else None

    @property
    def plain(self) -> str:
        return "\n".join(t.plain for t, _ in self.blocks)

    def on_resize(self, event: events.Resize) -> None:
        self._wrap()
        self.refresh()

    def _set_virtual_size(self, size: Size) -> None:
        """Change the scrollable size without a layout pass of the whole screen (the widget's own size
        does not depend on its content: the scrollbars are always there)."""
        if size == self.virtual_size:
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    # --- movement --------------------------------------------------------------------------------
    def _move(self, index: int) -> None:
        self.cursor = max(0, min(index, len(self.lines) - 1))
        h = max(1, self.scrollable_content_region.height)
        y = self.scroll_offset.y
        if self.cursor < y:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= y + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False, immediate=True)
        self.refresh()

    def _last(self) -> int:
        return len(self.lines) - 1

    def action_open(self) -> None:
        if self.link is not None:
            self.post_message(self.OpenLink(self, self.link))

    def next_link(self, step: int = 1) -> bool:
        i = self.cursor + step
        while 0 <= i < len(self.lines):
            if self.lines[i][1] is not None and self.lines[i][1] != self.link:
                self._move(i)
                return True
            i += step
        return False

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.lines):
            self._move(index)
            if event.chain >= 2:
                self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- drawing ---------------------------------------------------------------------------------
    _styles: tuple | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips = {}

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = self.scroll_offset.y + y
        if self._styles is None or self._styles[0] != self.has_focus:
            get = self.get_component_rich_style
            self._styles = (self.has_focus, self.rich_style, get("detail--link", partial=True),
                            get("detail--cursor", partial=True))
            self._strips = {}
        _focus, base, link_style, cursor_style = self._styles
        if index >= len(self.lines):
            return Strip.blank(width, base)
        is_cursor = index == self.cursor and self.has_focus
        key = (index, width, is_cursor)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        text, link = self.lines[index]
        text = Text(" ", end="", no_wrap=True) + text
        if link is not None:
            text.stylize(link_style, 1)
        if is_cursor:
            text.stylize(cursor_style)
        text.truncate(width, overflow=Glyphs.overflow, pad=True)
        segments = [Segment(s.text, base + s.style if s.style else base, s.control)
                    for s in text.render(self.app.console)]
        strip = Strip(segments, width)
        if len(self._strips) > 1024:
            self._strips = {}
        self._strips[key] = strip
        return strip
