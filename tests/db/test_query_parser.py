"""The query language parser (db/search/parser.py): pure, never raises."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from db.search.parser import MAX_QUERY_CHARS, MAX_TERM_WORDS, MAX_TERMS, parse, parse_date_range


def kinds(q):
    return [[(t.kind, t.text, t.negated, t.field) for t in g] for g in parse(q).groups]


def test_fzf_extended_syntax():
    assert kinds("ddos 'exact ^pre suf$ ^whole$ !neg") == [
        [("fuzzy", "ddos", False, None)], [("exact", "exact", False, None)], [("prefix", "pre", False, None)],
        [("suffix", "suf", False, None)], [("equal", "whole", False, None)], [("fuzzy", "neg", True, None)]]
    assert kinds("!'x !^y !z$") == [[("exact", "x", True, None)], [("prefix", "y", True, None)],
                                    [("suffix", "z", True, None)]]


def test_or_binds_tighter_than_and():
    assert kinds("a | b c") == [[("fuzzy", "a", False, None), ("fuzzy", "b", False, None)],
                                [("fuzzy", "c", False, None)]]
    assert kinds("a | b | c") == [[("fuzzy", x, False, None) for x in "abc"]]
    p = parse("| a |")
    assert kinds("| a |") == [[("fuzzy", "a", False, None)]] and len(p.ignored) == 2


def test_smart_case_is_per_term():
    p = parse("Paris lyon")
    assert [t.case_sensitive for t in p.terms] == [True, False]


def test_qualifiers():
    p = parse('actor:kilnet !type:ddos actor:"anonymous sudan" TYPE:ransomware foo:bar')
    assert [(t.field, t.text, t.negated) for t in p.qualifiers] == [
        ("actor", "kilnet", False), ("type", "ddos", True), ("actor", "anonymous sudan", False),
        ("type", "ransomware", False)]
    assert [t.text for t in p.terms] == ["foo:bar"]  # unknown field: a plain term


def test_dates():
    assert parse_date_range("2024-03..2024-05") == (20240300, 20240599)
    assert parse_date_range("2024") == (20240000, 20249999)
    assert parse_date_range("2024-03-11") == (20240311, 20240311)
    assert parse_date_range("..2023") == (1, 20239999)
    assert parse_date_range("2020..") == (20200000, 99999999)
    assert parse_date_range("2024..2020") is None
    assert parse_date_range("2024-13") is None
    assert parse_date_range("..") is None
    assert parse_date_range("2024-03", year_only=True) is None
    p = parse("year:2024 date:2024-03..2024-05")
    assert [t.date_range for t in p.qualifiers] == [(20240000, 20249999), (20240300, 20240599)]
    assert "2024-03..2024-05" in p.understood


def test_what_is_ignored_is_said():
    p = parse("ddos ( * actor: ' ^ !")
    assert [t.text for t in p.terms] == ["ddos"]
    assert len(p.ignored) == 6
    assert all(isinstance(x, str) and x for x in p.ignored)


def test_escaped_spaces_and_quotes():
    assert kinds(r"^saint\ nazaire") == [[("prefix", "saint nazaire", False, None)]]
    assert kinds('place:"saint nazaire" x') == [[("qualifier", "saint nazaire", False, "place")],
                                                [("fuzzy", "x", False, None)]]
    assert kinds('place:"unclosed value') == [[("qualifier", "unclosed value", False, "place")]]


def test_understood_is_readable():
    assert parse("").understood == "everything"
    u = parse("ddos | ransomware !france actor:killnet").understood
    assert u == '("ddos" OR "ransomware") AND NOT "france" AND actor:killnet'


def test_term_count_is_bounded():
    """More terms than MAX_TERMS: the query is refused (matches nothing) and says it is too long, rather than
    silently dropping AND terms (which would widen what `export --query` writes)."""
    p = parse(" ".join(f"w{i}" for i in range(MAX_TERMS)))
    assert len(p.groups) == MAX_TERMS and not p.errors
    p = parse(" ".join(f"w{i}" for i in range(200)))
    assert p.groups == [] and not p.is_empty and len(p.errors) == 1 and "too long" in p.errors[0]
    p = parse(" | ".join(f"w{i}" for i in range(200)))  # alternatives count too
    assert p.groups == [] and "too long" in p.errors[0]


def test_a_query_longer_than_the_cap_is_refused_with_one_message():
    """Issue 26: 100k pasted characters ran for minutes; `a|a|...` (6,000 characters) took 34 s."""
    for q in ("a|" * 3000, "x" * (MAX_QUERY_CHARS + 1), "word " * 100_000):
        p = parse(q)
        assert p.groups == [] and not p.is_empty and p.understood == "nothing"
        assert len(p.errors) == 1 and "too long" in p.errors[0] and f"{MAX_QUERY_CHARS:,}" in p.errors[0]
    assert not parse("x" * MAX_QUERY_CHARS).errors


def test_words_per_term_are_bounded():
    """One term made of hundreds of words (`a|a|a...` is one term of 1-letter words) made every FTS phrase and
    every typo-correction pass hundreds of words long: quadratic. A term has at most MAX_TERM_WORDS words."""
    ok = "-".join(["ab"] * MAX_TERM_WORDS)
    assert not parse(ok).errors and parse(ok).terms[0].text == ok
    for q in ("a|" * 400, "'" + "-".join(["ab"] * (MAX_TERM_WORDS + 1)), 'title:"' + "a " * 300 + '"'):
        p = parse(q)
        assert p.groups == [] and len(p.errors) == 1 and "too long" in p.errors[0], q[:20]


def test_a_qualifier_that_cannot_be_understood_is_an_error_not_ignored():
    """Issue 26: `date:2024-13-45` was dropped, so `export --query` wrote every incident."""
    for q in ("date:2024-13-45", "year:abcd", "date:2024..2020", "!date:2024-13-45", "ddos | year:20x",
              "role:nobody", "review:maybe", "ddos year:abcd"):
        p = parse(q)
        assert p.groups == [] and not p.is_empty and p.understood == "nothing", q
        assert len(p.errors) == 1 and q.split()[-1].lstrip("!") in p.errors[0], q
    assert not parse("role:claim review:rev date:2024-02-29 year:2020..2022").errors


@given(st.text())
def test_parse_never_raises(q):
    p = parse(q)
    assert isinstance(p.understood, str)
    for g in p.groups:
        assert g
        for t in g:
            assert t.text
