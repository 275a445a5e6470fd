"""Who did it, as the article says it: negation, hedging, people charged, self-chosen names, nationalities.

Each test is one short article of our own and asserts the role (and confidence, and who attributed it) that a
user sees on the incident that extract() drafts.
"""
from __future__ import annotations

from db.taxonomy import PERPETRATOR_ROLES
from importers.extract import extract

PLAIN = 60  # the confidence of a galaxy group named plainly as the perpetrator


def parties(drafts):
    return [a for d in drafts for a in d.actors if a.role != "target"]


def by_name(drafts):
    return {a.name: a for a in parties(drafts)}


def test_hedged_attribution_is_a_suspicion_with_less_confidence_and_its_source(doc):
    drafts = extract(doc("A phishing attack hit the Harbor Bank on Tuesday. The attack was probably carried out "
                         "by Fancy Bear, according to researchers at Norlake Security.", "2024-06-05"))
    a = by_name(drafts)["APT28"]
    assert a.role == "suspected"
    assert a.confidence < PLAIN
    assert a.attributed_by and "Norlake Security" in a.attributed_by


def test_is_believed_to_is_a_suspicion(doc):
    drafts = extract(doc("Fancy Bear is believed to have hacked the email servers of the Harbor Bank last week.",
                         "2024-06-05"))
    a = by_name(drafts)["APT28"]
    assert a.role == "suspected"
    assert a.confidence < PLAIN


def test_plain_statement_stays_perpetrator(doc):
    drafts = extract(doc("Fancy Bear hacked the email servers of the Harbor Bank last week.", "2024-06-05"))
    a = by_name(drafts)["APT28"]
    assert a.role == "perpetrator"
    assert a.confidence == PLAIN


def test_wasnt_from_never_gives_perpetrator(doc):
    drafts = extract(doc("Tuesday's phishing attack on the Harbor Bank probably wasn't from Fancy Bear, "
                         "Norlake Security said.", "2024-06-05"))
    assert drafts
    named = [a for a in parties(drafts) if a.name == "APT28"]
    assert not [a for a in named if a.role in PERPETRATOR_ROLES]
    assert [(a.role, a.attributed_by) for a in named] in ([], [("denied", "Norlake Security")])


def test_not_carried_out_by_is_a_denial(doc):
    drafts = extract(doc("Hackers breached the Harbor Bank's network on Monday in an attack that was not carried out "
                         "by Fancy Bear, investigators said.", "2024-06-05"))
    roles = {a.role for a in parties(drafts) if a.name == "APT28"}
    assert roles == {"denied"}


def test_no_evidence_that_a_state_did_it(doc):
    drafts = extract(doc("Hackers breached the Harbor Bank's network on Monday. There is no evidence that Russia "
                         "was behind the attack, the bank said.", "2024-06-05"))
    assert not [a for a in parties(drafts) if a.name == "Russia" and a.role in PERPETRATOR_ROLES]


def test_country_in_a_noun_compound_is_no_actor(doc):
    drafts = extract(doc("A DDoS attack knocked French government websites offline on Monday amid the "
                         "Russia-Ukraine war.", "2024-06-05"))
    assert drafts
    assert not [a for a in parties(drafts) if a.kind == "state"]


def test_person_charged_by_prosecutors_is_attributed(doc):
    drafts = extract(doc("Hackers stole the records of 20,000 customers of the Harbor Bank in March. Federal "
                         "prosecutors charged Marko Pellen, 34, with breaching the bank's network.", "2024-06-05"))
    a = by_name(drafts)["Marko Pellen"]
    assert a.role == "attributed"
    assert a.kind == "person"
    assert "prosecutors" in a.attributed_by


def test_person_accused_is_suspected(doc):
    drafts = extract(doc("Ransomware encrypted the computers of the city of Harbor Falls in March. Marko Pellen "
                         "and Ivo Tarrant are accused of deploying the ransomware.", "2024-06-05"))
    names = by_name(drafts)
    assert names["Marko Pellen"].role == names["Ivo Tarrant"].role == "suspected"


