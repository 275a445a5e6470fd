"""Date expressions in a sentence, resolved against the publication date (or an earlier resolved date).

:func:`find` returns :class:`DateHit` objects with a partial ISO value ('2024', '2024-03', '2024-03-11'), an
optional end ('March 11 and 12'), a precision (day, month, year) and the span in the sentence. Expressions
that need an anchor ("on Wednesday", "last year") stay unresolved when there is no publication date;
expressions relative to another event ("a month earlier", "days after ...") use the ``anchor`` given.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .words import MONTHS, WEEKDAYS

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "several": 3, "a few": 3, "few": 3, "couple of": 2, "a couple of": 2}
_COUNT = r"(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of)"


@dataclass
class DateHit:
    value: str | None  # None: a date expression that nothing anchors
    precision: str  # day, month, year, unknown
    start: int
    end: int
    text: str
    kind: str = "absolute"  # absolute, relative (to publication), anchored (to another event)
    end_value: str | None = None
    when: date | None = None  # representative day, for comparisons


def _iso(d: date, precision: str) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "month":
        return d.isoformat()[:7]
    return str(d.year)


def parse_partial(value: str | None) -> tuple[date | None, str]:
    if not value:
        return None, "unknown"
    m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        return None, "unknown"
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            return date(y, int(mo), int(d)), "day"
        if mo:
            return date(y, int(mo), 1), "month"
        return date(y, 1, 1), "year"
    except ValueError:
        return None, "unknown"


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _year_for(month: int, day: int | None, pub: date | None) -> int | None:
    if pub is None:
        return None
    y = pub.year
    try:
        cand = date(y, month, day or 1)
    except ValueError:
        return y
    if cand > pub + timedelta(days=2 if day else 0) and (day or month > pub.month):
        y -= 1
    return y


_PATTERNS: list[tuple[str, re.Pattern]] = []
_MONTH_HINTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_HINTS = {
    "iso": ("-",), "mdy": _MONTH_HINTS, "dmy": _MONTH_HINTS, "my": _MONTH_HINTS, "lastmonth": _MONTH_HINTS,
    "inmonth": _MONTH_HINTS, "year": ("19", "20"), "weekday": ("day",), "yesterday": ("yesterday", "night"),
    "today": ("today", "this ", "tonight", "hours"), "lastweek": ("last week",),
    "thisweek": ("week", "days"), "lastmonth2": ("last month",), "thismonth": ("this month", "the month"),
    "lastyear": ("last year",), "thisyear": ("this year",), "ago": (" ago",),
    "anchored": ("earlier", "before", "later", "after", "prior", "previous", "following", "next", "preceding"),
}


_HINT_ANY = re.compile("|".join(sorted({re.escape(h) for hs in _HINTS.values() for h in hs}, key=len, reverse=True)))


def _p(name: str, pattern: str) -> None:
    _PATTERNS.append((name, re.compile(pattern, re.I)))


_p("iso", r"\b(?P<y>(?:19|20)\d{2})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b")
_p("mdy", rf"\b{_MONTH}\.? (?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*(?:and|-|–|to|through)\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)?(?:,? (?P<y>(?:19|20)\d{{2}}))?\b")
_p("dmy", rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*(?:and|-|–|to)\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)? (?:of )?{_MONTH}\b(?:,? (?P<y>(?:19|20)\d{{2}}))?")
_p("my", rf"\b{_MONTH}(?: of|,)? (?P<y>(?:19|20)\d{{2}})\b")
_p("lastmonth", rf"\b(?:last|this past|past) {_MONTH}\b")
_p("inmonth", rf"\b(?:in|since|during|early|late|mid|mid-|until|by|from) {_MONTH}\b(?! \d)")
_p("year", r"\b(?:in|since|during|of|from|until|by|early|late|mid|mid-|summer|spring|autumn|fall|winter) (?:of )?"
          r"(?P<y>(?:19|20)\d{2})\b(?![-/]\d)(?!\s+(?:people|users|customers|records|accounts|websites|sites|"
          r"computers|devices|servers|employees|victims|companies|attacks|files|emails)\b)")
_p("weekday", r"\b(?:(?P<q>last|this|this past|early on|late on|on|early|late)\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b(?:\s+(?:morning|afternoon|evening|night))?")
_p("yesterday", r"\b(?:yesterday|last night|overnight|late last night)\b")
_p("today", r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today|in the past 24 hours|in the last 24 hours)\b")
_p("lastweek", r"\blast week(?:end)?\b")
_p("thisweek", r"\b(?:this week|earlier this week|this weekend|in recent days|in the past few days|in the past week|recent days)\b")
_p("lastmonth2", r"\blast month\b")
_p("thismonth", r"\b(?:earlier this month|this month|at the (?:start|beginning) of (?:the|this) month)\b")
_p("lastyear", r"\blast year\b")
_p("thisyear", r"\b(?:earlier this year|this year)\b")
_p("ago", rf"\b{_COUNT} (?P<unit>days?|weeks?|months?|years?) ago\b")
_p("anchored", rf"\b(?:(?:just|only|some|barely) )?(?P<n>{_COUNT[5:-1]}|days|weeks|months|hours) (?P<unit>days?|weeks?|months?|years?|hours?) ?(?P<dir>earlier|before|later|after|prior)\b|\b(?:just |only )?(?P<unit2>hours|days|weeks|months) (?P<dir2>after|before|later|earlier)\b|\b(?P<prev>the (?:previous|prior|preceding|following|next) (?P<unit3>day|week|month|year))\b")


_HINT = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|yesterday|"
                   r"today|tonight|overnight|last|this|ago|earlier|later|after|before|prior|previous|preceding|"
                   r"following|next|recent|past|hours|days|weeks|months|(?:19|20)\d\d)", re.I)


def find(text: str, pub: date | None, anchor: tuple[date, str] | None = None) -> list[DateHit]:
    """All date expressions of ``text`` that resolve, in text order, overlapping ones removed."""
    if not _HINT.search(text):
        return []
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    present = {m.group(0) for m in _HINT_ANY.finditer(text.lower())}
    for name, pat in _PATTERNS:
        if present.isdisjoint(_HINTS[name]):
            continue
        for m in pat.finditer(text):
            s, e = m.start(), m.end()
            if any(s < te and e > ts for ts, te in taken):
                continue
            hit = _resolve(name, m, pub, anchor)
            if hit is None:
                continue
            taken.append((s, e))
            hits.append(hit)
    hits.sort(key=lambda h: h.start)
    return _ranges(text, hits)


# "between September 29, 2016 and December 29, 2016", "from 3 May to 9 June 2024": one span of time
_RANGE_BEFORE = re.compile(r"\b(?:between|from)\s+$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:and|to|until|till|through|[-–—])\s*$", re.I)


def _ranges(text: str, hits: list[DateHit]) -> list[DateHit]:
    """Two dates of the same precision joined as a span ("between A and B") are one hit from A to B."""
    out: list[DateHit] = []
    i = 0
    while i < len(hits):
        a = hits[i]
        b = hits[i + 1] if i + 1 < len(hits) else None
        if b is not None and a.when is not None and b.when is not None and a.precision == b.precision \
                and a.end_value is None and b.end_value is None and a.when < b.when \
                and _RANGE_BEFORE.search(text, max(0, a.start - 12), a.start) \
                and _RANGE_JOIN.fullmatch(text[a.end:b.start]):
            out.append(DateHit(value=a.value, precision=a.precision, start=a.start, end=b.end,
                               text=text[a.start:b.end], kind=a.kind, end_value=b.value, when=a.when))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _mk(value_date: date, precision: str, m: re.Match, kind: str, end_date: date | None = None) -> DateHit:
    return DateHit(value=_iso(value_date, precision), precision=precision, start=m.start(), end=m.end(),
                   text=m.group(0), kind=kind, end_value=_iso(end_date, precision) if end_date else None,
                   when=value_date)


def _unresolved(m: re.Match, kind: str) -> DateHit:
    return DateHit(value=None, precision="unknown", start=m.start(), end=m.end(), text=m.group(0), kind=kind)


def _resolve(name: str, m: re.Match, pub: date | None, anchor) -> DateHit | None:
    hit = _resolve1(name, m, pub, anchor)
    if hit is None and name not in ("iso", "my", "year") and (pub is None or (name == "anchored" and anchor is None)):
        g = m.groupdict()
        if g.get("month") and not g["month"][0].isupper():
            return None
        if name == "weekday" and not g["wd"][0].isupper():
            return None
        return _unresolved(m, "anchored" if name == "anchored" else "relative")
    return hit


def _resolve1(name: str, m: re.Match, pub: date | None, anchor) -> DateHit | None:
    g = m.groupdict()
    if g.get("month") and not g["month"][0].isupper():
        return None  # month names are capitalised; 'may' and 'march' are usually verbs
    try:
        if name == "iso":
            return _mk(date(int(g["y"]), int(g["mo"]), int(g["d"])), "day", m, "absolute")
        if name in ("mdy", "dmy"):
            month = MONTHS[g["month"].lower()[:3]]
            day = int(g["d"])
            if not 1 <= day <= 31:
                return None
            year = int(g["y"]) if g.get("y") else _year_for(month, day, pub)
            if year is None:
                return None
            d = date(year, month, min(day, calendar.monthrange(year, month)[1]))
            end = None
            if g.get("d2"):
                d2 = int(g["d2"])
                if d2 > day and d2 <= calendar.monthrange(year, month)[1]:
                    end = date(year, month, d2)
            return _mk(d, "day", m, "absolute" if g.get("y") else "relative", end)
        if name == "my":
            month = MONTHS[g["month"].lower()[:3]]
            return _mk(date(int(g["y"]), month, 1), "month", m, "absolute")
        if name in ("lastmonth", "inmonth"):
            month = MONTHS[g["month"].lower()[:3]]
            if pub is None:
                return None
            year = pub.year
            if month > pub.month or (name == "lastmonth" and month >= pub.month):
                year -= 1
            return _mk(date(year, month, 1), "month", m, "relative")
        if name == "year":
            y = int(g["y"])
            if pub and y > pub.year + 1:
                return None
            return _mk(date(y, 1, 1), "year", m, "absolute")
        if pub is None and name != "anchored":
            return None
        if name == "weekday":
            if not g["wd"][0].isupper():
                return None
            wd = WEEKDAYS[g["wd"].lower()]
            back = (pub.weekday() - wd) % 7
            if (g.get("q") or "").lower() == "last" and back == 0:
                back = 7
            return _mk(pub - timedelta(days=back), "day", m, "relative")
        if name == "yesterday":
            word = m.group(0).lower()
            return _mk(pub - timedelta(days=0 if word == "overnight" else 1), "day", m, "relative")
        if name == "today":
            return _mk(pub, "day", m, "relative")
        if name == "lastweek":
            return _mk(pub - timedelta(days=7), "month", m, "relative")
        if name == "thisweek":
            return _mk(pub - timedelta(days=2), "month", m, "relative")
        if name == "lastmonth2":
            return _mk(_add_months(pub.replace(day=1), -1), "month", m, "relative")
        if name == "thismonth":
            return _mk(pub.replace(day=1), "month", m, "relative")
        if name == "lastyear":
            return _mk(date(pub.year - 1, 1, 1), "year", m, "relative")
        if name == "thisyear":
            return _mk(date(pub.year, 1, 1), "year", m, "relative")
        if name == "ago":
            n = _NUM.get(g["n"].lower()) or int(g["n"])
            unit = g["unit"].rstrip("s").lower()
            if unit == "day":
                return _mk(pub - timedelta(days=n), "day", m, "relative")
            if unit == "week":
                return _mk(pub - timedelta(days=7 * n), "month", m, "relative")
            if unit == "month":
                return _mk(_add_months(pub.replace(day=1), -n), "month", m, "relative")
            return _mk(date(pub.year - n, 1, 1), "year", m, "relative")
        if name == "anchored":
            if anchor is None:
                return None
            base, prec = anchor
            if prec == "year":
                # "a month earlier" than some time in 2023 is, as far as we know, 2023
                return _mk(base, "year", m, "anchored")
            if g.get("prev"):
                unit = g["unit3"]
                sign = -1 if re.search(r"previous|prior|preceding", g["prev"], re.I) else 1
                n = 1
            else:
                unit = (g.get("unit") or g.get("unit2") or "day").lower().rstrip("s")
                direction = (g.get("dir") or g.get("dir2") or "").lower()
                sign = -1 if direction in ("earlier", "before", "prior") else 1
                raw = (g.get("n") or "").lower()
                n = _NUM.get(raw) or (int(raw) if raw.isdigit() else 0)
            if unit in ("hour",):
                return _mk(base, prec if prec != "year" else "year", m, "anchored")
            if unit == "day":
                if n:
                    d = base + timedelta(days=sign * n)
                    return _mk(d, "day" if prec == "day" else prec, m, "anchored")
                return _mk(base, "month" if prec == "day" else prec, m, "anchored")
            if unit == "week":
                d = base + timedelta(days=sign * 7 * (n or 1))
                return _mk(d, "month" if prec in ("day", "month") else prec, m, "anchored")
            if unit == "month":
                d = _add_months(base.replace(day=1), sign * (n or 1))
                return _mk(d, "month" if prec in ("day", "month") else prec, m, "anchored")
            if unit == "year":
                return _mk(date(base.year + sign * (n or 1), 1, 1), "year", m, "anchored")
    except (ValueError, KeyError, OverflowError):
        return None
    return None


def parse_published(value: str | None) -> date | None:
    d, _ = parse_partial(value)
    return d
