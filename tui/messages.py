"""Every message the browser's workers and widgets post, in one place.

Workers never touch widgets: they post one of these and a handler on the UI thread shows the result (the
App routes them, see tui/app.py). Results that arrive late are told apart by the `generation` or `token`
they carry, so a stale answer (an older keystroke's) is dropped. A worker that fails posts nothing: its
exception reaches `IncidexApp.on_worker_state_changed`, the one place that turns a failure into a notice.

The widgets' messages are declared here too and exposed on their widgets in Textual's manner
(`ResultList.Highlighted`); their `namespace` keeps the handler names Textual derives
(`on_result_list_highlighted`, `on_detail_pane_open_link`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from tui.data import Page, Row
    from tui.widgets.detail import DetailPane, Link
    from tui.widgets.results import ResultList


# --- widgets -----------------------------------------------------------------------------------------------

class Highlighted(Message, namespace="result_list"):
    """The result list's cursor moved to `row` (None: the list is empty)."""

    def __init__(self, results: ResultList, row: Row | None) -> None:
        super().__init__()
        self.results = results
        self.row = row


class Opened(Message, namespace="result_list"):
    """enter on a row of the result list."""

    def __init__(self, results: ResultList, row: Row) -> None:
        super().__init__()
        self.results = results
        self.row = row


class NeedMore(Message, namespace="result_list"):
    """The result list scrolled near the end of what is loaded: fetch the next page."""

    def __init__(self, results: ResultList) -> None:
        super().__init__()
        self.results = results


class OpenLink(Message, namespace="detail_pane"):
    """enter on a line of the detail pane that names another record (or a facet's value)."""

    def __init__(self, pane: DetailPane, link: Link) -> None:
        super().__init__()
        self.pane = pane
        self.link = link


# --- the lists' and the detail pane's workers (tui/lists.py, tui/records.py) ---------------------------------

class PageLoaded(Message):
    def __init__(self, view: str, generation: int, page: Page, keep_id: int | None, keep_index: bool) -> None:
        super().__init__()
        self.view, self.generation, self.page, self.keep_id, self.keep_index = view, generation, page, keep_id, keep_index


class RecordLoaded(Message):
    def __init__(self, view: str, token: int, link: Link, record: dict | None, keep_cursor: bool) -> None:
        super().__init__()
        self.view, self.token, self.link, self.record, self.keep_cursor = view, token, link, record, keep_cursor


class TotalLoaded(Message):
    def __init__(self, view: str, version: int, total: int) -> None:
        super().__init__()
        self.view, self.version, self.total = view, version, total


class CountLoaded(Message):
    def __init__(self, view: str, generation: int, total: int) -> None:
        super().__init__()
        self.view, self.generation, self.total = view, generation, total


class SortedLoaded(Message):
    def __init__(self, view: str, generation: int, rows: list[Row], complete: bool) -> None:
        super().__init__()
        self.view, self.generation, self.rows, self.complete = view, generation, rows, complete


class FacetsCounted(Message):
    """The facets of a view's matches, for the facet screen that asked (tui/screens/facets.py)."""

    def __init__(self, screen: Any, facets: dict) -> None:
        super().__init__()
        self.screen, self.facets = screen, facets


# --- the empty database --------------------------------------------------------------------------------------

class EmptinessChecked(Message):
    """Whether the database has no records: the welcome screen shows, or closes."""

    def __init__(self, empty: bool) -> None:
        super().__init__()
        self.empty = empty


class SamplesImported(Message):
    """The bundled samples were imported (`error` False), or the import failed with `text`."""

    def __init__(self, text: str, error: bool = False) -> None:
        super().__init__()
        self.text, self.error = text, error


# --- curation (tui/curate.py and the screens it opens) --------------------------------------------------------

class CurationRead(Message):
    """A curation read finished: `then(result)` on the UI thread."""

    def __init__(self, result: Any, then: Callable[[Any], None]) -> None:
        super().__init__()
        self.result, self.then = result, then


class CurationDone(Message):
    """A change was written: its label (the notice), its result (with the change id to undo it)."""

    def __init__(self, label: str, result: Any, on_done: Callable[[Any], None] | None) -> None:
        super().__init__()
        self.label, self.result, self.on_done = label, result, on_done


class CurationFailed(Message):
    """A change was refused (db.curation's one-line reason) or failed; `on_error(text)` after the notice."""

    def __init__(self, text: str, on_error: Callable[[str], None] | None) -> None:
        super().__init__()
        self.text, self.on_error = text, on_error


class PendingLoaded(Message):
    """The review queue's pending decisions, for the review screen (tui/screens/review.py)."""

    def __init__(self, items: list[dict]) -> None:
        super().__init__()
        self.items = items


class PickerItems(Message):
    """A picker's search answered (tui/screens/prompts.py); `error` is shown in the picker's form."""

    def __init__(self, items: list[tuple[object, str]], generation: int, error: str = "") -> None:
        super().__init__()
        self.items, self.generation, self.error = items, generation, error
