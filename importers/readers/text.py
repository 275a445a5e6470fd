"""Plain-text and Markdown articles, with optional YAML front matter.

Front matter keys: title, published (or date), publisher, author, url, language, tags. Without it, the
first non-empty line is the title (Markdown `#` stripped) and the rest is the body.
"""
from __future__ import annotations

import datetime as _dt
import re

from db.drafts import Document
from db.text import safe_line
from importers.readers.decode import ReadError

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def partial_date(value) -> str | None:
    """A front-matter date as partial ISO ('2024', '2024-03', '2024-03-11'), or None if unusable."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    if _PARTIAL_DATE.match(text):  # keep what is valid of it: 2024-02-30 -> 2024-02, 2024-13 -> 2024
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 3:
            try:
                return _dt.date(*parts).isoformat()
            except ValueError:
                pass
        return f"{parts[0]:04d}-{parts[1]:02d}" if len(parts) >= 2 and 1 <= parts[1] <= 12 else text[:4]
    try:
        from dateutil import parser

        return parser.parse(text, default=_dt.datetime(1900, 1, 1)).date().isoformat()
    except (ValueError, OverflowError, TypeError):
        return None


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if v is not None)
    text = str(value).strip()
    return text or None


def _first_sentence(text: str, limit: int = 120) -> str:
    m = re.match(r"(.{20,}?[.!?])(\s|$)", text)
    sentence = m.group(1) if m else text
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + "…"


MAX_FRONT_DEPTH = 32
# What nesting or aliases need: flow collections, block sequence entries, complex keys, aliases/anchors.
# Without them only indentation nests, and 32 levels of it take more than 500 characters.
_RISKY = re.compile(r"[\[{*?&]|-(?:[ \t\n]|\Z)")
_LOADER = None


def _loader():
    """YAML's safe loader (libyaml's when present: ~10x faster) where an impossible timestamp
    (`date: 2024-02-30`, `2024-13-45`) or an integer too long for Python stays the text it is instead of
    failing the whole file."""
    global _LOADER
    if _LOADER is None:
        import yaml

        class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            pass

        def timestamp(loader, node):
            try:
                return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
            except (ValueError, OverflowError):
                return loader.construct_scalar(node)

        def integer(loader, node):  # over Python's 4,300-digit limit: keep the text
            try:
                return yaml.SafeLoader.construct_yaml_int(loader, node)
            except ValueError:
                return loader.construct_scalar(node)

        Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
        Loader.add_constructor("tag:yaml.org,2002:int", integer)
        _LOADER = Loader
    return _LOADER


def _check_front_matter(source: str, loader) -> None:
    """Refuse front matter nested too deeply or using aliases, from the parser's events, before loading it.

    libyaml's composer recurses in C: ~50,000 nested `[` crash the process (SIGSEGV), fewer raise
    RecursionError later, and nesting makes its scanner quadratic. Aliases (`*a`) can multiply a few
    lines into billions of values when the metadata is turned into text (the YAML "billion laughs").
    """
    import yaml

    depth = 0
    for event in yaml.parse(source, Loader=loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_FRONT_DEPTH:
                raise ReadError(f"front matter is nested too deeply (over {MAX_FRONT_DEPTH} levels)")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise ReadError("front matter uses YAML aliases (*name); refused as a possible alias bomb")


def split_front_matter(text: str) -> tuple[dict, str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    import yaml

    loader = _loader()
    try:
        if len(m.group(1) or "") > 500 or _RISKY.search(m.group(1) or ""):  # else it cannot nest 32 deep
            _check_front_matter(m.group(1) or "", loader)
        meta = yaml.load(m.group(1) or "", Loader=loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ReadError(f"invalid YAML front matter{where}") from None
    if not isinstance(meta, dict):
        raise ReadError("front matter is not a mapping of keys to values")
    return meta, text[m.end():]


def read_text(text: str, origin: str) -> list[Document]:
    meta, body = split_front_matter(text.lstrip("\ufeff"))
    title = _as_text(meta.get("title"))
    if not title:
        lines = body.split("\n")
        for i, line in enumerate(lines):
            if line.strip():
                first = re.sub(r"^#+\s*", "", line.strip())
                if len(first.split()) > 25:
                    # a paragraph, not a headline: name the article after its first sentence, keep it all
                    title = _first_sentence(first)
                else:
                    title = first
                    body = "\n".join(lines[i + 1:])
                break
    if not body.strip() and not title:
        raise ReadError("file has no text (only front matter)")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    return [
        Document(
            text=body,
            origin=origin,
            format="markdown" if origin.lower().endswith((".md", ".markdown")) or meta else "text",
            title=title,
            published=partial_date(meta.get("published", meta.get("date"))),
            publisher=_as_text(meta.get("publisher") or meta.get("source")),
            author=_as_text(meta.get("author") or meta.get("authors")),
            url=_as_text(meta.get("url") or meta.get("link")),
            language=_as_text(meta.get("language") or meta.get("lang")),
            kind=safe_line(_as_text(meta.get("kind"))) or "news",
            tags=[s for s in (safe_line(str(t)) for t in tags if t is not None) if s] if isinstance(tags, list) else [],
        )
    ]
