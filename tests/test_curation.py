"""Curation verbs end to end through the CLI, and the promise that imports never undo an analyst's work."""
from __future__ import annotations

import json

import pytest

from db.drafts import ActorMention, Document, IncidentDraft
from db.engine import connect
from db.store import store_document


@pytest.fixture
def db_path(engine_db):
    """Every test here runs on both engines: an SQLite file, then a PostgreSQL database (issue 32)."""
    return engine_db



def _seed(db_path):
    """Three incidents from three sources, no resolution: 1 and 2 are one event, 3 another."""
    conn = connect(db_path)
    for n, (title, date, target) in enumerate([("Ministry sites flooded", "2024-03-11", "Ministry of Labour"),
                                               ("Government websites hit by DDoS", "2024-03-12", "Ministry of Labour"),
                                               ("Hospital data stolen", "2023-11-02", "Ghent Hospital")], 1):
        draft = IncidentDraft(title=title, type="availability/ddos" if n < 3 else "information-content-security/data-leak",
                              date_start=date, date_precision="day",
                              actors=[ActorMention(target, "target"), ActorMention("Anonymous Sudan", "claimed")])
        store_document(conn, Document(text="", origin=f"s{n}.txt", title=f"source {n}", body=f"text of source {n}",
                                      drafts=[draft]))
    conn.close()


def _json(cli, *args):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_merge_then_show_follows_the_tombstone(cli, db_path):
    _seed(db_path)
    out = _json(cli, "merge", "2", "1", "--db", db_path)
    assert (out["survivor"], out["merged"]) == (1, [2])
    shown = json.loads(cli("show", "incident", "2", "--format", "json", "--db", db_path).stdout)
    assert shown["id"] == 1 and shown["merged_from"] == [2]
    assert sorted(s["title"] for s in shown["sources"]) == ["source 1", "source 2"]
    listed = json.loads(cli("list", "incidents", "--format", "json", "--db", db_path).stdout)
    assert sorted(i["id"] for i in listed) == [1, 3]


def test_refusals_are_one_line_with_exit_1(cli, db_path):
    _seed(db_path)
    for args, message in [(("merge", "1"), "at least two"),
                          (("merge", "1", "99"), "no incident with id 99"),
                          (("edit", "incident", "1", "--date", "2024-13-01"), "not a date"),
                          (("edit", "incident", "1", "--date", "2024-02-30"), "no such day"),
                          (("edit", "incident", "1", "--type", "bogus"), "unknown type"),
                          (("split", "1", "--source", "1"), "only source")]:
        result = cli(*args, "--db", db_path)
        assert result.exit_code == 1, args
        assert message in result.output


def test_edit_split_link_tag_note_review_and_undo(cli, db_path):
    _seed(db_path)
    _json(cli, "merge", "1", "2", "--db", db_path)
    edit = _json(cli, "edit", "incident", "1", "--title", "DDoS wave on French ministries", "--type", "ddos",
                 "--date", "2024-03", "--db", db_path)
    assert edit["changed"]["date_precision"] == "month"
    split = _json(cli, "split", "1", "--source", "2", "--db", db_path)
    new = split["new_incident"]
    assert new == 4  # ids are never reused
    link = _json(cli, "link", str(new), "--actor", "Killnet", "--role", "suspected", "--confidence", "40", "--db", db_path)
    assert link["role"] == "suspected"
    assert _json(cli, "tag", "incident", "1", "wave", "france", "--db", db_path)["tags"] == ["france", "wave"]
    _json(cli, "note", "incident", "1", "check the ANSSI bulletin", "--db", db_path)
    _json(cli, "review", "1", "--db", db_path)
    inc = json.loads(cli("show", "incident", "1", "--format", "json", "--db", db_path).stdout)
    assert inc["title"] == "DDoS wave on French ministries" and inc["review"] == "reviewed"
    assert inc["notes"][0]["text"] == "check the ANSSI bulletin"
    assert [s["title"] for s in inc["sources"]] == ["source 1"]
    # undo walks back: review, note, tag, link
    for _ in range(4):
        _json(cli, "undo", "--db", db_path)
    inc = json.loads(cli("show", "incident", "1", "--format", "json", "--db", db_path).stdout)
    assert inc["review"] == "auto" and inc["tags"] == [] and inc["notes"] == []
    killnet = json.loads(cli("show", "incident", str(new), "--format", "json", "--db", db_path).stdout)
    assert "Killnet" not in [a["name"] for a in killnet["actors"]]
    # undo the split: source 2 is back on incident 1
    _json(cli, "undo", "--db", db_path)
    inc = json.loads(cli("show", "incident", "1", "--format", "json", "--db", db_path).stdout)
    assert sorted(s["title"] for s in inc["sources"]) == ["source 1", "source 2"]
    assert cli("show", "incident", str(new), "--db", db_path).exit_code == 1


