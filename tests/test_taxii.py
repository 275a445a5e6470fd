"""TAXII 2.1 against a real server: medallion (the OASIS reference server, memory backend, basic auth) started
on 127.0.0.1 for these tests. `incidex export --format stix --taxii` pushes our bundle, `incidex import
taxii://...` pulls it into a fresh database with every incident back, `--added-after` pulls only what is new,
and a server that refuses, times out, answers junk or fails half way is one line, exit 2, nothing written.

medallion 3.0.0 reads the `version` property of a STIX object as its version timestamp (common.find_att), so
a collection holding an `extension-definition` (whose `version` is "1.0.0", as STIX 2.1 requires) answers
HTTP 500 to every read. The server below is medallion with only that function corrected: manifests carry
`version`, STIX objects are versioned by `modified` or `created`."""
from __future__ import annotations

import http.server
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("taxii2client")
pytest.importorskip("medallion")

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
INPUTS = ("bundle.stix.json", "event.misp.json", "incident.veris.json")
USER, PASSWORD = "analyst", "s3cret-pass"
COLLECTION = "5d2ee7a1-8a5b-4b39-9a0c-3f1c63a7c9e1"

RUNNER = '''
import sys
import medallion.common as common
from medallion.backends import memory_backend
from medallion.filters import basic_filter

_original = common.find_att

def find_att(obj):
    if "version" in obj and "type" in obj:  # a STIX object's own `version` property, not a manifest's
        obj = {k: v for k, v in obj.items() if k != "version"}
    return _original(obj)

common.find_att = memory_backend.find_att = basic_filter.find_att = find_att
from medallion.scripts.run import main
sys.exit(main())
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"medallion exited: {proc.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # polling a port that is not open yet (bounded by the deadline)
    raise RuntimeError("medallion did not start listening")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of a medallion server with one empty read-write collection at /api1/."""
    tmp = tmp_path_factory.mktemp("taxii")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    data = {
        "/discovery": {"title": "test", "default": f"{base}/api1/", "api_roots": [f"{base}/api1/"]},
        "api1": {"information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"],
                                 "max_content_length": 9765625},
                 "status": [],
                 "collections": [{"id": COLLECTION, "title": "incidents", "can_read": True, "can_write": True,
                                  "media_types": ["application/stix+json;version=2.1"], "objects": [],
                                  "manifest": []}]},
    }
    (tmp / "data.json").write_text(json.dumps(data))
    config = {"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                          "filename": str(tmp / "data.json")},
              "users": {USER: PASSWORD}, "taxii": {"max_page_size": 7}}  # small pages: the pull follows `next`
    (tmp / "config.json").write_text(json.dumps(config))
    (tmp / "run.py").write_text(RUNNER)
    proc = subprocess.Popen([sys.executable, str(tmp / "run.py"), "--host", "127.0.0.1", "--port", str(port),
                             str(tmp / "config.json")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_listening(port, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("INCIDEX_TAXII_USER", USER)
    monkeypatch.setenv("INCIDEX_TAXII_PASSWORD", PASSWORD)


def _rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


TITLES = "SELECT title FROM incident WHERE merged_into IS NULL ORDER BY title"
EVIDENCE = "SELECT a.name, ia.role, ia.evidence FROM incident_actor ia JOIN actor a ON a.id = ia.actor_id ORDER BY 1, 2"


def test_push_then_pull_into_a_fresh_database(cli, tmp_path, server, creds):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    result = cli("import", "--db", first, *(FORMATS / n for n in INPUTS))
    assert result.exit_code == 0, result.output
    result = cli("export", "--db", first, "--format", "stix", "--taxii", f"{server}/api1/", "--collection", COLLECTION)
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.stderr

    # taxii+http:// is the collection URL over plain HTTP (taxii:// is HTTPS)
    url = f"taxii+http{server[4:]}/api1/collections/{COLLECTION}/"
    result = cli("import", "--json", "--db", second, url)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["failed"] == 0 and summary["taxii"][0]["objects"] > 7  # more than one page
    assert _rows(second, TITLES) == _rows(first, TITLES) and _rows(first, TITLES)
    assert _rows(second, EVIDENCE) == _rows(first, EVIDENCE)
    origins = {r[0] for r in _rows(second, "SELECT origin FROM source")}
    assert origins == {url}  # the collection, never a credential

    # incremental: nothing was added since the last pull, so nothing is read and nothing changes
    added_last = summary["taxii"][0]["added_last"]
    assert added_last
    before = _rows(second, "SELECT count(*) FROM source")
    result = cli("import", "--db", second, "--taxii", f"{server}/api1/", "--collection", COLLECTION,
                 "--added-after", added_last)
    assert result.exit_code == 0, result.output
    assert "pulled 0 objects" in result.stderr
    assert _rows(second, "SELECT count(*) FROM source") == before


def test_wrong_password_is_one_line_and_nothing_written(cli, tmp_path, server, monkeypatch):
    monkeypatch.setenv("INCIDEX_TAXII_USER", USER)
    monkeypatch.setenv("INCIDEX_TAXII_PASSWORD", "wrong")
    db = tmp_path / "x.db"
    result = cli("import", "--db", db, "--taxii", f"{server}/api1/collections/{COLLECTION}/")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "401" in result.stderr
    assert "wrong" not in result.stderr
    assert not db.exists()


def test_credentials_in_the_url_are_used_and_never_shown(cli, tmp_path, server):
    db = tmp_path / "x.db"
    host = server.split("://")[1]
    result = cli("import", "--db", db, f"taxii+http://{USER}:nope@{host}/api1/collections/{COLLECTION}/")
    assert result.exit_code == 2 and "nope" not in result.stderr and USER not in result.stderr


def test_refused_connection(cli, tmp_path):
    db = tmp_path / "x.db"
    result = cli("import", "--db", db, f"taxii+http://127.0.0.1:{_free_port()}/api1/collections/{COLLECTION}/")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_a_server_that_never_answers_times_out(cli, tmp_path, monkeypatch):
    from importers import taxii

    monkeypatch.setattr(taxii, "TIMEOUT", 0.5)
    with socket.socket() as listener:  # accepts connections (the backlog) and never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        result = cli("import", "--db", tmp_path / "x.db", f"taxii+http://127.0.0.1:{port}/api1/collections/c/")
    assert result.exit_code == 2 and "0.5 s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


class _Fake(http.server.BaseHTTPRequestHandler):
    """A server that speaks TAXII until it does not: `mode` says how it goes wrong."""

    mode = "junk"

    def log_message(self, *args):
        pass

    def _send(self, code: int, body: bytes, ctype: str = "application/taxii+json;version=2.1") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.mode == "junk":
            return self._send(200, b"<html>not taxii</html>", "text/html")
        if self.mode == "not-json":
            return self._send(200, b"{not json")
        if not self.path.split("?")[0].endswith("/objects/"):
            info = {"id": "c", "title": "c", "can_read": True, "can_write": False,
                    "media_types": ["application/stix+json;version=2.1"]}
            return self._send(200, json.dumps(info).encode())
        if self.mode == "huge":  # an answer far over --max-size
            return self._send(200, b'{"objects": [' + b" " * 3_000_000 + b"]}")
        if "next=" in self.path:
            return self._send(500, b"{}")  # the second page fails
        first = json.loads((FORMATS / "bundle.stix.json").read_text())["objects"]
        return self._send(200, json.dumps({"more": True, "next": "2", "objects": first}).encode())


@pytest.mark.parametrize("mode", ["junk", "not-json", "half", "huge"])
def test_junk_or_a_failure_half_way_imports_nothing(cli, tmp_path, mode):
    handler = type("Handler", (_Fake,), {"mode": mode})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        db = tmp_path / "x.db"
        cli("import", "--db", db, FORMATS / "event.misp.json")  # a database with something in it already
        before = _rows(db, "SELECT count(*) FROM source")
        result = cli("import", "--db", db, "--max-size", "1MB",
                     f"taxii+http://127.0.0.1:{httpd.server_port}/api1/collections/c/")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert _rows(db, "SELECT count(*) FROM source") == before


def test_options_are_checked_before_any_request(cli, tmp_path):
    db = tmp_path / "x.db"
    assert cli("import", "--db", db, "--collection", "c").exit_code == 2
    bad = cli("import", "--db", db, "--taxii", "taxii://h/api1/collections/c/", "--added-after", "last week")
    assert bad.exit_code == 2 and "--added-after" in bad.stderr
    assert cli("import", "--db", db, "--taxii", "taxii://h/api1/").exit_code == 2  # no collection named
    push = cli("export", "--db", db, "--format", "json", "--taxii", "taxii://h/api1/collections/c/")
    assert push.exit_code == 2 and "stix" in push.stderr
    assert not db.exists()


def test_a_collection_named_two_ways_is_one_endpoint():
    from importers import taxii

    a = taxii.endpoint("taxii://h.example/api1/collections/c")
    b = taxii.endpoint("https://u:p@h.example/api1/", collection="c")
    assert a.url == b.url == "https://h.example/api1/collections/c/" and b.user == "u" and b.password == "p"
