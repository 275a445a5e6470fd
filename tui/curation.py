"""Curation in the browser (issue 8): the forms and confirmations, and the glue that runs db.curation in
thread workers.

Nothing here writes SQL: every change goes through `db.curation` (one transaction each, journalled for
undo), on a connection the worker opens for itself, one write at a time. The ids of the changes made in
this browser session are kept, so `u` undoes only those, latest first. After each write the app's own
refresh path (`refresh_all`) reloads the lists and the detail pane, keeping cursors and filters.

The app owns one `Curation` (``app.curation``) and routes every curation key to ``Curation.run(what)``
through one action, ``app.curate('<what>')``.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from db.taxonomy import PRECISIONS, ROLES, STATUSES, TYPES
from tui.safe import Glyphs, safe_line, strip_unsafe

ACTIONS = ("edit", "mark", "clear_marks", "merge", "split", "unlink", "link_actor", "link_source", "tag", "note",
           "review", "queue", "undo")
COMMANDS = (("Edit incident", "Title, type, dates, status, summary (e)", "edit"),
            ("Merge marked incidents", "After a confirmation (M)", "merge"),
            ("Clear marks", "Unmark every marked incident", "clear_marks"),
            ("Link actor", "To the incident, with a role and a confidence (l)", "link_actor"),
            ("Link source", "To the incident (L)", "link_source"),
            ("Tag", "Tag the shown record (t)", "tag"),
            ("Note", "Add a note to the shown record (n)", "note"),
            ("Mark reviewed", "Or back to not reviewed (v)", "review"),
            ("Review queue", "Pending same-event and alias decisions (R)", "queue"),
            ("Undo", "The latest change made in this session (u)", "undo"))


class _LazyCuration:
    """db.curation, imported on first use: it pulls in the ORM (db.store), which the browser's first frame
    must not wait for (DESIGN.md section 9)."""

    def __getattr__(self, name):
        from db import curation

        return getattr(curation, name)


dbc = _LazyCuration()


def _connect(path, readonly: bool = False):
    from db.engine import connect

    return connect(path, readonly=readonly)


# --- small screens ---------------------------------------------------------------------------------------

class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question with a scrollable explanation (what will move, what will be removed)."""

    BINDINGS = [Binding("y,enter", "answer(True)", "Yes", show=True),
                Binding("n,escape", "answer(False)", "No", show=True)]
    DEFAULT_CSS = """
    ConfirmScreen #confirm-body { height: 1fr; }
    ConfirmScreen .confirm-title { text-style: bold; }
    """

    def __init__(self, title: str, body: list[Text], question: str) -> None:
        super().__init__()
        self.title_text, self.body, self.question = title, body, question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal-box"):
            yield Static(Text(safe_line(self.title_text), style="bold"), classes="confirm-title")
            with VerticalScroll(id="confirm-body"):
                for t in self.body:
                    yield Static(t)
            yield Static(Text(safe_line(self.question) + "  y / enter: yes   n / esc: no", style="bold"),
                         id="confirm-question")

    def on_mount(self) -> None:
        self.query_one("#confirm-body").focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (tags, a note); `check` returns an error to show in the form, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True)]
    DEFAULT_CSS = """
    PromptScreen #prompt-box { height: auto; max-height: 12; }
    PromptScreen Input { margin: 1 0; }
    PromptScreen .error { color: $error; text-style: bold; height: auto; }
    """

    def __init__(self, title: str, help_text: str = "", value: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text, self.help_text, self.value, self.check = title, help_text, value, check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="modal-box"):
            yield Static(Text(safe_line(self.title_text), style="bold"))
            if self.help_text:
                yield Static(Text(strip_unsafe(self.help_text), style="dim"))
            yield Input(self.value, id="prompt-input")
            yield Static("", classes="error", id="prompt-error")
            yield Static(Text("enter saves   esc cancels", style="dim"))

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#prompt-error", Static).update(Text(safe_line(problem)))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickerScreen(ModalScreen[object]):
    """A fuzzy picker: type to filter, j/k or arrows to move, enter picks. Items are (value, label); they
    are a fixed list (filtered here) or come from `search(query)`, run in a thread worker."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True),
                Binding("down,ctrl+n", "move(1)", "Down", show=False),
                Binding("up,ctrl+p", "move(-1)", "Up", show=False)]
    DEFAULT_CSS = """
    PickerScreen OptionList { height: 1fr; border: none; }
    PickerScreen Input { margin: 0 0 1 0; }
    PickerScreen .error { color: $error; text-style: bold; height: auto; }
    """

    def __init__(self, title: str, items: list[tuple[object, str]] | None = None,
                 search: Callable[[str], list[tuple[object, str]]] | None = None, query: str = "") -> None:
        super().__init__()
        self.title_text, self.items, self.search_fn, self.start_query = title, items, search, query
        self.values: list[object] = []
        self.generation = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="modal-box"):
            yield Static(Text(safe_line(self.title_text), style="bold"))
            yield Input(self.start_query, placeholder="type to search", id="picker-input")
            yield from self.extra_fields()
            yield OptionList(id="picker-list", compact=True)
            yield Static("", classes="error", id="picker-error")
            yield Static(Text(self.footer_text(), style="dim"))

    def extra_fields(self) -> ComposeResult:
        return iter(())

    def footer_text(self) -> str:
        return "type to filter   up/down move   enter picks   esc cancels"

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#picker-input", Input))
        self.refilter(self.start_query)

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    def refilter(self, query: str) -> None:
        self.generation += 1
        if self.items is not None:
            words = query.casefold().split()
            self.show_items([(v, label) for v, label in self.items if all(w in label.casefold() for w in words)])
        elif self.search_fn is not None:
            self._search(query, self.generation)

    @work(thread=True, group="picker", exclusive=True)
    def _search(self, query: str, generation: int) -> None:
        try:
            items = self.search_fn(query)
        except Exception as exc:  # noqa: BLE001 - shown in the picker
            items = []
            self.app.call_from_thread(self._error, f"search failed: {exc}")
        if generation == self.generation:
            self.app.call_from_thread(self.show_items, items, generation)

    def _error(self, msg: str) -> None:
        self.query_one("#picker-error", Static).update(Text(safe_line(msg)))

    def show_items(self, items: list[tuple[object, str]], generation: int | None = None) -> None:
        if generation is not None and generation != self.generation:
            return
        ol = self.query_one(OptionList)
        ol.clear_options()
        self.values = [v for v, _ in items]
        ol.add_options([Option(Text(safe_line(label))) for _, label in items] or
                       [Option(Text("no match", style="dim"), disabled=True)])
        if self.values:
            ol.highlighted = 0

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if self.values:
            cur = ol.highlighted or 0
            ol.highlighted = max(0, min(len(self.values) - 1, cur + step))

    @property
    def chosen(self):
        i = self.query_one(OptionList).highlighted
        return self.values[i] if i is not None and 0 <= i < len(self.values) else None

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        if self.chosen is None:
            self._error("nothing to pick: change the search")
            return
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinkActorScreen(PickerScreen):
    """The actor picker plus the link's role and confidence. Dismisses with (actor ref, role, confidence)."""

    DEFAULT_CSS = """
    LinkActorScreen .row { height: 1; margin: 0 0 1 0; }
    LinkActorScreen .row Label { width: 12; }
    LinkActorScreen #link-role { width: 24; }
    LinkActorScreen #link-confidence { width: 8; }
    """

    def extra_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("role")
            yield Select([(r, r) for r in ROLES], value="attributed", allow_blank=False, id="link-role", compact=True)
            yield Label("  confidence ")
            yield Input("80", id="link-confidence", restrict=r"\d{0,3}", compact=True)

    def footer_text(self) -> str:
        return "name or alias   up/down move   tab role, confidence   enter links   esc"

    def submit(self) -> None:
        if self.chosen is None:
            self._error("no actor chosen: type a name")
            return
        raw = self.query_one("#link-confidence", Input).value.strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            self._error("confidence is a number from 0 to 100")
            return
        self.dismiss((self.chosen, self.query_one("#link-role", Select).value, int(raw)))


