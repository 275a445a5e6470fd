"""Plain-text and Markdown articles, with optional YAML front matter.

Front matter keys: title, published (or date), publisher, author, url, language, tags. Without it, the
first non-empty line is the title (Markdown `#` stripped) and the rest is the body.
"""
from __future__ import annotations

import datetime as _dt
import re

from db.drafts import Document
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
    if _PARTIAL_DATE.match(text):
        return text
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


def split_front_matter(text: str) -> tuple[dict, str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster when present
    try:
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
            kind=_as_text(meta.get("kind")) or "news",
            tags=[str(t) for t in tags if t is not None] if isinstance(tags, list) else [],
        )
    ]
