"""The review queue: pending decisions (alias collisions between actors, suggested same-event joins of
incidents), read by `Data.pending_decisions` in a worker; a accepts, r rejects, through tui/curate.py."""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui import keymap
from tui.messages import PendingLoaded
from tui.safe import Glyphs, safe_line
from tui.screens import ReportsWorkers


class ReviewScreen(ReportsWorkers, ModalScreen[None]):
    """Pending decisions: alias collisions between actors, same-event joins an import was not sure of (with
    its reasons). `a` accepts (the two incidents or actors merge), `r` rejects (not the same); the decision
    is stored."""

    BINDINGS = keymap.bindings("review")  # j/k are the keymap's cursor_down/cursor_up: a remap moves here too
    DEFAULT_CSS = """
    ReviewScreen OptionList { height: 1fr; border: none; }
    """

    def __init__(self, curation) -> None:
        super().__init__()
        self.curation = curation
        self.pending: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="review-box", classes="modal-box"):
            yield Static(Text("Review queue", style="bold"), id="review-title")
            yield OptionList(id="review-list", compact=True)
            accept, reject, down, up, close = (keymap.label(k, "review", plain=True) for k in (
                "review_accept", "review_reject", "cursor_down", "cursor_up", "review_close"))
            yield Static(Text(f"{accept} accept (same: incidents merge)   {reject} reject   {down}/{up} move   "
                              f"{close} close", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    @work(thread=True, group="review-load", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        self.post_message(PendingLoaded(describe_pending(self.app.data.pending_decisions())))

    def on_pending_loaded(self, msg: PendingLoaded) -> None:
        self.show_pending(msg.items)

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
        data = self.app.data
        accept = verdict == "same"
        # settled as `incidex review --accept/--reject` settles it (db.curation.settle): accepting merges
        # the two incidents or actors, rejecting records not_same, which later imports respect
        if accept:
            label = f"merged {entity}s {max(left, right)} into {min(left, right)}"
        else:
            label = f"{entity}s {left} and {right}: not the same"
        self.curation.write(label, lambda: data.settle_decision(d["id"], accept),
                            on_done=lambda _r: self.reload(), on_error=lambda _m: self.reload())

    def action_close(self) -> None:
        self.dismiss(None)


def describe_pending(pending: list[dict]) -> list[dict]:
    """Pending decisions (`Data.pending_decisions`) with both sides named, as option texts."""
    out = []
    for d in pending:
        ids = [d["left"], d["right"]]
        recs = d.pop("records")
        t = Text()
        if d["entity"] == "incident":
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
