from __future__ import annotations

from pathlib import Path

import pytest

from db.drafts import Document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"


def make_doc(body: str, published: str | None = None, title: str | None = None) -> Document:
    return Document(text=body, origin="test.txt", title=title, body=body, published=published)


@pytest.fixture
def doc():
    return make_doc


@pytest.fixture
def fixture_doc():
    def load(name: str, published: str | None = None) -> Document:
        body = (FIXTURES / name).read_text(encoding="utf-8")
        return make_doc(body, published)

    return load
