"""Our own STIX and MISP exports imported back (issue 29): into the database they came from they change
nothing (no new source, incident, actor or link); into another database they merge by the stable ids they
carry, whatever format came first. The incidex/1 JSON case is in test_tools_exports.py.

The database is the bundled sample (`incidex demo`): sources with and without URLs, incidents told by
one source each (two of them merged here into one told by two), actors with their sentences, places,
tools and figures."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from importers.cli import app

TABLES = {
    "sources": "SELECT count(*) FROM source",
    "incidents": "SELECT count(*) FROM incident WHERE merged_into IS NULL",
    "actors": "SELECT count(*) FROM actor",
    "actor links": "SELECT count(*) FROM incident_actor",
    "citations": "SELECT count(*) FROM incident_source",
    "places": "SELECT count(*) FROM incident_place",
    "tools": "SELECT count(*) FROM incident_tool",
}


def _run(*args: str):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res


def _counts(db) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {k: conn.execute(q).fetchone()[0] for k, q in TABLES.items()}
    finally:
        conn.close()


def _uuids(db) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT uuid FROM incident WHERE merged_into IS NULL")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    """The sample database and its exports (built once: the import is the slow part)."""
    d = tmp_path_factory.mktemp("reimport")
    db = d / "origin.db"
    _run("demo", "--no-browse", "--db", db)
    _run("merge", "1", "2", "--db", db)  # an incident told by two sources, and a merged-away one
    files = {}
    for fmt in ("stix", "misp", "json"):
        files[fmt] = d / f"export.{fmt}.json"
        _run("export", "--db", db, "--format", fmt, "--output", files[fmt])
    return db, files


def test_the_sample_has_what_a_round_trip_can_lose(origin):
    db, _ = origin
    c = _counts(db)
    assert c["citations"] > c["incidents"] > 10 and c["actor links"] > 10 and c["places"] and c["tools"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM source WHERE url IS NULL").fetchone()[0] > 0  # found by text, not URL
    conn.close()


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_an_export_imported_into_its_own_database_changes_nothing(origin, tmp_path, fmt):
    db, files = origin
    same = tmp_path / "same.db"
    shutil.copyfile(db, same)
    before = _counts(same)
    res = _run("import", "--json", "--db", same, files[fmt])
    assert '"sources_added": 0' in res.stdout and '"incidents": 0' in res.stdout
    assert _counts(same) == before


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_an_export_imported_twice_elsewhere_merges_by_its_ids(origin, tmp_path, fmt):
    db, files = origin
    other = tmp_path / "other.db"
    _run("import", "--db", other, files[fmt])
    first = _counts(other)
    assert _uuids(other) == _uuids(db) and first["incidents"] == _counts(db)["incidents"]
    _run("import", "--db", other, files[fmt])
    assert _counts(other) == first


@pytest.mark.parametrize("order", [("stix", "misp", "json"), ("json", "stix", "misp"), ("misp", "stix", "json")])
def test_exports_in_several_formats_meet_on_the_same_incidents(origin, tmp_path, order):
    db, files = origin
    other = tmp_path / "other.db"
    _run("import", "--db", other, files[order[0]])
    after_first = _counts(other)
    for fmt in order[1:]:
        _run("import", "--db", other, files[fmt])
    assert _uuids(other) == _uuids(db)
    if order[0] != "misp":
        # STIX and incidex/1 carry every source with its text: the others add nothing to them
        assert _counts(other) == after_first == _counts(db)
    else:
        # a MISP event carries its sources as links (no text): STIX then brings the sources that have no
        # URL, and JSON finds every one of them again, by URL or by text
        assert _counts(other)["incidents"] == after_first["incidents"]
        again = _counts(other)
        _run("import", "--db", other, files["json"])
        assert _counts(other) == again
