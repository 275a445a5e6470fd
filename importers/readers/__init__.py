"""Readers turn one input (a file's bytes) into Documents. One module per format.

`read_bytes(data, origin, fmt)` is the single entry point: it detects the format from the content
(and the file name as a hint) unless one is forced, decodes text safely, and raises ReadError with a
one-line reason for anything it cannot use.

Formats: text (txt, Markdown), html, feed (RSS/Atom/JSON Feed; `detect` calls XML "xml", read as a feed),
stix, misp, veris, csv, json, jsonl.
`json` looks inside: a STIX bundle, a MISP event, a VERIS incident or a JSON Feed is read as such, any
other JSON as records (with the mapping given by `FormatSpec`, or common field names).
"""
from __future__ import annotations

from collections.abc import Callable

from db.drafts import Document
from importers.readers.decode import ReadError, decode

FORMATS = ("auto", "text", "html", "feed", "stix", "misp", "veris", "csv", "json", "jsonl")


class FormatSpec(str):
    """A format name that also carries a record mapping (`--map`, `--mapping`) to the readers.

    It is a `str`, so code that only passes the format along keeps working, and it pickles with its
    mapping into the worker processes of a parallel import.
    """

    mapping: dict | None

    def __new__(cls, name: str, mapping: dict | None = None):
        obj = super().__new__(cls, name)
        obj.mapping = mapping
        return obj


TEXT_EXTENSIONS = (".txt", ".text", ".md", ".markdown")


def _is_json(data: bytes, origin: str) -> bool:
    from importers.readers.jsonutil import load_json_or_lines

    try:
        load_json_or_lines(data, origin)
    except ReadError:
        return False
    return True


def detect(data: bytes, origin: str) -> str:
    """The format of an input, from its content first and its name second."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: look at the text
        try:
            head = data[:8192].decode("utf-16")[:2048].lstrip("\ufeff \t\r\n").encode("utf-8", "replace")
        except UnicodeDecodeError:
            pass
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or (b"<html" in low and b"<body" in data[:65536].lower()):
        return "html"
    if low.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf", b"<!doctype rss")):
        if b"<html" in data[:4096].lower() and b"<rss" not in low and b"<feed" not in low:
            return "html"
        return "xml"  # read as a feed (RSS 0.9x/1.0/2.0, Atom); other XML gets a clear error
    name = origin.lower()
    if head[:1] in (b"{", b"["):
        # A headline may start with a bracket ("[Update] Ransomware hits ..."): a text file is JSON only
        # when it parses as JSON.
        if name.endswith(TEXT_EXTENSIONS) and not _is_json(data, origin):
            return "text"
        return "json"
    for ext, fmt in ((".html", "html"), (".htm", "html"), (".xhtml", "html"), (".jsonl", "jsonl"),
                     (".ndjson", "jsonl"), (".json", "json"), (".csv", "csv"), (".tsv", "csv"), (".xml", "xml"),
                     (".rss", "xml"), (".atom", "xml")):
        if name.endswith(ext):
            return fmt
    return "text"


def _text(data: bytes, origin: str) -> list[Document]:
    from importers.readers.text import read_text

    return read_text(decode(data, origin), origin)


def _html(data: bytes, origin: str) -> list[Document]:
    from importers.readers.html import read_html

    return read_html(data, origin)


def _feed(data: bytes, origin: str) -> list[Document]:
    from importers.readers.feeds import read_feed

    return read_feed(data, origin)


def _stix(data: bytes, origin: str) -> list[Document]:
    from importers.readers.stix import read_stix

    return read_stix(data, origin)


def _misp(data: bytes, origin: str) -> list[Document]:
    from importers.readers.misp import read_misp

    return read_misp(data, origin)


def _veris(data: bytes, origin: str) -> list[Document]:
    from importers.readers.jsonutil import load_json_or_lines
    from importers.readers.veris import veris_documents

    return veris_documents(load_json_or_lines(data, origin=origin), origin)


def read_json_any(data: bytes, origin: str, mapping: dict | None = None, fmt: str = "json") -> list[Document]:
    """JSON or JSON Lines: a known structure by its shape, else records."""
    from importers.readers import tabular
    from importers.readers.jsonutil import load_json, load_jsonl, looks_like_jsonl

    m = tabular.compile_mapping(mapping) if mapping else None
    text = decode(data, origin)
    lines = fmt == "jsonl" or looks_like_jsonl(text)
    value = load_jsonl(text, origin=origin) if lines else load_json(text, origin=origin)
    if m is None or not m.given:
        from importers.readers.feeds import is_json_feed, json_feed_documents
        from importers.readers.incidex import incidex_documents, is_incidex
        from importers.readers.misp import is_misp, misp_documents
        from importers.readers.stix import is_stix, stix_documents
        from importers.readers.veris import is_veris, veris_documents

        if is_incidex(value):  # our own export, read back with its evidence
            return incidex_documents(value, origin)
        if is_stix(value):
            return stix_documents(value, origin)
        if is_misp(value):
            return misp_documents(value, origin)
        if is_veris(value):
            return veris_documents(value, origin)
        if is_json_feed(value):
            return json_feed_documents(value, origin)
        if lines and value and all(is_stix(v) for v in value[:3]):
            return [d for v in value for d in stix_documents(v, origin)]
        if lines and value and all(is_misp(v) for v in value[:3]):
            return [d for v in value for d in misp_documents(v, origin)]
    records = value if lines else tabular._records_in(value, m or tabular.Mapping())
    return tabular.read_records(records, origin, "jsonl" if lines else "json", m)


def _json(data: bytes, origin: str) -> list[Document]:
    return read_json_any(data, origin)


def _jsonl(data: bytes, origin: str) -> list[Document]:
    return read_json_any(data, origin, fmt="jsonl")


def _csv(data: bytes, origin: str, mapping: dict | None = None) -> list[Document]:
    from importers.readers import tabular

    return tabular.read_csv(data, origin, tabular.compile_mapping(mapping) if mapping else None)


READERS: dict[str, Callable[[bytes, str], list[Document]]] = {
    "text": _text, "html": _html, "feed": _feed, "xml": _feed, "stix": _stix, "misp": _misp, "veris": _veris,
    "csv": _csv, "json": _json, "jsonl": _jsonl,
}


def read_bytes(data: bytes, origin: str, fmt: str = "auto") -> list[Document]:
    mapping = getattr(fmt, "mapping", None)
    fmt = str(fmt)
    if fmt == "auto":
        fmt = detect(data, origin)
    if mapping and fmt in ("json", "jsonl"):
        return read_json_any(data, origin, mapping, fmt)
    if mapping and fmt == "csv":
        return _csv(data, origin, mapping)
    reader = READERS.get(fmt)
    if reader is None:
        raise ReadError(f"{fmt} input is not supported (supported: {', '.join(sorted(READERS))})")
    return reader(data, origin)


__all__ = ["FORMATS", "READERS", "FormatSpec", "ReadError", "detect", "read_bytes"]
