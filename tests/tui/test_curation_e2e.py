"""Curation end to end in a real terminal: `incidex browse --db fixture.db` in tmux, a merge, two edits and
an undo made with keys, then `incidex show incident N --format json` from the command line shows the state
the browser left."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tui.conftest import build_db
from tests.tui.test_e2e import Tmux

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict:
    return {"PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"), "TEXTUAL_ANIMATIONS": "none", "TERM": "xterm-256color"}


def _incidex() -> list[str]:
    """The installed `incidex` command, run on this checkout (PYTHONPATH); `python -m importers.cli` else."""
    exe = Path(sys.executable).with_name("incidex")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("incidex")
    return [found] if found else [sys.executable, "-m", "importers.cli"]


def _show(db: Path, home: Path, ident: int) -> dict:
    out = subprocess.run([*_incidex(), "show", "incident", str(ident), "--format", "json", "--db", str(db)],
                         capture_output=True, text=True, env=dict(os.environ, **_env(home)), timeout=60, cwd=db.parent)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture
def tmux_available():
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")


def test_merge_edit_undo_in_tmux(tmux_available, tmp_path):
    db = build_db(tmp_path / "fixture.db")
    home = tmp_path / "home"
    envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in _env(home).items())
    command = (f"cd {shlex.quote(str(tmp_path))} && env -u COLUMNS -u LINES {envs} "
               f"{' '.join(shlex.quote(a) for a in _incidex())} browse --db fixture.db")
    t = Tmux(command, width=120, height=36)
    try:
        t.wait_for("4 of 4")
        t.wait_for("#4 Killnet DDoS on the hospital website")
        # mark #4 (first row) and #3 (second), merge them after the confirmation
        t.send("m")
        t.wait_for("1 marked")
        t.send("j")
        t.wait_for("#3 Ransomware attack on Paris hospital")  # the title wraps in the detail pane
        t.send("m")
        t.wait_for("2 marked")
        t.send("M")
        screen = t.wait_for("Merge 2 incidents into #3?")
        assert "moves #4 Killnet DDoS on the hospital website" in screen
        t.send("y")
        t.wait_for("3 of 3")
        t.wait_until(lambda s: "marked" not in s.splitlines()[-1], "the marks clearing")
        # edit #3 (now the first row): the title, then (a second change) the date
        t.send("g")
        t.wait_for("#3 Ransomware attack on Paris hospital")  # the title wraps in the detail pane
        t.send("e")
        t.wait_for("Edit incident #3")
        time.sleep(0.3)
        t.send("C-u")
        time.sleep(0.3)
        t.send("Hospital ransomware and DDoS", literal=True)
        t.wait_for("title      Hospital ransomware and DDoS")
        t.send("Enter")
        t.wait_for("#3 Hospital ransomware and DDoS")
        t.send("e")
        t.wait_for("Edit incident #3")
        for key in ("Tab", "Tab", "C-u"):  # at a person's pace: focus moves between fields are not type-ahead safe
            time.sleep(0.3)
            t.send(key)
        time.sleep(0.3)
        t.send("2023-10-14", literal=True)
        t.send("Enter")
        t.wait_for("date: 2023-10-14")
        # undo: the latest change (the date) only
        t.send("u")
        t.wait_for("undone")
        t.wait_until(lambda s: "date: 2023-10-14" not in s, "the date edit being undone")
        t.send("q")
        t.wait_until(lambda s: t.dead(), "quitting")
    finally:
        t.close()
    inc = _show(db, home, 3)
    assert inc["id"] == 3
    assert inc["title"] == "Hospital ransomware and DDoS"  # the first edit stays
    assert inc["date"] == "2023-10" and inc["date_precision"] == "month"  # the second was undone
    assert "title" in inc["edited_fields"]
    assert "Killnet" in {a["name"] for a in inc["actors"]}  # moved from #4
    merged = _show(db, home, 4)  # the tombstone shows its survivor
    assert merged["id"] == 3
