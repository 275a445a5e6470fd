"""Cleaning keeps the story and drops page furniture; it never lets escape sequences through."""
from __future__ import annotations

from db.text import safe_line, strip_unsafe
from importers.clean import clean_text

PAGE = """FxYq82LmQ0aa-Zt
Twitter / @someone_77

Oops!
Please try again later.
Something went wrong.

Crowds gathered outside the station after the outage
Crowds gathered outside the station after the outage - JOHN SMITH/AFP via Getty Images

Trains across the region stopped for three hours on Tuesday after attackers encrypted the signalling company's servers, the operator said.

The company said it had restored most services by the evening and was working with the national cyber agency.

Share this article

Investigators believe the attackers entered through a contractor's stolen password, according to two people familiar with the matter.

Subscribe to our newsletter for the latest updates and unlimited access to every story.

Follow Maria Jones on Twitter at @mjones_example

COMMENTS

Trouble with the comment box? Tell us, and we will look into it.
Log in with Facebook to comment
"""


def test_story_sentences_are_kept_and_furniture_removed():
    out = clean_text(PAGE)
    for kept in ("Trains across the region stopped for three hours on Tuesday",
                 "restored most services by the evening",
                 "entered through a contractor's stolen password"):
        assert kept in out.body
    for gone in ("FxYq82LmQ0aa-Zt", "@someone_77", "Please try again later", "Oops!", "Something went wrong",
                 "Getty Images", "Share this article", "newsletter", "Follow Maria Jones", "COMMENTS",
                 "comment box", "Log in with Facebook"):
        assert gone not in out.body, gone
    assert out.author == "Maria Jones"


def test_dateline_becomes_the_publication_date():
    out = clean_text("2019-07-04 11:30\n\nA long enough opening sentence of the story that ends with a period here.\n")
    assert out.published == "2019-07-04"
    assert "2019-07-04" not in out.body


def test_mojibake_is_repaired():
    out = clean_text("The agency in MontrÃ©al said the breach affected 5,000 people, a spokesperson confirmed.")
    assert "Montréal" in out.body


def test_escape_sequences_and_invisible_controls_are_stripped():
    hostile = ("Red \x1b[31mtext\x1b[0m and a title change \x1b]0;pwned\x07 and clipboard "
               "\x1b]52;c;ZXZpbA==\x07 then bell\x07 back\x08space \u202eevil\u202c zero\u200bwidth")
    out = strip_unsafe(hostile)
    assert "\x1b" not in out and "\x07" not in out and "\x08" not in out
    assert "\u202e" not in out and "\u200b" not in out
    assert "Red text and a title change" in out
    assert safe_line("two\nlines\x1b[2J") == "two lines"


def test_subheadings_in_the_middle_of_the_story_are_kept():
    text = ("The first paragraph of the story is long enough to count as the story starting here today.\n\n"
            "What happened next\n\n"
            "The second paragraph tells the rest of the story in a sentence that is also long enough.\n")
    assert "What happened next" in clean_text(text).body
