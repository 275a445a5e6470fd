"""A source whose extraction fails is kept, the rest of the batch is extracted, and the exit code says it."""
from __future__ import annotations

import sqlite3

import importers.extract as extract_pkg


def test_a_failed_extraction_keeps_the_source_says_so_and_exits_1(cli, tmp_path, db_path, monkeypatch):
    real = extract_pkg.extract

    def flaky(doc):
        if "Zorvane" in (doc.body or ""):
            raise ValueError("a bug in a rule")
        return real(doc)

    monkeypatch.setattr(extract_pkg, "extract", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    more = ("The organisation said it had informed the regulator and hired outside investigators to look into "
            "what happened. Customers were told to watch for suspicious messages in the coming weeks.\n")
    # (a text file's first line is its title)
    (folder / "a.txt").write_text("Clinic breached\n\nHackers breached the Zorvane Clinic network on Monday and "
                                  "stole patient records. " + more, encoding="utf-8")
    (folder / "b.txt").write_text("Bank hit by ransomware\n\nA ransomware attack encrypted the servers of the Harbor "
                                  "Bank on Tuesday, the bank said. Its branches stayed open and cash machines worked "
                                  "normally, and no customer data was taken, according to its statement.\n",
                                  encoding="utf-8")
    res = cli("import", "--workers", "1", "--db", db_path, folder)
    assert res.exit_code == 1
    assert [line for line in res.stderr.splitlines() if "a.txt" in line and "extraction failed" in line]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 2  # nothing lost
    assert conn.execute("SELECT count(*) FROM incident WHERE merged_into IS NULL").fetchone()[0] == 1
    conn.close()
