"""Text folding, tokenising and fzf-like scoring for the search engine (`db.search`).

Pure Python, no database access. Everything here works on *folded* text: accents stripped and
(unless asked otherwise) lower-cased, **one output character per input character**, so that match
positions found in the folded text are valid indexes into the displayed text.
"""
from __future__ import annotations

import re
import unicodedata

_TOKEN_RE = re.compile(r"[^\W_]+")


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)
    for c in base:
        if not unicodedata.combining(c):
            return c
    return " " if unicodedata.combining(ch) else ch


class _FoldTable(dict[int, str]):
    """str.translate table computed on demand: one character in, one character out."""

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self.lower = lower

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = _fold_char(ch)
        if self.lower:
            low = f.lower()
            f = low if len(low) == 1 else f
        self[code] = f
        return f


_LOWER = _FoldTable(True)
_KEEP = _FoldTable(False)


def fold(text: str, *, keep_case: bool = False) -> str:
    """Strip accents (and lower-case unless keep_case), keeping the length: len(fold(s)) == len(s)."""
    if text.isascii():
        return text if keep_case else text.lower()
    return text.translate(_KEEP if keep_case else _LOWER)


def tokens(text: str, *, keep_case: bool = False) -> list[str]:
    """Alphanumeric runs of the folded text (mirrors FTS5 unicode61 remove_diacritics closely enough)."""
    return _TOKEN_RE.findall(fold(text, keep_case=keep_case))


def compact(text: str) -> str:
    """Folded, lower-case, alphanumerics only: 'NoName057(16)' -> 'noname05716'."""
    return "".join(tokens(text))


def is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


def _is_boundary(text: str, i: int) -> bool:
    if i == 0:
        return True
    prev, cur = text[i - 1], text[i]
    if not prev.isalnum():
        return True
    # camelCase and letter/digit transitions count as boundaries too (fzf does the same).
    if prev.islower() and cur.isupper():
        return True
    return prev.isalpha() != cur.isalpha()


def score_term(text: str, needle: str) -> tuple[float, list[int]]:
    """fzf-like score of `needle` in `text` (both already folded the same way) and matched positions.

    Order of preference: a whole-word match, then a match at a word boundary (prefix), then any
    substring, then an in-order subsequence (consecutive runs and word-boundary starts score higher).
    Returns (0, []) when the needle does not occur in the text at all.
    """
    n = len(needle)
    if not n:
        return 0.0, []
    best = -1.0
    best_pos: list[int] = []
    start = text.find(needle)
    while start != -1:
        s = 60.0 + 2 * n
        if _is_boundary(text, start):
            s += 30.0
            end = start + n
            if end == len(text) or not text[end].isalnum():
                s += 10.0  # whole word
            if start == 0:
                s += 5.0
        if s > best:
            best, best_pos = s, list(range(start, start + n))
            if s >= 100:
                break
        start = text.find(needle, start + 1)
    if best >= 0:
        return best, best_pos
    # In-order subsequence, greedy from the left then tightened from the right (fzf v1 style).
    pos = []
    i = 0
    for ch in needle:
        i = text.find(ch, i)
        if i < 0:
            return 0.0, []
        pos.append(i)
        i += 1
    end = pos[-1]
    j = end
    for k in range(n - 1, -1, -1):
        j = text.rfind(needle[k], 0, j + 1)
        pos[k] = j
        j -= 1
    s = 20.0 + n
    for k, p in enumerate(pos):
        if _is_boundary(text, p):
            s += 4.0
        if k and p == pos[k - 1] + 1:
            s += 3.0
        elif k:
            s -= min(p - pos[k - 1] - 1, 10) * 0.5
    return max(s, 1.0), pos


_VARIANTS: dict[tuple[str, bool], str] | None = None


def _variants_table() -> dict[tuple[str, bool], str]:
    global _VARIANTS
    if _VARIANTS is None:
        table: dict[tuple[str, bool], set[str]] = {}
        for code in list(range(0x20, 0x7F)) + list(range(0xA0, 0x250)) + list(range(0x1E00, 0x1F00)):
            ch = chr(code)
            for cs in (False, True):
                f = fold(ch, keep_case=cs)
                if len(f) == 1:
                    table.setdefault((f, cs), set()).add(ch)
        _VARIANTS = {k: "".join(sorted(v)) for k, v in table.items()}
    return _VARIANTS


def needle_regex(needle: str, *, case_sensitive: bool = False, word_start: bool = False) -> re.Pattern[str]:
    """A regex finding `needle` (folded) in *unfolded* text, accent-insensitive and case-insensitive
    unless case_sensitive: no need to fold every candidate row before testing it."""
    table = _variants_table()
    parts = []
    for ch in needle:
        chars = set(table.get((ch, case_sensitive), ch)) | {ch}
        if not case_sensitive:
            chars |= {ch.upper()} if len(ch.upper()) == 1 else set()
        if len(chars) == 1:
            parts.append(re.escape(ch))
        else:
            parts.append("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
    if word_start and parts:
        # The boundary test goes *after* the first character: a pattern that starts with a character
        # (class) lets `re` skip ahead fast; a leading lookbehind is tried at every position (10x slower).
        parts[0] = parts[0] + r"(?<![^\W_]" + parts[0] + ")"
    return re.compile("".join(parts))
