"""With what: malware families and tools named in an article become facts of its incident (MISP galaxies).

Each test is one short article of our own and one behaviour: a distinctive name alone, a plain name that
needs a malware word, an ordinary word that needs one right next to it, what never counts."""
from __future__ import annotations

import re

from importers.extract import extract
from importers.extract.text import key

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def tools_of(drafts) -> dict:
    return {t.name: t for d in drafts for t in d.tools}


def test_a_distinctive_family_name_is_a_tool_with_its_sentence(doc):
    body = ("The Harbor Valley hospital was hit by a cyberattack on Monday, officials said. "
            "Investigators found that GandCrab had encrypted the patient records.")
    d = doc(body, "2019-03-04")
    tools = tools_of(extract(d))
    t = tools["GandCrab"]
    assert t.kind == "ransomware" and UUID.match(t.reference) and t.galaxy == "ransomware"
    assert body[t.evidence.start:t.evidence.end] == t.evidence.text
    assert "GandCrab had encrypted" in t.evidence.text


def test_a_plain_name_needs_a_malware_word_in_its_sentence(doc):
    with_cue = tools_of(extract(doc("Hackers breached the Lakeside school district's network in May. "
                                    "The attackers spread the Emotet trojan through fake invoices.", "2020-06-01")))
    assert with_cue["Emotet"].kind in ("banker", "malware")
    without = tools_of(extract(doc("Hackers breached the Lakeside school district's network in May. "
                                   "The attack began with Emotet, the district said.", "2020-06-01")))
    assert "Emotet" not in without


def test_a_tool_used_by_the_attackers_is_a_tool_not_malware(doc):
    tools = tools_of(extract(doc("Attackers breached the Norrland Power network in April and stole data. "
                                 "They used Mimikatz to collect administrator passwords.", "2021-05-02")))
    assert tools["Mimikatz"].kind == "tool"


def test_the_word_tool_right_after_a_name_calls_it_a_tool(doc):
    tools = tools_of(extract(doc("NoName057(16) flooded the websites of three Danish ministries with traffic on "
                                 "Wednesday, using volunteers who run its DDosia tool.", "2024-02-08")))
    assert [t.galaxy for t in tools.values()] == ["malpedia"]


def test_an_ordinary_word_counts_only_next_to_a_malware_word(doc):
    plain = tools_of(extract(doc("Hackers attacked the Riverbend city council in March, encrypting its files "
                                 "with ransomware. A local pastor preached about Satan the same week.", "2018-04-01")))
    assert "Satan" not in plain
    named = tools_of(extract(doc("Hackers attacked the Riverbend city council in March. "
                                 "The Satan ransomware encrypted its files.", "2018-04-01")))
    assert named["Satan"].kind == "ransomware"


def test_a_lower_case_word_or_a_piece_of_a_longer_name_is_no_tool(doc):
    tools = tools_of(extract(doc("A global ransomware attack hit the Cloverdale School District Technology Office "
                                 "on Friday, encrypting its servers with malware.", "2017-05-14")))
    assert not {"global", "District"} & set(tools)


def test_a_branded_vulnerability_is_no_tool(doc):
    tools = tools_of(extract(doc("Hackers breached the Eastport bank in June using malware that abused Spectre "
                                 "to read memory.", "2018-07-01")))
    assert "Spectre" not in tools


def test_a_ruled_out_family_is_no_tool(doc):
    tools = tools_of(extract(doc("Hackers encrypted the Marlow county servers on Tuesday. "
                                 "Officials said the WannaCry ransomware was not involved.", "2019-02-01")))
    assert "WannaCry" not in tools


def test_a_malware_name_is_never_a_party_of_the_incident(doc):
    drafts = extract(doc("WannaCry ransomware hit the Fenwick general hospital on Friday, encrypting its records. "
                         "WannaCry demanded a ransom of 300 dollars from the Fenwick general hospital.", "2017-05-13"))
    assert "WannaCry" in tools_of(drafts)
    names = {key(a.name) for d in drafts for a in d.actors}
    assert "wannacry" not in names


def test_a_file_name_or_a_domain_is_no_mention(doc):
    tools = tools_of(extract(doc("Hackers breached the Oakmere library in May. The dropper was named "
                                 "wannacry.exe and called home to gandcrab.example.", "2019-06-01")))
    assert not tools
