"""Entry HTML to text (issue 31): a '>' inside a quoted attribute value does not end the tag."""
from __future__ import annotations

import json

from importers.readers.feeds import read_feed, strip_html


def test_quoted_attribute_holding_a_greater_than_sign_leaks_nothing():
    assert strip_html('<a title="x>y">link</a>') == "link"
    assert strip_html("<p><a href='/a?b>c' title=\"1 > 0\">Ransomware</a> hit a port.</p>") == "Ransomware hit a port."
    assert strip_html('<img alt="a>b"><p>text</p>') == "text"


def test_unclosed_quote_falls_back_to_the_first_greater_than_sign():
    assert "bold" in strip_html('<a title="x>y<b>bold</b>')


def test_json_feed_entry_with_such_an_attribute():
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "News",
            "items": [{"id": "1", "title": "Port hit", "content_html": '<p><a title="x>y">link</a> to the story</p>'}]}
    (doc,) = read_feed(json.dumps(feed).encode(), "feed.json")
    assert doc.text == "link to the story"
    assert 'y">' not in doc.text


def test_quotes_in_hostile_html_stay_linear():
    import time

    start = time.perf_counter()
    for unit in ('<a t="', "<a t='>", '<p x=">"', '<a title="x>y" '):
        strip_html(unit * (400_000 // len(unit)) + "<p>end</p>")
    assert time.perf_counter() - start < 20  # generous: about 0.5 s here, minutes if quadratic
