"""Tools in every export: incidex/1 JSON `tools`, STIX 2.1 malware/tool objects with `uses` (valid, strict),
CSV and Markdown; and back: STIX and incidex/1 imported into a fresh database keep the tools with evidence."""
from __future__ import annotations

import json

import pytest

from db.drafts import ActorMention, Document, Evidence, IncidentDraft, ToolMention
from db.engine import connect
from db.store import store_document
from tests.formats.test_stix_valid import _check_parses_strictly, _check_shape, _check_valid

BODY = ("Hackers of the Jade Crew encrypted the Port of Holm systems with GandCrab ransomware on Monday. "
        "They used Mimikatz to collect passwords first.")
GANDCRAB = "5920464b-e093-4fa0-a275-438dffef228f"


def _ev(sentence: str) -> Evidence:
    start = BODY.index(sentence)
    return Evidence(sentence, start, start + len(sentence))


@pytest.fixture
def tool_db(db_path):
    first, second = BODY.split(" They", 1)
    second = "They" + second
    draft = IncidentDraft(
        title="Port of Holm encrypted", type="malicious-code/ransomware", date_start="2019-03-04", date_precision="day",
        evidence=[_ev(first), _ev(second)],
        actors=[ActorMention("Jade Crew", "claimed", kind="criminal group", evidence=_ev(first)),
                ActorMention("Port of Holm", "target", kind="organisation", evidence=_ev(first))],
        tools=[ToolMention("GandCrab", "ransomware", GANDCRAB, "ransomware", _ev(first)),
               ToolMention("Mimikatz", "tool", None, "tool", _ev(second))])
    conn = connect(db_path)
    store_document(conn, Document(text="", origin="/home/someone/holm.txt", title="Holm", body=BODY, drafts=[draft]))
    conn.close()
    return db_path


def _export(cli, db_path, fmt, *extra) -> str:
    result = cli("export", "--db", db_path, "--format", fmt, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def _tools_in(cli, db_path) -> dict:
    data = json.loads(_export(cli, db_path, "json"))
    return {t["name"]: t for t in data["incidents"][0]["tools"]}


def test_json_export_lists_the_tools_with_kind_reference_and_evidence(tool_db, cli):
    tools = _tools_in(cli, tool_db)
    assert set(tools) == {"GandCrab", "Mimikatz"}
    g = tools["GandCrab"]
    assert g["kind"] == "ransomware" and g["reference"] == GANDCRAB
    assert BODY[g["start"]:g["end"]] == g["evidence"] and "GandCrab ransomware" in g["evidence"]


def test_stix_has_malware_and_tool_objects_used_by_the_incident_and_its_perpetrator(tool_db, cli):
    bundle = json.loads(_export(cli, tool_db, "stix"))
    _check_valid(bundle)
    _check_parses_strictly(bundle)
    _check_shape(bundle)
    by_type: dict[str, list[dict]] = {}
    for o in bundle["objects"]:
        by_type.setdefault(o["type"], []).append(o)
    malware, = by_type["malware"]
    tool, = by_type["tool"]
    assert malware["name"] == "GandCrab" and malware["is_family"] is True and malware["malware_types"] == ["ransomware"]
    assert tool["name"] == "Mimikatz"
    incident, = by_type["incident"]
    actor, = by_type["threat-actor"]
    uses = {(r["source_ref"], r["target_ref"]) for r in by_type["relationship"] if r["relationship_type"] == "uses"}
    assert uses == {(incident["id"], malware["id"]), (incident["id"], tool["id"]),
                    (actor["id"], malware["id"]), (actor["id"], tool["id"])}
    report, = by_type["report"]
    assert {malware["id"], tool["id"]} <= set(report["object_refs"])


def test_stix_round_trip_keeps_the_tools_and_their_evidence(tool_db, cli, tmp_path):
    out = tmp_path / "holm.stix.json"
    out.write_text(_export(cli, tool_db, "stix"), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert cli("import", "--db", fresh, out).exit_code == 0
    before, after = _tools_in(cli, tool_db), _tools_in(cli, fresh)
    keep = ("name", "kind", "reference", "evidence", "start", "end")
    assert {n: {k: t[k] for k in keep} for n, t in after.items()} == {n: {k: t[k] for k in keep} for n, t in before.items()}


def test_incidex_json_round_trip_keeps_every_fact_with_its_evidence(tool_db, cli, tmp_path):
    out = tmp_path / "holm.json"
    out.write_text(_export(cli, tool_db, "json"), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert cli("import", "--db", fresh, out).exit_code == 0
    a = json.loads(_export(cli, tool_db, "json"))["incidents"][0]
    b = json.loads(_export(cli, fresh, "json"))["incidents"][0]
    for field in ("uuid", "title", "type", "date", "date_precision"):
        assert a[field] == b[field]
    drop = ("id", "source_id", "link_id")
    same = lambda rows: [{k: v for k, v in r.items() if k not in drop} for r in rows]  # noqa: E731
    assert same(a["tools"]) == same(b["tools"]) and same(a["actors"]) == same(b["actors"])
    # imported again into the database it came from: nothing new
    again = json.loads(cli("import", "--json", "--db", tool_db, out).stdout)
    assert again["sources_added"] == 0 and again["incidents"] == 0
    assert len(json.loads(_export(cli, tool_db, "json"))["incidents"]) == 1


def test_csv_and_markdown_name_the_tools(tool_db, cli):
    csv_text = _export(cli, tool_db, "csv", "--columns", "id,tools")
    assert csv_text.splitlines()[1].endswith("GandCrab (ransomware); Mimikatz (tool)")
    md = _export(cli, tool_db, "markdown")
    assert "- **Tools:** GandCrab (ransomware)" in md and "Mimikatz (tool)" in md
