"""Exports: CSV with chosen columns, a STIX 2.1 bundle that validates and imports back into the same
database content, MISP events PyMISP can load, and a Markdown report with numbered citations."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tests.formats.conftest import exported, import_json


@pytest.fixture
def db_path(engine_db):
    """Every test here runs on both engines: an SQLite file, then a PostgreSQL database (issue 32)."""
    return engine_db


INPUTS = ("bundle.stix.json", "event.misp.json", "incident.veris.json", "records.csv")
ARTICLES = ("feed.rss", "article.html")  # extracted incidents, actors with evidence, joins by the resolver


@pytest.fixture
def filled(cli, db_path, formats):
    summary = import_json(cli, db_path, *(formats / n for n in INPUTS))
    assert summary["failed"] == 0, summary
    return db_path


def _export(cli, db_path, *args) -> str:
    result = cli("export", "--db", db_path, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_default_columns(cli, filled):
    rows = list(csv.DictReader(io.StringIO(_export(cli, filled, "--format", "csv"))))
    assert list(rows[0]) == ["id", "date", "date_precision", "type", "title", "actors", "targets", "countries", "sources"]
    ddos = next(r for r in rows if r["title"] == "DDoS on Dutch bank websites")
    assert ddos["actors"] == "NoName057(16) (attributed)"
    assert ddos["targets"] == "Example Bank NV"
    assert (ddos["date"], ddos["type"], ddos["countries"]) == ("2024-03-11", "availability/ddos", "NL")
    assert "https://cert.example.nl/reports/2024-ddos-banks" in ddos["sources"]
    assert len(rows) == len(exported(cli, filled)["incidents"])


def test_csv_chosen_columns_and_query(cli, filled):
    out = _export(cli, filled, "--format", "csv", "--columns", "title,aliases,status", "--query", "type:ddos")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["title", "aliases", "status"]
    assert "Ransomware hits hospital" not in {r["title"] for r in rows}
    bank = next(r for r in rows if r["title"] == "DDoS on Dutch bank websites")
    # the record's own aliases first, then the galaxy's synonyms (the actor is matched to its cluster)
    aliases = bank["aliases"].split("; ")
    assert aliases[:2] == ["NoName05716", "16 Anonymous"] and "NoName057" in aliases


def test_csv_unknown_column_is_a_usage_error(cli, filled):
    result = cli("export", "--db", filled, "--format", "csv", "--columns", "title,colour")
    assert result.exit_code == 2 and "unknown column 'colour'" in result.stderr


def test_csv_cells_never_become_spreadsheet_formulas(cli, db_path, tmp_path):
    f = tmp_path / "evil.csv"
    f.write_text('id,title,type\nX-1,"=HYPERLINK(""http://evil.example"")",ddos\n')
    import_json(cli, db_path, f)
    rows = list(csv.DictReader(io.StringIO(_export(cli, db_path, "--format", "csv"))))
    assert rows[0]["title"].startswith("'=HYPERLINK")


def test_stix_bundle_validates_with_stix2(cli, filled):
    import stix2

    bundle = json.loads(_export(cli, filled, "--format", "stix"))
    parsed = stix2.parse(bundle, allow_custom=False)  # our fields are in a property extension, not x_ properties
    types = {o.type for o in parsed.objects}
    assert {"incident", "threat-actor", "identity", "report", "relationship", "extension-definition"} <= types
    ext = next(o.id for o in parsed.objects if o.type == "extension-definition")
    rels = [o for o in parsed.objects if o.type == "relationship"]
    attributed = next(r for r in rels if r.relationship_type == "attributed-to"
                      and r.extensions[ext]["role"] == "attributed" and r.confidence == 80)
    assert parsed.objects and attributed.source_ref.startswith("incident--")
    incident_ids = {o.id for o in parsed.objects if o.type == "incident"}
    assert "incident--0b6f1c3e-4444-4a7b-9c1d-000000000001" in incident_ids  # the input's identity is kept


def _comparable(data: dict) -> dict:
    actors = {a["id"]: a for a in data["actors"]}
    sources = {s["id"]: s for s in data["sources"]}
    out = {}
    for inc in data["incidents"]:
        out[inc["uuid"]] = {
            **{k: inc[k] for k in ("title", "summary", "type", "domain", "status", "date", "date_end",
                                   "date_precision", "date_basis", "countries")},
            "figures": sorted((f["value"], f["unit"]) for f in inc["figures"]),
            "actors": sorted({(a["name"], a["role"], a["confidence"], a["attributed_by"] or "",
                               actors[a["id"]]["kind"], actors[a["id"]]["country"] or "",
                               tuple(sorted(actors[a["id"]]["aliases"]))) for a in inc["actors"]}),
            "sources": sorted({(s["title"], s["url"] or "", sources[s["id"]]["published"] or "",
                                sources[s["id"]]["publisher"] or "", sources[s["id"]]["author"] or "",
                                sources[s["id"]]["body"]) for s in inc["sources"]}),
        }
    return out


def test_stix_round_trip_gives_back_the_same_database(cli, filled, formats, tmp_path):
    assert import_json(cli, filled, *(formats / n for n in ARTICLES))["failed"] == 0
    before = exported(cli, filled)
    bundle = tmp_path / "export.stix.json"
    result = cli("export", "--db", filled, "--format", "stix", "--output", bundle)
    assert result.exit_code == 0 and "exported" in result.stderr
    fresh = tmp_path / "fresh.db"
    summary = import_json(cli, fresh, bundle)
    assert summary["failed"] == 0
    after = exported(cli, fresh)
    assert len(after["incidents"]) == len(before["incidents"])
    assert _comparable(after) == _comparable(before)
    # and importing the same export again changes nothing
    again = import_json(cli, fresh, bundle)
    assert again["sources_added"] == 0


def test_misp_export_loads_in_pymisp_and_imports_back(cli, filled, tmp_path):
    pymisp = pytest.importorskip("pymisp")
    text = _export(cli, filled, "--format", "misp")
    events = json.loads(text)["response"]
    assert len(events) == len(exported(cli, filled)["incidents"])
    loaded = {}
    for e in events:
        ev = pymisp.MISPEvent()
        ev.load(e)
        loaded[ev.info] = ev
    bank = loaded["DDoS on Dutch bank websites"]
    tags = {t.name for t in bank.tags}
    assert {'rsit:availability="ddos"', 'misp-galaxy:threat-actor="NoName057(16)"'} <= tags
    assert "https://cert.example.nl/reports/2024-ddos-banks" in {a.value for a in bank.attributes if a.type == "link"}
    assert "Example Bank NV" in {a.value for a in bank.attributes if a.type == "target-org"}
    assert str(bank.date) == "2024-03-11"
    hospital = loaded["Ransomware hits hospital"]
    assert 'rsit:malicious-code="infected-system"' in {t.name for t in hospital.tags}
    # the export imports back: same incidents, types and perpetrators
    f = tmp_path / "events.misp.json"
    f.write_text(text)
    fresh = tmp_path / "fresh.db"
    assert import_json(cli, fresh, f)["failed"] == 0
    back = {i["title"]: i for i in exported(cli, fresh)["incidents"]}
    assert back["DDoS on Dutch bank websites"]["type"] == "availability/ddos"
    assert back["Ransomware hits hospital"]["type"] == "malicious-code/ransomware"
    assert {(a["name"], a["role"]) for a in back["DDoS on Dutch bank websites"]["actors"]} == {
        ("NoName057(16)", "attributed"), ("Example Bank NV", "target")}


def test_markdown_report_with_numbered_citations(cli, filled):
    md = _export(cli, filled, "--format", "markdown", "--query", "type:ddos")
    assert md.startswith("# Incident report")
    assert "(query: `type:ddos`)" in md
    section = md.split("## ")[1]
    assert section.startswith("1. ")
    assert "- **Date:**" in md and "- **Type:** availability/ddos" in md
    assert "NoName057(16) (confidence 80) [1]" in md
    assert "- **Targets:** Example Bank NV [1]" in md
    sources = md.split("## Sources")[1]
    assert "1. DDoS wave against Dutch banks. Example CERT, 2024-03-14. <https://cert.example.nl/reports/2024-ddos-banks>" in sources


def test_markdown_figures_are_listed(cli, db_path, tmp_path):
    f = tmp_path / "veris.json"
    f.write_text(json.dumps({"incident_id": "F-1", "summary": "Records of patients were exposed by a clinic.",
                             "action": {"error": {"variety": ["Misconfiguration"]}},
                             "attribute": {"confidentiality": {"data_total": 43000}},
                             "timeline": {"incident": {"year": 2021}}}))
    import_json(cli, db_path, f)
    md = _export(cli, db_path, "--format", "markdown")
    assert "- **Figures:** 43000 records" in md


def test_export_to_a_file_in_every_format(cli, filled, tmp_path):
    for fmt in ("json", "csv", "stix", "misp", "markdown"):
        out = tmp_path / f"out.{fmt}"
        result = cli("export", "--db", filled, "--format", fmt, "--output", out)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 100
        assert not (tmp_path / f"out.{fmt}.part").exists()
