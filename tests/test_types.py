"""mypy, strict on db/ ([tool.mypy] in pyproject.toml), reports no error: the lower layer's types hold."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed (pip install -e '.[test]' brings it)")
def test_db_is_strictly_typed():
    # From the repository root, so that mypy reads [tool.mypy] of pyproject.toml (files = ["db"], strict).
    out = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, f"mypy found errors in db/:\n{out.stdout}{out.stderr}"
