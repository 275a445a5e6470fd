"""Bad input gets one clear line naming the file, the rest of the batch is imported, exit code 1."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest

GOOD = "A good article\n\nHackers defaced the website of a small town council on Friday, officials said in a statement.\n"


def _sources(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    rows = [r[0] for r in conn.execute("SELECT title FROM source ORDER BY id")]
    conn.close()
    return rows


def _import_json(cli, *args):
    result = cli("import", "--json", "--no-extract", *args)
    data = json.loads(result.stdout)
    reasons = {os.path.basename(o["origin"]): o["reason"] for o in data["outcomes"] if o["status"] == "failed"}
    return result, data, reasons


@pytest.fixture
def mixed(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.md").write_text("   \n\n\t  \n", encoding="utf-8")
    (d / "utf16.txt").write_bytes("Utf sixteen title\n\nA ransomware gang encrypted the servers of a port operator in Rotterdam last week.\n".encode("utf-16"))
    (d / "cp1252.txt").write_bytes("Café hit by phishing\n\nThe owner of a café in Liège said fraudsters sent fake invoices — twice.\n".encode("cp1252"))
    (d / "invalid-utf8.txt").write_bytes(b"Broken bytes title\n\nThe ministry said \xff\xfe\xfa attackers leaked files from its archive servers.\n")
    (d / "bad-front-matter.md").write_text("---\ntitle: [unclosed\n---\nBody text here that is long enough.\n", encoding="utf-8")
    return d


def test_mixed_folder_imports_good_files_and_names_each_bad_one(cli, mixed, db_path):
    result, data, reasons = _import_json(cli, "--db", db_path, mixed)
    assert result.exit_code == 1
    assert set(reasons) == {"binary.txt", "empty.txt", "blank.md", "bad-front-matter.md"}
    assert "binary" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "white space" in reasons["blank.md"]
    assert "front matter" in reasons["bad-front-matter.md"]
    titles = _sources(db_path)
    assert sorted(titles) == sorted(["A good article", "Utf sixteen title", "Café hit by phishing", "Broken bytes title"])
    conn = sqlite3.connect(db_path)
    body = conn.execute("SELECT body FROM source WHERE title = 'Café hit by phishing'").fetchone()[0]
    assert "Liège" in body and "—" in body
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_human_summary_names_the_failed_files_on_stderr(incidex, mixed, db_path):
    proc = incidex("import", "--no-extract", "--db", db_path, mixed)
    assert proc.returncode == 1
    err_lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(err_lines) == 4
    assert all(ln.startswith("incidex: ") and "Traceback" not in ln for ln in err_lines)
    assert any("binary.txt: binary file" in ln for ln in err_lines)
    assert "imported" in proc.stdout and "failed" in proc.stdout


def test_file_over_the_size_limit_is_skipped_before_reading(cli, tmp_path, db_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.write(b"Big title\n\n")
        fh.seek(3_000_000)
        fh.write(b"end.\n")
    small = tmp_path / "small.txt"
    small.write_text(GOOD)
    result, data, reasons = _import_json(cli, "--max-size", "1MB", "--db", db_path, big, small)
    assert result.exit_code == 1
    assert "over the 1.0 MB limit" in reasons["big.txt"]
    assert _sources(db_path) == ["A good article"]


def test_file_that_disappears_during_the_run(tmp_path, db_path):
    from db.engine import connect
    from importers import pipeline

    d = tmp_path / "vanishing"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    (d / "b.txt").write_text(GOOD.replace("small town", "large city"))
    conn = connect(db_path)
    # delete b.txt once a.txt is done: it was listed, then vanished before it was read
    report = pipeline.run(conn, [str(d)], pipeline.Options(extract=False, workers=1),
                          progress=lambda o: (d / "b.txt").unlink(missing_ok=True))
    assert [o.status for o in report.outcomes] == ["imported", "failed"]
    assert report.outcomes[1].reason == "file disappeared before it could be read"


def test_missing_path_and_empty_glob_are_reported(cli, tmp_path, db_path):
    (tmp_path / "ok.txt").write_text(GOOD)
    result, data, reasons = _import_json(cli, "--db", db_path, tmp_path / "ok.txt", tmp_path / "nope.txt",
                                         str(tmp_path / "*.nothing"))
    assert result.exit_code == 1
    assert reasons == {"nope.txt": "no such file or folder", "*.nothing": "no file matches this pattern"}


def test_unreadable_file_is_reported(tmp_path):
    """Permissions. Root reads everything, so as root the import runs with the effective uid of 'nobody'."""
    import shutil
    import tempfile
    from pathlib import Path

    from db.engine import connect
    from importers import pipeline

    base = Path(tempfile.mkdtemp(prefix="incidex-perm-"))  # under /tmp: reachable for 'nobody'
    base.chmod(0o777)
    d = base / "perm"
    d.mkdir()
    (d / "ok.txt").write_text(GOOD)
    locked = d / "locked.txt"
    locked.write_text(GOOD.replace("town", "village"))
    locked.chmod(0)
    as_root = os.geteuid() == 0
    if as_root:
        d.chmod(0o777)
        os.setegid(65534)
        os.seteuid(65534)
    try:
        conn = connect(base / "perm.db")
        report = pipeline.run(conn, [str(d)], pipeline.Options(extract=False, workers=1))
        conn.close()
    finally:
        if as_root:
            os.seteuid(0)
            os.setegid(0)
        shutil.rmtree(base, ignore_errors=True)
    failed = [(os.path.basename(o.origin), o.reason) for o in report.failed]
    assert failed == [("locked.txt", "permission denied")]
    assert report.sources == 1


def test_stdin_is_an_input(cli, db_path):
    result = cli("import", "--no-extract", "--db", db_path, "-", input=GOOD)
    assert result.exit_code == 0
    assert _sources(db_path) == ["A good article"]
