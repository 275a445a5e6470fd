"""Hostile import inputs (issue 26, section 3): stdin without end, links out of the folder, special files,
file names that are not UTF-8, a Markdown headline in brackets, absurd sizes, and a file that takes forever.
Each gets one line naming it, the rest of the batch is imported, the exit code says so."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import run_incidex

GOOD = "A good article\n\nHackers defaced the website of a small town council on Friday, officials said in a statement.\n"
OTHER = "Port hit by ransomware\n\nA ransomware gang encrypted the servers of a port operator in Rotterdam last week.\n"
ROOT = Path(__file__).resolve().parents[2]


def _rows(db: Path, sql: str = "SELECT origin, title, body FROM source ORDER BY id") -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _errors(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


def _json_import(db: Path, *paths, extra=(), env=None) -> tuple[subprocess.CompletedProcess, dict]:
    proc = run_incidex("import", "--json", "--no-extract", "--db", db, *extra, *paths, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(proc.stdout)


def _failed(report: dict) -> dict[str, str]:
    return {os.path.basename(o["origin"]): o["reason"] for o in report["outcomes"] if o["status"] == "failed"}


# --- 1. --max-size bounds standard input too ---------------------------------------------------------------

def test_stdin_is_read_only_up_to_the_size_limit(tmp_path):
    """`yes | incidex import -` used to read stdin to the end (3 GB in 10 s): now the importer stops reading
    after --max-size, says so in one line, imports the rest, and the writer sees its pipe close."""
    (tmp_path / "good.txt").write_text(GOOD)
    r, w = os.pipe()
    proc = subprocess.Popen([sys.executable, "-m", "importers.cli", "import", "--no-extract", "--max-size", "1k",
                             "--db", str(tmp_path / "x.db"), "-", str(tmp_path / "good.txt")],
                            stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    os.close(r)
    sent = [0]
    limit = 200 * 1024 * 1024  # what an endless producer would have pushed by the time the test gives up

    def produce():
        chunk = b"y\n" * 32768
        try:
            while sent[0] < limit:
                sent[0] += os.write(w, chunk)
        except BrokenPipeError:
            pass
        finally:
            os.close(w)

    writer = threading.Thread(target=produce)
    writer.start()
    out, err = proc.communicate(timeout=120)
    writer.join()
    assert proc.returncode == 1, err
    lines = _errors(err)
    assert len(lines) == 1 and lines[0].startswith("incidex: -: ") and "--max-size" in lines[0], lines
    assert sent[0] < 4 * 1024 * 1024, f"the importer read {sent[0]:,} bytes of stdin with --max-size 1k"
    assert [t for _, t, _ in _rows(tmp_path / "x.db")] == ["A good article"]


def test_stdin_within_the_limit_is_imported(tmp_path):
    proc = run_incidex("import", "--no-extract", "--max-size", "1k", "--db", tmp_path / "x.db", "-", input=GOOD)
    assert proc.returncode == 0, proc.stderr
    assert [t for _, t, _ in _rows(tmp_path / "x.db")] == ["A good article"]


# --- 2. links out of the folder, special files ---------------------------------------------------------------

@pytest.fixture
def linked(tmp_path) -> tuple[Path, Path]:
    """A folder with good files, links inside it, and links and special files that must not be read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("Secret heading\n\nTOP-SECRET-MARKER: the password of the backup server is hunter2.\n")
    (outside / "more.txt").write_text("More secrets\n\nTOP-SECRET-MARKER in a folder outside the import.\n")
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "good.txt").write_text(GOOD)
    (d / "sub" / "other.txt").write_text(OTHER)
    (d / "inside-link.txt").symlink_to(d / "sub" / "other.txt")  # stays inside: fine
    (d / "relative-link.txt").symlink_to(Path("sub") / "other.txt")
    (d / "escape.txt").symlink_to(secret)
    (d / "dotdot.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    (d / "outdir").symlink_to(outside, target_is_directory=True)
    (d / "proc.txt").symlink_to("/proc/self/status")  # a "regular" file under /proc: never read
    (d / "null.txt").symlink_to("/dev/null")
    os.mkfifo(d / "fifo.txt")
    return d, secret


@pytest.mark.skipif(not Path("/proc/self/status").exists() or not hasattr(os, "mkfifo"), reason="Linux only")
def test_links_leaving_the_folder_and_special_files_are_skipped_one_line_each(tmp_path, linked):
    d, _secret = linked
    t0 = time.monotonic()
    proc, report = _json_import(tmp_path / "x.db", d)
    assert time.monotonic() - t0 < 60  # a FIFO or /proc/kmsg must never block the import
    assert proc.returncode == 1
    failed = _failed(report)
    assert set(failed) == {"escape.txt", "dotdot.txt", "outdir", "proc.txt", "null.txt", "fifo.txt"}, failed
    assert all(r and "\n" not in r for r in failed.values())
    assert "outside" in failed["escape.txt"] and "outside" in failed["dotdot.txt"] and "outside" in failed["outdir"]
    stored = _rows(tmp_path / "x.db")
    assert sorted(t for _, t, _ in stored) == ["A good article", "Port hit by ransomware"]
    assert not any("TOP-SECRET" in b or "VmRSS" in b or "Secret" in t for _, t, b in stored)
    statuses = {os.path.basename(o["origin"]): o["status"] for o in report["outcomes"]}
    assert statuses["inside-link.txt"] != "failed" and statuses["relative-link.txt"] != "failed"


@pytest.mark.skipif(not Path("/proc/self/status").exists() or not hasattr(os, "mkfifo"), reason="Linux only")
def test_the_human_summary_names_each_skipped_link_on_one_line(tmp_path, linked):
    d, _secret = linked
    proc = run_incidex("import", "--no-extract", "--db", tmp_path / "x.db", d)
    assert proc.returncode == 1
    lines = _errors(proc.stderr)
    assert len(lines) == 6, lines
    for name in ("escape.txt", "dotdot.txt", "outdir", "proc.txt", "null.txt", "fifo.txt"):
        assert sum(f"{d / name}: " in ln for ln in lines) == 1, (name, lines)


@pytest.mark.skipif(not Path("/proc/self/status").exists() or not hasattr(os, "mkfifo"), reason="Linux only")
def test_a_link_named_on_the_command_line_is_followed_but_must_be_a_regular_file(tmp_path, linked):
    d, secret = linked
    proc, report = _json_import(tmp_path / "x.db", d / "escape.txt", d / "proc.txt", d / "fifo.txt", "/proc/self/status")
    assert proc.returncode == 1
    failed = _failed(report)
    assert set(failed) == {"proc.txt", "fifo.txt", "status"}, failed
    assert [t for _, t, _ in _rows(tmp_path / "x.db")] == ["Secret heading"]  # the user named it


# --- 3. file names that are not UTF-8 --------------------------------------------------------------------------

@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
def test_a_file_name_that_is_not_utf8_keeps_its_article(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    name = os.fsencode(d) + b"/caf\xe9-report.txt"
    with open(name, "wb") as fh:
        fh.write(GOOD.encode())
    with open(os.fsencode(d) + b"/bin\xff.txt", "wb") as fh:
        fh.write(bytes(range(256)) * 8)
    env = {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
    proc, report = _json_import(tmp_path / "x.db", d, os.fsdecode(os.fsencode(d) + b"/missing\xfe.txt"), env=env)
    assert proc.returncode == 1
    assert report["imported"] == 1
    failed = _failed(report)
    assert len(failed) == 2 and all(r for r in failed.values())
    (origin, title, _), = _rows(tmp_path / "x.db")
    assert title == "A good article"
    assert "caf" in origin and "-report.txt" in origin
    origin.encode("utf-8")  # storable, printable
    # the human summary names both bad files, one line each, on a strict UTF-8 stderr
    proc = run_incidex("import", "--no-extract", "--db", tmp_path / "y.db", d, env=env)
    assert proc.returncode == 1
    lines = _errors(proc.stderr)
    assert len(lines) == 1 and "bin" in lines[0] and "binary" in lines[0], lines
    assert "Traceback" not in proc.stderr


# --- 4. a Markdown headline in brackets --------------------------------------------------------------------------

def test_a_bracketed_headline_in_markdown_or_text_is_an_article(tmp_path):
    (tmp_path / "update.md").write_text("[Update] Ransomware hits the port of Antwerp\n\n"
                                        "A ransomware gang encrypted the servers of the port operator on Monday.\n")
    (tmp_path / "note.txt").write_text("{draft} Wiper found at a water utility\n\n"
                                       "Investigators found a wiper on the control servers of a water utility.\n")
    proc, report = _json_import(tmp_path / "x.db", tmp_path / "update.md", tmp_path / "note.txt")
    assert proc.returncode == 0, report
    titles = sorted(t for _, t, _ in _rows(tmp_path / "x.db"))
    assert titles == ["[Update] Ransomware hits the port of Antwerp", "{draft} Wiper found at a water utility"]


def test_a_text_file_holding_valid_json_is_still_read_as_json(tmp_path):
    (tmp_path / "records.txt").write_text(json.dumps([{"title": "Rail operator hit", "summary":
                                                       "Attackers disrupted the ticket systems of a rail operator."}]))
    (tmp_path / "broken.json").write_text("[Update] not JSON at all\n")
    proc, report = _json_import(tmp_path / "x.db", tmp_path / "records.txt", tmp_path / "broken.json")
    assert proc.returncode == 1
    assert set(_failed(report)) == {"broken.json"}  # a .json file is JSON: refused
    assert [t for _, t, _ in _rows(tmp_path / "x.db")] == ["Rail operator hit"]


# --- 5. --max-size values -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["99999999999999999999GB", "99999999999999999999TB", "1e400", "-5MB", "lots"])
def test_an_impossible_max_size_is_refused_up_front_in_one_line(tmp_path, value):
    (tmp_path / "good.txt").write_text(GOOD)
    proc = run_incidex("import", "--no-extract", "--max-size", value, "--db", tmp_path / "x.db", tmp_path / "good.txt")
    assert proc.returncode == 2
    lines = _errors(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("incidex: ") and "--max-size" in lines[0], lines
    assert not (tmp_path / "x.db").exists() or _rows(tmp_path / "x.db", "SELECT name FROM sqlite_master") == []


def test_binary_size_suffixes_are_1024_based(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(GOOD + "x" * (1010 - len(GOOD.encode())))
    assert f.stat().st_size == 1010
    proc, report = _json_import(tmp_path / "x.db", f, extra=("--max-size", "1kB"))
    assert proc.returncode == 1 and "over the 1,000 bytes limit" in _failed(report)["a.txt"]
    proc, report = _json_import(tmp_path / "y.db", f, extra=("--max-size", "1KiB"))
    assert proc.returncode == 0, report
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: between 20 MB and 20 MiB
        fh.write(b"Big\n\n")
        fh.truncate(20_500_000)
    proc, report = _json_import(tmp_path / "z.db", big, extra=("--max-size", "20MB"))
    assert "over the 20.0 MB limit" in _failed(report)["big.txt"]
    help_text = run_incidex("import", "--help").stdout
    assert "MiB" in help_text and "1024" in help_text


# --- 6. a per-file time limit ------------------------------------------------------------------------------

def _slow_text_reader(monkeypatch, marker: str = "SLOW", seconds: float = 30.0):
    """The text reader spends `seconds` of pure Python on any file whose text holds `marker`."""
    from importers import readers

    original = readers.READERS["text"]

    def slow(data: bytes, origin: str):
        if marker.encode() in data:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                pass
        return original(data, origin)

    monkeypatch.setitem(readers.READERS, "text", slow)


def test_a_slow_file_fails_alone_within_the_time_limit(cli, tmp_path, monkeypatch, db_path):
    _slow_text_reader(monkeypatch)
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    (d / "b-slow.txt").write_text("SLOW title\n\nThis one never ends, whatever the importer hopes for it.\n")
    (d / "c.txt").write_text(OTHER)
    t0 = time.monotonic()
    result = cli("import", "--json", "--no-extract", "--time-limit", "0.5", "--db", db_path, d)
    elapsed = time.monotonic() - t0
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert elapsed < 15, elapsed
    failed = _failed(report)
    assert list(failed) == ["b-slow.txt"] and "--time-limit" in failed["b-slow.txt"], failed
    assert sorted(t for _, t, _ in _rows(db_path)) == ["A good article", "Port hit by ransomware"]


def test_the_time_limit_holds_in_worker_processes(cli, tmp_path, monkeypatch, db_path):
    """A batch big enough for the process pool: the slow file fails alone there too, nothing else is lost."""
    _slow_text_reader(monkeypatch)
    d = tmp_path / "in"
    d.mkdir()
    for i in range(60):
        (d / f"r{i:02d}.txt").write_text(f"Report {i} on an outage\n\nAttackers knocked district portal {i} offline "
                                         f"for {i + 1} hours on Monday, the council said.\n")
    (d / "r30-slow.txt").write_text("SLOW title\n\nThis one never ends.\n")
    t0 = time.monotonic()
    result = cli("import", "--json", "--no-extract", "--workers", "2", "--time-limit", "0.5", "--db", db_path, d)
    assert time.monotonic() - t0 < 30
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert list(_failed(report)) == ["r30-slow.txt"]
    assert _rows(db_path, "SELECT count(*) FROM source") == [(60,)]


def test_the_time_limit_holds_for_imports_on_other_threads(tmp_path, monkeypatch):
    """The browser imports on threads of its own (two at once, even), where no signal can be delivered."""
    from db.engine import connect
    from importers import pipeline

    _slow_text_reader(monkeypatch, seconds=20.0)
    reports = {}

    def work(n: int):
        d = tmp_path / f"in{n}"
        d.mkdir()
        (d / "a.txt").write_text(GOOD.replace("small town", f"town number {n}"))
        (d / "b-slow.txt").write_text(f"SLOW title {n}\n\nThis one never ends.\n")
        (d / "c.txt").write_text(OTHER.replace("Rotterdam", f"harbour {n}"))
        conn = connect(tmp_path / f"{n}.db")
        try:
            reports[n] = pipeline.run(conn, [str(d)], pipeline.Options(extract=False, workers=1, time_limit=0.5 + n))
        finally:
            conn.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert time.monotonic() - t0 < 15
    for n in (0, 1):
        outcomes = [(os.path.basename(o.origin), o.status) for o in reports[n].outcomes]
        assert outcomes == [("a.txt", "imported"), ("b-slow.txt", "failed"), ("c.txt", "imported")], outcomes
        assert f"{0.5 + n:g} s" in reports[n].outcomes[1].reason
        assert sorted(t for _, t, _ in _rows(tmp_path / f"{n}.db")) == ["A good article", "Port hit by ransomware"]


def test_a_bad_time_limit_is_refused_in_one_line(tmp_path):
    proc = run_incidex("import", "--time-limit", "-1", "--db", tmp_path / "x.db", tmp_path)
    assert proc.returncode == 2
    lines = _errors(proc.stderr)
    assert len(lines) == 1 and "--time-limit" in lines[0], lines
