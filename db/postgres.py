"""PostgreSQL, the team engine: connections, the SQL dialect and the schema (issue 32).

The rest of incidex talks to a connection the way Python's ``sqlite3`` does: ``execute(sql, params)``
with ``?`` placeholders, explicit ``BEGIN IMMEDIATE``/``COMMIT``/``SAVEPOINT``, ``lastrowid``,
``in_transaction``, ``total_changes``. `Connection` gives that same surface over a psycopg 3 connection,
and everything PostgreSQL-specific about it lives here:

* the dialect (`translate`): ``?`` becomes ``%s``; ``INSERT OR IGNORE`` an ``ON CONFLICT DO NOTHING``;
  SQLite's null-safe ``IS ?`` an ``IS NOT DISTINCT FROM``; ``group_concat``, ``instr``,
  ``COLLATE NOCASE`` and ``json_extract(col, '$.path') = ?`` their PostgreSQL spellings; an ``INSERT`` into a table with an ``id`` gets
  ``RETURNING id`` so that ``lastrowid`` holds. Statements are translated once and cached.
* writers: SQLite's ``BEGIN IMMEDIATE`` takes the one write lock up front, and the store's check-then-insert
  steps (is this source known? is there an incident for this draft?) rely on it. Here it is ``BEGIN`` plus a
  transaction-level advisory lock that every incidex writer takes: two imports on two machines serialise
  their document transactions exactly as two processes on one SQLite file do, so the same source or the
  same event imported twice at once ends as one row, never two.
* the schema: tables and indexes compiled from the same SQLModel metadata for the PostgreSQL dialect, the
  resolution block index kept by PL/pgSQL triggers (`db.blocking` has the SQLite ones), the schema
  version in ``incidex_meta`` (SQLite keeps it in ``PRAGMA user_version``).
* ``PRAGMA data_version`` (callers use it to learn that another connection committed) reads a counter that
  every incidex transaction that wrote bumps as it commits, with a notification that the browser's live
  refresh listens to (`Connection.notified`). (A statement trigger did it first: once per statement, it
  cost a row update and a notification per row of `db copy` and of every import.)

Credentials come from libpq as it reads them (``PGPASSWORD``, ``~/.pgpass``, ``PGSERVICE``), never from us:
a URL's password is accepted but never echoed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

ANALYZE_FIRST = 500
"""Rows a connection inserts before its first ANALYZE (then each time it has doubled them)."""
WRITE_LOCK = 0x1DC1DE
"""The advisory lock key every incidex writer takes in its transaction (the application id of SQLite files)."""

# every model table with an id (pinned to db.models by tests/db/test_postgres.py; no ORM import here)
TABLES_WITH_ID = frozenset({"source", "incident", "actor", "actor_alias", "incident_actor", "incident_source",
                             "incident_place", "incident_tool", "note", "tag", "decision", "change"})


def redact(url: str) -> str:
    """The URL without its user, password and parameters (libpq takes ``?password=`` too): what messages
    may show."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('?', 1)[0].rsplit('@', 1)[-1]}"


# --------------------------------------------------------------------------------------------------
# The dialect

_LITERAL = re.compile(r"'(?:[^']|'')*'")
_INSERT_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.I)
_IS_NOT_PARAM = re.compile(r"\bIS\s+NOT\s+%s", re.I)
_IS_PARAM = re.compile(r"\bIS\s+%s", re.I)
_GROUP_CONCAT = re.compile(r"\bgroup_concat\(\s*(DISTINCT\s+)?([^()]+?)\s*\)", re.I)
_INSTR = re.compile(r"\binstr\(", re.I)
_NOCASE = re.compile(r"([\w.]+)\s+COLLATE\s+NOCASE\b", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)
_WITHOUT_ROWID = re.compile(r"\s*WITHOUT\s+ROWID\s*$", re.I)
_INTEGER = re.compile(r"\bINTEGER\b", re.I)
_EXPLICIT_ID = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*\(\s*\"?id\"?\s*,", re.I)
_JSON_EQUALS = re.compile(r"\bjson_extract\(\s*([\w.]+)\s*,\s*'\$\.([\w.]+)'\s*\)\s*=\s*%s")
_PARAM_IS_NULL = re.compile(r"(?<![\w.])%s(\s+IS\s+(?:NOT\s+)?NULL)\b", re.I)