def test_merge_undo_restores_both_incidents(cli, db_path):
    _seed(db_path)
    _json(cli, "merge", "1", "2", "--db", db_path)
    _json(cli, "undo", "--db", db_path)
    for i, src in ((1, "source 1"), (2, "source 2")):
        inc = json.loads(cli("show", "incident", str(i), "--format", "json", "--db", db_path).stdout)
        assert inc["id"] == i and [s["title"] for s in inc["sources"]] == [src]
        assert [a["name"] for a in inc["actors"] if a["role"] == "target"] == ["Ministry of Labour"]


def test_merge_actors_makes_names_aliases(cli, db_path):
    _seed(db_path)
    conn = connect(db_path)
    store_document(conn, Document(text="", origin="s9.txt", title="s9", body="text nine", drafts=[IncidentDraft(
        title="t", actors=[ActorMention("Anon Sudan", "claimed")])]))
    ids = dict(conn.execute("SELECT name, id FROM actor").fetchall())
    conn.close()
    out = _json(cli, "merge-actors", str(ids["Anonymous Sudan"]), str(ids["Anon Sudan"]), "--db", db_path)
    actor = json.loads(cli("show", "actor", str(out["survivor"]), "--format", "json", "--db", db_path).stdout)
    assert "Anon Sudan" in actor["aliases"]
    assert actor["incidents"] == 4


@pytest.mark.parametrize("apply_twice", [False, True])
def test_reimport_and_reextract_keep_edits_merges_splits_and_decisions(cli, db_path, tmp_path, apply_twice):
    folder = tmp_path / "arts"
    folder.mkdir()
    for n, (day, outlet) in enumerate([("Monday", "Gazette"), ("Tuesday", "Courier")], 1):
        (folder / f"a{n}.md").write_text(
            f"---\ntitle: Ministry websites flooded, report {n}\npublished: 2024-03-1{n + 1}\npublisher: {outlet}\n---\n"
            f"Hackers from the group Anonymous Sudan flooded the websites of the French Ministry of Labour with junk "
            f"traffic on {day}, knocking them offline for hours. The group claimed responsibility on Telegram.\n",
            encoding="utf-8")
    assert cli("import", "--db", db_path, folder).exit_code == 0
    listed = json.loads(cli("list", "incidents", "--format", "json", "--db", db_path).stdout)
    ids = sorted(i["id"] for i in listed)
    if len(ids) > 1:
        _json(cli, "merge", *map(str, ids), "--db", db_path)
    survivor = ids[0]
    _json(cli, "edit", "incident", str(survivor), "--title", "Analyst title", "--date", "2024-03-11", "--db", db_path)
    src = json.loads(cli("list", "sources", "--format", "json", "--db", db_path).stdout)
    split = _json(cli, "split", str(survivor), "--source", str(src[0]["id"]), "--db", db_path)
    assert cli("import", "--db", db_path, folder).exit_code == 0  # unchanged sources
    for _ in range(2 if apply_twice else 1):
        for s in src:
            assert cli("extract", "--source", str(s["id"]), "--apply", "--db", db_path).exit_code == 0
    after = {i["id"]: i for i in json.loads(cli("list", "incidents", "--format", "json", "--db", db_path).stdout)}
    assert after[survivor]["title"] == "Analyst title" and after[survivor]["date"] == "2024-03-11"
    assert split["new_incident"] in after  # the split stands
    assert len(after) == 2  # nothing re-merged, nothing duplicated
    assert {s["id"] for s in after[split["new_incident"]]["sources"]} == {src[0]["id"]}
