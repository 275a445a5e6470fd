"""Curation in the browser (issue 8): pilot tests of every curation key, including the refusals, with the
database checked afterwards through db.queries; snapshots of the edit form, the merge confirmation and the
review queue at 80x24.

Fixture incidents (tests/tui/conftest.py), newest first in the list: #4 Killnet DDoS on the hospital
website, #3 Ransomware attack on Paris hospital group, #2 DDoS attack on French ministries, #1 Fibre optic
cables cut in Lyon. #3 and #4 share source 3."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from db import queries
from db.engine import connect
from tests.tui.conftest import make_app, screen_text, settle
from tui.screens.confirm import ConfirmScreen
from tui.screens.edit import EditScreen
from tui.screens.prompts import LinkActorScreen, PickerScreen, PromptScreen
from tui.screens.review import ReviewScreen

SIZE = (120, 36)


def db(path: str):
    return connect(Path(path))


def incident(path: str, ident: int) -> dict:
    conn = db(path)
    try:
        return queries.get_incident(conn, ident)
    finally:
        conn.close()


def notes_of(app) -> list[str]:
    """Capture the app's notifications (messages) from now on."""
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


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot)


async def to_row(pilot, ident: int) -> None:
    """Put the incidents list's cursor on incident `ident`."""
    lst = pilot.app.browse("incidents").results
    lst._move(next(i for i, r in enumerate(lst.rows) if r.id == ident))
    await settle(pilot)


async def to_detail_link(pilot, link: tuple[str, int]) -> None:
    """Focus the detail pane and put its cursor on the first line linking to `link`."""
    app = pilot.app
    await pilot.press("enter")
    await settle(pilot)
    pane = app.browse().detail
    assert app.focused is pane
    pane._move(next(i for i, (_t, lk) in enumerate(pane.lines) if lk == tuple(link)))
    await settle(pilot)


# --- edit ------------------------------------------------------------------------------------------------

async def test_edit_form_saves_title_type_dates_status_summary(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.browse().results.current.id == 4
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, EditScreen)
        assert form.query_one("#edit-title", Input).value == "Killnet DDoS on the hospital website"
        # the title typed with keys (the form opens with the title focused, cursor at the end)
        await type_text(pilot, " (edited)")
        form.query_one("#edit-type", Input).value = "ransomware"  # a unique subtype is enough
        form.query_one("#edit-date_start", Input).value = "2023-11-02"
        form.query_one("#edit-status", Select).value = "confirmed"
        form.query_one("#edit-summary", Input).value = "Website down for a day."
        await press(pilot, "enter")
        assert not isinstance(app.screen, EditScreen)
        await settle(pilot)
    inc = incident(fixture_db, 4)
    assert inc["title"] == "Killnet DDoS on the hospital website (edited)"
    assert inc["type"] == "malicious-code/ransomware"
    assert (inc["date"], inc["date_precision"]) == ("2023-11-02", "day")  # precision follows the date
    assert inc["status"] == "confirmed" and inc["summary"] == "Website down for a day."
    assert {"title", "type", "date_start", "status", "summary"} <= set(inc["edited_fields"])


