"""Date expressions are resolved against the publication date, with a precision, or left unresolved."""
from __future__ import annotations

from importers.extract import extract

PUB = "2024-06-05"  # a Wednesday


def only(drafts):
    assert len(drafts) == 1, [d.title for d in drafts]
    return drafts[0]


def test_weekday_is_the_latest_such_day_before_publication(doc):
    d = only(extract(doc("Hackers defaced the website of the Harbor Bank on Monday, the bank said.", PUB)))
    assert (d.date_start, d.date_precision) == ("2024-06-03", "day")


def test_last_night_is_the_day_before(doc):
    d = only(extract(doc("Last night, a ransomware attack encrypted the servers of the Meridian Hospital.", PUB)))
    assert (d.date_start, d.date_precision) == ("2024-06-04", "day")


def test_day_range_keeps_its_end(doc):
    d = only(extract(doc("A DDoS attack flooded ministry websites on March 11 and 12, officials said.", PUB)))
    assert (d.date_start, d.date_end, d.date_precision) == ("2024-03-11", "2024-03-12", "day")


def test_month_of_year(doc):
    d = only(extract(doc("In May of 2020, saboteurs cut fibre optic cables near Lyon.", PUB)))
    assert (d.date_start, d.date_precision) == ("2020-05", "month")


def test_last_year_has_year_precision(doc):
    d = only(extract(doc("Last year, hackers breached the systems of the Orion Insurance Group.", PUB)))
    assert (d.date_start, d.date_precision) == ("2023", "year")


def test_earlier_this_month(doc):
    d = only(extract(doc("Earlier this month, a phishing campaign impersonated the tax office.", PUB)))
    assert (d.date_start, d.date_precision) == ("2024-06", "month")


def test_a_month_earlier_is_relative_to_the_previous_incident(doc):
    body = ("A DDoS attack flooded the websites of the Civic Daily News on March 11. "
            "A month earlier, a data breach at Northwind Health exposed the records of 20,000 patients.")
    drafts = extract(doc(body, PUB))
    dates = {d.type: (d.date_start, d.date_precision) for d in drafts}
    assert dates["availability/ddos"] == ("2024-03-11", "day")
    assert dates["information-content-security/data-leak"] == ("2024-02", "month")


def test_days_after_another_incident(doc):
    body = ("Ransomware encrypted the servers of Apex Logistics on April 2. "
            "Just days after the ransomware incident, Bluewater Bank disclosed a data breach affecting its customers.")
    drafts = extract(doc(body, PUB))
    breach = next(d for d in drafts if d.type.startswith("information-content-security/"))
    assert (breach.date_start, breach.date_precision) == ("2024-04", "month")


def test_relative_dates_stay_unresolved_without_publication_date(doc):
    d = only(extract(doc("On Monday, hackers defaced the website of the Harbor Bank.")))
    assert d.date_start is None
    assert d.date_precision == "unknown"


def test_the_day_of_a_charge_or_an_arrest_is_not_the_day_of_the_attack(doc):
    d = only(extract(doc("Prosecutors on Monday charged two men over the ransomware attack that crippled the town of "
                         "Harwick’s computer network in March.", PUB)))
    assert (d.date_start, d.date_precision) == ("2024-03", "month")
    d = only(extract(doc("Two students were arrested on Tuesday for the DDoS attack that flooded the Quillon Pay website "
                         "on May 14.", PUB)))
    assert (d.date_start, d.date_precision) == ("2024-05-14", "day")


def test_the_day_an_indictment_was_released_is_not_the_day_of_the_attack(doc):
    body = ("A ransomware attack hit the city of Marlow in April. Marlow officials denied paying the ransom, and the "
            "indictment released Monday does not say which towns paid.")
    assert [(d.date_start, d.date_precision) for d in extract(doc(body, PUB))] == [("2024-04", "month")]


