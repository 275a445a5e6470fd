"""A bulk import's WAL is copied back into the file by a thread of its own, and still starts over."""
from __future__ import annotations

import os
import sqlite3
import threading

import pytest

from db import checkpoint
from db.bulk import GroupCommit
from db.engine import connect

PAGE = 4096
FRAME = PAGE + 24


def _writer(db_path) -> sqlite3.Connection:
    conn = connect(db_path)
    conn.execute("CREATE TABLE IF NOT EXISTS blob (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    return conn


def _write_groups(group: GroupCommit, groups: int, rows: int = 12) -> int:
    """`groups` commits of `rows` rows of one page each (random bytes: nothing compresses or repeats)."""
    written = 0
    for _ in range(groups):
        group.open()
        group.conn.executemany("INSERT INTO blob (data) VALUES (?)", [(os.urandom(PAGE - 200),) for _ in range(rows)])
        written += rows
        group.commit()
    return written


def _wal_frames(db_path) -> int:
    """The most frames the WAL ever held (SQLite reuses the file from its start; it never shrinks)."""
    wal = f"{db_path}-wal"
    return (os.path.getsize(wal) - 32) // FRAME if os.path.exists(wal) else 0


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "incidex-checkpoint"]


def test_the_wal_starts_over_while_groups_are_committed(db_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "RESTART_PAGES", 64)
    conn = _writer(db_path)
    group = GroupCommit(conn)
    assert group.checkpointer is not None and _threads()
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # only the thread copies pages back
    written = _write_groups(group, 200)  # ~2,800 pages: without a restart the WAL would hold them all
    group.close()
    assert conn.execute("SELECT count(*) FROM blob").fetchone()[0] == written
    # The same writes with no restart give the WAL's whole length. With restarts it stays near
    # RESTART_PAGES plus what the writer committed while the last copy before a restart ran: a few
    # hundred frames on a quiet machine, up to ~1,300 of ~2,800 with both cores busy (a fixed bound of
    # 1,000 failed there), so the test compares with the run that never restarts. (Both measured while
    # their connections are open: the last close deletes the WAL.)
    monkeypatch.setattr(checkpoint, "RESTART_PAGES", 10**9)
    other = db_path.with_name("no-restart.db")
    whole = _writer(other)
    whole_group = GroupCommit(whole)
    whole.execute("PRAGMA wal_autocheckpoint = 0")
    _write_groups(whole_group, 200)
    whole_group.close()
    restarted, never = _wal_frames(db_path), _wal_frames(other)
    assert restarted < 0.75 * never, (restarted, never)
    whole.close()
    conn.close()


def test_the_file_itself_holds_every_group_once_closed(db_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "RESTART_PAGES", 10_000)  # the writer never waits, never copies itself
    conn = _writer(db_path)
    with GroupCommit(conn) as group:
        written = _write_groups(group, 8)
    # Read the database file alone, as if the WAL were lost: the thread copied every group into it.
    raw = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    assert raw.execute("SELECT count(*) FROM blob").fetchone()[0] == written
    raw.close()
    conn.close()


def test_close_stops_the_thread_and_gives_the_writer_its_checkpoints_back(db_path):
    conn = _writer(db_path)
    conn.execute("PRAGMA wal_autocheckpoint = 777")
    group = GroupCommit(conn)
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 2 * checkpoint.RESTART_PAGES
    _write_groups(group, 2)
    group.close()
    assert not _threads()
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 777
    group.close()  # twice is harmless
    conn.close()


def test_a_checkpointer_that_cannot_start_gives_the_writer_its_own_checkpoints_back(db_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "RESTART_PAGES", 10_000)  # the thread's bound: 20,000 pages

    def refuse(*_a, **_k):
        raise sqlite3.OperationalError("unable to open database file")

    conn = _writer(db_path)
    conn.execute("PRAGMA wal_autocheckpoint = 32")  # the writer's own setting
    monkeypatch.setattr(checkpoint.sqlite3, "connect", refuse)  # from here on (the writer is connected)
    group = GroupCommit(conn)
    checkpointer = group.checkpointer
    written = _write_groups(group, 20)  # never waits for a thread that is gone
    assert isinstance(checkpointer.error, sqlite3.OperationalError)
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 32
    group.close()
    assert conn.execute("SELECT count(*) FROM blob").fetchone()[0] == written
    # bounded by the writer's own 32 pages again, not the ~280 pages written
    assert _wal_frames(db_path) < 150, _wal_frames(db_path)
    conn.close()


def test_an_in_memory_database_has_no_checkpoint_thread():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    group = GroupCommit(conn)
    assert group.checkpointer is None
    group.open()
    conn.execute("INSERT INTO t VALUES (1)")
    group.close()
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1


@pytest.mark.parametrize("interrupted", [False, True])
def test_an_import_leaves_no_checkpoint_thread_behind(tmp_path, db_path, interrupted):
    from importers import pipeline

    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(6):
        (folder / f"a{i}.txt").write_text(f"Report {i}\n\nHackers defaced the website of the council of Brisk {i} "
                                          "on Monday, officials said.\n", encoding="utf-8")
    conn = connect(db_path)

    def progress(_outcome):
        if interrupted:
            raise KeyboardInterrupt

    if interrupted:
        with pytest.raises(KeyboardInterrupt):
            pipeline.run(conn, [str(folder)], pipeline.Options(workers=1), progress=progress)
    else:
        pipeline.run(conn, [str(folder)], pipeline.Options(workers=1))
    assert not _threads()
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == (1 if interrupted else 6)
    conn.close()
