"""The browser's screens, one module each, imported when first shown (start-up time):

* ``help``     keys of the focused pane and the query language
* ``facets``   counts among the current matches; enter adds a qualifier to the filter
* ``welcome``  an empty database: how to import, a key for the bundled samples
* ``confirm``  a yes/no question with its explanation (merge, split, unlink)
* ``prompts``  one line of text (tags, a note), a fuzzy picker, the actor picker with role and confidence
* ``edit``     the incident form
* ``review``   the review queue of pending same-event and alias decisions

Their bindings come from tui/keymap.py (each with an id, so a remap applies here too), and so do the key
names in their hint lines. A screen that runs a worker mixes in `ReportsWorkers`, so that a failed worker
ends in the App's one handler (`IncidexApp.on_worker_state_changed`), like the App's own workers.
"""
from __future__ import annotations


class ReportsWorkers:
    """Hands the state changes of this screen's workers to the App, which reports failures."""

    def on_worker_state_changed(self, event) -> None:
        self.app.on_worker_state_changed(event)
