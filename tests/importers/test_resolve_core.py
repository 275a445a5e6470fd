"""What evidence is sure enough to join two reports (issue 29): a state shared, a month recalled months later,
undated reports published weeks apart, or reports nothing dates give a pending decision for the review queue,
never a silent join. Each case has its twin that still joins, so that the rule, not a broken resolver, is
what is tested."""
from __future__ import annotations

import sqlite3

from db.drafts import ActorMention, Document, IncidentDraft, PlaceMention
from db.engine import connect
from db.store import store_document
from importers.resolve import resolve


def _doc(n: int, draft: IncidentDraft, published: str | None = None) -> Document:
    return Document(text="", origin=f"outlet{n}.txt", title=f"report {n}", published=published,
                    body=f"text of report number {n} " * 3, drafts=[draft])


def _attack(title: str, date: str | None, actors: list[ActorMention]) -> IncidentDraft:
    precision = {None: "unknown", 4: "year", 7: "month", 10: "day"}[len(date) if date else None]
    return IncidentDraft(title=title, type="malicious-code/ransomware", date_start=date, date_precision=precision,
                         actors=actors, places=[PlaceMention("Reykjavik", "IS")])


def _decisions(conn: sqlite3.Connection) -> list[tuple[int, int, str]]:
    return conn.execute("SELECT left_id, right_id, verdict FROM decision WHERE entity = 'incident'").fetchall()


def _pair(db_path, first: IncidentDraft, second: IncidentDraft, published=(None, None)):
    conn = connect(db_path)
    a = store_document(conn, _doc(1, first, published[0]), resolve)
    b = store_document(conn, _doc(2, second, published[1]), resolve)
    return conn, a, b


def test_a_state_shared_by_two_reports_is_a_pending_decision_not_a_join(db_path):
    state = lambda: [ActorMention("Iceland", "suspected", kind="state")]  # noqa: E731
    conn, a, b = _pair(db_path, _attack("Hospital systems encrypted", "2024-03-11", state()),
                       _attack("Port authority files locked", "2024-03-11", state()))
    assert b.joined == [] and b.pending == b.incidents
    assert _decisions(conn) == [(a.incidents[0], b.incidents[0], "pending")]
    reason = conn.execute("SELECT reason FROM decision").fetchone()[0]
    assert "state" in reason


def test_a_named_group_shared_the_same_day_still_joins(db_path):
    group = lambda: [ActorMention("Vell Syndicate", "suspected", kind="criminal group")]  # noqa: E731
    conn, a, b = _pair(db_path, _attack("Hospital systems encrypted", "2024-03-11", group()),
                       _attack("Port authority files locked", "2024-03-11", group()))
    assert b.joined == a.incidents and _decisions(conn) == []


def _month_pair(db_path, published: tuple[str, str]):
    group = lambda: [ActorMention("Vell Syndicate", "suspected", kind="criminal group")]  # noqa: E731
    return _pair(db_path, _attack("Hospital systems encrypted", "2024-03-11", group()),
                 _attack("Vell Syndicate behind March attack, officials say", "2024-03", group()), published)


def test_a_month_recalled_half_a_year_later_does_not_pin_two_reports(db_path):
    conn, a, b = _month_pair(db_path, ("2024-03-12", "2024-09-20"))
    assert b.joined == [] and _decisions(conn) == [(a.incidents[0], b.incidents[0], "pending")]


def test_a_month_shared_by_reports_of_that_month_still_pins_them(db_path):
    conn, a, b = _month_pair(db_path, ("2024-03-12", "2024-03-20"))
    assert b.joined == a.incidents and _decisions(conn) == []


def _undated(title: str) -> IncidentDraft:
    return IncidentDraft(title=title, type="malicious-code/ransomware", summary="Files of Marrowfield Clinic were"
                         " encrypted and a ransom asked.", actors=[ActorMention("Marrowfield Clinic", "target")])


def test_undated_reports_published_weeks_apart_are_a_pending_decision(db_path):
    conn, a, b = _pair(db_path, _undated("Ransomware at Marrowfield Clinic"), _undated("Ransomware at Marrowfield Clinic"),
                       published=("2024-01-05", "2024-02-28"))
    assert b.joined == [] and _decisions(conn) == [(a.incidents[0], b.incidents[0], "pending")]
    assert "published 54 days apart" in conn.execute("SELECT reason FROM decision").fetchone()[0]


def test_undated_reports_published_days_apart_still_join(db_path):
    conn, a, b = _pair(db_path, _undated("Ransomware at Marrowfield Clinic"), _undated("Ransomware at Marrowfield Clinic"),
                       published=("2024-01-05", "2024-01-08"))
    assert b.joined == a.incidents and _decisions(conn) == []


def test_reports_nothing_dates_are_a_pending_decision(db_path):
    # no event date and no publication date on either side: a group's attacks on one victim years apart
    # read alike, so the analyst decides
    conn, a, b = _pair(db_path, _undated("Ransomware at Marrowfield Clinic"), _undated("Ransomware at Marrowfield Clinic"))
    assert b.joined == [] and _decisions(conn) == [(a.incidents[0], b.incidents[0], "pending")]
    assert "nothing dates" in conn.execute("SELECT reason FROM decision").fetchone()[0]


def test_one_publication_date_is_enough_to_date_the_pair(db_path):
    conn, a, b = _pair(db_path, _undated("Ransomware at Marrowfield Clinic"), _undated("Ransomware at Marrowfield Clinic"),
                       published=("2024-01-05", None))
    assert b.joined == a.incidents and _decisions(conn) == []
