"""Terminal safety: the one definition of the characters that must never reach a terminal raw.

Everything that stores text (imports, curation) and everything that prints it (list, show, export, the
browser) uses this module (`tui.safe` adds the browser's glyphs to it). It lives in db/, the lower layer,
so that db can clean what curation stores and what the exports write without importing the importers.

- `strip_unsafe` / `safe_line`: remove escape sequences and the dangerous characters (for storage and for
  text, CSV, Markdown and table output).
- `escape_json` / `dumps` / `dump`: JSON keeps every character but writes the dangerous ones as `\\uXXXX`, so the
  output is harmless on a terminal and still gives back exactly what is stored.
"""
from __future__ import annotations

import json
import re
from typing import IO, Any

UNSAFE_CHARS = (
    "\x00-\x08\x0b-\x1f"  # C0 controls but tab and newline (a carriage return moves the cursor back)
    "\x7f-\x9f"  # DEL and the C1 controls (8-bit CSI, OSC, NEL...)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides and isolates
    "\u200b\u2060-\u2064\u206a-\u206f\ufeff"  # zero-width space, word joiner, invisible operators, BOM
    "\ufff9-\ufffb"  # interlinear annotation
)
"""The dangerous characters, as the body of a regular expression character class. Zero-width (non-)joiners
U+200C/U+200D are not in it: Persian, Indic scripts and emoji sequences need them, and they move no cursor."""
UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")

# CSI, OSC (terminated by BEL or ST), and other two-byte escapes; C1 controls as single code points.
ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b[@-Z\\-_]"  # other Fe escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)
_SPACE = re.compile(r"\s+")


def strip_unsafe(text: str) -> str:
    """Remove escape sequences and invisible or direction-changing characters; keep newlines and tabs."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ESCAPE_SEQUENCE.sub("", text)
    return UNSAFE.sub("", text)


def safe_line(text: object) -> str:
    """One-line, control-free form of a metadata value (titles, names) for storage and display."""
    if text is None or text == "":
        return ""
    return _SPACE.sub(" ", strip_unsafe(str(text))).strip()


def _u(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group(0)):04x}"


def escape_json(text: str) -> str:
    """JSON text (from `json.dumps`) with every dangerous character written as a `\\uXXXX` escape.

    Outside strings JSON holds only ASCII punctuation, digits, letters, spaces and newlines, so a dangerous
    character can only be inside a string, where the escape means the same character: the value round-trips.
    """
    return UNSAFE.sub(_u, text)


def dumps(data: Any, **kw: Any) -> str:
    """`json.dumps` (UTF-8 text, not ASCII-escaped) that is safe to print on a terminal."""
    kw.setdefault("ensure_ascii", False)
    return escape_json(json.dumps(data, **kw))


def dump(data: Any, out: IO[str], **kw: Any) -> None:
    """`json.dump` to a text stream, as `dumps` writes it, chunk by chunk (an export need not be held twice).
    Each chunk the encoder yields holds whole strings, so escaping chunk by chunk is the same as escaping all."""
    kw.setdefault("ensure_ascii", False)
    for chunk in json.JSONEncoder(**kw).iterencode(data):
        out.write(escape_json(chunk))
