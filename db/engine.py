"""Opening the SQLite file: where it lives, pragmas, schema creation and forward migrations.

Everything SQLite-specific about connections lives here (and FTS5 lives in `db.search`), so that another
engine could be added behind the same functions later.

The schema is created from the SQLModel metadata in `db.models`, compiled to DDL and run on the plain
``sqlite3`` connection, so one connection does everything and a database that is already current never
imports the ORM (the browser's first frame must not wait ~0.5 s for ``import sqlmodel``).
"""
from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # the ORM is imported only where it is used (see above)
    from sqlalchemy import Table
    from sqlalchemy.engine import Engine

SCHEMA_VERSION = 12
APPLICATION_ID = 0x1DC1DE  # marks the file as incidex's ("incide" in hex-ish)
BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database cannot be used; the message is one line meant for the user."""


class ConnectionLost(DatabaseError):
    """The server went away in the middle of a command: nothing more can be written (its open transaction
    is rolled back by the server), so a command stops with this one line instead of failing each document."""


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("incidex", appauthor=False)) / "incidex.db"


def resolve_path(db: str | os.PathLike[str] | None = None) -> Path:
    """`--db` wins, then `INCIDEX_DB`, then the user data directory.

    A value with another URL scheme is refused: taken as a path it silently made a local folder named
    after the scheme holding a new, empty database. PostgreSQL URLs are `database_url`'s."""
    if db:
        return _file_path(os.fspath(db))
    env = os.environ.get("INCIDEX_DB")
    if env:
        return _file_path(env)
    return default_path()


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
SERVER_SCHEMES = ("postgresql://", "postgres://")
"""The URLs `--db` opens as a PostgreSQL database (`db.postgres`, imported only then: 12 ms of every start)."""


def looks_like_url(value: str) -> bool:
    """Does the value name something by a URL (any scheme; SERVER_SCHEMES are PostgreSQL's) rather than a
    file path?"""
    return _URL.match(value) is not None


def database_url(db: str | os.PathLike[str] | None = None) -> str | None:
    """The PostgreSQL URL `--db` or `INCIDEX_DB` gives (same precedence as `resolve_path`), else None."""
    value = os.fspath(db) if db else os.environ.get("INCIDEX_DB")
    return value if value and value.lower().startswith(SERVER_SCHEMES) else None


def describe(db: str | os.PathLike[str] | None = None) -> str:
    """Where the database is, as messages may show it: the file path, or the URL without credentials."""
    url = database_url(db)
    if url is not None:
        from db.postgres import redact

        return redact(url)
    return str(resolve_path(db))


def engine_of(conn: object) -> str:
    """'sqlite' or 'postgresql': for the few places whose SQL must differ (kept in the engine modules)."""
    return getattr(conn, "engine", "sqlite")


def _file_path(value: str) -> Path:
    m = _URL.match(value)
    if m:
        where = value[m.end():].rsplit("@", 1)[-1]  # never echo a user name or password
        raise DatabaseError(f"{m.group(0)}{where} is a URL incidex cannot open: --db and INCIDEX_DB take "
                            "a file path or a postgresql:// URL")
    return Path(value).expanduser()


