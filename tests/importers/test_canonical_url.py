"""Canonical article URLs drop the tracking parameters courlan knows as well as ours (issue 31)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from db.identity import canonical_url

BASE = "https://news.example.org/2024/05/port-hit?id=42"


@pytest.mark.parametrize("tracking", [
    "at_medium=RSS&at_campaign=KARANGA", "_hsenc=p2ANqtz-abc&_hsmi=123", "ocid=msedgntp", "mkt_tok=abc",
    "xtor=RSS-1", "utm_source=x&fbclid=y", "AT_MEDIUM=rss",
])
def test_tracking_parameters_are_dropped(tracking):
    assert canonical_url(f"{BASE}&{tracking}") == canonical_url(BASE) == "https://news.example.org/2024/05/port-hit?id=42"
    assert canonical_url(f"https://www.news.example.org/2024/05/port-hit?{tracking}&id=42#top") == canonical_url(BASE)


@pytest.mark.parametrize("query", ["cid=7", "uid=9", "gallery=2", "game=5", "reference=A-1", "page=3"])
def test_parameters_that_name_the_article_are_kept(query):
    assert canonical_url(f"https://example.org/view?{query}") == f"https://example.org/view?{query}"


def test_importing_db_identity_does_not_load_courlan():
    out = subprocess.run([sys.executable, "-c", "import sys, db.identity; print('courlan' in sys.modules)"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
