"""Who was hit: the parties a sentence presents as the object of an attack or as reporting it, and the words that
are never parties (sentence-initial words, file types, tools, experts, speakers). Our own short sentences, one
per behaviour (issue 28)."""
from __future__ import annotations

from db.drafts import ActorMention
from importers.extract import extract, phrases
from importers.extract import targets as targets_mod


def hit(sentence: str, trigger: bool = True) -> list[str]:
    return [np.text for np, _ in phrases.targets(sentence, trigger, [])]


def targets_of(doc, body: str, title: str | None = None) -> set[str]:
    return {a.name for d in extract(doc(body, "2024-03-04", title=title)) for a in d.actors if a.role == "target"}


# ------------------------------------------------------------------------------------------ found as hit
def test_object_of_an_attack_verb():
    assert hit("Ransomware operators hacked Brellford Logistics last week.") == ["Brellford Logistics"]


def test_subject_of_a_passive_attack_verb():
    assert hit("Quillon Bank was breached in March, exposing card numbers.") == ["Quillon Bank"]


def test_victim_reporting_its_own_breach():
    assert hit("Vantero Health announced on Friday that it had suffered a breach of its billing system.") \
        == ["Vantero Health"]


def test_single_word_name_before_breach():
    assert hit("The Dorvex data breach exposed the records of 3 million people.") == ["Dorvex"]


def test_breach_notification_service_is_not_breached():
    assert hit("Paid breach notification service Leakwatch shared a sample of the accounts.") == []


def test_people_of_an_organisation():
    assert hit("Thousands of Dorvex customers were hit by the phishing attack.") == ["Dorvex customers"]


# ------------------------------------------------------------------------------------------ never a party
def test_sentence_initial_adverb_is_not_a_name():
    assert hit("“Unfortunately, Brellford was the target of scammers,” the owner said.") == ["Brellford"]


def test_sentence_initial_participle_is_not_a_name():
    assert "Following" not in hit("Following the intrusion at Quillon Bank, staff reset every password.")


def test_plural_common_word_opening_a_sentence_is_not_a_name():
    assert hit("Dozens of florists were hit by DDoS attacks during the holidays.") == []


def test_file_type_is_not_a_party():
    assert hit("The backdoor hides itself inside a JPEG file and targeted users who open a ZIP archive.") == []


def test_malware_listed_after_a_malware_word_is_not_a_party():
    assert hit("The kit delivered banking trojans such as Corvix and Plumbot to infected machines.") == []


def test_experts_listed_are_not_victims():
    assert hit("Security experts, including Jane Roe and Ada Brook, worked to stop the ransomware.") == []


def test_notifier_is_not_the_victim():
    assert hit("Greyline notified Brellford of the attack last week.") == []


def test_speaker_with_someone_elses_assets_is_not_the_victim():
    assert hit("Marsh said his office works to keep attackers away from its networks.") == []


def test_glued_sentences_are_split():
    names = hit("The attackers had ties to Ukraine The Ministry of Ports was targeted by the group.")
    assert "Ukraine The Ministry of Ports" not in names
    assert "Ministry of Ports" in names


def test_investigating_authority_is_not_a_victim():
    assert hit("Attackers breached the Fairview Police Department and Dorvex, the sheriff said.") == ["Dorvex"]


# ------------------------------------------------------------------------------------------ in an incident
def test_victim_named_in_the_article_becomes_a_target(doc):
    body = ("Vantero Health announced on Friday that it had suffered a breach, after an outsider reached one of its "
            "web servers. About 900,000 patient files were exposed, the company said.")
    assert "Vantero Health" in targets_of(doc, body)


def test_possessive_that_is_part_of_the_name():
    assert hit("Officials at Ferro’s Diner were hit by a phishing attack on Friday.") == ["Ferro’s Diner"]


def test_possessive_of_a_place_is_not_part_of_the_name():
    assert hit("Ransomware hit Alaska’s Quillbrook Borough last month.") == ["Quillbrook Borough"]


def test_a_place_and_the_body_it_names():
    assert hit("An Austrian hotel was forced to pay a ransom after the attack.") == ["Austrian hotel"]


def test_descriptor_before_a_name_keeps_the_name():
    assert hit("Finnish security firm Arvola was hacked in May.") == ["Arvola"]


