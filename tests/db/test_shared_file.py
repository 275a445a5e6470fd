"""One database file shared by processes: a browser's connections survive an import from another process,
and files incidex refuses are left byte for byte as they were, whatever their journal mode."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db.engine import APPLICATION_ID, SCHEMA_VERSION, DatabaseError, connect


def _sidecars(db: Path) -> tuple[bool, bool]:
    return Path(f"{db}-wal").exists(), Path(f"{db}-shm").exists()


def test_an_import_from_another_process_leaves_the_browsers_wal_and_shm_in_place(tmp_path, articles, incidex):
    """The browser holds a connection, opens another one later (its search and count connections open on
    demand), and another process imports into the same file and exits. Before the fix, the late open read
    the file header with open()/close(), which dropped every POSIX lock of this process: the importer's
    last close then thought it was alone, checkpointed and deleted the -wal and -shm files in use here, and
    the next write failed with "disk I/O error" or left a malformed file."""
    db = tmp_path / "c.db"
    first, *rest = sorted(articles.iterdir())
    later = tmp_path / "later"
    later.mkdir()
    for path in rest:
        shutil.move(str(path), later / path.name)
    assert incidex("import", "--db", db, first).returncode == 0

    browser = connect(db)
    incident = browser.execute("SELECT min(id) FROM incident").fetchone()[0]
    late = connect(db, readonly=True)  # a late open, as the browser's searcher does
    assert late.execute("SELECT count(*) FROM source").fetchone()[0] == 1

    proc = incidex("import", "--db", db, later)
    assert proc.returncode == 0, proc.stderr
    assert _sidecars(db) == (True, True)  # still there for this process's connections

    from db.curation import review

    review(browser, incident)  # the browser's `v`: a write on its first connection
    assert late.execute("SELECT count(*) FROM source").fetchone()[0] == 1 + len(rest)
    browser.close()
    late.close()

    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT review FROM incident WHERE id = ?", (incident,)).fetchone()[0] == "reviewed"
    check.close()
    assert incidex("db", "check", "--db", db).returncode == 0


def _rollback_file(path: Path, script: str) -> bytes:
    raw = sqlite3.connect(path)
    raw.executescript(script)
    raw.close()
    assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    return path.read_bytes()


@pytest.mark.parametrize("script, reason", [
    ("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);", "not an incidex one"),
    ("PRAGMA application_id = 1094861636; CREATE TABLE t (x);", "another application"),
    # an empty database another program made and has not filled yet: not ours to take over
    ("PRAGMA application_id = 1094861636; VACUUM;", "another application"),
    ("PRAGMA user_version = 0; CREATE TABLE t (x); DROP TABLE t;", "not an incidex one"),
    (f"PRAGMA user_version = {SCHEMA_VERSION + 5}; CREATE TABLE t (x);", "newer incidex"),
], ids=["foreign-tables", "foreign-app-id", "foreign-empty", "blank-sqlite", "newer-schema"])
def test_refused_files_in_rollback_mode_are_left_byte_for_byte(tmp_path, incidex, script, reason):
    """Switching to WAL rewrites header bytes 18-19: it must come after the file was found to be ours."""
    path = tmp_path / "theirs.db"
    before = _rollback_file(path, script)
    with pytest.raises(DatabaseError, match=reason):
        connect(path)
    proc = incidex("import", "--db", path, tmp_path / "nothing-here.txt")
    assert proc.returncode == 2 and reason in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert path.read_bytes() == before
    assert _sidecars(path) == (False, False)


def test_a_new_file_is_created_whole_and_marked_as_incidex(tmp_path):
    path = tmp_path / "new.db"
    connect(path).close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    connect(path).close()  # and it is ours the next time


def test_an_empty_file_is_taken_as_new(tmp_path):
    """A zero-byte file has no owner yet (`touch incidex.db`, or SQLite's own create before the first write)."""
    path = tmp_path / "empty.db"
    path.touch()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_fifo_given_as_the_database_is_refused_without_being_opened(tmp_path):
    import os

    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    with pytest.raises(DatabaseError, match="not a regular file"):
        connect(fifo)
