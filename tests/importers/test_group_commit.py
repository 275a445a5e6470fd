"""An import commits documents in groups; each document is still all-or-nothing, and a failing one
never takes the documents stored before it in its group with it."""
from __future__ import annotations

import sqlite3

import pytest

from db.engine import connect
from importers import pipeline


def _batch(folder, n: int, poisoned: int | None = None):
    folder.mkdir()
    for i in range(n):
        title = "Poisoned report" if i == poisoned else f"Defacement report {i:02d}"
        (folder / f"a{i:02d}.txt").write_text(
            f"{title}\n\nHackers defaced the website of the town council of Elmsworth {i} on Friday, "
            "officials said.\n", encoding="utf-8")
    return folder


def _titles(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM source ORDER BY title")]
    finally:
        conn.close()


def _poison(db_path, how: str) -> None:
    """A real SQLite error for one document: ABORT undoes the statement, ROLLBACK the whole transaction."""
    conn = connect(db_path)
    conn.execute(f"CREATE TRIGGER poison BEFORE INSERT ON source WHEN NEW.title = 'Poisoned report' "
                 f"BEGIN SELECT RAISE({how}, 'poisoned document'); END")
    conn.close()


@pytest.fixture
def slow_commits(monkeypatch):
    """Groups close by their size only (a slow machine must not commit earlier than the test expects)."""
    from db import bulk

    monkeypatch.setattr(bulk, "GROUP_SECONDS", 600.0)
    monkeypatch.setattr(bulk, "FLUSH_SECONDS", 600.0)
    return bulk


@pytest.mark.parametrize("how", ["ABORT", "ROLLBACK"])
def test_a_failing_document_is_reported_and_the_rest_of_its_group_is_kept(tmp_path, db_path, how, slow_commits):
    folder = _batch(tmp_path / "batch", 12, poisoned=7)
    _poison(db_path, how)
    conn = connect(db_path)
    report = pipeline.run(conn, [str(folder)], pipeline.Options(workers=1))
    conn.close()
    failed = {o.origin.rsplit("/", 1)[-1]: o.reason for o in report.failed}
    assert list(failed) == ["a07.txt"]
    assert "poisoned document" in failed["a07.txt"]
    # the seven documents before it were in the same group (GROUP_DOCS is larger than the batch)
    assert report.count("imported") == 11
    assert _titles(db_path) == [f"Defacement report {i:02d}" for i in range(12) if i != 7]
    check = sqlite3.connect(db_path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # every stored source has its incident and its search row: nothing half written
    assert check.execute("SELECT count(*) FROM source WHERE id NOT IN (SELECT source_id FROM incident_source)"
                         ).fetchone()[0] == 0
    assert check.execute("SELECT count(*) FROM source_doc").fetchone()[0] == 11
    check.close()


def test_an_interrupted_import_keeps_the_documents_it_completed(tmp_path, db_path):
    folder = _batch(tmp_path / "batch", 10)
    conn = connect(db_path)
    seen = []

    def progress(outcome):
        seen.append(outcome)
        if len(seen) == 4:
            raise KeyboardInterrupt  # what Ctrl-C does between two documents

    with pytest.raises(KeyboardInterrupt):
        pipeline.run(conn, [str(folder)], pipeline.Options(workers=1), progress=progress)
    conn.close()
    assert _titles(db_path) == [f"Defacement report {i:02d}" for i in range(4)]
    # the same import again completes the batch without duplicates
    conn = connect(db_path)
    report = pipeline.run(conn, [str(folder)], pipeline.Options(workers=1))
    conn.close()
    assert (report.count("imported"), report.count("unchanged")) == (6, 4)
    assert _titles(db_path) == [f"Defacement report {i:02d}" for i in range(10)]


@pytest.mark.parametrize("bound", ["documents", "text"])
def test_another_connection_sees_an_import_advance_group_by_group(tmp_path, db_path, monkeypatch, slow_commits,
                                                                  bound):
    # The browser refreshes from another connection while an import runs: it must see the documents
    # of each committed group, not only the whole batch at the end. A group closes after GROUP_DOCS
    # documents, or earlier when their text passes GROUP_BYTES (large articles are held for a redo).
    if bound == "documents":
        monkeypatch.setattr(slow_commits, "GROUP_DOCS", 3)
    else:
        monkeypatch.setattr(slow_commits, "GROUP_BYTES", 200)  # each article's text is 88-89 characters
    folder = _batch(tmp_path / "batch", 8)
    conn = connect(db_path)
    reader = connect(db_path)
    visible = []

    def progress(_outcome):
        visible.append(reader.execute("SELECT count(*) FROM source").fetchone()[0])

    pipeline.run(conn, [str(folder)], pipeline.Options(workers=1), progress=progress)
    assert all(v > stored - 3 for stored, v in enumerate(visible, 1)), visible  # never a group behind
    assert reader.execute("SELECT count(*) FROM source").fetchone()[0] == 8
