"""The team database (issue 32): the same incidex on PostgreSQL as on SQLite.

Every test here runs against a real PostgreSQL server (tests/pgcluster.py starts a throwaway one, or CI's
INCIDEX_TEST_PG); the search and curation suites run on both engines through the `engine_db` fixture.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from db import search
from db.engine import connect
from tests.conftest import run_incidex

SAMPLES = Path(__file__).resolve().parents[2] / "importers" / "samples"


@pytest.fixture
def pg_db(request) -> str:
    """A new, empty PostgreSQL database (its URL)."""
    from tests import pgcluster

    admin = request.getfixturevalue("pg_admin")
    return pgcluster.new_database(admin, f"pg_{request.node.name[:40].lower().replace('[', '_').replace(']', '')}")


_VOLATILE = {"uuid", "created_at", "updated_at", "imported_at"}


def _digest(value):
    """An export without its random uuids and clock times: what must be equal across engines."""
    if isinstance(value, dict):
        return {k: _digest(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_digest(v) for v in value]
    return value


def _import_and_export(db: str, tmp_path: Path, name: str) -> tuple[dict, dict]:
    done = run_incidex("import", "--db", db, SAMPLES)
    assert done.returncode == 0, done.stderr
    out = tmp_path / f"{name}.json"
    done = run_incidex("export", "--db", db, "--format", "json", "--output", out)
    assert done.returncode == 0, done.stderr
    stats = run_incidex("stats", "--db", db, "--json")
    assert stats.returncode == 0, stats.stderr
    return json.loads(out.read_text()), json.loads(stats.stdout)


@pytest.fixture(scope="module")
def both(tmp_path_factory, pg_admin):
    """The bundled samples imported (with extraction and resolution) into an SQLite file and a PostgreSQL
    database, by the command line."""
    from tests import pgcluster

    tmp = tmp_path_factory.mktemp("both")
    lite = str(tmp / "samples.db")
    server = pgcluster.new_database(pg_admin, "pg_samples")
    return lite, server, _import_and_export(lite, tmp, "lite"), _import_and_export(server, tmp, "server")


def test_import_gives_the_same_incident_base_on_both_engines(both):
    _, _, (lite, lite_stats), (server, server_stats) = both
    assert server_stats == lite_stats
    assert server_stats["incidents"] == 40 and server_stats["sources"] == 30
    assert _digest(server) == _digest(lite)


QUERIES = ["", "ransomware", "ddos", "kilnet", "actor:apt28", "^sab", "'cable", "!ddos year:2024", "source:baltic",
           "type:ddos country:FR", "pro-russian", "role:claimed", "date:2022..2023", "nn57", "Paris | Kyiv",
           "from:RU", "kind:hacktivist", "tool:industroyer", "review:auto", "tag:nothing", "ransomware$"]


@pytest.mark.parametrize("view", ["incidents", "actors", "sources"])
def test_search_answers_the_same_on_both_engines(both, view):
    lite_path, server_url = both[0], both[1]
    lite, server = connect(lite_path), connect(server_url)
    try:
        for q in QUERIES:
            a, b = search.search(lite, view, q), search.search(server, view, q)
            assert [h.id for h in b.rows] == [h.id for h in a.rows], (view, q)
            assert (b.total, b.total_is_exact, b.corrections) == (a.total, a.total_is_exact, a.corrections), (view, q)
            assert list(search.matching_ids(server, view, q)) == list(search.matching_ids(lite, view, q)), (view, q)
            assert search.count(server, view, q) == search.count(lite, view, q), (view, q)
    finally:
        lite.close()
        server.close()


def test_every_read_command_works_on_the_server(both):
    server = both[1]
    for args in (["list", "incidents", "--query", "ransomware"], ["list", "actors"], ["list", "sources"],
                 ["show", "incident", "1"], ["show", "actor", "1"], ["show", "source", "1"], ["review", "--pending"],
                 ["changes"], ["db", "check"], ["db", "migrate"]):
        done = run_incidex(*args, "--db", server)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    done = run_incidex("db", "path", "--db", server.replace("incidex@", "incidex:secret@"))
    assert done.stdout.strip().startswith("postgresql://127.0.0.1:") and "secret" not in done.stdout


def test_curation_and_undo_on_the_server(pg_db):
    assert run_incidex("import", "--db", pg_db, SAMPLES).returncode == 0
    done = run_incidex("tag", "incident", "1", "reviewed-by-team", "--db", pg_db)
    assert done.returncode == 0, done.stderr
    # who did it: the database user of the URL
    user = pg_db.split("://", 1)[1].split("@", 1)[0]
    latest = json.loads(run_incidex("changes", "--json", "--db", pg_db).stdout)[0]
    assert (latest["author"], latest["summary"]) == (user, "tagged incident 1: reviewed-by-team")
    assert f" {user} tagged incident 1" in run_incidex("changes", "--db", pg_db).stdout
    listed = run_incidex("list", "incidents", "--query", "tag:reviewed-by-team", "--format", "csv", "--db", pg_db)
    assert [r.split(",")[0] for r in listed.stdout.splitlines()[1:]] == ["1"]
    merged = run_incidex("merge", "21", "22", "--db", pg_db)
    assert merged.returncode == 0, merged.stderr
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["merged_incidents"] == 1
    assert run_incidex("undo", "--db", pg_db).returncode == 0
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["merged_incidents"] == 0
    assert run_incidex("redo", "--db", pg_db).returncode == 0
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["merged_incidents"] == 1
    check = run_incidex("db", "check", "--db", pg_db)
    assert check.returncode == 0, check.stdout + check.stderr


def test_two_importers_and_a_curator_at_once(pg_db, tmp_path):
    """Two import processes of the same articles and one curation process against one database: every
    article is one source, nothing is lost, `db check` finds nothing wrong."""
    assert run_incidex("import", "--db", pg_db, SAMPLES / "001-colonial-pipeline-ransomware.md").returncode == 0
    cmd = [sys.executable, "-m", "importers.cli"]
    importers = [subprocess.Popen([*cmd, "import", "--db", pg_db, str(SAMPLES)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    curator = subprocess.run([sys.executable, "-c", (
        "import subprocess, sys\n"
        "for i in range(8):\n"
        f"    r = subprocess.run([sys.executable, '-m', 'importers.cli', 'tag', 'incident', '1', f't{{i}}', '--db', {pg_db!r}],"
        " capture_output=True, text=True)\n"
        "    if r.returncode: sys.exit(r.stderr)\n")], capture_output=True, text=True, timeout=300)
    outs = [p.communicate(timeout=300) for p in importers]
    assert curator.returncode == 0, curator.stderr
    for p, (_, err) in zip(importers, outs, strict=True):
        assert p.returncode == 0, err
    stats = json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)
    assert stats["sources"] == 30
    lite = str(tmp_path / "alone.db")
    run_incidex("import", "--db", lite, SAMPLES)
    assert stats["incidents"] == json.loads(run_incidex("stats", "--json", "--db", lite).stdout)["incidents"]
    shown = run_incidex("show", "incident", "1", "--json", "--db", pg_db)
    assert {f"t{i}" for i in range(8)} <= set(json.loads(shown.stdout)["tags"])
    check = run_incidex("db", "check", "--db", pg_db)
    assert check.returncode == 0, check.stdout + check.stderr


# --------------------------------------------------------------------------------------------------
# What goes wrong says so in one line


def _one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("incidex: "), done.stderr
    return lines[0]


def test_a_refused_connection_is_one_line(pg_admin):
    from tests.pgcluster import _free_port

    line = _one_line(run_incidex("list", "incidents", "--db", f"postgresql://someone:hunter2@127.0.0.1:{_free_port()}/x"))
    assert "127.0.0.1" in line and "hunter2" not in line and "someone" not in line
    line = _one_line(run_incidex("stats", "--db", f"postgresql://127.0.0.1:{_free_port()}/x?user=someone&password=hunter2"))
    assert "127.0.0.1" in line and "hunter2" not in line and "someone" not in line


def test_a_missing_database_is_one_line(pg_admin):
    url = pg_admin.rsplit("/", 1)[0] + "/no_such_database"
    line = _one_line(run_incidex("stats", "--db", url))
    assert "no_such_database" in line


def test_a_database_of_another_application_is_left_untouched(pg_db):
    import psycopg

    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    line = _one_line(run_incidex("import", "--db", pg_db, SAMPLES / "README.md"))
    assert "not incidex's" in line
    with psycopg.connect(pg_db, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables"
                                             " WHERE table_schema = 'public'")]
    assert tables == ["invoices"]


def test_the_url_comes_from_incidex_db_too(pg_db):
    done = run_incidex("import", SAMPLES / "003-royal-mail-lockbit.txt", env={"INCIDEX_DB": pg_db})
    assert done.returncode == 0, done.stderr
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["sources"] == 1


# --------------------------------------------------------------------------------------------------
# The browser on the server


@pytest.mark.e2e
def test_the_browser_shows_what_another_machine_imports(pg_db, tmp_path):
    """`incidex browse` on the PostgreSQL database in tmux; an import from another process; the new incidents
    appear without a key press."""
    import re

    from tests.tui.test_e2e import Tmux, _browse_command

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    assert run_incidex("import", "--db", pg_db, SAMPLES / "001-colonial-pipeline-ransomware.md").returncode == 0
    def total(screen: str) -> int:
        m = re.search(r"(\d+) of (\d+)", screen.splitlines()[1] if screen.count("\n") else "")
        return int(m.group(2)) if m else 0

    t = Tmux(_browse_command(pg_db, tmp_path / "home"), env={"NO_COLOR": "1"})
    try:
        t.wait_until(lambda s: total(s) == 1 and "Colonial Pipeline" in s, "the one incident")
        done = run_incidex("import", "--db", pg_db, SAMPLES / "018-sncf-rail-arson-olympics.md",
                           SAMPLES / "003-royal-mail-lockbit.txt")
        assert done.returncode == 0, done.stderr
        screen = t.wait_until(lambda s: total(s) == 3, "the list counting the imported incidents", timeout=30)
        assert "Royal Mail" in screen and "Sabotage" in screen
        assert "postgresql://127.0.0.1:" in screen.splitlines()[0]
        t.send("C-q")
        t.wait_until(lambda s: t.dead(), "quitting")
    finally:
        t.close()


# --------------------------------------------------------------------------------------------------
# db copy


def test_db_copy_moves_a_curated_file_to_the_server_and_back(pg_db, tmp_path):
    """A personal file with merges, notes, tags and pending decisions goes into the team database and comes
    back the same: every id, merge, decision, note and piece of evidence, and the journal still undoes."""
    mine = tmp_path / "mine.db"
    assert run_incidex("import", "--db", mine, SAMPLES).returncode == 0
    assert run_incidex("merge", "21", "22", "--db", mine).returncode == 0
    assert run_incidex("note", "incident", "3", "confirmed by the operator", "--db", mine).returncode == 0
    assert run_incidex("tag", "actor", "1", "watch", "--db", mine).returncode == 0
    done = run_incidex("db", "copy", mine, pg_db)
    assert done.returncode == 0, done.stderr
    assert "30 sources, 40 incidents" in done.stdout

    def export(db) -> dict:
        out = tmp_path / f"x{len(list(tmp_path.iterdir()))}.json"
        assert run_incidex("export", "--db", db, "--format", "json", "--output", out).returncode == 0
        return _digest(json.loads(out.read_text()))

    assert export(pg_db) == export(mine)
    for args in (["changes", "--json"], ["review", "--pending", "--json"], ["show", "incident", "3", "--json"]):
        assert run_incidex(*args, "--db", pg_db).stdout == run_incidex(*args, "--db", mine).stdout, args
    back = tmp_path / "back.db"
    assert run_incidex("db", "copy", pg_db, back).returncode == 0
    assert export(back) == export(mine)
    # the copy is a working database: the journal undoes the merge, new rows get new ids
    assert run_incidex("undo", "--db", pg_db).returncode == 0  # the tag
    assert run_incidex("undo", "--db", pg_db).returncode == 0  # the note
    assert run_incidex("undo", "--db", pg_db).returncode == 0  # the merge
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["merged_incidents"] == 0
    extra = tmp_path / "extra.md"
    extra.write_text("---\ntitle: Port authority hit by ransomware\npublished: 2025-02-03\n---\n"
                     "A ransomware attack disrupted the systems of the port authority of Valmora on Monday, the "
                     "authority said.\n", encoding="utf-8")
    done = run_incidex("import", "--db", pg_db, extra)
    assert done.returncode == 0, done.stderr
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["sources"] == 31


def test_db_copy_refuses_a_destination_that_has_rows(pg_db, tmp_path):
    mine = tmp_path / "mine.db"
    assert run_incidex("import", "--db", mine, SAMPLES / "README.md").returncode == 0
    assert run_incidex("import", "--db", pg_db, SAMPLES / "003-royal-mail-lockbit.txt").returncode == 0
    line = _one_line(run_incidex("db", "copy", mine, pg_db))
    assert "not empty" in line
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["sources"] == 1


def test_a_server_that_goes_away_during_an_import(pg_db, pg_admin, tmp_path):
    """The import's connection is cut in the middle: one line, exit 2, every committed document whole; the
    same import run again finishes the job."""
    import time

    import psycopg

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"a{i:03d}.md").write_text(
            f"---\ntitle: Outage number {i} at Harbor{i}\npublished: 2025-01-{i % 28 + 1:02d}\n---\n"
            f"A ransomware attack hit the systems of Harbor{i} Logistics on Monday, the company said.\n",
            encoding="utf-8")
    name = pg_db.rsplit("/", 1)[1]
    importer = subprocess.Popen([sys.executable, "-m", "importers.cli", "import", "--db", pg_db, str(folder)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with psycopg.connect(pg_admin, autocommit=True) as admin:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and importer.poll() is None:
            try:
                with psycopg.connect(pg_db, autocommit=True) as look:
                    if look.execute("SELECT count(*) FROM source").fetchone()[0] >= 20:
                        break
            except psycopg.Error:
                pass  # the schema is being created
            time.sleep(0.05)
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 2, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("incidex: lost the connection to postgresql://127.0.0.1:"), err
    check = run_incidex("db", "check", "--db", pg_db)
    assert check.returncode == 0, check.stdout + check.stderr
    again = run_incidex("import", "--db", pg_db, folder)
    assert again.returncode == 0, again.stderr
    assert json.loads(run_incidex("stats", "--json", "--db", pg_db).stdout)["sources"] == 300


def test_the_tables_whose_ids_the_dialect_returns_are_the_models_tables_with_an_id():
    """db/postgres.py names them without importing the ORM (a browser's start must not wait for it): this
    pins the list to the models, so a new table cannot be forgotten there."""
    from db import postgres
    from db.models import TABLES

    assert postgres.TABLES_WITH_ID == {m.__table__.name for m in TABLES if "id" in m.__table__.c}


def test_without_the_driver_a_server_url_is_one_line():
    """An install without the 'postgres' extra: one line that says how to get the driver, exit 2."""
    code = ("import sys\nsys.modules['psycopg'] = None  # as if it were not installed\n"
            "from importers.cli import main\n"
            "sys.argv = ['incidex', 'stats', '--db', 'postgresql://someone@127.0.0.1:9/incidents']\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    line = _one_line(done)
    assert "pip install 'incidex[postgres]'" in line
