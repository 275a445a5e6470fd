"""Places: countries, regions (with or without accents), cities, small towns in context."""
from __future__ import annotations

from importers.extract import extract, gazetteer
from importers.extract import places as places_mod


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


def test_a_company_listed_with_a_company_is_not_a_town():
    # Cisco is also a small town of Texas: "Microsoft and Cisco" lists companies, "Abilene and Cisco" lists towns
    gaz = gazetteer.get()

    def found(sentence: str) -> list[str]:
        return [p.name for p in places_mod.resolve(sentence, list(gaz.scan(sentence)), {"US"})]

    assert found("Federal agents, Microsoft and Cisco are working with the city to resolve the attack.") == []
    assert found("The storm cut power in Abilene and Cisco overnight.") == ["Abilene", "Cisco"]


def test_continents_and_world_regions_are_no_incident_place(doc):
    body = "Ransomware attacks hit small businesses across Europe and the Middle East this spring."
    assert places(extract(doc(body))) == set()


def test_the_country_of_the_attackers_is_not_where_it_struck(doc):
    # "operating from Russian territory", "linking the campaign to the Russian state", "members of China's army",
    # "Washington attributes": the attacker's side, not the incident's place
    body = ("Leaked emails of a minister in Warsaw began appearing online in June 2021, and the Polish government "
            "blamed the hack on a group operating from Russian territory. The foreign ministry cited information "
            "linking the campaign to the Russian state.")
    got = places(extract(doc(body, "2021-09-24")))
    assert ("Poland", "country", "PL") in got and not [p for p in got if p[0] == "Russia"]
    body = ("Prosecutors charged four members of China's army with breaking into the servers of Quillon Bank in "
            "Ohio, one of the thefts of data that Washington attributes to China.")
    got = places(extract(doc(body, "2020-02-11")))
    assert not [p for p in got if p[0] in ("China", "Washington")]


def test_places_of_other_attacks_and_of_the_motive_are_not_where_it_struck(doc):
    body = ("Websites of several Danish ministries were knocked offline on Monday in a DDoS attack. The group said "
            "it acted in retaliation for Denmark's delivery of jets to Ukraine. It has claimed similar attacks "
            "against Poland and Italy over the past year.")
    got = {p[0] for p in places(extract(doc(body, "2024-01-10")))}
    assert "Denmark" in got and not got & {"Ukraine", "Poland", "Italy"}


def test_where_the_attackers_tooling_sits_is_no_place_of_the_attack(doc):
    body = ("A phishing campaign imitating Harbor Bank stole logins from customers in Britain. Analysts said the "
            "phishing pages came from a kit sold online, and that the domains were registered through a registrar in "
            "the Seychelles.")
    assert {name for name, _, _ in places(extract(doc(body, "2024-04-09")))} == {"United Kingdom"}
