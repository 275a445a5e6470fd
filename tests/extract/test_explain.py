"""`incidex extract --source ID --explain`: the cue behind every fact and the reason for every candidate dropped.

Articles are our own short sentences; the CLI tests read a real SQLite file and assert what the analyst reads.
"""
from __future__ import annotations

import json

from importers.extract import explain, extract


def _run(doc_):
    with explain.recording() as trace:
        drafts = extract(doc_)
    return drafts, trace


def _party(drafts, name):
    return next(a for d in drafts for a in d.actors if a.name == name)


def test_a_hedged_attribution_names_the_hedge_and_the_role_word(doc):
    drafts, trace = _run(doc("A ransomware attack hit the Harbor Bank on Tuesday. The attack was probably carried "
                             "out by Fancy Bear, researchers said.", "2024-06-05"))
    a = _party(drafts, "APT28")
    cue = trace.cue(a.role, a.name, a.evidence.text)
    assert a.role == "suspected"
    assert "“carried out by”" in cue or "“by”" in cue
    assert "hedged by “probably" in cue


def test_a_denial_names_the_negation(doc):
    drafts, trace = _run(doc("The phishing attack on the Harbor Bank last Tuesday wasn't from Fancy Bear, the bank "
                             "said.", "2024-06-05"))
    a = _party(drafts, "APT28")
    assert a.role == "denied"
    cue = trace.cue("denied", "APT28", a.evidence.text)
    assert cue.startswith("negation “") and "n't from”" in cue


def test_a_noun_compound_country_is_dropped_with_its_reason(doc):
    drafts, trace = _run(doc("French government websites were knocked offline by a denial of service attack on "
                             "Monday.", "2024-03-12"))
    assert not [a for d in drafts for a in d.actors if a.kind == "state"]
    why = {(s.fact, s.name): s.why for s in trace.drops()}
    assert why[("perpetrator", "French government")] == "a noun compound, no agent"


def test_a_target_and_a_tool_have_their_cues(doc):
    drafts, trace = _run(doc("Criminals deployed the GandCrab ransomware against Dorvex Logistics on Friday, "
                             "encrypting its servers.", "2024-02-02"))
    d = drafts[0]
    target = next(a for a in d.actors if a.role == "target")
    assert target.name == "Dorvex Logistics"
    assert trace.cue("target", target.name, target.evidence.text)
    tool = d.tools[0]
    assert "ransomware galaxy" in trace.cue("tool", tool.name, tool.evidence.text)


def test_a_sentence_of_no_incident_says_why(doc):
    _, trace = _run(doc("Hackers stole the records of 2,000 patients of the Lakeside Clinic in March. Experts warn "
                        "that ransomware could hit any hospital.", "2024-04-10"))
    dropped = [s for s in trace.drops() if s.fact == "sentence"]
    assert [s.sentence for s in dropped] == ["Experts warn that ransomware could hit any hospital."]
    assert dropped[0].why.startswith("a possibility")


def test_nothing_is_recorded_outside_explain_and_the_drafts_are_the_same(doc):
    article = doc("Fancy Bear hacked the email servers of the Harbor Bank last week.", "2024-06-05")
    with explain.recording() as trace:
        explained = extract(article)
    plain = extract(article)
    assert explained == plain
    assert trace.steps
    assert not explain.active()


ARTICLE = """---
title: Harbor Bank phishing not from Fancy Bear
published: 2024-06-05
---
Tuesday's phishing attack on the Harbor Bank probably wasn't from Fancy Bear, researchers at Norlake Security said.
French government websites were also knocked offline by a denial of service attack that day.
"""


def _source(cli, tmp_path, db_path):
    f = tmp_path / "a.md"
    f.write_text(ARTICLE, encoding="utf-8")
    cli("import", f, "--db", db_path)
    out = json.loads(cli("list", "sources", "--json", "--db", db_path).output)
    return str(out[0]["id"])


def test_the_command_prints_each_fact_with_its_cue_and_the_drops(cli, tmp_path, db_path):
    sid = _source(cli, tmp_path, db_path)
    res = cli("extract", "--source", sid, "--explain", "--db", db_path)
    assert res.exit_code == 0
    lines = res.output.splitlines()
    denied = next(i for i, line in enumerate(lines) if line.strip().startswith("denied: APT28"))
    assert lines[denied + 1].strip().startswith("cue: negation “")
    assert "wasn't from Fancy Bear" in lines[denied + 2]
    assert any(line.strip().startswith("dropped (") for line in lines)
    assert any("perpetrator French government: a noun compound, no agent" in line for line in lines)
    # without --explain: the facts and their sentences, no cue
    plain = cli("extract", "--source", sid, "--db", db_path)
    assert plain.exit_code == 0 and "cue:" not in plain.output and "APT28" in plain.output


def test_the_json_carries_each_drafts_facts_with_their_cues_and_the_drops(cli, tmp_path, db_path):
    sid = _source(cli, tmp_path, db_path)
    data = json.loads(cli("extract", "--source", sid, "--explain", "--json", "--db", db_path).output)
    facts = [f for d in data["explain"]["drafts"] for f in d["facts"]]
    denied = next(f for f in facts if f["fact"] == "denied")
    assert denied["value"].startswith("APT28") and denied["cue"].startswith("negation")
    assert "wasn't from Fancy Bear" in denied["sentence"]
    assert all(f["cue"] for f in facts)  # every fact says what produced it
    assert {"fact": "perpetrator", "name": "French government", "why": "a noun compound, no agent"}.items() <= \
        next(s for s in data["explain"]["dropped"] if s["name"] == "French government").items()
    assert "explain" not in json.loads(cli("extract", "--source", sid, "--json", "--db", db_path).output)


def test_a_known_group_named_by_a_synonym_says_so(doc):
    drafts, trace = _run(doc("Fancy Bear claimed the DDoS attack on the Harbor Bank website on Monday.",
                             "2024-06-05"))
    a = _party(drafts, "APT28")
    assert "named “Fancy Bear”" in trace.cue("claimed", "APT28", a.evidence.text)
