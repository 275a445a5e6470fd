"""The incidex terminal browser (Textual). Imported lazily by `incidex browse` and `incidex demo`."""
from __future__ import annotations


def run(db=None, **kwargs) -> None:
    from tui.app import run as _run

    _run(db, **kwargs)
