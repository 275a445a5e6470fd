"""Every fact carries evidence whose offsets point at the quoted body text."""
from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from db.drafts import Document
from importers.extract import extract, load_reference

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"


def make_doc(body, published=None):
    return Document(text=body, origin="test.txt", body=body, published=published)


def all_evidence(d):
    yield from d.evidence
    yield from d.facts.values()
    for a in d.actors:
        if a.evidence:
            yield a.evidence
    for p in d.places:
        if p.evidence:
            yield p.evidence


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_offsets_point_at_the_quoted_text(name):
    body = (FIXTURES / name).read_text(encoding="utf-8")
    drafts = extract(make_doc(body, "2024-06-05"))
    assert drafts
    for d in drafts:
        assert "type" in d.facts
        for ev in all_evidence(d):
            assert body[ev.start:ev.end] == ev.text
        for f in d.figures:
            assert body[f.start:f.end] == f.text


def test_every_actor_and_place_has_evidence(fixture_doc):
    for d in extract(fixture_doc("ddos_claim.txt", "2024-06-05")):
        assert all(a.evidence is not None for a in d.actors)
        assert all(p.evidence is not None for p in d.places)


def test_empty_body_gives_nothing():
    assert extract(make_doc("")) == []
    assert extract(make_doc("   \n\n  ")) == []


def test_drafts_pickle_and_threads_agree(fixture_doc):
    load_reference()
    docs = [fixture_doc(p.name, "2024-06-05") for p in sorted(FIXTURES.glob("*.txt"))] * 4
    serial = [extract(d) for d in docs]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(extract, docs))
    assert threaded == serial
    assert pickle.loads(pickle.dumps(serial)) == serial
