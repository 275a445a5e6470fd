"""The query language parser (db/query_parser.py): pure, never raises."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from db.query_parser import parse, parse_date_range


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
    p = parse("ddos ( * actor: year:20x ' ^ !")
    assert [t.text for t in p.terms] == ["ddos"]
    assert len(p.ignored) == 7
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
    p = parse(" ".join(f"w{i}" for i in range(200)))
    assert len(p.groups) == 64 and p.ignored


@given(st.text())
def test_parse_never_raises(q):
    p = parse(q)
    assert isinstance(p.understood, str)
    for g in p.groups:
        assert g
        for t in g:
            assert t.text
