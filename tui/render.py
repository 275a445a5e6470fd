"""Records as detail-pane blocks: (rich Text, link or None). Text only, never markup; every value from the
database goes through tui.safe."""
from __future__ import annotations

from collections import Counter

from rich.text import Text

from db.records import ROLE_TITLES, by_role, date_text, figure_text, tool_text
from tui.safe import Glyphs, safe_line, strip_unsafe

SPAN_STYLES = {"actor": "bold red", "target": "bold yellow", "place": "bold green", "figure": "bold cyan",
               "evidence": "underline"}
BODY_LIMIT = 200_000
"""Characters of an article body the detail pane wraps and shows (a 20 MB file would freeze the UI)."""
SPARK = " ▁▂▃▄▅▆▇█"
SPARK_ASCII = " .:-=+*#@"

Block = tuple[Text, tuple[str, int] | None]


def _label(label: str, value, style: str = "bold") -> Text:
    t = Text(end="")
    t.append(f"{label}: ", style=style)
    t.append(safe_line(None if value is None else str(value)))
    return t


def _head(text: str) -> Text:
    return Text(safe_line(text), style="bold")


def incident(inc: dict, ascii: bool = False) -> list[Block]:
    out: list[Block] = [(_head(f"#{inc['id']} {inc['title'] or '(untitled)'}"), None)]
    if inc.get("requested_id") not in (None, inc["id"]):
        out.append((Text(f"(incident {inc['requested_id']} was merged into this one)", style="italic"), None))
    out.append((_label("type", f"{inc['type']} ({inc['domain']}), {inc['status']}, review {inc['review']}"), None))
    out.append((_label("date", date_text(inc)), None))
    places = [p for p in inc.get("place_details") or []] or [{"name": p} for p in inc.get("places", [])]
    if places or inc.get("countries"):
        names = ", ".join(p["name"] + (f" ({p['level']})" if p.get("level") else "") for p in places)
        countries = " ".join(inc.get("countries") or [])
        out.append((_label("places", "; ".join(x for x in (names, countries) if x)), None))
    groups = by_role(inc["actors"])
    if groups:
        out.append((Text(""), None))
        out.append((Text("actors", style="bold underline"), None))
    for role, actors in groups.items():
        out.append((Text(ROLE_TITLES.get(role, role), style="bold"), None))
        seen = set()
        for a in actors:
            key = (a["id"], a.get("attributed_by"))
            if key in seen:
                continue
            seen.add(key)
            t = Text("  ")
            t.append(safe_line(a["name"]), style="bold")
            extra = [a.get("kind") or ""]
            if a.get("attributed_by"):
                extra.append(f"by {safe_line(a['attributed_by'])}")
            if a.get("confidence") is not None:
                extra.append(f"confidence {a['confidence']}")
            if a.get("source_id"):
                extra.append(f"source {a['source_id']}")
            t.append("  " + ", ".join(x for x in extra if x), style="dim")
            out.append((t, ("actor", a["id"])))
    if inc.get("tools"):
        out.extend(_tools(inc["tools"]))
    if inc.get("figures"):
        out.append((Text(""), None))
        out.append((Text("figures", style="bold underline"), None))
        for f in inc["figures"]:
            t = Text("  " + safe_line(figure_text(f)), style="bold cyan")
            if f.get("text"):
                t.append("  " + Glyphs.open_quote + safe_line(f["text"]) + Glyphs.close_quote, style="dim")
            out.append((t, None))
    if inc.get("tags"):
        out.append((_label("tags", ", ".join(inc["tags"])), None))
    if inc.get("summary"):
        out.append((Text(""), None))
        out.append((Text(strip_unsafe(inc["summary"])), None))
    out.append((Text(""), None))
    out.append((Text(f"sources ({len(inc['sources'])})", style="bold underline"), None))
    for s in inc["sources"]:
        head = Text("  ")
        head.append(f"[{s['id']}] ", style="bold")
        head.append(safe_line(" ".join(x for x in (s.get("published") or "", s.get("title") or "(untitled)") if x)))
        if s.get("publisher"):
            head.append(f" {Glyphs.dash} " + safe_line(s["publisher"]), style="dim")
        if s.get("relation"):
            head.append(f"  ({safe_line(s['relation'])})", style="dim")
        out.append((head, ("source", s["id"])))
        for ev in s.get("evidence") or []:
            t = Text("    " + Glyphs.open_quote, style="italic")
            t.append(safe_line(ev.get("text")), style="italic reverse" if False else "italic bold yellow")
            t.append(Glyphs.close_quote, style="italic")
            out.append((t, ("source", s["id"])))
    for n in inc.get("notes") or []:
        out.append((_label("note", n["text"]), None))
    return out


def _tools(tools: list[dict]) -> list[Block]:
    """With what: each malware family or tool, its kind and the sentence that names it."""
    out: list[Block] = [(Text(""), None), (Text("tools", style="bold underline"), None)]
    for tool in tools:
        t = Text("  ")
        t.append(safe_line(tool_text(tool)), style="bold magenta")
        if tool.get("source_id"):
            t.append(f"  source {tool['source_id']}", style="dim")
        out.append((t, ("source", tool["source_id"]) if tool.get("source_id") else None))
        if tool.get("evidence"):
            ev = Text("    " + Glyphs.open_quote + safe_line(tool["evidence"]) + Glyphs.close_quote, style="dim italic")
            out.append((ev, ("source", tool["source_id"]) if tool.get("source_id") else None))
    return out


