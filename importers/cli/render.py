"""Human renderings of records for `incidex show` and `incidex list`: Rich text (never markup) and Markdown.
The browser renders the same records its own way (tui/render.py); the words both use are in db/records.py.

Article text is hostile: everything from the database goes through `safe_line`/`strip_unsafe` and into
`rich.text.Text` objects, so neither escape sequences nor Rich markup in an article reach the terminal.
"""
from __future__ import annotations

from rich.console import Group
from rich.text import Text

from db.records import ROLE_TITLES, by_role, date_text, figure_text, tool_text
from db.text import safe_line, strip_unsafe


def _line(label: str, value: str, style: str = "bold") -> Text:
    t = Text()
    t.append(f"{label}: ", style=style)
    t.append(safe_line(value))
    return t


def incident_text(inc: dict) -> Group:
    parts: list = [Text(safe_line(f"#{inc['id']} {inc['title']}"), style="bold")]
    if inc.get("requested_id") not in (None, inc["id"]):
        parts.append(Text(f"(incident {inc['requested_id']} was merged into this one)", style="italic"))
    parts.append(_line("type", f"{inc['type']} ({inc['domain']}), status {inc['status']}, review {inc['review']}"))
    parts.append(_line("date", date_text(inc)))
    if inc["places"] or inc["countries"]:
        parts.append(_line("places", ", ".join(inc["places"]) + (f" [{', '.join(inc['countries'])}]" if inc["countries"] else "")))
    for role, actors in by_role(inc["actors"]).items():
        names = []
        for a in actors:
            extra = f", by {a['attributed_by']}" if a.get("attributed_by") else ""
            names.append(f"{a['name']} (confidence {a['confidence']}{extra})")
        parts.append(_line(ROLE_TITLES.get(role, role), "; ".join(dict.fromkeys(names))))
    if inc.get("tools"):
        parts.append(_line("tools", "; ".join(dict.fromkeys(tool_text(t) for t in inc["tools"]))))
    if inc["figures"]:
        parts.append(_line("figures", "; ".join(figure_text(f) for f in inc["figures"])))
    if inc.get("tags"):
        parts.append(_line("tags", ", ".join(inc["tags"])))
    if inc.get("edited_fields"):
        parts.append(_line("edited by an analyst", ", ".join(inc["edited_fields"])))
    if inc["summary"]:
        parts.append(Text(""))
        parts.append(Text(strip_unsafe(inc["summary"])))
    for reason in inc.get("join_reasons") or []:
        parts.append(_line("joined", f"source {reason.get('source_id')}: score {reason.get('score')}, "
                                     f"agreeing on {', '.join(reason.get('agree', []))}", style="dim"))
    parts.append(Text(""))
    parts.append(Text(f"sources ({len(inc['sources'])}):", style="bold"))
    for s in inc["sources"]:
        head = " ".join(x for x in (f"[{s['id']}]", s.get("published") or "", s.get("title") or "",
                                    f"— {s['publisher']}" if s.get("publisher") else "") if x)
        parts.append(Text("  " + safe_line(head)))
        if s.get("url") or s.get("origin"):
            parts.append(Text("    " + safe_line(s.get("url") or s.get("origin")), style="dim"))
        for ev in (s.get("evidence") or [])[:4]:
            parts.append(Text("    “" + safe_line(ev.get("text")) + "”", style="italic"))
    for n in inc.get("notes") or []:
        parts.append(_line("note", n["text"]))
    return Group(*parts)


def actor_text(a: dict) -> Group:
    parts: list = [Text(safe_line(f"#{a['id']} {a['name']}"), style="bold")]
    parts.append(_line("kind", f"{a['kind']}" + (f", country {a['country']}" if a.get("country") else "")))
    if a["aliases"]:
        parts.append(_line("aliases", ", ".join(a["aliases"])))
    if a.get("reference"):
        parts.append(_line("reference", a["reference"]))
    if a["roles"]:
        parts.append(_line("roles", ", ".join(f"{r} {n}" for r, n in a["roles"].items())))
    if a.get("description"):
        parts.append(Text(""))
        parts.append(Text(strip_unsafe(a["description"])))
    parts.append(Text(""))
    parts.append(Text(f"incidents ({len(a.get('incident_list', []))}):", style="bold"))
    for i in a.get("incident_list", []):
        parts.append(Text("  " + safe_line(f"#{i['id']} {i['date'] or '----'} {i['type']} {i['title']} ({i['role']})")))
    return Group(*parts)


