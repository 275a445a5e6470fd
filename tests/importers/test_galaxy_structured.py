"""Actors of structured records meet the MISP threat-actor galaxy as extracted ones do (issue 29): two CSV
files naming one group by two of its galaxy synonyms give one actor, found by the galaxy's own name."""
from __future__ import annotations

import json


def test_two_synonyms_from_two_files_are_one_actor(cli, db_path, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("title,date,actor\nPhishing wave against a ministry,2023-04-02,Sofacy\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("title,date,actor\nPasswords stolen at a defence firm,2023-05-09,Fighting Ursa\n", encoding="utf-8")
    assert cli("import", "--db", db_path, a, b).exit_code == 0
    actors = json.loads(cli("list", "actors", "--json", "--db", db_path).stdout)
    assert len(actors) == 1 and actors[0]["incidents"] == 2
    found = json.loads(cli("list", "incidents", "--json", "-q", "actor:apt28", "--db", db_path).stdout)
    assert len(found) == 2


def test_a_name_of_no_cluster_stays_as_written(cli, db_path, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("title,date,actor\nDefacement of a town website,2023-04-02,Varnok Crew\n", encoding="utf-8")
    assert cli("import", "--db", db_path, a).exit_code == 0
    actors = json.loads(cli("list", "actors", "--json", "--db", db_path).stdout)
    assert [x["name"] for x in actors] == ["Varnok Crew"] and not actors[0].get("aliases")
