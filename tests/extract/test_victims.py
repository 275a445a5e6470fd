"""Who was hit: the parties a sentence presents as the object of an attack or as reporting it, and the words that
are never parties (sentence-initial words, file types, tools, experts, speakers). Our own short sentences, one
per behaviour (issue 28)."""
from __future__ import annotations

from importers.extract import extract, phrases


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
    assert hit("Vantero Health has announced that it has suffered a data breach.") == ["Vantero Health"]


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
    body = ("Vantero Health has announced that it has suffered a data breach after an unauthorised party accessed "
            "an external web server. The company said 900,000 patient records were exposed.")
    assert "Vantero Health" in targets_of(doc, body)