def test_dateline_is_not_a_party():
    assert "GREENFIELD" not in hit("GREENFIELD — Dorvex Clinic paid a ransom to the hackers, officials said.")


def test_stolen_from_names_the_victim():
    assert hit("The hackers claim to have stolen unreleased footage from Quillon Studios.") == ["Quillon Studios"]


def test_observer_reporting_attacks_on_others_is_not_a_victim():
    assert hit("Arvola Research Labs has observed phishing attacks against banks.") == []


def test_relative_clause_report():
    assert hit("Among those hit is the Dorvex Health Service in Wales, which has confirmed that it was attacked.") \
        == ["Dorvex Health Service"]


def test_sentence_outside_the_incident_names_the_victim(doc):
    body = ("A ransomware attack encrypted thousands of files on Monday, police said. "
            "Ferro Logistics was hacked through an exposed remote desktop server, the company's owner wrote.")
    assert "Ferro Logistics" in targets_of(doc, body)


# ------------------------------------------------------------------------------------------ lists
def test_list_items_with_their_counts():
    assert hit("Companies hit by the leak include Dorvex with 4,100 records, Quillon Bank with 2,500 and Arvola "
               "with 900.") == ["Dorvex", "Quillon Bank", "Arvola"]


def test_list_items_after_a_remark_and_a_place():
    assert hit("The worm hit the Dorvex Health Service (which said it stopped the spread), the Ferro Clinic in "
               "Ireland, Quillon Bank and Arvola.") == ["Dorvex Health Service", "Ferro Clinic", "Quillon Bank",
                                                       "Arvola"]


def test_common_word_named_inside_a_list():
    assert hit("The gang claims to have stolen footage from Brellford Studios, Harbor and Quillon Media.") == [
        "Brellford Studios", "Harbor", "Quillon Media"]


def test_speaker_after_a_named_breach_is_no_list_item():
    assert hit("The Quillon breach exposed files, Arvola said.") == ["Quillon"]


# ------------------------------------------------------------------------------------------ hedged and counted reports
def test_adverb_before_been():
    assert hit("Tiny lender Quillon Bank has reportedly been hacked.") == ["Quillon Bank"]


def test_reporting_several_attacks():
    assert hit("Dorvex Clinic reported three ransomware attacks in 2023, and Arvola Trust sustained two attacks.") \
        == ["Dorvex Clinic", "Arvola Trust"]


def test_deciding_to_pay_a_ransom():
    assert hit("Brellford Logistics decided to pay the ransom.") == ["Brellford Logistics"]


def test_paying_to_get_files_back_with_a_place():
    assert hit("One clinic, Ferro Health in Ohio, paid $30,000 to get its files back.") == ["Ferro Health"]


def test_an_attack_that_potentially_compromised_accounts_happened(doc):
    # "potentially" hedges how far it went, not whether it happened; "could potentially compromise" is a warning
    assert targets_of(doc, "Last week a phishing attack potentially compromised the mailboxes of some 2,000 staff "
                           "at the retailer Quillmart.") == {"Quillmart"}
    assert extract(doc("Such a phishing attack could potentially compromise the accounts of employees.",
                       "2024-03-04")) == []


# ------------------------------------------------------------------------------------------ owners of what was taken
def test_owner_before_the_kind_of_records_taken():
    assert hit("The trojan tries to steal Dorvex customer credentials from infected phones.", False) == ["Dorvex"]


def test_plural_possessive_of_an_asset():
    assert hit("The attackers accessed an exposed Quillon Systems' database last week.") == ["Quillon Systems"]


def test_corporations_of_a_country():
    assert hit("The unit was caught hacking into Norwegian corporations' computers.") == ["Norwegian corporations"]


def test_descriptor_between_members_and_their_body():
    assert hit("The phishing attack compromised the accounts of 900 employees of logistics company Dorvex Co. on Monday.") \
        == ["Dorvex Co."]


def test_what_was_taken_then_from_whom():
    assert hit("A seller offers phone details of 2 million customers taken from Brannick Telecom Corporation, a "
               "regional carrier.") == ["Brannick Telecom Corporation"]
    assert hit("The quotes in this story were taken from Brannick Telecom.") == []


def test_members_of_a_body_are_hit_and_members_of_a_gang_are_not():
    assert hit("A phishing campaign targeted Harbor Union members last week.") == ["Harbor Union members"]
    assert hit("The intrusion was carried out by LockBit members last week.") == []


