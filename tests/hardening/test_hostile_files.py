"""Files built to hurt: entity bombs, external entities and DTDs, 1 GB inputs, 100,000 levels of nesting,
YAML alias bombs, numbers Python cannot hold. Each is refused with one clear line or read harmlessly, the
rest of the batch is imported, and nothing outside the named files is ever opened."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import run_incidex

GOOD = "A good article\n\nHackers defaced the website of a small town council on Friday, officials said in a statement.\n"
STORY = ("<p>Attackers knocked the city hall website offline with a flood of traffic on Monday, officials said "
         "in a statement to the press.</p>")


def _import(db: Path, *paths, extra=()) -> tuple[subprocess.CompletedProcess, dict]:
    proc = run_incidex("import", "--json", "--no-extract", "--db", db, *extra, *paths)
    return proc, json.loads(proc.stdout)


def _reasons(report: dict) -> dict[str, str]:
    return {Path(o["origin"]).name: o["reason"] for o in report["outcomes"] if o["status"] == "failed"}


def _stored_text(db: Path) -> str:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT coalesce(title, ''), coalesce(body, ''), coalesce(publisher, '') FROM source").fetchall()
    conn.close()
    return "\n".join(" ".join(r) for r in rows)


# --- XML: entity bombs, external entities, DTDs -----------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'


def _rss(doctype: str, title: str = "&lol9;") -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"><channel><title>Feed {title}</title>'
            f"<item><title>Entry {title}</title><link>https://example.org/a</link>"
            f"<description>Attackers hit the port authority with ransomware, officials said. {title}</description>"
            f"</item></channel></rss>")


def _atom(doctype: str, title: str = "&lol9;") -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed {title}</title>'
            f"<entry><title>Entry {title}</title><summary>Attackers hit a hospital, officials said. {title}</summary>"
            f"</entry></feed>")


def _html(doctype: str, ref: str = "&lol9;", xml: bool = False) -> str:
    prolog = '<?xml version="1.0"?>\n' if xml else ""
    ns = ' xmlns="http://www.w3.org/1999/xhtml"' if xml else ""
    return (f"{prolog}{doctype}\n<html{ns}><head><title>Page {ref}</title></head><body><article><h1>Head {ref}</h1>"
            f"{STORY}<p>Marker {ref} inside the article, with enough words to count as text.</p>{STORY}</article>"
            f"</body></html>")


def test_billion_laughs_in_feeds_is_refused_fast_and_the_batch_goes_on(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "bomb.rss").write_text(_rss(BILLION_LAUGHS))
    (d / "bomb.atom").write_text(_atom(BILLION_LAUGHS))
    (d / "quadratic.xml").write_text(_rss(f'<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>', "&a;" * 1000))
    (d / "good.txt").write_text(GOOD)
    t0 = time.monotonic()
    proc, report = _import(tmp_path / "x.db", d)
    assert time.monotonic() - t0 < 30
    assert proc.returncode == 1
    reasons = _reasons(report)
    assert set(reasons) == {"bomb.rss", "bomb.atom", "quadratic.xml"}
    assert all("entit" in r and "\n" not in r for r in reasons.values()), reasons
    assert report["imported"] == 1
    assert "lollol" not in _stored_text(tmp_path / "x.db")


@pytest.mark.parametrize("xml", [False, True], ids=["html", "xhtml"])
def test_billion_laughs_in_html_is_not_expanded(tmp_path, xml):
    page = tmp_path / ("bomb.xhtml" if xml else "bomb.html")
    page.write_text(_html(BILLION_LAUGHS, xml=xml))
    t0 = time.monotonic()
    proc, report = _import(tmp_path / "x.db", page)
    assert time.monotonic() - t0 < 30
    if report["imported"]:
        stored = _stored_text(tmp_path / "x.db")
        assert "Attackers knocked the city hall" in stored
        assert "lollol" not in stored  # the entity stays the text "&lol9;", never 10^9 "lol"s
    else:
        assert "\n" not in _reasons(report)[page.name]


@pytest.fixture
def secret(tmp_path) -> Path:
    s = tmp_path / "secret.txt"
    s.write_text("TOP-SECRET-MARKER root:x:0:0\n")
    return s


def test_external_entities_never_pull_a_file_into_the_database(tmp_path, secret):
    """SYSTEM entities and external DTDs naming a local file: the file's text is never stored."""
    d = tmp_path / "in"
    d.mkdir()
    uri = secret.as_uri()
    xxe = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{uri}">]>'
    ext_dtd = f'<!DOCTYPE x SYSTEM "{uri}">'
    (d / "xxe.rss").write_text(_rss(xxe, "&xxe;"))
    (d / "xxe.atom").write_text(_atom(xxe, "&xxe;"))
    (d / "dtd.rss").write_text(_rss(ext_dtd, "&xxe;"))
    (d / "passwd.rss").write_text(_rss('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"))
    (d / "xxe.html").write_text(_html(xxe, "&xxe;"))
    (d / "xxe.xhtml").write_text(_html(xxe, "&xxe;", xml=True))
    (d / "dtd.xhtml").write_text(_html(ext_dtd, "&xxe;", xml=True))
    (d / "param.rss").write_text(_rss(f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{uri}"> %p;]>', "x"))
    proc, report = _import(tmp_path / "x.db", d)
    reasons = _reasons(report)
    for name in ("xxe.rss", "xxe.atom", "passwd.rss", "param.rss"):  # entity declarations in feeds: refused
        assert "entit" in reasons.get(name, ""), (name, reasons)
    stored = _stored_text(tmp_path / "x.db")
    assert "TOP-SECRET-MARKER" not in stored and "root:x:0" not in stored
    read = {Path(o["origin"]).name for o in report["outcomes"] if o["status"] in ("imported", "unchanged")}
    assert read == {"xxe.html", "xxe.xhtml", "dtd.xhtml", "dtd.rss"}, reasons  # read, harmlessly


XXE_CASES = {
    "rss-entity": lambda p: _rss(f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{p}">]>', "&e;"),
    "rss-external-dtd": lambda p: _rss(f'<!DOCTYPE rss SYSTEM "file://{p}">', "x"),
    "rss-public-dtd": lambda p: _rss(f'<!DOCTYPE rss PUBLIC "-//X//EN" "file://{p}">', "x"),
    "atom-external-dtd": lambda p: _atom(f'<!DOCTYPE feed SYSTEM "{p}">', "x"),
    "rss-xinclude": lambda p: _rss("", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{p}" parse="text"/>'),
    "html-entity": lambda p: _html(f'<!DOCTYPE html [<!ENTITY e SYSTEM "file://{p}">]>', "&e;"),
    "html-external-dtd": lambda p: _html(f'<!DOCTYPE html SYSTEM "file://{p}">', "x"),
    "xhtml-external-dtd": lambda p: _html(f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "file://{p}">', "x", xml=True),
    "xhtml-entity": lambda p: _html(f'<!DOCTYPE html [<!ENTITY e SYSTEM "file://{p}">]>', "&e;", xml=True),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("case", sorted(XXE_CASES))
def test_no_parser_ever_opens_a_referenced_file(tmp_path, case):
    """Proof that nothing is read: the entity/DTD points at a named pipe, and opening a pipe for reading
    blocks until someone writes. If any parser (expat, libxml2, feedparser, trafilatura) opened it, the
    read would hang and the time limit would fail the test."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    src = tmp_path / ("input.html" if case.startswith(("html", "xhtml")) else "input.xml")
    src.write_text(XXE_CASES[case](pipe))
    code = textwrap.dedent(f"""
        from importers.inputs import Input
        from importers.pipeline import Options, prepare
        item, docs, error, warnings = prepare(Input({str(src)!r}, path=__import__("pathlib").Path({str(src)!r})),
                                              Options(extract=False))
        print("ERROR" if docs is None else "DOCS", error)
    """)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                              cwd=Path(__file__).resolve().parents[2])
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case}: the parser opened {pipe} (it blocked reading the named pipe)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(("DOCS", "ERROR")), proc.stdout


# --- size -------------------------------------------------------------------------------------------------

WRAPPER = textwrap.dedent("""
    import atexit, runpy, sys
    def stats():
        # VmHWM: this process's peak RSS (ru_maxrss would inherit the forking parent's peak on Linux)
        io = dict(l.split(": ") for l in open("/proc/self/io").read().splitlines())
        status = dict(l.split(":", 1) for l in open("/proc/self/status").read().splitlines() if ":" in l)
        rss = status["VmHWM"].split()[0]
        sys.stderr.write(f"\\nSTATS maxrss_kb={rss} rchar={io['rchar'].strip()}\\n")
    atexit.register(stats)
    sys.argv = ["incidex", *sys.argv[1:]]
    runpy.run_module("importers.cli", run_name="__main__")
""")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io and status")
def test_a_1gb_file_is_refused_by_its_size_without_being_read(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:  # sparse: 1 GB on paper, nothing on disk
        fh.seek(1024 ** 3 - 1)
        fh.write(b"\n")
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    t0 = time.monotonic()
    # --no-extract: the good file must not load the extraction models, so the time measured is the refusal's
    proc = subprocess.run([sys.executable, "-c", WRAPPER, "import", "--no-extract", "--db", str(tmp_path / "x.db"),
                           str(big), str(good)],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    elapsed = time.monotonic() - t0
    assert elapsed < 5, elapsed
    assert proc.returncode == 1
    assert f"{big}: file is 1073.7 MB, over the 20.0 MB limit (--max-size)" in proc.stderr
    stats = dict(kv.split("=") for kv in proc.stderr.rsplit("STATS ", 1)[1].split())
    assert int(stats["maxrss_kb"]) < 400_000, stats  # never held the file: a full read alone would be 1 GB
    assert int(stats["rchar"]) < 200 * 1024 ** 2, stats  # every byte read (modules, databases...): far from 1 GB
    assert "A good article" in _stored_text(tmp_path / "x.db")


def test_stdin_over_the_limit_is_refused(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "importers.cli", "import", "--db", str(tmp_path / "x.db"),
                           "--max-size", "1k", "-"], input=b"x" * 5000, capture_output=True, timeout=60)
    assert proc.returncode == 1
    assert b"over the 1,000 bytes limit" in proc.stderr or b"over the" in proc.stderr, proc.stderr


# --- nesting ----------------------------------------------------------------------------------------------

DEEP = {"arrays": b"[" * 100_000 + b"]" * 100_000, "objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "in-a-bundle": b'{"type": "bundle", "objects": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"}


@pytest.mark.parametrize("fmt", ["auto", "json", "jsonl", "stix", "misp", "veris", "feed"])
@pytest.mark.parametrize("shape", sorted(DEEP))
def test_100k_levels_of_json_are_refused_by_every_json_reader(tmp_path, fmt, shape):
    from importers.readers import ReadError, read_bytes

    with pytest.raises(ReadError) as exc:
        read_bytes(DEEP[shape], "deep.json", fmt)
    assert "nested too deeply" in str(exc.value) and "\n" not in str(exc.value)


def test_deep_json_through_the_cli_names_each_file(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("records.json", "lines.jsonl", "bundle.json"):
        (d / name).write_bytes(DEEP["arrays"])
    (d / "feed.json").write_bytes(b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + DEEP["objects"] + b"}")
    (d / "good.txt").write_text(GOOD)
    proc, report = _import(tmp_path / "x.db", d)
    assert proc.returncode == 1
    reasons = _reasons(report)
    assert set(reasons) == {"records.json", "lines.jsonl", "bundle.json", "feed.json"}
    assert all("nested too deeply" in r for r in reasons.values()), reasons
    assert report["imported"] == 1


@pytest.mark.parametrize("fmt,data", [
    ("html", b"<html><body>" + b"<div>" * 100_000 + STORY.encode() * 3 + b"</div>" * 100_000 + b"</body></html>"),
    ("feed", _rss("", "x").encode().replace(b"<item>", b"<item>" + b"<x>" * 20_000, 1)),
])
def test_deeply_nested_markup_is_read_or_refused_in_one_line(fmt, data):
    from importers.pipeline import Options, prepare_document
    from importers.readers import ReadError, read_bytes

    t0 = time.monotonic()
    try:
        for doc in read_bytes(data, f"deep.{fmt}", fmt):
            prepare_document(doc, Options(extract=False))
    except ReadError as exc:
        assert "\n" not in str(exc)
    assert time.monotonic() - t0 < 30


# --- text front matter: YAML --------------------------------------------------------------------------------

YAML_LAUGHS = "---\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" if i else "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(9)) + "title: *l8\ntags: *l8\n---\nBody of the article about an attack on a port.\n"


@pytest.mark.parametrize("name,text,reason", [
    ("laughs.md", YAML_LAUGHS, "alias"),
    ("deep-flow.md", "---\ntags: " + "[" * 60_000 + "]" * 60_000 + "\n---\nBody text of the article.\n", None),
    ("deep-block.md", "---\n" + "".join(" " * i + "k:\n" for i in range(200)) + "---\nBody text of the article.\n",
     None),
], ids=["alias-bomb", "60k-flow-levels", "200-block-levels"])
def test_yaml_front_matter_bombs_are_refused(tmp_path, name, text, reason):
    """libyaml crashes the whole process (SIGSEGV) on ~50,000 nested `[`, and aliases multiply nine lines
    into a billion values: both are refused with one line, and the batch goes on.

    What the line says about deep nesting depends on which of our check and PyYAML's own limit (newer
    releases have one) sees it first, so the test asserts only what is ours: it names the front matter."""
    (tmp_path / name).write_text(text)
    (tmp_path / "good.txt").write_text(GOOD)
    t0 = time.monotonic()
    proc, report = _import(tmp_path / "x.db", tmp_path / name, tmp_path / "good.txt")
    assert time.monotonic() - t0 < 30
    assert proc.returncode == 1, proc.stderr
    said = _reasons(report)[name]
    assert "front matter" in said and "\n" not in said, said
    if reason:
        assert reason in said
    assert report["imported"] == 1


def test_impossible_dates_and_huge_numbers_in_front_matter_do_not_fail_the_article(tmp_path):
    (tmp_path / "a.md").write_text(f"---\ntitle: Port hit\npublished: 2024-02-30\nweight: {'9' * 5000}\n---\n"
                                   "Attackers hit the port authority with ransomware on Monday, officials said.\n")
    (tmp_path / "b.md").write_text("---\ntitle: Rail hit\ndate: 2024-13-45\n---\n"
                                   "Attackers hit the national railway on Monday, officials said.\n")
    proc, report = _import(tmp_path / "x.db", tmp_path / "a.md", tmp_path / "b.md")
    assert proc.returncode == 0, proc.stdout
    conn = sqlite3.connect(tmp_path / "x.db")
    dates = dict(conn.execute("SELECT title, published FROM source"))
    assert dates == {"Port hit": "2024-02", "Rail hit": "2024"}  # the valid part of each date is kept


# --- JSON values Python chokes on --------------------------------------------------------------------------

def test_numbers_over_4300_digits_are_one_clear_error(tmp_path):
    (tmp_path / "big.json").write_text('[{"title": "Big", "summary": "x", "date": ' + "9" * 5000 + "}]")
    (tmp_path / "big.jsonl").write_text('{"title": "Big"}\n{"title": "Big", "date": ' + "9" * 5000 + "}\n")
    proc, report = _import(tmp_path / "x.db", tmp_path / "big.json", tmp_path / "big.jsonl")
    reasons = _reasons(report)
    assert reasons["big.json"] == "a number in the JSON is too long (over 4,300 digits)"
    assert reasons["big.jsonl"] == "line 2: a number in the JSON is too long (over 4,300 digits)"


def test_nan_infinity_and_lone_surrogates_in_records_are_stored_cleanly(tmp_path):
    """`NaN`, `Infinity` and `\\ud800` are accepted by Python's JSON parser; a lone surrogate used to crash
    the whole import at the database with a UnicodeEncodeError traceback."""
    (tmp_path / "stix.json").write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": [
        {"type": "incident", "id": "incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "name": "Lone \ud800 surrogate",
         "x_incidex_figures": [{"value": float("inf"), "unit": "records"}]},
        {"type": "threat-actor", "id": "threat-actor--f728b4fa-4248-5e3a-8a5d-2f346baa9455", "name": "Grp \udfff"},
        {"type": "relationship", "id": "relationship--1", "relationship_type": "attributed-to",
         "source_ref": "incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "target_ref": "threat-actor--f728b4fa-4248-5e3a-8a5d-2f346baa9455", "confidence": float("nan")}]}))
    (tmp_path / "veris.json").write_text(json.dumps({
        "incident_id": "v-1", "summary": "A \ud83d hospital was hit by ransomware.", "action": {"malware": {"variety": ["Ransomware"]}},
        "timeline": {"incident": {"year": float("inf"), "month": "x"}}, "confidence": float("-inf"),
        "attribute": {"confidentiality": {"data_total": float("inf")}}}))
    (tmp_path / "records.json").write_text(json.dumps([{"title": "Row \udc00", "summary": "ddos", "confidence": float("nan")}]))
    proc, report = _import(tmp_path / "x.db", tmp_path / "stix.json", tmp_path / "veris.json", tmp_path / "records.json")
    assert proc.returncode == 0, (proc.stderr, report)
    assert "Traceback" not in proc.stderr
    stored = _stored_text(tmp_path / "x.db")
    assert "Lone \ufffd surrogate" in stored and "Row \ufffd" in stored


def test_odd_values_in_structured_records_do_not_crash_their_reader(tmp_path):
    """Regressions from the fuzz run: wrong types where the readers expected a dict, a string or a number."""
    from importers.readers import read_bytes

    docs = read_bytes(json.dumps({"type": "bundle", "objects": [
        {"type": "incident", "id": "incident--1", "name": "Wrong extensions", "extensions": 5}]}).encode(), "b.json", "stix")
    assert docs[0].title == "Wrong extensions"
    docs = read_bytes(json.dumps({"incident_id": "v", "summary": "An outage at a bank was caused by an error.",
                                  "action": {"error": {"variety": ["Misconfiguration"]}},
                                  "timeline": {"incident": {"year": 2020, "month": "March", "day": 3}}}).encode(),
                      "v.json", "veris")
    assert docs[0].drafts[0].date_start == "2020"
