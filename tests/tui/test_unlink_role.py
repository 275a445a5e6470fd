"""Unlink one assertion (issue 29): `d` on an actor row of the detail pane removes that row's role only; an
actor with several roles keeps the others. The command line's `unlink --role` does the same."""
from __future__ import annotations

import json

from db import curation
from tests.tui.conftest import make_app, screen_text, settle
from tests.tui.test_curation import SIZE, db, incident, press, to_row
from tui.screens.confirm import ConfirmScreen


def _roles(path: str, ident: int, name: str) -> list[str]:
    return sorted(a["role"] for a in incident(path, ident)["actors"] if a["name"] == name)


def _add_role(path: str, ident: int, actor: int, role: str) -> str:
    conn = db(path)
    try:
        curation.link_actor(conn, ident, actor, role)
        return conn.execute("SELECT name FROM actor WHERE id = ?", (actor,)).fetchone()[0]
    finally:
        conn.close()


async def test_d_on_an_actor_row_removes_that_rows_role_only(fixture_db):
    name = _add_role(fixture_db, 1, 1, "perpetrator")  # actor 1 now has two roles on incident 1
    before = _roles(fixture_db, 1, name)
    assert len(before) == 2 and "perpetrator" in before
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 1)
        await pilot.press("enter")
        await settle(pilot)
        pane = app.browse().detail
        heading = next(i for i, (t, lk) in enumerate(pane.lines) if lk is None and t.plain.strip() == "Perpetrators")
        pane._move(next(i for i in range(heading, len(pane.lines)) if pane.lines[i][1] == ("actor", 1)))
        await settle(pilot)
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "as perpetrator" in text and "roles kept: " + [r for r in before if r != "perpetrator"][0] in text
        await press(pilot, "y")
        await settle(pilot)
    assert _roles(fixture_db, 1, name) == [r for r in before if r != "perpetrator"]


def test_unlink_role_on_the_command_line_keeps_the_other_roles(fixture_db, cli):
    name = _add_role(fixture_db, 1, 1, "perpetrator")
    before = _roles(fixture_db, 1, name)
    res = cli("unlink", "1", "--actor", "1", "--role", "perpetrator", "--json", "--db", fixture_db)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["removed"] == 1
    assert _roles(fixture_db, 1, name) == [r for r in before if r != "perpetrator"]
    again = cli("unlink", "1", "--actor", "1", "--role", "perpetrator", "--db", fixture_db)
    assert again.exit_code == 1 and "as perpetrator" in again.output
