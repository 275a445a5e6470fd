"""MISP keeps what an incident was carried out with and its figures (issue 31): tools come back with kind,
galaxy cluster uuid and their sentence, figures with value, unit and phrase, each pointing at its text in the
stored event; a real event's malware galaxy tags become tools; neither lands in the summary."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.formats.test_misp_faithful import _schema_errors
from tests.formats.test_tools_exports import BODY, _export, tool_db  # noqa: F401 - tool_db is a fixture


@pytest.fixture
def misp_round_trip(tool_db, cli, tmp_path):  # noqa: F811
    conn = sqlite3.connect(tool_db)
    start = BODY.index("GandCrab")
    conn.execute("UPDATE incident SET figures = ?", (json.dumps([
        {"value": 40, "unit": "systems", "text": "40 systems", "start": start, "end": start + 10, "source_id": 1}]),))
    conn.commit()
    conn.close()
    out = tmp_path / "holm.misp.json"
    out.write_text(_export(cli, tool_db, "misp"), encoding="utf-8")
    assert _schema_errors(json.loads(out.read_text(encoding="utf-8"))["response"]) == []  # still strict-valid
    fresh = tmp_path / "fresh.db"
    result = cli("import", "--db", fresh, out)
    assert result.exit_code == 0, result.output
    return json.loads(_export(cli, tool_db, "json"))["incidents"][0], fresh


def test_tools_come_back_with_kind_reference_and_their_sentence(misp_round_trip, cli):
    before, fresh = misp_round_trip
    after = json.loads(_export(cli, fresh, "json"))["incidents"][0]
    keep = ("name", "kind", "reference", "evidence")
    assert {t["name"]: {k: t[k] for k in keep} for t in after["tools"]} == \
        {t["name"]: {k: t[k] for k in keep} for t in before["tools"]}
    conn = sqlite3.connect(fresh)
    for t in after["tools"]:  # the offsets point at the sentence in the stored event text
        body = conn.execute("SELECT body FROM source WHERE id = ?", (t["source_id"],)).fetchone()[0]
        assert body[t["start"]:t["end"]] == t["evidence"]
    conn.close()
    assert "Mimikatz" not in (after["summary"] or "") and "40 systems" not in (after["summary"] or "")


def test_figures_come_back_with_value_unit_and_phrase(misp_round_trip, cli):
    _before, fresh = misp_round_trip
    after = json.loads(_export(cli, fresh, "json"))["incidents"][0]
    assert [(f["value"], f["unit"], f["text"]) for f in after["figures"]] == [(40, "systems", "40 systems")]


def test_a_real_events_malware_galaxy_tags_become_tools(cli, tmp_path):
    event = {"Event": {"uuid": "8f0c8f5e-7d1a-4c55-9d3e-2a4b9b1c0d11", "info": "Ransomware at a water utility",
                       "date": "2024-05-02", "Tag": [{"name": 'misp-galaxy:ransomware="LockBit"'},
                                                     {"name": 'misp-galaxy:tool="Cobalt Strike"'},
                                                     {"name": "tlp:white"}],
                       "Attribute": []}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    db = tmp_path / "x.db"
    assert cli("import", "--db", db, path).exit_code == 0
    tools = json.loads(_export(cli, db, "json"))["incidents"][0]["tools"]
    assert {(t["name"], t["kind"]) for t in tools} == {("LockBit", "ransomware"), ("Cobalt Strike", "tool")}


def test_a_target_told_by_two_reports_keeps_both_sentences(db_path, cli, tmp_path):
    from db.drafts import ActorMention, Document, Evidence, IncidentDraft
    from db.engine import connect
    from db.store import store_document

    uid = "3b1f7c9e-1d2a-4e8b-9f00-6a5c4d3e2b10"
    conn = connect(db_path)
    for n, body in enumerate(("The Port of Holm said its systems were encrypted on Monday.",
                              "Ransomware hit the Port of Holm, a harbour operator, early this week.")):
        ev = Evidence(body, 0, len(body))
        draft = IncidentDraft(title="Port of Holm encrypted", type="malicious-code/ransomware", uuid=uid,
                              date_start="2019-03-04", date_precision="day", evidence=[ev],
                              actors=[ActorMention("Port of Holm", "target", kind="organisation", evidence=ev)])
        store_document(conn, Document(text="", origin=f"holm{n}.txt", title=f"Holm {n}", body=body, drafts=[draft]))
    conn.close()
    before = json.loads(_export(cli, db_path, "json"))["incidents"]
    assert len(before) == 1 and len(before[0]["sources"]) == 2
    out = tmp_path / "holm.misp.json"
    out.write_text(_export(cli, db_path, "misp"), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert cli("import", "--db", fresh, out).exit_code == 0
    after = json.loads(_export(cli, fresh, "json"))["incidents"][0]
    said = lambda inc: sorted(a["evidence"] for a in inc["actors"] if a["role"] == "target")  # noqa: E731
    assert said(after) == said(before[0]) and len(said(after)) == 2
