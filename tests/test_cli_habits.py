"""The command line as terminal people expect it (issue 30): Python 3.10 without tomllib, `--output -`,
`--version`, `list` telling when it truncated, the search's corrections on stderr, `--json` everywhere."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
