"""Readers turn one input (a file's bytes) into Documents. One module per format.

`read_bytes(data, origin, fmt)` is the single entry point: it detects the format from the content
(and the file name as a hint) unless one is forced, decodes text safely, and raises ReadError with a
one-line reason for anything it cannot use.
"""
from __future__ import annotations

from collections.abc import Callable

from db.drafts import Document
from importers.readers.decode import ReadError, decode

FORMATS = ("auto", "text")


def detect(data: bytes, origin: str) -> str:
    """The format of an input, from its content first and its name second."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or (b"<html" in low and b"<body" in data[:65536].lower()):
        return "html"
    if low.startswith(b"<?xml") or low.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return "xml"
    if head[:1] in (b"{", b"["):
        return "json"
    name = origin.lower()
    for ext, fmt in ((".html", "html"), (".htm", "html"), (".json", "json"), (".jsonl", "json"),
                     (".csv", "csv"), (".xml", "xml"), (".rss", "xml"), (".atom", "xml")):
        if name.endswith(ext):
            return fmt
    return "text"


def _text(data: bytes, origin: str) -> list[Document]:
    from importers.readers.text import read_text

    return read_text(decode(data, origin), origin)


READERS: dict[str, Callable[[bytes, str], list[Document]]] = {"text": _text}


def read_bytes(data: bytes, origin: str, fmt: str = "auto") -> list[Document]:
    if fmt == "auto":
        fmt = detect(data, origin)
    reader = READERS.get(fmt)
    if reader is None:
        raise ReadError(f"{fmt} input is not supported yet (supported: {', '.join(sorted(READERS))})")
    return reader(data, origin)


__all__ = ["FORMATS", "READERS", "ReadError", "detect", "read_bytes"]