def source_text(s: dict) -> Group:
    parts: list = [Text(safe_line(f"#{s['id']} {s['title'] or '(untitled)'}"), style="bold")]
    for key in ("publisher", "author", "published", "url", "origin", "language", "kind", "format"):
        if s.get(key):
            parts.append(_line(key, str(s[key])))
    if s.get("incident_list"):
        parts.append(_line("incidents", "; ".join(f"#{i['id']} {i['title']}" for i in s["incident_list"])))
    parts.append(Text(""))
    parts.append(Text(strip_unsafe(s.get("body") or "")))
    return Group(*parts)


def text(entity: str, record: dict):
    return {"incident": incident_text, "actor": actor_text, "source": source_text}[entity](record)


def _md(value) -> str:
    """Markdown-safe one-line text: control characters stripped, markup characters escaped."""
    out = safe_line(value)
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def markdown(entity: str, r: dict) -> str:
    lines: list[str] = []
    if entity == "incident":
        lines += [f"# {_md(r['title'])}", "", f"- **Type:** {_md(r['type'])} ({_md(r['domain'])})",
                  f"- **Status:** {_md(r['status'])}", f"- **Date:** {_md(date_text(r))}"]
        if r["places"]:
            lines.append(f"- **Places:** {_md(', '.join(r['places']))}")
        for role, actors in by_role(r["actors"]).items():
            lines.append(f"- **{ROLE_TITLES.get(role, role)}:** {_md('; '.join(dict.fromkeys(a['name'] for a in actors)))}")
        if r.get("tools"):
            lines.append(f"- **Tools:** {_md('; '.join(dict.fromkeys(tool_text(t) for t in r['tools'])))}")
        if r["figures"]:
            lines.append(f"- **Figures:** {_md('; '.join(figure_text(f) for f in r['figures']))}")
        if r["summary"]:
            lines += ["", _md(r["summary"])]
        lines += ["", "## Sources", ""]
        for n, s in enumerate(r["sources"], 1):
            where = f" <{safe_line(s['url']).replace('<', '%3C').replace('>', '%3E')}>" if s.get("url") else ""
            lines.append(f"{n}. {_md(s.get('title') or s.get('origin'))}{(', ' + _md(s['publisher'])) if s.get('publisher') else ''}"
                         f"{(', ' + _md(s['published'])) if s.get('published') else ''}{where}")
    elif entity == "actor":
        lines += [f"# {_md(r['name'])}", "", f"- **Kind:** {_md(r['kind'])}"]
        if r.get("country"):
            lines.append(f"- **Country:** {_md(r['country'])}")
        if r["aliases"]:
            lines.append(f"- **Aliases:** {_md(', '.join(r['aliases']))}")
        if r.get("description"):
            lines += ["", _md(r["description"])]
        lines += ["", "## Incidents", ""]
        lines += [f"- {_md(i['date'] or 'undated')}: {_md(i['title'])} ({_md(i['role'])})" for i in r.get("incident_list", [])]
    else:
        lines += [f"# {_md(r['title'] or '(untitled)')}", ""]
        for key in ("publisher", "author", "published", "url", "origin"):
            if r.get(key):
                lines.append(f"- **{key}:** {_md(r[key])}")
        lines += ["", *(_md(p) for p in (r.get("body") or "").split("\n"))]
    return "\n".join(lines) + "\n"


# --- `incidex list` tables ----------------------------------------------------------------------------

WHOLE = ("id", "date", "published", "incidents", "sources", "country")
"""Columns never cut: ids, dates, counts and country codes are useless in part ("1…", "2024-…")."""
SHARES = {"title": 4, "name": 3, "actors": 2, "aliases": 2, "type": 2, "origin": 1, "publisher": 1,
          "countries": 1, "kind": 1}
"""How the other columns share what is left when the rows do not fit the terminal."""


def column_widths(headers: list[str], rows: list[list[str]], width: int) -> list[int]:
    """Widths (without padding) for a table of one-line rows in `width` cells, a space between columns.

    Every column gets what its longest cell needs when the whole table fits. Otherwise the WHOLE columns keep
    their width and the others share the rest by SHARES, none getting more than it needs (the space one
    does not need goes to the others)."""
    from rich.cells import cell_len

    natural = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    flex = [i for i, h in enumerate(headers) if h not in WHOLE]
    left = width - (len(headers) - 1) * 2 - sum(n for i, n in enumerate(natural) if i not in flex)
    if sum(natural[i] for i in flex) <= left:
        return natural
    out = list(natural)
    todo = list(flex)
    while todo:
        total = sum(SHARES.get(headers[i], 1) for i in todo)
        share = {i: max(left, 0) * SHARES.get(headers[i], 1) / total for i in todo}
        fits = [i for i in todo if natural[i] <= share[i]]
        if not fits:
            for i in todo:
                out[i] = max(1, int(share[i]))
            break
        for i in fits:
            left -= natural[i]
            todo.remove(i)
    return out


WRAPPED = ("title",)
"""Columns whose long cells wrap onto more lines (a title cut after 20 characters says little); the others end
in an ellipsis."""


