"""CSV, JSON and JSON Lines records with a field mapping.

A mapping says where each incidex field is in a record: `--map title=event.eventName` (dotted paths into
nested objects; a list on the way is walked, so `sources.URL` gives every source's URL), a literal in
quotes (`--map 'actor_role="claimed"'`), or a TOML file (`--mapping FILE.toml`) with a `[map]` table, an
optional `[types]` table (value in the data → `class/subtype`) and `namespace`/`records` keys.
Without a mapping, top-level keys with common names (id, title, date, type, url, ...) are used.

Fields (aliases in brackets):
  incident: id, title [name], summary [description], type, date [date_start], date_end, countries [country],
            places [place], status, domain, confidence, tags
  actors:   actor, actor_aliases, actor_kind, actor_country, actor_role, actor_description, attributed_by
  targets:  target, target_kind, target_country
  sources:  url [urls], source_title, source_publisher [publisher], source_published
  article:  text (article text: cleaned and extracted like any article), published, author, language

Each record becomes a structured source `row:[namespace:]<id>` (or `row:<hash of the record>` without an
id) with a short text rendering as body, an incident whose uuid derives from the same identity (so a
re-import changes nothing), and one source per URL linked to the incident.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re

from db.drafts import ActorMention, Document, IncidentDraft, PlaceMention
from db.taxonomy import ROLES
from db.text import strip_unsafe
from importers.readers.decode import ReadError, decode
from importers.readers.jsonutil import (
    actor_kind,
    confidence_of,
    countries_of,
    date_of,
    domain_of,
    evidence_for,
    first_sentence,
    guess_type,
    is_nothing,
    line,
    link_documents,
    load_json,
    load_jsonl,
    looks_like_jsonl,
    record_document,
    render,
    split_names,
    stable_uuid,
    text,
    urls_in,
)

FIELDS = ("id", "title", "summary", "type", "date", "date_end", "countries", "places", "status", "domain",
          "confidence", "tags", "actor", "actor_aliases", "actor_kind", "actor_country", "actor_role",
          "actor_description", "attributed_by", "target", "target_kind", "target_country", "url", "source_title",
          "source_publisher", "source_published", "text", "published", "author", "language")
ALIASES = {"name": "title", "description": "summary", "date_start": "date", "country": "countries",
           "place": "places", "publisher": "source_publisher", "urls": "url", "body": "text", "actors": "actor",
           "targets": "target", "victim": "target"}
# Top-level keys used when no mapping is given (lower case).
AUTO = {
    "id": ("id", "_id", "_key", "uuid", "key", "incident_id", "event_id"),
    "title": ("title", "name", "headline", "event_name", "eventname", "incident"),
    "summary": ("summary", "description", "details", "abstract"),
    "type": ("type", "incident_type", "category", "attack_type"),
    "date": ("date", "date_start", "start_date", "event_date", "eventdatefrom", "occurred", "when"),
    "date_end": ("date_end", "end_date"),
    "countries": ("countries", "country", "country_code", "location", "victim_country"),
    "actor": ("actor", "actors", "threat_actor", "threatactor", "perpetrator", "attacker", "group"),
    "actor_aliases": ("aliases", "actor_aliases"),
    "target": ("target", "targets", "victim", "victims"),
    "url": ("url", "urls", "link", "links", "source_url", "sources", "references", "reference"),
    "text": ("text", "body", "content", "article"),
    "published": ("published", "publication_date", "pubdate"),
    "author": ("author", "authors"),
    "status": ("status",),
    "confidence": ("confidence",),
}
_GROUPS = {"actor": ("actor", "actor_aliases", "actor_kind", "actor_country", "actor_role", "actor_description"),
           "target": ("target", "target_kind", "target_country"),
           "url": ("url", "source_title", "source_publisher", "source_published")}


class Mapping:
    """Compiled field → path (or literal) mapping."""

    def __init__(self, fields: dict[str, str] | None = None, types: dict[str, str] | None = None,
                 namespace: str | None = None, records: str | None = None):
        self.paths: dict[str, tuple[str, ...]] = {}
        self.literals: dict[str, str] = {}
        for field, path in (fields or {}).items():
            field = ALIASES.get(field.strip().lower(), field.strip().lower())
            if field not in FIELDS:
                raise ReadError(f"mapping: unknown field {field!r} (fields: {', '.join(FIELDS)})")
            path = str(path).strip()
            if len(path) >= 2 and path[0] == path[-1] and path[0] in "\"'":
                self.literals[field] = path[1:-1]
            elif path:
                self.paths[field] = tuple(p for p in path.split(".") if p != "")
        self.types = {k.strip().lower(): v for k, v in (types or {}).items()}
        self.namespace = namespace
        self.records = tuple(records.split(".")) if records else ()
        self.auto = not fields

    @property
    def given(self) -> bool:
        return bool(self.paths or self.literals)


def parse_map_options(items: list[str]) -> dict[str, str]:
    """`--map field=path` options as a dict; a malformed one raises ReadError naming it."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise ReadError(f"--map {item!r}: expected FIELD=PATH, e.g. title=event.eventName")
        field, path = item.split("=", 1)
        field = field.strip().lower()
        if ALIASES.get(field, field) not in FIELDS:
            raise ReadError(f"--map {item!r}: unknown field {field!r} (fields: {', '.join(FIELDS)})")
        out[field] = path.strip()
    return out


