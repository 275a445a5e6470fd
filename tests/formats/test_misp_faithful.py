"""MISP, faithfully: events as PyMISP writes them (no `{"Event": ...}` wrapper) and collections of events are
recognised by auto-detection; every actor role survives an export to MISP and back; the export passes
PyMISP's strict JSON schema (`pymisp/data/schema.json`) with no error."""
from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_incidex
from tests.formats.conftest import exported, import_json

pymisp = pytest.importorskip("pymisp")

INPUTS = ("bundle.stix.json", "event.misp.json", "incident.veris.json", "records.csv", "feed.rss", "article.html")


def _event(info: str, actor: str, date: str = "2024-05-02") -> pymisp.MISPEvent:
    ev = pymisp.MISPEvent()
    ev.info = info
    ev.set_date(date)
    ev.add_tag(f'misp-galaxy:threat-actor="{actor}"')
    ev.add_tag('rsit:availability="ddos"')
    ev.add_attribute("target-org", "Example Port Authority")
    ev.add_attribute("link", "https://cert.example.org/advisories/port-ddos")
    ev.add_attribute("text", f"{actor} flooded the port authority's booking portal.")
    return ev


def _rows(db: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute(
            "SELECT i.title, a.name, ia.role FROM incident_actor ia JOIN incident i ON i.id = ia.incident_id "
            "JOIN actor a ON a.id = ia.actor_id"))


def test_bare_pymisp_event_is_detected_and_imported(cli, db_path, tmp_path):
    f = tmp_path / "event.json"
    f.write_text(_event("DDoS on the port of Example", "NoName057(16)").to_json())
    assert "Event" not in json.loads(f.read_text())  # what PyMISP writes: the event itself
    summary = import_json(cli, db_path, f)
    assert summary["failed"] == 0, summary
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT title, type, date_start FROM incident").fetchall() == [
            ("DDoS on the port of Example", "availability/ddos", "2024-05-02")]
    assert _rows(db_path) == {("DDoS on the port of Example", "NoName057(16)", "attributed"),
                              ("DDoS on the port of Example", "Example Port Authority", "target")}


@pytest.mark.parametrize("shape", ["bare-list", "wrapped-list", "response-bare", "response-wrapped"])
def test_collections_of_events_are_detected(cli, db_path, tmp_path, shape):
    events = [json.loads(_event(f"DDoS wave {n}", actor, f"2024-0{n}-01").to_json())
              for n, actor in ((1, "Killnet"), (2, "Anonymous Sudan"))]
    if "wrapped" in shape:
        events = [{"Event": e} for e in events]
    value = {"response": events} if shape.startswith("response") else events
    f = tmp_path / "events.json"
    f.write_text(json.dumps(value))
    summary = import_json(cli, db_path, f)
    assert summary["failed"] == 0, summary
    assert {(t, a, r) for t, a, r in _rows(db_path) if r != "target"} == {
        ("DDoS wave 1", "Killnet", "attributed"), ("DDoS wave 2", "Anonymous Sudan", "attributed")}


def test_plain_records_with_an_info_field_are_not_misp(cli, db_path, tmp_path):
    f = tmp_path / "records.json"
    f.write_text(json.dumps([{"title": "Outage at a water utility", "info": "no details", "date": "2024-01-02"}]))
    import_json(cli, db_path, f)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT title FROM incident").fetchall() == [("Outage at a water utility",)]


# --- the fixture database: export to MISP, import into a fresh database -------------------------------------

# Roles the fixture inputs do not give, set the way an analyst's decision stores them: a second role for the
# same actor in one incident, a suspicion and a denial.
EXTRA_ROLES = (("DDoS on Dutch bank websites", "NoName057(16)", "claimed"),
               ("DDoS on Dutch bank websites", "Killnet", "denied"),
               ("Operation Frozen Pipes", "Sandworm", "suspected"))


def _add_role(db: Path, title: str, actor: str, role: str) -> None:
    with sqlite3.connect(db) as conn:
        (incident,) = conn.execute("SELECT id FROM incident WHERE title = ?", (title,)).fetchone()
        (actor_id,) = conn.execute("SELECT id FROM actor WHERE name = ?", (actor,)).fetchone()
        conn.execute("INSERT INTO incident_actor (incident_id, actor_id, role, confidence, origin) "
                     "VALUES (?, ?, ?, 60, 'analyst')", (incident, actor_id, role))


@pytest.fixture
def fixture_db(cli, db_path, formats) -> Path:
    summary = import_json(cli, db_path, *(formats / n for n in INPUTS))
    assert summary["failed"] == 0, summary
    for row in EXTRA_ROLES:
        _add_role(db_path, *row)
    return db_path


def _roles(data: dict) -> dict[str, set[tuple[str, str]]]:
    return {i["title"]: {(a["name"], a["role"]) for a in i["actors"]} for i in data["incidents"]}


def test_roles_survive_misp_round_trip(cli, fixture_db, tmp_path):
    before = _roles(exported(cli, fixture_db))
    assert {r for pairs in before.values() for _, r in pairs} == {
        "perpetrator", "claimed", "attributed", "suspected", "denied", "target"}
    out = tmp_path / "events.misp.json"
    result = cli("export", "--db", fixture_db, "--format", "misp", "--output", out)
    assert result.exit_code == 0, result.output
    fresh = tmp_path / "fresh.db"
    summary = import_json(cli, fresh, out)
    assert summary["failed"] == 0, summary
    assert _roles(exported(cli, fresh)) == before


# --- PyMISP's strict schema -----------------------------------------------------------------------------------

def _schema_errors(events: list[dict]) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(pymisp.__file__).parent / "data" / "schema.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    errors = []
    for e in events:
        errors += [f"{e['Event']['info']}: {list(err.absolute_path)}" for err in validator.iter_errors(e)]
        ev = pymisp.MISPEvent(strict_validation=True)
        ev.load(copy.deepcopy(e))  # and PyMISP itself loads it (load() empties the dict it is given)
        assert ev.info == e["Event"]["info"]
    return errors


def test_fixture_export_passes_pymisp_strict_schema(cli, fixture_db):
    result = cli("export", "--db", fixture_db, "--format", "misp")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["response"]
    assert any(e["Event"].get("Galaxy") for e in events)
    assert _schema_errors(events) == []


def test_samples_export_passes_pymisp_strict_schema(tmp_path):
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "NO_COLOR": "1"}
    db, out = tmp_path / "samples.db", tmp_path / "samples.misp.json"
    proc = run_incidex("demo", "--no-browse", "--db", db, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    proc = run_incidex("export", "--format", "misp", "--db", db, "-o", out, env=env)
    assert proc.returncode == 0, proc.stderr
    events = json.loads(out.read_text(encoding="utf-8"))["response"]
    assert len(events) > 10 and any(e["Event"].get("Galaxy") for e in events)
    assert _schema_errors(events) == []