def list_table(flat: list[dict], width: int):
    """The table of `incidex list`: a row per record, like `ls`; types by their short name ("ddos"), long
    titles wrap, long names end in an ellipsis; ids, dates and counts are never cut (on a terminal too narrow
    even for them they fold, still whole)."""
    from rich.table import Table

    headers = list(flat[0])
    rows = [[safe_line(None if v is None else str(v).rsplit("/", 1)[-1] if k == "type" else str(v))
             for k, v in r.items()] for r in flat]
    widths = column_widths(headers, rows, width)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
    for col, w in zip(headers, widths, strict=True):
        right = col in ("id", "incidents", "sources")
        if col in WHOLE or col in WRAPPED:
            table.add_column(col, width=w, no_wrap=False, overflow="fold", justify="right" if right else "left")
        else:
            table.add_column(col, width=w, no_wrap=True, overflow="ellipsis", justify="right" if right else "left")
    for r in rows:
        table.add_row(*(Text(v) for v in r))
    return table


def explained(drafts: list, trace) -> dict:
    """What `incidex extract --explain` shows, as data: each draft's facts with the cue that produced each and
    its sentence, then every candidate extraction dropped, and why (importers.extract.explain). `--json` prints it
    as it is; the text rendering (:func:`explained_drafts`) reads the same structure."""
    out = []
    for d in drafts:
        facts: list[dict] = []

        def fact(kind: str, value: str, cue: str | None, sentence: str, facts: list[dict] = facts) -> None:
            facts.append({"fact": kind, "value": value, "cue": cue, "sentence": sentence})

        type_ev = d.facts.get("type")
        fact("type", f"{d.type} ({d.domain})", trace.cue("type", d.type, type_ev.text if type_ev else ""),
             type_ev.text if type_ev else "")
        date_ev = d.facts.get("date")
        fact("date", f"{d.date_start or '?'} ({d.date_precision}, {d.date_basis})",
             trace.cue("date", d.date_start or "", date_ev.text if date_ev else "") if d.date_start else
             "no date in the story's sentences, and no publication date", date_ev.text if date_ev else "")
        for a in d.actors:
            said = a.evidence.text if a.evidence else ""
            extra = f", by {a.attributed_by}" if a.attributed_by else ""
            fact(a.role, f"{a.name} ({a.kind}, confidence {a.confidence}{extra})", trace.cue(a.role, a.name, said), said)
        for t in d.tools:
            said = t.evidence.text if t.evidence else ""
            fact("tool", f"{t.name} ({t.kind})", trace.cue("tool", t.name, said), said)
        for p in d.places:
            said = p.evidence.text if p.evidence else ""
            fact("place", f"{p.name} ({p.level}, {p.country or '?'})", trace.cue("place", p.name, said), said)
        for f in d.figures:
            fact("figure", f"{f.value:,} {f.unit}", f"the words “{f.text}”", "")
        out.append({"title": d.title, "status": f"{d.status} ({d.relation})", "facts": facts})
    dropped = [{"fact": s.fact, "name": s.name, "why": s.why, "sentence": s.sentence} for s in trace.drops()]
    return {"drafts": out, "dropped": dropped}


def explained_drafts(drafts: list, trace) -> Group:
    """`incidex extract --explain` for a person: :func:`explained`, wrapped lines kept under their label."""
    from rich.padding import Padding

    data = explained(drafts, trace)
    parts: list = []
    if not data["drafts"]:
        parts.append(Text("no incident found in this source"))
    for n, d in enumerate(data["drafts"], 1):
        parts.append(Text(safe_line(f"{n}. {d['title']}"), style="bold"))
        for f in d["facts"]:
            parts.append(Padding(_line(f["fact"], f["value"]), (0, 0, 0, 3), expand=False))
            parts.append(Padding(Text(safe_line(f"cue: {f['cue'] or 'no cue recorded'}"), style="italic"), (0, 0, 0, 6), expand=False))
            if f["sentence"]:
                parts.append(Padding(Text(safe_line(f"“{f['sentence']}”"), style="dim"), (0, 0, 0, 6), expand=False))
        parts.append(Padding(_line("status", f"{d['status']}: from the roles above", style="dim"), (0, 0, 0, 3), expand=False))
    if data["dropped"]:
        parts.append(Text(f"dropped ({len(data['dropped'])}):", style="bold"))
    for s in data["dropped"]:
        parts.append(Padding(Text(safe_line(f"{s['fact']} {s['name']}: {s['why']}")), (0, 0, 0, 3), expand=False))
        if s["sentence"]:
            parts.append(Padding(Text(safe_line(f"“{s['sentence']}”"), style="dim"), (0, 0, 0, 6), expand=False))
    return Group(*parts)