def test_guilty_plea_is_perpetrator(doc):
    drafts = extract(doc("Hackers stole the records of 20,000 customers of the Harbor Bank in March. Ivo Tarrant, "
                         "27, pleaded guilty to the breach on Monday.", "2024-06-05"))
    assert by_name(drafts)["Ivo Tarrant"].role == "perpetrator"


def test_a_named_victim_with_an_age_is_no_perpetrator(doc):
    drafts = extract(doc("Hackers breached the Harbor Bank on Monday. John Keller, 45, whose account was emptied, "
                         "said he lost his savings.", "2024-06-05"))
    assert "John Keller" not in by_name(drafts)


def test_self_named_hacker(doc):
    drafts = extract(doc("A hacker calling himself Zorvex9 breached the forum of the Harbor Chess Club and leaked "
                         "its user database on Monday.", "2024-06-05"))
    assert by_name(drafts)["Zorvex9"].role == "perpetrator"


def test_a_group_identifying_itself_by_a_name(doc):
    drafts = extract(doc("Experts doubt that the Harbor Bank lost any data. On Tuesday a crew identifying itself as "
                         "the Quillon Crime Family said it held 40,000 customer records of the bank and demanded a "
                         "ransom.", "2024-06-05"))
    assert by_name(drafts)["Quillon Crime Family"].role == "perpetrator"


def test_a_claim_told_after_and_is_the_groups_claim(doc):
    drafts = extract(doc("Ransomware hit the Harbor Clinic on Monday, encrypting its records. The LockBit ransomware gang "
                         "listed the clinic on its leak site on Tuesday and claimed to have stolen 300 GB of data.",
                         "2024-06-05"))
    assert by_name(drafts)["LockBit"].role == "claimed"


def test_a_state_that_denies_in_a_sentence_of_its_own_is_recorded_as_denying(doc):
    body = ("Officials said a state-backed group, probably working for Russia, was behind a cyberattack that disrupted "
            "the pumping stations of Brightwater Utilities on May 27. The Russian embassy in Warsaw rejected the "
            "accusations as baseless.")
    roles = {(a.name, a.role) for d in extract(doc(body, "2024-06-05")) for a in d.actors}
    assert ("Russia", "denied") in roles


def test_a_group_presenting_itself_as_a_nationality_names_no_one(doc):
    body = ("A DDoS wave knocked the Harbor Bank website offline on Monday. The group presents itself as Sudanese "
            "hacktivists defending their faith.")
    assert "Sudanese" not in by_name(extract(doc(body, "2024-06-05")))


def test_hacker_going_by_a_pseudonym_claims(doc):
    drafts = extract(doc("The records of the Harbor Bank were leaked online on Monday. A hacker group going by the "
                         "pseudonym \"Grey Lantern\" claimed responsibility for the breach.", "2024-06-05"))
    assert by_name(drafts)["Grey Lantern"].role == "claimed"


def test_nationality_as_the_agent(doc):
    drafts = extract(doc("The website of the Harbor Bank was hacked on Monday by a Bangladeshi hacker who leaked "
                         "its customer database.", "2024-06-05"))
    assert by_name(drafts)["Bangladeshi hacker"].role == "perpetrator"


def test_nationality_of_the_victims_is_no_actor(doc):
    drafts = extract(doc("Hackers stole the personal data of two million Iranian citizens from a government "
                         "database on Monday.", "2024-06-05"))
    assert not [a for a in parties(drafts) if "Iranian" in a.name]


def test_galaxy_alias_inside_another_name_is_no_actor(doc):
    # "Gorilla" is a threat-actor alias in the galaxies; here it is a word of a company's name
    drafts = extract(doc("Intruders copied design drawings from the Gorilla Tile Works factory in Leeds "
                         "on Monday.", "2024-06-05"))
    assert not [a for a in parties(drafts) if a.reference]


