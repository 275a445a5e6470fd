"""Hostile inputs for the fuzz tests: random bytes, and valid skeletons of every format filled with random
values, wrong types, huge numbers and hostile text, then maybe damaged (truncated, spliced, re-encoded,
nested 100,000 deep...).

Hypothesis drives each input through a seed and a few strings it generates itself; the skeleton is built
by plain Python from that seed. Building 2,000 nested STIX bundles from hypothesis draws costs about a
minute; this costs under a second, so the fixed-seed run stays within the CI budget.
Every strategy here produces `bytes`, the way a file on disk reaches `read_bytes`.
"""
from __future__ import annotations

import json
import random
import uuid
from xml.sax.saxutils import escape as _xml_escape

from hypothesis import strategies as st

HOSTILE_TEXT = [
    "\x1b[31mred\x1b[0m", "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07", "\x07\x08\x08",
    "\u202eevil\u202c", "zero\u200bwidth", "[bold red]markup[/]", "[link=https://evil.example]x[/link]",
    "\x9b31m", "\r\n", "\x00", "\ufeff", "\ud800", "Ω≈ç√", "💥", "&amp;&lt;&#x1b;", "<script>x</script>",
    "]]>", "<!--", "\\u0000", "%s%n", "' OR 1=1 --", "NEAR(a b)", "\"", "*", "â€®", "Ã©tÃ©", "\u2028",
    "https://example.org/a?b=c", "javascript:alert(1)", "file:///etc/passwd", "APT28", "Killnet", "France", "FR",
    "ransomware", "ddos", "unknown", "N/A", "", " ", "-", "0", "null", "true",
]
DATES = ["2024-03-11", "2024-03", "2024", "2024-13-45", "11 March 2024", "0000-00-00", "9999-12-31T25:61:00Z",
         "1712345678", "-1", "", "yesterday", "2024-02-30", "Mon, 11 Mar 2024 10:00:00 GMT", "1e308",
         "2024-03-11T10:00:00+25:00", "99999-01-01", "12/31/1999", "2024-W10"]
HUGE = [10 ** 300, -(10 ** 300), 2 ** 63, -(2 ** 63) - 1, 1e308, -1e308, 1e-320, 0, -1, float("nan"),
        float("inf"), 1712345678, 9 ** 99, 2024, 13, 0.5]
WORDS = ["attack", "hospital", "city", "hall", "outage", "leak", "hackers", "claimed", "police", "Paris", "bank",
         "officials", "said", "servers", "encrypted", "website", "flood", "traffic", "the", "of", "on", "Monday"]
RECORD_KEYS = ["id", "title", "name", "summary", "description", "type", "date", "country", "actor", "actors",
               "aliases", "target", "url", "urls", "text", "published", "author", "status", "confidence", "tags",
               "weird key", "Event", "objects", "type.sub", "", "\x1b[31m", "incident_id"]


class Gen:
    """Random values for one input, from a seed and a few strings hypothesis made up."""

    def __init__(self, seed: int, texts: list[str]):
        self.r = random.Random(seed)
        self.texts = texts or [""]

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def words(self, lo: int = 1, hi: int = 12) -> str:
        return " ".join(self.pick(WORDS) for _ in range(self.r.randint(lo, hi)))

    def text(self) -> str:
        k = self.r.random()
        if k < 0.3:
            return self.pick(self.texts)
        if k < 0.55:
            return self.pick(HOSTILE_TEXT)
        if k < 0.8:
            return self.words()
        if k < 0.9:
            return self.pick(DATES)
        return "".join(self.pick([self.pick(HOSTILE_TEXT), self.words(1, 3), self.pick(self.texts)])
                       for _ in range(self.r.randint(2, 5)))

    def scalar(self):
        k = self.r.random()
        if k < 0.15:
            return None
        if k < 0.25:
            return self.chance(0.5)
        if k < 0.45:
            return self.pick(HUGE)
        if k < 0.5:
            return self.r.uniform(-1e6, 1e6)
        return self.text()

    def any(self, depth: int = 0):
        """Any JSON value: the wrong type for wherever it lands, most of the time."""
        k = self.r.random()
        if depth > 3 or k < 0.6:
            return self.scalar()
        if k < 0.8:
            return [self.any(depth + 1) for _ in range(self.r.randint(0, 4))]
        return {self.text(): self.any(depth + 1) for _ in range(self.r.randint(0, 4))}

    def field(self):
        """A field's value: usually text of some kind, often the wrong type."""
        return self.text() if self.chance(0.7) else self.any()

    def maybe(self, make, p: float = 0.75):
        return make() if self.chance(p) else None

    def date(self):
        return self.pick(DATES) if self.chance(0.8) else self.any()


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def _dumps(g: Gen, value) -> bytes:
    # NaN/Infinity are not JSON but json.loads takes them, so inputs have them; lone surrogates go out raw
    # (invalid UTF-8) or, with ensure_ascii, as \ud800 escapes.
    return json.dumps(value, ensure_ascii=g.chance(0.3), allow_nan=True).encode("utf-8", "surrogatepass")


