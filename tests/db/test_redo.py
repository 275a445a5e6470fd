"""Redo (issue 30): the change undone last goes back exactly as it was, from the same journal as undo, in a
real SQLite file; a change made after the undo clears the redo, as in an editor; a redone change can be
undone again. The command line: `incidex redo` exits 0, and 1 with one line when there is nothing to redo."""
from __future__ import annotations

import json

import pytest

from db import curation, queries, search
from db.curation import CurationError
from db.drafts import ActorMention, Document, IncidentDraft
from db.engine import connect
from db.store import store_document


@pytest.fixture
def db_path(engine_db):
    """Every test here runs on both engines: an SQLite file, then a PostgreSQL database (issue 32)."""
    return engine_db



@pytest.fixture
def conn(db_path):
    """Three incidents from three sources of our own: 1 and 2 one flood of requests, 3 a stolen laptop."""
    c = connect(db_path)
    for n, (title, date, target) in enumerate([("Tax portal flooded with requests", "2024-05-02", "Tax Office"),
                                               ("Tax office site down after DDoS", "2024-05-03", "Tax Office"),
                                               ("Laptop with pupil records stolen", "2023-09-14", "Riverside School")], 1):
        draft = IncidentDraft(title=title, type="availability/ddos" if n < 3 else "information-content-security/data-leak",
                              date_start=date, date_precision="day", actors=[ActorMention(target, "target")])
        store_document(c, Document(text="", origin=f"r{n}.txt", title=f"report {n}", body=f"text of report {n}",
                                   drafts=[draft]))
    yield c
    c.close()


def _titles(conn, query: str) -> list[int]:
    return sorted(h.id for h in search.search(conn, "incidents", query).rows)


def test_edit_undo_redo_puts_the_edit_back(conn):
    edit = curation.edit_incident(conn, 3, title="Stolen laptop held pupil records", status="confirmed")
    curation.undo(conn)
    inc = queries.get_incident(conn, 3)
    assert inc["title"] == "Laptop with pupil records stolen" and inc["edited_fields"] == []
    out = curation.redo(conn)
    assert out["change"] == edit["change"]
    inc = queries.get_incident(conn, 3)
    assert inc["title"] == "Stolen laptop held pupil records" and inc["status"] == "confirmed"
    assert inc["edited_fields"] == ["status", "title"]
    assert _titles(conn, "held pupil") == [3]  # the search index follows the redo
    assert [c["undone"] for c in curation.changes(conn)] == [False]


def test_merge_undo_redo_merges_again_and_undoes_again(conn):
    curation.merge_incidents(conn, [1, 2])
    curation.undo(conn)
    assert queries.get_incident(conn, 2)["merged_into"] is None
    curation.redo(conn)
    merged = queries.get_incident(conn, 2)
    assert merged["id"] == 1  # the tombstone leads to the survivor
    assert sorted(s["title"] for s in merged["sources"]) == ["report 1", "report 2"]
    assert conn.execute("SELECT merged_into FROM incident WHERE id = 2").fetchone()[0] == 1
    curation.undo(conn)  # the redone change undoes like any other
    for i, src in ((1, "report 1"), (2, "report 2")):
        inc = queries.get_incident(conn, i)
        assert inc["id"] == i and [s["title"] for s in inc["sources"]] == [src]


def test_split_redo_brings_back_the_new_incident_with_its_id(conn):
    curation.merge_incidents(conn, [1, 2])
    split = curation.split_source(conn, 1, 2)
    new = split["new_incident"]
    curation.undo(conn)
    assert queries.get_incident(conn, new) is None
    curation.redo(conn)
    inc = queries.get_incident(conn, new)
    assert inc is not None and [s["title"] for s in inc["sources"]] == ["report 2"]
    assert [s["title"] for s in queries.get_incident(conn, 1)["sources"]] == ["report 1"]


def test_nothing_to_redo(conn):
    with pytest.raises(CurationError, match="nothing to redo"):
        curation.redo(conn)
    curation.review(conn, 1)
    with pytest.raises(CurationError, match="nothing to redo"):  # applied, never undone
        curation.redo(conn)
    curation.undo(conn)
    curation.redo(conn)
    with pytest.raises(CurationError, match="nothing to redo"):  # redone already
        curation.redo(conn)
    assert queries.get_incident(conn, 1)["review"] == "reviewed"


def test_a_new_change_after_the_undo_clears_the_redo(conn):
    curation.edit_incident(conn, 1, title="First title")
    curation.undo(conn)
    curation.review(conn, 2)
    with pytest.raises(CurationError, match="nothing to redo"):
        curation.redo(conn)
    assert queries.get_incident(conn, 1)["title"] == "Tax portal flooded with requests"
    # the new change's own undo can be redone; the cleared one is not offered again after it
    curation.undo(conn)
    curation.redo(conn)
    assert queries.get_incident(conn, 2)["review"] == "reviewed"
    with pytest.raises(CurationError, match="nothing to redo"):
        curation.redo(conn)
    assert queries.get_incident(conn, 1)["title"] == "Tax portal flooded with requests"


def test_redo_goes_forward_in_the_order_of_the_changes(conn):
    first = curation.edit_incident(conn, 1, title="One")["change"]
    second = curation.edit_incident(conn, 1, title="Two")["change"]
    curation.undo(conn)
    curation.undo(conn)
    with pytest.raises(CurationError, match=f"redo change {first} first"):
        curation.redo(conn, second)
    assert curation.redo(conn)["change"] == first
    assert queries.get_incident(conn, 1)["title"] == "One"
    assert curation.redo(conn, second)["change"] == second
    assert queries.get_incident(conn, 1)["title"] == "Two"


def test_a_journal_edited_in_the_file_writes_only_the_tables_columns(conn):
    """The journal is JSON in a file that may be shared: its keys are not trusted as column names."""
    change = curation.edit_incident(conn, 1, title="Edited")["change"]
    data = json.loads(conn.execute("SELECT undo FROM change WHERE id = ?", (change,)).fetchone()[0])
    data["before"]["incident"][0]["title\" = 'hostile' --"] = "x"
    with conn:
        conn.execute("UPDATE change SET undo = ? WHERE id = ?", (json.dumps(data), change))
    curation.undo(conn)
    curation.redo(conn)
    curation.undo(conn)
    assert [queries.get_incident(conn, i)["title"] for i in (1, 2)] == [
        "Tax portal flooded with requests", "Tax office site down after DDoS"]

def _json(cli, *args):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_redo(cli, db_path, conn):
    nothing = cli("redo", "--db", db_path)
    assert nothing.exit_code == 1
    assert len(nothing.output.strip().splitlines()) == 1 and "nothing to redo" in nothing.output
    _json(cli, "tag", "incident", "3", "laptop", "--db", db_path)
    _json(cli, "undo", "--db", db_path)
    done = cli("redo", "--db", db_path)
    assert done.exit_code == 0 and "redone: tagged incident 3: laptop" in done.output
    assert json.loads(cli("show", "incident", "3", "--format", "json", "--db", db_path).stdout)["tags"] == ["laptop"]
    _json(cli, "undo", "--db", db_path)
    assert _json(cli, "redo", "--db", db_path)["redone"] == "tagged incident 3: laptop"
    again = cli("redo", "--db", db_path)
    assert again.exit_code == 1 and len(again.output.strip().splitlines()) == 1
