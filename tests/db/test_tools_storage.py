"""The tools of an incident in a real SQLite file: stored with evidence, migrated into older files, carried by
merges, splits and undo, refreshed by re-extraction, and searchable with tool:."""
from __future__ import annotations

import sqlite3

from db.drafts import Document, Evidence, IncidentDraft, ToolMention
from db.engine import SCHEMA_VERSION, connect
from db.store import store_document

ARTICLE = """---
title: Ransomware shuts the Harbor Valley clinic
published: 2019-03-04
---
The Harbor Valley clinic was hit by GandCrab ransomware on Monday, officials said.

The attackers used Mimikatz to collect administrator passwords before they encrypted the servers.
"""


def _tools(conn, incident_id=None):
    sql = 'SELECT incident_id, name, kind, reference, source_id, evidence, start, "end", origin FROM incident_tool'
    rows = conn.execute(sql + (" WHERE incident_id = ?" if incident_id else "") + " ORDER BY name",
                        (incident_id,) if incident_id else ()).fetchall()
    return rows


def _draft(title, tool, sentence, body):
    start = body.index(sentence)
    ev = Evidence(sentence, start, start + len(sentence))
    return IncidentDraft(title=title, type="malicious-code/ransomware", date_start="2024-05-02", date_precision="day",
                         evidence=[ev], tools=[ToolMention(tool, "ransomware", None, "ransomware", ev)])


def _store(conn, body, title, tool, sentence):
    return store_document(conn, Document(text="", origin=f"{title}.txt", title=title, body=body,
                                         drafts=[_draft(title, tool, sentence, body)]))


def test_an_imported_article_stores_its_tools_with_evidence(tmp_path, db_path, cli):
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    assert cli("import", str(tmp_path / "a.md"), "--db", db_path).exit_code == 0
    conn = connect(db_path)
    rows = _tools(conn)
    assert [(r[1], r[2]) for r in rows] == [("GandCrab", "ransomware"), ("Mimikatz", "tool")]
    body = conn.execute("SELECT body FROM source WHERE id = ?", (rows[0][4],)).fetchone()[0]
    for r in rows:
        assert r[3] and body[r[6]:r[7]] == r[5] and r[8] == "auto"
    shown = cli("show", "incident", str(rows[0][0]), "--db", db_path)
    assert "GandCrab (ransomware)" in shown.output and "Mimikatz (tool)" in shown.output


def test_a_schema_9_file_keeps_its_data_and_gets_the_tool_table(db_path):
    conn = connect(db_path)
    _store(conn, "Hackers hit the Port of Holm. The Ryuk ransomware encrypted it.", "Port of Holm", "Ryuk",
           "The Ryuk ransomware encrypted it.")
    conn.close()
    raw = sqlite3.connect(db_path)
    raw.executescript("DROP TABLE incident_tool; PRAGMA user_version = 9;")
    raw.close()
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT title FROM incident").fetchall() == [("Port of Holm",)]
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 1
    assert _tools(conn) == []  # the table is there, empty
    _store(conn, "Hackers hit the Port of Brill. The Ryuk ransomware encrypted it.", "Port of Brill", "Ryuk",
           "The Ryuk ransomware encrypted it.")
    assert [r[1] for r in _tools(conn)] == ["Ryuk"]


def test_a_schema_10_file_without_tools_gets_the_table(db_path):
    connect(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.executescript("DROP TABLE incident_tool; PRAGMA user_version = 10;")
    raw.close()
    conn = connect(db_path)
    assert conn.execute("SELECT count(*) FROM incident_tool").fetchone()[0] == 0


def test_merge_split_and_undo_carry_the_tools(db_path):
    from db import curation

    conn = connect(db_path)
    a = _store(conn, "Hackers hit the Port of Holm. The Ryuk ransomware encrypted it.", "Port of Holm", "Ryuk",
               "The Ryuk ransomware encrypted it.").incidents[0]
    b = _store(conn, "Hackers hit the Holm port. LockBit encrypted it.", "Holm port", "LockBit",
               "LockBit encrypted it.").incidents[0]
    merged = curation.merge_incidents(conn, [a, b])
    survivor = merged["survivor"]
    assert [r[1] for r in _tools(conn, survivor)] == ["LockBit", "Ryuk"]
    curation.undo(conn)
    assert [r[1] for r in _tools(conn, a)] == ["Ryuk"] and [r[1] for r in _tools(conn, b)] == ["LockBit"]
    curation.merge_incidents(conn, [a, b])
    lockbit_source = _tools(conn, survivor)[0][4]
    split = curation.split_source(conn, survivor, lockbit_source)
    assert [r[1] for r in _tools(conn, split["new_incident"])] == ["LockBit"]
    assert [r[1] for r in _tools(conn, survivor)] == ["Ryuk"]


def test_reextraction_replaces_the_automatic_tools_of_a_source(db_path):
    from db.store import reextract_source

    conn = connect(db_path)
    body = "Hackers hit the Port of Holm. The Ryuk ransomware encrypted it."
    res = _store(conn, body, "Port of Holm", "Ryuk", "The Ryuk ransomware encrypted it.")
    reextract_source(conn, res.source_id, [_draft("Port of Holm", "Conti", "The Ryuk ransomware encrypted it.", body)])
    assert [r[1] for r in _tools(conn)] == ["Conti"]


def test_tool_qualifier_on_the_command_line(tmp_path, db_path, cli):
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.md").write_text(ARTICLE.replace("GandCrab ransomware", "a flood of traffic")
                                   .replace("Mimikatz", "stolen badges").replace("Harbor Valley", "Lakeside")
                                   .replace("Ransomware shuts", "Outage at"), encoding="utf-8")
    assert cli("import", str(tmp_path), "--db", db_path).exit_code == 0
    hit = cli("list", "incidents", "--query", "tool:gandcrab", "--db", db_path)
    assert hit.exit_code == 0 and "Harbor" in hit.output and "Lakeside" not in hit.output
    typo = cli("list", "incidents", "--query", "tool:gandcarb", "--db", db_path)
    assert "Harbor" in typo.output
    kind = cli("list", "incidents", "--query", "tool:ransomware", "--db", db_path)
    assert "Harbor" in kind.output and "Lakeside" not in kind.output
    none = cli("list", "incidents", "--query", "tool:xyz", "--db", db_path)
    assert none.exit_code == 0 and "Harbor" not in none.output and "no tool matches 'xyz'" in none.output
    words = cli("list", "incidents", "--query", "mimikatz", "--db", db_path)
    assert "Harbor" in words.output and "Lakeside" not in words.output
