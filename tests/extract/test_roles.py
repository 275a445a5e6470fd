"""Perpetrator-side actors get the role the wording gives them; galaxy groups carry their reference data."""
from __future__ import annotations

from importers.extract import extract


def actors(drafts, role=None):
    return {a.name: a for d in drafts for a in d.actors if role is None or a.role == role}


def test_claimed_responsibility(doc):
    drafts = extract(doc("A DDoS attack knocked the website of the Harbor Bank offline on Tuesday. "
                         "Anonymous Sudan claimed responsibility for the attack.", "2024-06-05"))
    claimed = actors(drafts, "claimed")
    assert "Anonymous Sudan" in claimed
    assert drafts[0].status == "claimed"


def test_took_credit_generic_actor(doc):
    drafts = extract(doc("Last year, far-left anarchists took credit for severing fibre cables near Grenoble "
                         "in a night-time raid.", "2024-06-05"))
    assert "far-left anarchists" in actors(drafts, "claimed")


def test_government_accusation_is_attributed_with_its_source(doc):
    drafts = extract(doc("The Dutch government accused Russia-based hackers of a cyber attack that knocked "
                         "ministry websites offline.", "2024-06-05"))
    a = actors(drafts)["Russia-based hackers"]
    assert a.role == "attributed"
    assert a.attributed_by and "government" in a.attributed_by


def test_blamed_and_implicated_are_suspected(doc):
    drafts = extract(doc("Police said radical ecologists were implicated after arsonists torched two pylons "
                         "near Grenoble this week.", "2024-06-05"))
    assert actors(drafts)["radical ecologists"].role == "suspected"


def test_ties_to_a_group_is_suspected(doc):
    drafts = extract(doc("A DDoS attack flooded the websites of the Civic Daily News on Tuesday. "
                         "The crew behind it reportedly has ties to the Killnet gang.", "2024-06-05"))
    assert actors(drafts)["Killnet"].role == "suspected"


def test_denial(doc):
    drafts = extract(doc("Hackers breached the email servers of the Ministry of Transport on Monday and leaked "
                         "internal documents. Officials accused Russia. Russia denied any involvement.",
                         "2024-06-05"))
    roles = {(a.name, a.role) for d in drafts for a in d.actors}
    assert ("Russia", "denied") in roles


def test_killnet_spellings_resolve_to_one_canonical_galaxy_actor(doc):
    one = actors(extract(doc("A DDoS attack hit the Harbor Bank website. KillNet claimed responsibility.")))
    two = actors(extract(doc("A DDoS attack hit the Harbor Bank website. Killnet claimed responsibility.")))
    (name1, a1), = [(n, a) for n, a in one.items() if a.role == "claimed"]
    (name2, a2), = [(n, a) for n, a in two.items() if a.role == "claimed"]
    assert name1 == name2 == "Killnet"
    assert a1.reference == a2.reference and a1.reference
    assert a1.alias_origin == "galaxy"
    assert a1.description


def test_galaxy_synonyms_become_aliases_and_kind(doc):
    drafts = extract(doc("Security researchers blamed Fancy Bear for the intrusion into the party's email servers, "
                         "which exposed thousands of messages."))
    a = actors(drafts)["APT28"]
    assert a.role == "suspected"
    assert "Fancy Bear" in a.aliases
    assert a.kind == "state-linked group"
    assert a.country == "RU"


def test_generic_islamist_groups(doc):
    drafts = extract(doc("About 19 000 websites were defaced in recent days, some by Islamist hacker groups, "
                         "the head of the cyber-defence agency said.", "2015-01-15"))
    names = actors(drafts)
    assert "Islamist hacker groups" in names
    assert names["Islamist hacker groups"].role == "attributed"


def test_common_word_alias_is_not_an_actor(doc):
    # galaxy aliases that are ordinary words ("Play", "Snake", "Silence") must not match ordinary text
    drafts = extract(doc("Silence fell over the city after hackers breached the council's servers. "
                         "Children play outside while the snake exhibit stays closed."))
    assert not [a for d in drafts for a in d.actors if a.role != "target" and a.reference]
