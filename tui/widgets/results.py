"""The result list: a Line-API widget that draws only the visible rows.

Rows arrive in pages (keyset pagination from `db.search`, through tui/data.py); when the view scrolls near
the end of what is loaded, the list posts `NeedMore` (tui/messages.py) and the app fetches the next page in a
worker. 1M rows cost what the visible 30 cost: nothing is built per row until it is on screen.
"""
from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from tui import keymap, messages
from tui.data import Row
from tui.safe import Glyphs, safe_line
from tui.widgets.cursor import CursorKeys


def _short_type(t: str) -> str:
    return (t or "").rsplit("/", 1)[-1]


_RECORD_LABEL = re.compile(r"^(?:campaign|incident|event|operation|activity)\s*:\s+", re.IGNORECASE)
"""A record-keeping label that structured feeds put before every title ("Campaign: DDoS attack against..."):
the list drops it (the detail pane keeps the title as it is), so that the words that tell rows apart show."""


def list_title(title: str) -> tuple[str, int]:
    """The title as a list row shows it, and how many leading characters were dropped."""
    m = _RECORD_LABEL.match(title)
    return (title[m.end():], m.end()) if m and m.end() < len(title) else (title, 0)


# Incident columns beside date, type and title, in the order they are given room: (key, width). A column is
# shown when the title still has TITLE_MIN cells after it; the title takes what is left.
INCIDENT_COLUMNS = (("actor", 16), ("country", 4), ("target", 16), ("sources", 3))
TITLE_MIN = 30
"""With these, a list 77 cells wide (80 columns, detail below) shows actor and country, 117 (120 columns, the
whole width) every column with titles of 47; the split list at 120 columns (70) has no room for a column
(17 of 18): the title, then its first actors and countries as a dim tail."""
TYPE_WIDTH = 10
DATE_WIDTH = 10


def incident_columns(width: int) -> tuple[str, ...]:
    """The optional incident columns that fit a list `width` cells wide (see INCIDENT_COLUMNS)."""
    room = width - 1 - (DATE_WIDTH + 1) - (TYPE_WIDTH + 1) - TITLE_MIN
    out = []
    for key, w in INCIDENT_COLUMNS:
        if room < w + 2:
            break
        out.append(key)
        room -= w + 2
    return tuple(out)


