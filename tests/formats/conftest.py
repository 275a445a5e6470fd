"""Helpers for the format tests: import one of our fixtures and read back what a user would see."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def import_json(cli, db_path, *args) -> dict:
    """`incidex import --json` and its summary; fails the test with the output on a bad exit."""
    result = cli("import", "--json", "--db", db_path, *map(str, args))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def exported(cli, db_path) -> dict:
    result = cli("export", "--db", db_path)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_title(data: dict) -> dict[str, dict]:
    return {i["title"]: i for i in data["incidents"]}


@pytest.fixture
def formats() -> Path:
    return FORMATS
