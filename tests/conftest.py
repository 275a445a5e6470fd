"""Shared fixtures: real SQLite files in tmp_path, the Typer runner, and our own fixture articles."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