def _xml(g: Gen) -> str:
    s = g.text()
    return s if g.chance(0.15) else _xml_escape(s, {'"': "&quot;"})  # sometimes raw: malformed XML


# --- skeletons -------------------------------------------------------------------------------------------

def stix(g: Gen) -> bytes:
    def sid(kind):
        return g.pick([f"{kind}--{uuid.UUID(int=g.r.getrandbits(128))}", f"{kind}--", f"{kind}--{g.text()}"])

    inc, actor, rep, ident, loc, camp = (sid(k) for k in ("incident", "threat-actor", "report", "identity",
                                                          "location", "campaign"))
    objects = [
        _drop_none({"type": "report", "id": rep, "name": g.maybe(g.field), "description": g.maybe(g.field),
                    "published": g.maybe(g.date), "object_refs": g.pick([[inc, actor, rep], [inc], g.any(), [camp, 5]]),
                    "created_by_ref": g.pick([ident, None, 5, "identity--x"]),
                    "external_references": g.maybe(lambda: [{"source_name": g.field(), "url": g.field()}
                                                            for _ in range(g.r.randint(0, 3))] if g.chance(0.7) else g.any()),
                    "x_incidex_kind": g.maybe(g.field, 0.2), "x_incidex_tags": g.maybe(g.field, 0.2),
                    "x_incidex_published": g.maybe(g.date, 0.2), "lang": g.maybe(g.field, 0.2)}),
        _drop_none({"type": "incident", "id": inc, "name": g.maybe(g.field), "description": g.maybe(g.field),
                    "first_seen": g.maybe(g.date), "last_seen": g.maybe(g.date), "labels": g.maybe(g.field),
                    "x_incidex_figures": g.maybe(lambda: [{"value": g.scalar(), "unit": g.field(), "text": g.field()}
                                                          for _ in range(2)], 0.3),
                    "x_incidex_places": g.maybe(g.any, 0.3), "extensions": g.maybe(g.any, 0.3),
                    "x_incidex_date_precision": g.maybe(g.field, 0.2), "x_incidex_countries": g.maybe(g.field, 0.2)}),
        _drop_none({"type": "threat-actor", "id": actor, "name": g.maybe(g.field), "aliases": g.maybe(g.field),
                    "threat_actor_types": g.maybe(g.field), "description": g.maybe(g.field),
                    "x_mitre_aliases": g.maybe(g.field, 0.2), "country": g.maybe(g.field, 0.3)}),
        _drop_none({"type": "identity", "id": ident, "name": g.maybe(g.field), "identity_class": g.maybe(g.field),
                    "sectors": g.maybe(g.field)}),
        _drop_none({"type": "location", "id": loc, "country": g.maybe(g.field)}),
        _drop_none({"type": "campaign", "id": camp, "name": g.maybe(g.field), "first_seen": g.maybe(g.date),
                    "aliases": g.maybe(g.field), "objective": g.maybe(g.field, 0.3)}),
    ]
    for _ in range(g.r.randint(0, 6)):
        objects.append(_drop_none({
            "type": "relationship", "id": sid("relationship"),
            "relationship_type": g.pick(["attributed-to", "related-to", "targets", "impacts", "uses", "originates-from",
                                         "located-at", g.text()]),
            "source_ref": g.pick([inc, camp, actor, rep, 7]), "target_ref": g.pick([actor, ident, loc, camp, inc, "nope--1"]),
            "confidence": g.maybe(g.scalar), "x_incidex_role": g.maybe(g.field, 0.3),
            "x_incidex_source_ref": g.maybe(lambda: g.pick([rep, g.text()]), 0.2), "description": g.maybe(g.field, 0.3)}))
    g.r.shuffle(objects)
    objects = objects[:g.r.randint(0, len(objects))] + [g.any() for _ in range(g.r.randint(0, 2))]
    return _dumps(g, g.pick([{"type": "bundle", "id": "bundle--1", "objects": objects}, {"objects": objects}, objects]))


