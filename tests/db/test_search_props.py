"""Property-based tests of the search engine against a plain-Python reference of the query language."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import search
from db.engine import connect
from db.search.fuzzy import fold, tokens
from db.search.parser import parse
from tests.db.test_search import ACTORS, insert_actor, insert_incident

WORDS = ["ddos", "attack", "ransomware", "leak", "hospital", "mairie", "école", "réseau", "paris", "lyon",
         "nantes", "saint", "nazaire", "île", "france", "websites", "claimed", "bank", "data", "phishing",
         "outage", "port", "police", "wiper", "défacement", "ab", "abc", "a", "b2b", "2fa", "x"]
PLACES = [("Paris", "FR"), ("Lyon", "FR"), ("Saint-Nazaire", "FR"), ("Île-de-France", "FR"), ("Berlin", "DE"),
          ("Köln", "DE"), ("Genève", "CH")]
TYPES = ["availability/ddos", "malicious-code/ransomware", "information-content-security/data-leak",
         "fraud/phishing", "intrusions/defacement"]
COLS = "title, type, actors, targets, places, tags, extra"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "props.db"
    conn = connect(path)
    rng = random.Random(1234)
    conn.execute("BEGIN")
    for aid, name, kind, cc, aliases in ACTORS:
        insert_actor(conn, aid, name, kind, cc, aliases)
    for iid in range(1, 161):
        n = rng.randint(2, 7)
        words = [rng.choice(WORDS) for _ in range(n)]
        words = [w.capitalize() if rng.random() < 0.3 else (w.upper() if rng.random() < 0.05 else w) for w in words]
        title = " ".join(words) + rng.choice(["", "", "!", " (update)", "-2"])
        date = None if rng.random() < 0.1 else f"{rng.randint(2015, 2026)}" + (
            f"-{rng.randint(1, 12):02d}" if rng.random() < 0.8 else "")
        actors = [(rng.randint(1, 6), rng.choice(["claimed", "suspected", "attributed"]))] if rng.random() < 0.7 else []
        if rng.random() < 0.3:
            actors.append((rng.choice([7, 8]), "target"))
        places = [rng.choice(PLACES)] if rng.random() < 0.8 else []
        insert_incident(conn, iid, title, rng.choice(TYPES), date, [p[1] for p in places], "auto", actors, places,
                        2 if iid == 77 else None, tags=["urgent"] if rng.random() < 0.1 else ())
    conn.execute("COMMIT")
    search.rebuild(conn)
    docs = {r[0]: r[1:] for r in conn.execute(f"SELECT id, {COLS} FROM incident_doc")}
    yield conn, docs
    conn.close()


# --------------------------------------------------------------------------------------------------
# Reference semantics


def row_text(doc) -> str:
    return " \n ".join(x or "" for x in doc)


def ref_term(doc, kind: str, text: str) -> bool:
    raw = row_text(doc)
    cs = text != text.lower()
    needle = fold(text, keep_case=cs)
    if kind == "fuzzy":
        return any(t.startswith(needle) for t in tokens(raw, keep_case=cs))
    if kind == "exact":
        return needle in fold(raw, keep_case=cs)
    title = fold(doc[0] or "", keep_case=cs)
    if kind == "prefix":
        return title.startswith(needle)
    if kind == "suffix":
        return title.endswith(needle)
    raise AssertionError(kind)


def ref(docs, groups) -> set[int]:
    out = set()
    for iid, doc in docs.items():
        if all(any(ref_term(doc, k, t) != neg for neg, k, t in g) for g in groups):
            out.add(iid)
    return out


def render(groups) -> str:
    parts = []
    for g in groups:
        alts = []
        for neg, kind, text in g:
            s = {"fuzzy": text, "exact": "'" + text, "prefix": "^" + text, "suffix": text + "$"}[kind]
            alts.append(("!" if neg else "") + s)
        parts.append(" | ".join(alts))
    return " ".join(parts)


def _term():
    word = st.sampled_from(WORDS + ["killnet", "noname057", "sofacy", "fancy", "storm", "lockbit", "sfr",
                                    "2023", "2024", "nazaire", "urgent", "ddos", "availability", "leak"])
    return st.tuples(word, st.integers(1, 12), st.booleans(), st.sampled_from(["fuzzy"] * 5 + ["exact", "prefix", "suffix"]),
                     st.booleans()).map(_make_term)


def _make_term(args):
    word, cut, neg, kind, upper = args
    text = word[:cut] if kind in ("fuzzy", "prefix") else word[-cut:] if kind == "suffix" else word[:cut]
    if upper and text[:1].isalpha():
        text = text[0].upper() + text[1:]
    return (neg, kind, text)


queries = st.lists(st.lists(_term(), min_size=1, max_size=2), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=queries)
def test_exhaustive_filter_equals_reference(corpus, groups):
    conn, docs = corpus
    q = render(groups)
    assert set(search.matching_ids(conn, "incidents", q)) == ref(docs, groups), q


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=queries, limit=st.integers(1, 60))
def test_interactive_results_satisfy_every_term(corpus, groups, limit):
    conn, docs = corpus
    q = render(groups)
    r = search.search(conn, "incidents", q, limit=limit)
    got = [h.id for h in r.rows]
    assert len(got) == len(set(got))
    expected = ref(docs, groups)
    if not r.corrections:
        assert set(got) <= expected, q
        if r.total_is_exact:
            assert r.total == len(expected), q
        assert len(got) == min(limit, len(expected)), q
    for h in r.rows:
        assert all(0 <= p < len(h.title) for p in h.positions)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=_term(), b=_term())
def test_or_is_the_union_and_space_the_intersection(corpus, a, b):
    conn, _docs = corpus
    qa, qb = render([[a]]), render([[b]])
    sa = set(search.matching_ids(conn, "incidents", qa))
    sb = set(search.matching_ids(conn, "incidents", qb))
    assert set(search.matching_ids(conn, "incidents", f"{qa} | {qb}")) == sa | sb
    assert set(search.matching_ids(conn, "incidents", f"{qa} {qb}")) == sa & sb


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(y1=st.integers(2014, 2027), y2=st.integers(2014, 2027), m=st.integers(1, 12))
def test_date_qualifiers(corpus, y1, y2, m):
    conn, _docs = corpus
    dates = {r[0]: r[1] for r in conn.execute("SELECT id, date_start FROM incident WHERE merged_into IS NULL")}
    lo, hi = min(y1, y2), max(y1, y2)
    got = set(search.matching_ids(conn, "incidents", f"year:{lo}..{hi}"))
    assert got == {i for i, d in dates.items() if d and lo <= int(d[:4]) <= hi}
    got = set(search.matching_ids(conn, "incidents", f"date:{y1}-{m:02d}"))
    assert got == {i for i, d in dates.items() if d and d[:7] == f"{y1}-{m:02d}"}
    got = set(search.matching_ids(conn, "incidents", f"!year:{y1}"))
    assert got == {i for i, d in dates.items() if not d or int(d[:4]) != y1}


OPERATORS = st.sampled_from(['"', "'", "*", "^", "$", "!", "|", "(", ")", ":", "-", "+", "NEAR", "AND", "OR", "NOT",
                             "\x00", "\\", " ", "{", "}", "actor:", "date:", "year:", "type:", "place:", "source:",
                             "tag:", "role:", "country:", "review:", "body:", "kind:", "ddos", "Paris", "é", "\n"])
hostile = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(OPERATORS, st.text(max_size=5)), max_size=25).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=hostile, view=st.sampled_from(["incidents", "actors", "sources"]))
def test_any_input_is_safe(corpus, q, view):
    conn, docs = corpus
    p = parse(q)
    assert isinstance(p.understood, str) and all(isinstance(x, str) for x in p.ignored)
    r = search.search(conn, view, q, limit=20)
    if view == "incidents":
        assert {h.id for h in r.rows} <= set(docs)
        if p.errors:  # refused (issue 26): matches nothing, and matching_ids says why
            assert r.rows == []
            with pytest.raises(search.QueryError):
                list(search.matching_ids(conn, view, q))
        else:
            assert set(search.matching_ids(conn, view, q)) <= set(docs)


def test_very_long_queries(corpus):
    conn, _docs = corpus
    for q in ["a" * 10_000, "ddos " * 2_000, "'" * 10_000, "actor:" + "k" * 9_990, "(" * 5000 + ")" * 5000,
              " | ".join(["x"] * 3000), '"' * 10_000]:
        r = search.search(conn, "incidents", q)
        assert r.total == 0 and any("too long" in n for n in r.notes)  # refused with one line (issue 26)
        with pytest.raises(search.QueryError, match="too long"):
            list(search.matching_ids(conn, "incidents", q))