def translate(sql: str) -> str:
    """SQLite's SQL as incidex writes it, in PostgreSQL's dialect (string literals are left alone)."""
    parts = _LITERAL.split(sql)
    literals = _LITERAL.findall(sql)
    code = [p.replace("%", "%%").replace("?", "%s") for p in parts]
    out = code[0] + "".join(lit.replace("%", "%%") + c for lit, c in zip(literals, code[1:], strict=True))
    ignore = bool(_INSERT_IGNORE.search(out))
    out = _INSERT_IGNORE.sub("INSERT INTO", out)
    out = _IS_NOT_PARAM.sub("IS DISTINCT FROM %s", out)
    out = _IS_PARAM.sub("IS NOT DISTINCT FROM %s", out)
    out = _PARAM_IS_NULL.sub(r"%s::text\1", out)  # a None parameter has no type of its own
    out = _GROUP_CONCAT.sub(lambda m: f"string_agg({m.group(1) or ''}({m.group(2)})::text, ',')", out)
    out = _INSTR.sub("strpos(", out)
    out = _JSON_EQUALS.sub(lambda m: f"({m.group(1)}::jsonb #>> '{{{m.group(2).replace('.', ',')}}}') = %s::text", out)
    out = _NOCASE.sub(r"lower(\1)", out)
    out = out.rstrip().rstrip(";")
    if out.lstrip()[:12].upper() == "CREATE TABLE":
        out = _WITHOUT_ROWID.sub("", out)
        out = _INTEGER.sub("BIGINT", out)  # search sort keys are date << 32 | id
    if ignore:
        m = _RETURNING.search(out)
        out = (out[:m.start()] + "ON CONFLICT DO NOTHING " + out[m.start():]) if m else out + " ON CONFLICT DO NOTHING"
    m = _INSERT_INTO.match(out)
    if m and m.group(1).lower() in TABLES_WITH_ID and not _RETURNING.search(out) and not ignore:
        out += " RETURNING id"
    return out


# --------------------------------------------------------------------------------------------------
# The connection


class _Result:
    """What `Connection.execute` returns: the part of ``sqlite3.Cursor`` incidex reads."""

    def __init__(self, rows: list[tuple[Any, ...]] | None, rowcount: int, lastrowid: int | None,
                 description: Any = None) -> None:
        self._rows = rows or []
        self._at = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.description = description

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._at = self._rows[self._at:], len(self._rows)
        return rows

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        rows = self._rows[self._at:self._at + size]
        self._at += len(rows)
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while (row := self.fetchone()) is not None:
            yield row

    def close(self) -> None:
        self._rows = []


_PRAGMA = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(?:=\s*(.+?)|(\(.*\)))?\s*;?\s*$", re.I | re.S)
_BEGIN_IMMEDIATE = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)\s*;?\s*$", re.I)
# PRAGMAs that tune SQLite's own file, cache or locking: nothing to do on a server.
_TUNING = frozenset({"busy_timeout", "cache_size", "foreign_keys", "journal_mode", "synchronous", "temp_store",
                     "wal_autocheckpoint", "wal_checkpoint", "application_id"})


