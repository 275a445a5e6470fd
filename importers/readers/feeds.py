"""Feeds: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed (1.0/1.1) directly.

Each entry becomes a source (kind `feed-entry`): title, link, published (else updated), author, and the
longer of content and summary with the HTML stripped; the feed's title is the publisher and its language
the entry's. The text then goes through cleaning and extraction like any article.

XML with entity declarations (`<!ENTITY`, the billion-laughs family) is refused before any parser sees
it; defusedxml checks what remains. Broken feeds that feedparser can still read (bozo) are read.
"""
from __future__ import annotations

import datetime as _dt
import html as _html
import re

from db.drafts import Document
from importers.clean import safe_line
from importers.readers.decode import ReadError, looks_binary

_ENTITY = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)
_BLOCK = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h[1-6]|h[1-6]|/tr|/blockquote|blockquote|hr)\b[^>]*>", re.I)
_DROP = re.compile(r"<\s*(script|style|iframe|object|noscript)\b.*?<\s*/\s*\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]{0,2000}>")
MAX_ENTRIES = 50_000


def strip_html(value: str | None) -> str:
    """Entry HTML to plain text with paragraph breaks."""
    if not value:
        return ""
    s = _DROP.sub(" ", value)
    s = _BLOCK.sub("\n", s)
    s = _TAG.sub("", s)
    s = _html.unescape(s).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in s.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def refuse_entities(data: bytes) -> None:
    """Raise ReadError for XML that declares entities or has an internal DTD subset."""
    head = data[:200_000]
    if _ENTITY.search(head) or _DOCTYPE_SUBSET.search(head):
        raise ReadError("XML declares entities (<!ENTITY>); refused as a possible entity bomb")
    try:
        import defusedxml.ElementTree as DET
        from defusedxml import DefusedXmlException
    except ImportError:
        return
    try:
        DET.fromstring(data)
    except DefusedXmlException as exc:
        raise ReadError(f"XML refused for safety ({type(exc).__name__})") from None
    except Exception:  # noqa: BLE001 - malformed XML: feedparser's tolerant parser gets its chance
        pass


def _date(parsed) -> str | None:
    if not parsed:
        return None
    try:
        return _dt.date(parsed[0], parsed[1], parsed[2]).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _iso(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    from importers.readers.jsonutil import date_of

    return date_of(value)[0]


def _doc(origin: str, fmt: str, title, link, published, author, text, publisher, language) -> Document | None:
    title = safe_line(title) or None
    text = text or ""
    if not text.strip():
        text = title or ""
    if not text.strip():
        return None
    link = link.strip() if isinstance(link, str) and re.match(r"https?://", link.strip(), re.I) else None
    return Document(text=text, origin=origin, format=fmt, title=title, published=published,
                    publisher=safe_line(publisher) or None, author=safe_line(author) or None, url=link,
                    language=(safe_line(language)[:2].lower() or None) if language else None, kind="feed-entry")


def read_feed(data: bytes, origin: str) -> list[Document]:
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return read_json_feed(data, origin)
    if looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("binary file, not a feed")
    refuse_entities(data)
    import feedparser

    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except RecursionError:
        raise ReadError("feed is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - a parser failure is this file's problem
        raise ReadError(f"could not parse the feed ({type(exc).__name__})") from None
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo") and not feed.get("title"):
            exc = parsed.get("bozo_exception")
            raise ReadError(f"not a readable RSS/Atom feed ({safe_line(str(exc))[:120] or 'malformed XML'})")
        raise ReadError("feed has no entries")
    publisher = feed.get("title")
    language = feed.get("language")
    docs = []
    for e in entries[:MAX_ENTRIES]:
        summary = e.get("summary") or ""
        content = max((c.get("value") or "" for c in e.get("content") or []), key=len, default="")
        body = strip_html(content if len(content) > len(summary) else summary)
        author = e.get("author") or ", ".join(a["name"] for a in e.get("authors") or []
                                              if isinstance(a, dict) and isinstance(a.get("name"), str))
        doc = _doc(origin, "feed", e.get("title"), e.get("link"),
                   _date(e.get("published_parsed")) or _date(e.get("updated_parsed")), author, body, publisher,
                   language or (e.get("title_detail") or {}).get("language"))
        if doc:
            docs.append(doc)
    if not docs:
        raise ReadError("feed entries have no title or text")
    return docs


def is_json_feed(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("version"), str) and "jsonfeed.org" in value["version"]


def read_json_feed(data: bytes, origin: str) -> list[Document]:
    from importers.readers.jsonutil import load_json

    return json_feed_documents(load_json(data, origin=origin), origin)


def json_feed_documents(feed, origin: str) -> list[Document]:
    if not is_json_feed(feed):
        raise ReadError("not a JSON Feed (no jsonfeed.org version)")
    items = feed.get("items")
    if not isinstance(items, list) or not items:
        raise ReadError("feed has no entries")
    publisher = feed.get("title") if isinstance(feed.get("title"), str) else None
    language = feed.get("language") if isinstance(feed.get("language"), str) else None
    docs = []
    for it in items[:MAX_ENTRIES]:
        if not isinstance(it, dict):
            continue
        html_ = it.get("content_html") if isinstance(it.get("content_html"), str) else ""
        plain = it.get("content_text") if isinstance(it.get("content_text"), str) else ""
        summary = it.get("summary") if isinstance(it.get("summary"), str) else ""
        body = strip_html(html_) if len(html_) >= len(plain) else plain
        if len(strip_html(summary)) > len(body):
            body = strip_html(summary)
        authors = it.get("authors") if isinstance(it.get("authors"), list) else [it.get("author")]
        author = ", ".join(a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str))
        link = it.get("url") if isinstance(it.get("url"), str) else it.get("external_url")
        doc = _doc(origin, "feed", it.get("title") if isinstance(it.get("title"), str) else None, link,
                   _iso(it.get("date_published")) or _iso(it.get("date_modified")), author, body, publisher,
                   it.get("language") if isinstance(it.get("language"), str) else language)
        if doc:
            docs.append(doc)
    if not docs:
        raise ReadError("feed entries have no title or text")
    return docs
