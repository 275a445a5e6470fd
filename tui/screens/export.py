"""The export form (issue 30): the incidents matching the incidents view's filter, written to a file in one of
the command line's formats (db/export/ FORMATS, through `Data.export`, the same writers and the same refusal
of the database file as `incidex export --query Q --format F --output P`).

A format list (up/down; the file name's extension follows while the name is the default one), the file name
(prefilled in the current folder: ``incidex-incidents-YYYYMMDD-HHMM.ext``), enter writes. The writing runs
in a thread worker; a file that exists is replaced only after a second enter; every refusal (the database,
a missing folder, an unwritable file) is one line in the form, which stays open to correct it. Success
closes the form and a notification says how many incidents went to which absolute path, in which format.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui import keymap
from tui.data import FileExists, Refused
from tui.safe import safe_line
from tui.screens import ReportsWorkers

Export = Callable[[str, str, bool], tuple[int, Path]]
"""(format, file name, overwrite) -> (incidents written, absolute path); raises Refused with one line."""


def default_name(fmt: str, extension: str, stamp: str) -> str:
    """The prefilled file name; stix and misp say their format, since json, stix and misp all end in .json."""
    tag = f"-{fmt}" if fmt in ("stix", "misp") else ""
    return f"incidex-incidents-{stamp}{tag}.{extension}"


class ExportScreen(ReportsWorkers, ModalScreen[None]):
    """Pick a format and a file name; enter writes the filter's incidents there (see the module docstring)."""

    BINDINGS = keymap.bindings("prompt") + [b for b in keymap.bindings("picker")
                                            if b.id in ("picker_down", "picker_up")]
    DEFAULT_CSS = """
    ExportScreen #export-box { height: auto; max-height: 20; }
    ExportScreen #export-formats { height: auto; max-height: 6; border: none; margin: 1 0 0 0; }
    ExportScreen #export-path { margin: 1 0 0 0; }
    ExportScreen .error { color: $error; text-style: bold; height: auto; }
    """

    def __init__(self, export: Export, formats: list[tuple[str, str, str]], what: str) -> None:
        """`formats`: (name, extension, summary) as db/export's FORMATS lists them; `what`: the sentence that
        says which incidents will be written."""
        super().__init__()
        self.export_fn, self.formats, self.what = export, formats, what
        self.stamp = time.strftime("%Y%m%d-%H%M")
        self.fmt = formats[0][0]
        self.replace: tuple[str, str] | None = None  # (format, path) the user was told exists: enter again replaces
        self.busy = False

    def _default(self, fmt: str) -> str:
        ext = next(e for name, e, _ in self.formats if name == fmt)
        return default_name(fmt, ext, self.stamp)

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="modal-box"):
            yield Static(Text("Export", style="bold"))
            yield Static(Text(safe_line(self.what)))
            yield OptionList(*[Option(Text(f"{name:<9} {safe_line(summary)}"), id=name)
                               for name, _, summary in self.formats], id="export-formats", compact=True)
            yield Input(self._default(self.fmt), id="export-path")
            yield Static(Text(safe_line(f"in {os.getcwd()} unless the name says another folder"), style="dim"))
            yield Static("", classes="error", id="export-error")
            moves = f"{keymap.label('picker_up', 'picker', plain=True)}/{keymap.label('picker_down', 'picker', plain=True)}"
            cancel = keymap.label("prompt_cancel", "prompt", plain=True)
            yield Static(Text(f"{moves} format   tab file name   enter writes   {cancel} cancels", style="dim"))

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = 0
        self.set_focus(ol)

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        fmt = event.option.id or self.fmt
        field = self.query_one("#export-path", Input)
        if field.value == self._default(self.fmt):  # a name the user typed stays as typed
            field.value = self._default(fmt)
        self.fmt = fmt

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = max(0, min(len(self.formats) - 1, (ol.highlighted or 0) + step))

    @on(OptionList.OptionSelected, "#export-formats")
    def _format_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit()

    @on(Input.Submitted, "#export-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        if self.busy:
            return
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self._error("type a file name")
            return
        self.busy = True
        self.query_one("#export-error", Static).update(Text("writing" + "...", style="dim"))
        self._write(self.fmt, path, self.replace == (self.fmt, path))

    @work(thread=True, group="export", exclusive=True, exit_on_error=False)
    def _write(self, fmt: str, path: str, overwrite: bool) -> None:
        try:
            n, where = self.export_fn(fmt, path, overwrite)
        except FileExists as exc:
            self.app.call_from_thread(self._exists, fmt, path, str(exc))
        except Refused as exc:
            self.app.call_from_thread(self._failed, str(exc))
        except Exception as exc:  # noqa: BLE001 - one line in the form, which stays open
            self.app.call_from_thread(self._failed, f"export failed: {exc}")
        else:
            self.app.call_from_thread(self._done, n, where, fmt)

    def _exists(self, fmt: str, path: str, message: str) -> None:
        self.busy = False
        self.replace = (fmt, path)
        self._error(f"{message}: enter again replaces it")

    def _failed(self, message: str) -> None:
        self.busy = False
        self.replace = None
        self._error(message)

    def _done(self, n: int, where: Path, fmt: str) -> None:
        self.app.notify(f"exported {n} incident{'' if n == 1 else 's'} to {where} ({fmt})", timeout=6)
        self.dismiss(None)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(safe_line(message)))

    def action_cancel(self) -> None:
        self.dismiss(None)