def load_mapping_file(path: str) -> dict:
    """A TOML mapping file: `[map]` (or top-level field = "path"), `[types]`, `namespace`, `records`."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise ReadError("reading a TOML mapping needs Python 3.11 or the tomli package") from None
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ReadError(f"cannot read mapping {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReadError(f"mapping {path} is not valid TOML: {exc}") from None
    fields = data.get("map") if isinstance(data.get("map"), dict) else {
        k: v for k, v in data.items() if isinstance(v, str) and k not in ("namespace", "records")}
    types = data.get("types") if isinstance(data.get("types"), dict) else {}
    return {"map": {str(k): str(v) for k, v in fields.items()}, "types": {str(k): str(v) for k, v in types.items()},
            "namespace": data.get("namespace") if isinstance(data.get("namespace"), str) else None,
            "records": data.get("records") if isinstance(data.get("records"), str) else None}


def compile_mapping(spec: dict | None) -> Mapping:
    spec = spec or {}
    return Mapping(spec.get("map") or {}, spec.get("types"), spec.get("namespace"), spec.get("records"))


# --- paths ---------------------------------------------------------------------------------------------

def resolve(value, path: tuple[str, ...]) -> list:
    """Every value at a dotted path; lists on the way are walked. A dict key matching the whole
    dotted rest (CSV columns named `event.type`) wins over nesting."""
    out: list = []

    def walk(node, i: int) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x, i)
            return
        if i == len(path):
            if node is not None and node != "":
                out.append(_unescaped(node))
            return
        if not isinstance(node, dict):
            return
        if i + 1 < len(path):
            whole = ".".join(path[i:])
            if whole in node:
                walk(node[whole], len(path))
                return
        if path[i] in node:
            walk(node[path[i]], i + 1)

    walk(value, 0)
    return out


def _unescaped(value):
    """A value with its escape sequences and dangerous characters removed, before anything splits it into
    names: `\\x1b[31;1m` and `\\x1b]0;title\\x07` hold a `;`, which also separates names."""
    if type(value) is str and not value.isprintable():
        return strip_unsafe(value)
    return value


def _split_at_list(record, path: tuple[str, ...]) -> tuple[list, int] | None:
    """The list of items the first list along `path` holds, and how many segments led to it."""
    node = record
    for i, key in enumerate(path[:-1]):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
        if isinstance(node, list):
            return node, i + 1
    return None


# --- records -----------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, mapping: Mapping, origin: str, fmt: str):
        self.m = mapping
        self.origin = origin
        self.fmt = fmt

    def get(self, rec, field: str) -> list:
        if field in self.m.literals:
            return [_unescaped(self.m.literals[field])]
        path = self.m.paths.get(field)
        return resolve(rec, path) if path else []

    def first(self, rec, field: str, limit: int = 500) -> str:
        for v in self.get(rec, field):
            s = line(v, limit)
            if s and not is_nothing(s):
                return s
        return ""

    def group(self, rec, lead: str) -> list[dict[str, list]]:
        """Items of a group (actors, targets, sources): paired per list item when the paths share a list."""
        fields = [f for f in _GROUPS[lead] if f in self.m.paths or f in self.m.literals]
        if lead not in fields:
            return []
        path = self.m.paths.get(lead)
        split = _split_at_list(rec, path) if path else None
        if split:
            items, n = split
            prefix = path[:n]
            out = []
            for item in items:
                entry = {}
                for f in fields:
                    p = self.m.paths.get(f)
                    if f in self.m.literals:
                        entry[f] = [_unescaped(self.m.literals[f])]
                    elif p and p[:n] == prefix:
                        entry[f] = resolve(item, p[n:])
                    else:
                        entry[f] = self.get(rec, f)
                out.append(entry)
            return out
        leads = self.get(rec, lead)
        others = {f: self.get(rec, f) for f in fields if f != lead}
        if len(leads) <= 1:
            return [dict(others, **{lead: leads})] if leads else []
        return [dict(others, **{lead: [v]}) for v in leads]

    def type_of(self, values: list) -> str:
        for v in values:
            key = line(v, 200).lower()
            if key in self.m.types:
                return guess_type(self.m.types[key])
        return guess_type(*values)

    def record(self, rec, n: int) -> list[Document]:
        if not isinstance(rec, dict):
            raise ReadError(f"record {n} is not an object (a {type(rec).__name__})")
        rid = self.first(rec, "id", 200)
        ns = f"{self.m.namespace}:" if self.m.namespace else ""
        if rid:
            ident = f"row:{ns}{rid}"
        else:
            ident = "row:" + ns + hashlib.sha256(json.dumps(rec, sort_keys=True, default=str).encode()).hexdigest()[:32]
        summary = "\n\n".join(t for t in (text(v, 20_000) for v in self.get(rec, "summary")) if t)
        article = "\n\n".join(t for t in (text(v, 2_000_000) for v in self.get(rec, "text")) if t)
        type_ = self.type_of(self.get(rec, "type"))
        date, precision = (None, "unknown")
        for v in self.get(rec, "date"):
            date, precision = date_of(v)
            if date:
                break
        date_end = next((d for d, _ in (date_of(v) for v in self.get(rec, "date_end")) if d), None)
        countries = countries_of(*self.get(rec, "countries"))
        conf = confidence_of(self.first(rec, "confidence", 50) or None, 50)
        attributed_by = self.first(rec, "attributed_by", 200) or None

        actors: list[ActorMention] = []
        for g in self.group(rec, "actor"):
            names = [n for v in g.get("actor", []) for n in _names(v)]
            for name in names:
                role = line((g.get("actor_role") or [""])[0], 30).lower()
                cc = countries_of(*g.get("actor_country", []))
                actors.append(ActorMention(
                    name=name, role=role if role in ROLES else "attributed",
                    kind=actor_kind(*g.get("actor_kind", [])), country=cc[0] if cc else None, confidence=conf,
                    attributed_by=attributed_by,
                    aliases=[a for v in g.get("actor_aliases", []) for a in split_names(v) if a.lower() != name.lower()],
                    description=text((g.get("actor_description") or [""])[0], 5000) or None))
        for g in self.group(rec, "target"):
            for name in (n for v in g.get("target", []) for n in _names(v)):
                cc = countries_of(*g.get("target_country", [])) or countries
                kind = actor_kind(*g.get("target_kind", []))
                actors.append(ActorMention(name=name, role="target", kind="organisation" if kind == "unknown" else kind,
                                           country=cc[0] if cc else None, confidence=conf))
        links = []
        for g in self.group(rec, "url"):
            for u in urls_in(g.get("url", [])):
                links.append({"url": u, "title": line((g.get("source_title") or [""])[0], 300) or None,
                              "publisher": line((g.get("source_publisher") or [""])[0], 200) or None,
                              "published": next((d for d, _ in (date_of(v) for v in g.get("source_published", [])) if d), None)})
        places = [PlaceMention(p) for p in split_names(self.get(rec, "places"))]
        title = self.first(rec, "title", 300)
        if not title:
            title = first_sentence(summary or article) if (summary or article) else ""
        if not title:
            what = _LABELS.get(type_.split("/")[-1], type_.split("/")[-1].replace("-", " ").capitalize())
            title = f"{what}" + (f" in {', '.join(countries)}" if countries else "") + (f" ({rid})" if rid else "")
        status = self.first(rec, "status", 20).lower()
        domain = self.first(rec, "domain", 20).lower()
        tags = split_names(self.get(rec, "tags"))
        published = next((d for d, _ in (date_of(v) for v in self.get(rec, "published")) if d), None)
        incident_fields = any(f in self.m.paths or f in self.m.literals for f in
                              ("type", "date", "actor", "target", "countries", "summary", "id"))
        if article and not incident_fields:  # an article in a record: clean and extract it like any article
            return [Document(text=article, origin=self.origin, format=self.fmt, title=title or None,
                             published=published, author=self.first(rec, "author", 200) or None,
                             url=links[0]["url"] if links else None, language=self.first(rec, "language", 10) or None,
                             publisher=links[0]["publisher"] if links else None, tags=tags, uid=None)]
        draft = IncidentDraft(
            title=title, type=type_, summary=summary,
            domain=domain if domain in ("cyber", "physical", "hybrid") else domain_of(type_),
            status=status if status in ("confirmed", "claimed", "suspected", "disputed", "undetermined") else "undetermined",
            date_start=date, date_end=date_end if date else None, date_precision=precision, countries=countries,
            places=places, actors=actors, uuid=stable_uuid(ident), relation="report")
        body, spans = render(title, [
            ("Record", rid or None), ("Type", type_), ("Date", date), ("Countries", countries),
            ("Actors", [f"{a.name} ({a.role})" + (f", also known as {', '.join(a.aliases[:8])}" if a.aliases else "")
                        for a in actors]),
            ("Places", [p.name for p in places]), ("Sources", [lk["url"] for lk in links][:20]),
        ], [summary])
        draft.evidence = evidence_for(body, spans, summary)
        if article:
            doc = Document(text=article, origin=self.origin, format=self.fmt, title=title, published=published or date,
                           author=self.first(rec, "author", 200) or None, kind="news", tags=tags, uid=ident,
                           drafts=[draft], extract=False)
            draft.evidence = []
            return [doc, *link_documents(self.origin, self.fmt, links, draft, f"record {rid or ident}")]
        main = record_document(self.origin, self.fmt, ident, title, body, [draft], published=published or date,
                               tags=tags)
        return [main, *link_documents(self.origin, self.fmt, links, draft, f"record {rid or ident}")]


_LABELS = {"ddos": "DDoS attack", "dos": "DoS attack", "undetermined": "Incident", "other": "Incident",
           "data-leak": "Data leak", "ransomware": "Ransomware attack", "malware": "Malware attack"}


def _names(value) -> list[str]:
    """Actor names in a value: a string with ; or | separated names, a list, or objects with a name."""
    if isinstance(value, str):
        return [n for n in (line(p, 200) for p in re.split(r"[;|\n]", value)) if n and not is_nothing(n)]
    s = line(value, 200)
    return [s] if s and not is_nothing(s) else []


# --- containers ----------------------------------------------------------------------------------------

def auto_mapping(records: list) -> Mapping:
    keys: dict[str, str] = {}
    for rec in records[:50]:
        if isinstance(rec, dict):
            for k in rec:
                if isinstance(k, str):
                    keys.setdefault(k.strip().lower().replace(" ", "_").replace("-", "_"), k)
    fields = {f: keys[f] for f in FIELDS if f in keys}  # a key named like a field is that field
    for field, names in AUTO.items():
        if field in fields:
            continue
        for n in names:
            if n in keys:
                fields[field] = keys[n]
                break
    if not fields or not ({"title", "summary", "text", "type", "actor"} & set(fields)):
        sample = ", ".join(line(k, 40) for k in sorted(keys.values())[:12])  # keys are data: one clean line
        raise ReadError(f"records have no field incidex knows (keys: {sample}); give a mapping with --map FIELD=PATH")
    return Mapping({f: _quote_path(k) for f, k in fields.items()})


def _quote_path(key: str) -> str:
    return key  # top-level keys; a dotted key is found whole by `resolve`


def _records_in(value, m: Mapping) -> list:
    if m.records:
        found = resolve(value, m.records)
        return found
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v[:5])]
        if len(lists) == 1 and not m.given:
            return lists[0]
        if len(lists) == 1 and len(value) <= 3:
            return lists[0]
        return [value]
    raise ReadError(f"JSON holds a {type(value).__name__}, not records")


def read_records(records: list, origin: str, fmt: str, mapping: Mapping | None) -> list[Document]:
    m = mapping if mapping is not None and mapping.given else None
    if m is None:
        m = auto_mapping(records)
        if mapping is not None:
            m.types, m.namespace = mapping.types, mapping.namespace
    r = _Reader(m, origin, fmt)
    docs: list[Document] = []
    for n, rec in enumerate(records, 1):
        if isinstance(rec, dict) and not rec:
            continue
        docs.extend(r.record(rec, n))
    if not docs:
        raise ReadError("no records to import")
    return docs


def read_json_records(data: bytes, origin: str, mapping: Mapping | None = None, fmt: str = "json") -> list[Document]:
    text_ = decode(data, origin)
    if fmt == "jsonl" or looks_like_jsonl(text_):
        return read_records(load_jsonl(text_, origin=origin), origin, "jsonl", mapping)
    value = load_json(text_, origin=origin)
    return read_records(_records_in(value, mapping or Mapping()), origin, "json", mapping)


def read_csv(data: bytes, origin: str, mapping: Mapping | None = None) -> list[Document]:
    text_ = decode(data, origin).lstrip("\ufeff")
    sample = text_[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text_), dialect)
    old = csv.field_size_limit()
    csv.field_size_limit(10_000_000)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ReadError(f"CSV line {reader.line_num}: {exc}") from None
    finally:
        csv.field_size_limit(old)
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise ReadError("CSV has a header but no rows" if rows else "CSV has no rows")
    header = [h.strip() or f"column{i + 1}" for i, h in enumerate(rows[0])]
    records = []
    for row in rows[1:]:  # ragged rows: missing cells are empty, extra cells are ignored
        records.append({h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)})
    return read_records(records, origin, "csv", mapping)