def misp(g: Gen) -> bytes:
    attrs = [_drop_none({"type": g.pick(["text", "comment", "link", "url", "target-org", "target-location", "ip-src", g.text()]),
                         "value": g.field(), "category": g.maybe(lambda: g.pick(["External analysis", "Network activity"]), 0.5),
                         "to_ids": g.maybe(g.scalar, 0.5), "comment": g.maybe(g.field, 0.5),
                         "Tag": g.maybe(lambda: [{"name": g.field()}], 0.3)})
             for _ in range(g.r.randint(0, 5))]
    tags = [{"name": g.pick(['rsit:availability="ddos"', 'misp-galaxy:threat-actor="APT28"', 'misp-galaxy:country="france"',
                             'estimative-language:likelihood-probability="likely"', "tlp:white",
                             'ecsirt:malicious-code="ransomware"', g.text()])} if g.chance(0.8) else g.any()
            for _ in range(g.r.randint(0, 4))]
    galaxies = [{"type": g.pick(["threat-actor", "ransomware", "tool", "country", g.text()]),
                 "GalaxyCluster": [_drop_none({"value": g.field(), "meta": g.maybe(g.any, 0.5), "uuid": g.maybe(g.field, 0.5),
                                               "description": g.maybe(g.field, 0.5)}) for _ in range(g.r.randint(0, 2))]
                 if g.chance(0.8) else g.any()} for _ in range(g.r.randint(0, 2))]
    ev = _drop_none({"info": g.maybe(g.field), "date": g.maybe(g.date),
                     "uuid": g.maybe(lambda: str(uuid.UUID(int=g.r.getrandbits(128))) if g.chance(0.6) else g.field()),
                     "threat_level_id": g.maybe(g.field), "analysis": g.maybe(g.field), "Tag": tags if g.chance(0.9) else g.any(),
                     "Attribute": attrs if g.chance(0.9) else g.any(), "Galaxy": galaxies if g.chance(0.9) else g.any(),
                     "Orgc": g.maybe(lambda: {"name": g.field()} if g.chance(0.8) else g.any())})
    return _dumps(g, g.pick([{"Event": ev}, [{"Event": ev}, {"Event": ev}], {"response": [{"Event": ev}]}, ev]))


def veris(g: Gen) -> bytes:
    def section(keys):
        return {k: g.field() for k in keys if g.chance(0.6)} if g.chance(0.85) else g.any()

    rec = _drop_none({
        "incident_id": str(uuid.UUID(int=g.r.getrandbits(128))) if g.chance(0.6) else g.field(),
        "summary": g.maybe(g.field),
        "action": {k: ({"variety": [g.text() for _ in range(g.r.randint(0, 3))] if g.chance(0.7) else g.field()}
                       if g.chance(0.85) else g.any())
                   for k in ("malware", "hacking", "social", "misuse", "error", "physical", "environmental")
                   if g.chance(0.3)} if g.chance(0.9) else g.any(),
        "actor": g.maybe(lambda: {k: section(("variety", "motive", "country", "name")) for k in ("external", "internal", "partner")
                                  if g.chance(0.4)}),
        "victim": g.maybe(lambda: section(("victim_id", "country", "industry", "government"))),
        "timeline": g.maybe(lambda: {"incident": {k: g.scalar() for k in ("year", "month", "day") if g.chance(0.7)}}
                            if g.chance(0.85) else g.any()),
        "attribute": g.maybe(lambda: {"confidentiality": {"data_total": g.scalar()}, "integrity": section(("variety",))}
                             if g.chance(0.85) else g.any()),
        "reference": g.maybe(g.field), "security_incident": g.maybe(g.field), "confidence": g.maybe(g.field),
        "source_id": g.maybe(g.field),
    })
    k = g.r.randint(0, 2)
    if k == 1:
        return _dumps(g, [rec, rec])
    if k == 2:
        return _dumps(g, rec) + b"\n" + _dumps(g, rec)
    return _dumps(g, rec)


def _records(g: Gen) -> list:
    return [{g.pick(RECORD_KEYS): g.field() for _ in range(g.r.randint(0, 7))} if g.chance(0.85) else g.any()
            for _ in range(g.r.randint(1, 4))]


def json_records(g: Gen) -> bytes:
    recs = _records(g)
    return _dumps(g, g.pick([recs, {"data": recs}, recs[0], {"data": recs, "meta": 1, "x": [1]}]))


