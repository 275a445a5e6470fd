"""A source seen again with better metadata (issue 29): the same text, now with a title, a date, a URL and a
publisher, fills what the stored source lacked, the import summary says so, and an analyst's edits win."""
from __future__ import annotations

import json
import sqlite3

import pytest

BODY = ("Hackers broke into the payroll systems of Tallowmere Foods on Monday and stole the tax records of 4,200 "
        "employees, the company said. The intruders sent a fake request that appeared to come from the chief "
        "executive, and a staff member mailed the records in reply. Tallowmere Foods has told the police and is "
        "offering credit monitoring to every employee.\n")
BETTER = ('---\ntitle: "Payroll records stolen at Tallowmere Foods"\nurl: https://news.example.org/tallowmere-payroll\n'
          "published: 2024-03-13\npublisher: Example News\n---\n" + BODY)


@pytest.fixture
def copies(tmp_path):
    bare, better = tmp_path / "bare.txt", tmp_path / "better.md"
    bare.write_text(BODY, encoding="utf-8")
    better.write_text(BETTER, encoding="utf-8")
    return bare, better


def _rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _import(cli, db_path, path, *extra):
    res = cli("import", "--db", str(db_path), str(path), *extra)
    assert res.exit_code == 0, res.output
    return res


def test_a_better_copy_fills_what_the_source_lacked_and_the_summary_says_so(cli, db_path, copies):
    bare, better = copies
    _import(cli, db_path, bare)
    assert _rows(db_path, "SELECT url, published, publisher FROM source") == [(None, None, None)]
    assert _rows(db_path, "SELECT date_start FROM incident") == [(None,)]  # 'on Monday': no day to count from

    res = _import(cli, db_path, better)
    assert "1 source completed" in res.stdout
    assert _rows(db_path, "SELECT title, url, published, publisher FROM source") == [
        ("Payroll records stolen at Tallowmere Foods", "https://news.example.org/tallowmere-payroll", "2024-03-13",
         "Example News")]
    assert _rows(db_path, "SELECT count(*) FROM source") == [(1,)]
    # the incident is the same one, now dated: the Monday before the publication day
    assert _rows(db_path, "SELECT id, date_start FROM incident") == [(1, "2024-03-11")]

    again = json.loads(_import(cli, db_path, better, "--json").stdout)
    assert again["sources_completed"] == 0 and again["unchanged"] == 1  # nothing left to fill: unchanged


def test_the_json_summary_counts_completed_sources(cli, db_path, copies):
    bare, better = copies
    _import(cli, db_path, bare)
    summary = json.loads(_import(cli, db_path, better, "--json").stdout)
    assert (summary["completed"], summary["sources_completed"], summary["unchanged"], summary["sources_added"]) == (1, 1, 0, 0)


def test_an_analysts_edit_wins_over_the_better_copy(cli, db_path, copies):
    bare, better = copies
    _import(cli, db_path, bare)
    edited = cli("edit", "incident", "1", "--date", "2024-02-29", "--title", "Payroll fraud (checked)",
                 "--db", str(db_path))
    assert edited.exit_code == 0, edited.output
    _import(cli, db_path, better)
    assert _rows(db_path, "SELECT title, date_start FROM incident") == [("Payroll fraud (checked)", "2024-02-29")]
    assert _rows(db_path, "SELECT published FROM source") == [("2024-03-13",)]


def test_a_copy_never_overwrites_what_the_source_has(cli, db_path, copies, tmp_path):
    _bare, better = copies
    _import(cli, db_path, better)
    other = tmp_path / "other.md"
    other.write_text(BETTER.replace("Example News", "Another Outlet").replace("2024-03-13", "2024-03-20"),
                     encoding="utf-8")
    res = _import(cli, db_path, other)
    assert "completed" not in res.stdout
    assert _rows(db_path, "SELECT published, publisher FROM source") == [("2024-03-13", "Example News")]
