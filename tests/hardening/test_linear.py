"""Inputs built to cost quadratic time (issue 26, section 3): each case runs in a subprocess with a timeout
far above what the fixed code needs (well under a second) and far below what the old code took (minutes),
or asserts the bound structurally (the query is refused with one line). No tight timings."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ARTICLES, run_incidex

GENEROUS = 60  # seconds; the fixed code needs well under 1 s for each case, the old one minutes


def _finishes(code: str, timeout: float = GENEROUS) -> str:
    """Run `code` in a fresh interpreter; fail (not hang) when it takes longer than `timeout`."""
    try:
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: quadratic again?")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


# --- finding 1: feed HTML stripping and the cleaning regexes --------------------------------------------

@pytest.mark.parametrize("unit", ["<script", "<style <iframe ", "<p ", "<div x=1 "])
def test_feed_html_that_never_closes_is_stripped_in_linear_time(unit):
    """`"<script" * n` without a closing tag: 8.5 s at 70 KB, 107 s at 280 KB before (quadratic); here 1.1 MB."""
    out = _finishes(f"""
        from importers.readers.feeds import strip_html
        text = strip_html({unit!r} * (1_100_000 // len({unit!r})) + "<p>Hackers defaced the site.</p>")
        print(text[-40:])
    """)
    assert "Hackers defaced the site." in out


def test_feed_html_is_still_stripped_as_before():
    from importers.readers.feeds import strip_html

    html = ("<div class='x'><p>First &amp; <b>bold</b></p><script>var a = '<p>';</script>"
            "<STYLE>p {}</ style ><p>Second<br/>line</p><iframe src=x></iframe>a <b>c</b> 2 < 3</div>")
    assert strip_html(html) == "First & bold\n\nSecond\nline\na c 2 < 3"
    assert strip_html("<script>never closed <p>text</p>") == "never closed\ntext"


@pytest.mark.parametrize(("prefix", "line"), [("\n", " - Ab/cd"), ("\nread more on: ", "a.")])
def test_cleaning_a_long_line_is_linear(prefix, line):
    """A line of " - Ab/cd" (the caption-credit pattern: 3.7 s for 32 KB) or "a.a.a." in a trailer (the e-mail
    domain pattern: 2.5 s for 16 KB) cost quadratic time; here 512 KB each."""
    _finishes(f"""
        from importers.clean import clean_text
        story = "Hackers defaced the website of a small town council on Friday, officials said in a statement."
        text = "\\n".join([story] * 5) + {prefix!r} + {line!r} * (512_000 // len({line!r})) + "!"
        assert clean_text(text).body.startswith("Hackers")
    """)


def test_the_email_and_caption_patterns_still_find_what_they_did():
    from importers.clean import _CAPTION_CREDIT, _EMAIL_DOMAIN

    assert _EMAIL_DOMAIN.search("write to jane.doe@lemonde.fr now").group(1) == "lemonde"
    assert _EMAIL_DOMAIN.search("x .john(at)example.com").group(1) == "example"
    assert _CAPTION_CREDIT.search("Firefighters at the scene - John Smith/AFP")
    assert not _CAPTION_CREDIT.search("A sentence without a credit.")


# --- finding 3: one feed element with thousands of attributes -------------------------------------------

def _feed_with_attributes(n: int) -> bytes:
    attrs = " ".join(f'a{i}="x"' for i in range(n))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item {attrs}><title>Hello</title>'
            "<description>Hackers defaced the website of a town council, officials said.</description>"
            "</item></channel></rss>").encode()


def test_a_feed_element_with_absurdly_many_attributes_is_refused_before_feedparser(monkeypatch):
    """20k attributes on one element: 12.6 s in feedparser (quadratic). Refused by a linear pre-scan."""
    import feedparser

    from importers.readers import feeds
    from importers.readers.decode import ReadError

    def never(*a, **k):
        raise AssertionError("feedparser must not see the file")

    monkeypatch.setattr(feedparser, "parse", never)
    with pytest.raises(ReadError, match="attributes"):
        feeds.read_feed(_feed_with_attributes(20_000), "bomb.rss")
    monkeypatch.undo()
    assert len(feeds.read_feed(_feed_with_attributes(50), "ok.rss")) == 1  # a few attributes: read as before


def test_the_attribute_bomb_fails_one_file_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "bomb.rss").write_bytes(_feed_with_attributes(20_000))
    (src / "good.txt").write_text("A good article\n\nHackers defaced the website of a small town council on Friday, "
                                  "officials said in a statement.\n")
    proc = run_incidex("import", "--json", "--no-extract", "--db", tmp_path / "x.db", src, timeout=GENEROUS)
    report = json.loads(proc.stdout)
    status = {o["origin"].rsplit("/", 1)[-1]: o["status"] for o in report["outcomes"]}
    assert status == {"bomb.rss": "failed", "good.txt": "imported"}


# --- finding 4: degenerate texts -------------------------------------------------------------------------

@pytest.mark.parametrize("filler", ["\n", "a\n", " \n\n"])
def test_repair_of_many_short_lines_is_cheap(filler):
    """ftfy costs ~50 us per line whatever its length: 15 MB of blank lines took 81 s to import. Plain lines
    are no longer handed to it one by one; here 20 MB."""
    _finishes(f"""
        from importers.clean import repair
        text = "Caf\\u00c3\\u00a9 au lait\\n" + {filler!r} * (20_000_000 // len({filler!r}))
        assert repair(text).startswith("Caf\\u00e9 au lait\\n")
    """)


@pytest.mark.parametrize("filler", ["\n", " \n", "\n\t\n"])
def test_cleaning_15_mb_of_blank_lines_is_cheap(filler):
    """The whole of clean_text (repair, then the line loops) on 15 MB of blank lines: 81 s per import before."""
    _finishes(f"""
        from importers.clean import clean_text
        story = "Hackers hit the city hall on Monday, officials said in a statement to the press."
        assert clean_text(story + {filler!r} * (15_000_000 // len({filler!r})) + story).body == story + "\\n\\n" + story
    """)


def test_repair_fixes_what_ftfy_fixes():
    import ftfy

    from importers.clean import repair

    text = ("plain line\n" * 3 + "Caf\u00c3\u00a9 &amp; th\u00c3\u00a9\r\n" + "\n" * 5 + "a <b> &amp; c\n"
            "\u00e2\u20ac\u2122quoted\u00e2\u20ac\u2122 &amp;\n" + "\x85next\u2028x\n")
    assert repair(text) == ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_line_breaks=True)


# --- findings 2 and 5 on the command line ----------------------------------------------------------------

@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("linear") / "q.db"
    proc = run_incidex("import", "--db", path, ARTICLES)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.mark.parametrize("query", ["date:2024-13-45", "year:abcd", "review:maybe"])
@pytest.mark.parametrize("command", [("export", "--format", "json"), ("list", "incidents")])
def test_a_query_that_cannot_be_understood_exports_nothing_and_says_why(db, query, command):
    """`export --query 'date:2024-13-45'` exported every incident; it now writes nothing, says why on stderr
    in one line and exits 2."""
    proc = run_incidex(*command, "--db", db, "--query", query)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and query in lines[0]


def test_a_valid_date_still_works(db):
    proc = run_incidex("export", "--format", "json", "--db", db, "--query", "date:2024-01-01")
    assert proc.returncode == 0 and json.loads(proc.stdout)["incidents"] == []


@pytest.mark.parametrize("query", ["a|" * 3000, "a " * 3000, "x" * 100_000])
def test_a_query_too_long_is_refused_with_one_line(db, query):
    """A 6,000-character `a|a|...` query took 34.5 s on the command line."""
    proc = run_incidex("list", "incidents", "--db", db, "--query", query, timeout=GENEROUS)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "too long" in lines[0]
