"""Structured inputs (STIX, MISP, VERIS, mapped CSV/JSON/JSONL): incidents, actors with aliases and roles,
sources, stable identities (re-import changes nothing), and one clear error for broken files."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.formats.conftest import by_title, exported, import_json


def _count(db_path, table: str) -> int:
    conn = sqlite3.connect(db_path)
    n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed table names
    conn.close()
    return n


def _actors(data: dict) -> dict[str, dict]:
    return {a["name"]: a for a in data["actors"]}


def _roles(incident: dict) -> set[tuple[str, str, int]]:
    return {(a["name"], a["role"], a["confidence"]) for a in incident["actors"]}


def test_stix_bundle(cli, db_path, formats):
    summary = import_json(cli, db_path, formats / "bundle.stix.json")
    assert summary["failed"] == 0
    data = exported(cli, db_path)
    incidents = by_title(data)
    ddos = incidents["DDoS on Dutch bank websites"]
    assert ddos["uuid"] == "0b6f1c3e-4444-4a7b-9c1d-000000000001"
    assert (ddos["type"], ddos["date"], ddos["date_precision"], ddos["countries"]) == ("availability/ddos", "2024-03-11", "day", ["NL"])
    assert _roles(ddos) == {("NoName057(16)", "attributed", 80), ("Example Bank NV", "target", 50)}
    [report] = ddos["sources"]
    assert report["title"] == "DDoS wave against Dutch banks" and report["published"] == "2024-03-14"
    assert report["url"] == "https://cert.example.nl/reports/2024-ddos-banks"
    # a campaign nobody's incident refers to is an incident of its own, attributed to the intrusion set
    frozen = incidents["Operation Frozen Pipes"]
    assert (frozen["type"], frozen["date"], frozen["date_end"]) == ("information-content-security/data-loss", "2023-12-01", "2024-01-05")
    assert _roles(frozen) == {("Cold Cascade", "attributed", 60)}
    actors = _actors(data)
    # the record's aliases first, then the synonyms of the galaxy cluster it is matched to
    assert actors["NoName057(16)"]["aliases"][:2] == ["NoName05716", "16 Anonymous"]
    assert actors["NoName057(16)"]["kind"] == "hacktivist group"
    assert actors["Cold Cascade"]["kind"] == "state-linked group"
    sources = {s["title"]: s for s in data["sources"]}
    assert sources["DDoS wave against Dutch banks"]["publisher"] == "Example CERT"
    assert sources["Operation Frozen Pipes"]["kind"] == "structured"
    assert "wiper campaign against water utilities" in sources["Operation Frozen Pipes"]["body"]


def test_misp_event(cli, db_path, formats):
    import_json(cli, db_path, formats / "event.misp.json")
    data = exported(cli, db_path)
    [event] = data["incidents"]
    assert event["uuid"] == "5f0c1d2e-aaaa-4bbb-8ccc-000000000001"
    assert (event["title"], event["date"], event["type"]) == (
        "Ransomware attack on a logistics company in Poland", "2023-10-11", "malicious-code/ransomware")
    assert _roles(event) == {("Sandworm", "attributed", 50), ("Example Logistics SA", "target", 50)}
    assert [a for a in event["actors"] if a["name"] == "Sandworm"][0]["attributed_by"] == "Example CSIRT"
    sandworm = _actors(data)["Sandworm"]
    assert sandworm["aliases"][:2] == ["Voodoo Bear", "IRIDIUM"] and sandworm["country"] == "RU"
    assert sandworm["reference"] == "5f0c1d2e-cccc-4bbb-8ccc-000000000001"
    urls = {s["url"] for s in event["sources"]}
    assert "https://blog.example.com/prestige-ransomware" in urls  # link attribute, trailing colon dropped
    assert "http://malicious.example/payload" not in urls  # an indicator, not a source
    record = next(s for s in data["sources"] if s["kind"] == "structured")
    assert "Threat level: high" in record["body"] and "Files on the company's servers were encrypted" in record["body"]
    assert "misp:threat-level=high" in record["tags"]


def test_veris_incident(cli, db_path, formats):
    import_json(cli, db_path, formats / "incident.veris.json")
    data = exported(cli, db_path)
    [inc] = data["incidents"]
    assert inc["uuid"] == "a1b2c3d4-0000-4000-8000-000000000001"
    assert inc["title"] == "A hacktivist group defaced the website of a city council in Spain and posted political messages."
    assert (inc["type"], inc["date"], inc["date_precision"], inc["status"]) == ("intrusions/defacement", "2022-05", "month", "confirmed")
    assert inc["countries"] == ["ES"]
    assert _roles(inc) == {("Example Cyber Front", "perpetrator", 85), ("Example City Council", "target", 85)}
    actors = _actors(data)
    assert actors["Example Cyber Front"]["kind"] == "hacktivist group"
    assert actors["Example City Council"]["kind"] == "government body"
    assert {s["url"] for s in inc["sources"]} >= {"https://news.example.es/council-defaced", "https://council.example.es/statement"}


def test_mapped_json_records_with_toml_mapping(cli, db_path, formats):
    summary = import_json(cli, db_path, "--mapping", formats / "events.toml", formats / "events.json")
    assert summary["failed"] == 0
    data = exported(cli, db_path)
    incidents = by_title(data)
    ddos = incidents["DDoS attacks against Latvian ministries"]  # trailing space gone
    assert (ddos["type"], ddos["date"], ddos["countries"]) == ("availability/ddos", "2023-04-03", ["LV"])
    assert _roles(ddos) == {("Example Sudan", "attributed", 40)}  # "Possible" → 40
    assert {s["url"] for s in ddos["sources"]} >= {"https://t.me/example_channel/101", "https://news.example.lv/ddos-ministries"}
    assert _actors(data)["Example Sudan"]["aliases"] == ["ExSudan", "Storm-9999"]
    assert _actors(data)["Sandworm"]["aliases"][:2] == ["Voodoo Bear", "IRIDIUM"]
    # an empty title falls back to the summary's first sentence; [types] overrides the guess
    leak = incidents["Hackers published internal emails of a Lithuanian energy company."]
    assert (leak["type"], leak["date"], leak["date_precision"]) == ("information-content-security/data-leak", "2023-05", "month")
    # wrong types (a number as id and summary, a list as type, a year as a number) are normalised, not fatal
    wiper = incidents["Wiper attack on a Ukrainian broadcaster"]
    assert (wiper["type"], wiper["date"], wiper["date_precision"]) == ("information-content-security/data-loss", "2022", "year")
    record = next(s for s in data["sources"] if s["title"] == "DDoS attacks against Latvian ministries")
    assert record["kind"] == "structured" and "Example Sudan (attributed)" in record["body"]
    titled = next(s for s in data["sources"] if s["url"] == "https://news.example.lv/ddos-ministries")
    assert (titled["title"], titled["publisher"]) == ("Ministries hit", "Example News")


def test_map_options_on_the_command_line(cli, db_path, formats):
    summary = import_json(cli, db_path, "--format", "json", "--map", "id=event._key", "--map", "title=event.eventName",
                          "--map", "type=event.type", "--map", "actor=threatActor.name",
                          "--map", 'actor_role="claimed"', formats / "events.json")
    assert summary["failed"] == 0
    ddos = by_title(exported(cli, db_path))["DDoS attacks against Latvian ministries"]
    assert [(a["name"], a["role"]) for a in ddos["actors"]] == [("Example Sudan", "claimed")]


def test_bad_map_option_is_a_usage_error(cli, db_path, formats):
    result = cli("import", "--db", db_path, "--map", "nonsense=a.b", formats / "events.json")
    assert result.exit_code == 2
    assert "unknown field 'nonsense'" in result.stderr


def test_csv_and_jsonl_records(cli, db_path, formats):
    summary = import_json(cli, db_path, formats / "records.csv", formats / "records.jsonl")
    assert summary["failed"] == 0
    data = exported(cli, db_path)
    incidents = by_title(data)
    assert incidents["Cable cut in Marseille"]["type"] == "availability/sabotage"
    assert [s["url"] for s in incidents["Cable cut in Marseille"]["sources"] if s["url"]] == ["https://news.example.fr/cable-cut"]
    assert _roles(incidents["Ransomware hits hospital"]) == {("LockBit", "claimed", 50)}
    assert incidents["Ransomware hits hospital"]["date_precision"] == "month"
    ragged = incidents["DDoS attack in DE (C-3)"]  # no title, bad date, extra cells: still imported
    assert ragged["date"] is None
    assert {a["name"] for a in ragged["actors"]} == {"Killnet", "NoName057(16)"}
    assert incidents["Phishing against tax office users"]["countries"] == ["IE"]
    assert incidents["Defacement of a museum website"]["type"] == "intrusions/defacement"


@pytest.mark.parametrize("name,extra", [
    ("bundle.stix.json", ()), ("event.misp.json", ()), ("incident.veris.json", ()), ("records.csv", ()),
    ("events.json", ("--mapping", "events.toml")),
])
def test_structured_reimport_changes_nothing(cli, db_path, formats, name, extra):
    extra = [formats / e if e.endswith(".toml") else e for e in extra]
    first = import_json(cli, db_path, *extra, formats / name)
    counts = [_count(db_path, t) for t in ("source", "incident", "actor", "incident_actor", "incident_source")]
    again = import_json(cli, db_path, *extra, formats / name)
    assert again["sources_added"] == 0 and again["sources_unchanged"] == first["sources_added"]
    assert [_count(db_path, t) for t in ("source", "incident", "actor", "incident_actor", "incident_source")] == counts


def test_records_without_known_fields_fail_with_a_hint(cli, db_path, tmp_path):
    f = tmp_path / "odd.json"
    f.write_text(json.dumps([{"foo": 1, "bar": 2}]))
    data = import_json(cli, db_path, f)
    assert data["outcomes"][0]["reason"].startswith("records have no field incidex knows (keys: bar, foo)")


@pytest.mark.parametrize("content,reason", [
    ("[" * 5000 + "]" * 5000, "JSON is nested too deeply"),
    ('{"a": ' * 100 + "1" + "}" * 100, "JSON is nested too deeply (over 64 levels)"),
    ('{"type": "bundle", "objects": [', "invalid JSON at line 1"),
    ('{"type": "bundle", "objects": [{"type": 3}, "x", null]}', "STIX bundle has no objects"),
    ('{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--1"}]}',
     "STIX bundle has no report, incident or campaign to import"),
    ('{"Event": {"info": ["not", "a", "string"], "Attribute": "nope", "Tag": 5, "Galaxy": [1, 2]}}', None),
    ('{"incident_id": 7, "action": [], "actor": "x", "timeline": {"incident": {"year": "soon"}}, "victim": 3}', None),
    ('{"a": 1}\n{"b": \n', "line 2: invalid JSON"),
])
def test_hostile_json_is_one_clear_line(cli, db_path, tmp_path, content, reason):
    f = tmp_path / "input.json"
    f.write_text(content)
    result = cli("import", "--json", "--db", db_path, f)
    assert "Traceback" not in result.output
    outcome = json.loads(result.stdout)["outcomes"][0]
    if reason is None:  # wrong types inside a known structure: imported with what makes sense
        assert outcome["status"] == "imported", outcome
    else:
        assert outcome["status"] == "failed" and outcome["reason"].startswith(reason), outcome
        assert "\n" not in outcome["reason"]


def test_format_can_be_forced(cli, db_path, formats, tmp_path):
    renamed = tmp_path / "bundle.txt"
    renamed.write_bytes((formats / "bundle.stix.json").read_bytes())
    assert import_json(cli, db_path, "--format", "stix", renamed)["failed"] == 0
    wrong = import_json(cli, db_path, "--format", "misp", formats / "records.jsonl")
    assert wrong["outcomes"][0]["reason"] == 'not a MISP event (no "Event" object)'


def test_similar_mapped_records_stay_separate_incidents(cli, db_path, tmp_path):
    """Records with their own ids are distinct incidents, even when they look alike (one DDoS wave)."""
    records = [{"id": f"W-{n}", "title": f"DDoS attack against the website of a Latvian ministry ({n})", "type": "DDoS",
                "date": f"2023-04-0{n}", "country": "LV", "actor": "NoName057(16)",
                "url": f"https://t.me/example_channel/{n}"} for n in range(1, 7)]
    f = tmp_path / "wave.json"
    f.write_text(json.dumps(records))
    args = ["--map", "id=id", "--map", "title=title", "--map", "type=type", "--map", "date=date",
            "--map", "country=country", "--map", "actor=actor", "--map", "url=url"]
    import_json(cli, db_path, *args, f)
    incidents = exported(cli, db_path)["incidents"]
    assert len(incidents) == 6
    assert sorted(i["date"] for i in incidents) == [f"2023-04-0{n}" for n in range(1, 7)]
    assert all(len(i["sources"]) == 2 and i["actors"] for i in incidents)


def test_mapped_records_in_a_parallel_import(cli, db_path, tmp_path):
    """The mapping reaches the worker processes of a large batch."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(50):
        (folder / f"r{n:02d}.json").write_text(json.dumps({"ev": {"key": f"P-{n}", "name": f"Phishing wave number {n}"}}))
    data = import_json(cli, db_path, "--workers", "2", "--map", "id=ev.key", "--map", "title=ev.name",
                       "--map", 'type="phishing"', folder)
    assert (data["imported"], data["failed"]) == (50, 0)
    incidents = exported(cli, db_path)["incidents"]
    assert len(incidents) == 50 and {i["type"] for i in incidents} == {"fraud/phishing"}