def _check_file(path: Path) -> None:
    """Refuse what can be told from the file's metadata alone.

    Never open the file, its -wal or -shm with plain file APIs here (or anywhere a connection of this
    process may be open): closing any descriptor of a file drops every POSIX lock the process holds on it,
    SQLite's included, and the next process to close its last connection then believes nobody else has
    the file open, checkpoints and deletes the WAL and shared-memory files under our feet (SQLite's "How To
    Corrupt An SQLite Database File", section 2.2). `os.stat` opens nothing; SQLite itself tells a file
    that is not a database apart (`_identify`)."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if path.exists() and not path.is_file():
        raise DatabaseError(f"{path} is not a regular file (left untouched)")


def _identify(conn: sqlite3.Connection, path: Path) -> int:
    """Read who the file belongs to before anything is written to it, and return its schema version.

    A file is incidex's when it is new (no header yet), carries our application id, or is an old incidex
    file (a schema version, no application id, written before the id existed). Everything else is refused
    with the file left byte for byte as it was: nothing here writes, and the switch to WAL (which rewrites
    header bytes 18-19) comes only after it."""
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == 26 or "not a database" in str(exc):  # SQLITE_NOTADB
            raise DatabaseError(f"{path} is not an SQLite database (left untouched)") from None
        raise
    if app_id not in (0, APPLICATION_ID):
        raise DatabaseError(f"{path} is an SQLite database of another application (application id {app_id:#x}); "
                            "left untouched")
    if version > SCHEMA_VERSION:
        raise _newer(str(path), version)
    if version == 0 and (tables or (app_id != APPLICATION_ID and _has_header(conn))):
        # Tables of someone else's, or an empty database another program created and has not filled yet.
        raise DatabaseError(f"{path} is an SQLite database, but not an incidex one (left untouched)")
    return version


def _newer(where: str, version: int) -> DatabaseError:
    return DatabaseError(f"{where} was written by a newer incidex (schema {version}, this one knows {SCHEMA_VERSION}); "
                         "upgrade incidex to open it")


def _needs_upgrade(where: str) -> DatabaseError:
    return DatabaseError(f"{where} needs a schema upgrade but is opened read-only")


def _has_header(conn: sqlite3.Connection) -> bool:
    """Has the file been written by SQLite at all (a new file has no pages until its first commit)?"""
    pages: int = conn.execute("PRAGMA page_count").fetchone()[0]
    return pages > 0


def writable(path: Path) -> bool:
    """Can this process write the database file and its folder (WAL needs the -wal and -shm files)?"""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return False
    probe = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("/"))
    return os.access(probe, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids)


def connect(db: str | os.PathLike[str] | None = None, *, readonly: bool | None = False,
            migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the database and bring its schema up to date.

    readonly=True opens read-only, None opens read-only only when the file or its folder cannot be
    written (for commands that only read). Raises DatabaseError with a one-line message for files that
    are not SQLite, are corrupt, read-only when writing is needed, or come from a newer incidex. A
    read-only open never creates or migrates anything.
    """
    url = database_url(db)
    if url is not None:
        return _connect_server(url, readonly=bool(readonly), migrate=migrate)
    path = resolve_path(db)
    _check_file(path)
    if readonly is None:
        readonly = path.exists() and not writable(path)
    if not readonly and path.exists() and not writable(path):
        raise DatabaseError(f"{path} is read-only (the file or its folder cannot be written)")
    if readonly:
        if not path.exists():
            raise DatabaseError(f"no database at {path}")
        # A folder we cannot write has no room for the -shm file: read the file as immutable then.
        flags = "mode=ro" if writable(path.parent / "probe") else "mode=ro&immutable=1"
        conn = sqlite3.connect(f"file:{path.resolve()}?{flags}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder for {path}: {exc.strerror or exc}") from None
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open {path}: {exc}") from None
    conn.isolation_level = None  # explicit BEGIN/COMMIT: we decide where transactions end
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _identify(conn, path)
        if readonly and version < SCHEMA_VERSION:
            raise _needs_upgrade(str(path))
        if not readonly and migrate and version < SCHEMA_VERSION:
            _migrate(conn, version)  # in the file's own journal mode: a new file is created all or nothing
        _configure(conn, readonly)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(f"{path} is not a usable incidex database: {exc}") from None
    except DatabaseError:
        conn.close()
        raise
    return conn


