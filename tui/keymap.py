"""The browser's keys, as data.

Every binding has an id; a user remaps it in ``platformdirs.user_config_dir("incidex")/config.toml``::

    [keys]
    quit = "x"                 # one key
    cursor_down = "j,down,n"   # or several, comma separated (Textual key names)

The scopes say where a binding lives: ``app`` (anywhere), ``list`` (the result list), ``detail`` (the
detail pane), ``filter`` (the filter bar), and one scope per modal screen (``help``, ``facets``, ``confirm``, ``prompt``, ``picker``,
``edit``, ``review``). The screens take their bindings from here (`bindings(scope)`), and the help screen,
the command palette and the screens' key hints take their key names from here too (`label`, `labels`), so a
remap shows everywhere. Keys that do not survive SSH or tmux (ctrl+enter, shift+enter, ctrl+h) are not used.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str
    keys: str
    action: str
    description: str
    scope: str = "app"
    show: bool = False
    priority: bool = False
    key_display: str | None = None


KEYS: tuple[Key, ...] = (
    # anywhere
    Key("view_incidents", "1", "view('incidents')", "Incidents view", show=True),
    Key("view_actors", "2", "view('actors')", "Actors view", show=True),
    Key("view_sources", "3", "view('sources')", "Sources view", show=True),
    Key("filter", "slash", "focus_filter", "Filter", show=True, key_display="/"),
    Key("facets", "f", "facets", "Facets", show=True),
    Key("sort", "s", "sort", "Sort", show=True),
    Key("copy", "y", "copy", "Copy the record as a Markdown citation with its URLs"),
    Key("copy_id", "Y", "copy_id", "Copy the record's id"),
    Key("export", "ctrl+e", "export", "Export the incidents of the filter to a file (json, csv, stix, misp, markdown)"),
    Key("wide", "z", "toggle_wide", "Give the list the whole width (hide the detail pane; again: show it)"),
    Key("refresh", "r", "refresh", "Refresh"),
    Key("back", "backspace,left_square_bracket", "back", "Back", key_display="["),
    Key("forward", "right_square_bracket", "forward", "Forward", key_display="]"),
    Key("next_pane", "tab", "cycle_pane(1)", "Next pane"),
    Key("previous_pane", "shift+tab", "cycle_pane(-1)", "Previous pane"),
    Key("escape", "escape", "back_out", "Back out (leave the detail pane; in the list, clear the filter)"),
    Key("help", "question_mark", "help", "Help", show=True, key_display="?"),
    Key("palette", "colon,ctrl+p", "command_palette", "Commands", key_display=":"),
    Key("import_samples", "i", "import_samples", "Import the bundled samples (welcome screen)"),
    Key("quit", "q", "quit_if_idle", "Quit", show=True),
    Key("force_quit", "ctrl+q", "quit", "Quit (always)", priority=True),
    # curation (tui/curate.py): on the record in the detail pane, or the list's row in the incidents view
    Key("edit", "e", "curate('edit')", "Edit the incident: title, type, dates, status, summary"),
    Key("mark", "m", "curate('mark')", "Mark or unmark the incident for a merge"),
    Key("merge", "M", "curate('merge')", "Merge the marked incidents (after a confirmation)"),
    Key("link_actor", "l", "curate('link_actor')", "Link an actor to the incident (role, confidence)"),
    Key("link_source", "L", "curate('link_source')", "Link a source to the incident"),
    Key("tag", "t", "curate('tag')", "Tag the record (-name removes a tag)"),
    Key("note", "n", "curate('note')", "Add a note to the record"),
    Key("review", "v", "curate('review')", "Mark the incident reviewed (again: not reviewed)"),
    Key("review_queue", "R", "curate('queue')", "Review queue: pending same-event and alias decisions"),
    Key("undo", "u", "curate('undo')", "Undo the latest change made in this session"),
    Key("redo", "ctrl+r", "curate('redo')", "Redo the change undone last in this session"),
    # the filter bar (tui/widgets/browse.py), as in fzf: the list moves while you type, esc keeps the query
    Key("filter_results", "enter", "results", "Go to the results", "filter"),
    Key("filter_leave", "escape", "leave", "Leave the filter, keep the query (esc in the list clears it)",
        "filter"),
    Key("filter_down", "down,ctrl+n,ctrl+j", "move(1)", "Move the list down while typing", "filter"),
    Key("filter_up", "up,ctrl+p,ctrl+k", "move(-1)", "Move the list up while typing", "filter"),
    # the result list and the detail pane share the movement ids, so one remap moves both
    Key("cursor_down", "j,down", "cursor_down", "Down", "list"),
    Key("cursor_up", "k,up", "cursor_up", "Up", "list"),
    Key("top", "g,home", "top", "First row", "list"),
    Key("bottom", "G,end", "bottom", "Last row", "list"),
    Key("page_down", "ctrl+d,pagedown", "page_down", "Half page down", "list"),
    Key("page_up", "ctrl+u,pageup", "page_up", "Half page up", "list"),
    Key("open", "enter", "open", "Open the detail pane", "list"),
    Key("cursor_down", "j,down", "cursor_down", "Down", "detail"),
    Key("cursor_up", "k,up", "cursor_up", "Up", "detail"),
    Key("top", "g,home", "top", "Top", "detail"),
    Key("bottom", "G,end", "bottom", "Bottom", "detail"),
    Key("page_down", "ctrl+d,pagedown", "page_down", "Half page down", "detail"),
    Key("page_up", "ctrl+u,pageup", "page_up", "Half page up", "detail"),
    Key("open", "enter", "open", "Open the linked actor, source or incident", "detail"),
    Key("split", "x", "app.curate('split')", "Split the source under the cursor out into a new incident", "detail"),
    Key("unlink", "d", "app.curate('unlink')", "Unlink the actor or source under the cursor", "detail"),
    # the welcome screen of an empty database (tui/screens/welcome.py)
    Key("import_samples", "i", "app.import_samples", "Import samples", "welcome", show=True),
    Key("quit", "q,escape", "app.quit", "Quit", "welcome", show=True),
    # modal screens (tui/screens/): the help, the facets, the curation forms and the review queue
    Key("help_close", "escape,q,question_mark", "dismiss", "Close", "help", show=True),
    Key("facets_close", "escape,q,f", "dismiss", "Close", "facets", show=True),
    Key("confirm_yes", "y,enter", "answer(True)", "Yes", "confirm", show=True),
    Key("confirm_no", "n,escape", "answer(False)", "No", "confirm", show=True),
    Key("prompt_cancel", "escape", "cancel", "Cancel", "prompt", show=True),
    Key("picker_cancel", "escape", "cancel", "Cancel", "picker", show=True),
    Key("picker_down", "down,ctrl+n", "move(1)", "Down", "picker"),
    Key("picker_up", "up,ctrl+p", "move(-1)", "Up", "picker"),
    Key("edit_cancel", "escape", "cancel", "Cancel", "edit", show=True),
    Key("edit_save", "ctrl+s", "save", "Save", "edit", show=True),
    Key("edit_pick_type", "f2,ctrl+o", "pick_type", "Pick a type", "edit", show=True),
    Key("review_accept", "a", "decide('same')", "Accept (same)", "review", show=True),
    Key("review_reject", "r", "decide('not_same')", "Reject (not the same)", "review", show=True),
    # the queue moves with the list's and the pane's ids: one remap of cursor_down moves all three
    Key("cursor_down", "j", "move(1)", "Down", "review"),
    Key("cursor_up", "k", "move(-1)", "Up", "review"),
    Key("review_close", "escape,q", "close", "Close", "review", show=True),
)

IDS = frozenset(k.id for k in KEYS)


def bindings(scope: str) -> list[Binding]:
    return [Binding(k.keys, k.action, k.description, show=k.show, key_display=k.key_display,
                    priority=k.priority, id=k.id) for k in KEYS if k.scope == scope]


def _key(ident: str, scope: str) -> Key:
    return next(k for k in KEYS if k.id == ident and k.scope == scope)


PLAIN_NAMES = {"escape": "esc", "enter": "enter", "up": "up", "down": "down", "left": "left", "right": "right",
               "tab": "tab", "space": "space"}
"""Key names as the screens' hint lines spell them ("enter", "up/down"), where Textual's `format_key` draws
symbols."""


def labels(ident: str, scope: str = "app", overrides: dict[str, str] | None = None,
           plain: bool = True) -> list[str]:
    """Every key of a binding as the hint lines name it (`plain`) or as Textual draws it, with the user's
    remap applied."""
    from textual.keys import format_key

    overrides = user_keymap()[0] if overrides is None else overrides
    keys = [x.strip() for x in overrides.get(ident, _key(ident, scope).keys).split(",") if x.strip()]
    return [(PLAIN_NAMES.get(x) if plain else None) or format_key(x) for x in keys]


def label(ident: str, scope: str = "app", overrides: dict[str, str] | None = None, plain: bool = False) -> str:
    """The first key of a binding, as the key line, the palette and the hint lines show it (its
    `key_display` unless the user remapped it)."""
    overrides = user_keymap()[0] if overrides is None else overrides
    k = _key(ident, scope)
    if k.key_display and ident not in overrides:
        return k.key_display
    return labels(ident, scope, overrides, plain)[0]


def spoken(ident: str, scope: str = "app") -> str:
    """All keys of a binding as a phrase: "esc, q or ?"."""
    names = labels(ident, scope)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def actions(scope: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """key -> action of a scope's bindings, with the user's remap applied (for widgets that must act on a
    key at once, before it bubbles up to Textual's bindings: the filter bar)."""
    overrides = user_keymap()[0] if overrides is None else overrides
    out: dict[str, str] = {}
    for k in KEYS:
        if k.scope == scope:
            for key in overrides.get(k.id, k.keys).split(","):
                if key.strip():
                    out.setdefault(key.strip(), k.action)
    return out


def describe(scope: str) -> list[tuple[str, str]]:
    """(keys, description) for the help screen, with the user's overrides applied."""
    from textual.keys import format_key

    overrides = load_config().get("keys", {})
    out = []
    for k in KEYS:
        if k.scope != scope:
            continue
        keys = overrides.get(k.id, k.keys)
        out.append((", ".join(format_key(x.strip()) for x in keys.split(",")), k.description))
    return out


def config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("incidex", appauthor=False)) / "config.toml"


