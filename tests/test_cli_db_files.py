"""What the command line does to database files it is pointed at: `demo` never deletes a file in use or a
file that is not incidex's, and `--db` never turns a URL into a local folder."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.engine import connect


def test_demo_refuses_to_recreate_a_database_another_process_has_open(incidex, tmp_path):
    db = tmp_path / "demo.db"
    assert incidex("demo", "--no-browse", "--db", db, timeout=300).returncode == 0
    browser = connect(db)  # another process's browser, as far as the demo can tell
    before = browser.execute("SELECT count(*) FROM incident").fetchone()[0]
    proc = incidex("demo", "--no-browse", "--db", db, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and str(db) in proc.stderr and "open" in proc.stderr, proc.stderr
    assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()
    assert browser.execute("SELECT count(*) FROM incident").fetchone()[0] == before
    browser.execute("UPDATE incident SET review = 'reviewed' WHERE id = (SELECT min(id) FROM incident)")
    assert browser.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    browser.close()
    # once nobody has it open, the demo starts over on a fresh file
    again = incidex("demo", "--no-browse", "--db", db, timeout=300)
    assert again.returncode == 0, again.stderr
    fresh = sqlite3.connect(db)
    assert fresh.execute("SELECT count(*) FROM incident WHERE review = 'reviewed'").fetchone()[0] == 0
    fresh.close()


def test_demo_never_deletes_a_file_that_is_not_an_incidex_database(incidex, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database\n" * 20)
    before = notes.read_bytes()
    proc = incidex("demo", "--no-browse", "--db", notes, timeout=300)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert notes.read_bytes() == before


@pytest.mark.parametrize("url", ["mysql://analyst:hunter2@db.example/incidents", "sqlite:///x.db",
                                 "https://example.org/x.db"])
@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_database_url_is_refused_with_one_line_and_creates_nothing(incidex, tmp_path, url, how):
    args, env = (["--db", url], None) if how == "flag" else ([], {"INCIDEX_DB": url})
    for command in (["list", "incidents"], ["import", str(tmp_path / "none.txt")], ["db", "path"], ["stats"]):
        proc = incidex(*command, *args, env=env, cwd=tmp_path)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        assert proc.stderr.count("\n") == 1 and "URL" in proc.stderr, proc.stderr
        assert "hunter2" not in proc.stderr and "analyst" not in proc.stderr  # no credentials echoed
    if how == "flag":  # the demo deletes what --db names before it starts: a URL never reaches that
        proc = incidex("demo", "--no-browse", *args, cwd=tmp_path)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
        assert "hunter2" not in proc.stderr and "analyst" not in proc.stderr  # no credentials echoed
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no `postgresql:` folder, no stray file


@pytest.mark.parametrize("how", ["flag", "env"])
def test_an_unreachable_server_is_one_line_and_creates_nothing(incidex, tmp_path, how):
    """A postgresql:// URL is a team database (issue 32); a server that cannot be reached is one line, exit 2,
    no credentials echoed, and nothing created here (no `postgresql:` folder)."""
    url = "postgresql://analyst:hunter2@127.0.0.1:9/incidents"  # the discard port: nothing listens there
    args, env = (["--db", url], None) if how == "flag" else ([], {"INCIDEX_DB": url})
    for command in (["list", "incidents"], ["import", str(tmp_path / "none.txt")], ["stats"]):
        proc = incidex(*command, *args, env=env, cwd=tmp_path)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        assert proc.stderr.count("\n") == 1 and "127.0.0.1:9/incidents" in proc.stderr, proc.stderr
        assert "hunter2" not in proc.stderr and "analyst" not in proc.stderr
    path = incidex("db", "path", *args, env=env, cwd=tmp_path)
    assert path.returncode == 0 and path.stdout.strip() == "postgresql://127.0.0.1:9/incidents"
    if how == "flag":  # the demo deletes what --db names: never a team's database
        demo = incidex("demo", "--no-browse", *args, cwd=tmp_path)
        assert demo.returncode == 2 and demo.stderr.count("\n") == 1 and "hunter2" not in demo.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_importing_the_folder_that_holds_the_database_skips_the_database_and_keeps_its_wal(incidex, tmp_path,
                                                                                           articles):
    """`incidex import --db ./incidex.db .` would read the database, its -wal and -shm as articles: opening
    and closing them drops this process's SQLite locks, so a browser's WAL could be deleted under it."""
    db = articles / "incidex.db"
    assert incidex("import", "--db", db, articles / "fibre-cuts.txt").returncode == 0
    browser = connect(db)
    browser.execute("SELECT count(*) FROM incident").fetchone()
    proc = incidex("import", "--json", "--db", db, articles)
    assert proc.returncode == 0, proc.stderr
    import json

    report = json.loads(proc.stdout)
    skipped = sorted(Path(o["origin"]).name for o in report["outcomes"] if o["status"] == "skipped")
    assert skipped[0] == "incidex.db" and set(skipped) <= {"incidex.db", "incidex.db-wal", "incidex.db-shm"}
    assert report["failed"] == 0
    assert "incidex.db" not in {r[0] for r in browser.execute("SELECT title FROM source")}
    assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()
    browser.execute("UPDATE incident SET review = 'reviewed'")
    assert browser.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    browser.close()


def test_export_refuses_to_write_over_the_database(incidex, tmp_path, articles):
    db = tmp_path / "x.db"
    assert incidex("import", "--db", db, articles).returncode == 0
    before = db.read_bytes()
    for target in (db, Path(f"{db}-wal"), tmp_path / "." / "x.db"):
        proc = incidex("export", "--db", db, "--output", target)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert db.read_bytes() == before
    assert incidex("db", "check", "--db", db).returncode == 0
