"""A killed import leaves a consistent database, and running it again finishes the work."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time


def _write_articles(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(
            f"Incident report number {i}\n\nOn day {i} attackers disrupted the web portal of municipality {i} "
            f"with a flood of requests, officials said, and service {i} was restored later.\n", encoding="utf-8")


def _count(db, table="source"):
    try:
        conn = sqlite3.connect(db, timeout=5)
        n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.close()
        return n
    except sqlite3.Error:
        return 0


def _children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# More articles than one group commits (bulk.GROUP_DOCS, 500): the import is seen halfway, with groups
# committed, however fast the machine stores them.
ARTICLES = 1500


def test_sigkill_halfway_then_rerun_completes_without_duplicates(tmp_path):
    folder = tmp_path / "articles"
    _write_articles(folder, ARTICLES)
    db = tmp_path / "crash.db"
    cmd = [sys.executable, "-m", "importers.cli", "import", "--json", "--db", str(db), str(folder)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _count(db) < 60 and proc.poll() is None:
        time.sleep(0.02)
    workers = _children(proc.pid)  # the extraction pool (none on a one-core machine)
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    partial = _count(db)
    assert 0 < partial < ARTICLES, "the import should have been killed halfway"
    # the pool's workers do not outlive the killed import
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "pool workers survived their import"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == ARTICLES
    assert conn.execute("SELECT count(DISTINCT uid) FROM source").fetchone()[0] == ARTICLES
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # every incident belongs to a source: no half-written document survived the kill
    assert conn.execute("SELECT count(*) FROM incident i WHERE NOT EXISTS"
                        " (SELECT 1 FROM incident_source s WHERE s.incident_id = i.id)").fetchone()[0] == 0