def test_state_named_by_its_organ_as_the_agent(doc):
    drafts = extract(doc("Hackers breached the email servers of the Harbor Bank on Monday. The Chinese government was "
                         "behind the intrusion, the FBI said.", "2024-06-05"))
    a = by_name(drafts)["China"]
    assert (a.kind, a.role, a.attributed_by) == ("state", "suspected", "FBI")


def test_state_organ_in_a_noun_compound_is_no_actor(doc):
    drafts = extract(doc("Hackers stole Russian government documents from the servers of the Harbor Bank on Monday.",
                         "2024-06-05"))
    assert drafts
    assert not [a for a in parties(drafts) if a.kind == "state"]


def test_the_police_who_arrest_are_not_the_agent(doc):
    drafts = extract(doc("Hackers stole the records of 20,000 customers of the Harbor Bank in March. Marko Pellen, "
                         "34, was arrested on Friday by Lithuanian authorities, prosecutors said.", "2024-06-05"))
    assert not [a for a in parties(drafts) if a.kind == "state"]
    assert by_name(drafts)["Marko Pellen"].role == "attributed"


def test_groups_listed_after_a_group_noun_take_the_role_told_after_the_list(doc):
    drafts = extract(doc("Hackers leaked the emails of the Harbor Bank on Monday. Hacking groups such as Grey Wren, "
                         "Tollan Kite and Vexa 3.0 were responsible for the leaking of the emails.", "2024-06-05"))
    roles = {a.name: a.role for a in parties(drafts)}
    assert {roles.get(n) for n in ("Grey Wren", "Tollan Kite", "Vexa 3.0")} == {"suspected"}
    assert not {"Grey Wren", "Tollan Kite", "Vexa 3.0"} & {a.name for d in drafts for a in d.actors if a.role == "target"}


def test_name_as_the_subject_of_an_intrusion_verb_is_the_perpetrator(doc):
    drafts = extract(doc("Nightjar also leaked the customer records of the Harbor Bank on Monday. The Harbor Bank "
                         "was breached by hackers last week.", "2024-06-05"))
    roles = {a.name: a.role for a in parties(drafts)}
    assert roles.get("Nightjar") == "perpetrator"
    assert "Harbor Bank" not in roles and "The Harbor Bank" not in roles


def test_named_body_caught_hacking_is_the_perpetrator_even_with_a_place_in_its_name(doc):
    drafts = extract(doc("The Vellmark Guard of Ostrava was caught hacking into the network of the Harbor Bank and "
                         "stole the records of 20,000 customers in March.", "2024-06-05"))
    assert by_name(drafts)["Vellmark Guard of Ostrava"].role == "perpetrator"


def test_people_counted_by_nationality_who_admitted_it(doc):
    drafts = extract(doc("Hackers stole the payroll records of the Harbor Bank in March. One of two Latvians who "
                         "admitted to stealing the records was sentenced on Monday.", "2024-06-05"))
    a = by_name(drafts)["Latvians"]
    assert (a.role, a.kind) == ("perpetrator", "person")


def test_blamed_for_right_after_a_group_is_a_suspicion(doc):
    drafts = extract(doc("Hackers stole the records of 20,000 customers of the Harbor Bank in March. The Moldovan "
                         "hacking group blamed for targeting regional elections has been breaking into the bank's "
                         "email accounts since then.", "2024-06-05"))
    assert by_name(drafts)["Moldovan hacking group"].role == "suspected"


def test_a_known_group_claiming_the_attack_is_an_incident_it_claimed(doc):
    drafts = extract(doc("Killnet claimed the attack on the Harbor Bank last week.", "2024-06-05"))
    assert len(drafts) == 1
    assert by_name(drafts)["Killnet"].role == "claimed"
    assert [a.name for a in drafts[0].actors if a.role == "target"] == ["Harbor Bank"]