def _connect_server(url: str, *, readonly: bool, migrate: bool) -> sqlite3.Connection:
    """Open a PostgreSQL database (`db.postgres`): its connection offers the sqlite3 surface incidex uses,
    hence the cast. Creates the schema in an empty database; refuses one holding others' tables."""
    from db import postgres

    conn = postgres.connect(url)  # (says in one line when the driver is missing)
    import psycopg

    where = postgres.redact(url)
    try:
        version = postgres.schema_version(conn)
        if version < 0:
            raise DatabaseError(f"{where} holds tables that are not incidex's (left untouched)")
        if version > SCHEMA_VERSION:
            raise _newer(where, version)
        if version < SCHEMA_VERSION:
            if readonly:
                raise _needs_upgrade(where)
            if migrate:
                _migrate_server(conn)
        if readonly:
            conn.raw.execute("SET default_transaction_read_only = on")
    except psycopg.Error as exc:
        conn.close()
        raise DatabaseError(f"{where} is not a usable incidex database: {postgres.first_line(exc)}") from None
    except DatabaseError:
        conn.close()
        raise
    return cast("sqlite3.Connection", conn)


FIRST_SERVER_SCHEMA = 11
"""The oldest schema a PostgreSQL database can have (the engine came with schema 11)."""


def who(conn: sqlite3.Connection) -> str | None:
    """Who is writing: the database user on a server, the login of this process on a file."""
    if engine_of(conn) == "postgresql":
        row = conn.execute("SELECT current_user").fetchone()
        return str(row[0]) if row else None
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name for this uid (a container)
        return None


def _migrate_server(conn: object) -> None:
    from db import postgres, search

    assert isinstance(conn, postgres.Connection)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = postgres.schema_version(conn)  # again inside the lock: another process may have done it
        if 0 < version < FIRST_SERVER_SCHEMA:
            raise DatabaseError(f"{postgres.redact(conn.url)} has schema {version}, which this incidex cannot upgrade")
        while 0 < version < SCHEMA_VERSION:
            MIGRATIONS[version](cast("sqlite3.Connection", conn))
            version += 1
        postgres.create(conn, SCHEMA_VERSION)  # tables, indexes, functions and triggers added since
        search.ensure_schema(cast("sqlite3.Connection", conn))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


SIDECARS = ("-wal", "-shm", "-journal")


def database_files(db: str | os.PathLike[str] | None) -> set[tuple[int, int] | str]:
    """The database file and its -wal, -shm and -journal, as (device, inode) of those that exist and as
    resolved paths, so `is_database_file` can recognise them by any name (a link, a relative path).

    Reading or writing any of them with plain file APIs from a process that has a connection open drops
    that process's SQLite locks (see `_check_file`): an import must skip them, an export must not write
    over them."""
    out: set[tuple[int, int] | str] = set()
    if database_url(db) is not None:
        return out  # a server's files are not ours to see
    path = resolve_path(db)
    for name in [str(path)] + [f"{path}{s}" for s in SIDECARS]:
        out.add(os.path.realpath(name))
        try:
            st = os.stat(name)
            out.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    return out


def is_database_file(candidate: str | os.PathLike[str], files: set[tuple[int, int] | str]) -> bool:
    if os.path.realpath(candidate) in files:
        return True
    try:
        st = os.stat(candidate)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) in files


