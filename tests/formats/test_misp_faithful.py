"""MISP, faithfully: events as PyMISP writes them (no `{"Event": ...}` wrapper) and collections of events are
recognised by auto-detection; every actor role survives an export to MISP and back; the export passes
PyMISP's strict JSON schema (`pymisp/data/schema.json`) with no error."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.formats.conftest import import_json

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