def test_who_an_attack_forced_to_shut_down_was_hit():
    assert hit("The ransomware attack forced Harbor Clinic to divert ambulances for two days.") == ["Harbor Clinic"]
    assert hit("A computer virus caused Ferro County government to shut down 900 computers.") == ["Ferro County"]
    assert hit("The storm forced Harbor Clinic to close.", False) == []


def test_an_opening_word_that_describes_the_name_after_it_is_no_party():
    assert hit("Logistics company Kestrel Freight has disclosed a data breach affecting 410,000 customers.") \
        == ["Kestrel Freight"]
    assert hit("Insurance giant Quillon Mutual was hit by ransomware.") == ["Quillon Mutual"]


def test_abbreviation_dot_stays_with_the_name():
    assert hit("Online lender Quillon Inc. revealed that card data from 2 million customers was exposed.", False) \
        == ["Quillon Inc."]


def test_officials_in_a_county():
    assert hit("Officials in Ferro County say a ransomware attack has crippled their offices.") == ["Ferro County"]


def test_coerced_to_pay():
    assert hit("The gang used ransomware to coerce Ferro Medical Center, a clinic in Ohio, to pay 40 bitcoin.") \
        == ["Ferro Medical Center"]


def test_place_named_after_a_body_word_is_the_body(doc):
    body = ("Canadian town Greenfield in Ontario was hit by ransomware over the weekend. The intruders locked the "
            "files of its water service and asked for a payment in bitcoin.")
    assert "Greenfield" in targets_of(doc, body)


def test_said_to_have_paid_to_regain_access():
    assert hit("The town of Greyhaven is reported to have paid to get its files unlocked after the lockout.") \
        == ["Greyhaven"]


def test_fronted_clause_with_the_subjects_systems_knocked_out():
    assert hit("Two weeks after its systems were knocked out by ransomware, Quillbrook Borough has restored its phones.") \
        == ["Quillbrook Borough"]


def test_admitting_they_were_conned():
    assert hit("Dorvex and Arvola have admitted they were conned out of $5 million.") == ["Dorvex", "Arvola"]


def test_both_admitting_to_compromised_data():
    assert hit("Several airlines suffered breaches, with Quillon Air and Ferro Airways both admitting to compromised "
               "data.") == ["Quillon Air", "Ferro Airways"]


def test_extorting_money_from():
    assert hit("Hackers that tried to extort money from Brellford Studios appear to have been bluffing.") \
        == ["Brellford Studios"]


def test_bodies_based_in_a_place():
    assert hit("The fraudster bilked two Ohio-based companies out of $9 million.") == ["Ohio-based companies"]


def test_count_before_the_bodies_of_a_people():
    assert hit("Reports say over 180 Norwegian companies were victims of ransomware in 2023.") == ["Norwegian companies"]


def test_common_words_listed_after_such_as():
    assert hit("The leak exposed files of agencies such as the Navy, Army and Coast Guard.") == [
        "Navy", "Army", "Coast Guard"]


def test_records_held_for_a_party():
    assert hit("An intruder got hold of a machine storing database tables for Dorvex, Arvola and Quillon Media.") \
        == ["Dorvex", "Arvola", "Quillon Media"]


def test_party_with_its_count_of_records_leaked():
    assert hit("The dump is led by Dorvex Logistics, with 9,013 personnel records exposed, and Quillon Bank with "
               "4,153 leaked employee records.", False) == ["Dorvex Logistics", "Quillon Bank"]


def test_common_word_owning_people_is_a_name():
    assert hit("Last week we found a phishing campaign targeting Orange users.") == ["Orange users"]


def test_security_team_of_a_party_is_no_party_of_its_own():
    assert hit("The phishing attack reached Quillon’s security team on Monday.") == ["Quillon"]


def test_says_it_has_informed_its_users():
    assert hit("Chess forum Quillon.com says it has informed its users that their passwords may be out.", False) \
        == ["Quillon.com"]


def test_extorted_a_sum_from():
    assert hit("The gang extorted $2 million from one Norwegian company.") == ["Norwegian company"]


def test_says_an_attack_began():
    assert hit('The Dorvex Institute says that a "serious cyber attack" began late on Sunday.', False) \
        == ["Dorvex Institute"]


