"""The import pipeline: inputs -> readers -> cleaning -> extraction -> resolution -> store.

Reading, cleaning and extraction are pure and CPU-bound, so large batches run them in a process pool
(both cores); only the main process writes. Each document is all-or-nothing (a savepoint), and
documents are committed in groups (`db.bulk.GroupCommit`), so a killed import leaves whole documents
and a re-run completes the work without duplicates.

This module runs an import: its options and report, the work on one input (`prepare`), the process pool
that does it ahead of the writer, and the writer (`_Writer`). What it builds on lives apart: naming and
reading the inputs in `importers.inputs`, the time limit of one input in `importers.timelimit`, group
commit and batched refresh of the search index in `db.bulk`.
"""
from __future__ import annotations

import gc
import itertools
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from db.bulk import BatchedIndex, GroupCommit
from db.drafts import Document
from db.engine import ConnectionLost, database_files, for_import, is_database_file
from db.text import safe_line
from importers.clean import clean_text
from importers.inputs import DEFAULT_MAX_SIZE, Input, Outcome, expand, read_input
from importers.readers import ReadError, read_bytes
from importers.timelimit import DEFAULT_TIME_LIMIT, Deadline, TimeLimitExceeded

PARALLEL_MIN_FILES = 48  # below this, a process pool costs more than it saves
CHUNK = 8  # inputs per pool task (fewer round trips between processes)
AHEAD = 32  # pool tasks prepared ahead of the writer at most
WORKER_NICENESS = 10
BULK_GC_GEN0 = 50_000  # allocations between Python's young collections during an import (default 700)


