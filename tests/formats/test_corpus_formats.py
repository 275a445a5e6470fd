"""The held-out real files of ../shared/corpus/formats (Unit 42 STIX 2.0 bundles, OASIS STIX 2.1 examples,
CIRCL MISP events, VERIS incidents, RSS/Atom/JSON feeds, the CyberPeace sample) import, and re-export in
every format: the STIX bundle with 0 validator errors, MISP events that pass PyMISP's strict schema and
load as MISPEvents; the STIX and MISP exports import into a fresh database with the same incidents.
(Skipped where the corpus is not checked out: it is measurement data, never copied into the repository.)"""
from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path

import pytest

from tests.formats.conftest import import_json

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "formats"
KINDS = {"stix": "*.json", "misp": "*.json", "veris": "*.json", "feeds": "*.*"}
EMPTY = {"incomplete-fields.atom"}  # an Atom feed whose one entry has no title and no text: nothing to import
CYBERPEACE_MAP = ("id=event._key", "title=event.eventName", "type=event.type", "date=event.eventDateFrom",
                  "summary=event.description", "country=location.countryAbbreviation",
                  "confidence=event.eventConfidence", "actor=threatActor.name",
                  "actor_aliases=threatActor.identifiers", "actor_kind=threatActor.type",
                  "actor_country=threatActor.origin", "url=sources.URL", "source_title=sources.title",
                  "publisher=sources.sourceName")


def _files() -> list[Path]:
    out = []
    for kind, pattern in KINDS.items():
        folder = CORPUS / kind
        if folder.is_dir():
            out += [p for p in sorted(folder.glob(pattern)) if not p.name.startswith("LICENSE")]
    return out


def _titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT title FROM incident WHERE merged_into IS NULL"))


def _stix_errors(bundle: dict) -> list[str]:
    from stix2validator import ValidationOptions, validate_parsed_json

    result = validate_parsed_json(bundle, ValidationOptions(version="2.1"))
    return [] if result.is_valid and not result.errors else [str(e) for e in result.errors or ["invalid"]]


def _misp_errors(events: list[dict]) -> list[str]:
    pymisp = pytest.importorskip("pymisp")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(pymisp.__file__).parent / "data" / "schema.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    errors = [str(list(err.absolute_path)) for e in events for err in validator.iter_errors(e)]
    for e in events:
        ev = pymisp.MISPEvent(strict_validation=True)
        ev.load(copy.deepcopy(e))
    return errors


def _round_trip(cli, db: Path, tmp_path: Path) -> None:
    """Every format exports; STIX and MISP validate and import back into fresh databases with the same titles."""
    for fmt in ("json", "csv", "markdown"):
        result = cli("export", "--db", db, "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
    titles = _titles(db)
    for fmt in ("stix", "misp"):
        out = tmp_path / f"export.{fmt}.json"
        result = cli("export", "--db", db, "--format", fmt, "--output", out)
        assert result.exit_code == 0, (fmt, result.output)
        data = json.loads(out.read_text(encoding="utf-8"))
        if fmt == "stix":
            assert _stix_errors(data) == []
        else:
            assert _misp_errors(data["response"]) == []
        if not titles:
            continue
        fresh = tmp_path / f"fresh-{fmt}.db"
        summary = import_json(cli, fresh, out)
        assert summary["failed"] == 0, (fmt, summary)
        assert _titles(fresh) == titles, fmt


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_imports_and_re_exports(cli, tmp_path, path):
    pytest.importorskip("stix2validator")
    db = tmp_path / "corpus.db"
    summary = import_json(cli, db, path)
    if path.name in EMPTY:
        assert summary["failed"] == 1 and summary["outcomes"][0]["reason"]  # one clear reason, nothing stored
        return
    assert summary["failed"] == 0, summary
    assert summary["sources_added"] > 0
    if path.parent.name != "feeds":  # structured records: each is an incident (articles may report none)
        assert _titles(db)
    _round_trip(cli, db, tmp_path)


def test_cyberpeace_sample_imports_and_re_exports(cli, tmp_path):
    pytest.importorskip("stix2validator")
    sample = CORPUS / "cyberpeace" / "events-sample.json"
    if not sample.is_file():
        pytest.skip("the CyberPeace sample is not checked out")
    db = tmp_path / "cyberpeace.db"
    args = [a for m in CYBERPEACE_MAP for a in ("--map", m)]
    summary = import_json(cli, db, *args, sample)
    assert summary["failed"] == 0 and summary["incidents"] > 100, summary
    _round_trip(cli, db, tmp_path)
