"""The PostgreSQL server a benchmark runs against: `--pg URL` (a server where databases can be created),
else $INCIDEX_BENCH_PG, else a throwaway cluster started as the tests start theirs (tests/pgcluster.py)
and stopped when the benchmark ends."""
from __future__ import annotations

import os
from pathlib import Path


def admin_url(pg: str | None) -> str:
    found = pg or os.environ.get("INCIDEX_BENCH_PG")
    if found:
        return found
    import atexit
    import tempfile

    from tests import pgcluster

    folder = Path(tempfile.mkdtemp(prefix="incidex-bench-pg-"))
    atexit.register(pgcluster.stop, folder)
    return pgcluster.start(folder)


def fresh_database(admin: str, name: str) -> str:
    """An empty database of that name (dropped first if it exists); its URL."""
    from tests import pgcluster

    return pgcluster.new_database(admin, name)


def database(admin: str, name: str) -> str:
    """The URL of a database of that name, created when missing (its rows kept)."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + "/" + name