def sparkline(dates: list[str | None], ascii: bool = False) -> Text:
    years = Counter(d[:4] for d in dates if d and d[:4].isdigit())
    if not years:
        return Text("no dated incidents", style="dim")
    lo, hi = int(min(years)), int(max(years))
    if hi - lo > 60:
        lo = hi - 60
    counts = [years.get(str(y), 0) for y in range(lo, hi + 1)]
    top = max(counts) or 1
    chars = SPARK_ASCII if ascii else SPARK
    bars = "".join(chars[0 if c == 0 else max(1, round(c / top * (len(chars) - 1)))] for c in counts)
    t = Text(f"{lo} ", style="dim")
    t.append(bars, style="bold magenta")
    t.append(f" {hi}  (max {top}/year)", style="dim")
    return t


def actor(a: dict, ascii: bool = False) -> list[Block]:
    out: list[Block] = [(_head(f"#{a['id']} {a['name']}"), None)]
    if a.get("requested_id") not in (None, a["id"]):
        out.append((Text(f"(actor {a['requested_id']} was merged into this one)", style="italic"), None))
    out.append((_label("kind", a.get("kind") or "unknown"), None))
    out.append((_label("country", a.get("country") or Glyphs.dash), None))
    if a.get("aliases"):
        out.append((_label("aliases", ", ".join(a["aliases"])), None))
    if a.get("reference"):
        out.append((_label("reference", a["reference"]), None))
    if a.get("roles"):
        out.append((_label("roles", ", ".join(f"{r} {n}" for r, n in a["roles"].items())), None))
    if a.get("tags"):
        out.append((_label("tags", ", ".join(a["tags"])), None))
    if a.get("description"):
        out.append((Text(""), None))
        out.append((Text(strip_unsafe(a["description"])), None))
    items = a.get("incident_list") or []
    out.append((Text(""), None))
    spark = Text("incidents over time  ", style="bold")
    spark.append_text(sparkline([i["date"] for i in items], ascii))
    out.append((spark, None))
    out.append((Text(""), None))
    out.append((Text(f"incidents ({len(items)})", style="bold underline"), None))
    for i in items[:500]:
        t = Text("  ")
        t.append(f"{i['date'] or Glyphs.dash:<10} ", style="dim")
        t.append(f"{(i.get('role') or '').replace(',', ', '):<12} ", style="bold")
        t.append(safe_line(i["title"]))
        out.append((t, ("incident", i["id"])))
    if len(items) > 500:
        out.append((Text(f"  {Glyphs.ellipsis} and {len(items) - 500:,} more (filter the incidents view with actor:)", style="dim"),
                    None))
    for n in a.get("notes") or []:
        out.append((_label("note", n["text"]), None))
    return out


def source(s: dict, ascii: bool = False) -> list[Block]:
    out: list[Block] = [(_head(f"#{s['id']} {s.get('title') or '(untitled)'}"), None)]
    for key in ("publisher", "author", "published", "url", "origin", "language", "kind", "format", "reliability"):
        if s.get(key):
            out.append((_label(key, s[key]), None))
    if s.get("tags"):
        out.append((_label("tags", ", ".join(s["tags"])), None))
    items = s.get("incident_list") or []
    if items:
        out.append((Text(""), None))
        out.append((Text(f"incidents ({len(items)})", style="bold underline"), None))
        for i in items:
            t = Text("  ")
            t.append(f"{i['date'] or Glyphs.dash:<10} ", style="dim")
            t.append(safe_line(i["title"]))
            out.append((t, ("incident", i["id"])))
    spans = s.get("spans") or []
    out.append((Text(""), None))
    legend = Text("text", style="bold underline")
    if spans:
        legend.append("   ")
        for kind in ("actor", "target", "place", "figure"):
            if any(sp["kind"] == kind for sp in spans):
                legend.append(kind, style=SPAN_STYLES[kind])
                legend.append(" ")
    out.append((legend, None))
    body = s.get("body") or ""
    cut = len(body) > BODY_LIMIT
    for para in body_paragraphs(body[:BODY_LIMIT], spans):
        out.append((para, None))
    if cut:
        out.append((Text(f"{Glyphs.ellipsis} {len(body) - BODY_LIMIT:,} more characters (incidex show source "
                         f"{s['id']} prints them all)", style="dim italic"), None))
    for n in s.get("notes") or []:
        out.append((_label("note", n["text"]), None))
    return out


def body_paragraphs(body: str, spans: list[dict]) -> list[Text]:
    """The cleaned body, one Text per line, with the extracted spans coloured by kind. Offsets index the
    raw body; unsafe characters are removed per line after styling positions are mapped."""
    out: list[Text] = []
    pos = 0
    for raw in body.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        safe = strip_unsafe(raw).replace("\t", "    ")
        t = Text(safe)
        if safe == raw:
            for sp in spans:
                a, b = sp.get("start"), sp.get("end")
                if a is None or b is None or b <= start or a >= end:
                    continue
                t.stylize(SPAN_STYLES.get(sp["kind"], "bold"), max(a, start) - start, min(b, end) - start)
        out.append(t)
    return out


def plain_summary(entity: str, rec: dict) -> str:
    """What `y` copies: a one-record citation-like summary."""
    if entity == "incident":
        srcs = "; ".join(safe_line(s.get("url") or s.get("title") or s.get("origin")) for s in rec["sources"])
        return safe_line(f"#{rec['id']} {rec['title']} ({rec['type']}, {rec.get('date') or 'undated'})") + (
            f" - sources: {srcs}" if srcs else "")
    if entity == "actor":
        return safe_line(f"{rec['name']} ({rec.get('kind')}" + (f", {rec['country']}" if rec.get("country") else "")
                         + ")" + (f" aka {', '.join(rec['aliases'])}" if rec.get("aliases") else ""))
    return safe_line(f"{rec.get('title') or '(untitled)'} - {rec.get('publisher') or ''} {rec.get('published') or ''} "
                     f"{rec.get('url') or rec.get('origin') or ''}")
