"""Datasette opens an incidex file with the metadata `incidex db datasette-metadata` prints: `?_search=` on the
search tables and the canned queries find an actor's incidents, and the program's own tables are hidden."""
from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

datasette_app = pytest.importorskip("datasette.app")

RECORDS = """id,date,title,type,actor,country,url
R-1,2024-02-03,Flood of requests takes city portals offline,ddos,Killnet,DE,https://news.example.org/portals
R-2,2024-03-09,Hospital records encrypted overnight,ransomware,,FR,https://news.example.org/hospital
R-3,2024-04-11,Port authority web site unreachable for a day,ddos,Killnet,IT,https://news.example.org/port
"""


def _get(db_file, metadata: dict | None, path: str):
    async def run():
        ds = datasette_app.Datasette([str(db_file)], metadata=metadata)
        response = await ds.client.get(path)
        return response.status_code, response.json()

    return asyncio.run(run())


@pytest.fixture
def served(cli, tmp_path):
    db = tmp_path / "incidents.db"
    (tmp_path / "records.csv").write_text(RECORDS, encoding="utf-8")
    result = cli("import", "--db", db, tmp_path / "records.csv")
    assert result.exit_code == 0, result.output
    result = cli("db", "datasette-metadata", "--db", db)
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


def _killnet_ids(db) -> set[int]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT ia.incident_id FROM incident_actor ia JOIN actor a "
                                          "ON a.id = ia.actor_id WHERE a.name = 'Killnet'")}
    finally:
        con.close()


def test_search_finds_the_actors_incidents(served):
    db, metadata = served
    wanted = _killnet_ids(db)
    assert len(wanted) == 2

    status, rows = _get(db, metadata, "/incidents/incident_doc.json?_search=killnet&_shape=array")
    assert status == 200 and {r["id"] for r in rows} == wanted

    status, rows = _get(db, metadata, "/incidents/search_incidents.json?q=killnet&_shape=array")
    assert status == 200 and {r["id"] for r in rows} == wanted
    assert all("Hospital" not in r["title"] for r in rows)

    # without the metadata, Datasette cannot know the index: the search would be ignored
    status, rows = _get(db, None, "/incidents/incident_doc.json?_search=killnet&_shape=array")
    assert len(rows) == 3


def test_internal_tables_are_hidden(served):
    db, metadata = served
    status, data = _get(db, metadata, "/incidents.json")
    assert status == 200
    hidden = {t["name"] for t in data["tables"] if t["hidden"]}
    shown = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert {"search_vocab", "search_pending", "incident_fts", "incident_fts_data", "incident_key"} <= hidden
    assert {"incident", "actor", "source", "incident_actor", "incident_doc"} <= shown
