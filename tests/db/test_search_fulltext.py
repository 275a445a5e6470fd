"""Full-text search over summaries and evidence sentences, and the qualifiers from:, kind: and source:'s file
name (issue 30). Real SQLite files; the rows are our own short texts."""
from __future__ import annotations

import json

import pytest

from db import search
from tests.db.test_search import all_ids, insert_actor, insert_incident, insert_source, make_db
from tests.formats.conftest import FORMATS


@pytest.fixture
def conn(engine_db):
    c = make_db(engine_db)
    c.execute("BEGIN")
    # A summary that says what the title does not, an evidence sentence, a title that says it.
    c.execute("UPDATE incident SET summary = ? WHERE id = 8",
              ("A pro-Russian collective flooded the websites of several Paris bakeries.",))
    c.execute("UPDATE incident_actor SET evidence = ? WHERE incident_id = 6",
              ("The emails carried a macro written by a pro-Russian crew.",))
    insert_incident(c, 20, "Pro-Russian hackers knock out ministry websites", "availability/ddos", "2021-01-02",
                    ["FR"], actors=[(2, "claimed")])
    insert_source(c, 3, "Wipers everywhere", "Example News", None, "2024-06-01", "body", [7])
    c.execute("UPDATE source SET origin = '/home/analyst/private/feeds/weekly-digest-42.json' WHERE id = 3")
    c.execute("COMMIT")
    search.rebuild(c)
    yield c
    c.close()


def test_summary_and_evidence_words_are_searched(conn):
    assert all_ids(conn, "bakeries") == {8}  # only in incident 8's summary
    assert all_ids(conn, "macro") == {6}  # only in an evidence sentence of incident 6
    assert all_ids(conn, "pro-russian") == {6, 8, 20}


def test_summary_hits_rank_below_title_hits(conn):
    r = search.search(conn, "incidents", "pro-russian")
    # 20 is the oldest of the three but the only one with the words in its title: first.
    assert [h.id for h in r.rows][0] == 20
    assert [h.id for h in r.rows][1:] == [6, 8]  # then the rest, newest first


def test_headline_question_on_fixture_rows(conn):
    assert all_ids(conn, "type:ddos country:FR pro-russian") == {8, 20}


def test_from_is_an_actors_country_in_a_non_target_role(conn):
    # Killnet (RU) claimed 2, suspected 8; NoName (RU) claimed 1 and 20; APT28 (RU) 6. SFR (FR) is a target.
    assert all_ids(conn, "from:RU") == {1, 2, 6, 8, 20}
    assert all_ids(conn, "from:russia type:ddos") == {1, 2, 8, 20}
    assert all_ids(conn, "from:FR") == set()  # a French target does not make an incident "from" France
    assert all_ids(conn, "from:SD") == {5}


def test_kind_is_an_actors_kind_in_a_non_target_role(conn):
    assert all_ids(conn, "kind:state") == {6}
    assert all_ids(conn, "kind:criminal") == {3}
    assert all_ids(conn, "kind:organisation") == set()  # organisations here are targets only
    r = search.search(conn, "incidents", "kind:nonsense")
    assert not r.rows and any("no actor kind matches" in n for n in r.notes)


def test_from_and_kind_follow_an_actors_edit(conn):
    conn.execute("UPDATE actor SET country = 'BY', kind = 'criminal group' WHERE id = 5")
    search.reindex(conn, actors=[5])
    assert 6 in all_ids(conn, "from:BY") and 6 not in all_ids(conn, "from:RU")
    assert 6 in all_ids(conn, "kind:criminal")


def test_source_matches_the_file_name_not_its_folders(conn):
    assert all_ids(conn, "source:weekly-digest") == {7}
    assert all_ids(conn, "source:private") == set()  # the folders stay out of the index
    assert set(search.matching_ids(conn, "sources", "source:weekly-digest-42")) == {3}


def test_long_text_is_bounded(tmp_path):
    conn = make_db(tmp_path / "long.db")
    conn.execute("BEGIN")
    insert_actor(conn, 50, "Example Crew", "hacktivist group", "RU")
    words = " ".join(f"filler{i}" for i in range(2000))
    conn.execute("UPDATE incident SET summary = ? WHERE id = 1", (words + " needleword",))
    conn.execute("COMMIT")
    search.rebuild(conn)
    assert all_ids(conn, "filler1") == {1}
    assert all_ids(conn, "needleword") == set()  # past TEXT_CHARS: not indexed
    text = conn.execute("SELECT text FROM incident_doc WHERE id = 1").fetchone()[0]
    assert len(text) <= search.index.TEXT_CHARS
    conn.close()


def test_headline_question_on_our_cyberpeace_style_fixture(cli, db_path):
    """Our own events.json in the CyberPeace layout, imported with the README's mapping."""
    result = cli("import", "--db", db_path, "--format", "json", "--map", "id=event._key",
                 "--map", "title=event.eventName", "--map", "type=event.type", "--map", "summary=event.description",
                 "--map", "country=location.countryAbbreviation", "--map", "actor=threatActor.name", "--json",
                 FORMATS / "events.json")
    assert result.exit_code == 0, result.output
    listed = cli("list", "incidents", "--db", db_path, "--query", "type:ddos country:LV pro-russian", "--json")
    assert listed.exit_code == 0
    titles = [r["title"] for r in json.loads(listed.stdout)]
    assert titles == ["DDoS attacks against Latvian ministries"]
