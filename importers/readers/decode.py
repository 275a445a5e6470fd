"""Bytes to text, for inputs whose encoding nobody told us."""
from __future__ import annotations

import codecs


class ReadError(Exception):
    """An input that cannot be imported; the message is one line for the user."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KB mean this is not text."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.05


def decode(data: bytes, origin: str = "") -> str:
    """Decode with the BOM's encoding, else UTF-8, else Windows-1252, else UTF-8 with replacement.

    Raises ReadError for empty, whitespace-only and binary inputs.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError:
                text = data[len(bom):].decode(enc, errors="replace")
            break
    else:
        if looks_binary(data):
            raise ReadError("binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                # Windows-1252 leaves five bytes undefined; text in it never uses them.
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise ReadError("empty file" if not data else "file has no text (only white space)")
    return text