def remove(db: str | os.PathLike[str] | None) -> None:
    """Delete an incidex database with its -wal and -shm files, refusing while any process has it open.

    Deleting the files under an open connection loses that process's writes and can corrupt the file it
    recreates (`incidex demo` with a browser open on demo.db). Leaving WAL mode needs every other
    connection gone, so it is the probe: with no wait, it fails while anyone else has the file open. A
    file that is not an incidex database is refused by `connect` and never deleted."""
    path = resolve_path(db)
    if path.exists():
        conn = connect(path, migrate=False)
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            except sqlite3.OperationalError:  # locked: another connection has it open
                mode = "wal"
            if mode != "delete":
                raise DatabaseError(f"{path} is open in another process (a browser or an import?): close it "
                                    "first, or give another file with --db")
        finally:
            conn.close()
    for suffix in ("", *SIDECARS):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _configure(conn: sqlite3.Connection, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        # WAL lets the browser read while an import writes, and makes many small commits fast.
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    set_cache(conn, 32)


IMPORT_CACHE_MIB = 256
"""Page cache of an import's connection: resolution reads the incidents near each draft's date, and the
store appends to the same few index pages; past ~100k incidents these no longer fit the default 32 MB."""


def set_cache(conn: sqlite3.Connection, mib: int) -> None:
    """Size this connection's page cache. It lives in the process's own memory: hot index pages stay there
    even when the OS drops the file's pages from its cache (which a memory-tight or VM host does within
    seconds), so repeated and related lookups do not go back to the disk."""
    conn.execute(f"PRAGMA cache_size = -{int(mib) * 1024}")


IMPORT_WAL_PAGES = 8192
"""Pages an import's connection lets the WAL grow to before it copies them back (SQLite's default: 1000).
Each document's transaction dirties tens of index pages scattered over a large file; copying them back
every ~20 documents rewrote the same pages over and over, and the copy grew with the file (per-draft
cost at 100k incidents: 1.95-2.21 ms with the default, 1.85-1.97 ms with 8192, same machine). While a
`bulk.GroupCommit` runs, its own thread copies the pages instead (`db.checkpoint`)."""


def for_import(conn: sqlite3.Connection) -> None:
    """Tune a connection for a bulk import: a large page cache and a larger WAL between checkpoints."""
    set_cache(conn, IMPORT_CACHE_MIB)
    conn.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_WAL_PAGES}")


def data_version(conn: sqlite3.Connection) -> int:
    """Changes when another connection commits to the file (the browser polls it to refresh live). On
    PostgreSQL, the count of change notifications (LISTEN/NOTIFY): no query while nothing changes."""
    if engine_of(conn) == "postgresql":
        notified: int = conn.notified()  # type: ignore[attr-defined]
        return notified
    version: int = conn.execute("PRAGMA data_version").fetchone()[0]
    return version


def schema_ddl() -> list[str]:
    """CREATE statements for the current schema, compiled from the SQLModel metadata."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect
    from sqlalchemy.schema import CreateIndex, CreateTable

    from db.models import TABLES

    dialect = sqlite_dialect.dialect()
    out: list[str] = []
    for model in TABLES:
        # SQLModel sets __table__ on every table=True model when the class is made; its types do not declare it
        table: Table = model.__table__  # type: ignore[attr-defined]
        out.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            out.append(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)).strip())
    return out


def _create_current(conn: sqlite3.Connection) -> None:
    from db import blocking

    for stmt in schema_ddl():
        conn.execute(stmt)
    blocking.ensure(conn)


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Schema 2 adds source tags, the reason an incident was joined, and the origin of links."""
    cols: Callable[[str], set[str]] = lambda table: {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}  # noqa: E731
    if "tags" not in cols("source"):
        conn.execute("ALTER TABLE source ADD COLUMN tags VARCHAR NOT NULL DEFAULT '[]'")
    if "join_reason" not in cols("incident"):
        conn.execute("ALTER TABLE incident ADD COLUMN join_reason VARCHAR")
    if "origin" not in cols("incident_actor"):
        conn.execute("ALTER TABLE incident_actor ADD COLUMN origin VARCHAR NOT NULL DEFAULT 'auto'")
    if "origin" not in cols("incident_source"):
        conn.execute("ALTER TABLE incident_source ADD COLUMN origin VARCHAR NOT NULL DEFAULT 'auto'")
    if "facts" not in cols("incident_source"):
        conn.execute("ALTER TABLE incident_source ADD COLUMN facts VARCHAR NOT NULL DEFAULT '{}'")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Schema 3 adds the curation journal (`change`) and indexes for resolution, created by the
    IF NOT EXISTS pass after the steps, and the search index tables, rebuilt after migrating."""


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    """Schema 4 replaces three indexes by covering ones (created by the IF NOT EXISTS pass): resolution
    read a table row for every incident of a date window and every link it checked."""
    for name in ("ix_incident_date", "ix_incident_actor_incident", "ix_incident_place_incident"):
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    """Schema 5 adds a partial index of the undated incidents (created by the IF NOT EXISTS pass):
    resolution read the newest 500 of them by sorting all of them, for every draft that names an actor
    or a place (0.9 ms a draft with 2,300 undated incidents, growing with them)."""


def _v5_to_v6(conn: sqlite3.Connection) -> None:
    """Schema 6 adds the resolution block index (`db.blocking`), kept by triggers and filled here from the
    links, and drops the two indexes resolution walked instead (each one more page to write per incident)."""
    from db import blocking

    blocking.ensure(conn)
    blocking.rebuild(conn)
    for name in ("ix_incident_date_type", "ix_incident_undated"):
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def _v6_to_v7(conn: sqlite3.Connection) -> None:
    """Schema 7 widens the index of an incident's actor links to cover role and source (created by the IF NOT
    EXISTS pass): resolution and the search index read a table row for every link of every incident."""
    conn.execute("DROP INDEX IF EXISTS ix_incident_actor_link")


def _v7_to_v8(conn: sqlite3.Connection) -> None:
    """Schema 8 adds a partial index of merged actors (created by the IF NOT EXISTS pass): refreshing an
    actor's search document looked for the actors merged into it by reading every actor."""


