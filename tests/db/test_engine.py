"""Opening database files: creation, settings, migrations, and files we must refuse without touching."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.engine import SCHEMA_VERSION, DatabaseError, connect, resolve_path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_new_database_has_wal_foreign_keys_and_current_schema(db_path):
    conn = connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"source", "incident", "actor", "actor_alias", "incident_actor", "incident_source", "incident_place",
            "tag", "note", "decision"} <= tables


def test_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("INCIDEX_DB", str(tmp_path / "env.db"))
    assert resolve_path(None) == tmp_path / "env.db"
    assert resolve_path(str(tmp_path / "flag.db")) == tmp_path / "flag.db"
    monkeypatch.delenv("INCIDEX_DB")
    assert resolve_path(None).name == "incidex.db"


def _old_database(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.executescript((FIXTURES / "schema_v1.sql").read_text(encoding="utf-8"))
    raw.commit()
    raw.close()


def test_database_of_schema_1_is_migrated_with_its_data_intact(db_path):
    _old_database(db_path)
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    row = conn.execute("SELECT title, type, review, edited_fields FROM incident WHERE id = 1").fetchone()
    assert row == ("City websites flooded", "availability/ddos", "reviewed", '["title"]')
    assert conn.execute("SELECT title, tags FROM source WHERE id = 1").fetchone() == ("Old article about a DDoS", "[]")
    assert conn.execute("SELECT role, origin FROM incident_actor").fetchall() == [("claimed", "auto")]
    # the migrated data can be read and searched like new data
    from db import queries

    inc = queries.get_incident(conn, 1)
    assert inc["actors"][0]["name"] == "Example Crew"
    assert inc["sources"][0]["title"] == "Old article about a DDoS"


def test_schema_3_gets_covering_indexes_and_a_rebuilt_search_index(db_path, articles, cli):
    assert cli("import", str(articles), "--db", db_path).exit_code == 0
    raw = sqlite3.connect(db_path)  # make it a schema-3 file: the indexes it had then
    raw.executescript(
        "DROP INDEX IF EXISTS ix_incident_date_type; DROP INDEX ix_incident_actor_cover; DROP INDEX ix_incident_place_link;"
        " CREATE INDEX ix_incident_date ON incident (date_start);"
        " CREATE INDEX ix_incident_actor_incident ON incident_actor (incident_id);"
        " CREATE INDEX ix_incident_place_incident ON incident_place (incident_id); PRAGMA user_version = 3;")
    before = raw.execute("SELECT count(*) FROM incident_doc").fetchone()[0]
    raw.execute("DELETE FROM incident_doc WHERE rowid = (SELECT min(rowid) FROM incident_doc)")  # a rebuild restores it
    raw.commit()
    raw.close()
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_incident_actor_cover", "ix_incident_place_link"} <= names
    assert not {"ix_incident_date", "ix_incident_actor_incident", "ix_incident_place_incident"} & names
    assert "ix_incident_date_type" not in names  # schema 6 finds incidents by actor and place instead
    # schema 9 changed how the search index writes key tokens: the index is rebuilt, the lost row restored
    assert conn.execute("SELECT count(*) FROM incident_doc").fetchone()[0] == before
    assert cli("list", "incidents", "--db", db_path).exit_code == 0


def test_a_schema_8_file_gets_its_search_index_rebuilt_with_marked_keys(db_path, articles, cli, monkeypatch):
    from db import search

    monkeypatch.setattr(search, "KEY_MARK", "")  # key tokens as schema 8 wrote them
    assert cli("import", str(articles), "--db", db_path).exit_code == 0
    monkeypatch.undo()
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA user_version = 8")
    raw.close()
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert not search.needs_rebuild(conn)
    actor_id, actor = conn.execute("SELECT a.id, a.name FROM actor a JOIN incident_actor l ON l.actor_id = a.id"
                                   " WHERE l.role != 'target' AND a.merged_into IS NULL LIMIT 1").fetchone()
    linked = {r[0] for r in conn.execute("SELECT i.id FROM incident i JOIN incident_actor l ON l.incident_id = i.id"
                                         " WHERE l.actor_id = ? AND l.role != 'target' AND i.merged_into IS NULL",
                                         (actor_id,))}
    # a qualifier finds its rows in the rebuilt index (in the old one it would find none)
    assert linked and set(search.matching_ids(conn, "incidents", f'actor:"{actor}"')) >= linked


def test_a_schema_4_file_is_upgraded_and_its_undated_incidents_still_join(db_path, cli):
    from db.drafts import ActorMention, Document, IncidentDraft, PlaceMention
    from db.store import store_document
    from importers.resolve import resolve

    conn = connect(db_path)
    undated = IncidentDraft(title="Grid operator Veldmark hit by wiper", type="destruction/wiper",
                            actors=[ActorMention("Sandworm", "suspected"), ActorMention("Veldmark Grid", "target")],
                            places=[PlaceMention("Veldmark", None)])
    first = store_document(conn, Document(text="", origin="a.txt", title="a", body="report a", drafts=[undated]), resolve)
    conn.close()
    raw = sqlite3.connect(db_path)  # make it a schema-4 file: a date index, no block index
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%incident_key%'").fetchall():
        raw.execute(f"DROP TRIGGER {name}")
    raw.executescript("DROP TABLE incident_key; CREATE INDEX ix_incident_date_type ON incident (date_start, type, merged_into);"
                      " PRAGMA user_version = 4;")
    raw.close()
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # the undated incident's group, victim and place, filled in from its links; the old index gone
    assert conn.execute("SELECT count(*) FROM incident_key WHERE date_start = ''").fetchone()[0] == 3
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ix_incident_date_type'").fetchone()
    dated = IncidentDraft(title="Wiper attack on the Veldmark grid operator", type="destruction/wiper",
                          date_start="2024-05-02", date_precision="day",
                          actors=[ActorMention("Sandworm", "suspected"), ActorMention("Veldmark Grid", "target")],
                          places=[PlaceMention("Veldmark", None)])
    second = store_document(conn, Document(text="", origin="b.txt", title="b", body="report b", drafts=[dated]), resolve)
    assert second.joined == first.incidents


def test_a_schema_6_file_gets_the_covering_index_of_actor_links(db_path, articles, cli):
    assert cli("import", str(articles), "--db", db_path).exit_code == 0
    raw = sqlite3.connect(db_path)  # make it a schema-6 file: links indexed by (incident, actor) only
    raw.executescript("DROP INDEX ix_incident_actor_cover;"
                      " CREATE INDEX ix_incident_actor_link ON incident_actor (incident_id, actor_id); PRAGMA user_version = 6;")
    raw.close()
    conn = connect(db_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_incident_actor_cover" in names and "ix_incident_actor_link" not in names
    plan = " ".join(r[3] for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT DISTINCT incident_id, actor_id, role, source_id FROM incident_actor WHERE incident_id = 1"))
    assert "COVERING INDEX ix_incident_actor_cover" in plan  # an incident's links without their table rows
    assert cli("show", "incident", "1", "--db", db_path).exit_code == 0


def test_a_schema_7_file_gets_the_index_of_merged_actors(db_path, cli):
    from db.drafts import ActorMention, Document, IncidentDraft
    from db.store import store_document

    conn = connect(db_path)
    draft = IncidentDraft(title="Port of Holm flooded", type="availability/ddos", date_start="2024-05-02",
                          date_precision="day", actors=[ActorMention("Jade Crew", "claimed"), ActorMention("Port of Holm", "target")])
    store_document(conn, Document(text="", origin="a.txt", title="a", body="report a", drafts=[draft]))
    conn.close()
    raw = sqlite3.connect(db_path)
    raw.executescript("DROP INDEX ix_actor_merged; PRAGMA user_version = 7;")
    raw.close()
    conn = connect(db_path)
    plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT id FROM actor WHERE merged_into IN (1, 2)"))
    assert "ix_actor_merged" in plan  # not a scan of every actor for each actor the search index refreshes
    ids = [r[0] for r in conn.execute("SELECT id FROM actor ORDER BY id LIMIT 2")]
    assert cli("merge-actors", *map(str, ids), "--db", db_path).exit_code == 0
    assert conn.execute("SELECT id FROM actor WHERE merged_into IN (?)", (ids[0],)).fetchall() == [(ids[1],)]


def test_migrated_database_reads_through_the_cli(db_path, cli):
    _old_database(db_path)
    result = cli("show", "incident", "1", "--db", db_path)
    assert result.exit_code == 0
    assert "City websites flooded" in result.output
    assert "Example Crew" in result.output


def test_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path, incidex):
    bogus = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 10
    bogus.write_bytes(content)
    with pytest.raises(DatabaseError, match="not an SQLite database"):
        connect(bogus)
    proc = incidex("list", "incidents", "--db", bogus)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "not an SQLite database" in proc.stderr
    assert bogus.read_bytes() == content


def test_corrupt_sqlite_file_is_refused_and_untouched(tmp_path, incidex):
    broken = tmp_path / "broken.db"
    good = tmp_path / "good.db"
    connect(good).close()
    data = bytearray(good.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the header magic, ruin the first page
    broken.write_bytes(bytes(data))
    before = broken.read_bytes()
    proc = incidex("stats", "--db", broken)
    assert proc.returncode == 2
    assert proc.stderr.startswith("incidex: ") and "Traceback" not in proc.stderr
    assert broken.read_bytes() == before


def test_database_from_a_newer_incidex_is_refused_and_untouched(db_path, incidex):
    connect(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.commit()
    raw.close()
    before = db_path.read_bytes()
    proc = incidex("list", "sources", "--db", db_path)
    assert proc.returncode == 2
    assert "newer incidex" in proc.stderr
    assert db_path.read_bytes() == before


def test_foreign_sqlite_database_is_not_adopted(tmp_path):
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseError, match="not an incidex one"):
        connect(other)
    raw = sqlite3.connect(other)
    assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["customers"]
