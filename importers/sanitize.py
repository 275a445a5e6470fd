"""Terminal safety for text from articles and the database: escape sequences and invisible or
direction-changing characters removed. A module of its own (two regular expressions) so that the
browser can import it without the cleaning rules of `importers.clean`."""
from __future__ import annotations

import re

# CSI, OSC (terminated by BEL or ST), and other two-byte escapes; C1 controls as single code points.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b[@-Z\\-_]"  # other Fe escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)
# Controls we drop: C0 except tab/newline, DEL, C1, bidi overrides/isolates, zero-width and BOM.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def strip_unsafe(text: str) -> str:
    """Remove escape sequences and invisible or direction-changing characters; keep newlines and tabs."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    return _UNSAFE.sub("", text)


def safe_line(text: str | None) -> str:
    """One-line, control-free form of a metadata value (titles, names) for storage and display."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", strip_unsafe(str(text))).strip()
