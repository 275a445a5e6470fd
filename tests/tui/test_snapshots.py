"""Snapshots of each view and pane at 80x24 and 120x36 on the fixed fixture database.

Regenerate after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update` and review
the SVGs under tests/tui/__snapshots__/ before committing them."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.conftest import make_app, settle

SIZES = [(80, 24), (120, 36)]


def _before(*keys: str):
    async def run_before(pilot) -> None:
        for inp in pilot.app.query(Input):
            inp.cursor_blink = False
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, rounds=1)
        for inp in pilot.app.screen.query(Input):
            inp.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kwargs, keys", [
    pytest.param({}, (), id="incidents"),
    pytest.param({}, ("j", "enter"), id="incidents_detail_focused"),
    pytest.param({"query": "killnet"}, (), id="incidents_filtered"),
    pytest.param({"view": "actors", "query": "killnet"}, (), id="actors"),
    pytest.param({"view": "sources", "query": "lyon"}, (), id="sources"),
    pytest.param({}, ("question_mark",), id="help"),
    pytest.param({}, ("f",), id="facets"),
    pytest.param({}, ("slash", "y", "e", "a", "r", "colon", "x"), id="filter_hint"),
])
def test_snapshot(snap_compare, fixture_db, kwargs, keys, size):
    app = make_app(fixture_db, **kwargs)
    assert snap_compare(app, terminal_size=size, run_before=_before(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_welcome(snap_compare, empty_db, size):
    app = make_app(empty_db)
    assert snap_compare(app, terminal_size=size, run_before=_before())
