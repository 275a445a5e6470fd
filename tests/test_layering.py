"""The import contracts of docs/ARCHITECTURE.md: db and importers never import textual; --help stays light."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_db_imports_neither_importers_nor_textual():
    for path in (ROOT / "db").rglob("*.py"):
        bad = _imports(path) & {"textual", "importers", "tui"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_importers_never_import_textual():
    for path in (ROOT / "importers").rglob("*.py"):
        if path == ROOT / "importers" / "cli" / "browse.py":
            continue  # checked at run time below: `browse` (and `demo`) import tui lazily
        bad = _imports(path) & {"textual", "tui"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_help_does_not_load_textual_or_the_orm():
    code = ("import sys\nfrom importers.cli import app\n"
            "try:\n    app(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass")
    mods = _modules_after(code)
    assert "textual" not in mods
    assert "sqlmodel" not in mods


def test_import_command_does_not_load_textual(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Title line\n\nA body sentence long enough to be kept by the cleaner, for sure.\n")
    code = (f"from importers.cli import app\n"
            f"try:\n    app(['import', '--no-extract', '--db', {str(tmp_path / 'x.db')!r}, {str(art)!r}], standalone_mode=False)\n"
            f"except SystemExit:\n    pass")
    assert "textual" not in _modules_after(code)


DATABASE_MODULES = {"db.engine", "db.curation", "db.queries", "db.search", "sqlite3"}


def _dotted_imports(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name (`from db import queries` is db.queries),
    including the imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_the_browser_reaches_the_database_only_through_tui_data():
    """tui/data.py is the browser's one door to the database: no other module of tui/ imports the engine,
    the queries, the search, the curation or sqlite3 (so none opens a connection of its own)."""
    checked = 0
    for path in (ROOT / "tui").rglob("*.py"):
        if path == ROOT / "tui" / "data.py":
            continue
        checked += 1
        bad = {m for m in _dotted_imports(path) if any(m == d or m.startswith(d + ".") for d in DATABASE_MODULES)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: go through tui/data.py"
    assert checked > 10
    assert DATABASE_MODULES & _dotted_imports(ROOT / "tui" / "data.py")  # the door itself does


def _imported_by(args: list[str], cwd: Path) -> set[str]:
    """The top-level packages `python -X importtime -m importers.cli ARGS` imports, read from its report."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "importers.cli", *args], capture_output=True,
                         text=True, cwd=cwd, timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    names = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
    assert "importers.cli" in names  # the report is there
    return {n.split(".")[0] for n in names}


def test_the_command_line_starts_without_the_orm_or_textual(tmp_path):
    """The import contract of the command line (docs/ARCHITECTURE.md): `--help`, `list` on a current
    database, `db path` and `--version` load neither SQLModel nor SQLAlchemy (~0.5 s) nor Textual."""
    from db.engine import connect

    connect(tmp_path / "x.db").close()
    for args in (["--help"], ["list", "incidents", "--db", str(tmp_path / "x.db")], ["db", "path"],
                 ["show", "--help"], ["--version"]):
        heavy = _imported_by(args, tmp_path) & {"sqlmodel", "sqlalchemy", "textual"}
        assert not heavy, f"incidex {' '.join(args)} imports {sorted(heavy)}"