@dataclass
class Options:
    fmt: str = "auto"
    extract: bool = True
    max_size: int = DEFAULT_MAX_SIZE
    published: str | None = None  # fallback publication date
    publisher: str | None = None  # fallback publisher
    dry_run: bool = False
    workers: int | None = None
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds per input (None: no limit)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def sources(self) -> int:
        return sum(o.sources for o in self.outcomes)

    @property
    def unchanged_sources(self) -> int:
        return sum(o.unchanged for o in self.outcomes)

    @property
    def incidents(self) -> int:
        return sum(o.incidents for o in self.outcomes)

    @property
    def completed_sources(self) -> int:
        return sum(o.completed for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def as_dict(self) -> dict:
        return {
            "files": len(self.outcomes),
            "imported": self.count("imported"),
            "unchanged": self.count("unchanged"),
            "completed": self.count("completed"),
            "skipped": self.count("skipped"),
            "failed": len(self.failed),
            "sources_added": self.sources,
            "sources_unchanged": self.unchanged_sources,
            "sources_completed": self.completed_sources,
            "incidents": self.incidents,
            "outcomes": [o.__dict__ for o in self.outcomes],
        }


# --- per-input work (runs in worker processes) -------------------------------------------------------

EXTRACTION_FAILED = "extraction failed"
"""How the warning of a source kept without its incidents begins: the import's exit code is 1 then (the other
warnings, such as the database file skipped in its own folder, leave it at 0)."""


def prepare_document(doc: Document, opts: Options, warnings: list[str] | None = None) -> Document:
    """Clean a read document, fill metadata fallbacks, and extract its incidents."""
    warnings = warnings if warnings is not None else []
    if doc.body is None:
        cleaned = clean_text(doc.text)
        doc.body = cleaned.body
        doc.published = doc.published or cleaned.published
        doc.author = doc.author or cleaned.author
        doc.publisher = doc.publisher or cleaned.publisher
    doc.text = ""  # the raw text is not needed any more; do not ship it between processes
    doc.title = safe_line(doc.title) or None
    for attr in ("publisher", "author", "url", "language"):
        setattr(doc, attr, safe_line(getattr(doc, attr)) or None)
    doc.origin = safe_line(doc.origin) or "?"  # a file name can carry escape sequences too
    doc.published = doc.published or opts.published
    doc.publisher = doc.publisher or opts.publisher
    if doc.uid is None and doc.body is not None:
        from db.identity import source_uid

        doc.uid = source_uid(doc.body)  # here, in the worker: hashing the normalised text is not cheap
    if doc.drafts:
        _galaxy_references(doc.drafts)
    if doc.drafts is None and doc.extract and opts.extract and doc.body:
        try:
            from importers.extract import extract

            doc.drafts = extract(doc)
        except Exception as exc:  # noqa: BLE001 - keep the source; say that its extraction failed
            doc.drafts = []
            warnings.append(f"{EXTRACTION_FAILED} ({type(exc).__name__}: {safe_line(str(exc))[:160]}); source kept")
    return doc


def _galaxy_references(drafts) -> None:
    """Actors of structured records (STIX, MISP, VERIS, CSV, JSON) are matched to the MISP threat-actor galaxy as
    extracted ones are: a name that is one cluster's name or synonym gets its uuid as reference and its synonyms
    as aliases, so "Sofacy" from one file and "Fighting Ursa" from another are one actor, found by actor:apt28."""
    from importers.extract.gazetteer import galaxy_actor

    for draft in drafts:
        for m in draft.actors:
            if m.reference or m.role == "target" or m.kind in ("person", "organisation", "government body"):
                continue
            ref = galaxy_actor(m.name)
            if ref is not None:
                m.reference = ref.uuid
                m.aliases = list(dict.fromkeys([*m.aliases, ref.name, *ref.aliases]))
                m.alias_origin = "galaxy"
                m.kind = m.kind if m.kind != "unknown" else ref.kind
                m.country = m.country or ref.country


def prepare(item: Input, opts: Options) -> tuple[Input, list[Document] | None, str, list[str]]:
    """Read, decode, clean and extract one input within opts.time_limit seconds.
    Returns (input, documents, error, warnings); an input out of time is one error, its documents dropped."""
    if not opts.time_limit:
        return _prepare(item, opts)
    job = Deadline(opts.time_limit)
    try:
        try:
            job.arm()
            return _prepare(item, opts)
        finally:
            job.disarm()  # (when the time ran out just now, the work is done: it is kept)
    except TimeLimitExceeded:
        return item, None, f"took longer than the {opts.time_limit:g} s limit per file (--time-limit); skipped", []


def _prepare(item: Input, opts: Options) -> tuple[Input, list[Document] | None, str, list[str]]:
    warnings: list[str] = []
    try:
        data = read_input(item, opts.max_size)
        docs = read_bytes(data, item.origin, opts.fmt)
        docs = [prepare_document(d, opts, warnings) for d in docs]
        docs = [d for d in docs if (d.body or "").strip() or d.drafts]
        if not docs:
            raise ReadError("no article text left after cleaning")
        return item, docs, "", warnings
    except ReadError as exc:
        return item, None, str(exc), warnings
    except RecursionError:
        return item, None, "input is nested too deeply", warnings
    except MemoryError:
        return item, None, "input is too large to process", warnings
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return item, None, f"could not be read ({type(exc).__name__}: {safe_line(str(exc))[:200]})", warnings


def _prepare_chunk(items: list[Input], opts: Options) -> list[tuple[Input, list[Document] | None, str, list[str]]]:
    return [prepare(it, opts) for it in items]


def _prepared(pool: ProcessPoolExecutor, items: list[Input], opts: Options) -> Iterator[tuple]:
    """`prepare` for every input in the pool, in order, CHUNK inputs per task and at most AHEAD tasks
    ahead of the writer: `Executor.map` would queue the whole batch and hold every prepared document
    in memory while the writer falls behind (a 100k-file import)."""
    chunks = (items[i:i + CHUNK] for i in range(0, len(items), CHUNK))
    pending = deque(pool.submit(_prepare_chunk, c, opts) for c in itertools.islice(chunks, AHEAD))
    while pending:
        done = pending.popleft().result()
        nxt = next(chunks, None)
        if nxt is not None:
            pending.append(pool.submit(_prepare_chunk, nxt, opts))
        yield from done


def _exit_with_parent() -> None:
    """A pool worker must not outlive its import. A SIGKILLed parent cannot stop it, and a forked worker holds
    the write end of the work queue itself, so it would wait for work forever: watch the parent instead."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="incidex-parent-watch", daemon=True).start()


def _init_worker() -> None:
    _exit_with_parent()
    # The one writer is the pace of an import and the workers only need to stay ahead of it: on a
    # machine with as many busy processes as cores, the scheduler's even shares made the writer wait.
    # (2,000 articles, 2 cores: 20 s with even shares, 17 s with this.)
    if hasattr(os, "nice"):  # (not on Windows)
        os.nice(WORKER_NICENESS)
    _load_reference()


def _load_reference() -> None:
    try:
        from importers.extract import load_reference

        load_reference()
    except ImportError:
        pass


# --- the whole run -----------------------------------------------------------------------------------

def _database_files(conn: sqlite3.Connection | None) -> set:
    """The files of the database `conn` writes to (none for a dry run or an in-memory database)."""
    if conn is None:
        return set()
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    return database_files(path) if path else set()


def run(conn: sqlite3.Connection | None, args: Iterable[str], opts: Options,
        progress: Callable[[Outcome], None] | None = None, total_hint: Callable[[int], None] | None = None,
        stdin: bytes | None = None) -> Report:
    """Import everything named by `args`. `conn` may be None for a dry run."""
    resolver = None
    if opts.extract and not opts.dry_run:
        from importers.resolve import Resolver

        resolver = Resolver()  # keeps candidates between documents
    if conn is not None:
        for_import(conn)

    report = Report()
    items: list[Input] = []
    own = _database_files(conn)
    for x in expand(args, stdin, opts.max_size):
        if isinstance(x, Input) and x.path is not None and own and is_database_file(x.path, own):
            # `incidex import --db ./incidex.db .`: reading the database (or its -wal/-shm) as an article
            # would open and close it here, which drops this process's SQLite locks on it.
            x = Outcome(x.origin, "skipped", warnings=["the database this import writes to; not read as an article"])
        if isinstance(x, Outcome):
            report.outcomes.append(x)
            if progress:
                progress(x)
        else:
            items.append(x)
    if total_hint:
        total_hint(len(items))

    workers = opts.workers if opts.workers is not None else min(2, os.cpu_count() or 1)
    if workers > 1 and len(items) >= PARALLEL_MIN_FILES:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker)
        results = _prepared(pool, items, opts)
    else:
        pool = None
        if items and opts.extract and opts.time_limit:
            _load_reference()  # before the first file's clock starts, as a pool worker does
        results = (prepare(it, opts) for it in items)
    writer = _Writer(conn if not opts.dry_run else None, opts, resolver, report)
    try:
        with fewer_collections():
            for item, docs, error, warnings in results:
                outcome = Outcome(item.origin, "failed", reason=error) if docs is None else writer.store(item, docs)
                outcome.warnings = warnings
                report.outcomes.append(outcome)
                writer.stored(docs or [])
                if progress:
                    progress(outcome)
            writer.finish()
    finally:
        writer.close()  # an interrupted import keeps the documents it completed (after finish(): nothing left)
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return report


@contextmanager
def fewer_collections(gen0: int = BULK_GC_GEN0) -> Iterator[None]:
    """Python's cyclic garbage collector at a bulk import's pace.

    With the default threshold (700 allocations) a young collection runs several times per document,
    so what a document keeps for a while (the resolver's candidates) is promoted to the old generation,
    and the full collections that follow walk every object the import holds. In `benchmarks/resolve.py
    --as-import` that was 8.5 s of 113 s at 100k drafts (15 full collections; 5.2 s with the
    benchmark's own generated drafts frozen out), 0.2 s of 7 s at 10k. Objects of one document die by
    reference counting long before 50k allocations, so collections become rare and nothing is
    promoted for nothing (100k drafts: 1.5 s, no full collection)."""
    with _GC_LOCK:  # imports on two threads of one process (the browser's): the last one out restores
        if _GC_SAVED[0] == 0:
            _GC_SAVED[1] = gc.get_threshold()
            gc.set_threshold(gen0, *_GC_SAVED[1][1:])
        _GC_SAVED[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_SAVED[0] -= 1
            if _GC_SAVED[0] == 0:
                gc.set_threshold(*_GC_SAVED[1])


_GC_LOCK = threading.Lock()
_GC_SAVED: list = [0, None]  # imports running, thresholds before the first


class _Writer:
    """The import's writes: documents stored in groups (`GroupCommit`), the search index refreshed in
    batches (`BatchedIndex`), and a group that SQLite rolled back as a whole stored again."""

    def __init__(self, conn: sqlite3.Connection | None, opts: Options, resolver, report: Report):
        self.conn, self.opts, self.resolver, self.report = conn, opts, resolver, report
        self.group = GroupCommit(conn) if conn is not None else None
        self.index = BatchedIndex(conn, before_flush=self.commit, group=self.group)
        self.pending: list[tuple[int, Input, list[Document]]] = []  # stored in the open group: (report index, ...)

    def store(self, item: Input, docs: list[Document]) -> Outcome:
        if self.group is not None:
            self.group.open()
        outcome = _store(self.conn, docs, item, self.opts, self.resolver)
        if self.group is None:  # a dry run
            return outcome
        if not self.conn.in_transaction:
            # The error rolled back the whole group, not only this document: store the others again.
            self._again()
        elif outcome.status != "failed":
            self.pending.append((len(self.report.outcomes), item, docs))  # the index its outcome will have
        return outcome

    def stored(self, docs: list[Document]) -> None:
        """After the outcome of these documents is in the report: commit the group, refresh the index when due."""
        size = sum(len(d.body if d.body is not None else d.text) for d in docs)
        if self.group is not None and self.group.add(len(docs), size):
            self.commit()
        self.index.stored(len(docs))

    def commit(self) -> None:
        if self.group is None:
            return
        try:
            self.group.commit()
        except sqlite3.Error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._again()
        else:
            self.pending = []

    def _again(self) -> None:
        """Store the documents of a lost group again, each in its own transaction: one document's error
        cannot take the others with it a second time."""
        pending, self.pending = self.pending, []
        _forget(self.resolver)
        for at, item, docs in pending:
            with self.group.alone():
                outcome = _store(self.conn, docs, item, self.opts, self.resolver)
            outcome.warnings = self.report.outcomes[at].warnings
            self.report.outcomes[at] = outcome

    def finish(self) -> None:
        self.commit()
        self.index.flush()

    def close(self) -> None:
        """Commit what is stored and stop the group's checkpoint thread (also when the commit fails)."""
        try:
            self.commit()
        finally:
            if self.group is not None:
                self.group.close()


def _store(conn, docs: list[Document], item: Input, opts: Options, resolver) -> Outcome:
    from db.store import store_document

    outcome = Outcome(item.origin, "unchanged")
    if opts.dry_run:
        outcome.status = "imported"
        outcome.sources = len(docs)
        outcome.incidents = sum(len(d.drafts or []) for d in docs)
        return outcome
    try:
        for doc in docs:
            res = store_document(conn, doc, resolver, defer_index=True)
            outcome.incidents += len(res.created)
            if res.status == "imported":
                outcome.sources += 1
            elif res.status == "completed":
                outcome.completed += 1
            else:
                outcome.unchanged += 1
    except ConnectionLost:
        raise  # nothing more can be stored: the command stops with its one line
    except sqlite3.Error as exc:
        _forget(resolver)
        return Outcome(item.origin, "failed", outcome.sources, outcome.unchanged, outcome.incidents,
                       reason=f"database error: {exc}", completed=outcome.completed)
    except Exception as exc:  # noqa: BLE001 - a document the store cannot take fails alone, not the batch
        _forget(resolver)
        return Outcome(item.origin, "failed", outcome.sources, outcome.unchanged, outcome.incidents,
                       reason=f"could not be stored ({type(exc).__name__}: {safe_line(str(exc))[:200]})",
                       completed=outcome.completed)
    if outcome.sources:
        outcome.status = "imported"
    elif outcome.completed:
        outcome.status = "completed"  # nothing new, but what it knew is now more complete: not 'unchanged'
    return outcome


def _forget(resolver) -> None:
    """A rolled-back document: what the resolver kept from inside its transaction is void."""
    clear = getattr(resolver, "clear", None)
    if clear is not None:
        clear()
