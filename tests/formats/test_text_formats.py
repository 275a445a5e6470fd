"""HTML pages and feeds: the story text and its metadata come in, page furniture and hostile XML do not."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.formats.conftest import exported, import_json


def _sources(db_path) -> dict[str, dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = {r["title"]: dict(r) for r in conn.execute("SELECT * FROM source")}
    conn.close()
    return rows


def test_html_page_keeps_the_story_and_drops_the_furniture(cli, db_path, formats):
    data = import_json(cli, db_path, formats / "article.html")
    assert (data["imported"], data["failed"]) == (1, 0)
    src = _sources(db_path)["Rail signalling cables set on fire near Lille"]  # site name trimmed from <title>
    body = src["body"]
    for kept in ("Arsonists set fire to signalling cables on the high-speed line between Paris and Lille",
                 "Investigators found cut cable ducts at three sites",
                 "The interior minister called the fires an act of sabotage"):
        assert kept in body
    for gone in ("Share on Facebook", "Accept all cookies", "Sign up for our daily briefing", "All rights reserved",
                 "Read more: Olympic security plans", "Fibre cables cut in the south of France", "Weather warning",
                 "Most read"):
        assert gone not in body
    assert src["author"] == "Jane Example"
    assert src["published"] == "2024-07-26"
    assert src["language"] == "en"
    assert src["publisher"] == "The Example Courier"
    assert src["url"] == "https://courier.example.org/news/rail-cables-lille"  # canonical, tracking removed
    assert src["format"] == "html"


def test_html_page_is_extracted_like_an_article(cli, db_path, formats):
    import_json(cli, db_path, formats / "article.html")
    incidents = exported(cli, db_path)["incidents"]
    assert any(i["type"] == "availability/sabotage" and i["date"] == "2024-07-26" for i in incidents)


def test_html_page_without_text_is_one_clear_failure(cli, db_path, tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    data = import_json(cli, db_path, page)
    assert data["failed"] == 1
    assert data["outcomes"][0]["reason"].startswith("no article text")


def test_rss_entries_become_sources_with_html_stripped(cli, db_path, formats):
    data = import_json(cli, db_path, formats / "feed.rss")
    assert data["sources_added"] == 2
    rows = _sources(db_path)
    ddos = rows["Hacktivists flood bank websites with junk traffic"]
    assert ddos["kind"] == "feed-entry" and ddos["format"] == "feed"
    assert ddos["url"] == "https://wire.example.net/2024/03/ddos-banks"
    assert ddos["published"] == "2024-03-12" and ddos["author"] == "Sam Reporter"
    assert ddos["publisher"] == "Example Security Wire" and ddos["language"] == "en"
    assert ddos["body"].startswith("The pro-Russian group NoName057(16) claimed responsibility")  # content, not the teaser
    assert "<p>" not in ddos["body"] and "alert(" not in ddos["body"]
    water = rows["Water utility reports ransomware attack"]
    assert water["body"] == "A regional water utility in Ohio said a ransomware attack encrypted its billing systems on Tuesday."
    incidents = exported(cli, db_path)["incidents"]
    assert {"availability/ddos", "malicious-code/ransomware"} <= {i["type"] for i in incidents}


def test_atom_and_json_feeds(cli, db_path, formats):
    data = import_json(cli, db_path, formats / "feed.atom", formats / "feed.json")
    assert data["failed"] == 0
    rows = _sources(db_path)
    atom = rows["Stadtwerke nach Cyberangriff offline"]
    assert (atom["author"], atom["published"], atom["language"]) == ("Eva Beispiel", "2024-02-01", "de")
    assert atom["url"] == "https://nachrichten.example.de/stadtwerke-angriff"
    # the empty JSON Feed item is skipped, the one with a bad date keeps its text
    assert set(rows) == {"Stadtwerke nach Cyberangriff offline", "Municipal websites defaced",
                         "Phishing wave targets pensioners"}
    assert rows["Municipal websites defaced"]["author"] == "Alex Writer"
    assert rows["Phishing wave targets pensioners"]["published"] is None


def test_reimporting_a_feed_adds_nothing(cli, db_path, formats):
    import_json(cli, db_path, formats / "feed.rss")
    again = import_json(cli, db_path, formats / "feed.rss")
    assert (again["sources_added"], again["sources_unchanged"]) == (0, 2)


def test_entity_bomb_is_refused_and_the_batch_goes_on(cli, db_path, formats):
    result = cli("import", "--db", db_path, formats / "bomb.xml", formats / "feed.atom")
    assert result.exit_code == 1
    assert "bomb.xml: XML declares entities (<!ENTITY>); refused as a possible entity bomb" in result.stderr
    assert "Traceback" not in result.output
    assert list(_sources(db_path)) == ["Stadtwerke nach Cyberangriff offline"]


def test_broken_feed_keeps_what_can_be_read(cli, db_path, formats):
    data = import_json(cli, db_path, formats / "broken.rss")
    assert data["failed"] == 0
    assert "Port operator hit by cyberattack" in _sources(db_path)


def test_feed_with_only_empty_entries_fails_clearly(cli, db_path, tmp_path):
    feed = tmp_path / "empty.atom"
    feed.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><author></author></entry></feed>')
    data = import_json(cli, db_path, feed)
    assert data["outcomes"][0]["reason"] == "feed entries have no title or text"


@pytest.mark.parametrize("name,content", [
    ("binary.html", bytes(range(256)) * 40),
    ("gzip.rss", b"\x1f\x8b\x08\x00" + bytes(range(200)) * 10),
    ("deep.html", b"<html><body>" + b"<div>" * 20000 + b"Hackers defaced the site of a town council." + b"</div>" * 20000 + b"</body></html>"),
    ("not-a-feed.xml", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'),
    ("external.rss", b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss><channel><title>t</title></channel></rss>'),
    ("latin1.rss", '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Notícias</title>'
                   '<item><title>Ataque informático à câmara municipal</title><description>A câmara de Évora foi alvo '
                   'de um ataque informático.</description></item></channel></rss>'.encode("latin-1")),
])
def test_hostile_markup_never_crashes(cli, db_path, tmp_path, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    result = cli("import", "--json", "--db", db_path, f)
    assert "Traceback" not in result.output
    outcome = json.loads(result.stdout)["outcomes"][0]
    if name == "latin1.rss":
        assert outcome["status"] == "imported"
        assert "Ataque informático à câmara municipal" in _sources(db_path)
    elif outcome["status"] == "failed":
        assert outcome["reason"] and "\n" not in outcome["reason"]
    assert result.exit_code in (0, 1)
