"""The command line end to end on our fixture articles: import, list, show, export, stats, db check, demo."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

from tests.conftest import ARTICLES


def _import(cli, db_path, *extra):
    result = cli("import", "--db", db_path, *extra, ARTICLES)
    assert result.exit_code == 0, result.output
    return result


def test_import_twice_adds_nothing_the_second_time(cli, db_path):
    first = json.loads(cli("import", "--json", "--db", db_path, ARTICLES).stdout)
    assert (first["sources_added"], first["failed"]) == (4, 0)
    second = json.loads(cli("import", "--json", "--db", db_path, ARTICLES).stdout)
    assert (second["sources_added"], second["unchanged"], second["sources_unchanged"]) == (0, 4, 4)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 4


def test_same_article_under_another_name_or_tracking_url_is_one_source(cli, db_path, articles):
    text = (articles / "ddos-ministries.md").read_text()
    (articles / "copy-of-ddos.md").write_text(text.replace("utm_source=feed&", "utm_medium=social&"))
    data = json.loads(cli("import", "--json", "--db", db_path, articles).stdout)
    assert data["sources_added"] == 4
    conn = sqlite3.connect(db_path)
    url = conn.execute("SELECT url FROM source WHERE title LIKE 'Hacktivists%'").fetchone()[0]
    assert url == "https://example.org/news/ddos-ministries?id=7"


def test_list_sources_formats(cli, db_path):
    _import(cli, db_path, "--no-extract")
    rows = json.loads(cli("list", "sources", "--format", "json", "--db", db_path).stdout)
    assert [r["title"] for r in rows][:2] == ["Hacktivists flood ministry websites with junk traffic",
                                             "Regional hospital confirms theft of patient records"]
    assert rows[0]["publisher"] == "The Test Gazette" and rows[0]["published"] == "2024-03-13"
    fibre = next(r for r in rows if r["title"].startswith("Fibre cables"))
    assert fibre["published"] == "2022-04-28"  # from the dateline in the text
    table = cli("list", "sources", "--db", db_path).stdout
    assert "Regional hospital confirms theft" in table
    reader = csv.DictReader(io.StringIO(cli("list", "sources", "--format", "csv", "--limit", "2", "--db", db_path).stdout))
    assert len(list(reader)) == 2


def test_show_source_text_and_json(cli, db_path):
    _import(cli, db_path, "--no-extract")
    rows = json.loads(cli("list", "sources", "--format", "json", "--db", db_path).stdout)
    sid = next(r["id"] for r in rows if r["title"].startswith("Hacktivists"))
    shown = cli("show", "source", sid, "--db", db_path)
    assert shown.exit_code == 0
    assert "Hacktivists flood ministry websites" in shown.stdout
    assert "bogus requests" in shown.stdout
    data = json.loads(cli("show", "source", sid, "--format", "json", "--db", db_path).stdout)
    assert data["tags"] == ["ddos", "government"]
    missing = cli("show", "incident", "999", "--db", db_path)
    assert missing.exit_code == 1


def test_export_follows_the_json_contract(cli, db_path, tmp_path):
    _import(cli, db_path)
    out = tmp_path / "export.json"
    result = cli("export", "--format", "json", "--output", out, "--db", db_path)
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["schema"] == "incidex/1"
    assert {"incidents", "actors", "sources"} <= set(data)
    assert len(data["sources"]) == 4
    src = data["sources"][0]
    assert {"id", "title", "publisher", "author", "published", "url", "origin", "language", "body"} <= set(src)
    assert all("Follow Jane Roe" not in s["body"] for s in data["sources"])
    for inc in data["incidents"]:
        assert {"id", "uuid", "title", "summary", "type", "domain", "status", "date", "date_end", "date_precision",
                "places", "countries", "actors", "sources", "figures"} <= set(inc)


def test_stats_and_db_check(cli, db_path):
    _import(cli, db_path)
    stats = json.loads(cli("stats", "--json", "--db", db_path).stdout)
    assert stats["sources"] == 4
    check = cli("db", "check", "--db", db_path)
    assert check.exit_code == 0
    assert "ok" in check.stdout


def test_db_check_finds_orphans(cli, db_path):
    _import(cli, db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO incident_source (incident_id, source_id, relation, evidence, facts, origin)"
                 " VALUES (4242, 1, 'report', '[]', '{}', 'auto')")
    conn.commit()
    conn.close()
    check = cli("db", "check", "--db", db_path)
    assert check.exit_code == 1
    assert "source links to a missing incident" in check.stdout


def test_db_check_finds_and_rebuilds_a_stale_resolution_index(cli, db_path):
    _import(cli, db_path)
    conn = sqlite3.connect(db_path)
    gone = conn.execute("DELETE FROM incident_key WHERE key LIKE 'a%'").rowcount  # the actors' rows
    conn.commit()
    conn.close()
    assert gone > 0
    check = cli("db", "check", "--db", db_path)
    assert check.exit_code == 1 and f"{gone} rows of the resolution index out of step" in check.stdout
    repaired = cli("db", "check", "--rebuild", "--db", db_path)
    assert repaired.exit_code == 0, repaired.stdout
    assert cli("db", "check", "--db", db_path).exit_code == 0


def test_env_variable_chooses_the_database(incidex, tmp_path):
    db = tmp_path / "env.db"
    proc = incidex("import", "--no-extract", ARTICLES / "plain-no-meta.txt", env={"INCIDEX_DB": str(db)})
    assert proc.returncode == 0, proc.stderr
    assert sqlite3.connect(db).execute("SELECT title FROM source").fetchone()[0] == "Phishing wave hits bank customers"


def test_demo_imports_the_bundled_samples(incidex, tmp_path):
    db = tmp_path / "demo.db"
    proc = incidex("demo", "--no-browse", "--db", db, timeout=300)
    assert proc.returncode == 0, proc.stderr
    n = sqlite3.connect(db).execute("SELECT count(*) FROM source").fetchone()[0]
    assert n >= 20
    assert f"imported {n} sample articles" in proc.stdout