def test_a_sentence_that_names_the_story_dates_an_undated_lead_story(doc):
    body = ("A phishing attack took over the mail accounts of staff at the Quillmart chain. The attack was discovered "
            "on June 1 and reported to the police.")
    d = only(extract(doc(body, PUB)))
    assert (d.date_start, d.date_precision, d.date_basis) == ("2024-06-01", "day", "occurred")


def test_a_sentence_ends_after_an_abbreviation_when_the_next_word_opens_one(doc):
    # "Co." then "As of Monday": two sentences, so "Monday" does not date the attack told in the first
    body = ("A phishing attack took over the mail accounts of 900 employees of logistics company Dorvex Co. As of "
            "Monday no customer data had been taken, the company said. The attack was discovered on May 20.")
    d = only(extract(doc(body, PUB)))
    assert (d.date_start, d.date_precision) == ("2024-05-20", "day")
    assert [a.name for a in d.actors if a.role == "target"] == ["Dorvex Co."]


def test_between_two_dates_is_a_span(doc):
    d = only(extract(doc("Card skimmers ran on the tills of the Quillmart stores between September 29, 2023 and "
                         "December 29, 2023, the chain said.", PUB)))
    assert (d.date_start, d.date_end, d.date_precision) == ("2023-09-29", "2023-12-29", "day")


def test_the_day_of_an_announcement_gives_way_to_the_events_own_date(doc):
    d = only(extract(doc("Last week the chain announced that skimming malware stole card data at Quillmart stores in "
                         "March 2023.", PUB)))
    assert (d.date_start, d.date_precision) == ("2023-03", "month")


def test_the_day_of_a_conviction_in_a_named_court_is_not_the_day_of_the_attack(doc):
    body = ("A former contractor was convicted at Harwick Regional Court on Monday of extortion. He had locked the "
            "files of the Marlow town council with ransomware on October 18, 2021.")
    assert [(d.date_start, d.date_precision) for d in extract(doc(body, PUB))] == [("2021-10-18", "day")]


def test_the_story_named_with_its_date_dates_it(doc):
    body = ("Customers of Quillon Bank received phishing texts that imitated the bank's login page. The campaign, which "
            "began in mid-March 2024, collected hundreds of passwords.")
    assert [(d.date_start, d.date_precision) for d in extract(doc(body, PUB))] == [("2024-03", "month")]
    body = ("A cyberattack disrupted the pumping stations of Brightwater Utilities, the operator said. The attack on May 27, "
            "2024, left engineers running three stations by hand.")
    assert [(d.date_start, d.date_precision) for d in extract(doc(body, PUB))] == [("2024-05-27", "day")]


def test_a_breach_begun_then_discovered_weeks_later_is_one_incident_from_its_start(doc):
    body = ("Freight firm Harwick Lines has disclosed a data breach. In a filing on May 30, the company said an intruder "
            "first gained access to its systems on March 4 with a contractor's password. The intrusion was only "
            "discovered on April 21, when staff saw odd database queries.")
    assert [(d.date_start, d.date_precision) for d in extract(doc(body, PUB))] == [("2024-03-04", "day")]


def test_a_flaw_report_is_dated_by_its_advisory(doc):
    body = ("A critical flaw in the Harbor VPN gateway lets attackers run code without a password. The vulnerability, "
            "tracked as CVE-2024-40001, was fixed in version 9.2, according to the advisory published on June 3, 2024.")
    d = only(extract(doc(body, PUB)))
    assert (d.type, d.date_start, d.date_basis) == ("vulnerable/vulnerable-system", "2024-06-03", "disclosed")


def test_a_disclosure_day_stays_when_the_rest_of_the_sentence_gives_no_plain_date(doc):
    body = ("On 8 May the security firm Norrland Labs disclosed that hackers had hacked its build servers; days later "
            "it traced the break-in to a tainted software update.")
    assert [(d.date_start, d.date_precision) for d in extract(doc(body, PUB))] == [("2024-05-08", "day")]
