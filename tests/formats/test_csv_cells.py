"""CSV: ISO dates with their precision, one separator for every list cell, no cell a spreadsheet runs."""
from __future__ import annotations

import csv
import io
import sqlite3
import typing

import pytest

from tests.formats.conftest import import_json


def _rows(cli, db_path, *extra: str) -> list[dict[str, str]]:
    result = cli("export", "--db", db_path, "--format", "csv", *extra)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_default_columns_carry_date_precision_right_after_date(cli, db_path, formats):
    import_json(cli, db_path, formats / "records.csv")
    result = cli("export", "--db", db_path, "--format", "csv")
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[header.index("date") + 1] == "date_precision"


def test_dates_stay_as_stored_with_their_precision(cli, db_path, formats):
    import_json(cli, db_path, formats / "records.csv")
    rows = _rows(cli, db_path)
    seen = {(r["date"], r["date_precision"]) for r in rows}
    expected = {"": "unknown", 4: "year", 7: "month", 10: "day"}
    for date, precision in seen:
        assert precision == expected["" if not date else len(date)], (date, precision)
    assert {p for _, p in seen} >= {"month", "day", "unknown"}  # the fixture has all three
    conn = sqlite3.connect(db_path)
    stored = {str(r[0]): r[1] or "" for r in conn.execute("SELECT id, date_start FROM incident")}
    conn.close()
    assert {r["id"]: r["date"] for r in rows} == {k: v for k, v in stored.items() if k in {r["id"] for r in rows}}


def test_year_only_date_is_year_precision(cli, db_path, formats):
    import_json(cli, db_path, formats / "records.csv")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE incident SET date_start = '2023', date_precision = 'year' WHERE id = 1")
    conn.commit()
    conn.close()
    row = next(r for r in _rows(cli, db_path) if r["id"] == "1")
    assert (row["date"], row["date_precision"]) == ("2023", "year")


LIST_COLUMNS = ("actors", "targets", "countries", "places", "sources", "source_titles", "figures", "tags", "aliases")


def test_every_list_column_uses_one_separator(cli, db_path, formats):
    import_json(cli, db_path, formats / "records.csv")
    conn = sqlite3.connect(db_path)
    # give one incident two countries and two sources (a URL and a file), whatever the fixture extracted
    inc = conn.execute("SELECT id FROM incident ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE incident SET countries = ? WHERE id = ?", ('["DE", "FR"]', inc))
    conn.commit()
    conn.close()
    rows = _rows(cli, db_path, "--columns", "id," + ",".join(LIST_COLUMNS))
    row = next(r for r in rows if r["id"] == str(inc))
    assert row["countries"] == "DE; FR"
    multi = [r["sources"] for r in rows if len(r["sources"].split("; ")) > 1]
    assert multi, "the fixture has an incident with two sources"
    for cell in multi:
        assert " " not in cell.replace("; ", "")  # no other separator between a URL and a file name
    for r in rows:
        for col in LIST_COLUMNS:
            assert "," not in r[col] or col in ("source_titles", "places", "figures"), (col, r[col])


def test_columns_help_documents_the_rule_and_every_column():
    from db.export.csv import CSV_COLUMNS, DEFAULT_CSV_COLUMNS, LIST_SEPARATOR
    from importers.cli.read import export_cmd

    help_text = typing.get_type_hints(export_cmd, include_extras=True)["columns"].__metadata__[0].help
    assert ",".join(DEFAULT_CSV_COLUMNS) in help_text
    assert all(c in help_text for c in CSV_COLUMNS)
    assert f'"{LIST_SEPARATOR}"' in help_text


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+33 cmd", "'+33 cmd"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1+1", "'\t=1+1"), ("-12 records", "'-12 records"), ("-", "'-"),
    ("-12", "-12"), ("-1.5", "-1.5"), ("12", "12"),  # a plain number is a value, not a formula
    ("2024-02-15", "2024-02-15"), ("2024-02", "2024-02"), ("2024", "2024"),  # ISO dates stay plain
    ("Killnet (claimed)", "Killnet (claimed)"),
])
def test_formula_guard(value, shown):
    from db.export.csv import csv_cell

    assert csv_cell(value) == shown


def test_no_cell_starts_with_a_carriage_return():
    from db.export.csv import csv_cell

    assert csv_cell("\r=1+1")[:1] != "\r"


def test_formula_guard_in_an_export(cli, db_path, formats):
    import_json(cli, db_path, formats / "records.csv")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE incident SET title = '-1+1', summary = '-7' WHERE id = 1")
    conn.commit()
    conn.close()
    row = next(r for r in _rows(cli, db_path, "--columns", "id,title,summary") if r["id"] == "1")
    assert (row["title"], row["summary"]) == ("'-1+1", "-7")