def _fit(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis, padded."""
    if cell_len(text) > width:
        ell = Glyphs.ellipsis if Glyphs.overflow == "ellipsis" else ""
        text = set_cell_size(text, max(0, width - cell_len(ell))) + ell
    return set_cell_size(text, width) if not right else " " * (width - cell_len(text)) + text


def _cut_parts(parts: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """Parts cut (with an ellipsis) or padded to exactly `width` cells."""
    out: list[tuple[str, str]] = []
    used = 0
    ell = Glyphs.ellipsis if Glyphs.overflow == "ellipsis" else ""
    total = sum(cell_len(t) for t, _ in parts)
    limit = width if total <= width else width - cell_len(ell)
    for text, role in parts:
        n = cell_len(text)
        if used + n > limit:
            out.append((set_cell_size(text, max(0, limit - used)), role))
            used = limit
            break
        out.append((text, role))
        used += n
    if total > width:
        out.append((ell, ""))
        used += cell_len(ell)
    if used < width:
        out.append((" " * (width - used), ""))
    return out


class _RowsScrollBar(ScrollBar):
    """The list's vertical scrollbar, drawn straight to one strip per row from Textual's own bar segments
    (`ScrollBarRender.render_bar`): through a Rich render and the styles cache it took 1.2-2.7 ms of a
    6-11 ms scroll frame. Anything else (horizontal, a custom renderer) goes the usual way."""

    _rows_key: tuple | None = None
    _rows: list[Strip] = []

    def render_lines(self, crop: Region) -> list[Strip]:
        bar = self.render()
        if not self.vertical or type(bar) is not ScrollBarRender:
            return super().render_lines(crop)
        width, height = self.size
        style = bar.style if isinstance(bar.style, Style) else Style.parse(str(bar.style))
        key = (width, height, bar.virtual_size, bar.window_size, bar.position, style, self.rich_style)
        if key != self._rows_key:
            segments = bar.render_bar(size=height, virtual_size=bar.virtual_size, window_size=bar.window_size,
                                      position=bar.position, thickness=width, vertical=True,
                                      back_color=style.bgcolor or Color.parse("#555555"),
                                      bar_color=style.color or Color.parse("bright_magenta")).segments
            base = self.rich_style
            filters = self.get_line_filters()
            background = self.background_colors[1]
            rows = []
            for seg in segments:
                strip = Strip([Segment(seg.text, base + seg.style if seg.style else base)], width)
                for f in filters:
                    strip = strip.apply_filter(f, background)
                rows.append(strip)
            self._rows_key, self._rows = key, rows
        x1, x2 = crop.column_span
        rows = self._rows[crop.y:crop.bottom]
        return rows if (x1, x2) == (0, width) else [r.crop(x1, x2) for r in rows]


AHEAD_SCREENS = 4


class ResultList(CursorKeys, ScrollView, can_focus=True):
    BINDINGS = keymap.bindings("list")
    COMPONENT_CLASSES = {"results--cursor", "results--match", "results--dim", "results--loading"}
    DEFAULT_CSS = """
    ResultList { height: 1fr; }
    ResultList > .results--cursor { background: $accent 40%; text-style: bold reverse; }
    ResultList:focus > .results--cursor { background: $accent; color: $text; text-style: bold reverse; }
    ResultList > .results--match { color: $warning; text-style: bold underline; }
    ResultList > .results--dim { color: $text-muted; }
    ResultList > .results--loading { color: $text-muted; text-style: italic; }
    """

    # its messages (declared in tui/messages.py)
    Highlighted = messages.Highlighted
    Opened = messages.Opened
    NeedMore = messages.NeedMore

    def __init__(self, view: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.rows: list[Row] = []
        self.more = False
        self.cursor = 0
        self._asked_at = -1
        self._cache: dict[tuple, Strip] = {}
        self.empty_text = "nothing matches"

    # --- data ------------------------------------------------------------------------------------
    def set_rows(self, rows: list[Row], more: bool, keep_id: int | None = None, keep_index: bool = False) -> None:
        """Replace the rows (a new query or a refresh). keep_id: put the cursor back on that record."""
        old = self.cursor
        self.rows = list(rows)
        self.more = more
        self._asked_at = -1
        self._cache.clear()
        cursor = 0
        if keep_id is not None:
            for i, r in enumerate(self.rows):
                if r.id == keep_id:
                    cursor = i
                    break
            else:
                cursor = min(old, max(0, len(self.rows) - 1)) if keep_index else 0
        self._update_size()
        if keep_id is None:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._move(cursor, force=True)
        self.refresh()
        if self.has_focus:
            self._read_ahead()

    def add_rows(self, rows: list[Row], more: bool) -> None:
        self.rows.extend(rows)
        self.more = more
        self._asked_at = -1
        self._cache.clear()
        self._update_size()
        self.refresh()
        if self._pending_target is not None:
            target = self._pending_target
            self._pending_target = None
            self._move(target)
        if self.has_focus:
            self._read_ahead()

    _pending_target: int | None = None

    def _update_size(self) -> None:
        self._set_virtual_size(Size(max(1, self.scrollable_content_region.width), len(self.rows) + (1 if self.more else 0)))

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _set_virtual_size(self, size: Size) -> None:
        """Change the scrollable size without a layout pass of the whole screen (the widget's own size
        does not depend on its content: the scrollbars are always there)."""
        if size == self.virtual_size:
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    # --- movement --------------------------------------------------------------------------------
    def _move(self, index: int, force: bool = False, scroll: bool = True) -> None:
        if not self.rows:
            self.cursor = 0
            self.post_message(self.Highlighted(self, None))
            self.refresh()
            return
        if index >= len(self.rows) and self.more:
            self._pending_target = index
            self._ask()
        index = max(0, min(index, len(self.rows) - 1))
        changed = index != self.cursor
        self.cursor = index
        if scroll:
            self._scroll_to_cursor()
        # (no cache clear: a row's strip is cached under whether it is the cursor row, so the rows a move
        # scrolls past stay drawn; clearing here redrew every visible row on each ctrl+d, 43% of its frame)
        self.refresh()
        if changed or force:
            self.post_message(self.Highlighted(self, self.current))

    def _scroll_to_cursor(self) -> None:
        h = max(1, self.scrollable_content_region.height)
        y = self.scroll_offset.y
        if self.cursor < y:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= y + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False, immediate=True)

    def _read_ahead(self) -> None:
        """Ask for the next page while fewer than AHEAD_SCREENS screens of rows are loaded below the view:
        a page of 200 of a million incidents takes 12-32 ms off a cold disk here (5 ms warm), as long as
        one ctrl+d, and a held key sends several a second.
        Called when the view scrolls, when the list takes the focus and when rows arrive in a focused
        list; a list that only follows typing in the filter asks for nothing more than its first page."""
        h = max(1, self.scrollable_content_region.height)
        if self.more and self.scroll_offset.y + h * AHEAD_SCREENS >= len(self.rows):
            self._ask()

    def _ask(self) -> None:
        if self.more and self._asked_at != len(self.rows):
            self._asked_at = len(self.rows)
            self.post_message(self.NeedMore(self))

    def _last(self) -> int:
        return len(self.rows) - 1 + (10_000 if self.more else 0)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.rows):
            self._move(index, scroll=False)
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._update_size()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._read_ahead()

    # --- drawing ---------------------------------------------------------------------------------
    # Rows are drawn straight to segments (no rich.Text per row): this runs for every visible row on
    # every keystroke, so it is kept to a few string operations per row.
    _styles: dict | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._cache.clear()

    def _style_set(self) -> dict:
        st = self._styles
        if st is None or st["focus"] != self.has_focus:
            base = self.rich_style
            get = self.get_component_rich_style
            cursor = base + get("results--cursor", partial=True)
            match = get("results--match", partial=True)
            dim = get("results--dim", partial=True)
            st = self._styles = {
                "focus": self.has_focus, "base": base, "dim": base + dim, "match": base + match,
                "cursor": cursor, "cursor_dim": cursor + dim, "cursor_match": cursor + match,
                "loading": base + get("results--loading", partial=True),
            }
        return st

    _width = 0  # the list's content width, as last drawn (render_line keeps it)

    def row_parts(self, row: Row) -> list[tuple[str, str]]:
        """The row as (text, role) parts; role is '', 'dim' or 'match'. Incidents: date, short type, title, then
        the columns the width has room for (`incident_columns`), the title cut to what is left."""
        parts: list[tuple[str, str]] = [(" ", "")]
        cols: tuple[str, ...] = ()
        if self.view == "incidents":
            cols = incident_columns(self._width)
            kind = _short_type(row.extra.get("type", ""))
            parts.append((f"{(row.date or Glyphs.dash):<{DATE_WIDTH}} {_fit(kind, TYPE_WIDTH)} ", "dim"))
        elif self.view == "sources":
            parts.append((f"{(row.date or Glyphs.dash):<10} ", "dim"))
        raw = safe_line(row.title) or "(untitled)"
        title, cut = list_title(raw)
        title_parts: list[tuple[str, str]] = []
        if row.positions and raw == row.title:
            marks = {i - cut for i in row.positions}
            run, in_match = [], False
            for i, ch in enumerate(title):
                m = i in marks
                if m != in_match and run:
                    title_parts.append(("".join(run), "match" if in_match else ""))
                    run = []
                in_match = m
                run.append(ch)
            if run:
                title_parts.append(("".join(run), "match" if in_match else ""))
        else:
            title_parts.append((title, ""))
        if self.view == "incidents" and cols:
            extra = row.extra
            tail = []
            widths = dict(INCIDENT_COLUMNS)
            for key in cols:
                if key == "actor":
                    names = extra.get("actors") or []
                    text = (names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")) if names else ""
                elif key == "target":
                    names = extra.get("targets") or []
                    text = (names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")) if names else ""
                elif key == "country":
                    text = " ".join(extra.get("countries") or [])
                else:
                    n = extra.get("sources")
                    text = str(n) if n else ""
                tail.append("  " + _fit(safe_line(text), widths[key], right=key == "sources"))
            room = self._width - sum(cell_len(t) for t, _ in parts) - sum(cell_len(t) for t in tail)
            parts.extend(_cut_parts(title_parts, max(1, room)))
            parts.append(("".join(tail), "dim"))
            return parts
        parts.extend(title_parts)
        if self.view == "incidents":
            actors = row.extra.get("actors") or []
            countries = row.extra.get("countries") or []
            tail_text = "  ".join(x for x in (", ".join(actors[:2]), " ".join(countries[:3])) if x)
            if tail_text:
                parts.append(("  " + safe_line(tail_text), "dim"))
        elif self.view == "sources" and row.extra.get("publisher"):
            parts.append(("  " + safe_line(row.extra["publisher"]), "dim"))
        return parts

    def row_text(self, row: Row) -> Text:
        """The row as rich Text (for tests and copy)."""
        return Text("".join(t for t, _ in self.row_parts(row)), no_wrap=True, end="")

    def _strip(self, parts: list[tuple[str, str]], width: int, styles: dict, cursor: bool) -> Strip:
        segments: list[Segment] = []
        used = 0
        prefix = "cursor_" if cursor else ""
        for text, role in parts:
            style = styles[prefix + role] if role else styles["cursor" if cursor else "base"]
            n = cell_len(text)
            if used + n > width:
                room = width - used
                ell = Glyphs.ellipsis if Glyphs.overflow == "ellipsis" else ""
                if room > 0:
                    cut = set_cell_size(text, max(0, room - cell_len(ell))) + ell
                    segments.append(Segment(set_cell_size(cut, room), style))
                used = width
                break
            segments.append(Segment(text, style))
            used += n
        if used < width:
            segments.append(Segment(" " * (width - used), styles["cursor" if cursor else "base"]))
        return Strip(segments, width)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width or self.size.width
        self._width = width
        key = (index, width, index == self.cursor, self.has_focus)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        styles = self._style_set()
        if index >= len(self.rows):
            if index == len(self.rows) and self.more:
                self._ask()
                strip = self._strip([(" loading more" + Glyphs.ellipsis, "")], width,
                                    {**styles, "base": styles["loading"]}, False)
            elif index == 0 and not self.rows:
                strip = self._strip([(" " + self.empty_text, "dim")], width, styles, False)
            else:
                return Strip.blank(width, styles["base"])
        else:
            strip = self._strip(self.row_parts(self.rows[index]), width, styles, index == self.cursor)
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[key] = strip
        return strip

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        bar = super().vertical_scrollbar  # Textual creates and starts it on first use
        if type(bar) is ScrollBar:
            bar.__class__ = _RowsScrollBar  # same widget, cheaper drawing (adds no state)
        return bar

    def _is_plain(self) -> bool:
        """No border, outline, padding, tint, hatch, border title nor transparency (its own or inherited): what
        Textual's styles cache would do to a row is then only the line filters and the cut at the scrollbar.
        Checked on every frame (a few attribute reads): styles can also change from code, without a restyle."""
        s = self.styles
        return (not any(e for e, _ in s.border) and not any(e for e, _ in s.outline) and not any(s.padding)
                and not s.tint.a and self.opacity == 1.0 and s.text_opacity == 1.0
                and not (s.has_rule("hatch") and s.hatch != "none")
                and self._border_title is None and self._border_subtitle is None)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The rows are drawn here rather than through the widget's styles cache: it re-cut and re-wrapped every
        # row on every frame (~40 us a row, 1.8 ms of a 2.7 ms list at 43 rows), and the list redraws on each
        # keystroke and scroll. Anything the fast path would not honour goes the usual way.
        if not self._is_plain():
            return super().render_lines(crop)
        filters = self.get_line_filters()
        background = self.background_colors[1]
        width = self.scrollable_content_region.width
        x1, x2 = crop.column_span
        out = []
        for y in crop.line_range:
            strip = self.render_line(y)
            if strip.cell_length != width:
                strip = strip.adjust_cell_length(width, self.rich_style)
            for f in filters:
                strip = strip.apply_filter(f, background)
            if (x1, x2) != (0, width):
                strip = strip.crop(x1, x2)
            out.append(strip)
        return out

    def on_focus(self) -> None:
        self._styles = None
        self._cache.clear()
        self.refresh()
        self._read_ahead()

    def on_blur(self) -> None:
        self._styles = None
        self._cache.clear()
        self.refresh()


__all__ = ["ResultList", "Style"]
