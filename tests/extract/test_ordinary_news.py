"""Quiet on ordinary news (issue 28): an article that tells no attack, intrusion, leak or sabotage yields no
incident, even when its words brush the field's ("attacked the plan", "breaking into shops", "security
updates", "passwords are stored", "under pressure", "lost electricity"). The articles are our own, in
tests/fixtures/ordinary/: sport (two), politics, a product review, science, non-cyber crime, weather, business,
health, a software release, culture."""
from __future__ import annotations

import json
from pathlib import Path

ORDINARY = Path(__file__).resolve().parents[1] / "fixtures" / "ordinary"


def test_the_set_covers_ten_kinds_of_news_in_eleven_articles():
    assert len(list(ORDINARY.glob("*.md"))) == 11  # two sports: a defence "breached" is no data breach


def test_importing_ordinary_news_yields_no_incident(cli, db_path):
    result = cli("import", "--json", "--db", db_path, ORDINARY)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["sources_added"] == 11 and summary["incidents"] == 0


def test_promised_security_updates_are_no_vulnerability_report(doc):
    from importers.extract import extract

    assert extract(doc("The maker promises three years of security updates for the new phone.")) == []
    flaw = extract(doc("The maker patched a flaw in the phone's modem that let a nearby attacker run code."))
    assert [d.type for d in flaw] == ["vulnerable/vulnerable-system"]