_CACHE: dict[str, tuple[float, dict]] = {}


def load_config(path: Path | None = None) -> dict:
    """The config file as a dict ({} when absent); a broken file is reported by `config_problems`."""
    path = path or config_path()
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return {}
    cached = _CACHE.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        import tomllib
    except ImportError:  # Python 3.10: tomli is its dependency there (pyproject)
        import tomli as tomllib  # type: ignore[no-redef]

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {"_error": f"{path}: not valid TOML (ignored)"}
    _CACHE[str(path)] = (mtime, data)
    return data


def user_keymap(config: dict | None = None) -> tuple[dict[str, str], list[str]]:
    """The `[keys]` table as a Textual keymap (binding id -> keys), and problems to show the user."""
    config = load_config() if config is None else config
    problems = [config["_error"]] if "_error" in config else []
    keys = config.get("keys", {})
    if not isinstance(keys, dict):
        return {}, problems + ["[keys] must be a table (ignored)"]
    out = {}
    for ident, value in keys.items():
        if ident not in IDS:
            problems.append(f"[keys] {ident}: no such binding (ignored)")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"[keys] {ident}: expected a string such as \"x\" or \"j,down\" (ignored)")
        else:
            out[ident] = ",".join(v.strip() for v in value.split(",") if v.strip())
    return out, problems
