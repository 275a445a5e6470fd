"""Places: countries, regions (with or without accents), cities, small towns in context."""
from __future__ import annotations

from importers.extract import extract


def places(drafts):
    return {(p.name, p.level, p.country) for d in drafts for p in d.places}


def test_region_without_accents_is_the_accented_region(doc):
    a = places(extract(doc("Cable cuts disrupted internet access in the Ile-de-France region.")))
    b = places(extract(doc("Cable cuts disrupted internet access in the Île-de-France region.")))
    assert a == b
    assert ("Île-de-France", "region", "FR") in a


def test_small_french_commune_in_context(doc):
    body = "In France, saboteurs burned a relay mast outside the small commune of Crolles overnight."
    assert ("Crolles", "city", "FR") in places(extract(doc(body)))


def test_person_named_like_a_town_is_not_a_place(doc):
    body = "Hackers breached the servers of Harbor Bank, spokesman Victor Florence told reporters."
    assert not {p for p in places(extract(doc(body))) if p[0] == "Florence"}


def test_countries_and_demonyms(doc):
    got = places(extract(doc("A DDoS attack flooded several Dutch government websites.")))
    assert ("Netherlands", "country", "NL") in got


def test_actor_country_is_not_an_incident_place(doc):
    got = places(extract(doc("Officials blamed Russia-based hackers for the ransomware attack on a hospital "
                             "in Lyon.")))
    assert ("Lyon", "city", "FR") in got
    assert not [p for p in got if p[0] == "Russia"]
