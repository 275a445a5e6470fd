"""Joins you can trust (issue 29): a report joins an incident only on what the incident as a whole says; what
is not sure becomes a new incident with a pending decision, which the review queue settles."""
from __future__ import annotations

import json

import pytest

from db.drafts import ActorMention, Document, IncidentDraft
from db.engine import connect
from db.store import store_document
from importers.resolve import resolve


@pytest.fixture
def db_path(engine_db):
    """Every test here runs on both engines: an SQLite file, then a PostgreSQL database (issue 32)."""
    return engine_db



def _doc(n: int, draft: IncidentDraft) -> Document:
    return Document(text="", origin=f"outlet{n}.txt", title=f"report {n}", body=f"text of report number {n} " * 3,
                    drafts=[draft])


def _breach(title: str, actors: list[ActorMention]) -> IncidentDraft:
    return IncidentDraft(title=title, type="information-content-security/data-leak", date_start="2024-03-11",
                         date_precision="day", actors=actors)


def _chain(db_path):
    """A names the victim; B the victim and a group; C only the group, the same day. A~B, B~C; A and C
    share nothing."""
    conn = connect(db_path)
    a = store_document(conn, _doc(1, _breach("Breach at Marrowfield Clinic",
                                             [ActorMention("Marrowfield Clinic", "target")])), resolve)
    b = store_document(conn, _doc(2, _breach("Clinic breach blamed on Vell Syndicate",
                                             [ActorMention("Marrowfield Clinic", "target"),
                                              ActorMention("Vell Syndicate", "suspected")])), resolve)
    c = store_document(conn, _doc(3, _breach("Vell Syndicate strikes again",
                                             [ActorMention("Vell Syndicate", "suspected")])), resolve)
    return conn, a, b, c


def test_a_chain_of_members_never_joins_reports_that_share_nothing(db_path):
    conn, a, b, c = _chain(db_path)
    assert b.joined == a.incidents  # the victim: what the whole incident says
    assert c.joined == [] and c.incidents != a.incidents  # the group: named by one of its two reports only
    rows = conn.execute("SELECT left_id, right_id, verdict, reason FROM decision").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [(a.incidents[0], c.incidents[0], "pending")]
    assert f"maybe the same as #{a.incidents[0]}" in rows[0][3] and "1 of the 2 reports" in rows[0][3]
    reason = json.loads(conn.execute("SELECT join_reason FROM incident WHERE id = ?", (a.incidents[0],)).fetchone()[0])
    assert reason[0]["outcome"] == "join" and reason[0]["core"] == ["targets"] and reason[0]["score"] >= 0.55


def test_a_report_naming_the_victim_of_the_whole_incident_still_joins(db_path):
    conn, a, _b, _c = _chain(db_path)
    d = store_document(conn, _doc(4, _breach("Marrowfield Clinic data stolen", [ActorMention("Marrowfield Clinic", "target"),
                                                                                ActorMention("Vell Syndicate", "suspected")])),
                       resolve)
    assert d.joined == a.incidents


def test_an_undated_report_never_joins_on_a_type_and_a_place(db_path):
    from db.drafts import PlaceMention

    conn = connect(db_path)
    draft = lambda t: IncidentDraft(title=t, type="malicious-code/ransomware", places=[PlaceMention("Lyon", "FR")],  # noqa: E731
                                    actors=[ActorMention("hackers", "perpetrator")])
    store_document(conn, _doc(1, draft("Ransomware in Lyon")), resolve)
    second = store_document(conn, _doc(2, draft("Ransomware in Lyon")), resolve)
    assert second.joined == []


def test_two_reports_of_one_day_type_and_places_naming_nobody_are_pending(db_path):
    # two outlets on one sabotage that name no victim or group: no sure join, no silent second incident either
    from db.drafts import PlaceMention

    conn = connect(db_path)
    draft = lambda t: IncidentDraft(  # noqa: E731
        title=t, type="availability/sabotage", date_start="2024-07-26", date_precision="day",
        places=[PlaceMention("Lyon", "FR"), PlaceMention("France", "FR", level="country")])
    first = store_document(conn, _doc(1, draft("Signal cables burned near Lyon")), resolve)
    second = store_document(conn, _doc(2, draft("Rail sabotage: repairs go on")), resolve)
    assert second.joined == [] and second.incidents != first.incidents
    rows = conn.execute("SELECT left_id, right_id, verdict, reason FROM decision").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [(first.incidents[0], second.incidents[0], "pending")]
    assert "no victim or group agrees" in rows[0][3]
    # a third report of that day in another city of the country agrees on too little to ask
    other = IncidentDraft(title="Depot fire", type="availability/sabotage", date_start="2024-07-26",
                          date_precision="day", places=[PlaceMention("Nantes", "FR"),
                                                        PlaceMention("France", "FR", level="country")])
    store_document(conn, _doc(3, other), resolve)
    assert conn.execute("SELECT count(*) FROM decision").fetchone()[0] == 1


def _pending_cli(cli, db_path) -> list[dict]:
    res = cli("review", "--pending", "--json", "--db", db_path)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_the_review_queue_lists_a_pending_decision_and_accepting_it_merges(db_path, cli):
    conn, a, _b, c = _chain(db_path)
    conn.close()
    stats = cli("stats", "--db", db_path)
    assert "1 pending decisions" in stats.output.replace(",", "")
    listed = cli("review", "--pending", "--db", db_path)
    line = listed.stdout.splitlines()[0]
    assert listed.exit_code == 0 and f"incident #{a.incidents[0]} " in line and f" and incident #{c.incidents[0]} " in line
    assert f": maybe the same as #{a.incidents[0]}" in line
    [pending] = _pending_cli(cli, db_path)
    res = cli("review", "--accept", str(pending["id"]), "--db", db_path)
    assert res.exit_code == 0, res.output
    conn = connect(db_path)
    assert conn.execute("SELECT merged_into FROM incident WHERE id = ?", (c.incidents[0],)).fetchone()[0] == a.incidents[0]
    assert conn.execute("SELECT verdict FROM decision WHERE id = ?", (pending["id"],)).fetchone()[0] == "same"
    assert _pending_cli(cli, db_path) == []
    again = cli("review", "--accept", str(pending["id"]), "--db", db_path)
    assert again.exit_code == 1 and "already settled" in again.output


def test_rejecting_a_pending_decision_records_not_same_and_keeps_both(db_path, cli):
    conn, a, _b, c = _chain(db_path)
    conn.close()
    [pending] = _pending_cli(cli, db_path)
    res = cli("review", "--reject", str(pending["id"]), "--db", db_path)
    assert res.exit_code == 0, res.output
    conn = connect(db_path)
    assert conn.execute("SELECT verdict FROM decision WHERE id = ?", (pending["id"],)).fetchone()[0] == "not_same"
    assert conn.execute("SELECT count(*) FROM incident WHERE merged_into IS NULL").fetchone()[0] == 2
    assert _pending_cli(cli, db_path) == []