def _v8_to_v9(conn: sqlite3.Connection) -> None:
    """Schema 9 writes the search index's key tokens behind a mark (`db.search.KEY_MARK`): the index of
    an older file is rebuilt (SEARCH_LAYOUT)."""


def _v9_to_v10(conn: sqlite3.Connection) -> None:
    """Schema 10's search index holds each incident's summary and evidence sentences (a `text` column,
    `db.search.index`): the index of an older file is rebuilt (SEARCH_LAYOUT)."""


def _v10_to_v11(conn: sqlite3.Connection) -> None:
    """Schema 11 adds `incident_tool`, the malware and tools an incident was carried out with (created by
    the IF NOT EXISTS pass); the search index keeps its layout (an older file has no tools to index)."""


def _v11_to_v12(conn: sqlite3.Connection) -> None:
    """Schema 12 records who made each curation change (`change.author`): a team database has several."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(change)")}
    if columns and "author" not in columns:  # (a file older than schema 3 gets the table whole, later)
        conn.execute("ALTER TABLE change ADD COLUMN author VARCHAR")


# MIGRATIONS[n] brings a database from schema n to n + 1. Never edit a released step: add a new one.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4,
                                                                4: _v4_to_v5, 5: _v5_to_v6, 6: _v6_to_v7,
                                                                7: _v7_to_v8, 8: _v8_to_v9, 9: _v9_to_v10,
                                                                10: _v10_to_v11, 11: _v11_to_v12}
SEARCH_LAYOUT = 10
"""The schema version that last changed the search tables: upgrading a file older than it rebuilds the
search index (minutes at a million rows), newer upgrades leave the index alone."""


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    from db import search

    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        rebuild_search = 0 < version < SEARCH_LAYOUT
        if version == 0:
            if conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]:
                raise DatabaseError("the file is an SQLite database, but not an incidex one (left untouched)")
            _create_current(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        else:
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
            _create_current(conn)  # tables and indexes added since (all IF NOT EXISTS)
        search.ensure_schema(conn)
        if rebuild_search:
            search.rebuild(conn)  # an older file's index predates the current search tables
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def sqlmodel_engine(db: str | os.PathLike[str] | None = None) -> Engine:
    """A SQLAlchemy engine on the same file, for the Python API (`Session(engine)`)."""
    from sqlalchemy import event
    from sqlmodel import create_engine

    url = database_url(db)
    if url is not None:
        connect(url).close()
        return create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    path = resolve_path(db)
    connect(path).close()  # creates/migrates with our own rules first
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:  # pragma: no cover - trivial
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    return engine
