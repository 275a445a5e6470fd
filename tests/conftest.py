"""Shared fixtures: real SQLite files in tmp_path, real PostgreSQL databases on a throwaway cluster
(`engine_db`), the Typer runner, and our own fixture articles."""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = FIXTURES / "articles"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    """Never touch the developer's real database, config or cache."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("INCIDEX_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


def _no_server(reason: str):
    """No PostgreSQL here: skip, with the reason, except in CI, where the server is part of the job."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
    pytest.skip(f"no PostgreSQL server can be started here: {reason}")


@pytest.fixture(scope="session")
def pg_admin():
    """The admin URL of a PostgreSQL cluster: INCIDEX_TEST_PG (set by .ci/run), else one started for this
    session (tests/pgcluster.py) and stopped at its end."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_server("the psycopg driver is not installed (pip install -e '.[test]')")
    url = os.environ.get("INCIDEX_TEST_PG")
    if url:
        yield url
        return
    from tests import pgcluster

    # not under pytest's tmp folder: the server runs as another user when we are root, and must reach it
    folder = Path(tempfile.mkdtemp(prefix="incidex-pg-"))
    try:
        url = pgcluster.start(folder)
    except pgcluster.Unavailable as exc:
        pgcluster.stop(folder)
        _no_server(str(exc))
    yield url
    pgcluster.stop(folder)


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_db(request, tmp_path) -> str:
    """What `--db` takes, once per engine: a new SQLite file, then a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
        return
    from tests import pgcluster

    admin = request.getfixturevalue("pg_admin")
    name = f"t{os.getpid()}_{next(_databases)}"
    yield pgcluster.new_database(admin, name)
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def articles(tmp_path) -> Path:
    """A writable copy of the fixture articles."""
    dest = tmp_path / "articles"
    shutil.copytree(ARTICLES, dest)
    return dest


@pytest.fixture
def cli():
    """Invoke the CLI in-process through Typer's runner: cli('list', 'sources', '--db', path)."""
    from typer.testing import CliRunner

    from importers.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def run_incidex(*args, env=None, timeout=120, **kw) -> subprocess.CompletedProcess:
    """The CLI as a real subprocess, exactly as a user runs it."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "importers.cli", *map(str, args)], capture_output=True,
                          text=True, env=full_env, timeout=timeout, **kw)


@pytest.fixture
def incidex():
    return run_incidex
