"""A yes/no question with a scrollable explanation (what a merge, a split or an unlink will do)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keymap
from tui.safe import safe_line


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question with a scrollable explanation (what will move, what will be removed)."""

    BINDINGS = keymap.bindings("confirm")
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
            yes, no = (" / ".join(keymap.labels(k, "confirm")) for k in ("confirm_yes", "confirm_no"))
            yield Static(Text(safe_line(self.question) + f"  {yes}: yes   {no}: no", style="bold"),
                         id="confirm-question")

    def on_mount(self) -> None:
        self.query_one("#confirm-body").focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
