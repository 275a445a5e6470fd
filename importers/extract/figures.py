"""Figures with units: "9,156 breakdowns", "43 million people", "19 000 websites", "1 070 attacks", "$5 million"."""
from __future__ import annotations

import re
from dataclasses import dataclass

_MONEY_WORDS = r"bitcoins?|dollars|euros|pounds"  # units that are money: a currency sign before the number wins
_UNITS = (r"people|persons|individuals|users|customers|clients|citizens|residents|subscribers|members|employees|"
          r"staff|patients|students|accounts|records|rows|entries|files|documents|emails|e-mails|messages|"
          r"passwords|credentials|cards|credit\s+cards|websites|web\s+sites|sites|pages|domains|servers|computers|"
          r"machines|devices|endpoints|systems|networks|databases|attacks|cyber-?attacks|incidents|breakdowns|"
          r"outages|disruptions|connections|lines|homes|households|businesses|companies|organi[sz]ations|firms|"
          r"institutions|hospitals|schools|municipalities|victims|locations|stores|branches|restaurants|hotels|"
          r"properties|requests|queries|packets|bots|ip\s+addresses|"
          r"addresses|numbers|photos|photographs|images|videos|transactions|apps|applications|downloads|installs|"
          r"terabytes|gigabytes|TB|GB|" + _MONEY_WORDS + r"|denial[- ]of[- ]service\s+attacks")
# a word that starts a clause is never between a number and what it counts: "$1,100 when the computers were hacked"
_CLAUSE_WORD = r"(?:when|while|if|because|after|before|since|as|than|that|which|who|whom|where|per|each|was|were|is|are)"
_NUMBER = r"(?P<num>\d{1,3}(?:(?:,|\u00a0|\u202f| )\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>million|billion|thousand|m|bn|k)\b)?"
_FIG_RE = re.compile(
    rf"(?P<cur>[$€£]|US\$|USD\s|EUR\s)?\s?{_NUMBER}{_SCALE}(?:\s*(?P<plus>\+|-plus))?"
    rf"(?:\s+(?P<mid>(?:(?!\d|{_CLAUSE_WORD}\b)[\w'’-]+\s+){{0,3}}?)(?P<unit>{_UNITS})\b)?", re.I)
_CURRENCY = {"$": "USD", "US$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP"}
_MONEY_UNIT = re.compile(_MONEY_WORDS, re.I)
_SCALES = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}


@dataclass
class FigureHit:
    value: float
    unit: str
    text: str
    start: int
    end: int


def find(text: str) -> list[FigureHit]:
    out = []
    for m in _FIG_RE.finditer(text):
        num = m.group("num")
        unit = m.group("unit")
        cur = (m.group("cur") or "").strip()
        scale = m.group("scale")
        if not unit and not cur and not (scale and scale.lower() in ("million", "billion")):
            continue
        if m.start("num") > 0 and text[m.start("num") - 1] in "-/:.":
            continue
        # a group separated by a plain space must look like thousands, not "in 2020 50 people"
        raw = re.sub(r"[,\u00a0\u202f ]", "", num)
        try:
            value = float(raw)
        except ValueError:
            continue
        if " " in num and re.match(r"(?:19|20)\d{2} ", num):
            continue
        if not scale and not cur and re.fullmatch(r"(?:19|20)\d{2}", raw) and not re.search(
                r"(?:about|some|over|more\s+than|nearly|almost|up\s+to|at\s+least|around|approximately|than|of)\s+$",
                text[max(0, m.start() - 20):m.start()], re.I):
            continue  # a year ("in April 2021 the firm ...")
        if scale:
            if scale.lower() in ("m", "k", "bn") and not cur and not unit:
                continue
            value *= _SCALES[scale.lower()]
        if value == int(value):
            value = int(value)
        if cur and unit and _MONEY_UNIT.fullmatch(unit):
            unit = None  # "$4.5 million in bitcoin": dollars, paid in bitcoin
        if unit:
            u = re.sub(r"\s+", " ", unit.lower())
        elif cur:
            u = _CURRENCY.get(cur, cur)
        else:
            u = "count"
        start = m.start("cur") if m.group("cur") else m.start("num")
        end = m.end("unit") if unit else (m.end("scale") if scale else m.end("num"))
        out.append(FigureHit(value=value, unit=u, text=text[start:end], start=start, end=end))
    return out
