"""Reading text and Markdown articles: front matter, titles, formats detected by content."""
from __future__ import annotations

import pytest

from importers.readers import ReadError, detect, read_bytes


def test_front_matter_gives_metadata_and_the_body_excludes_it():
    data = b"---\ntitle: Port hit by ransomware\npublished: 2023-06-01\npublisher: Harbour News\nauthor: Kim Lee\nurl: https://example.org/x\nlanguage: en\ntags: [ransomware, ports]\n---\nThe port said its systems were encrypted.\n"
    (doc,) = read_bytes(data, "x.md")
    assert doc.title == "Port hit by ransomware"
    assert doc.published == "2023-06-01"
    assert (doc.publisher, doc.author, doc.url, doc.language) == ("Harbour News", "Kim Lee", "https://example.org/x", "en")
    assert doc.tags == ["ransomware", "ports"]
    assert doc.text.strip() == "The port said its systems were encrypted."


def test_without_front_matter_the_first_non_empty_line_is_the_title():
    (doc,) = read_bytes(b"\n\n# Wiper hits energy firm\n\nA wiper erased disks.\n", "a.txt")
    assert doc.title == "Wiper hits energy firm"
    assert "Wiper hits" not in doc.text and "A wiper erased disks." in doc.text


def test_partial_and_textual_dates_in_front_matter():
    (doc,) = read_bytes(b"---\ntitle: T\npublished: 2024-03\n---\nBody.\n", "a.md")
    assert doc.published == "2024-03"
    (doc,) = read_bytes(b"---\ntitle: T\ndate: March 5, 2021\n---\nBody.\n", "a.md")
    assert doc.published == "2021-03-05"


@pytest.mark.parametrize("data,name,fmt", [
    (b"<!DOCTYPE html><html><body>x</body></html>", "page.txt", "html"),
    (b'{"type": "bundle"}', "bundle.txt", "json"),
    (b"<?xml version='1.0'?><rss></rss>", "feed.dat", "xml"),
    (b"Just an article\n\nText.", "article.html.txt", "text"),
    (b"Plain words", "notes.md", "text"),
])
def test_format_is_detected_from_content(data, name, fmt):
    assert detect(data, name) == fmt


def test_a_format_without_a_reader_is_a_clear_error():
    with pytest.raises(ReadError, match="not supported"):
        read_bytes(b"%PDF-1.4 binary", "report.pdf", "pdf")


def test_text_without_title_or_line_breaks_keeps_the_whole_article():
    one_line = ("Fraudsters sent thousands of text messages pretending to be a parcel company. " * 4).strip()
    (doc,) = read_bytes(f"---\ntitle: \"\"\n---\n{one_line}\n".encode(), "flat.md")
    assert doc.title == "Fraudsters sent thousands of text messages pretending to be a parcel company."
    assert doc.text.strip() == one_line


def test_long_paragraph_with_a_promo_sentence_loses_only_that_sentence():
    from importers.clean import clean_text

    text = ("Attackers stole the customer list of a ferry operator last week, the company said on Monday. "
            "Subscribe to our newsletter for the latest updates. "
            "The operator has informed the data protection authority and is contacting every affected customer. " * 2)
    body = clean_text(text).body
    assert "newsletter" not in body
    assert body.count("stole the customer list") == 2
