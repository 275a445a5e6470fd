"""Sentence splitting with character offsets into the body."""
from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset("""mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev inc ltd co corp
no nos vs etc e.g i.e al approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n
e.u a.m p.m ph.d""".split())


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    index: int = 0
    paragraph: int = 0


_PARA = re.compile(r"\n\s*\n|\n(?=\s*[•\-*]\s)|\n(?=[A-Z\"“‘'(])")
# a word that opens sentences and never follows an abbreviation inside one: "employees of Gannett Co. As of
# Tuesday ..." is two sentences ("U.S. officials", "Dr. Smith", "Inc. and" stay one)
_OPENER = re.compile(r"[\"“‘'(\[]?(?:The|A|An|As|In|On|At|It|Its|This|That|These|Those|He|She|They|We|But|However|"
                     r"According|There|His|Her|Their|Our|After|When|While|If|Some|Many|Most)\s")
_END = re.compile(r"([.!?]+|…)([\"”’')\]]*)(\s+)(?=[\"“‘'(\[]?[A-Z0-9À-Ý#@])")


def split(body: str) -> list[Sentence]:
    """Split ``body`` into sentences; ``body[s.start:s.end] == s.text`` for each, whitespace trimmed."""
    out: list[Sentence] = []
    para = 0
    pos = 0
    bounds = []
    for m in _PARA.finditer(body):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(body)))
    for pstart, pend in bounds:
        chunk = body[pstart:pend]
        if not chunk.strip():
            continue
        s0 = 0
        for m in _END.finditer(chunk):
            cut = m.end(2)
            before = chunk[max(s0, m.start(1) - 24):m.start(1)]
            last = re.search(r"([\w.]+)$", before)
            word = last.group(1).lower() if last else ""
            if m.group(1) == "." and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())
                                      or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)) \
                    and not (len(word) > 1 and _OPENER.match(chunk, m.end())):
                continue
            _add(out, body, pstart + s0, pstart + cut, para)
            s0 = m.end()
        _add(out, body, pstart + s0, pend, para)
        para += 1
    for i, s in enumerate(out):
        s.index = i
    return out


def _add(out: list[Sentence], body: str, start: int, end: int, para: int) -> None:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(body[start:end], start, end, 0, para))