class Connection:
    """A psycopg 3 connection behind the ``sqlite3.Connection`` surface incidex uses (see the module)."""

    engine = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        self.raw = raw
        self.url = url
        self.total_changes = 0
        self._sql: dict[str, str] = {}
        self._listening = False
        self._notified = 0
        self._wrote = False  # this transaction wrote: COMMIT announces it (`_announce`)
        self._inserted = 0  # rows this connection inserted, and the count at which it runs ANALYZE next
        self._analyze_at = ANALYZE_FIRST

    def notified(self) -> int:
        """How many change notifications this connection has had (``LISTEN incidex_changed``; every writing
        statement of any incidex process notifies at its commit): the browser's live refresh asks on a timer,
        and no query reaches the server while nothing changes."""
        if not self._listening:
            self.raw.execute("LISTEN incidex_changed")
            self._listening = True
        self._notified += sum(1 for _ in self.raw.notifies(timeout=0))
        return self._notified

    # the sqlite3 surface -------------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Result:
        try:
            return self._execute(sql, params)
        except Exception as exc:
            raise self._error(exc) from exc

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> _Result:
        try:
            return self._executemany(sql, seq)
        except Exception as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> Exception:
        """A lost server is the end of the command (`ConnectionLost`, one line); any other error is the
        ``sqlite3`` exception callers handle (`_as_sqlite_error`)."""
        if self.raw.broken or self.raw.closed:
            from db.engine import ConnectionLost

            return ConnectionLost(f"lost the connection to {redact(self.url)}: {first_line(exc)}; what was not"
                                  " committed is not written")
        return _as_sqlite_error(exc)

    def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Result:
        begin = _BEGIN_IMMEDIATE.match(sql)
        if begin:
            self.raw.execute("BEGIN")
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return _Result(None, -1, None)
        verb = sql.lstrip()[:8].upper()
        if verb.startswith("COMMIT") or verb.startswith("END"):
            self.commit()
            return _Result(None, -1, None)
        if verb.startswith("ROLLBACK") and "TO" not in sql.upper():
            self._wrote = False
        pragma = _PRAGMA.match(sql)
        if pragma:
            return self._pragma(pragma.group(1).lower(), pragma.group(2) or pragma.group(3))
        pg = self._sql.get(sql)
        if pg is None:
            pg = self._sql[sql] = translate(sql)
        args: Any = tuple(params) if not isinstance(params, dict) else params
        if " MATCH %s" in pg:
            pg, args = _match(pg, list(args))
        if "%s,%s,%s,%s,%s,%s,%s,%s" in pg:
            pg, args = _as_arrays(pg, list(args))
        cur = self.raw.execute(pg, args)
        result = self._result(cur, pg)
        self._sync_sequence(pg)
        self._written(pg, result.rowcount)
        return result

    def _executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> _Result:
        pg = self._sql.get(sql)
        if pg is None:
            pg = self._sql[sql] = translate(sql)
        pg = re.sub(r"\s+RETURNING id$", "", pg)
        with self.raw.cursor() as cur:
            cur.executemany(pg, [tuple(p) for p in seq])
            n = cur.rowcount
        self._sync_sequence(pg)
        self._written(pg, n)
        return _Result(None, n, None)

    def copy_rows(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert many rows through the COPY protocol (`db copy`): one statement streams a whole table."""
        quoted = ", ".join(f'"{c}"' for c in columns)
        n = 0
        try:
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
                    n += 1
        except Exception as exc:
            raise self._error(exc) from exc
        self._sync_sequence(f"INSERT INTO {table} (id,")
        self._written("INSERT", n)
        return n

    def _written(self, pg: str, rows: int = 0) -> None:
        """Note a write; outside a transaction it is committed already: tell the others now."""
        verb = pg.lstrip()[:6].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            self.total_changes += max(rows, 0)  # as SQLite counts them
        if verb == "INSERT":
            self._inserted += max(rows, 0)
        if verb in ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP T"):
            self._wrote = True
            if not self.in_transaction:
                self._announce()
                self._maybe_analyze()

    def _announce(self) -> None:
        """Bump the change counter (`PRAGMA data_version`) and notify listeners (the browsers), as part of
        the transaction about to commit: once per transaction that wrote, never per statement."""
        self._wrote = False
        self.raw.execute("UPDATE incidex_meta_version SET n = n + 1")
        self.raw.execute("SELECT pg_notify('incidex_changed', '')")

    def _sync_sequence(self, pg: str) -> None:
        """After rows were inserted with their ids given (a copy, a re-import, a test's fixture), move the
        table's id sequence past them, as SQLite's rowid allocation does by itself."""
        m = _EXPLICIT_ID.match(pg)
        if m and m.group(1).lower() in TABLES_WITH_ID:
            table = m.group(1).lower()
            self.raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                             f" greatest((SELECT max(id) FROM {table}), 1))")

    def commit(self) -> None:
        if self.in_transaction:
            if self._wrote:
                self._announce()
            self.raw.execute("COMMIT")
        self._maybe_analyze()

    def _maybe_analyze(self) -> None:
        """ANALYZE when this connection has doubled what it inserted since it last did. Tables created and
        filled by one import have no statistics until autovacuum comes by (a minute later or more): the
        planner takes them for empty and joins by nested loops (the actor-name lookups of resolution: 0.4 ms
        on SQLite, 39 ms here, 9 articles/s for the whole import of 500 articles)."""
        if self._inserted >= self._analyze_at and not self.in_transaction:
            self.raw.execute("ANALYZE")
            self._analyze_at = 2 * self._inserted

    def rollback(self) -> None:
        self._wrote = False
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def interrupt(self) -> None:
        self.raw.cancel_safe()

    def set_progress_handler(self, handler: Any, n: int) -> None:
        """SQLite calls it every n steps to allow cancelling; a server statement is cancelled by `interrupt`."""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    # ---------------------------------------------------------------------------------------------
    def _result(self, cur: psycopg.Cursor[Any], pg: str) -> _Result:
        rows = cur.fetchall() if cur.description is not None else None
        n = cur.rowcount
        lastrowid = None
        if pg.endswith(" RETURNING id") and rows:
            lastrowid = rows[-1][0]
            rows = None
        return _Result(rows, n, lastrowid, cur.description)

    def _pragma(self, name: str, value: str | None) -> _Result:
        if name == "data_version":
            row = self.raw.execute("SELECT n FROM incidex_meta_version").fetchone()
            return _Result([row] if row else [(0,)], -1, None)
        if name == "table_info":
            table = (value or "").strip("() ")
            rows = self.raw.execute(
                "SELECT ordinal_position - 1, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
                (table,)).fetchall()
            return _Result([(r[0], r[1]) for r in rows], -1, None)
        if name == "journal_mode":
            return _Result([("wal",)], -1, None)
        if name == "database_list":
            return _Result([(0, "main", "")], -1, None)
        if name == "integrity_check":
            # The server checks its own pages (and WAL) and reports damage on the statement that meets it;
            # the orphan, index and link checks of `db check` are ours and run the same on both engines.
            return _Result([("ok",)], -1, None)
        if name == "foreign_key_check":
            return _Result([], -1, None)  # the server enforces every foreign key at each statement
        if name in _TUNING:
            return _Result([(0,)], -1, None)
        raise NotImplementedError(f"PRAGMA {name} has no PostgreSQL counterpart in incidex")


def _as_sqlite_error(exc: Exception) -> Exception:
    """The server's error as the ``sqlite3`` exception incidex already handles (a missing search table, a
    cancelled statement, a broken constraint, a lost connection), with the server's message after ours."""
    import sqlite3

    import psycopg
    from psycopg import errors

    if not isinstance(exc, psycopg.Error):
        return exc
    text = first_line(exc)
    if isinstance(exc, (errors.UndefinedTable, errors.UndefinedColumn)):
        return sqlite3.OperationalError(f"no such table or column: {text}")
    if isinstance(exc, errors.QueryCanceled):
        return sqlite3.OperationalError(f"interrupted: {text}")
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(text)
    if isinstance(exc, (psycopg.OperationalError, psycopg.ProgrammingError)):
        return sqlite3.OperationalError(text)
    return sqlite3.DatabaseError(text)


def _rewrite(sql: str, params: list[Any], pattern: re.Pattern[str],
             special: Callable[[re.Match[str], list[Any]], tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Walk the placeholders of `sql` left to right with their parameters: a match of `pattern` other than
    ``%%`` or a lone ``%s`` is replaced by what `special` makes of it and of the parameters it holds."""
    out: list[Any] = []
    at = 0

    def one(m: re.Match[str]) -> str:
        nonlocal at
        if m.group(0) == "%%":
            return "%%"
        n = m.group(0).count("%s")
        taken, at = params[at:at + n], at + n
        if m.group(0) == "%s":
            out.extend(taken)
            return "%s"
        text, values = special(m, taken)
        out.extend(values)
        return text

    return pattern.sub(one, sql), out


_PLACEHOLDER = re.compile(r"%%|(\w+) MATCH %s|%s")


def _match(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """Each ``table MATCH %s`` (an FTS5 expression as its parameter) as SQL over the table's tsvector
    columns, with that expression's own parameters in its place (`db.search.pgfts`)."""
    from db.search import pgfts

    def one(m: re.Match[str], taken: list[Any]) -> tuple[str, list[Any]]:
        cond, more = pgfts.match(m.group(1), taken[0])
        return f"({cond})", list(more)

    return _rewrite(sql, params, _PLACEHOLDER, one)


_LONG_IN = re.compile(r"%%|\b(NOT\s+)?IN\s*\(%s(?:\s*,\s*%s){7,}\)|%s", re.I)


def _as_arrays(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """``x IN (%s,%s,...)`` with many parameters as ``x = ANY(%s)`` (``NOT IN``: ``<> ALL``) with one
    array: one value to bind instead of hundreds (a page of 1000 sort keys: 10.8 ms, 7.7 ms as an array,
    medians of 15 at 100k incidents)."""
    return _rewrite(sql, params, _LONG_IN,
                    lambda m, taken: ("<> ALL(%s)" if m.group(1) else "= ANY(%s)", [taken]))


def connect(url: str) -> Connection:
    """Open the database at a ``postgresql://`` URL; DatabaseError with one line when that fails."""
    from db.engine import DatabaseError

    try:
        import psycopg
    except ImportError:
        raise DatabaseError("PostgreSQL needs the driver: pip install 'incidex[postgres]'") from None
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise DatabaseError(f"cannot connect to {redact(url)}: {first_line(exc)}") from None
    # Strings go as text, not psycopg's default "unknown": `? != 'unknown'` must have a type to compare.
    from psycopg.types.string import StrDumper

    raw.adapters.register_dumper(str, StrDumper)
    return Connection(raw, url)


def first_line(exc: BaseException) -> str:
    """The server's or libpq's reason, without the connection details libpq puts before it."""
    text = " ".join(str(exc).split())
    m = re.search(r"FATAL:\s*(.+)", text) or re.search(r"failed:\s*(.+)", text)
    return (m.group(1) if m else text)[:300]


# --------------------------------------------------------------------------------------------------
# The schema

META_DDL = [
    "CREATE TABLE IF NOT EXISTS incidex_meta (schema_version INTEGER NOT NULL)",
    "INSERT INTO incidex_meta (schema_version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM incidex_meta)",
    "CREATE TABLE IF NOT EXISTS incidex_meta_version (n BIGINT NOT NULL)",
    "INSERT INTO incidex_meta_version (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM incidex_meta_version)",
]

# The resolution block index (see `db.blocking`, whose SQLite triggers these mirror).
_KEY_FUNCTIONS = ["""
CREATE OR REPLACE FUNCTION incidex_key_rows(iid BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_key WHERE incident_id = iid;
  INSERT INTO incident_key (key, date_start, incident_id, type)
    SELECT 'a' || ia.actor_id, coalesce(i.date_start, ''), i.id, i.type FROM incident_actor ia
      JOIN incident i ON i.id = ia.incident_id WHERE i.merged_into IS NULL AND i.id = iid
    UNION SELECT 'p' || ip.name, coalesce(i.date_start, ''), i.id, i.type FROM incident_place ip
      JOIN incident i ON i.id = ip.incident_id WHERE i.merged_into IS NULL AND i.id = iid
    ON CONFLICT DO NOTHING;
END $$""", """
CREATE OR REPLACE FUNCTION incidex_key_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN DELETE FROM incident_key WHERE incident_id = OLD.id; RETURN OLD; END IF;
  IF NEW.date_start IS DISTINCT FROM OLD.date_start OR NEW.type IS DISTINCT FROM OLD.type
     OR NEW.merged_into IS DISTINCT FROM OLD.merged_into THEN
    PERFORM incidex_key_rows(NEW.id);
  END IF;
  RETURN NULL;
END $$"""]


def schema_ddl() -> list[str]:
    """CREATE statements for the current schema in PostgreSQL's dialect, from the SQLModel metadata."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from db.models import TABLES

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    out: list[str] = []
    for model in TABLES:
        table = model.__table__  # type: ignore[attr-defined]
        out.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            out.append(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)).strip())
    return out


def _link_function(table: str, column: str, prefix: str) -> str:
    """A link's trigger: a key row exists while one link does. Like `db.blocking`'s SQLite triggers, it
    touches the one key of the link, not every key of its incident (a copy or a story with hundreds of
    links would otherwise rewrite them all for each link)."""
    add = (f"INSERT INTO incident_key (key, date_start, incident_id, type)"
           f" SELECT '{prefix}' || NEW.{column}, coalesce(date_start, ''), id, type FROM incident"
           f" WHERE id = NEW.incident_id AND merged_into IS NULL ON CONFLICT DO NOTHING;")
    drop = (f"DELETE FROM incident_key WHERE key = '{prefix}' || OLD.{column} AND date_start ="
            f" (SELECT coalesce(date_start, '') FROM incident WHERE id = OLD.incident_id)"
            f" AND incident_id = OLD.incident_id"
            f" AND NOT EXISTS (SELECT 1 FROM {table} WHERE incident_id = OLD.incident_id AND {column} = OLD.{column});")
    return (f"CREATE OR REPLACE FUNCTION incidex_key_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN {drop} END IF;\n"
            f"  IF TG_OP IN ('UPDATE', 'INSERT') THEN {add} END IF;\n"
            "  RETURN NULL;\nEND $$")


def _blocking_ddl() -> list[str]:
    out = ["CREATE TABLE IF NOT EXISTS incident_key (key TEXT NOT NULL, date_start TEXT NOT NULL,"
           " incident_id BIGINT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (key, date_start, incident_id))"]
    out += _KEY_FUNCTIONS
    for table, column, prefix in (("incident_actor", "actor_id", "a"), ("incident_place", "name", "p")):
        out.append(_link_function(table, column, prefix))
        out.append(f"DROP TRIGGER IF EXISTS {table}_key ON {table}")
        out.append(f"CREATE TRIGGER {table}_key AFTER INSERT OR UPDATE OR DELETE ON {table}"
                   f" FOR EACH ROW EXECUTE FUNCTION incidex_key_{table}()")
    out.append("DROP TRIGGER IF EXISTS incident_key_after ON incident")
    out.append("CREATE TRIGGER incident_key_after AFTER UPDATE ON incident FOR EACH ROW EXECUTE FUNCTION incidex_key_incident()")
    out.append("DROP TRIGGER IF EXISTS incident_key_gone ON incident")
    out.append("CREATE TRIGGER incident_key_gone BEFORE DELETE ON incident FOR EACH ROW EXECUTE FUNCTION incidex_key_incident()")
    return out


def schema_version(conn: Connection) -> int:
    exists = conn.raw.execute("SELECT to_regclass('incidex_meta') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        tables = conn.raw.execute("SELECT count(*) FROM information_schema.tables"
                                  " WHERE table_schema = current_schema()").fetchone()
        return -1 if tables and tables[0] else 0
    row = conn.raw.execute("SELECT schema_version FROM incidex_meta").fetchone()
    return int(row[0]) if row else 0


def create(conn: Connection, version: int) -> None:
    """Create (or complete) the schema inside the caller's write transaction."""
    for stmt in META_DDL + schema_ddl() + _blocking_ddl():
        conn.raw.execute(stmt)
    conn.raw.execute("UPDATE incidex_meta SET schema_version = %s", (version,))


def table_names(conn: Connection) -> list[str]:
    return [r[0] for r in conn.raw.execute("SELECT table_name FROM information_schema.tables"
                                           " WHERE table_schema = current_schema() ORDER BY 1")]


# --------------------------------------------------------------------------------------------------
# Statements whose SQLite form uses its JSON functions (the figures list of an incident)


def _figures(conn: Connection, incident_id: int) -> list[dict[str, Any]]:
    import json

    row = conn.raw.execute("SELECT figures FROM incident WHERE id = %s", (incident_id,)).fetchone()
    try:
        value = json.loads(row[0]) if row and row[0] else []
    except ValueError:
        return []
    return [f for f in value if isinstance(f, dict)] if isinstance(value, list) else []


def figure_entries(conn: Connection, incident_id: int, start: int) -> list[tuple[int, str, Any, Any]]:
    """(position, JSON type of value, value, source_id) of the figures from `start` on."""
    out = []
    for key, f in enumerate(_figures(conn, incident_id)):
        if key >= start:
            v = f.get("value")
            kind = "integer" if isinstance(v, int) and not isinstance(v, bool) else "real" if isinstance(v, float) else "text"
            out.append((key, kind, v, f.get("source_id")))
    return out


def has_figure(conn: Connection, incident_id: int, value: float, unit: str | None) -> bool:
    return any(f.get("value") == value and f.get("unit") == unit for f in _figures(conn, incident_id))


def json_append(column: str, n: int) -> str:
    """SQL for a JSON list column (text) with n JSON-text parameters appended (SQLite: json_insert)."""
    return f"(coalesce({column}, '[]')::jsonb || jsonb_build_array({', '.join(['?::jsonb'] * n)}))::text"
