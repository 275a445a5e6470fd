"""Shared use of one file, end to end: `incidex browse` open in tmux, `incidex import` into the same file from
another process, then curation keys in the browser; the file must come out whole with the marks in it."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_incidex
from tests.tui.conftest import build_db
from tests.tui.test_e2e import Tmux, _browse_command, tmux_available  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e


def _reviewed(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM incident WHERE review = 'reviewed' ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.usefixtures("tmux_available")
def test_curating_in_the_browser_after_another_process_imported_keeps_the_file_whole(tmp_path):
    db = build_db(tmp_path / "c.db")
    folder = tmp_path / "new"
    folder.mkdir()
    for i in range(6):
        (folder / f"n{i}.md").write_text(
            f"---\ntitle: Ferry portal outage {i}\npublished: 2025-03-1{i}\n---\n"
            f"A distributed denial of service (DDoS) attack took the booking portal of ferry operator Nordwave"
            f" Lines offline on day {i}, the company said.\n", encoding="utf-8")
    t = Tmux(_browse_command(db, tmp_path / "home"), env={"NO_COLOR": "1"})
    try:
        t.wait_for("4 of 4")
        # a search opens the browser's search and count connections (its late opens)
        t.send("/")
        t.send("lyon", literal=True)
        t.wait_for("1 of 4")
        t.send("C-u")
        t.wait_for("4 of 4")
        t.send("Enter")  # back to the list
        importer = subprocess.run([sys.executable, "-m", "importers.cli", "import", "--db", str(db), str(folder)],
                                  capture_output=True, text=True, timeout=300)
        assert importer.returncode == 0, importer.stderr
        # the importer has exited; the browser's WAL and shared memory must still be there
        assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()
        t.wait_until(lambda s: "of 10" in s, "the list counting the imported incidents", timeout=30)
        t.send("g")
        t.send("v")
        t.wait_for("marked reviewed")
        t.send("j")
        t.send("v")
        t.wait_until(lambda s: len(_reviewed(db)) == 2, "the second review mark", timeout=20)
        t.send("u")
        t.wait_for("undone")
        t.wait_until(lambda s: len(_reviewed(db)) == 1, "undo of the second mark", timeout=20)
        # curation from the command line while the browser has the file open
        tagged = run_incidex("tag", "incident", "1", "wave", "--db", db)
        assert tagged.returncode == 0, tagged.stderr
        t.send("v")  # and the browser writes again after it
        t.wait_until(lambda s: len(_reviewed(db)) == 2, "a review mark after the command line's tag", timeout=20)
        assert not t.dead()
        t.send("C-q")
        t.wait_until(lambda s: t.dead(), "quitting")
    finally:
        t.close()
    check = run_incidex("db", "check", "--db", db)
    assert check.returncode == 0, check.stdout + check.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT entity_id FROM tag WHERE entity = 'incident' AND name = 'wave'").fetchall() == [(1,)]
    conn.close()
    assert len(_reviewed(db)) == 2
