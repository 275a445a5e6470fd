"""Bulk writes: documents committed in groups (`GroupCommit`) and the search index refreshed in batches
(`BatchedIndex`).

An import (`importers.pipeline`) stores thousands of documents with `db.store.store_document`; committing
each alone and refreshing the search index for each alone cost most of its time (the measurements are
with each class). Both live here, in db, because they are about SQLite transactions and the index, not
about reading inputs; they need neither the importers nor the ORM.
"""
from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

GROUP_DOCS = 500
GROUP_SECONDS = 0.5
GROUP_BYTES = 16 * 1024 * 1024  # text held for a group (an import keeps it to store a lost group again)


class GroupCommit:
    """Several documents per transaction for a bulk import, each still all-or-nothing
    (`db.store.transaction` makes it a SAVEPOINT inside the group).

    A COMMIT writes every page the transaction dirtied to the WAL. One document touches the same
    table ends, index pages and actor rows as the next, so committing each alone wrote those pages
    again and again: a quarter of an import's time at 10k drafts (COMMIT 0.15-0.21 of 0.70-0.81 ms
    per draft; 0.03 ms in groups of 100), as much at 100k (0.24-0.27 of 1.0-1.2 ms). The group is
    committed after GROUP_DOCS documents, GROUP_BYTES of text or GROUP_SECONDS, whichever comes first,
    so the browser still sees an import advance twice a second and a killed import loses at most that
    much work (the next run of the same import stores it again: sources are known by their identity).
    Groups of 500 rather than 100: benchmarks/resolve.py 9.1 s / 123.1 s -> 8.8 s / 115.7 s. In
    `incidex import` the search index's refresh (`BatchedIndex` below, every FLUSH_DOCS documents or
    FLUSH_SECONDS) commits the group first, so there a group may end early.

    What each group commits is copied back from the WAL into the file by a thread of its own
    (`db.checkpoint.Checkpointer`); `close` (or leaving the `with` block) commits and stops it."""

    def __init__(self, conn: sqlite3.Connection, docs: int | None = None, seconds: float | None = None,
                 size: int | None = None):
        from db.checkpoint import Checkpointer

        self.conn = conn
        self.docs = docs or GROUP_DOCS
        self.seconds = seconds or GROUP_SECONDS
        self.max_size = size or GROUP_BYTES
        self.count = 0
        self.size = 0
        self.since = 0.0
        # The thread that copies the WAL back (None for an in-memory file); `close` stops it, and so does a
        # finalizer (it runs once) when a group is forgotten without `close`.
        self.checkpointer = Checkpointer.for_connection(conn)
        self._stop = weakref.finalize(self, self.checkpointer.close) if self.checkpointer is not None else None

    def __enter__(self) -> GroupCommit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Commit the open group and stop the checkpoint thread (after its last copy)."""
        try:
            self.commit()
        finally:
            if self._stop is not None:
                self._stop()
                self.checkpointer = None

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Around a transaction of its own between groups (the search index's refresh): its pages are
        copied back like a group's."""
        if self.checkpointer is not None:
            self.checkpointer.before_begin()
        yield
        if self.checkpointer is not None:
            self.checkpointer.committed()

    def open(self) -> None:
        """Begin a group unless one is open (takes the write lock, as `db.store.transaction` does)."""
        if not self.conn.in_transaction:
            if self.checkpointer is not None:
                self.checkpointer.before_begin()
            self.conn.execute("BEGIN IMMEDIATE")
            self.count = 0
            self.size = 0
            self.since = time.monotonic()

    def add(self, n: int = 1, size: int = 0) -> bool:
        """Count documents (and characters of text) stored in the group; True when it is due to commit."""
        self.count += n
        self.size += size
        return (self.count >= self.docs or self.size >= self.max_size
                or time.monotonic() - self.since >= self.seconds)

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
            if self.checkpointer is not None:
                self.checkpointer.committed()
        self.count = 0
        self.size = 0


# The search index of stored documents is refreshed after FLUSH_DOCS documents or FLUSH_SECONDS,
# whichever comes first. Each refresh writes a new segment to every FTS5 table, which FTS5 later merges:
# fewer, larger refreshes merge less. benchmarks/resolve.py --as-import, one session: 200 documents 4.75 s
# at 10k drafts (median of 4) and 56.8-62.4 s at 100k; 1,000 documents 4.25 s and 52.2-52.7 s; 3,000
# documents 4.8 s and 63.9 s.
# A browser reading the file during an import still sees new rows within FLUSH_SECONDS.
FLUSH_DOCS = 1000  # the search index of stored documents is refreshed after this many documents...
FLUSH_SECONDS = 1.0  # ...or this long after the previous refresh, and at the end of the run


class BatchedIndex:
    """Refreshes the search index of stored documents in batches (see `search.mark_pending`).
    before_flush: commits an open `GroupCommit` (the refresh is a transaction of its own); group: that
    `GroupCommit`, whose WAL copy takes the refresh's transaction as one of its own (`GroupCommit.alone`)."""

    def __init__(self, conn: sqlite3.Connection | None, before_flush: Callable[[], None] | None = None,
                 group: GroupCommit | None = None):
        from db import search

        self.search = search
        self.conn = conn
        self.before_flush = before_flush
        self.group = group
        self.docs = 0
        self.since = time.monotonic()
        if conn is not None:
            search.ensure_pending(conn)
            search.flush_pending(conn)  # left by an import that was killed before its flush

    def stored(self, n: int) -> None:
        self.docs += n
        if self.docs >= FLUSH_DOCS or (self.docs and time.monotonic() - self.since >= FLUSH_SECONDS):
            try:
                self.flush()
            except sqlite3.OperationalError:  # busy beyond the timeout: the notes stay, the next flush takes them
                self.since = time.monotonic()

    def flush(self) -> None:
        if self.conn is not None and self.docs:
            if self.before_flush is not None:
                self.before_flush()
            with self.group.alone() if self.group is not None else nullcontext():
                self.search.flush_pending(self.conn)
        self.docs = 0
        self.since = time.monotonic()
