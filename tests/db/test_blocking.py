"""The resolution block index (`incident_key`) says what the links say, whoever writes them, and lets
resolution find a shared actor however crowded the days around a draft are."""
from __future__ import annotations

import sqlite3

from db import blocking, curation
from db.drafts import ActorMention, Document, IncidentDraft, PlaceMention
from db.engine import connect
from db.store import reextract_source, store_document
from importers.resolve import WINDOW_SCAN, resolve


def _rows(conn: sqlite3.Connection) -> set[tuple]:
    return set(conn.execute("SELECT key, date_start, incident_id, type FROM incident_key"))


def _from_links(conn: sqlite3.Connection) -> set[tuple]:
    """What the table must hold: computed from the links and incidents (not by `blocking.rebuild`)."""
    return set(conn.execute(
        "SELECT 'a' || ia.actor_id, coalesce(i.date_start, ''), i.id, i.type FROM incident_actor ia"
        " JOIN incident i ON i.id = ia.incident_id WHERE i.merged_into IS NULL"
        " UNION SELECT 'p' || ip.name, coalesce(i.date_start, ''), i.id, i.type FROM incident_place ip"
        " JOIN incident i ON i.id = ip.incident_id WHERE i.merged_into IS NULL"))


def _assert_in_step(conn: sqlite3.Connection, after: str) -> None:
    have, want = _rows(conn), _from_links(conn)
    assert have == want, f"after {after}: stale {sorted(have - want)}, missing {sorted(want - have)}"


def _draft(title: str, date: str | None, target: str, actor: str = "Cobalt Crew", place: str | None = "Ghent",
           type_: str = "availability/ddos") -> IncidentDraft:
    return IncidentDraft(title=title, type=type_, date_start=date, date_precision="day" if date else "unknown",
                         actors=[ActorMention(target, "target"), ActorMention(actor, "claimed")],
                         places=[PlaceMention(place, "BE")] if place else [])


def _doc(n: int, *drafts: IncidentDraft) -> Document:
    return Document(text="", origin=f"outlet{n}.txt", title=f"report {n}", body=f"body of report {n}",
                    drafts=list(drafts))


def test_every_writer_keeps_the_index_in_step_with_the_links(db_path):
    conn = connect(db_path)
    docs = [_doc(1, _draft("Port of Ghent sites flooded", "2024-03-11", "Port of Ghent")),
            _doc(2, _draft("Ghent port offline after DDoS", "2024-03-12", "Port of Ghent")),
            _doc(3, _draft("Bank data leaked", "2024-05-02", "Bank of Lorn", actor="Onyx Team", place="Bruges",
                           type_="information-content-security/data-leak")),
            _doc(4, _draft("Undated claim against a museum", None, "Museum of Elst", place=None)),
            _doc(5, _draft("Defacement of a school site", "2024-06-01", "School of Holm", place="Holm"))]
    ids = [store_document(conn, d).incidents[0] for d in docs]  # no resolution: four incidents
    _assert_in_step(conn, "the import")
    assert ("pGhent", "2024-03-11", ids[0], "availability/ddos") in _rows(conn)
    assert any(r[1] == "" and r[2] == ids[3] for r in _rows(conn))  # undated incidents are keyed too

    merged = curation.merge_incidents(conn, [ids[0], ids[1]])
    _assert_in_step(conn, "a merge")
    assert not any(r[2] == ids[1] for r in _rows(conn))  # a tombstone is never a candidate
    curation.undo(conn)
    _assert_in_step(conn, "undoing the merge")
    assert any(r[2] == ids[1] for r in _rows(conn))
    curation.merge_incidents(conn, [ids[0], ids[1]])

    curation.edit_incident(conn, ids[0], date_start="2024-03-09")
    _assert_in_step(conn, "an edit of the date")
    assert {r[1] for r in _rows(conn) if r[2] == ids[0]} == {"2024-03-09"}
    curation.undo(conn)
    _assert_in_step(conn, "undoing the edit")
    curation.edit_incident(conn, ids[0], type="intrusions/defacement")
    _assert_in_step(conn, "an edit of the type")

    source2 = conn.execute("SELECT source_id FROM incident_source WHERE incident_id = ? ORDER BY source_id DESC",
                           (merged["survivor"],)).fetchone()[0]
    split = curation.split_source(conn, merged["survivor"], source2)
    _assert_in_step(conn, "a split")

    curation.link_actor(conn, ids[2], "Amber Unit", "suspected")
    _assert_in_step(conn, "linking an actor")
    curation.unlink_actor(conn, ids[2], "Onyx Team")
    _assert_in_step(conn, "unlinking an actor")
    actors = [r[0] for r in conn.execute("SELECT id FROM actor WHERE name IN ('Amber Unit', 'Cobalt Crew') ORDER BY id")]
    curation.merge_actors(conn, actors)
    _assert_in_step(conn, "merging actors")
    curation.undo(conn)
    _assert_in_step(conn, "undoing the actor merge")

    # Re-extracting a source: its incident takes the new date; a story the article no longer tells goes.
    source4 = conn.execute("SELECT source_id FROM incident_source WHERE incident_id = ?", (ids[3],)).fetchone()[0]
    reextract_source(conn, source4, [_draft("Claim against a museum", "2024-07-01", "Museum of Elst", place=None)])
    _assert_in_step(conn, "a re-extraction that dates an incident")
    assert {r[1] for r in _rows(conn) if r[2] == ids[3]} == {"2024-07-01"}
    source5 = conn.execute("SELECT source_id FROM incident_source WHERE incident_id = ?", (ids[4],)).fetchone()[0]
    assert reextract_source(conn, source5, [])["removed"] == [ids[4]]
    _assert_in_step(conn, "a re-extraction that removes an incident")
    assert {ids[4]}.isdisjoint(r[2] for r in _rows(conn)) and split["new_incident"] in {r[2] for r in _rows(conn)}
    conn.execute("DELETE FROM incident WHERE id = ?", (ids[2],))  # its links go by the foreign keys' cascade
    _assert_in_step(conn, "deleting an incident with its links")


