"""Any bytes into any reader: documents out, or one clear one-line ReadError; never another exception.

Fixed-seed (derandomized) property tests, 2,000 inputs per reader: a quarter random bytes, the rest valid
skeletons of the format with random values, wrong types, truncations, huge numbers, deep nesting and odd
encodings (tests/hardening/inputs.py). What comes out must be storable and safe to print: no string in a
document holds an escape sequence, a control or direction-changing character, or text that is not UTF-8.
The query language gets the same treatment, against a real database.
"""
from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.inputs import Input
from importers.pipeline import Options, prepare, prepare_document
from importers.readers import ReadError, read_bytes
from tests.hardening.inputs import HOSTILE_TEXT, inputs_for, structured

# What must never reach storage or a terminal: C0 (but tab/newline), DEL, C1, bidi controls, zero-width, BOM.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
ONE_LINE_FIELDS = ("title", "publisher", "author", "url", "language")
FUZZ = settings(max_examples=2000, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                       HealthCheck.large_base_example])
ORIGIN = {"text": "article.md", "html": "page.html", "feed": "feed.xml", "stix": "bundle.json",
          "misp": "event.json", "veris": "incident.json", "csv": "records.csv", "json": "records.json",
          "jsonl": "records.jsonl"}


def _strings(value, path="doc"):
    """Every string inside a document (its drafts, actors, figures...), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, f"{path}.key")
            yield from _strings(v, f"{path}[{k!r}]")


def check_read(data: bytes, origin: str, fmt: str = "auto") -> list:
    """Read and prepare like an import does (without extraction); assert the outcome is usable."""
    try:
        docs = read_bytes(data, origin, fmt)
    except ReadError as exc:
        msg = str(exc)
        assert msg.strip(), "a ReadError must say why"
        assert "\n" not in msg and "\r" not in msg, f"ReadError message is not one line: {msg!r}"
        assert not UNSAFE.search(msg), f"ReadError message carries control characters: {msg!r}"
        return []
    assert isinstance(docs, list) and docs, "a reader returns documents or raises ReadError"
    opts = Options(extract=False)
    for doc in docs:
        prepare_document(doc, opts)
        for name in ONE_LINE_FIELDS:
            v = getattr(doc, name)
            assert v is None or "\n" not in v, (name, v)
        for where, s in _strings(doc):
            s.encode("utf-8")  # a lone surrogate here would crash the store (UnicodeEncodeError)
            if where not in ("doc.uid", "doc.origin"):  # identifiers, never displayed; origin is the user's name
                assert not UNSAFE.search(s), f"{where} carries a control character: {s!r}"
    return docs


@pytest.mark.parametrize("fmt", ["text", "html", "feed", "stix", "misp", "veris", "csv", "json", "jsonl"])
def test_every_reader_takes_any_bytes(fmt):
    @FUZZ
    @given(data=inputs_for(fmt), auto=st.booleans())
    def run(data, auto):
        # the format as forced by --format, or as detected from the content and the name
        check_read(data, ORIGIN[fmt], "auto" if auto else fmt)

    run()


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=structured("text"))
def test_prepare_with_extraction_never_raises(data):
    """The whole per-file path of an import, extraction on: a result or one clear error, never a raise."""
    item, docs, error, warnings = prepare(Input("article.md", data=data), Options())
    assert (docs is None) == bool(error)
    if error:
        assert "\n" not in error and not error.startswith("could not be read ("), error  # a known, clear reason
    for doc in docs or []:
        for where, s in _strings(doc):
            s.encode("utf-8")
            assert not UNSAFE.search(s), (where, s)
    assert not any("extraction failed" in w for w in warnings), warnings


# --- the query language ----------------------------------------------------------------------------------

QUERY_BITS = ["ddos", "kill", "'exact", "^start", "end$", "!not", "|", " ", "actor:", "type:", "country:FR", "year:",
              "date:2024..", "..2023-06", "role:", "target:", "source:", "tag:", "body:", "review:", "kind:", '"',
              '"a b"', "\\ ", "*", "(", ")", "NEAR(a b)", "AND", "OR", "NOT", "-", "+", "{", "}", ":", "^", "$", "'",
              "é", "ß", "İ", "\x00", "\x1b[31m", "%", "_", "' OR 1=1 --", ";DROP TABLE source;", "x" * 300]
queries = st.one_of(st.text(max_size=60),
                    st.lists(st.sampled_from(QUERY_BITS + HOSTILE_TEXT), max_size=8).map("".join),
                    st.lists(st.sampled_from(QUERY_BITS), max_size=80).map(" ".join))


@FUZZ
@given(q=queries)
def test_query_parser_takes_any_text(q):
    from db.search import parse

    parsed = parse(q)
    assert isinstance(parsed.understood, str)
    for note in parsed.ignored:
        assert isinstance(note, str)


@pytest.fixture(scope="module")
def searchable(tmp_path_factory):
    """A real database with a few imported articles and records."""
    from db.engine import connect
    from importers import pipeline
    from tests.conftest import ARTICLES

    path = tmp_path_factory.mktemp("fuzzdb") / "fuzz.db"
    conn = connect(path)
    report = pipeline.run(conn, [str(ARTICLES)], Options())
    assert report.sources > 0
    yield conn
    conn.close()


def test_search_takes_any_query(searchable):
    from db import search

    @settings(max_examples=500, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(q=queries, view=st.sampled_from(["incidents", "actors", "sources"]))
    def run(q, view):
        res = search.search(searchable, view, q, limit=20)
        assert res.total >= len(res.rows)
        for hit in res.rows:
            assert isinstance(hit.title, str)
        try:
            list(search.matching_ids(searchable, view, q))
        except search.QueryError as exc:
            # a query that cannot be understood is refused with one line, and the browser shows no rows
            assert str(exc) and "\n" not in str(exc)
            assert res.rows == []

    run()