async def test_edit_refreshes_list_and_detail(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        app.screen.query_one("#edit-title", Input).value = "Renamed incident"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "Renamed incident" in [r.title for r in app.browse().results.rows]
        assert "#4 Renamed incident" in app.browse().detail.plain


@pytest.mark.parametrize("field, value, message", [
    ("date_start", "2024-13-40", "not a date: '2024-13-40'"),
    ("date_start", "2024-02-30", "no such day: 2024-02-30"),
    ("date_end", "2020-01-01", "the end date is before the start date"),
    ("type", "cyber/nonsense", "unknown type 'cyber/nonsense'"),
    ("title", "", "the title cannot be empty"),
])
async def test_edit_refuses_bad_values_and_keeps_the_form_open(fixture_db, field, value, message):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        form = app.screen
        form.query_one(f"#edit-{field}", Input).value = value
        await press(pilot, "ctrl+s")
        assert app.screen is form  # still open, with the reason
        assert message in str(form.query_one("#edit-error").render())
        assert message in screen_text(app)
        await press(pilot, "escape")
        assert not isinstance(app.screen, EditScreen)
    inc = incident(fixture_db, 4)
    assert inc["edited_fields"] == [] and inc["type"] == "availability/ddos" and inc["date"] == "2023-11"


async def test_edit_keeps_a_multiline_summary_it_did_not_touch(fixture_db):
    from db import curation

    conn = db(fixture_db)
    curation.edit_incident(conn, 4, summary="First line.\nSecond line.")
    conn.close()
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        app.screen.query_one("#edit-title", Input).value = "Only the title"
        await press(pilot, "enter")
    inc = incident(fixture_db, 4)
    assert inc["title"] == "Only the title" and inc["summary"] == "First line.\nSecond line."


async def test_edit_pressed_twice_opens_one_form(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "e")
        await settle(pilot)
        assert isinstance(app.screen, EditScreen)
        await press(pilot, "escape")
        assert app.screen is app.screen_stack[0]


async def test_edit_precision_picked_explicitly(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        app.screen.query_one("#edit-date_start", Input).value = "2023"
        app.screen.query_one("#edit-date_precision", Select).value = "year"
        await press(pilot, "ctrl+s")
    inc = incident(fixture_db, 4)
    assert (inc["date"], inc["date_precision"]) == ("2023", "year")


async def test_edit_type_picker(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        form = app.screen
        await press(pilot, "f2")
        assert isinstance(app.screen, PickerScreen)
        await type_text(pilot, "phish")
        await press(pilot, "enter")
        assert app.screen is form
        assert form.query_one("#edit-type", Input).value == "fraud/phishing"
        await press(pilot, "ctrl+s")
    assert incident(fixture_db, 4)["type"] == "fraud/phishing"


# --- marks and merge ---------------------------------------------------------------------------------------

async def test_merge_refuses_fewer_than_two(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "M")
        assert any("at least two" in m and "0 marked" in m for m in seen)
        await press(pilot, "m", "M")
        assert any("at least two" in m and "1 marked" in m for m in seen)
        assert not isinstance(app.screen, ConfirmScreen)
    assert incident(fixture_db, 4)["merged_into"] is None


async def test_marks_show_in_list_and_footer_and_toggle(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "j", "m")
        assert set(app.curation.marks) == {4, 3}
        text = screen_text(app)
        assert "2 marked" in text
        lst = app.browse().results
        assert lst.row_text(lst.rows[0]).plain.startswith("●")
        assert lst.row_text(lst.rows[2]).plain.startswith(" ")
        await press(pilot, "m")  # again: unmarked
        assert set(app.curation.marks) == {4}
        assert "1 marked" in screen_text(app)


async def test_merge_with_confirmation(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 2)
        await press(pilot, "m")
        await to_row(pilot, 1)
        await press(pilot, "m", "M")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        text = screen_text(app)
        for expected in ("Merge 2 incidents into #1", "keeps #1 Fibre optic cables cut in Lyon",
                         "moves #2 DDoS attack on French ministries", "[2] Killnet claims DDoS",
                         "Killnet (claimed)", "Far-left anarchists (suspected)"):
            assert expected in text
        await press(pilot, "y")
        await settle(pilot)
        assert app.curation.marks == {}
        assert "marked" not in screen_text(app)
        assert 2 not in [r.id for r in app.browse().results.rows]
    survivor, gone = incident(fixture_db, 1), incident(fixture_db, 2)
    assert gone["id"] == 1  # reading #2 follows the tombstone
    assert {s["id"] for s in survivor["sources"]} == {1, 2}
    assert "Killnet" in {a["name"] for a in survivor["actors"]}


async def test_merge_cancelled_changes_nothing(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "j", "m", "M", "n")
        assert not isinstance(app.screen, ConfirmScreen)
        assert set(app.curation.marks) == {3, 4}
    assert incident(fixture_db, 4)["merged_into"] is None


# --- split, link, unlink -------------------------------------------------------------------------------------

async def _two_source_incident(path: str) -> None:
    from db import curation

    conn = db(path)
    try:
        curation.merge_incidents(conn, [1, 2])  # #1 now has sources 1 and 2
    finally:
        conn.close()


async def test_split_source_from_the_detail_pane(fixture_db):
    await _two_source_incident(fixture_db)
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 1)
        await to_detail_link(pilot, ("source", 2))
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Split source 2 out of incident #1" in screen_text(app)
        await press(pilot, "y")
        await settle(pilot)
    conn = db(fixture_db)
    try:
        assert [s["id"] for s in queries.get_incident(conn, 1)["sources"]] == [1]
        new = max(queries.incident_ids(conn))
        assert [s["id"] for s in queries.get_incident(conn, new)["sources"]] == [2]
    finally:
        conn.close()


async def test_split_refused_off_a_source_line_and_for_a_single_source(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "x")  # list focused: x is a detail-pane key, nothing happens
        await to_row(pilot, 1)
        await to_detail_link(pilot, ("source", 1))
        await press(pilot, "x")
        assert any("only source" in m for m in seen)
        app.browse().detail._move(0)
        await press(pilot, "x")
        assert any("put the cursor on a source" in m for m in seen)
        assert not isinstance(app.screen, ConfirmScreen)


async def test_link_actor_by_alias_with_role_and_confidence(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 1)
        await press(pilot, "l")
        picker = app.screen
        assert isinstance(picker, LinkActorScreen)
        await type_text(pilot, "killnet collective")  # an alias
        await settle(pilot)
        assert picker.chosen == 3
        assert "Killnet" in screen_text(app)
        picker.query_one("#link-role", Select).value = "suspected"
        conf = picker.query_one("#link-confidence", Input)
        conf.value = "35"
        await press(pilot, "enter")
        assert not isinstance(app.screen, LinkActorScreen)
        await settle(pilot)
        assert "Killnet" in app.browse().detail.plain
    links = [a for a in incident(fixture_db, 1)["actors"] if a["name"] == "Killnet"]
    assert [(a["role"], a["confidence"], a["origin"]) for a in links] == [("suspected", 35, "analyst")]


async def test_link_actor_fancy_bear_finds_apt28(fixture_db):
    from db import store
    from db.drafts import ActorMention, Document, IncidentDraft

    conn = db(fixture_db)
    body = "APT28 breached the mail servers of a ministry."
    store.store_document(conn, Document(text=body, body=body, origin="articles/apt28.txt", title="APT28 breach",
                                        published="2021-01-05", drafts=[IncidentDraft(
                                            title="Mail servers breached", type="intrusions/system-compromise",
                                            date_start="2021-01", actors=[ActorMention(
                                                "APT28", "attributed", "state-linked group", "RU", 70,
                                                aliases=["Fancy Bear", "Sofacy"])])]))
    apt28 = conn.execute("SELECT id FROM actor WHERE name = 'APT28'").fetchone()[0]
    conn.close()
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 2)
        await press(pilot, "l")
        await type_text(pilot, "fancy bear")
        await settle(pilot)
        assert app.screen.chosen == apt28
        assert "APT28" in screen_text(app)
        await press(pilot, "enter")
    assert ("APT28", "attributed", 80) in {(a["name"], a["role"], a["confidence"])
                                           for a in incident(fixture_db, 2)["actors"]}


async def test_link_actor_refusal_is_shown(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await to_row(pilot, 2)  # Killnet is already linked to #2 as claimed
        await press(pilot, "l")
        await type_text(pilot, "killnet")
        app.screen.query_one("#link-role", Select).value = "claimed"
        await press(pilot, "enter")
        await settle(pilot)
        assert any("already linked" in m for m in seen)
        assert app.screen is app.screen_stack[0]  # the picker closed, the app goes on
    assert [a["role"] for a in incident(fixture_db, 2)["actors"] if a["name"] == "Killnet"].count("claimed") == 1


async def test_unlink_actor_from_the_detail_pane(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 1)
        await to_detail_link(pilot, ("actor", 1))  # Far-left anarchists
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Far-left anarchists" in screen_text(app)
        await press(pilot, "y")
    assert "Far-left anarchists" not in {a["name"] for a in incident(fixture_db, 1)["actors"]}


async def test_link_and_unlink_a_source(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_row(pilot, 1)
        await press(pilot, "L")
        assert isinstance(app.screen, PickerScreen)
        await type_text(pilot, "hospital ransomware")
        assert app.screen.chosen == 3
        await press(pilot, "enter")
        await settle(pilot)
        assert {s["id"] for s in incident(fixture_db, 1)["sources"]} == {1, 3}
        await to_detail_link(pilot, ("source", 3))
        await press(pilot, "d", "y")
        await settle(pilot)
    assert {s["id"] for s in incident(fixture_db, 1)["sources"]} == {1}


# --- tags, notes, review ---------------------------------------------------------------------------------------

async def test_tag_note_and_review_an_incident(fixture_db):
    from db import search

    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, "hospital, follow-up")
        await press(pilot, "enter")
        await press(pilot, "n")
        await type_text(pilot, "Confirmed by the hospital")
        await press(pilot, "enter")
        await press(pilot, "v")
        await settle(pilot)
        assert "tags: follow-up, hospital" in app.browse().detail.plain
        assert "note: Confirmed by the hospital" in app.browse().detail.plain
        await press(pilot, "t")
        await type_text(pilot, "-follow-up")
        await press(pilot, "enter")
    inc = incident(fixture_db, 4)
    assert inc["tags"] == ["hospital"]
    assert [n["text"] for n in inc["notes"]] == ["Confirmed by the hospital"]
    assert inc["review"] == "reviewed"
    conn = db(fixture_db)
    try:
        assert [h.id for h in search.search(conn, "incidents", "review:reviewed").rows] == [4]
        assert 4 not in [h.id for h in search.search(conn, "incidents", "review:auto").rows]
    finally:
        conn.close()


async def test_empty_note_is_refused_in_the_form(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "enter")
        assert isinstance(app.screen, PromptScreen)
        assert "the note is empty" in screen_text(app)
        await press(pilot, "escape")
    assert incident(fixture_db, 4)["notes"] == []


async def test_tag_and_note_an_actor_and_a_source(fixture_db):
    app = make_app(fixture_db, view="actors", query="killnet")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await type_text(pilot, "watchlist")
        await press(pilot, "enter", "n")
        await type_text(pilot, "Pro-Russian")
        await press(pilot, "enter", "3")
        await press(pilot, "t")
        await type_text(pilot, "primary")
        await press(pilot, "enter")
        shown = app.curation.shown()
    conn = db(fixture_db)
    try:
        actor = queries.get_actor(conn, 3)
        assert actor["tags"] == ["watchlist"] and [n["text"] for n in actor["notes"]] == ["Pro-Russian"]
        assert shown[:2] == ("source", 3)
        # analyst tags live in the tag table: the search sees them (queries.get_source reports only the
        # import-time tags of source.tags, see the report)
        from db import search

        assert [h.id for h in search.search(conn, "sources", "tag:primary").rows] == [3]
    finally:
        conn.close()


async def test_review_toggles_back(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        await settle(pilot)
        assert incident(fixture_db, 4)["review"] == "reviewed"
        await press(pilot, "v")
    assert incident(fixture_db, 4)["review"] == "auto"


# --- review queue -----------------------------------------------------------------------------------------------

@pytest.fixture
def pending_db(fixture_db) -> str:
    from db import store

    conn = db(fixture_db)
    try:
        with store.transaction(conn):
            store.record_decision(conn, "incident", 3, 4, "pending", "same source, same month, same place")
            store.record_decision(conn, "actor", 3, 5, "pending", "alias 'Killnet' collides")
    finally:
        conn.close()
    return fixture_db


def decisions(path: str) -> dict:
    conn = db(path)
    try:
        return {(r[0], r[1], r[2]): r[3] for r in conn.execute(
            "SELECT entity, left_id, right_id, verdict FROM decision")}
    finally:
        conn.close()


async def test_review_queue_accept_merges_and_reject_stores(pending_db):
    app = make_app(pending_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        queue = app.screen
        assert isinstance(queue, ReviewScreen)
        text = screen_text(app)
        assert "Review queue (2 pending)" in text and "same event?" in text and "same actor?" in text
        assert "#3 Ransomware attack on Paris hospital group" in text
        await press(pilot, "a")  # the incidents: merged
        await settle(pilot)
        assert len(queue.pending) == 1 and queue.pending[0]["entity"] == "actor"
        await press(pilot, "r")  # the actors: not the same
        await settle(pilot)
        assert queue.pending == []
        assert "nothing to review" in screen_text(app)
        await press(pilot, "escape")
        assert not isinstance(app.screen, ReviewScreen)
    assert incident(pending_db, 4)["id"] == 3  # merged into 3
    d = decisions(pending_db)
    assert d[("incident", 3, 4)] == "same" and d[("actor", 3, 5)] == "not_same"


async def test_review_queue_accept_actor_decides_same(pending_db):
    app = make_app(pending_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R", "j", "a")
        await settle(pilot)
    assert decisions(pending_db)[("actor", 3, 5)] == "same"
    assert decisions(pending_db)[("incident", 3, 4)] == "pending"


# --- undo ------------------------------------------------------------------------------------------------------

async def test_undo_session_changes_latest_first(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "u")
        assert any("nothing to undo" in m for m in seen)
        await press(pilot, "e")
        app.screen.query_one("#edit-title", Input).value = "Changed"
        await press(pilot, "ctrl+s", "v")
        await settle(pilot)
        assert incident(fixture_db, 4)["title"] == "Changed"
        assert incident(fixture_db, 4)["review"] == "reviewed"
        await press(pilot, "u")
        await settle(pilot)
        assert incident(fixture_db, 4)["review"] == "auto"
        assert incident(fixture_db, 4)["title"] == "Changed"
        await press(pilot, "u")
        await settle(pilot)
        assert incident(fixture_db, 4)["title"] == "Killnet DDoS on the hospital website"
        assert "#4 Killnet DDoS on the hospital website" in app.browse().detail.plain
        seen.clear()
        await press(pilot, "u")
        assert any("nothing to undo" in m for m in seen)


async def test_undo_leaves_changes_made_before_the_session(fixture_db):
    from db import curation

    conn = db(fixture_db)
    curation.review(conn, 4)
    conn.close()
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "u")
        assert any("nothing to undo" in m for m in seen)
    assert incident(fixture_db, 4)["review"] == "reviewed"


async def test_undo_merge(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "j", "m", "M", "y")
        await settle(pilot)
        assert incident(fixture_db, 4)["id"] == 3
        await press(pilot, "u")
        await settle(pilot)
        assert sorted(r.id for r in app.browse().results.rows) == [1, 2, 3, 4]
    assert incident(fixture_db, 4)["merged_into"] is None


# --- refusals --------------------------------------------------------------------------------------------------

async def test_read_only_database_refuses_curation_keys(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.data.readonly = True
        seen = notes_of(app)
        for key in ("e", "m", "M", "l", "L", "t", "n", "v", "R", "u"):
            await press(pilot, key)
            assert app.screen is app.screen_stack[0], key
        assert len([m for m in seen if "read-only" in m]) == 10
    assert incident(fixture_db, 4)["edited_fields"] == []


async def test_curation_keys_need_an_incident(fixture_db):
    app = make_app(fixture_db, view="actors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = notes_of(app)
        await press(pilot, "e", "m", "v")
        assert any("no incident selected" in m for m in seen)
        assert any("marks are for incidents" in m for m in seen)
        assert app.screen is app.screen_stack[0]


async def test_curation_keys_are_in_help_and_remappable(fixture_db):
    from tui import keymap

    ids = {k.id for k in keymap.KEYS}
    assert {"edit", "mark", "merge", "split", "unlink", "link_actor", "link_source", "tag", "note", "review",
            "review_queue", "undo"} <= ids
    app = make_app(fixture_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        text = app.screen.query_one("#help-body").plain
        assert "Merge the marked incidents" in text and "Undo the latest change" in text
        assert "Mark or unmark the incident" in text
        await press(pilot, "escape", "enter", "question_mark")
        text = app.screen.query_one("#help-body").plain
        assert "Split the source under the cursor" in text


async def test_remapped_curation_key(fixture_db, monkeypatch):
    from tui import keymap

    monkeypatch.setattr(keymap, "load_config", lambda path=None: {"keys": {"edit": "E"}})
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        assert not isinstance(app.screen, EditScreen)
        await press(pilot, "E")
        assert isinstance(app.screen, EditScreen)


async def _palette(pilot, text: str) -> None:
    import asyncio

    from textual.command import CommandPalette

    await pilot.press("colon")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, text)
    await asyncio.sleep(0.3)
    await pilot.pause()
    await press(pilot, "enter")


async def test_command_palette_curation_commands(pending_db):
    app = make_app(pending_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "j", "m")
        assert len(app.curation.marks) == 2
        await _palette(pilot, "clear marks")
        assert app.curation.marks == {}
        assert "marked" not in screen_text(app)
        await _palette(pilot, "review queue")
        assert isinstance(app.screen, ReviewScreen)


# --- snapshots (80x24) ----------------------------------------------------------------------------------------

def _before(*keys: str, setup=None):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if setup is not None:
            await setup(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, rounds=1)
        for inp in pilot.app.screen.query(Input):
            inp.cursor_blink = False
        await settle(pilot)

    return run_before


def test_snapshot_edit_form(snap_compare, fixture_db):
    assert snap_compare(make_app(fixture_db), terminal_size=(80, 24), run_before=_before("e"))


def test_snapshot_edit_form_error(snap_compare, fixture_db):
    async def bad_date(pilot) -> None:
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#edit-date_start", Input).value = "2024-13-40"

    assert snap_compare(make_app(fixture_db), terminal_size=(80, 24), run_before=_before("ctrl+s", setup=bad_date))


def test_snapshot_merge_confirmation(snap_compare, fixture_db):
    assert snap_compare(make_app(fixture_db), terminal_size=(80, 24), run_before=_before("m", "j", "m", "M"))


def test_snapshot_review_queue(snap_compare, pending_db):
    assert snap_compare(make_app(pending_db), terminal_size=(80, 24), run_before=_before("R"))
