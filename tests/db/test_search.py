"""Search engine examples (db/search/): real SQLite files in tmp_path, rows inserted with plain SQL."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from db import search
from db.engine import connect

# --------------------------------------------------------------------------------------------------
# Fixture database helpers (also used by test_search_props.py)

ACTORS = [
    # id, name, kind, country, aliases
    (1, "Killnet", "hacktivist group", "RU", ["KillNet", "Killnet Collective"]),
    (2, "NoName057(16)", "hacktivist group", "RU", ["NoName05716"]),
    (3, "Anonymous Sudan", "hacktivist group", "SD", ["Storm-1359"]),
    (4, "Anonymous", "hacktivist group", None, []),
    (5, "APT28", "state-linked group", "RU", ["Fancy Bear", "Sofacy"]),
    (6, "LockBit", "criminal group", None, ["LockBit 3.0"]),
    (7, "Mairie de Saint-Nazaire", "organisation", "FR", []),
    (8, "SFR", "organisation", "FR", []),
]

INCIDENTS = [
    # id, title, type, date, countries, review, [(actor, role)], [(place, country)]
    (1, "DDoS attack on Lyon city hall websites claimed by NoName057(16)", "availability/ddos", "2024-03-12",
     ["FR"], "auto", [(2, "claimed")], [("Lyon", "FR")]),
    (2, "Killnet claims DDoS against French hospitals", "availability/ddos", "2023-01-05", ["FR"], "auto",
     [(1, "claimed")], [("Paris", "FR"), ("Île-de-France", "FR")]),
    (3, "Ransomware attack hits Saint-Nazaire town hall", "malicious-code/ransomware", "2024-05", ["FR"],
     "reviewed", [(6, "attributed"), (7, "target")], [("Saint-Nazaire", "FR")]),
    (4, "Data leak at SFR exposes customers", "information-content-security/data-leak", "2022", ["FR"], "auto",
     [(8, "target")], [("France", "FR")]),
    (5, "Anonymous Sudan hits Microsoft services", "availability/ddos", "2023-06-10", ["US"], "auto",
     [(3, "claimed")], []),
    (6, "Fancy Bear phishing against German parliament", "fraud/phishing", "2024-04-20", ["DE"], "auto",
     [(5, "attributed")], [("Berlin", "DE")]),
    (7, "Cyberattack disrupts Île-de-France transport", "availability/outage", "2024-07", ["FR"], "auto",
     [], [("Île-de-France", "FR")]),
    (8, "DDoS wave in Paris", "availability/ddos", "2024-02-01", ["FR"], "auto", [(1, "suspected")],
     [("Paris", "FR")]),
    (9, "Killnet DDoS duplicate", "availability/ddos", "2023-01-05", ["FR"], "auto", [(1, "claimed")], []),
    (10, "Anonymous defaces website", "intrusions/defacement", None, [], "auto", [(4, "claimed")], []),
    (11, "Anonymous group leaks documents", "information-content-security/data-leak", "2021-09-09", [], "auto",
     [(4, "claimed")], []),
]
MERGED = {9: 2}  # incident 9 is a tombstone merged into 2


def insert_actor(conn, aid, name, kind="unknown", country=None, aliases=(), merged_into=None):
    conn.execute("INSERT INTO actor(id, uuid, name, normalised, kind, country, merged_into, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, '2025-01-01')",
                 (aid, f"a-{aid}", name, name.lower(), kind, country, merged_into))
    for al in aliases:
        conn.execute("INSERT INTO actor_alias(actor_id, alias, normalised, origin) VALUES (?, ?, ?, 'galaxy')",
                     (aid, al, al.lower()))


def insert_incident(conn, iid, title, type_="other/undetermined", date=None, countries=(), review="auto",
                    actors=(), places=(), merged_into=None, tags=()):
    conn.execute(
        "INSERT INTO incident(id, uuid, title, summary, type, domain, status, date_start, date_precision, "
        "date_basis, countries, figures, review, edited_fields, merged_into, created_at, updated_at) "
        "VALUES (?, ?, ?, '', ?, 'cyber', 'undetermined', ?, 'day', 'occurred', ?, '[]', ?, '[]', ?, "
        "'2025-01-01', '2025-01-01')",
        (iid, f"i-{iid}", title, type_, date, json.dumps(list(countries)), review, merged_into))
    for aid, role in actors:
        conn.execute("INSERT INTO incident_actor(incident_id, actor_id, role, confidence, origin) "
                     "VALUES (?, ?, ?, 50, 'auto')", (iid, aid, role))
    for name, cc in places:
        conn.execute("INSERT INTO incident_place(incident_id, name, country, level) VALUES (?, ?, ?, 'city')",
                     (iid, name, cc))
    for tag in tags:
        conn.execute("INSERT INTO tag(entity, entity_id, name, created_at) VALUES ('incident', ?, ?, '2025')",
                     (iid, tag))


def insert_source(conn, sid, title, publisher, url, published, body, incidents=()):
    conn.execute("INSERT INTO source(id, uid, url, title, publisher, published, body, kind, tags, imported_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, 'news', '[]', '2025')",
                 (sid, f"s-{sid}", url, title, publisher, published, body))
    for iid in incidents:
        conn.execute("INSERT INTO incident_source(incident_id, source_id, relation, evidence, facts, origin) "
                     "VALUES (?, ?, 'report', '[]', '{}', 'auto')", (iid, sid))


def make_db(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    conn.execute("BEGIN")
    for aid, name, kind, cc, aliases in ACTORS:
        insert_actor(conn, aid, name, kind, cc, aliases)
    for iid, title, type_, date, ccs, review, actors, places in INCIDENTS:
        insert_incident(conn, iid, title, type_, date, ccs, review, actors, places, MERGED.get(iid))
    insert_source(conn, 1, "Les hackers de Killnet revendiquent une attaque", "Le Monde",
                  "https://www.lemonde.fr/pixels/article/2023/01/05/killnet.html", "2023-01-06",
                  "Le groupe prorusse a revendiqué des attaques DDoS contre des hôpitaux.", [2])
    insert_source(conn, 2, "Ransomware at Saint-Nazaire", "The Register", "https://www.theregister.com/x", "2024-05-03",
                  "LockBit affiliates encrypted the servers of the town hall.", [3])
    conn.execute("COMMIT")
    search.rebuild(conn)
    return conn


@pytest.fixture
def conn(engine_db):
    c = make_db(engine_db)
    yield c
    c.close()


def ids(result) -> set[int]:
    return {h.id for h in result.rows}


def all_ids(conn, query, view="incidents") -> set[int]:
    return set(search.matching_ids(conn, view, query))


# --------------------------------------------------------------------------------------------------
# Basics


def test_empty_query_returns_everything_newest_first_without_tombstones(conn):
    r = search.search(conn, "incidents", "")
    assert [h.id for h in r.rows] == [7, 3, 6, 1, 8, 5, 2, 4, 11, 10]  # undated last
    assert r.total == 10 and r.total_is_exact
    assert r.rows[0].date == "2024-07" and r.rows[-1].date is None
    assert r.parsed.understood == "everything"


def test_words_match_word_prefixes_in_title_actors_places_and_type(conn):
    assert all_ids(conn, "lyon") == {1}
    assert all_ids(conn, "ly") == {1}
    assert all_ids(conn, "ddos") == {1, 2, 5, 8}  # 5 through its type
    assert all_ids(conn, "sofacy") == {6}  # an alias of APT28
    assert all_ids(conn, "berlin") == {6}  # a place
    assert all_ids(conn, "2022") == {4}  # the year


def test_one_letter_words(conn):
    assert all_ids(conn, "w") == {1, 8, 10}  # websites, wave, website
    r = search.search(conn, "incidents", "z")
    assert ids(r) == set() and r.total == 0


def test_typo_is_corrected_against_the_vocabulary(conn):
    r = search.search(conn, "incidents", "kilnet")
    assert ids(r) == {2, 8}
    assert "killnet" in r.corrections["kilnet"].lower()
    r = search.search(conn, "incidents", "anonymus")
    assert {5, 10, 11} <= ids(r)
    assert "anonymous" in r.corrections["anonymus"].lower()


def test_exhaustive_filter_does_not_correct_typos(conn):
    assert all_ids(conn, "kilnet") == set()
    assert all_ids(conn, "actor:kilnet") == {2, 8}  # qualifier values are still resolved


def test_actor_qualifier_resolves_aliases_and_typos(conn):
    r = search.search(conn, "incidents", "actor:kilnet")
    assert ids(r) == {2, 8}
    assert any("Killnet" in n for n in r.notes)
    assert ids(search.search(conn, "incidents", 'actor:"fancy bear"')) == {6}
    assert ids(search.search(conn, "incidents", "actor:storm-1359")) == {5}
    assert ids(search.search(conn, "incidents", "fancy bear")) == {6}


def test_subsequence_of_actor_names(conn):
    r = search.search(conn, "incidents", "nn57")
    assert ids(r) == {1}
    assert "NoName057(16)" in r.corrections["nn57"]
    assert ids(search.search(conn, "actors", "nn57")) == {2}


def test_accents_are_ignored(conn):
    assert ids(search.search(conn, "incidents", "ile de france")) == {2, 7}
    assert ids(search.search(conn, "incidents", "île-de-france")) == {2, 7}
    assert ids(search.search(conn, "incidents", "place:ile-de-france")) == {2, 7}


def test_smart_case(conn):
    assert ids(search.search(conn, "incidents", "ddos")) == {1, 2, 5, 8}
    # Upper case makes the term case-sensitive: 5 has 'ddos' only in its lower-case type.
    assert ids(search.search(conn, "incidents", "DDoS")) == {1, 2, 8}
    assert ids(search.search(conn, "incidents", "DDOS")) == set()
    assert ids(search.search(conn, "incidents", "Île")) == {2, 7}


def test_date_ranges_and_years(conn):
    assert all_ids(conn, "date:2024-03..2024-05") == {1, 3, 6}
    assert all_ids(conn, "year:2024") == {1, 3, 6, 7, 8}
    assert all_ids(conn, "date:..2022") == {4, 11}
    assert all_ids(conn, "date:2024-02-01") == {8}
    assert all_ids(conn, "!year:2024") == {2, 4, 5, 10, 11}
    assert all_ids(conn, "ddos year:2024") == {1, 8}


def test_negation_and(conn):
    assert all_ids(conn, "!ddos france") == {4, 7}
    assert all_ids(conn, "!ddos") == {3, 4, 6, 7, 10, 11}
    r = search.search(conn, "incidents", "!ddos france")
    assert ids(r) == {4, 7} and r.total == 2 and r.total_is_exact


def test_or(conn):
    assert all_ids(conn, "ddos | ransomware") == {1, 2, 3, 5, 8}
    assert all_ids(conn, "paris | lyon ddos") == {1, 2, 8}
    assert all_ids(conn, "lyon | year:2022") == {1, 4}


def test_qualifiers(conn):
    assert all_ids(conn, "type:ddos") == {1, 2, 5, 8}
    assert all_ids(conn, "type:ransom") == {3}
    assert all_ids(conn, "type:data-leak") == {4, 11}
    assert all_ids(conn, "actor:killnet role:claimed") == {2}
    assert all_ids(conn, "role:suspected") == {8}
    assert all_ids(conn, "target:sfr") == {4}
    assert all_ids(conn, "target:saint-nazaire") == {3}
    assert all_ids(conn, "country:DE") == {6}
    assert all_ids(conn, "country:germany") == {6}
    assert all_ids(conn, "review:reviewed") == {3}
    assert all_ids(conn, "place:saint-nazaire") == {3}
    assert all_ids(conn, "source:monde") == {2}
    assert all_ids(conn, "source:register") == {3}
    assert all_ids(conn, "title:paris") == {8}  # 2 is in Paris but not titled so
    assert all_ids(conn, "!actor:killnet ddos") == {1, 5}


def test_exact_prefix_suffix(conn):
    assert all_ids(conn, "'lnet") == {2, 8}  # a substring inside Killnet
    assert all_ids(conn, "'ack on") == {1}
    assert all_ids(conn, "^ddos") == {1, 8}
    assert all_ids(conn, "customers$") == {4}
    assert all_ids(conn, "^ddos wave in paris$") == {8}  # four terms: ^ddos AND wave AND in AND paris$
    assert all_ids(conn, "^ddos\\ wave$") == set()  # one term: the title equals "ddos wave"
    assert all_ids(conn, r"^ddos\ wave\ in\ paris$") == {8}
    assert all_ids(conn, "!^ddos ddos") == {2, 5}


def test_unknown_or_inapplicable_qualifiers_are_reported_not_fatal(conn):
    r = search.search(conn, "incidents", "kind:hacktivist lyon")
    assert ids(r) == {1}
    assert any("kind" in n for n in r.notes)
    r = search.search(conn, "incidents", "actor:zzzzzz")
    assert ids(r) == set() and any("zzzzzz" in n for n in r.notes)


@pytest.mark.parametrize(("query", "culprit"), [
    ("date:2024-13-45", "date:2024-13-45"), ("year:abcd", "year:abcd"), ("year:abc lyon", "year:abc"),
    ("!date:2024-13-45", "date:2024-13-45"), ("lyon | date:2024-99", "date:2024-99"), ("role:nobody", "role:nobody"),
    ("review:maybe", "review:maybe")])
@pytest.mark.parametrize("view", ["incidents", "sources", "actors"])
def test_a_qualifier_that_cannot_be_understood_matches_nothing_and_says_why(conn, query, culprit, view):
    """Issue 26: `export --query 'date:2024-13-45'` exported every incident (a valid date gave 0)."""
    r = search.search(conn, view, query)
    assert r.rows == [] and r.total == 0 and r.total_is_exact
    assert culprit in r.notes[0]
    assert search.count(conn, view, query) == 0
    with pytest.raises(search.QueryError) as exc:
        list(search.matching_ids(conn, view, query))
    assert culprit in str(exc.value)


def test_a_query_too_long_matches_nothing_and_says_so(conn):
    """Issue 26: a 6,000-character `a|a|...` query took 34.5 s; 100k pasted characters ran for minutes."""
    for q in ("a|" * 3000, "lyon " * 50_000):
        r = search.search(conn, "incidents", q)
        assert r.rows == [] and r.total == 0 and any("too long" in n for n in r.notes)
        with pytest.raises(search.QueryError, match="too long"):
            list(search.matching_ids(conn, "incidents", q))


def test_highlight_positions_point_into_the_title(conn):
    r = search.search(conn, "incidents", "lyon hall")
    (hit,) = r.rows
    assert "".join(hit.title[i] for i in hit.positions).lower() == "lyonhall"
    r = search.search(conn, "incidents", "ile de france")
    hit = next(h for h in r.rows if h.id == 7)
    assert "".join(hit.title[i] for i in hit.positions[:3]) == "Île"


def test_ranking_prefers_title_word_matches_then_newest(conn):
    r = search.search(conn, "incidents", "paris")
    assert [h.id for h in r.rows] == [8, 2]  # 8 has Paris in its title
    r = search.search(conn, "incidents", "ddos")
    # All four have DDoS as a whole word but 5 (type only); start-of-title matches first.
    assert [h.id for h in r.rows] == [1, 8, 2, 5]


# --------------------------------------------------------------------------------------------------
# Paging, totals, exhaustive filter


@pytest.fixture
def big(tmp_path):
    conn = connect(tmp_path / "big.db")
    conn.execute("BEGIN")
    for aid, name, kind, cc, aliases in ACTORS:
        insert_actor(conn, aid, name, kind, cc, aliases)
    words = ["ddos", "ransomware", "leak", "phishing", "outage"]
    cities = ["Paris", "Lyon", "Nantes", "Saint-Nazaire", "Berlin"]
    n = 0
    for i in range(1, 401):
        w = words[i % 5]
        c = cities[(i // 5) % 5]
        date = f"{2010 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 17 else (f"{2010 + i % 15}" if i % 2 else None)
        title = f"{w.capitalize()} incident {i} in {c}" + (" ddos" if i % 7 == 0 else "")
        insert_incident(conn, i, title, f"x/{w}", date, ["FR"], "auto", [((i % 6) + 1, "claimed")], [(c, "FR")])
        n += 1
    conn.execute("COMMIT")
    search.rebuild(conn)
    yield conn
    conn.close()


@pytest.mark.parametrize("query", ["", "ddos", "paris | lyon", "incident", "!ddos", "i", "actor:killnet", "In"])
@pytest.mark.parametrize("window", [2000, 23])
def test_keyset_paging_has_no_duplicates_or_gaps(big, monkeypatch, query, window):
    monkeypatch.setattr(search, "WINDOW", window)
    expected = set(search.matching_ids(big, "incidents", query))
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        r = search.search(big, "incidents", query, limit=17, after=cursor)
        seen += [h.id for h in r.rows]
        assert len(r.rows) <= 17
        cursor = r.next_cursor
        pages += 1
        if cursor is None:
            break
        assert pages < 100
    assert len(seen) == len(set(seen)), "duplicates"
    assert set(seen) == expected, "gaps"
    if r.total_is_exact:
        assert r.total == len(expected)


def test_ranked_window_then_date_order(big, monkeypatch):
    monkeypatch.setattr(search, "WINDOW", 30)
    rows = []
    cursor = None
    while True:
        r = search.search(big, "incidents", "ddos", limit=50, after=cursor)
        rows += r.rows
        cursor = r.next_cursor
        if cursor is None:
            break
    window = rows[:30]
    assert [h.score for h in window] == sorted((h.score for h in window), reverse=True)
    rest = rows[30:]
    keys = [(h.date or "") for h in rest]
    assert keys == sorted(keys, reverse=True)


def test_totals_are_capped_honestly(big, monkeypatch):
    monkeypatch.setattr(search, "WINDOW", 50)
    r = search.search(big, "incidents", "incident", count_limit=100)
    assert r.total == 100 and not r.total_is_exact
    r = search.search(big, "incidents", "incident")
    assert r.total == 400 and r.total_is_exact
    assert search.count(big, "incidents", "incident") == 400
    assert search.count(big, "incidents", "ddos") == len(set(search.matching_ids(big, "incidents", "ddos")))


def test_matching_ids_is_stable_newest_first(big):
    a = list(search.matching_ids(big, "incidents", "paris"))
    b = list(search.matching_ids(big, "incidents", "paris"))
    assert a == b and len(a) == 80
    dates = {r[0]: r[1] or "" for r in big.execute("SELECT id, date_start FROM incident")}
    keys = [search.date_key(dates[i]) for i in a]
    assert keys == sorted(keys, reverse=True)


def test_cursor_of_another_query_is_rejected(big):
    r = search.search(big, "incidents", "ddos", limit=5)
    with pytest.raises(ValueError):
        search.search(big, "incidents", "leak", after=r.next_cursor)


# --------------------------------------------------------------------------------------------------
# Index maintenance


def test_reindex_follows_edits_deletes_and_merges(conn):
    conn.execute("BEGIN")
    conn.execute("UPDATE incident SET title = 'Wiper attack on Nantes port', date_start = '2025-01-01' WHERE id = 4")
    search.reindex(conn, incidents=[4])
    conn.execute("COMMIT")
    assert all_ids(conn, "wiper") == {4}
    assert all_ids(conn, "customers") == set()
    assert search.search(conn, "incidents", "").rows[0].id == 4  # newest now
    conn.execute("BEGIN")
    conn.execute("UPDATE incident SET merged_into = 2 WHERE id = 8")
    conn.execute("DELETE FROM incident_actor WHERE incident_id = 1")
    conn.execute("DELETE FROM incident_place WHERE incident_id = 1")
    conn.execute("DELETE FROM incident WHERE id = 1")
    search.reindex(conn, incidents=[1, 8])
    conn.execute("COMMIT")
    assert all_ids(conn, "ddos") == {2, 5}
    assert all_ids(conn, "lyon") == set()


def test_reindex_actor_updates_its_incidents(conn):
    conn.execute("INSERT INTO actor_alias(actor_id, alias, normalised, origin) VALUES (1, 'Legion', 'legion', 'analyst')")
    search.reindex(conn, actors=[1])  # opens its own transaction
    assert all_ids(conn, "legion") == {2, 8}
    assert all_ids(conn, "legion", view="actors") == {1}
    # Merging actor 4 (Anonymous) into 3 (Anonymous Sudan): its incidents follow the survivor.
    conn.execute("UPDATE actor SET merged_into = 3 WHERE id = 4")
    search.reindex(conn, actors=[4])
    assert all_ids(conn, "actor:storm-1359") == {5, 10, 11}
    assert 4 not in all_ids(conn, "anonymous", view="actors")


def test_tags_are_searchable(conn):
    conn.execute("INSERT INTO tag(entity, entity_id, name, created_at) VALUES ('incident', 6, 'election', '2025')")
    search.reindex(conn, incidents=[6])
    assert all_ids(conn, "tag:election") == {6}
    assert all_ids(conn, "election") == {6}


def test_rebuild_is_idempotent_and_ensure_schema_too(conn):
    before = all_ids(conn, "ddos")
    search.ensure_schema(conn)
    search.rebuild(conn)
    search.rebuild(conn)
    assert all_ids(conn, "ddos") == before
    assert not search.needs_rebuild(conn)


def test_new_database_has_search_tables(tmp_path):
    c = connect(tmp_path / "new.db")
    assert search.search(c, "incidents", "anything").rows == []
    assert search.search(c, "actors", "").rows == []
    assert search.search(c, "sources", "x").rows == []
    assert not search.needs_rebuild(c)


# --------------------------------------------------------------------------------------------------
# Other views


def test_actors_view(conn):
    r = search.search(conn, "actors", "")
    assert [h.title for h in r.rows][:3] == ["Anonymous", "Anonymous Sudan", "APT28"]
    assert r.total == 8
    assert ids(search.search(conn, "actors", "kilnet")) == {1}
    assert ids(search.search(conn, "actors", "fancy")) == {5}
    assert ids(search.search(conn, "actors", "country:ru")) == {1, 2, 5}
    assert ids(search.search(conn, "actors", "kind:criminal")) == {6}
    # paging by name
    seen, cur = [], None
    while True:
        r = search.search(conn, "actors", "", limit=3, after=cur)
        seen += [h.id for h in r.rows]
        cur = r.next_cursor
        if cur is None:
            break
    assert len(seen) == 8 == len(set(seen))


def test_sources_view(conn):
    assert ids(search.search(conn, "sources", "monde")) == {1}
    assert ids(search.search(conn, "sources", "theregister")) == {2}
    assert ids(search.search(conn, "sources", "body:servers")) == {2}
    assert ids(search.search(conn, "sources", "body:hopitaux")) == {1}
    assert ids(search.search(conn, "sources", "year:2024")) == {2}
    assert [h.id for h in search.search(conn, "sources", "").rows] == [2, 1]


# --------------------------------------------------------------------------------------------------
# Cancellation and threads


def test_cancelled_search_raises(conn):
    with pytest.raises(search.SearchCancelled):
        search.search(conn, "incidents", "ddos", cancel=lambda: True)
    ev = threading.Event()
    ev.set()
    with pytest.raises(search.SearchCancelled):
        search.Searcher(conn).search("incidents", "ddos", cancel=ev)
    # The connection is still usable afterwards, and the progress handler removed.
    assert ids(search.search(conn, "incidents", "lyon", cancel=threading.Event())) == {1}


def test_interrupt_from_another_thread(big):
    s = search.Searcher(big)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(search.SearchCancelled):
        s.search("incidents", "incident", cancel=cancel)
    assert s.search("incidents", "lyon").total == 80


def test_worker_thread_with_its_own_connection(tmp_path):
    path = tmp_path / "t.db"
    make_db(path).close()
    results = {}

    def worker(name, query):
        c = connect(path, readonly=True)
        try:
            results[name] = ids(search.Searcher(c).search("incidents", query))
        finally:
            c.close()

    threads = [threading.Thread(target=worker, args=(i, q)) for i, q in enumerate(["lyon", "ddos", "kilnet"] * 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == {1} and results[1] == {1, 2, 5, 8} and results[2] == {2, 8}


# --------------------------------------------------------------------------------------------------
# Hostile input


HOSTILE = ['"', '""', "'", "*", "NEAR(a b)", "a NEAR b", "-", "- ddos", "(", ")", "((", "a:b", ":", "::", "\x00",
           "ddos\x00lyon", "'\"*", "^", "$", "^$", "!", "!!", "|", "| |", "a |", "| a", "{title}:x", "title:",
           "rowid:1", "ddos OR lyon", "ddos AND NOT lyon", "x*", "\\", "\\ ", 'actor:"', 'actor:"killnet',
           "date:..", "date:2024..2023", "year:99999", "date:2024-13", "\u202e", "😀", "ß", "İ", "ﬁ", "a" * 10_000,
           "ddos " * 2000, "!" * 500, "'" * 300 + "x", "(" * 100]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("view", ["incidents", "actors", "sources"])
def test_hostile_queries_never_raise(conn, query, view):
    r = search.search(conn, view, query)
    assert isinstance(r.parsed.understood, str)
    if r.parsed.errors:  # refused (too long, a date that is not one): says so, matches nothing
        assert r.rows == [] and search.count(conn, view, query) == 0
        with pytest.raises(search.QueryError):
            list(search.matching_ids(conn, view, query))
        return
    list(search.matching_ids(conn, view, query))
    search.count(conn, view, query)


def test_fts_syntax_is_never_interpreted(conn):
    # NEAR, OR, AND and * are words here, not operators: nothing in the corpus contains them.
    assert all_ids(conn, "NEAR(ddos lyon)") == set()
    assert all_ids(conn, "ddos OR lyon") == set()
    assert all_ids(conn, "ddos*") == {1, 2, 5, 8}  # '*' is not a word character: plain "ddos"


def test_missing_index_is_reported_not_a_crash(conn):
    conn.execute("DROP TABLE incident_doc")
    conn.execute("DROP TABLE incident_fts")
    r = search.search(conn, "incidents", "ddos")
    assert r.rows == [] and any("rebuild" in n for n in r.notes)
    with pytest.raises(search.SearchIndexMissing):
        list(search.matching_ids(conn, "incidents", "ddos"))
    search.ensure_schema(conn)
    search.rebuild(conn)
    assert all_ids(conn, "ddos") == {1, 2, 5, 8}


def test_placeholder_tables_are_replaced(tmp_path):
    c = make_db(tmp_path / "old.db")
    for t in ("incident_fts", "actor_fts", "source_fts"):
        c.execute(f"DROP TABLE {t}")
    c.execute("CREATE VIRTUAL TABLE incident_fts USING fts5(text)")  # the placeholder's layout
    search.ensure_schema(c)
    search.rebuild(c)
    assert all_ids(c, "lyon") == {1}


def test_actor_edits_that_incidents_do_not_show_leave_incidents_alone(tmp_path):
    # SQLite only: a temporary trigger watches which index rows are rewritten (the logic is the engines')
    conn = make_db(tmp_path / "search.db")
    conn.execute("CREATE TEMP TABLE touched(id)")
    conn.execute("CREATE TEMP TRIGGER log_touch AFTER DELETE ON main.incident_doc "
                 "BEGIN INSERT INTO touched VALUES (old.id); END")
    conn.execute("UPDATE actor SET description = 'a longer story' WHERE id = 1")
    search.reindex(conn, actors=[1])
    assert conn.execute("SELECT count(*) FROM touched").fetchone()[0] == 0
    # kind and country are searched on its incidents (kind:, from:): those are refreshed
    conn.execute("UPDATE actor SET kind = 'criminal group', country = 'BY' WHERE id = 1")
    search.reindex(conn, actors=[1])
    assert all_ids(conn, "country:by", view="actors") == {1}
    assert {r[0] for r in conn.execute("SELECT id FROM touched")} == {2, 8}
    assert all_ids(conn, "from:by") == {2, 8}
    conn.execute("DELETE FROM touched")
    conn.execute("UPDATE actor SET name = 'Killnet Reborn' WHERE id = 1")
    search.reindex(conn, actors=[1])
    assert {r[0] for r in conn.execute("SELECT id FROM touched")} == {2, 8}
    assert all_ids(conn, "reborn") == {2, 8}


def test_warm_loads_caches_and_tolerates_an_empty_database(conn, tmp_path):
    s = search.Searcher(conn)
    s.warm(["incidents", "actors", "sources"])
    assert ids(s.search("incidents", "kilnet")) == {2, 8}
    empty = connect(tmp_path / "empty.db")
    search.Searcher(empty).warm()


def test_preload_goes_step_by_step_stops_at_its_budget_and_leaves_searches_unchanged(big):
    searcher = search.Searcher(big)
    expected = [[h.id for h in searcher.search("incidents", q, limit=50).rows] for q in ("ddos", "paris | lyon", "i")]
    progress = []
    for done in searcher.preload("incidents", 1 << 40, step=4096):
        progress.append(done)
        # a keystroke between two steps sees exactly what it saw before
        assert [h.id for h in searcher.search("incidents", "ddos", limit=50).rows] == expected[0]
    assert len(progress) > 5, "the work is cut into steps a keystroke can slip between"
    assert progress == sorted(progress) and progress[0] > 0
    whole = progress[-1]
    budget = whole // 3
    capped = list(searcher.preload("incidents", budget, step=4096))
    assert capped[-1] >= budget and capped[-2] < budget, "stops at the first step past its budget"
    assert [[h.id for h in searcher.search("incidents", q, limit=50).rows]
            for q in ("ddos", "paris | lyon", "i")] == expected


def test_preload_with_a_scout_connection_and_the_callers_lock_reads_the_same_steps(big, tmp_path):
    path = big.execute("PRAGMA database_list").fetchone()[2]
    scout = connect(path, readonly=True)
    lock = threading.RLock()
    try:
        plain = list(search.Searcher(big).preload("incidents", 1 << 40, step=4096))
        scouted = []
        for done in search.Searcher(big).preload("incidents", 1 << 40, step=4096, scout=scout, lock=lock):
            scouted.append(done)
            free = []

            def probe(free=free):
                got = lock.acquire(blocking=False)
                free.append(got)
                if got:
                    lock.release()

            t = threading.Thread(target=probe)
            t.start()
            t.join()
            assert free == [True], "the caller's lock is free between steps (another thread can search)"
        assert scouted == plain
    finally:
        scout.close()


def test_preload_of_an_empty_database_or_one_without_search_tables_is_quick_and_harmless(tmp_path):
    conn = connect(tmp_path / "empty.db")
    try:
        assert sum(1 for _ in search.Searcher(conn).preload("incidents", 1 << 20)) <= 1
    finally:
        conn.close()
    bare = sqlite3.connect(tmp_path / "bare.db")
    try:
        assert list(search.Searcher(bare).preload("incidents", 1 << 20)) == []
    finally:
        bare.close()
