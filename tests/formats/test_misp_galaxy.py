"""MISP export: an actor that is a cluster of MISP's threat-actor galaxy is exported as that cluster (official
uuid and value, read from pymispgalaxies here too), also when we know it by an alias; and the evidence
sentences of actors, targets and places survive an export to MISP and an import into a fresh database."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.formats.conftest import import_json

INPUTS = ("bundle.stix.json", "event.misp.json", "incident.veris.json", "records.csv", "feed.rss", "article.html")
GALAXY = "data/misp-galaxy/clusters/threat-actor.json"


def _clusters() -> list[dict]:
    pymispgalaxies = pytest.importorskip("pymispgalaxies")
    return json.loads((Path(pymispgalaxies.__file__).parent / GALAXY).read_text(encoding="utf-8"))["values"]


def _official(name: str) -> tuple[str, str]:
    """(uuid, value) of the cluster whose value is `name`."""
    (hit,) = [(c["uuid"], c["value"]) for c in _clusters() if c["value"].casefold() == name.casefold()]
    return hit


def _alias_of_one_cluster() -> tuple[str, str, str]:
    """(alias, uuid, value): a synonym that exactly one cluster has, and is no cluster's value."""
    values = {c["value"].casefold() for c in _clusters()}
    owners: dict[str, list[dict]] = {}
    for c in _clusters():
        for s in (c.get("meta") or {}).get("synonyms") or []:
            owners.setdefault(s.casefold(), []).append(c)
    for c in _clusters():
        for s in (c.get("meta") or {}).get("synonyms") or []:
            if len(owners[s.casefold()]) == 1 and s.casefold() not in values and " " in s and s.isascii():
                return s, c["uuid"], c["value"]
    raise AssertionError("no alias")


def _misp(cli, db) -> list[dict]:
    result = cli("export", "--db", db, "--format", "misp")
    assert result.exit_code == 0, result.output
    return [e["Event"] for e in json.loads(result.stdout)["response"]]


def _cluster_uuids(events: list[dict]) -> dict[str, str]:
    return {c["value"]: c["uuid"] for e in events for g in e.get("Galaxy", []) for c in g["GalaxyCluster"]}


@pytest.fixture
def fixture_db(cli, db_path, formats) -> Path:
    summary = import_json(cli, db_path, *(formats / n for n in INPUTS))
    assert summary["failed"] == 0, summary
    return db_path


def test_galaxy_actors_carry_the_official_cluster(cli, fixture_db):
    clusters = _cluster_uuids(_misp(cli, fixture_db))
    for name in ("Sandworm", "NoName057(16)", "Killnet"):
        uuid, value = _official(name)
        assert clusters.get(value) == uuid, (name, clusters)
    known = {c["uuid"] for c in _clusters()}
    assert clusters["Example Cyber Front"] not in known  # an actor of our own keeps a uuid of our own


def test_an_alias_gives_the_official_cluster_and_comes_back_as_the_actor_we_had(cli, tmp_path):
    alias, uuid, value = _alias_of_one_cluster()
    records = tmp_path / "records.csv"
    records.write_text(f"id,date,title,type,actor,country,url\n"
                       f"A-1,2024-05-06,Mail servers of a ministry breached,intrusion,{alias},PL,"
                       f"https://news.example.org/ministry\n", encoding="utf-8")
    db = tmp_path / "a.db"
    import_json(cli, db, records)
    events = _misp(cli, db)
    assert _cluster_uuids(events) == {value: uuid}
    assert f'misp-galaxy:threat-actor="{value}"' in {t["name"] for t in events[0]["Tag"]}

    out, fresh = tmp_path / "events.json", tmp_path / "fresh.db"
    out.write_text(json.dumps({"response": [{"Event": e} for e in events]}), encoding="utf-8")
    assert import_json(cli, fresh, out)["failed"] == 0
    with sqlite3.connect(fresh) as conn:
        assert conn.execute("SELECT a.name, ia.role FROM incident_actor ia JOIN actor a ON a.id = ia.actor_id "
                            "WHERE ia.role != 'target'").fetchall() == [(alias, "attributed")]
        aliases = {r[0] for r in conn.execute("SELECT alias FROM actor_alias")}
    assert value in aliases


ACTOR_EVIDENCE = ("SELECT i.title, a.name, ia.role, ia.evidence FROM incident_actor ia JOIN actor a ON a.id = ia.actor_id"
                  " JOIN incident i ON i.id = ia.incident_id WHERE ia.evidence IS NOT NULL")
PLACE_EVIDENCE = ("SELECT i.title, p.name, p.level, p.country, p.evidence FROM incident_place p "
                  "JOIN incident i ON i.id = p.incident_id")


def _set(db: Path, sql: str) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute(sql))


def test_evidence_of_actors_and_places_survives_the_round_trip(cli, fixture_db, tmp_path):
    actors, places = _set(fixture_db, ACTOR_EVIDENCE), _set(fixture_db, PLACE_EVIDENCE)
    assert actors and places and all(p[4] for p in places)
    out, fresh = tmp_path / "events.misp.json", tmp_path / "fresh.db"
    result = cli("export", "--db", fixture_db, "--format", "misp", "--output", out)
    assert result.exit_code == 0, result.output
    assert import_json(cli, fresh, out)["failed"] == 0
    assert _set(fresh, ACTOR_EVIDENCE) == actors
    assert _set(fresh, PLACE_EVIDENCE) == places
    with sqlite3.connect(fresh) as conn:  # each sentence points at itself in the stored MISP event's text
        rows = conn.execute("SELECT s.body, ia.evidence, ia.start, ia.\"end\" FROM incident_actor ia "
                            "JOIN source s ON s.id = ia.source_id WHERE ia.evidence IS NOT NULL").fetchall()
    assert rows and all(body[start:end] == ev for body, ev, start, end in rows)
