"""Curation in the browser (issue 8): the glue that runs the curation actions in thread workers and the
state of one browser session (marks, the ids of the changes made here). The forms and confirmations it
opens live in tui/screens/ (edit, prompts, confirm, review).

Nothing here writes SQL nor opens a connection: every read and every change goes through a method of
`tui.data.Data` (each change one db.curation transaction, journalled for undo, on the write connection that
method opens, one write at a time). The ids of the changes made in this browser session are kept, so `u`
undoes only those, latest first, and `ctrl+r` redoes what `u` undid (a new change clears that). The workers answer with messages (tui/messages.py: CurationRead,
CurationDone, CurationFailed) that the App routes back here; after each write the app's own refresh path
(`refresh_all`) reloads the lists and the detail pane, keeping cursors and filters.

The app owns one `Curation` (``app.curation``) and routes every curation key to ``Curation.run(what)``
through one action, ``app.curate('<what>')``.
"""
from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from tui.data import Refused, Unavailable
from tui.messages import CurationDone, CurationFailed, CurationRead
from tui.safe import Glyphs, safe_line
from tui.screens.confirm import ConfirmScreen
from tui.screens.edit import EditScreen
from tui.screens.prompts import LinkActorScreen, PickerScreen, PromptScreen
from tui.screens.review import ReviewScreen

ACTIONS = ("edit", "mark", "clear_marks", "merge", "split", "unlink", "link_actor", "link_source", "tag", "note",
           "review", "queue", "undo", "redo")
COMMANDS = (("Edit incident", "Title, type, dates, status, summary", "edit", "edit"),
            ("Merge marked incidents", "After a confirmation", "merge", "merge"),
            ("Clear marks", "Unmark every marked incident", "clear_marks", None),
            ("Link actor", "To the incident, with a role and a confidence", "link_actor", "link_actor"),
            ("Link source", "To the incident", "link_source", "link_source"),
            ("Tag", "Tag the shown record", "tag", "tag"),
            ("Note", "Add a note to the shown record", "note", "note"),
            ("Mark reviewed", "Or back to not reviewed", "review", "review"),
            ("Review queue", "Pending same-event and alias decisions", "queue", "review_queue"),
            ("Undo", "The latest change made in this session", "undo", "undo"),
            ("Redo", "The change undone last in this session", "redo", "redo"))
"""Command palette entries: (title, help, action, binding id whose key the help names)."""


