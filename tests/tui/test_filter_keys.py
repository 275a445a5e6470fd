"""The filter bar's keys (issue 30), as an fzf or vim user expects them: `esc` leaves the filter and keeps the
query (a second `esc` in the list clears it), `enter` goes to the results, up/down, ctrl+n/ctrl+p and
ctrl+j/ctrl+k move the list while typing (the detail pane follows), and `tab` never destroys a query."""
from __future__ import annotations

import pytest

from tests.tui.conftest import make_app, screen_text, settle, type_query
from tui.widgets.browse import FilterInput
from tui.widgets.detail import DetailPane
from tui.widgets.results import ResultList

SIZE = (120, 36)
HOSPITAL = ["Killnet DDoS on the hospital website", "Ransomware attack on Paris hospital group"]


def titles(app) -> list[str]:
    return [r.title for r in app.browse().results.rows]


def detail_title(app) -> str:
    """The first line the detail pane shows ("#1 Fibre optic cables cut in Lyon")."""
    return next(line.strip() for line in app.browse().detail.plain.splitlines() if line.strip())


def filter_line(app) -> str:
    """The filter bar's line as the screen shows it (its row of the screen)."""
    return next(line for line in screen_text(app).splitlines() if "Incidents" in line and "of" in line)


async def test_escape_leaves_the_filter_and_keeps_the_query_a_second_escape_clears_it(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "lyon")
        assert isinstance(app.focused, FilterInput)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, ResultList)
        assert app.browse().filter.value == "lyon"
        assert "lyon" in filter_line(app) and "1 of 4" in filter_line(app)
        assert titles(app) == ["Fibre optic cables cut in Lyon"]
        await pilot.press("escape")  # in the list: clears the query, the list shows everything again
        await settle(pilot)
        assert app.browse().filter.value == ""
        assert isinstance(app.focused, ResultList)
        assert "4 of 4" in filter_line(app) and len(titles(app)) == 4


@pytest.mark.parametrize("key, expected_view", [("2", "actors"), ("f", None), ("q", None)])
async def test_after_escape_the_next_key_is_a_command_not_typed(fixture_db, key, expected_view):
    from tui.screens.facets import FacetScreen

    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "lyon")
        await pilot.press("escape", key)
        await settle(pilot)
        assert app.browse("incidents").filter.value == "lyon"
        if key == "2":
            assert app.current_view == "actors" and "2 Actors" in screen_text(app)
        elif key == "f":
            assert isinstance(app.screen, FacetScreen)
        else:
            assert not app.is_running


async def test_enter_in_the_filter_goes_to_the_results_and_keeps_the_query(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "hospital")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ResultList)
        assert app.browse().filter.value == "hospital"
        assert titles(app) == HOSPITAL


@pytest.mark.parametrize("down, up", [("down", "up"), ("ctrl+n", "ctrl+p"), ("ctrl+j", "ctrl+k")])
async def test_keys_move_the_list_while_typing_and_the_detail_follows(fixture_db, down, up):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "hospital")
        results = app.browse().results
        assert results.cursor == 0 and HOSPITAL[0] in detail_title(app)
        await pilot.press(down)
        await settle(pilot)
        assert isinstance(app.focused, FilterInput)
        assert app.browse().filter.value == "hospital"
        assert results.cursor == 1 and HOSPITAL[1] in detail_title(app)
        await pilot.press("home", up)  # ctrl+k is Input's "delete to the end" elsewhere: not here
        await settle(pilot)
        assert app.browse().filter.value == "hospital"
        assert results.cursor == 0 and HOSPITAL[0] in detail_title(app)
        await pilot.press("end", "s")  # still typing into the filter
        await settle(pilot)
        assert app.browse().filter.value == "hospitals"


async def test_tab_into_the_filter_keeps_the_query_and_typing_appends(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "type:ddos")
        await pilot.press("enter")
        assert isinstance(app.focused, ResultList)
        await pilot.press("tab", "tab")  # detail pane, then the filter
        assert isinstance(app.focused, FilterInput)
        await pilot.press("space", "k", "i", "l")
        await settle(pilot)
        assert app.browse().filter.value == "type:ddos kil"
        await pilot.press("escape", "shift+tab")  # back from the list into the filter
        assert isinstance(app.focused, FilterInput)
        await pilot.press("l")
        await settle(pilot)
        assert app.browse().filter.value == "type:ddos kill"
        await pilot.press("escape", "slash", "n")  # `/` does not select the query either
        await settle(pilot)
        assert app.browse().filter.value == "type:ddos killn"
        assert "type:ddos killn" in filter_line(app)


async def test_the_filter_keys_are_remappable(fixture_db):
    from tui import keymap

    cfg = keymap.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[keys]\nfilter_down = "ctrl+b"\nfilter_leave = "ctrl+g"\n', encoding="utf-8")
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "hospital")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert app.browse().results.cursor == 1 and HOSPITAL[1] in detail_title(app)
        await pilot.press("ctrl+g")
        assert isinstance(app.focused, ResultList) and app.browse().filter.value == "hospital"


async def test_the_help_of_the_filter_lists_its_keys(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.action_help()  # `?` in the filter is typed into it
        await settle(pilot)
        help_text = app.screen.query_one(DetailPane).plain
        assert "Help: filter bar" in screen_text(app)
        for words in ("leave the filter, keep the query", "go to the results", "ctrl+n", "ctrl+j", "ctrl+p",
                      "ctrl+k"):
            assert words in help_text, words


async def test_editing_keys_and_letters_in_one_read_apply_in_the_order_typed(fixture_db):
    """A fast typist over SSH: `hospital`, eight backspaces and `lyon` arrive in one read. The letters went in
    at once and the backspaces (Input's bindings) ran after them: the filter said `hosp`."""
    from textual import events

    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "hospital")
        bar = app.browse().filter
        for _ in range(8):  # queued on the bar before any of them is handled, as one terminal read does
            bar.post_message(events.Key("backspace", None))
        for c in "lyon":
            bar.post_message(events.Key(c, c))
        await settle(pilot)
        assert bar.value == "lyon"
        assert "1 of 4" in filter_line(app) and titles(app) == ["Fibre optic cables cut in Lyon"]
