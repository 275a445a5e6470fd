"""Small text helpers shared by the extraction modules: accent folding that keeps offsets, tokens, keys."""
from __future__ import annotations

import re
import unicodedata

_FOLD: dict[int, str] = {}


def _build_fold() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c))
        if len(base) >= 1 and base != ch and base.isascii():
            table[cp] = base[0]
    for src, dst in {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-",
                     "\u00a0": " ", "\u202f": " ", "\u2009": " ", "ß": "s", "æ": "a", "Æ": "A", "œ": "o",
                     "Œ": "O", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i"}.items():
        table[ord(src)] = dst
    return table


_FOLD = _build_fold()


def fold(text: str) -> str:
    """Accent-free text of exactly the same length (so offsets stay valid)."""
    out = text.translate(_FOLD)
    return out if len(out) == len(text) else text


def fold_lower(text: str) -> str:
    out = fold(text)
    low = out.lower()
    return low if len(low) == len(out) else out


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_WORD = re.compile(r"\w+")


def key(text: str) -> str:
    """Normalised lookup key: accent-free lowercase words joined by single spaces."""
    return " ".join(_WORD.findall(strip_accents(text).lower().replace("'", " ").replace("’", " ")))


WORD_RE = _WORD
