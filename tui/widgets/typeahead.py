"""Type-ahead shared by the list and the detail pane: keys typed before focus moved go where meant."""
from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input


def redirect(widget: Widget, event: events.Key) -> bool:
    """Handle a key queued on `widget` that belongs to the filter; True when it was handled."""
    if event.key in getattr(widget.app, "filter_keys", ()):
        event.stop()
        event.prevent_default()
        widget.app.action_focus_filter()  # at once, not after the key bubbles up to the app
        return True
    focused = widget.screen.focused
    if focused is not widget and isinstance(focused, Input):
        event.stop()
        event.prevent_default()
        focused._forward_event(events.Key(event.key, event.character))
        return True
    return False