class TypeSuggester(Suggester):
    """Completes a type from its class or its subtype ('ddos' -> 'availability/ddos')."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        v = value.casefold()
        if not v:
            return None
        for t in TYPES:
            if t.startswith(v):
                return t
        subs = [t for t in TYPES if t.split("/", 1)[1].startswith(v)]
        return subs[0] if len(subs) == 1 and subs[0].split("/", 1)[1] == v else None


FIELDS = (("title", "title"), ("type", "type"), ("date_start", "date"), ("date_end", "until"),
          ("date_precision", "precision"), ("status", "status"), ("summary", "summary"))


class EditScreen(ModalScreen[dict | None]):
    """The incident form. Values are checked with db.curation.validate_fields before it closes; a bad
    value leaves the form open with the one-line reason. Dismisses with the changed fields only."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True),
                Binding("ctrl+s", "save", "Save", show=True),
                Binding("f2,ctrl+o", "pick_type", "Pick a type", show=True)]
    DEFAULT_CSS = """
    EditScreen #edit-box { height: auto; max-height: 90%; }
    EditScreen .row { height: 1; margin: 0 0 1 0; }
    EditScreen .row Label { width: 11; text-style: bold; }
    EditScreen .row Input, EditScreen .row Select { width: 1fr; }
    EditScreen #edit-error { color: $error; text-style: bold; height: auto; min-height: 1; }
    """

    def __init__(self, incident: dict) -> None:
        super().__init__()
        self.incident = incident
        # what the form shows (one line, terminal-safe): a field is sent only when it differs from this,
        # so a multi-line summary is not flattened by an edit of the title
        self.original = {
            "title": safe_line(incident.get("title") or ""), "type": incident.get("type") or "",
            "date_start": incident.get("date") or "", "date_end": incident.get("date_end") or "",
            "date_precision": incident.get("date_precision") or "unknown",
            "status": incident.get("status") or "undetermined", "summary": safe_line(incident.get("summary") or "")}

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box", classes="modal-box"):
            yield Static(Text(safe_line(f"Edit incident #{self.incident['id']}"), style="bold"), id="edit-heading")
            for key, label in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(label)
                    value = self.original[key]
                    if key == "date_precision":
                        yield Select([(p, p) for p in PRECISIONS], value=value if value in PRECISIONS else "unknown",
                                     allow_blank=False, id=f"edit-{key}", compact=True)
                    elif key == "status":
                        yield Select([(s, s) for s in STATUSES], value=value if value in STATUSES else "undetermined",
                                     allow_blank=False, id=f"edit-{key}", compact=True)
                    else:
                        yield Input(value, id=f"edit-{key}", compact=True,
                                    placeholder={"date_start": "YYYY, YYYY-MM or YYYY-MM-DD",
                                                 "date_end": "(optional) YYYY-MM-DD"}.get(key, ""),
                                    suggester=TypeSuggester() if key == "type" else None,
                                    select_on_focus=False)
            yield Static("", id="edit-error")
            yield Static(Text("enter saves   tab next field   f2 type picker   esc cancels",
                              style="dim"))

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_position = len(inp.value)
        self.set_focus(self.query_one(Input))  # at once: keys typed right after `e` belong to the title

    def values(self) -> dict:
        out = {}
        for key, _ in FIELDS:
            w = self.query_one(f"#edit-{key}")
            out[key] = (w.value if isinstance(w, Select) else w.value.strip()) or ""
        return out

    def changes(self) -> dict:
        now = self.values()
        diff = {k: v for k, v in now.items() if v != self.original[k]}
        return diff

    def error(self, msg: str) -> None:
        self.query_one("#edit-error", Static).update(Text(safe_line(msg)))

    def action_save(self) -> None:
        diff = self.changes()
        if not diff:
            self.error("nothing changed (esc closes the form)")
            return
        probe = dict(diff)
        if "date_end" in diff and "date_start" not in diff and self.original["date_start"]:
            probe["date_start"] = self.original["date_start"]  # so an end before the start is caught
        try:
            checked = dbc.validate_fields(probe)
        except dbc.CurationError as exc:
            self.error(str(exc))
            return
        if "date_start" not in diff:
            checked.pop("date_start", None)
            if "date_precision" not in diff:
                checked.pop("date_precision", None)
        # an explicit precision wins over the one derived from the date
        if "date_precision" in diff:
            checked["date_precision"] = diff["date_precision"]
        self.dismiss(checked)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_pick_type(self) -> None:
        current = self.query_one("#edit-type", Input).value

        def chosen(value) -> None:
            if value:
                self.query_one("#edit-type", Input).value = value
                self.query_one("#edit-type", Input).focus()

        self.app.push_screen(PickerScreen("Incident type", items=[(t, t) for t in TYPES],
                                          query=current if current not in TYPES else ""), chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewScreen(ModalScreen[None]):
    """Pending decisions: alias collisions between actors, suggested same-event joins of incidents.
    `a` accepts (same; incidents are merged), `r` rejects (not the same); the decision is stored."""

    BINDINGS = [Binding("a", "decide('same')", "Accept (same)", show=True),
                Binding("r", "decide('not_same')", "Reject (not the same)", show=True),
                Binding("j", "move(1)", "Down", show=False),
                Binding("k", "move(-1)", "Up", show=False),
                Binding("escape,q", "close", "Close", show=True)]
    DEFAULT_CSS = """
    ReviewScreen OptionList { height: 1fr; border: none; }
    """

    def __init__(self, curation: Curation) -> None:
        super().__init__()
        self.curation = curation
        self.pending: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="review-box", classes="modal-box"):
            yield Static(Text("Review queue", style="bold"), id="review-title")
            yield OptionList(id="review-list", compact=True)
            yield Static(Text("a accept (same: incidents merge)   r reject   j/k move   esc close",
                              style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    @work(thread=True, group="review-load", exclusive=True)
    def reload(self) -> None:
        path = self.curation.app.data.path
        conn = _connect(path, readonly=True)
        try:
            items = describe_pending(conn)
        finally:
            conn.close()
        self.app.call_from_thread(self.show_pending, items)

    def show_pending(self, items: list[dict]) -> None:
        ol = self.query_one(OptionList)
        keep = ol.highlighted or 0
        self.pending = items
        ol.clear_options()
        if not items:
            ol.add_option(Option(Text("nothing to review: no pending decisions", style="dim"), disabled=True))
        for d in items:
            ol.add_option(Option(d["text"]))
        if items:
            ol.highlighted = min(keep, len(items) - 1)
        self.query_one("#review-title", Static).update(Text(f"Review queue ({len(items)} pending)", style="bold"))

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if self.pending:
            ol.highlighted = max(0, min(len(self.pending) - 1, (ol.highlighted or 0) + step))

    def action_decide(self, verdict: str) -> None:
        i = self.query_one(OptionList).highlighted
        if not self.pending or i is None or i >= len(self.pending):
            self.app.notify("nothing to decide")
            return
        d = self.pending[i]
        entity, left, right = d["entity"], d["left"], d["right"]
        if verdict == "same" and entity == "incident":
            def fn(conn):
                return dbc.merge_incidents(conn, [left, right])
            label = f"merged incidents {max(left, right)} into {min(left, right)}"
        else:
            def fn(conn):
                return dbc.decide(conn, entity, left, right, verdict, "decided in the review queue")
            label = f"{entity}s {left} and {right}: {'the same' if verdict == 'same' else 'not the same'}"
        self.curation.write(label, fn, on_done=lambda _r: self.reload(), on_error=lambda _m: self.reload())

    def action_close(self) -> None:
        self.dismiss(None)


def describe_pending(conn) -> list[dict]:
    """Pending decisions with both sides named, as option texts (read-only)."""
    from db import queries

    out = []
    for d in dbc.pending_decisions(conn):
        ids = [d["left"], d["right"]]
        t = Text()
        if d["entity"] == "incident":
            recs = {i["id"]: i for i in queries.incidents_by_id(conn, ids, with_evidence=False)}
            t.append("same event?  ", style="bold yellow")
            for n, i in enumerate(ids):
                r = recs.get(i)
                t.append("\n  " if n else "\n  ")
                t.append(f"#{i} ", style="bold")
                if r:
                    t.append(safe_line(r["title"] or "(untitled)"))
                    t.append(f"  {r['date'] or Glyphs.dash}  {(r['type'] or '').rsplit('/', 1)[-1]}", style="dim")
                else:
                    t.append("(gone)", style="dim")
        else:
            recs = {a["id"]: a for a in queries.actors_by_id(conn, ids)}
            t.append("same actor?  ", style="bold yellow")
            for i in ids:
                a = recs.get(i)
                t.append("\n  ")
                t.append(f"actor #{i} ", style="bold")
                if a:
                    t.append(safe_line(a["name"]))
                    extra = ", ".join(x for x in (a.get("kind"), a.get("country")) if x)
                    if extra:
                        t.append(f"  {safe_line(extra)}", style="dim")
                else:
                    t.append("(gone)", style="dim")
        if d.get("reason"):
            t.append("\n  " + safe_line(d["reason"]), style="italic dim")
        out.append({**d, "text": t})
    return out


# --- the glue ------------------------------------------------------------------------------------------------

class Curation:
    """Curation state of one browser session (marks, the change ids made here) and its actions."""

    def __init__(self, app) -> None:
        self.app = app
        self.marks: dict[int, str] = {}
        self.session_changes: list[int] = []
        self.lock = threading.Lock()
        self._installed: set[int] = set()

    # --- entry point (app.action_curate) ----------------------------------------------------------
    def run(self, what: str) -> None:
        app = self.app
        if what not in ACTIONS:
            return
        if app.screen is not app.screen_stack[0] or getattr(app, "welcome", None) is not None:
            return  # a modal is open: its own keys apply
        if app.data.readonly:
            app.notify("this database is read-only: curation is not available", severity="warning")
            return
        getattr(self, f"do_{what}")()

    def system_commands(self):
        """Command palette entries (`:`) for the curation actions."""
        from textual.app import SystemCommand

        for title, help_text, what in COMMANDS:
            yield SystemCommand(title, help_text, lambda what=what: self.app.call_later(self.run, what))

    # --- targets ------------------------------------------------------------------------------------
    def _focused_pane(self) -> str:
        bv = self.app.browse()
        f = self.app.focused
        return "detail" if f is bv.detail else "list" if f is bv.results else "filter"

    def shown(self):
        """(entity, id, record) of the record in the current view's detail pane, or None."""
        rec = self.app.records.get(self.app.current_view)
        if rec is None:
            return None
        (entity, ident), record = rec
        return entity, record.get("id", ident), record

    def target_incident(self) -> int | None:
        """The incident a key acts on: the list's row in the incidents view when the list is focused,
        else the incident shown in the detail pane."""
        app = self.app
        if app.current_view == "incidents" and self._focused_pane() != "detail":
            row = app.browse().results.current
            if row is not None:
                return row.id
        s = self.shown()
        if s and s[0] == "incident":
            return s[1]
        return None

    def _need_incident(self) -> int | None:
        ident = self.target_incident()
        if ident is None:
            self.app.notify("no incident selected: choose one in the incidents view (1)", severity="warning")
        return ident

    # --- workers ------------------------------------------------------------------------------------
    def write(self, label: str, fn: Callable, *, on_done: Callable | None = None,
              on_error: Callable | None = None) -> None:
        """Run fn(conn) -> result dict(s) with a "change" id in a thread worker, on its own connection."""
        path = self.app.data.path

        def job() -> None:
            with self.lock:  # one write at a time from this browser
                try:
                    conn = _connect(path)
                except Exception as exc:  # noqa: BLE001
                    self.app.call_from_thread(self._failed, f"cannot open the database: {exc}", on_error)
                    return
                try:
                    result = fn(conn)
                except dbc.CurationError as exc:
                    self.app.call_from_thread(self._failed, str(exc), on_error)
                    return
                except Exception as exc:  # noqa: BLE001 - shown to the user, the app goes on
                    self.app.call_from_thread(self._failed, f"{label.split(':')[0]} failed: {exc}", on_error)
                    return
                finally:
                    conn.close()
            self.app.call_from_thread(self._done, label, result, on_done)

        self.app.run_worker(job, name=f"curation-{label[:30]}", group="curation", thread=True, exclusive=False)

    def read(self, fn: Callable, then: Callable) -> None:
        """Run fn(conn) on a read-only connection in a thread worker; `then(result)` on the UI thread."""
        path = self.app.data.path

        def job() -> None:
            from db import curation  # noqa: F401 - import the ORM here, off the UI thread, before forms need it

            try:
                conn = _connect(path, readonly=True)
                try:
                    result = fn(conn)
                finally:
                    conn.close()
            except Exception as exc:  # noqa: BLE001
                self.app.call_from_thread(self._failed, f"cannot read: {exc}", None)
                return
            self.app.call_from_thread(then, result)

        self.app.run_worker(job, name="curation-read", group="curation-read", thread=True, exclusive=False)

    def _done(self, label: str, result, on_done: Callable | None) -> None:
        results = result if isinstance(result, list) else [result]
        for r in results:
            if isinstance(r, dict) and r.get("change"):
                self.session_changes.append(r["change"])
        self.after_write()
        self.app.notify(safe_line(label), timeout=4)
        if on_done is not None:
            on_done(result)

    def _failed(self, msg: str, on_error: Callable | None) -> None:
        self.app.notify(safe_line(msg), severity="error", timeout=6)
        if on_error is not None:
            on_error(msg)

    def after_write(self) -> None:
        """Reload what a change may have touched: every view's list and the shown records."""
        app = self.app
        searcher = getattr(app.data, "searcher", None)
        if searcher is not None:
            searcher.invalidate()
        app.refresh_all()
        try:  # the poll timer would see our own commit as another process's: note it as seen
            app.file_changed(app.data.data_version())
        except Exception:  # noqa: BLE001
            pass

    # --- edit ----------------------------------------------------------------------------------------
    def do_edit(self) -> None:
        ident = self._need_incident()
        if ident is None:
            return
        from db import queries

        self.read(lambda conn: queries.get_incident(conn, ident), self._edit_form)

    def _modal_open(self) -> bool:
        """A form or confirmation is already up (a key pressed twice before the first one opened)."""
        return self.app.screen is not self.app.screen_stack[0]

    def _edit_form(self, rec: dict | None) -> None:
        if self._modal_open():
            return
        if rec is None:
            self.app.notify("that incident no longer exists", severity="warning")
            return
        ident = rec["id"]

        def done(values: dict | None) -> None:
            if values:
                self.write(f"edited {', '.join(values)} of incident {ident}",
                           lambda conn: dbc.edit_incident(conn, ident, **values))

        self.app.push_screen(EditScreen(rec), done)

    # --- marks and merge -------------------------------------------------------------------------------
    def do_mark(self) -> None:
        app = self.app
        if app.current_view != "incidents":
            app.notify("marks are for incidents: switch to the incidents view (1)", severity="warning")
            return
        ident = self.target_incident()
        if ident is None:
            app.notify("no incident to mark", severity="warning")
            return
        if ident in self.marks:
            del self.marks[ident]
            verb = "unmarked"
        else:
            row = app.browse().results.current
            s = self.shown()
            title = (row.title if row is not None and row.id == ident else
                     s[2].get("title") if s and s[1] == ident else "")
            self.marks[ident] = title or ""
            verb = "marked"
        self.show_marks()
        n = len(self.marks)
        hint = "  (M merges them)" if n >= 2 else "  (mark another, then M)" if n == 1 else ""
        app.notify(f"{verb} #{ident}: {n} marked{hint}", timeout=3)

    def mark_label(self) -> str:
        n = len(self.marks)
        return f" {self.glyph()} {n} marked " if n else ""

    def glyph(self) -> str:
        return "*" if Glyphs.dash == "-" else "●"

    def show_marks(self) -> None:
        """Draw the marks in the incidents list (a glyph in the row's gutter) and the count in the footer."""
        app = self.app
        try:
            lst = app.browse("incidents").results
        except Exception:  # noqa: BLE001 - the view is not mounted
            lst = None
        if lst is not None:
            if id(lst) not in self._installed:
                self._installed.add(id(lst))
                original = lst.row_parts

                def row_parts(row, _original=original):
                    parts = _original(row)
                    if row.id in self.marks and parts:
                        parts = [(self.glyph(), "match"), *parts[1:]]
                    return parts

                lst.row_parts = row_parts
            lst._cache.clear()
            lst.refresh()
        refresh_keys = getattr(app, "_keys_line", None)
        if refresh_keys is not None:
            refresh_keys()

    def do_clear_marks(self) -> None:
        n = len(self.marks)
        self.marks.clear()
        self.show_marks()
        self.app.notify(f"cleared {n} mark{'s' if n != 1 else ''}" if n else "no marks to clear", timeout=2)

    def do_merge(self) -> None:
        n = len(self.marks)
        if n < 2:
            self.app.notify(f"merging needs at least two marked incidents ({n} marked): mark them with m",
                            severity="warning")
            return
        ids = sorted(self.marks)
        from db import queries

        self.read(lambda conn: queries.incidents_by_id(conn, ids, with_evidence=False), self._merge_confirm)

    def _merge_confirm(self, recs: list[dict]) -> None:
        if self._modal_open():
            return
        ids = sorted(self.marks)
        found = {r["id"]: r for r in recs}
        missing = [i for i in ids if i not in found or found[i].get("merged_into")]
        if missing:
            for i in missing:
                self.marks.pop(i, None)
            self.show_marks()
            self.app.notify(f"incident(s) {', '.join(map(str, missing))} no longer exist (merged?): unmarked",
                            severity="warning")
            return
        body = merge_preview([found[i] for i in ids])
        survivor = ids[0]

        def answered(yes: bool) -> None:
            if not yes:
                return

            def done(_result) -> None:
                self.marks.clear()
                self.show_marks()

            self.write(f"merged incidents {', '.join(map(str, ids[1:]))} into {survivor}",
                       lambda conn: dbc.merge_incidents(conn, ids), on_done=done)

        self.app.push_screen(ConfirmScreen(f"Merge {len(ids)} incidents into #{survivor}?", body,
                                           f"Merge into #{survivor}?"), answered)

    # --- split and unlink from the detail pane ---------------------------------------------------------
    def _detail_link(self, kinds: tuple[str, ...]):
        """(incident record, link) when the detail pane is focused on an incident and its cursor is on a
        line that links to one of `kinds`."""
        s = self.shown()
        if self._focused_pane() != "detail" or not s or s[0] != "incident":
            return None, None
        link = self.app.browse().detail.link
        if link is None or link[0] not in kinds:
            return s[2], None
        return s[2], link

    def do_split(self) -> None:
        rec, link = self._detail_link(("source",))
        if link is None:
            self.app.notify("put the cursor on a source of an incident in the detail pane (enter, then j/k)",
                            severity="warning")
            return
        inc_id, src_id = rec["id"], link[1]
        src = next((s for s in rec["sources"] if s["id"] == src_id), {})
        if len(rec["sources"]) < 2:
            self.app.notify(f"source {src_id} is the only source of incident {inc_id}; nothing to split",
                            severity="warning")
            return
        body = [Text.assemble(("source ", "bold"), f"[{src_id}] ", safe_line(src.get("title") or "(untitled)")),
                Text("moves to a new incident, with the actor links, places and figures it brought.", style="dim"),
                Text(""), Text.assemble(("stays in ", "bold"), f"#{inc_id} ", safe_line(rec.get("title") or ""))]
        for s in rec["sources"]:
            if s["id"] != src_id:
                body.append(Text(f"  [{s['id']}] {safe_line(s.get('title') or '(untitled)')}"))

        def answered(yes: bool) -> None:
            if yes:
                self.write(f"split source {src_id} out of incident {inc_id}",
                           lambda conn: dbc.split_source(conn, inc_id, src_id), on_done=self._split_done)

        self.app.push_screen(ConfirmScreen(f"Split source {src_id} out of incident #{inc_id}?", body,
                                           "Split it out?"), answered)

    def _split_done(self, result: dict) -> None:
        self.app.notify(f"source {result['source']} is now incident #{result['new_incident']}", timeout=5)

    def do_unlink(self) -> None:
        rec, link = self._detail_link(("source", "actor"))
        if link is None:
            self.app.notify("put the cursor on an actor or a source of an incident in the detail pane",
                            severity="warning")
            return
        inc_id, kind, other = rec["id"], link[0], link[1]
        if kind == "actor":
            links = [a for a in rec["actors"] if a["id"] == other]
            name = links[0]["name"] if links else str(other)
            roles = sorted({a["role"] for a in links})
            body = [Text.assemble(("actor ", "bold"), safe_line(name), f"  (#{other})"),
                    Text(f"roles removed: {', '.join(roles) or '-'}", style="dim")]
            label = f"unlinked actor {safe_line(name)} from incident {inc_id}"

            def fn(conn):
                return dbc.unlink_actor(conn, inc_id, other)
        else:
            src = next((s for s in rec["sources"] if s["id"] == other), {})
            body = [Text.assemble(("source ", "bold"), f"[{other}] ", safe_line(src.get("title") or "(untitled)")),
                    Text("its automatic actor links go with it.", style="dim")]
            label = f"unlinked source {other} from incident {inc_id}"

            def fn(conn):
                return dbc.unlink_source(conn, inc_id, other)

        def answered(yes: bool) -> None:
            if yes:
                self.write(label, fn)

        self.app.push_screen(ConfirmScreen(f"Unlink from incident #{inc_id}?", body, "Unlink?"), answered)

    # --- linking ---------------------------------------------------------------------------------------
    def _search(self, view: str, limit: int = 30) -> Callable[[str], list[tuple[object, str]]]:
        """A picker's search: the search engine (fuzzy, aliases, typo correction) on a read-only
        connection of the picker's worker."""
        path = self.app.data.path

        def run(query: str) -> list[tuple[object, str]]:
            from db import queries
            from db import search as dbsearch

            conn = _connect(path, readonly=True)
            try:
                res = dbsearch.search(conn, view, query, limit=limit)
                ids = [h.id for h in res.rows]
                items: list[tuple[object, str]] = []
                if view == "actors":
                    found = {a["id"]: a for a in queries.actors_by_id(conn, ids)}
                    for h in res.rows:
                        a = found.get(h.id, {})
                        aka = [x for x in a.get("aliases") or [] if x.casefold() != (h.title or "").casefold()]
                        label = f"{h.title}  ({a.get('kind') or 'unknown'})"
                        if aka:
                            label += "  aka " + ", ".join(aka[:4])
                        items.append((h.id, label))
                    q = query.strip()
                    if q and not any((h.title or "").casefold() == q.casefold() for h in res.rows):
                        items.append((("new", q), f"+ new actor named {q!r}"))
                else:
                    for h in res.rows:
                        items.append((h.id, f"[{h.id}] {h.date or Glyphs.dash}  {h.title or '(untitled)'}"))
                return items
            finally:
                conn.close()

        return run

    def do_link_actor(self) -> None:
        ident = self._need_incident()
        if ident is None:
            return

        def chosen(value) -> None:
            if not value:
                return
            actor, role, confidence = value
            ref = actor[1] if isinstance(actor, tuple) else actor
            self.write(f"linked {'new actor ' + repr(ref) if isinstance(actor, tuple) else 'actor ' + str(ref)}"
                       f" to incident {ident} as {role}",
                       lambda conn: dbc.link_actor(conn, ident, ref, role, confidence))

        self.app.push_screen(LinkActorScreen(f"Link an actor to incident #{ident}", search=self._search("actors")),
                             chosen)

    def do_link_source(self) -> None:
        ident = self._need_incident()
        if ident is None:
            return

        def chosen(value) -> None:
            if value:
                self.write(f"linked source {value} to incident {ident}",
                           lambda conn: dbc.link_source(conn, ident, int(value)))

        self.app.push_screen(PickerScreen(f"Link a source to incident #{ident}", search=self._search("sources")),
                             chosen)

    # --- annotations -----------------------------------------------------------------------------------
    def _need_record(self):
        s = self.shown()
        if s is None:
            self.app.notify("nothing selected", severity="warning")
        return s

    def do_tag(self) -> None:
        s = self._need_record()
        if s is None:
            return
        entity, ident, rec = s
        have = rec.get("tags") or []

        def check(value: str) -> str | None:
            return None if parse_tags(value) != ([], []) else "give at least one tag"

        def chosen(value: str | None) -> None:
            if not value:
                return
            add, remove = parse_tags(value)

            def fn(conn):
                out = []
                if add:
                    out.append(dbc.tag(conn, entity, ident, add))
                if remove:
                    out.append(dbc.tag(conn, entity, ident, remove, remove=True))
                return out

            words = ([f"+{', '.join(add)}"] if add else []) + ([f"-{', '.join(remove)}"] if remove else [])
            self.write(f"tags of {entity} {ident}: {' '.join(words)}", fn)

        self.app.push_screen(PromptScreen(
            f"Tags for {entity} #{ident}",
            f"now: {', '.join(have) or 'none'}.  Comma separated; -name removes a tag.", check=check), chosen)

    def do_note(self) -> None:
        s = self._need_record()
        if s is None:
            return
        entity, ident, _rec = s

        def chosen(value: str | None) -> None:
            if value:
                self.write(f"note added to {entity} {ident}", lambda conn: dbc.note(conn, entity, ident, value))

        self.app.push_screen(PromptScreen(f"Note on {entity} #{ident}", "One line; notes show in the detail pane.",
                                          check=lambda v: None if v.strip() else "the note is empty"), chosen)

    def do_review(self) -> None:
        ident = self._need_incident()
        if ident is None:
            return
        s = self.shown()
        reviewed = not (s and s[0] == "incident" and s[1] == ident and s[2].get("review") == "reviewed")
        self.write(f"incident {ident} marked {'reviewed' if reviewed else 'not reviewed (auto)'}",
                   lambda conn: dbc.review(conn, ident, reviewed))

    def do_queue(self) -> None:
        self.app.push_screen(ReviewScreen(self))

    # --- undo ------------------------------------------------------------------------------------------
    def do_undo(self) -> None:
        if not self.session_changes:
            self.app.notify("nothing to undo (only changes made in this browser session are undone here)")
            return
        change = self.session_changes[-1]

        def fn(conn):
            return dbc.undo(conn, change)

        def done(result: dict) -> None:
            if self.session_changes and self.session_changes[-1] == change:
                self.session_changes.pop()

        def failed(msg: str) -> None:
            if msg.startswith(f"no change {change}") and self.session_changes and self.session_changes[-1] == change:
                self.session_changes.pop()  # undone elsewhere already

        self.write_undo(change, fn, done, failed)

    def write_undo(self, change: int, fn, done, failed) -> None:
        def on_done(result):
            done(result)
            self.app.notify(safe_line(f"undone: {result.get('undone', change)}"), timeout=4)

        # the undo's result carries no new change id: _done must not push one
        self.write("undo", lambda conn: {**fn(conn), "change": None}, on_done=on_done, on_error=failed)


def parse_tags(value: str) -> tuple[list[str], list[str]]:
    add, remove = [], []
    for part in value.split(","):
        p = part.strip()
        if p.startswith("-") and p[1:].strip():
            remove.append(p[1:].strip())
        elif p and p != "-":
            add.append(p)
    return add, remove


def merge_preview(recs: list[dict]) -> list[Text]:
    """What a merge moves: for each incident its title, sources and actors; the first survives."""
    out: list[Text] = []
    for n, r in enumerate(recs):
        head = Text()
        head.append("keeps " if n == 0 else "moves ", style="bold green" if n == 0 else "bold yellow")
        head.append(f"#{r['id']} ", style="bold")
        head.append(safe_line(r.get("title") or "(untitled)"))
        head.append(f"  {r.get('date') or Glyphs.dash}  {(r.get('type') or '').rsplit('/', 1)[-1]}", style="dim")
        out.append(head)
        srcs = r.get("sources") or []
        t = Text("  sources: ", style="dim")
        t.append(", ".join(f"[{s['id']}] {safe_line(s.get('title') or '(untitled)')}" for s in srcs) or Glyphs.dash)
        out.append(t)
        actors = list(dict.fromkeys(f"{safe_line(a['name'])} ({a['role']})" for a in r.get("actors") or []))
        t = Text("  actors: ", style="dim")
        t.append(", ".join(actors) or Glyphs.dash)
        out.append(t)
    return out