def test_an_attack_claimed_by_no_known_group_is_no_cyber_incident(doc):
    # "attack" alone is no attack word: a claim by a party that no reference dataset lists tells nothing cyber
    assert extract(doc("The rebels claimed the attack on the convoy near the border.", "2024-06-05")) == []


def test_claiming_the_named_attacks_gives_the_claim(doc):
    drafts = extract(doc("Pro-Russian hackers claimed the DDoS attacks on the websites of the Harbor Bank on "
                         "Monday.", "2024-06-05"))
    assert by_name(drafts)["Pro-Russian hackers"].role == "claimed"


def test_a_description_right_before_the_groups_name_is_not_a_second_party(doc):
    drafts = extract(doc("The pro-Russian hacktivist group Killnet claimed responsibility for the DDoS attack on the "
                         "Harbor Bank website on Monday.", "2024-06-05"))
    assert [(a.name, a.role) for a in parties(drafts)] == [("Killnet", "claimed")]


def test_separately_starts_another_incident(doc):
    drafts = extract(doc("Killnet claimed the DDoS attack on the Harbor Bank website on Monday.\n\nSeparately, "
                         "Fancy Bear targeted the Ostvale ministry with spear-phishing emails.", "2024-06-05"))
    assert len(drafts) == 2
    assert [[a.name for a in d.actors if a.role != "target"] for d in drafts] == [["Killnet"], ["APT28"]]


def test_no_doubt_is_certainty_not_a_denial(doc):
    drafts = extract(doc("The Harbor Bank was hacked last month. There is no doubt that Fancy Bear carried out the "
                         "intrusion, the bank's security chief said.", "2024-06-05"))
    assert by_name(drafts)["APT28"].role != "denied"


def test_a_known_group_suspected_in_a_later_sentence_goes_to_the_lead_incident(doc):
    drafts = extract(doc("Hackers took the Ostvale broadcaster off air on Tuesday evening, and its channels stayed "
                         "black for hours.\n\nStaff worked through the night to restore the programmes. The "
                         "company thanked viewers for their patience.\n\nInvestigators now say the technical traces "
                         "resemble those of Fancy Bear.", "2024-06-05"))
    assert len(drafts) == 1
    assert by_name(drafts)["APT28"].role == "suspected"


def test_a_group_denying_a_tie_to_a_state_neither_denies_nor_did_the_attack(doc):
    # "denied any connection with Russia" is about a tie, not the attack: the group keeps only its claim
    drafts = extract(doc("A DDoS attack knocked the Harbor Bank website offline on Monday. Anonymous Sudan claimed "
                         "the attack on its Telegram channel. Anonymous Sudan has repeatedly denied any connection "
                         "with Russia.", "2024-06-05"))
    assert [(a.name, a.role) for a in parties(drafts)] == [("Anonymous Sudan", "claimed")]


def test_denying_involvement_in_the_attack_is_still_a_denial(doc):
    drafts = extract(doc("A DDoS attack knocked the Harbor Bank website offline on Monday. Russia has denied any "
                         "involvement in the attack.", "2024-06-05"))
    assert by_name(drafts)["Russia"].role == "denied"


def test_claimed_by_a_described_group_is_a_claim(doc):
    drafts = extract(doc("Websites of a dozen airports went offline on Monday after a DDoS campaign claimed by the "
                         "pro-Russian hacktivist group Killnet.", "2022-10-11"))
    assert [(a.name, a.role) for a in parties(drafts)] == [("Killnet", "claimed")]


