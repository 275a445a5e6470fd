"""Cursor keys shared by the line-based widgets (the result list and the detail pane): each keeps a cursor
on one of its lines and says how to move it (`_move`) and where its last line is (`_last`)."""
from __future__ import annotations

from textual import events

from tui.widgets import typeahead


class CursorKeys:
    cursor: int

    def _move(self, index: int) -> None:
        raise NotImplementedError

    def _last(self) -> int:
        raise NotImplementedError

    def _half(self) -> int:
        return max(1, self.scrollable_content_region.height // 2)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_top(self) -> None:
        self._move(0)

    def action_bottom(self) -> None:
        self._move(self._last())

    def action_page_down(self) -> None:
        self._page(self._half())

    def action_page_up(self) -> None:
        self._page(-self._half())

    def _page(self, delta: int) -> None:
        """Half a screen, as ctrl+d/ctrl+u in vim: the view moves with the cursor, so every press shows
        new lines (moving only the cursor showed nothing new until it reached the edge of the screen)."""
        self.scroll_to(y=max(0, self.scroll_offset.y + delta), animate=False, immediate=True)
        self._move(self.cursor + delta)

    async def _on_key(self, event: events.Key) -> None:
        # Type-ahead: keys that were queued here before `/` moved the focus belong to the filter.
        if not typeahead.redirect(self, event):
            await super()._on_key(event)
