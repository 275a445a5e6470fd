"""What `y` copies: a record as a short Markdown citation with its URLs (`Y` copies the id).

Every value goes through tui.safe (no escapes reach a clipboard that a terminal may paste back), Markdown's
own brackets in titles are escaped so that a title cannot make a link, and only http(s) URLs become links:
a source without one is cited by its file name, never by a local path (as the exports do, README Export).
"""
from __future__ import annotations

import re

from db.records import by_role
from tui.safe import safe_line

_URL = re.compile(r"^https?://[^\s<>()\[\]]+$", re.IGNORECASE)
SOURCES_CITED = 8
"""Sources a citation lists; more are counted ("and 3 more")."""


def _md(text: object) -> str:
    """One line of text with Markdown's link and emphasis characters escaped."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", safe_line(None if text is None else str(text)))


def _file_name(origin: str | None) -> str:
    return re.split(r"[\\/]", (origin or "").rstrip("/\\"))[-1]


def _source_line(src: dict) -> str:
    url = safe_line(src.get("url") or "")
    title = src.get("title") or src.get("publisher") or _file_name(src.get("origin")) or "(untitled)"
    head = f"[{_md(title)}]({url})" if _URL.match(url) else _md(title)
    more = [_md(x) for x in (src.get("publisher"), src.get("published")) if x and x != title]
    if not _URL.match(url) and src.get("origin") and _file_name(src["origin"]) != title:
        more.append(f"file {_md(_file_name(src['origin']))}")
    return head + (" — " + ", ".join(more) if more else "")


def citation(entity: str, rec: dict) -> str:
    """The record as Markdown: a bold title line with type, date and id, who did it to whom, numbered sources."""
    if entity == "incident":
        lines = [f"**{_md(rec.get('title') or '(untitled)')}** ({_md(rec.get('type'))}, "
                 f"{_md(rec.get('date') or 'undated')}; incidex #{rec['id']})"]
        groups = by_role(rec.get("actors") or [])
        who = []
        for role, actors in groups.items():
            names = ", ".join(dict.fromkeys(_md(a["name"]) for a in actors))
            who.append(f"{role}: {names}")
        if who:
            lines.append("; ".join(who))
        sources = rec.get("sources") or []
        for i, src in enumerate(sources[:SOURCES_CITED], 1):
            lines.append(f"{i}. {_source_line(src)}")
        if len(sources) > SOURCES_CITED:
            lines.append(f"(and {len(sources) - SOURCES_CITED} more sources)")
        return "\n".join(lines)
    if entity == "actor":
        bits = [x for x in (rec.get("kind"), rec.get("country")) if x]
        line = f"**{_md(rec.get('name'))}**" + (f" ({_md(', '.join(bits))})" if bits else "")
        if rec.get("aliases"):
            line += f", also known as {_md(', '.join(rec['aliases']))}"
        return line + f" (incidex actor #{rec['id']})"
    return _source_line(rec) + f" (incidex source #{rec['id']})"


def record_id(entity: str, rec: dict) -> str:
    """What `Y` copies: the id as the command line takes it (`incidex show incident 12`)."""
    return str(rec["id"])
