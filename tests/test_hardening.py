"""Shared databases and killed processes: concurrency, crash safety at random points, read-only files."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ARTICLES


def _write(folder: Path, start: int, n: int) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(start, start + n):
        (folder / f"r{i:05d}.txt").write_text(
            f"Report {i} on a disruption\n\nOn Monday attackers knocked the portal of district {i} offline with a flood "
            f"of traffic, and the council said service {i} came back after {i % 7 + 1} hours.\n", encoding="utf-8")


def _cmd(db, *paths):
    return [sys.executable, "-m", "importers.cli", "import", "--json", "--db", str(db), *map(str, paths)]


def _consistent(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) - count(DISTINCT uid) FROM source").fetchone()[0] == 0
    orphans = conn.execute("SELECT count(*) FROM incident i WHERE merged_into IS NULL AND NOT EXISTS"
                           " (SELECT 1 FROM incident_source s WHERE s.incident_id = i.id)").fetchone()[0]
    assert orphans == 0
    return conn


def test_two_imports_at_once_neither_locked_nor_duplicated(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, 0, 150)
    _write(b, 100, 150)  # 50 articles in both folders
    db = tmp_path / "shared.db"
    sqlite3.connect(db).close()
    subprocess.run(_cmd(db, ARTICLES), check=True, capture_output=True)  # create the schema first
    procs = [subprocess.Popen(_cmd(db, f, "--workers", "1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    reports = [json.loads(out) for out, _ in outs]
    assert sum(r["failed"] for r in reports) == 0
    conn = _consistent(db)
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 250 + 4


@pytest.mark.parametrize("seed", range(20))
def test_sigkill_at_a_random_point_then_rerun(tmp_path, seed):
    rng = random.Random(seed)
    folder = tmp_path / "arts"
    _write(folder, 0, 30)
    db = tmp_path / "kill.db"
    cmd = _cmd(db, folder, "--workers", "1")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.3, 2.5))  # anywhere from start-up to the end of the run
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    if db.exists():
        raw = sqlite3.connect(db)
        created = raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'source'").fetchone()[0]
        raw.close()
        if created:  # killed before the schema transaction committed leaves an empty file: also fine
            _consistent(db).close()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    conn = _consistent(db)
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 30


def _as_nobody(fn):
    """Run fn with the effective ids of 'nobody' when we are root (root writes everything)."""
    if os.geteuid() != 0:
        return fn()
    os.setegid(65534)
    os.seteuid(65534)
    try:
        return fn()
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def readonly_db():
    base = Path(tempfile.mkdtemp(prefix="incidex-ro-"))
    try:
        db = base / "ro.db"
        proc = subprocess.run([sys.executable, "-m", "importers.cli", "import", "--db", str(db), str(ARTICLES)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        for extra in ("ro.db-wal", "ro.db-shm"):
            (base / extra).unlink(missing_ok=True)
        db.chmod(0o444)
        base.chmod(0o555)
        yield db
    finally:
        base.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_read_only_database_can_be_read_but_not_imported_into(readonly_db, cli, tmp_path):
    from db.engine import DatabaseError, connect

    # Load every module these commands use while we may still read the interpreter's files.
    warm = tmp_path / "warm.db"
    assert cli("import", "--db", warm, ARTICLES).exit_code == 0
    assert cli("list", "sources", "--format", "json", "--db", warm).exit_code == 0

    def attempt():
        try:
            connect(readonly_db)
        except DatabaseError as exc:
            return str(exc)
        return None

    assert "read-only" in _as_nobody(attempt)
    result = _as_nobody(lambda: cli("import", "--db", readonly_db, ARTICLES))
    assert result.exit_code == 2
    assert "read-only" in result.output and result.output.count("\n") == 1
    listed = _as_nobody(lambda: cli("list", "sources", "--format", "json", "--db", readonly_db))
    assert listed.exit_code == 0
    assert len(json.loads(listed.stdout)) == 4
