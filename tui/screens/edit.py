"""The incident form: title, type (with completion and a picker), dates, precision, status, summary."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, Select, Static

from db.taxonomy import PRECISIONS, STATUSES, TYPES
from tui import keymap
from tui.data import Data, Refused
from tui.safe import safe_line
from tui.screens.prompts import PickerScreen


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
    """The incident form. Values are checked with db.curation's validate_fields (`Data.validate_fields`) before it closes; a bad
    value leaves the form open with the one-line reason. Dismisses with the changed fields only."""

    BINDINGS = keymap.bindings("edit")
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
            pick, cancel = (keymap.label(k, "edit", plain=True) for k in ("edit_pick_type", "edit_cancel"))
            yield Static(Text(f"enter saves   tab next field   {pick} type picker   {cancel} cancels",
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
            checked = Data.validate_fields(probe)
        except Refused as exc:
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
