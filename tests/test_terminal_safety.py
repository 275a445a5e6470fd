"""Article text is hostile: escape sequences and Rich markup never reach the terminal from the CLI."""
from __future__ import annotations

import json
import re

from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile-article.txt"
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


def test_hostile_text_is_harmless_in_every_cli_output(incidex, tmp_path):
    db = tmp_path / "hostile.db"
    proc = incidex("import", "--db", db, HOSTILE)
    assert proc.returncode == 0, proc.stderr
    outputs = [proc.stdout, proc.stderr]
    for args in (("list", "sources"), ("list", "incidents"), ("list", "actors"), ("show", "source", "1"),
                 ("show", "source", "1", "--format", "markdown"), ("stats",), ("extract", "--source", "1")):
        run = incidex(*args, "--db", db, env={"TERM": "xterm-256color", "FORCE_COLOR": "1"})
        assert run.returncode == 0, (args, run.stderr)
        outputs += [run.stdout, run.stderr]
    for out in outputs:
        # colour from our own Rich styling is allowed (FORCE_COLOR): strip our SGR codes, then nothing is left
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert not ESCAPES.search(plain), repr(ESCAPES.search(plain))
        assert "pwned" not in plain or "]0;" not in plain
    shown = incidex("show", "source", "1", "--db", db).stdout
    assert "[bold red]markup[/]" in shown  # markup is shown as the text it is, not interpreted
    assert "[link=https://evil.example]click[/link]" in shown


def test_stored_text_is_clean_and_json_output_escapes_nothing_raw(incidex, tmp_path):
    db = tmp_path / "hostile.db"
    incidex("import", "--db", db, HOSTILE)
    data = json.loads(incidex("show", "source", "1", "--format", "json", "--db", db).stdout)
    assert not ESCAPES.search(data["title"] + data["body"])
    assert data["title"].startswith("Hostile red title")