def jsonl_records(g: Gen) -> bytes:
    return b"\n".join(_dumps(g, r) for r in _records(g))


def json_feed(g: Gen) -> bytes:
    items = [_drop_none({k: g.maybe(g.field, 0.6) for k in ("id", "title", "content_html", "content_text", "summary",
                                                                "url", "external_url", "date_published", "language")}
                        | {"authors": g.pick([[{"name": g.field()}], g.any(), None]), "author": g.maybe(g.any, 0.2)})
             if g.chance(0.85) else g.any() for _ in range(g.r.randint(0, 4))]
    feed = _drop_none({"version": g.pick(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1", None, 1]),
                       "title": g.maybe(g.field), "language": g.maybe(g.field), "items": items if g.chance(0.9) else g.any()})
    return _dumps(g, feed)


def csv_table(g: Gen) -> bytes:
    header = [g.pick(RECORD_KEYS) if g.chance(0.6) else g.text() for _ in range(g.r.randint(1, 6))]
    delim = g.pick([",", ";", "\t", "|"])
    rows = [header] + [[g.text() for _ in range(g.r.randint(0, len(header) + 2))] for _ in range(g.r.randint(0, 5))]

    def cell(s: str) -> str:
        if g.chance(0.3) or any(c in s for c in (delim, '"', "\n", "\r")):
            return '"' + s.replace('"', g.pick(['""', '"'])) + '"'
        return s
    return "\n".join(delim.join(cell(c) for c in r) for r in rows).encode("utf-8", "surrogatepass")


def rss(g: Gen) -> bytes:
    items = "".join(
        f"<item><title>{_xml(g)}</title><link>{_xml(g)}</link><description>{_xml(g)} {g.words()}</description>"
        f"<pubDate>{_xml(g)}</pubDate><author>{_xml(g)}</author><guid>{_xml(g)}</guid>"
        f"<content:encoded><![CDATA[<p>{g.text().replace(']]>', '')} {g.words()}</p><script>x</script>]]></content:encoded></item>"
        for _ in range(g.r.randint(0, 3)))
    return (f'<?xml version="1.0" encoding="{g.pick(["utf-8", "UTF-8", "iso-8859-1", "x-nope"])}"?>'
            f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{_xml(g)}</title><language>{_xml(g)}</language>{items}</channel></rss>"
            ).encode("utf-8", "surrogatepass")


def atom(g: Gen) -> bytes:
    entries = "".join(
        f'<entry><title type="{g.pick(["html", "text", "xhtml"])}">{_xml(g)}</title><link href="{_xml(g)}"/>'
        f"<updated>{_xml(g)}</updated><published>{_xml(g)}</published><author><name>{_xml(g)}</name></author>"
        f'<summary>{_xml(g)}</summary><content type="html">{_xml(g)} {g.words()}</content></entry>'
        for _ in range(g.r.randint(0, 3)))
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{_xml(g)}">'
            f"<title>{_xml(g)}</title>{entries}</feed>").encode("utf-8", "surrogatepass")


def rdf(g: Gen) -> bytes:
    return (f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
            f"<channel><title>{_xml(g)}</title></channel><item><title>{_xml(g)}</title><link>{_xml(g)}</link>"
            f"<description>{_xml(g)}</description></item></rdf:RDF>").encode("utf-8", "surrogatepass")


def html(g: Gen) -> bytes:
    paras = "".join(f"<{g.pick(['p', 'div', 'li', 'td', 'h2', 'blockquote', 'pre', 'span'])}>{_xml(g)} {g.words(4, 30)}"
                    f"{g.pick(['</p>', '</div>', '', '<br>', '</x>'])}" for _ in range(g.r.randint(0, 5)))
    prolog = g.pick(["<!DOCTYPE html>", "", '<?xml version="1.0"?>'])
    return (f'{prolog}<html lang="{_xml(g)}"><head>'
            f'<meta charset="{g.pick(["utf-8", "latin-1", "x-nope", "utf-7", "utf-16"])}">'
            f'<title>{_xml(g)}</title><meta name="author" content="{_xml(g)}">'
            f'<meta property="article:published_time" content="{_xml(g)}"><link rel="canonical" href="{_xml(g)}">'
            f"</head><body><nav>Home | News</nav><article><h1>{_xml(g)}</h1>{paras}</article>"
            f"<footer>{_xml(g)}</footer></body></html>").encode("utf-8", "surrogatepass")


