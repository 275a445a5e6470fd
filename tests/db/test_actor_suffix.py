"""Actor identity (issue 29): a group's name written with or without an organisational word ("KillNet
Collective" / "Killnet") is the same actor when exactly one known actor fits; with several it is a new actor
and a pending decision; people and victims are never folded. Rows in a real SQLite file."""
from __future__ import annotations

import json

from db.drafts import ActorMention, Document, IncidentDraft
from db.engine import connect
from db.store import store_document


def _store(conn, n: int, *actors: ActorMention) -> None:
    body = f"Report number {n} about a denial-of-service attack on a city website, written for this test."
    draft = IncidentDraft(title=f"Attack {n}", type="availability/ddos", date_start=f"2023-0{n}-01",
                          date_precision="day", actors=list(actors))
    store_document(conn, Document(text="", origin=f"r{n}.txt", title=f"R{n}", body=body, drafts=[draft]))


def _actors(conn) -> dict[str, int]:
    return {r[0]: r[1] for r in conn.execute("SELECT name, id FROM actor WHERE merged_into IS NULL")}


def test_a_suffix_added_or_dropped_is_the_known_group(db_path):
    conn = connect(db_path)
    _store(conn, 1, ActorMention("Killnet", "claimed", kind="hacktivist group"))
    _store(conn, 2, ActorMention("KillNet Collective", "claimed", kind="hacktivist group"))
    _store(conn, 3, ActorMention("Zorvex Team", "perpetrator", kind="unknown"))
    _store(conn, 4, ActorMention("Zorvex", "perpetrator", kind="unknown"))
    actors = _actors(conn)
    assert set(actors) == {"Killnet", "Zorvex Team"}
    aliases = {r[0] for r in conn.execute("SELECT alias FROM actor_alias WHERE actor_id = ?", (actors["Killnet"],))}
    assert "KillNet Collective" in aliases
    conn.close()


def test_two_groups_it_could_be_make_a_pending_decision(db_path):
    conn = connect(db_path)
    _store(conn, 1, ActorMention("Varnok Team", "claimed", kind="hacktivist group"))
    _store(conn, 2, ActorMention("Varnok Crew", "claimed", kind="hacktivist group"))
    _store(conn, 3, ActorMention("Varnok", "claimed", kind="hacktivist group"))
    actors = _actors(conn)
    assert {"Varnok Team", "Varnok Crew", "Varnok"} <= set(actors)
    pending = {(r[0], r[1]) for r in conn.execute(
        "SELECT left_id, right_id FROM decision WHERE entity = 'actor' AND verdict = 'pending'")}
    assert pending == {(actors["Varnok Team"], actors["Varnok"]), (actors["Varnok Crew"], actors["Varnok"])}
    conn.close()


def test_people_and_victims_are_never_folded(db_path):
    conn = connect(db_path)
    _store(conn, 1, ActorMention("Dorvex", "perpetrator", kind="unknown"))
    _store(conn, 2, ActorMention("Dorvex Group", "target", kind="organisation"))
    _store(conn, 3, ActorMention("Ilan Marsh", "perpetrator", kind="person"))
    _store(conn, 4, ActorMention("Ilan Marsh Team", "perpetrator", kind="unknown"))
    assert {"Dorvex", "Dorvex Group", "Ilan Marsh", "Ilan Marsh Team"} <= set(_actors(conn))
    conn.close()


def _pending(conn) -> dict[tuple[int, int], str]:
    return {(r[0], r[1]): r[2] for r in conn.execute(
        "SELECT left_id, right_id, reason FROM decision WHERE entity = 'actor' AND verdict = 'pending'")}


def test_a_near_spelling_is_a_new_actor_with_a_pending_decision(db_path, cli):
    conn = connect(db_path)
    _store(conn, 1, ActorMention("Varnokix", "claimed", kind="hacktivist group"))
    _store(conn, 2, ActorMention("Varnokx", "claimed", kind="hacktivist group"))  # one letter less
    _store(conn, 3, ActorMention("Varn Okix", "perpetrator", kind="unknown"))  # spaced another way
    actors = _actors(conn)
    assert {"Varnokix", "Varnokx", "Varn Okix"} <= set(actors)  # never folded by a spelling alone
    pending = _pending(conn)
    assert set(pending) == {(actors["Varnokix"], actors["Varnokx"]), (actors["Varnokix"], actors["Varn Okix"]),
                            (actors["Varnokx"], actors["Varn Okix"])}
    assert "spelled like a known group" in pending[(actors["Varnokix"], actors["Varnokx"])]
    conn.close()
    listed = cli("review", "--pending", "--db", db_path)
    assert listed.exit_code == 0
    assert any("Varnokix" in line and "Varnokx" in line for line in listed.output.splitlines())


def test_series_short_names_and_victims_are_not_near(db_path):
    conn = connect(db_path)
    _store(conn, 1, ActorMention("Zelkor28", "perpetrator", kind="unknown"))
    _store(conn, 2, ActorMention("Zelkor29", "perpetrator", kind="unknown"))  # another of a numbered series
    _store(conn, 3, ActorMention("Sandy", "perpetrator", kind="unknown"))
    _store(conn, 4, ActorMention("Candy", "perpetrator", kind="unknown"))  # too short: another word
    _store(conn, 5, ActorMention("Harbourline", "target", kind="organisation"))
    _store(conn, 6, ActorMention("Harbourlin", "target", kind="organisation"))  # victims: not groups
    assert _pending(conn) == {}
    conn.close()


def test_generic_actors_fold_their_near_synonyms(db_path, cli):
    conn = connect(db_path)
    _store(conn, 1, ActorMention("Islamist hacker groups", "claimed", kind="unknown"))
    _store(conn, 2, ActorMention("Islamic hackers", "perpetrator", kind="unknown"))
    _store(conn, 3, ActorMention("Pro-Russian hacktivists", "claimed", kind="hacktivist group"))
    _store(conn, 4, ActorMention("Pro-Russia hacktivist group", "claimed", kind="hacktivist group"))
    _store(conn, 5, ActorMention("Iranian hackers", "perpetrator", kind="unknown"))
    _store(conn, 6, ActorMention("Iraqi hackers", "perpetrator", kind="unknown"))  # another people: never one
    actors = _actors(conn)
    assert "Islamic hackers" not in actors and "Pro-Russia hacktivist group" not in actors
    assert {"Islamist hacker groups", "Pro-Russian hacktivists", "Iranian hackers", "Iraqi hackers"} <= set(actors)
    conn.close()
    # the analyst's search finds both reports under one actor
    found = cli("list", "incidents", "--query", "actor:islamic", "--format", "json", "--db", db_path)
    assert found.exit_code == 0
    assert sorted(i["title"] for i in json.loads(found.stdout)) == ["Attack 1", "Attack 2"]
