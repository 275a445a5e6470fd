"""`incidex browse` and `incidex demo` hand the right options to the browser, lazily; startup stays ORM-free."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui.conftest import build_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def launched(monkeypatch):
    import tui

    calls = []
    monkeypatch.setattr(tui, "run", lambda db=None, **kw: calls.append((db, kw)))
    return calls


def test_browse_passes_its_options(cli, launched, tmp_path):
    db = build_db(tmp_path / "f.db")
    res = cli("browse", "--db", db, "--view", "actors", "--query", "killnet", "--no-mouse", "--ascii",
              "--theme", "nord")
    assert res.exit_code == 0, res.output
    assert launched == [(str(db), {"view": "actors", "query": "killnet", "mouse": False, "ascii": True,
                                   "theme": "nord"})]


def test_browse_defaults(cli, launched, tmp_path):
    db = build_db(tmp_path / "f.db")
    assert cli("browse", "--db", db).exit_code == 0
    assert launched[0][1] == {"view": "incidents", "query": "", "mouse": True, "ascii": False, "theme": None}


def test_browse_rejects_a_file_that_is_not_a_database(incidex, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    proc = incidex("browse", "--db", bad)
    assert proc.returncode == 2
    assert "not an SQLite database" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_opens_the_browser_on_the_demo_database(cli, launched, tmp_path):
    db = tmp_path / "demo.db"
    res = cli("demo", "--db", db)
    assert res.exit_code in (0, 1), res.output
    assert launched and launched[0][0] == str(db)
    launched.clear()
    cli("demo", "--db", db, "--no-browse")
    assert launched == []


def test_first_frame_without_the_orm(tmp_path):
    """docs/ARCHITECTURE.md, Import contracts: the browser's first frame must not wait for sqlmodel/sqlalchemy."""
    db = build_db(tmp_path / "f.db")
    code = (
        "import asyncio, sys\n"
        "from importers.cli import app as _cli\n"
        "from tui.app import IncidexApp\n"
        "async def main():\n"
        f"    app = IncidexApp({str(db)!r}, poll=False)\n"
        "    async with app.run_test(size=(120, 36)) as pilot:\n"
        "        await pilot.pause(0.5)\n"
        "        assert app.browse().results.rows\n"
        "        print(sorted({'sqlmodel', 'sqlalchemy'} & set(sys.modules)))\n"
        "asyncio.run(main())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_huge_bodies_are_cut_in_the_pane():
    from tui import render

    rec = {"id": 7, "title": "big", "body": "word " * 100_000, "spans": []}
    blocks = render.source(rec)
    assert "more characters" in blocks[-1][0].plain
    assert sum(len(t.plain) for t, _ in blocks) < render.BODY_LIMIT + 1000
