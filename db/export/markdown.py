"""A Markdown report: the incidents with their actors and numbered citations of their sources."""
from __future__ import annotations

import datetime as _dt
import re
import sqlite3
from collections.abc import Sequence
from typing import IO

from db.export.common import number_text, one_line, records
from db.taxonomy import ROLES as ROLE_ORDER  # the order roles are listed in (as db.queries)


def _md(value: object) -> str:
    """Inline Markdown text: one line, HTML and Markdown syntax characters escaped."""
    s = one_line(value)
    s = s.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([`*_\[\]|#])", r"\\\1", s)


def write_markdown(conn: sqlite3.Connection, out: IO[str], incident_ids: Sequence[int] | None = None, query: str | None = None,
                   include_paths: bool = False) -> int:
    data = records(conn, incident_ids, include_paths)
    incidents = data["incidents"]
    sources = {s["id"]: s for s in data["sources"]}
    numbers: dict[int, int] = {}

    def cite(source_id: int | None) -> str:
        if source_id is None:
            return ""
        if source_id not in numbers:
            numbers[source_id] = len(numbers) + 1
        return f"[{numbers[source_id]}]"

    lines = ["# Incident report", ""]
    today = _dt.date.today().isoformat()
    lines.append(f"{len(incidents)} incident{'s' if len(incidents) != 1 else ''} exported from incidex on {today}"
                 + (f" (query: `{one_line(query).replace('`', '')}`)" if query else "") + ".")
    lines.append("")
    for n, inc in enumerate(incidents, 1):
        lines.append(f"## {n}. {_md(inc['title']) or 'Untitled incident'}")
        lines.append("")
        date = inc.get("date") or "date unknown"
        if inc.get("date_end") and inc["date_end"] != inc.get("date"):
            date += f" to {inc['date_end']}"
        prec = inc.get("date_precision")
        lines.append(f"- **Date:** {date}" + (f" ({prec}, {inc.get('date_basis')})" if inc.get("date") and prec else ""))
        lines.append(f"- **Type:** {_md(inc['type'])} ({_md(inc['domain'])}), status {_md(inc['status'])}")
        if inc["countries"] or inc["places"]:
            lines.append(f"- **Where:** {_md(', '.join(inc['places'] + inc['countries']))}")
        by_role: dict[str, dict[str, list[str]]] = {}
        for a in inc["actors"]:
            extra = []
            if a.get("attributed_by"):
                extra.append(f"by {_md(a['attributed_by'])}")
            if a.get("confidence") is not None and a["role"] != "target":
                extra.append(f"confidence {a['confidence']}")
            label = _md(a["name"]) + (f" ({', '.join(extra)})" if extra else "")
            cites_ = by_role.setdefault(a["role"], {}).setdefault(label, [])
            c = cite(a.get("source_id"))
            if c and c not in cites_:
                cites_.append(c)
        for role in ROLE_ORDER:
            if by_role.get(role):
                name = "Targets" if role == "target" else role.capitalize()
                lines.append(f"- **{name}:** " + "; ".join(f"{label} {''.join(c)}".rstrip()
                                                            for label, c in by_role[role].items()))
        if inc.get("tools"):
            lines.append("- **Tools:** " + "; ".join(f"{_md(t['name'])} ({_md(t['kind'])}){cite(t.get('source_id'))}"
                                                   for t in inc["tools"]))
        if inc.get("figures"):
            lines.append("- **Figures:** " + "; ".join(f"{number_text(f['value'])} {_md(f['unit'])}{cite(f.get('source_id'))}"
                                                      for f in inc["figures"]))
        cites = " ".join(dict.fromkeys(cite(s["id"]) for s in inc["sources"]))
        if cites:
            lines.append(f"- **Sources:** {cites}")
        if inc.get("summary"):
            lines += ["", _md(inc["summary"])[:2000]]
        lines.append("")
    if numbers:
        lines += ["## Sources", ""]
        for sid, num in sorted(numbers.items(), key=lambda x: x[1]):
            s = sources.get(sid) or {}
            parts = [] if s.get("title") and s.get("title") == s.get("url") else [_md(s.get("title") or f"Source {sid}")]
            meta = ", ".join(_md(x) for x in (s.get("publisher"), s.get("published")) if x)
            if meta:
                parts.append(meta)
            where = s.get("url") or s.get("origin")
            if where:
                parts.append(f"<{one_line(where).replace('>', '%3E').replace('<', '%3C')}>" if s.get("url") else _md(where))
            lines.append(f"{num}. " + ". ".join(parts))
        lines.append("")
    out.write("\n".join(lines))
    return len(incidents)
