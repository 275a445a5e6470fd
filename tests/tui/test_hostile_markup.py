"""Article text is data, never markup: a title carrying Textual/Rich markup (`[@click=...]`, `[b]`,
`[reverse]`) is shown as the characters it is in every notification, and clicking it runs nothing."""
from __future__ import annotations

import pytest

from tests.tui.conftest import documents, make_app, screen_text, settle

SIZE = (160, 36)


def _hostile_db(path, title: str) -> None:
    from db import store
    from db.engine import connect

    docs = documents()
    docs[0].drafts[0].title = title  # the Lyon cuts: incident #1, first in the "lyon" filter
    conn = connect(path)
    try:
        for doc in docs:
            store.store_document(conn, doc)
    finally:
        conn.close()


def _find(screen: str, needle: str) -> tuple[int, int]:
    for y, line in enumerate(screen.splitlines()):
        x = line.find(needle)
        if x >= 0:
            return x, y
    raise AssertionError(f"{needle!r} is not on the screen:\n{screen}")


@pytest.mark.parametrize("action", ["app.screenshot('p.svg','.')", "app.quit"])
async def test_copy_notification_shows_a_hostile_title_literally_and_clicking_it_runs_nothing(
        tmp_path, monkeypatch, action):
    monkeypatch.chdir(tmp_path)
    title = f"X [@click={action}]QQQ[/] [b]B[/b] [reverse]R[/]"
    _hostile_db(tmp_path / "h.db", title)
    app = make_app("h.db", query="lyon")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        screen = screen_text(app)
        # the notification shows the markup as typed (the toast may wrap it, so look line by line)
        assert "copied: #1 X [@click=" in screen, screen
        assert "QQQ[/] [b]B[/b]" in screen, screen
        x, y = _find(screen, "QQQ")
        await pilot.click(offset=(x + 1, y))
        await pilot.pause()
        await settle(pilot)
        assert app.is_running  # [@click=app.quit] did not quit
        assert not list(tmp_path.rglob("*.svg"))  # [@click=app.screenshot(...)] wrote nothing
        # the app goes on: the list is still there and answers keys
        await pilot.press("j")
        await settle(pilot)
        assert app.is_running


async def test_curation_notifications_show_tags_literally(tmp_path, monkeypatch):
    """A notification built from what the analyst typed (a tag) is plain text too."""
    monkeypatch.chdir(tmp_path)
    _hostile_db(tmp_path / "h.db", "Fibre optic cables cut in Lyon")
    app = make_app("h.db", query="lyon")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        for ch in "[reverse]zz[/]":
            await pilot.press({"[": "left_square_bracket", "]": "right_square_bracket", "/": "slash"}.get(ch, ch))
        await pilot.press("enter")
        await settle(pilot)
        screen = screen_text(app)
        assert "tags of incident 1: +[reverse]zz[/]" in screen, screen
