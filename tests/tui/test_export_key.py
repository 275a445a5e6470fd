"""Export from the browser (issue 30): ctrl+e and the palette's "Export" write the incidents of the incidents
view's filter to a file in a format of the command line's, and a notification says how many, where and in
which format; a missing folder, an existing file and the database itself each get one line in the form."""
from __future__ import annotations

import asyncio
import csv
import json

from tests.tui.conftest import make_app, settle, type_query
from tui.screens.export import ExportScreen

SIZE = (120, 36)


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


async def set_path(pilot, text: str) -> None:
    """Replace the form's file name by `text` (as typed after tab)."""
    field = pilot.app.screen.query_one("#export-path")
    await press(pilot, "tab")
    assert pilot.app.focused is field
    field.value = text
    await pilot.pause()


def form_error(app) -> str:
    return str(app.screen.query_one("#export-error").render())


def listed_ids(app) -> list[int]:
    return sorted(r.id for r in app.browse("incidents").results.rows)


def csv_ids(path) -> list[int]:
    with open(path, encoding="utf-8", newline="") as fh:
        return sorted(int(row["id"]) for row in csv.DictReader(fh))


async def test_ctrl_e_exports_the_filtered_incidents_as_csv(fixture_db, tmp_path):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "killnet")
        await press(pilot, "enter")  # to the results, as a user leaves the filter
        expected = listed_ids(app)
        assert len(expected) == 2  # the ministries and the hospital website, not the other two
        notes = notes_of(app)
        await press(pilot, "ctrl+e")
        assert isinstance(app.screen, ExportScreen)
        await press(pilot, "down")  # json -> csv
        name = app.screen.query_one("#export-path").value
        assert name.startswith("incidex-incidents-") and name.endswith(".csv")
        await press(pilot, "enter")
        assert not isinstance(app.screen, ExportScreen)
        out = tmp_path / name
        assert csv_ids(out) == expected
        assert not list(tmp_path.glob("*.part"))
        assert notes[-1] == f"exported 2 incidents to {out} (csv)"


async def test_palette_export_writes_the_incidents_view_filter_from_another_view(fixture_db, tmp_path):
    from textual.command import CommandPalette

    app = make_app(fixture_db, query="lyon")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = listed_ids(app)
        assert len(expected) == 1
        await press(pilot, "2")  # the actors view: the export still writes the incidents view's filter
        assert app.current_view == "actors"
        notes = notes_of(app)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        for ch in "export":
            await pilot.press(ch)
        await asyncio.sleep(0.3)
        await pilot.pause()
        await press(pilot, "enter")
        assert isinstance(app.screen, ExportScreen)
        assert "from the incidents view" in str(app.screen.query_one("#export-box").query("Static")[1].render())
        await press(pilot, "down")
        await press(pilot, "enter")
        out = next(tmp_path.glob("incidex-incidents-*.csv"))
        assert csv_ids(out) == expected
        assert notes[-1] == f"exported 1 incident to {out} (csv)"


async def test_a_missing_folder_gives_one_line_and_no_file(fixture_db, tmp_path):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+e")
        await set_path(pilot, "no-such-folder/out.json")
        await press(pilot, "enter")
        assert isinstance(app.screen, ExportScreen)  # the form stays open to correct the name
        line = form_error(app)
        assert "\n" not in line and "cannot write" in line and "no-such-folder" in line
        assert not (tmp_path / "no-such-folder").exists()
        assert not list(tmp_path.rglob("out.json*"))
        await press(pilot, "escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_the_database_file_is_refused_and_left_intact(fixture_db, tmp_path):
    db = tmp_path / fixture_db
    before = db.read_bytes()
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in (fixture_db, fixture_db + "-wal"):
            await press(pilot, "ctrl+e")
            await set_path(pilot, name)
            await press(pilot, "enter")
            await press(pilot, "enter")  # not even when asked twice, as an existing file would be
            assert isinstance(app.screen, ExportScreen)
            assert "is the database" in form_error(app)
            await press(pilot, "escape")
    assert db.read_bytes() == before


async def test_an_existing_file_is_replaced_only_after_a_second_enter(fixture_db, tmp_path):
    out = tmp_path / "mine.json"
    out.write_text("keep me", encoding="utf-8")
    app = make_app(fixture_db, query="ransomware")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = listed_ids(app)
        await press(pilot, "ctrl+e")
        await set_path(pilot, "mine.json")
        await press(pilot, "enter")
        assert isinstance(app.screen, ExportScreen)
        assert "exists" in form_error(app)
        assert out.read_text(encoding="utf-8") == "keep me"
        await press(pilot, "enter")
        assert not isinstance(app.screen, ExportScreen)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(i["id"] for i in data["incidents"]) == expected