def test_an_older_file_gets_the_index_filled_from_its_links(db_path):
    conn = connect(db_path)
    for n in range(1, 4):
        store_document(conn, _doc(n, _draft(f"Attack {n}", f"2024-0{n}-10", f"Target {n}")))
    conn.executescript("DROP TABLE incident_key; PRAGMA user_version = 5;")  # as schema 5 left it
    for name in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%incident_key%'")]:
        conn.execute(f"DROP TRIGGER {name}")
    conn.close()
    conn = connect(db_path)
    assert len(_rows(conn)) == 9 and _rows(conn) == _from_links(conn)  # 3 incidents x (target, group, place)
    store_document(conn, _doc(9, _draft("Attack 9", "2024-09-10", "Target 9")))
    _assert_in_step(conn, "an import into the upgraded file")


def test_rebuild_repairs_a_damaged_index(db_path):
    conn = connect(db_path)
    store_document(conn, _doc(1, _draft("Attack", "2024-01-10", "Target")))
    conn.execute("DELETE FROM incident_key WHERE key LIKE 'p%'")  # the place's row missing
    conn.execute("INSERT INTO incident_key VALUES ('a999', '2020-01-01', 999, 'other/undetermined')")  # one too many
    assert blocking.out_of_step(conn) == 2
    blocking.rebuild(conn)
    _assert_in_step(conn, "a rebuild")
    assert blocking.out_of_step(conn) == 0


def test_a_shared_actor_is_found_among_a_crowded_day(db_path):
    """A draft naming a new victim is matched on its group and place. Its day holds three times
    WINDOW_SCAN other incidents of the same type, and the one that shares the group and the place was
    stored after all of them."""
    conn = connect(db_path)
    for n in range(WINDOW_SCAN * 3):
        store_document(conn, _doc(n, _draft(f"Wave {n} against city sites", "2024-03-11", f"Office {n}",
                                            actor=f"Crew {n}", place=f"Town {n}")))
    first = store_document(conn, _doc(10_000, _draft("Amber Unit floods the Aldor water board", "2024-03-11",
                                                     "Aldor Water Board", actor="Amber Unit", place="Aldor")))
    again = store_document(conn, _doc(10_001, _draft("Amber Unit floods the Aldor water board website",
                                                     "2024-03-11", "Water board of Aldor", actor="Amber Unit",
                                                     place="Aldor")), resolve)
    assert again.joined == first.incidents
