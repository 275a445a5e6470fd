"""Exports carry no local folder unless asked: a source without a URL is shown by its file name only."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "articles" / "breach-hospital.md"
FOLDER_TOKEN = "alicesecretnotes"  # a folder name no export may show by default
ORIGIN_FORMATS = ("json", "csv", "misp", "markdown")  # the formats that show a source's origin at all


@pytest.fixture
def nested_import(cli, db_path, tmp_path) -> Path:
    folder = tmp_path / "home" / "alice" / FOLDER_TOKEN / "inbox"
    folder.mkdir(parents=True)
    article = folder / ARTICLE.name
    shutil.copy(ARTICLE, article)
    result = cli("import", "--db", db_path, str(article))
    assert result.exit_code == 0, result.output
    return article


def _export(cli, db_path, fmt: str, *extra: str) -> str:
    result = cli("export", "--db", db_path, "--format", fmt, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "stix", "misp", "markdown"])
def test_no_export_shows_the_folder_by_default(cli, db_path, nested_import, fmt):
    text = _export(cli, db_path, fmt)
    assert FOLDER_TOKEN not in text
    assert str(nested_import.parent) not in text
    if fmt in ORIGIN_FORMATS:
        assert nested_import.name in text  # the file's name is still there, as the citation


def test_json_origin_is_the_file_name(cli, db_path, nested_import):
    data = json.loads(_export(cli, db_path, "json"))
    origins = {s["origin"] for s in data["sources"]} | {s["origin"] for i in data["incidents"] for s in i["sources"]}
    assert origins == {nested_import.name}


@pytest.mark.parametrize("fmt", ORIGIN_FORMATS)
def test_include_paths_keeps_the_full_path(cli, db_path, nested_import, fmt):
    text = _export(cli, db_path, fmt, "--include-paths")
    assert FOLDER_TOKEN in text
    if fmt == "json":
        assert {s["origin"] for s in json.loads(text)["sources"]} == {str(nested_import)}


def test_stdin_origin_stays_a_dash(cli, db_path):
    result = cli("import", "--db", db_path, "-", input=ARTICLE.read_bytes())
    assert result.exit_code == 0, result.output
    data = json.loads(_export(cli, db_path, "json"))
    assert {s["origin"] for s in data["sources"]} == {"-"}


def test_origin_shown_is_the_base_name():
    from db.export.common import shown_origin

    assert shown_origin("/home/alice/notes/a.txt") == "a.txt"
    assert shown_origin("notes\\sub\\b.md") == "b.md"
    assert shown_origin("c.txt") == "c.txt"
    assert shown_origin("-") == "-"
    assert shown_origin("https://example.org/feed.xml") == "https://example.org/feed.xml"
    assert shown_origin("/home/alice/notes/a.txt", include_paths=True) == "/home/alice/notes/a.txt"
