"""Article text is hostile: escape sequences and Rich markup never reach the terminal from the CLI."""
from __future__ import annotations

import json
import re
import sqlite3

from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile-article.txt"
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


def test_hostile_text_is_harmless_in_every_cli_output(incidex, tmp_path):
    db = tmp_path / "hostile.db"
    proc = incidex("import", "--db", db, HOSTILE)
    assert proc.returncode == 0, proc.stderr
    outputs = [proc.stdout, proc.stderr]
    for args in (("list", "sources"), ("list", "incidents"), ("list", "actors"), ("show", "source", "1"),
                 ("show", "source", "1", "--format", "markdown"), ("stats",), ("extract", "--source", "1"),
                 ("extract", "--source", "1", "--explain"), ("extract", "--source", "1", "--explain", "--json")):
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


# --- file names, curation verbs and rows written by another tool (issue 26, section 3) -------------------

# Everything a terminal acts on or hides: C0 but tab/newline, DEL, C1, bidi marks, embeddings, overrides and
# isolates, zero-width and invisible format characters, BOM. (ZWJ/ZWNJ are kept on purpose: scripts need them.)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                 "\ufeff]")
OSC = "\x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07"
STORY = ("Attackers knocked the website of the city hall in Lyon offline with a flood of traffic on Monday, "
         "officials said, and the pro-Russian group Killnet claimed the attack on its channel.\n")
OUTPUTS = [("list", view, "--format", fmt) for view in ("incidents", "actors", "sources")
           for fmt in ("table", "csv", "json")]
OUTPUTS += [("show", entity, "1", "--format", fmt) for entity in ("incident", "actor", "source")
            for fmt in ("text", "json", "markdown")]
OUTPUTS += [("export", "--format", fmt) for fmt in ("json", "csv", "stix", "misp", "markdown")]


def _assert_harmless(cli, db):
    """Every list/show/export format prints no raw control, bidi or invisible character, and JSON parses.
    (In-process, for speed: the bytes written to stdout and stderr are the same as in a terminal.)"""
    for args in OUTPUTS:
        run = cli(*args, "--db", db)
        assert run.exit_code == 0, (args, run.output)
        out = (run.stdout_bytes + run.stderr_bytes).decode("utf-8").replace("\r\n", "\n")  # CSV's line end
        m = RAW.search(out)
        assert not m, f"{args}: {m.group(0)!r} near {out[max(0, m.start() - 40):m.end() + 40]!r}"
        if "json" in args or "stix" in args or "misp" in args:
            json.loads(run.stdout)


def _rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(sql)]
    finally:
        conn.close()


def test_a_hostile_file_name_is_stored_clean_and_printed_clean_in_every_format(incidex, cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"x{OSC}\u202egpj\u200b.txt").write_text("Hackers hit Lyon city hall\n\n" + STORY, encoding="utf-8")
    db = tmp_path / "names.db"
    proc = incidex("import", "--db", db, folder)
    assert proc.returncode == 0, proc.stderr
    assert not RAW.search(proc.stdout + proc.stderr)
    origins = _rows(db, "SELECT origin FROM source")
    assert len(origins) == 1 and not RAW.search(origins[0]), origins
    assert origins[0].startswith(str(folder)) and origins[0].endswith(".txt")
    _assert_harmless(cli, db)


HOSTILE_VALUES = {
    "title": f"Title{OSC}A\u202eB\u0085C\x9b31mD\u200bE\ufeffF",
    "actor": f"Evil{OSC}Corp\u202e\u2066",
    "by": "by\x1b[31mred\u200f",
    "tag": "t\x1b[2Jg\u202e",
    "note": f"n{OSC}o\u2066te\x9b2J",
}


