"""The incidex terminal browser (Textual). Imported lazily by `incidex browse` and `incidex demo`."""
from __future__ import annotations

import os

FPS = "200"
"""Textual repaints dirty widgets on a 60 Hz grid by default, so a result that arrives just after a frame
waits up to 17 ms for the next one. A frame here costs 2-10 ms, and frames only happen when something
changed, so a finer grid cuts key-to-screen latency without costing anything while idle."""


def run(db=None, **kwargs) -> None:
    import gc

    os.environ.setdefault("TEXTUAL_FPS", FPS)  # read once, when textual is first imported
    # Imports and the first frame make a million objects and would trigger ~50 ms full collections on
    # the way to the first frame; IncidexApp._settle_gc takes over after that frame.
    gc.disable()
    try:
        from tui.app import run as _run

        _run(db, **kwargs)
    finally:  # leave the interpreter as we found it (the CLI may be driven in-process, e.g. by tests)
        gc.unfreeze()
        gc.enable()