FRONT_VALUES = ["[a, b", "{x: 1}", "&a [1]", "*a", "- x", "!!python/object/apply:os.system ['id']", "2024-02-30",
                "9999-12-31T25:61:00Z", "[" * 40 + "]" * 40, "{a: {b: {c: [1, 2]}}}", ">\n  folded", "|\n  literal",
                "'single'", '"\\x1b[31m"', '"\\ud800"', "~", "yes", "0x1F", "1e400", ".inf", "2001-12-14t21:59:43.10-05:00"]


def text_article(g: Gen) -> bytes:
    front = ""
    if g.chance(0.5):
        keys = ["title", "published", "date", "publisher", "author", "url", "language", "tags", "kind", "source", "lang"]
        lines = [f"{g.pick(keys)}: {g.pick([g.pick(FRONT_VALUES), json.dumps(g.text()), json.dumps(g.any()), g.words()])}"
                 for _ in range(g.r.randint(0, 5))]
        front = "---\n" + "\n".join(lines) + "\n" + g.pick(["---", "...", ""]) + "\n"
    title = g.pick(["", "# ", "## "]) + g.text()
    body = "\n\n".join(f"{g.text()} {g.words(5, 40)}." for _ in range(g.r.randint(0, 4)))
    return (front + title + "\n\n" + body).encode("utf-8", "surrogatepass")


# --- damage ------------------------------------------------------------------------------------------------

def damage(g: Gen, base: bytes) -> bytes:
    """The input as is (half the time), or damaged the way files get damaged."""
    how = g.pick(["same"] * 8 + ["truncate", "truncate", "splice", "splice", "utf16", "utf16be", "bom", "cp1252",
                                 "nest", "nest", "twice", "crlf", "nul", "huge"])
    if how == "truncate" and base:
        return base[:g.r.randrange(len(base))]
    if how == "splice":
        at = g.r.randint(0, len(base))
        junk = g.pick([bytes(g.r.getrandbits(8) for _ in range(g.r.randint(1, 16))), b"\xff\xfe", b"\xef\xbb\xbf",
                       b"\x00", b"\x1b[31m", b"\xc3", b"\xed\xa0\x80", b"<![CDATA[", b"]]>", b"&#0;", b"&#xd800;",
                       b"&lol;", b'"', b",", b"\n", b"{", b"[", b"<", b"\\u", b"<!ENTITY x 'y'>", b"<!DOCTYPE x [", b"---\n"])
        return base[:at] + junk + base[at + g.r.randint(0, 8):]
    text = base.decode("utf-8", "replace")
    if how == "utf16":
        return text.encode("utf-16")
    if how == "utf16be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if how == "bom":
        return b"\xef\xbb\xbf" + base
    if how == "cp1252":
        return text.encode("cp1252", "replace")
    if how == "nest":
        n = g.pick([65, 1000, 5000])  # 100,000 levels: tests/hardening/test_hostile_files.py, once per reader
        o, c = g.pick([(b"[", b"]"), (b'{"a":', b"}"), (b"<div>", b"</div>")])
        return o * n + base + c * n
    if how == "twice":
        return base + b"\n" + base
    if how == "crlf":
        return base.replace(b"\n", b"\r\n")
    if how == "nul":
        return base.replace(b" ", b"\x00", 3)
    if how == "huge":  # a number over Python's 4,300-digit limit where a value was
        return base.replace(b"null", b"9" * 5000, 1).replace(b"2024", b"1" * 5000, 1)
    return base


SKELETONS = {
    "text": [text_article], "html": [html], "feed": [rss, atom, rdf, json_feed], "stix": [stix], "misp": [misp],
    "veris": [veris], "csv": [csv_table], "json": [json_records, stix, misp, veris, json_feed],
    "jsonl": [jsonl_records],
}


def _build(fmt: str, seed: int, texts: list[str]) -> bytes:
    g = Gen(seed, texts)
    return damage(g, g.pick(SKELETONS[fmt])(g))


def structured(fmt: str):
    """The format's skeletons with random values, maybe damaged."""
    return st.builds(lambda seed, texts: _build(fmt, seed, texts), st.integers(0, 2 ** 32 - 1),
                     st.lists(st.text(max_size=20), max_size=3))


def inputs_for(fmt: str):
    """Random bytes one time in five; otherwise the format's skeleton with random values, maybe damaged."""
    return st.one_of(st.binary(max_size=400), structured(fmt), structured(fmt), structured(fmt), structured(fmt))