def test_curation_verbs_store_what_they_echo_and_no_control_character(incidex, cli, tmp_path):
    db = tmp_path / "curated.db"
    src = tmp_path / "story.txt"
    src.write_text("Hackers hit Lyon city hall\n\n" + STORY, encoding="utf-8")
    assert incidex("import", "--db", db, src).returncode == 0
    v = HOSTILE_VALUES
    runs = [incidex("edit", "incident", "1", "--title", v["title"], "--db", db),
            incidex("link", "1", "--actor", v["actor"], "--attributed-by", v["by"], "--db", db),
            incidex("tag", "incident", "1", v["tag"], "--db", db),
            incidex("note", "incident", "1", v["note"], "--db", db)]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert not RAW.search(run.stdout + run.stderr), repr(run.stdout)
    stored = {"title": _rows(db, "SELECT title FROM incident WHERE id = 1")[0],
              "actor": _rows(db, "SELECT name FROM actor ORDER BY id DESC LIMIT 1")[0],
              "by": _rows(db, "SELECT attributed_by FROM incident_actor WHERE attributed_by IS NOT NULL")[0],
              "tag": _rows(db, "SELECT name FROM tag")[0],
              "note": _rows(db, "SELECT text FROM note")[0]}
    for key, value in stored.items():
        assert not RAW.search(value), (key, value)
    assert stored["title"] == "TitleABCDEF" and stored["actor"] == "EvilCorp" and stored["tag"] == "tg"
    assert stored["title"] in runs[0].stdout  # the echo shows what was stored, not a cleaner copy
    assert stored["tag"] in runs[2].stdout
    # the JSON answers of the verbs too
    run = incidex("edit", "incident", "1", "--title", v["title"] + "2", "--json", "--db", db)
    assert run.returncode == 0 and not RAW.search(run.stdout)
    assert json.loads(run.stdout)["changed"]["title"] == "TitleABCDEF2"
    _assert_harmless(cli, db)


def test_rows_written_by_another_tool_leave_escaped_in_json_and_stripped_elsewhere(incidex, cli, tmp_path):
    """A database edited by another program (or an older incidex) can hold anything: every output format
    still prints nothing raw, and JSON escapes (never drops) so that it round-trips."""
    db = tmp_path / "foreign.db"
    src = tmp_path / "story.txt"
    src.write_text("Hackers hit Lyon city hall\n\n" + STORY, encoding="utf-8")
    assert incidex("import", "--db", db, src).returncode == 0
    title = f"Raw{OSC}A\u202eB\u0085C\x9b31m\x7fD\u200bE\ufeffF\u2066G\u061cH\u2060I"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE incident SET title = ?, summary = ? WHERE id = 1", (title, title))
        conn.execute("UPDATE source SET title = ?, origin = ?, publisher = ? WHERE id = 1", (title, title, title))
        conn.execute("UPDATE actor SET name = ?", (title,))
    conn.close()
    _assert_harmless(cli, db)
    for args in (("list", "incidents", "--format", "json"), ("show", "incident", "1", "--format", "json")):
        out = incidex(*args, "--db", db).stdout
        assert "\\u202e" in out and "\\u0085" in out and "\\u200b" in out and "\\ufeff" in out
        data = json.loads(out)
        got = data[0]["title"] if isinstance(data, list) else data["title"]
        assert got == title  # escaped, not dropped: JSON gives back exactly what is stored
    exported = json.loads(incidex("export", "--db", db).stdout)
    assert exported["incidents"][0]["title"] == title and exported["sources"][0]["origin"] == title


def test_map_strips_escape_sequences_before_splitting_names(incidex, tmp_path):
    """`\\x1b[31;1m` and `\\x1b]0;title\\x07` hold a `;`, which also separates names: the sequences go first,
    whole, and only then is the field split (else "[31" and "1mNoName057" become actors)."""
    import csv

    path = tmp_path / "records.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["headline", "when", "group", "aka", "victim"])
        w.writerow(["DDoS on Lyon city hall", "2024-03-11", "\x1b]0;Ghost\x07Killnet; \x1b[31;1mNoName057",
                    "KillNet\x1b[1;31m, Killnet Collective", "Lyon\x1b[0;1m city hall|\x1b]2;x\x1b\\Mairie"])
    db = tmp_path / "map.db"
    proc = incidex("import", "--db", db, "--map", "title=headline", "--map", "date=when", "--map", "actor=group",
                   "--map", "actor_aliases=aka", "--map", "target=victim", path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(_rows(db, "SELECT name FROM actor")) == ["Killnet", "Lyon city hall", "Mairie", "NoName057"]
    aliases = set(_rows(db, "SELECT alias FROM actor_alias"))  # (with the galaxy's synonyms of Killnet, NoName057)
    assert {"KillNet", "Killnet Collective"} <= aliases, aliases
    # no piece of a sequence: "[31", "1mNoName057", "0;Ghost"
    assert not any(RAW.search(a) or re.match(r"\d+(?:m|;)", a) or "[" in a for a in aliases), aliases
