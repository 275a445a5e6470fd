"""Every binding has an id and takes its keys from tui/keymap.py (modal screens included), the help and the
command palette name the remapped keys, and a worker that fails says so in a notice."""
from __future__ import annotations

import asyncio

from tests.tui.conftest import make_app, screen_text, settle
from tests.tui.test_curation import pending_db, press, type_text  # noqa: F401 - pending_db is a fixture

SIZE = (120, 36)


def shown(app, text: str) -> bool:
    """`text` is on screen, maybe wrapped over the lines of a toast."""
    import re

    words = r"\W+".join(re.escape(w) for w in text.split())
    return re.search(words, screen_text(app)) is not None


def _remap(monkeypatch, keys: dict[str, str]) -> None:
    from tui import keymap

    monkeypatch.setattr(keymap, "load_config", lambda path=None: {"keys": keys})


def test_every_binding_has_an_id_modal_screens_included():
    from tui.app import IncidexApp
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.edit import EditScreen
    from tui.screens.facets import FacetScreen
    from tui.screens.help import HelpScreen
    from tui.screens.prompts import LinkActorScreen, PickerScreen, PromptScreen
    from tui.screens.review import ReviewScreen
    from tui.screens.welcome import WelcomeScreen
    from tui.widgets.detail import DetailPane
    from tui.widgets.results import ResultList

    owners = (IncidexApp, ResultList, DetailPane, HelpScreen, FacetScreen, WelcomeScreen, ConfirmScreen,
              PromptScreen, PickerScreen, LinkActorScreen, EditScreen, ReviewScreen)
    for owner in owners:
        assert owner.BINDINGS, owner.__name__
        missing = [b.key for b in owner.BINDINGS if not getattr(b, "id", None)]
        assert not missing, f"{owner.__name__}: bindings without an id: {missing}"


async def test_the_review_queue_moves_with_a_remapped_key(pending_db, monkeypatch):  # noqa: F811
    from tui.screens.review import ReviewScreen

    _remap(monkeypatch, {"cursor_down": "n,down", "cursor_up": "p,up"})
    app = make_app(pending_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        assert isinstance(app.screen, ReviewScreen)
        ol = app.screen.query_one("#review-list")
        assert ol.highlighted == 0
        await press(pilot, "n")
        assert ol.highlighted == 1
        await press(pilot, "p")
        assert ol.highlighted == 0
        assert "n/p move" in screen_text(app)


async def test_help_and_palette_show_remapped_keys(fixture_db, monkeypatch):
    from textual.command import CommandPalette

    from tui.screens.help import HelpScreen

    _remap(monkeypatch, {"facets": "F", "help_close": "c,escape"})
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "c or esc closes this help" in text
        assert "F" in app.screen.query_one("#help-body").plain.split("Facets")[0].splitlines()[-1]
        await press(pilot, "c")
        assert not isinstance(app.screen, HelpScreen)
        await press(pilot, "colon")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "facets")
        await asyncio.sleep(0.3)
        await pilot.pause()
        text = screen_text(app)
        assert "Counts by type, actor, country, year (F)" in text and "year (f)" not in text


async def test_a_failing_worker_shows_a_one_line_notice(fixture_db, monkeypatch):
    from tui.data import Data
    from tui.screens.facets import FacetScreen

    def broken(self, view, query, cancel=None):
        raise OSError("disk went away")

    monkeypatch.setattr(Data, "facets", broken)
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FacetScreen)
        assert shown(app, "facets failed: disk went away"), screen_text(app)
        assert "nothing to count" in screen_text(app)
        assert app.is_running


async def test_a_failing_count_is_reported_not_swallowed(fixture_db, monkeypatch):
    from tui.data import Data

    def broken(self, view):
        raise OSError("the count went wrong")

    monkeypatch.setattr(Data, "total", broken)
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert shown(app, "counting failed: the count went wrong"), screen_text(app)
        assert app.is_running and app.browse().results.rows