class Curation:
    """Curation state of one browser session (marks, the change ids made here) and its actions."""

    def __init__(self, app) -> None:
        self.app = app
        self.marks: dict[int, str] = {}
        self.session_changes: list[int] = []
        self.session_undone: list[int] = []  # the redo stack: undone here, the last one undone last
        self._installed: set[int] = set()
        self.actions: dict[str, Callable[[], None]] = {what: getattr(self, f"do_{what}") for what in ACTIONS}

    # --- entry point (app.action_curate) ----------------------------------------------------------
    def run(self, what: str) -> None:
        app = self.app
        if what not in ACTIONS:
            return
        if app.screen is not app.screen_stack[0] or app.welcome is not None:
            return  # a modal is open: its own keys apply
        if app.data.readonly:
            app.notify("this database is read-only: curation is not available", severity="warning")
            return
        self.actions[what]()

    def system_commands(self, key: Callable[[str], str]):
        """Command palette entries (`:`) for the curation actions; `key(id)` names a binding's key."""
        from textual.app import SystemCommand

        for title, help_text, what, ident in COMMANDS:
            yield SystemCommand(title, f"{help_text} ({key(ident)})" if ident else help_text,
                                lambda what=what: self.app.call_later(self.run, what))

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
    def write(self, label: str, fn: Callable[[], object], *, on_done: Callable | None = None,
              on_error: Callable | None = None) -> None:
        """Run fn() -> result dict(s) with a "change" id (a `Data` write method, on a connection of its own)
        in a thread worker; the outcome comes back as a CurationDone or CurationFailed message."""
        app = self.app

        def job() -> None:
            try:
                result = fn()
            except (Refused, Unavailable) as exc:
                app.post_message(CurationFailed(str(exc), on_error))
                return
            except Exception as exc:  # noqa: BLE001 - shown to the user, the app goes on
                app.post_message(CurationFailed(f"{label.split(':')[0]} failed: {exc}", on_error))
                return
            app.post_message(CurationDone(label, result, on_done))

        app.run_worker(job, name=f"curation-{label[:30]}", group="curation", thread=True, exclusive=False,
                       exit_on_error=False)

    def read(self, fn: Callable[[], object], then: Callable) -> None:
        """Run fn() (a `Data` read method) in a thread worker; `then(result)` on the UI thread."""
        app = self.app

        def job() -> None:
            try:
                app.data.prepare_curation()  # the ORM, off the UI thread, before forms need it
                result = fn()
            except Exception as exc:  # noqa: BLE001
                app.post_message(CurationFailed(f"cannot read: {exc}", None))
                return
            app.post_message(CurationRead(result, then))

        app.run_worker(job, name="curation-read", group="curation-read", thread=True, exclusive=False,
                       exit_on_error=False)

    def done(self, msg: CurationDone) -> None:
        results = msg.result if isinstance(msg.result, list) else [msg.result]
        for r in results:
            if isinstance(r, dict) and r.get("change"):
                self.session_changes.append(r["change"])
                self.session_undone.clear()  # a new change clears the redo, as in an editor (db.curation.redo)
        self.after_write()
        self.app.notify(safe_line(msg.label), timeout=4)
        if msg.on_done is not None:
            msg.on_done(msg.result)

    def failed(self, msg: CurationFailed) -> None:
        self.app.notify(safe_line(msg.text), severity="error", timeout=6)
        if msg.on_error is not None:
            msg.on_error(msg.text)

    def after_write(self) -> None:
        """Reload what a change may have touched: every view's list and the shown records."""
        app = self.app
        app.data.invalidate()
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
        data = self.app.data
        self.read(lambda: data.incident(ident), self._edit_form)

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
                           lambda: self.app.data.edit_incident(ident, values))

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
        app.keys_line()

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
        data = self.app.data
        self.read(lambda: data.incidents(ids), self._merge_confirm)

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
                       lambda: self.app.data.merge_incidents(ids), on_done=done)

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
                           lambda: self.app.data.split_source(inc_id, src_id), on_done=self._split_done)

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
            # One assertion: the role of the row under the cursor, not every role the actor has (a wrong
            # "perpetrator" goes, "suspected" stays); the question says which role goes and which stay.
            links = [a for a in rec["actors"] if a["id"] == other]
            name = links[0]["name"] if links else str(other)
            roles = sorted({a["role"] for a in links})
            role = self._row_role()
            role = role if role in roles else (roles[0] if len(roles) == 1 else None)
            if role is None:
                self._ask_role(inc_id, other, name, roles)
                return
            self._confirm_unlink_role(inc_id, other, name, role, [r for r in roles if r != role])
            return
        else:
            src = next((s for s in rec["sources"] if s["id"] == other), {})
            body = [Text.assemble(("source ", "bold"), f"[{other}] ", safe_line(src.get("title") or "(untitled)")),
                    Text("its automatic actor links go with it.", style="dim")]
            label = f"unlinked source {other} from incident {inc_id}"

            def fn():
                return self.app.data.unlink_source(inc_id, other)

        def answered(yes: bool) -> None:
            if yes:
                self.write(label, fn)

        self.app.push_screen(ConfirmScreen(f"Unlink from incident #{inc_id}?", body, "Unlink?"), answered)

    def _row_role(self) -> str | None:
        """The role heading the detail pane's cursor line is listed under (tui/render.py groups an
        incident's actors by role, a heading line without a link above each group)."""
        from db.records import ROLE_TITLES

        titles = {v: k for k, v in ROLE_TITLES.items()}
        pane = self.app.browse().detail
        for i in range(min(pane.cursor, len(pane.lines) - 1), -1, -1):
            text, link = pane.lines[i]
            if link is None:
                return titles.get(text.plain.strip(), text.plain.strip())
        return None

    def _ask_role(self, inc_id: int, actor: int, name: str, roles: list[str]) -> None:
        """Which of the actor's roles to remove, when the cursor line does not say."""
        def chosen(value) -> None:
            if value:
                self._confirm_unlink_role(inc_id, actor, name, value, [r for r in roles if r != value])

        self.app.push_screen(PickerScreen(f"Which role of {safe_line(name)} to unlink from #{inc_id}?",
                                          items=[(r, r) for r in roles]), chosen)

    def _confirm_unlink_role(self, inc_id: int, actor: int, name: str, role: str, kept: list[str]) -> None:
        body = [Text.assemble(("actor ", "bold"), safe_line(name), f"  (#{actor})"),
                Text(f"role removed: {role}", style="dim"),
                Text(f"roles kept: {', '.join(kept) or '-'}", style="dim")]

        def answered(yes: bool) -> None:
            if yes:
                self.write(f"unlinked actor {safe_line(name)} as {role} from incident {inc_id}",
                           lambda: self.app.data.unlink_actor(inc_id, actor, role))

        self.app.push_screen(ConfirmScreen(f"Unlink {safe_line(name)} as {role} from incident #{inc_id}?", body,
                                           "Unlink this role?"), answered)

    # --- linking ---------------------------------------------------------------------------------------
    def _search(self, view: str, limit: int = 30) -> Callable[[str], list[tuple[object, str]]]:
        """A picker's search (`Data.lookup`: fuzzy, aliases, typo correction), run in the picker's worker,
        as (value, label) items."""
        data = self.app.data

        def run(query: str) -> list[tuple[object, str]]:
            found = data.lookup(view, query, limit)
            items: list[tuple[object, str]] = []
            if view == "actors":
                for h, a in found:
                    a = a or {}
                    aka = [x for x in a.get("aliases") or [] if x.casefold() != (h.title or "").casefold()]
                    label = f"{h.title}  ({a.get('kind') or 'unknown'})"
                    if aka:
                        label += "  aka " + ", ".join(aka[:4])
                    items.append((h.id, label))
                q = query.strip()
                if q and not any((h.title or "").casefold() == q.casefold() for h, _ in found):
                    items.append((("new", q), f"+ new actor named {q!r}"))
            else:
                for h, _ in found:
                    items.append((h.id, f"[{h.id}] {h.date or Glyphs.dash}  {h.title or '(untitled)'}"))
            return items

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
                       lambda: self.app.data.link_actor(ident, ref, role, confidence))

        self.app.push_screen(LinkActorScreen(f"Link an actor to incident #{ident}", search=self._search("actors")),
                             chosen)

    def do_link_source(self) -> None:
        ident = self._need_incident()
        if ident is None:
            return

        def chosen(value) -> None:
            if value:
                self.write(f"linked source {value} to incident {ident}",
                           lambda: self.app.data.link_source(ident, int(value)))

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

            def fn():
                return self.app.data.retag(entity, ident, add, remove)

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
                self.write(f"note added to {entity} {ident}", lambda: self.app.data.note(entity, ident, value))

        self.app.push_screen(PromptScreen(f"Note on {entity} #{ident}", "One line; notes show in the detail pane.",
                                          check=lambda v: None if v.strip() else "the note is empty"), chosen)

    def do_review(self) -> None:
        ident = self._need_incident()
        if ident is None:
            return
        s = self.shown()
        reviewed = not (s and s[0] == "incident" and s[1] == ident and s[2].get("review") == "reviewed")
        self.write(f"incident {ident} marked {'reviewed' if reviewed else 'not reviewed (auto)'}",
                   lambda: self.app.data.review(ident, reviewed))

    def do_queue(self) -> None:
        self.app.push_screen(ReviewScreen(self))

    # --- undo ------------------------------------------------------------------------------------------
    def do_undo(self) -> None:
        if not self.session_changes:
            self.app.notify("nothing to undo (only changes made in this browser session are undone here)")
            return
        change = self.session_changes[-1]

        def fn():
            return self.app.data.undo(change)

        def done(result: dict) -> None:
            if self.session_changes and self.session_changes[-1] == change:
                self.session_changes.pop()
            self.session_undone.append(change)

        def failed(msg: str) -> None:
            if msg.startswith(f"no change {change}") and self.session_changes and self.session_changes[-1] == change:
                self.session_changes.pop()  # undone elsewhere already

        self.write_undo(change, fn, done, failed)

    def write_undo(self, change: int, fn, done, failed) -> None:
        def on_done(result):
            done(result)
            self.app.notify(safe_line(f"undone: {result.get('undone', change)}"), timeout=4)

        # the undo's result carries no new change id: `done` must not push one
        self.write("undo", lambda: {**fn(), "change": None}, on_done=on_done, on_error=failed)

    def do_redo(self) -> None:
        """`ctrl+r`: redo the change undone last by `u` in this session (db.curation.redo refuses when a
        change was made after that undo, here or by another process)."""
        if not self.session_undone:
            self.app.notify("nothing to redo (only changes undone in this browser session are redone here)")
            return
        change = self.session_undone[-1]

        def on_done(result: dict) -> None:
            if self.session_undone and self.session_undone[-1] == change:
                self.session_undone.pop()
            self.session_changes.append(change)  # it can be undone again
            self.app.notify(safe_line(f"redone: {result.get('redone', change)}"), timeout=4)

        def failed(msg: str) -> None:
            if f"no change {change} to redo" in msg:  # a change made since, or redone elsewhere: nothing to redo
                self.session_undone.clear()

        # like an undo's, the redo's result carries no new change id: `done` must not push one
        self.write("redo", lambda: {**self.app.data.redo(change), "change": None}, on_done=on_done, on_error=failed)


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
