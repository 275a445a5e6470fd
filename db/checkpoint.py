"""Copying a bulk import's WAL back into the database file from a thread of its own.

A checkpoint copies the pages committed to the WAL into the database file and syncs both. Run by the
importing connection itself (SQLite's `wal_autocheckpoint`), the import stops while it runs, and it
costs more as the file grows: the same number of committed pages is spread over more distinct pages
of a larger file. In `benchmarks/resolve.py`, checkpoints were 0.021 ms of each draft's time at 10k
drafts and 0.087 ms at 100k, on top of 0.024 and 0.075 ms for the COMMIT itself.

`Checkpointer` runs PASSIVE checkpoints on a connection and a thread of its own after each group
commit, on the machine's other core: SQLite releases Python's lock while it copies. A passive
checkpoint never blocks the writer, and the writer never waits for it, except in one case. SQLite
starts the WAL over from its beginning only at a commit whose transaction began while the whole WAL
had been copied back; while the writer begins each group before the copy of the previous one is
done, the WAL would only grow. So once the WAL holds RESTART_PAGES pages, the writer waits for the
copy in progress before its next group (`before_begin`), and that group's commit starts the WAL over.
"""
from __future__ import annotations

import sqlite3
import threading

RESTART_PAGES = 32768
"""WAL pages (128 MiB at 4 KiB) after which the writer lets the copy catch up so the WAL starts over.
Smaller values make the writer wait more often: at 100k drafts, 8192 pages left 0.041 ms of each
draft's time in waits, 32768 pages 0.016 ms."""


class Checkpointer:
    """Background PASSIVE checkpoints of one database file for one writing connection.

    `committed` after each commit of the writer, `before_begin` before it begins a transaction, `close`
    when it is done (it waits for the last copy). While the thread runs, the writer's own
    `wal_autocheckpoint` is twice RESTART_PAGES (a bound it never reaches); it gets its own setting
    back at `close`, or at its next transaction once the thread failed."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path
        self.saved_autocheckpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.restart_pages = RESTART_PAGES
        conn.execute(f"PRAGMA wal_autocheckpoint = {2 * RESTART_PAGES}")
        self.error: BaseException | None = None
        self._restored = False  # the writer's own setting is back (after `close`, or once the thread failed)
        self.wal_pages = 0  # pages in the WAL after the last checkpoint
        self._asked = 0  # commits signalled
        self._done = 0  # commits whose pages were offered to a checkpoint
        self._stop = False
        self._cv = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="incidex-checkpoint", daemon=True)
        self._thread.start()

    @classmethod
    def for_connection(cls, conn: sqlite3.Connection) -> Checkpointer | None:
        """A checkpointer for a connection to a WAL file; None for an in-memory or non-WAL database."""
        path = conn.execute("PRAGMA database_list").fetchone()[2]
        if not path or conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return None
        return cls(conn, path)

    def committed(self) -> None:
        """The writer committed: copy its pages back."""
        with self._cv:
            self._asked += 1
            self._cv.notify_all()

    def before_begin(self) -> None:
        """The writer is about to begin a transaction: when the WAL is long, let the copy in progress
        finish first, so that this transaction's commit starts the WAL over."""
        if self.error is not None:
            self._restore()  # the writer copies pages itself again, as often as it did before
            return
        if self.wal_pages < self.restart_pages:
            return
        with self._cv:
            while self._done != self._asked and self._thread.is_alive():
                self._cv.wait(0.5)  # (a thread that died unexpectedly notifies nobody)
            # Every page is copied (unless a reader holds an old snapshot: the next checkpoint says so).
            self.wal_pages = 0

    def close(self) -> None:
        """Stop the thread once the pages of every commit are offered to a copy (the file then holds
        all of them unless a reader kept some from being copied); give the writer back its checkpoints."""
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        self._thread.join()
        self._restore()

    def _restore(self) -> None:
        if self._restored:
            return
        self._restored = True
        try:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {self.saved_autocheckpoint}")
        except sqlite3.Error:
            pass  # the writer's connection is closed already: nothing to give back

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            self._fail(exc)
            return
        try:
            conn.execute("PRAGMA synchronous = NORMAL")
            while True:
                with self._cv:
                    while self._done == self._asked and not self._stop:
                        self._cv.wait()
                    if self._done == self._asked:  # stopped, every commit offered: done
                        return
                    asked = self._asked
                busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                with self._cv:
                    if not busy and log >= 0:  # (busy: another connection was checkpointing)
                        self.wal_pages = log
                    self._done = asked
                    self._cv.notify_all()
        except Exception as exc:  # noqa: BLE001 - whatever stops the thread, the writer must not wait for it
            self._fail(exc)
        finally:
            conn.close()

    def _fail(self, exc: BaseException) -> None:
        """The thread stops; the writer's own wal_autocheckpoint bounds the WAL from now on."""
        with self._cv:
            self.error = exc
            self._done = self._asked
            self._cv.notify_all()
