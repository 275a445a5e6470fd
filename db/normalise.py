"""Normalised forms of names, used for identity (actors, aliases) and matching."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower case without accents: 'Île-de-France' -> 'ile-de-france'."""
    text = text or ""
    if text.isascii():  # nothing to decompose (the same result, without a pass per character)
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def normalise(name: str) -> str:
    """Identity key of a name: folded, apostrophes dropped, other punctuation as single spaces.

    'KillNet' and 'Killnet' -> 'killnet'; 'NoName057(16)' -> 'noname057 16'; "L'Express" -> 'lexpress'.
    """
    text = re.sub(r"['’‘`]", "", fold(name))
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def normalise_cached(name: str) -> str:
    """normalise() memoised, for the short names (places, actors) that every report of a story repeats."""
    return normalise(name)
