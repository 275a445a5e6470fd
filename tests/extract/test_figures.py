"""Figures with units, with thin-space or comma thousands and 'million'."""
from __future__ import annotations

from importers.extract import extract
from importers.extract.figures import find


def values(text):
    return {(f.value, f.unit) for f in find(text)}


def test_space_separated_thousands():
    assert (19000, "websites") in values("Hackers have hit about 19 000 French websites.")
    assert (1070, "denial of service attacks") in values("The country faced 1 070 denial of service attacks.")


def test_comma_thousands_and_millions():
    assert (9156, "breakdowns") in values("Monitors recorded 9,156 breakdowns on fixed lines.")
    assert (43000000, "people") in values("The leak exposed data of up to 43 million people.")
    assert (5000000, "USD") in values("The gang demanded $5 million.")


def test_years_are_not_figures():
    assert values("In 2020 the company moved offices.") == set()


def test_figures_reach_the_incident_with_offsets(doc):
    body = "A data breach at Northwind Health exposed the records of 43 million patients, the company said."
    d = extract(doc(body, "2024-06-05"))[0]
    fig = next(f for f in d.figures if f.value == 43000000)
    assert body[fig.start:fig.end] == fig.text


def test_a_clause_word_never_stands_between_a_number_and_what_it_counts():
    assert values("The coin was worth about $1,100 when the computers were hacked.") == {(1100, "USD")}
    assert values("Hackers locked 300 of the county's computers.") == {(300, "computers")}


def test_places_of_business_are_counted():
    assert values("The skimmer ran at 1,200 locations and in 17 branches.") == {(1200, "locations"), (17, "branches")}


def test_dollars_paid_in_bitcoin_are_dollars():
    assert values("The gang demanded a ransom of $4.5 million in bitcoin.") == {(4500000, "USD")}
    assert values("They asked for 40 bitcoin.") == {(40, "bitcoin")}