def test_attack_noun_with_an_aside_before_of():
    assert hit("The leak followed a hack—allegedly aided by a foreign state—of the Dorvex Party and the Arvola "
               "campaign.") == ["Dorvex Party", "Arvola"]


def test_party_beside_other_victims():
    assert hit("Now, Quillon Bank and the thousands of other victims must decide whether to pay.", False) \
        == ["Quillon Bank"]


def test_attacks_that_plagued_a_party():
    assert hit("The ransomware attacks that plagued Dorvex Clinic were never solved.") == ["Dorvex Clinic"]


def test_body_and_its_people_are_both_kept():
    from db.drafts import ActorMention
    from importers.extract import targets as targets_mod

    rows = [ActorMention(name=n, role="target") for n in ("Dorvex customers", "Dorvex", "Quillon", "Quillon Bank")]
    assert [a.name for a in targets_mod.dedupe(rows)] == ["Dorvex customers", "Dorvex", "Quillon Bank"]


def test_learned_that_data_was_stolen():
    assert hit("Dorvex Children's Clinic learned that a laptop holding patient data was stolen from a car.", False) \
        == ["Dorvex Children's Clinic"]


def test_recently_announced_that_one_of_its_databases_was_accessed():
    assert hit("Quillon Care Group has recently announced that one of its member databases was accessed in spring.",
               False) == ["Quillon Care Group"]


def test_hedge_on_what_was_exposed_is_no_possibility(doc):
    body = ("A ransomware attack encrypted thousands of files on Monday, police said. "
            "Travel site Quillon.com has been hacked, potentially exposing payment card data of its customers.")
    assert "Quillon.com" in targets_of(doc, body)


def test_among_the_locations_that_were_victims():
    assert hit("Several Ohio hotels are among the 300 sites that were victims of the card theft in March.") \
        == ["Ohio hotels"]


def test_acronym_of_a_place_before_a_body():
    assert hit("An NYC hospital was forced to pay $44,000 to the ransomware operators.") == ["NYC hospital"]


# ------------------------------------------------------------ session 19: words that are no party, as the user saw them
def test_adverb_opening_a_quotation_is_not_a_name():
    # the quotation opens like a sentence: "Unfortunately" was stored as a victim beside the company
    assert hit("The owner issued a statement: “Unfortunately, Brannick’s Diner was the target of scammers,” "
               "she said.") == ["Brannick’s Diner"]


def test_short_possessive_form_folds_into_the_name(doc):
    body = ("Fraudsters tricked Brannick’s Diner into sending its payroll records. “Brannick’s was the target of "
            "a phishing scam,” the owner said after the breach.")
    assert targets_of(doc, body) == {"Brannick’s Diner"}


def test_possessive_phrase_is_not_a_short_form():
    # "Vasseur" the person is not a short form of "Vasseur's party"; "Brannick" is one of "Brannick’s Diner"
    rows = [ActorMention(n, "target") for n in ("Vasseur", "Vasseur's party", "Brannick", "Brannick’s Diner")]
    assert [a.name for a in targets_mod.dedupe(rows)] == ["Vasseur", "Vasseur's party", "Brannick’s Diner"]


def test_the_readers_own_form_is_not_a_party():
    assert hit("Check the tax website if your W-2 or other records have been leaked.") == []


def test_a_place_after_a_locative_word_is_not_a_party():
    assert hit("Small firms across Europe are being targeted by ransomware, a survey found.") == []
    assert hit("Dozens of traffic cameras in Washington DC were knocked offline by ransomware.") == []


def test_a_town_and_its_country_are_no_list(doc):
    assert targets_of(doc, "A betting website that operates out of Varnhollow, India was hacked by a ransomware gang on "
                           "Tuesday.") == set()


def test_adjectives_of_world_regions_are_not_parties(doc):
    assert targets_of(doc, "The group typically targets Middle Eastern airlines and Saudi Arabian energy companies "
                           "with a wiper.") == set()
    assert targets_of(doc, "The wiper was found targeting the Middle East and English-speaking countries.") == set()


def test_a_quarter_of_the_year_is_not_a_party():
    assert hit("Phishing campaigns grew fast, with Q4's largest campaign hitting millions of inboxes.") == []


