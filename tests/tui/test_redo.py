"""Redo in the browser (issue 30): `ctrl+r` puts back the change `u` undid in this session, the screen
shows it, the database holds it; a new change after the undo clears the redo; refusals are one line.

Fixture incidents (tests/tui/conftest.py): #4 "Killnet DDoS on the hospital website" is the first row."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from db import queries
from db.engine import connect
from tests.tui.conftest import make_app, settle

SIZE = (120, 36)
TITLE = "Killnet DDoS on the hospital website"


def incident(path: str, ident: int) -> dict:
    conn = connect(Path(path))
    try:
        return queries.get_incident(conn, ident)
    finally:
        conn.close()


def notes_of(app) -> list[str]:
    seen: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot, rounds=1)
    await settle(pilot)


async def test_review_undo_redo_shows_the_review_back(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "ctrl+r")
        assert any(m.startswith("nothing to redo") for m in seen)
        await press(pilot, "v")
        assert "review reviewed" in app.browse().detail.plain
        await press(pilot, "u")
        assert "review auto" in app.browse().detail.plain
        await press(pilot, "ctrl+r")
        assert "review reviewed" in app.browse().detail.plain
        assert incident(fixture_db, 4)["review"] == "reviewed"
        await press(pilot, "u")  # the redone change undoes again
        assert "review auto" in app.browse().detail.plain
    assert incident(fixture_db, 4)["review"] == "auto"


async def test_edit_title_undo_redo_and_a_new_change_clears_the_redo(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "e")
        app.screen.query_one("#edit-title", Input).value = "Hospital site flooded"
        await press(pilot, "ctrl+s")
        assert "#4 Hospital site flooded" in app.browse().detail.plain
        await press(pilot, "u")
        assert f"#4 {TITLE}" in app.browse().detail.plain
        await press(pilot, "ctrl+r")
        assert "#4 Hospital site flooded" in app.browse().detail.plain
        assert "Hospital site flooded" in [r.title for r in app.browse().results.rows]
        await press(pilot, "u", "v")  # undo the edit, then a new change: nothing left to redo
        seen.clear()
        await press(pilot, "ctrl+r")
        assert any(m.startswith("nothing to redo") for m in seen)
        assert f"#4 {TITLE}" in app.browse().detail.plain
    inc = incident(fixture_db, 4)
    assert inc["title"] == TITLE and inc["review"] == "reviewed"


async def test_redo_key_is_in_the_help(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        text = app.screen.query_one("#help-body").plain
        assert "Redo the change undone last" in text and "ctrl+r" in text
