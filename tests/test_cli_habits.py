"""The command line as terminal people expect it (issue 30): Python 3.10 without tomllib, `--output -`,
`--version`, `list` telling when it truncated, the search's corrections on stderr, `--json` everywhere."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ARTICLES

ROOT = Path(__file__).resolve().parent.parent

# Python 3.10 has no tomllib; tomli is its dependency there (pyproject). Hide tomllib before anything is
# imported; when tomli is not installed (3.11+ venvs), stand the stdlib parser in for it under tomli's name
# (tomllib *is* tomli, vendored), so the fallback path is what runs.
HIDE_TOMLLIB = """
import importlib.util, sys
if importlib.util.find_spec("tomli") is None:
    import tomllib as _parser
    sys.modules["tomli"] = _parser
sys.modules["tomllib"] = None
"""


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # runs the program
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_and_the_keymap_loads_without_tomllib(tmp_path):
    """On Python 3.10 semantics (no tomllib) every module of db, importers and tui imports, and a
    config.toml remap is read (through tomli)."""
    modules = _modules("db") + _modules("importers") + _modules("tui")
    assert len(modules) > 50
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nquit = "x"\n', encoding="utf-8")
    code = HIDE_TOMLLIB + f"""
import importlib
for name in {modules!r}:
    importlib.import_module(name)
from tui import keymap
from pathlib import Path
remap, problems = keymap.user_keymap(keymap.load_config(Path({str(config)!r})))
print(remap, problems)
assert remap == {{"quit": "x"}} and problems == [], (remap, problems)
assert sys.modules["tomllib"] is None
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]


# --- the command line -----------------------------------------------------------------------------------

@pytest.fixture
def loaded(cli, db_path):
    result = cli("import", "--db", db_path, ARTICLES)
    assert result.exit_code == 0, result.output
    return db_path


def test_export_output_dash_writes_to_stdout(cli, loaded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--output", "-", "--db", loaded)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schema"] == "incidex/1"
    assert not (tmp_path / "-").exists()
    assert "exported" not in result.stderr  # nothing said about a file
    rows = list(csv.DictReader(io.StringIO(cli("export", "-f", "csv", "-o", "-", "--db", loaded).stdout)))
    assert len(rows) >= 3
    assert not (tmp_path / "-").exists()


def test_version_prints_the_installed_version(cli):
    from importlib.metadata import version

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"incidex {version('incidex')}\n"


def test_version_falls_back_to_pyproject_when_not_installed(cli, monkeypatch):
    import importlib.metadata
    import re

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    expected = re.search(r'(?m)^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"incidex {expected}\n"


def test_list_says_when_it_truncated(cli, loaded):
    result = cli("list", "sources", "--limit", "2", "--db", loaded)
    assert result.exit_code == 0
    assert result.stderr == "2 of 4 shown; --limit 0 for all\n"
    assert cli("list", "sources", "--limit", "0", "--db", loaded).stderr == ""
    assert cli("list", "sources", "--db", loaded).stderr == ""  # all shown: nothing said
    q = cli("list", "sources", "--query", "hospital | ministry", "--limit", "1", "--db", loaded)
    assert q.stderr.splitlines()[-1] == "1 of 2 shown; --limit 0 for all"


def test_list_truncates_only_the_table_by_default(cli, loaded, monkeypatch):
    from importers.cli import read

    monkeypatch.setattr(read, "TABLE_LIMIT", 2)
    table = cli("list", "sources", "--db", loaded)
    assert table.stderr == "2 of 4 shown; --limit 0 for all\n"
    as_json = cli("list", "sources", "--format", "json", "--db", loaded)
    assert len(json.loads(as_json.stdout)) == 4 and as_json.stderr == ""
    as_csv = cli("list", "sources", "--format", "csv", "--db", loaded)
    assert len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == 4 and as_csv.stderr == ""
    explicit = cli("list", "sources", "--format", "csv", "--limit", "3", "--db", loaded)
    assert len(list(csv.DictReader(io.StringIO(explicit.stdout)))) == 3
    assert explicit.stderr == "3 of 4 shown; --limit 0 for all\n"


def test_the_search_correction_is_on_stderr(cli, loaded):
    listed = cli("list", "incidents", "--query", "ransomwre", "--format", "json", "--db", loaded)
    assert listed.exit_code == 0
    assert listed.stderr == "ransomwre: showing ransomware\n"  # once, one line
    assert [r["type"] for r in json.loads(listed.stdout)] == ["malicious-code/ransomware"]
    table = cli("list", "incidents", "--query", "ransomwre", "--db", loaded)
    assert table.stderr == "ransomwre: showing ransomware\n"
    exported = cli("export", "--query", "ransomwre", "--db", loaded)
    assert exported.stderr == "ransomwre: showing ransomware\n"
    assert len(json.loads(exported.stdout)["incidents"]) == 1
    assert cli("list", "incidents", "--query", "ransomware", "--db", loaded).stderr == ""
    resolved = cli("list", "incidents", "--query", "type:ddos", "--db", loaded)
    assert resolved.stderr == "type:ddos → availability/ddos\n"  # the notes too


def test_the_search_notes_are_sanitised(cli, loaded):
    result = cli("list", "incidents", "--query", "zz\x1b[2Jzz", "--db", loaded)
    assert result.exit_code == 0
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr


def test_types_json(cli):
    from db.taxonomy import TYPES

    result = cli("types", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == list(TYPES)


def test_db_path_and_migrate_json(cli, db_path):
    from db.engine import SCHEMA_VERSION

    assert json.loads(cli("db", "path", "--json", "--db", db_path).stdout) == {"path": str(db_path)}
    assert json.loads(cli("db", "migrate", "--json", "--db", db_path).stdout) == {
        "path": str(db_path), "schema_version": SCHEMA_VERSION}


def test_demo_json_does_not_open_the_browser(cli, tmp_path):
    result = cli("demo", "--json", "--db", tmp_path / "demo.db")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["database"] == str(tmp_path / "demo.db")
    assert data["sources"] > 0 and data["incidents"] > 0 and data["failed"] == []


def test_list_and_show_json(cli, loaded):
    rows = json.loads(cli("list", "sources", "--json", "--db", loaded).stdout)
    assert rows == json.loads(cli("list", "sources", "--format", "json", "--db", loaded).stdout)
    shown = json.loads(cli("show", "source", rows[0]["id"], "--json", "--db", loaded).stdout)
    assert shown["id"] == rows[0]["id"]
    clash = cli("list", "sources", "--json", "--format", "csv", "--db", loaded)
    assert clash.exit_code == 2