def test_the_maker_of_a_product_the_malware_runs_on_is_not_hit():
    assert hit("The ransomware infects smartphones with Vantor’s operating system.") == []


def test_a_tool_or_protocol_named_for_what_it_is_is_not_hit():
    assert hit("Attackers hacked servers through the Remote Desktop Protocol and the Qarnix Remote Access Tool.") \
        == []


def test_a_breach_from_a_company_is_its_breach():
    assert hit("The flaw led to a data breach from credit bureau Quillon Bank last year.") == ["Quillon Bank"]


def test_who_is_helped_to_resolve_the_attack_was_hit():
    assert hit("Vendors are working with the city of Marlow Heights to resolve the ransomware attack.") \
        == ["Marlow Heights"]
    # an attack "from" a place is its author's side: not a party hit
    assert hit("The ransomware attack from Vantoria hit Brellford Logistics.") == ["Brellford Logistics"]


def test_a_list_after_among_them_with_a_common_word_first():
    assert hit("Several operators were affected, among them Orange, Veltrix and Bouygues Telecom.") \
        == ["Orange", "Veltrix", "Bouygues Telecom"]


def test_us_in_capitals_is_the_country_and_a_count_may_stand_before_it():
    assert hit("Public websites of more than a dozen major US airports went offline after a DDoS attack.") \
        == ["US airports"]


def test_the_platform_of_the_devices_infected_is_not_hit():
    assert hit("The botnet malware has infected over 600,000 Veltrix devices, researchers said.") == []


def test_officials_who_speak_of_other_victims_are_not_hit():
    assert hit("The list of victims of the file-transfer breach grew, as US officials confirmed that several "
               "federal agencies were among them.") == []
    # officials speaking of their own body are its people: it was hit
    assert hit("After the ransomware attack, Marlow officials said they never paid the ransom.") \
        == ["Marlow officials"]


def test_a_body_estimating_how_many_of_its_people_were_affected():
    assert hit("Vantero Rail estimated that about 250,000 passengers were affected by the sabotage.") \
        == ["Vantero Rail"]


def test_who_is_told_to_pay_was_hit():
    assert hit("The attacker demanded Quillon Pay hand over 1 bitcoin to fix the breach.") == ["Quillon Pay"]
    assert hit("The gang demanded that Marlow Council pay a ransom of $50,000.") == ["Marlow Council"]


def test_a_towns_own_systems_make_the_town_a_party(doc):
    # "Baltimore’s 911 dispatch system": the number belongs to the asset; the town's systems are its government's
    assert targets_of(doc, "On Saturday a ransomware infection crippled Marlow’s 911 dispatch system for hours, "
                           "according to the mayor.") == {"Marlow"}


def test_a_dateline_does_not_hide_the_subject_hit():
    s = ("DAYTON, Ohio — Harbor General Hospital diverted ambulances on Tuesday after a ransomware attack encrypted "
         "its systems, officials said.")
    got = phrases.targets(s, True, [])
    assert [(np.text, s[np.start:np.end]) for np, _ in got] == [("Harbor General Hospital", "Harbor General Hospital")]


def test_us_alone_is_a_country_not_a_party():
    assert hit("A ransomware gang crippled the US city's billing systems on July 18.") == []


def test_a_word_capitalised_only_where_sentences_open_is_no_party(doc):
    # the article writes "patient" in lowercase elsewhere and never capitalises it inside a sentence
    body = ("The agency warned dentists about open file servers. Patient records were stolen and the practices got "
            "ransom demands. Some patient data later appeared on a leak site.")
    assert targets_of(doc, body) == set()


def test_a_name_that_is_also_a_word_stays_a_party_when_written_capitalised_inside_a_sentence(doc):
    # "Marlow" opens the second sentence, and the article also writes it capitalised inside the first one
    body = ("Ransomware hit the billing systems of Marlow last week, and a marlow-style lure was used. Marlow was "
            "breached through a vendor account.")
    assert "Marlow" in targets_of(doc, body)


def test_a_headline_of_blackmailed_users_names_them_when_the_body_names_the_service(doc):
    body = ("Crooks are again trying to squeeze money out of people who used the Quillmart dating service. The site was "
            "breached in 2021 and its user data dumped online; the new emails threaten to tell the recipients' families.")
    assert "Quillmart users" in targets_of(doc, body, title="Quillmart users blackmailed again")