def test_a_gang_named_by_its_ransomware_is_an_actor_with_its_role(doc):
    # LockBit, Clop and Rhysida are ransomware of the MISP galaxy; "the gang LockBit" is the group that uses it
    drafts = extract(doc("Harbor Clinic diverted ambulances on Monday after a ransomware attack encrypted its "
                         "systems. The ransomware gang LockBit claimed responsibility on its leak site.", "2024-03-14"))
    assert [(a.name, a.role, a.kind) for a in parties(drafts)] == [("LockBit", "claimed", "criminal group")]
    assert [t.name for d in drafts for t in d.tools] == ["LockBit"]
    drafts = extract(doc("The Clop ransomware group exploited a zero-day flaw in a file-transfer product to steal "
                         "data from hundreds of companies in June 2023.", "2023-07-01"))
    assert [(a.name, a.role) for a in parties(drafts)] == [("Clop", "perpetrator")]


def test_ransomware_named_as_the_tool_alone_gives_no_actor(doc):
    drafts = extract(doc("Files were encrypted with LockBit ransomware at Marlow Council on Monday.", "2024-03-14"))
    assert parties(drafts) == [] and [t.name for d in drafts for t in d.tools] == ["LockBit"]


def test_the_speaker_is_who_says_it_not_the_groups_description(doc):
    # the attribution is the security service's, hedged ("probably"); "a unit of Russia's GRU" describes the group
    drafts = extract(doc("Hackers wiped servers at Kyivstar on Tuesday, cutting mobile service for millions. "
                         "Ukraine's SBU security service said the attack was probably carried out by Sandworm, a unit "
                         "of Russia's GRU military intelligence.", "2023-12-14"))
    a = by_name(drafts)["Sandworm"]
    assert (a.role, a.attributed_by) == ("suspected", "Ukraine's SBU security service") and a.confidence < PLAIN
    assert "Russia" not in {p.name for d in drafts for p in d.places}


def test_the_day_of_a_denial_is_not_the_day_of_the_attack(doc):
    drafts = extract(doc("Moscow on Wednesday denied any involvement in a cyber attack on the Norwegian parliament "
                         "in August.", "2020-10-14"))
    assert [(d.date_start, d.date_precision) for d in drafts] == [("2020-08", "month")]
    assert {a.name for d in drafts for a in d.actors if a.role == "target"} == {"Norwegian parliament"}


def test_a_group_named_for_a_separate_campaign_is_not_this_incidents(doc):
    body = ("The government said on Monday that hackers working for a foreign state were probably behind a long "
            "intrusion into the Electoral Commission. The minister said the breach, first detected in October 2022, "
            "was carried out by a state-linked group. He also said the group known as APT31 was likely responsible "
            "for a separate reconnaissance campaign against the email accounts of lawmakers in 2021.")
    drafts = extract(doc(body, "2024-03-25"))
    assert "APT31" not in by_name(drafts)
    assert [(d.date_start, sorted(a.name for a in d.actors if a.role == "target")) for d in drafts] == [
        ("2022-10", ["Electoral Commission"])]


def test_a_group_that_claimed_is_not_also_the_perpetrator_for_being_named_again(doc):
    drafts = extract(doc("A DDoS attack knocked the Harbor Bank website offline on Monday. NoName057(16) claimed the "
                         "attack on its Telegram channel. NoName057(16) has used a volunteer tool to flood targets "
                         "with traffic.", "2024-01-10"))
    assert [(a.name, a.role) for a in parties(drafts)] == [("NoName057(16)", "claimed")]


def test_an_attack_said_to_resemble_a_groups_earlier_activity_suspects_it(doc):
    body = ("The foreign ministry was targeted this month by a phishing campaign in which staff received fake "
            "conference invitations, the national cyber centre said on Thursday.\n\nThe centre did not attribute the "
            "campaign. However, an analyst said the lures were consistent with activity previously tied to "
            "Ghostwriter.")
    drafts = extract(doc(body, "2024-05-31"))
    assert by_name(drafts)["Ghostwriter"].role == "suspected"
    # "said on Thursday." dates the telling; "this month" dates the campaign
    assert [(d.date_start, d.date_precision) for d in drafts] == [("2024-05", "month")]
