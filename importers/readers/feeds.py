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
from db.text import safe_line
from importers.readers.decode import ReadError, looks_binary

_ENTITY = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)
_NAME = re.compile(r"<[ \t\r\n]{0,40}(/?)[ \t\r\n]{0,40}([A-Za-z][\w]{0,40})")
_DROPPED = ("script", "style", "iframe", "object", "noscript")
_CLOSE = {name: re.compile(r"<[ \t\r\n]{0,40}/[ \t\r\n]{0,40}" + name + r"[ \t\r\n]{0,40}>", re.I) for name in _DROPPED}
_QUOTED_TAG = re.compile(r"""<[^<>"']*(?:(?:"[^"<]*"|'[^'<]*')[^<>"']*)*>""")
_BLOCKS = frozenset(["br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "hr"])
_CLOSED_BLOCKS = _BLOCKS - {"br", "hr"}
MAX_TAG = 2000
"""Characters between `<` and `>` for anything but a block or dropped element to count as a tag."""
MAX_ENTRIES = 50_000
MAX_ATTRIBUTES = 1000
"""An element with more attributes (counted as '=' signs in its tag) is refused before feedparser sees the
file: feedparser's time grows with the square of one element's attributes (20k: 12.6 s; issue 26)."""
# Tags long enough to hold MAX_ATTRIBUTES attributes (`a=x ` is 4 bytes): the only ones worth counting. Linear:
# `[^<>]` cannot cross into the next tag.
_LONG_TAG = re.compile(rb"<[^<>]{%d,}>" % (3 * MAX_ATTRIBUTES))


def _strip_tags(value: str) -> str:
    """One pass, linear in the text: script/style/iframe/object/noscript elements become a space, block tags
    a line break, other tags nothing. Regexes did this before (`<script\\b.*?</script>`, `<p\\b[^>]*>`) and
    backtracked quadratically on tags that never close: `"<script" * 40_000` took 107 s (issue 26)."""
    out: list[str] = []
    n = len(value)
    i = done = 0
    gt = -2          # position of the next '>' at or after i (-1: none left), found once per '>'
    close: dict[str, int] = {}  # dropped element -> end of its next closing tag at or after i (-1: none left)
    while True:
        i = value.find("<", i)
        if i < 0:
            break
        if gt != -1 and gt < i:
            gt = value.find(">", i)
        m = _NAME.match(value, i)
        name = m.group(2).lower() if m else ""
        closing = bool(m and m.group(1))
        if name in _DROPPED and not closing:
            end = close.get(name, -2)
            if end != -1 and end <= m.end():
                found = _CLOSE[name].search(value, m.end())
                end = close[name] = found.end() if found else -1
            if end > 0:
                out.append(value[done:i])
                out.append(" ")
                i = done = end
                continue
        if gt < 0:
            break  # no '>' after this '<': nothing later is a tag either
        lt = value.find("<", i + 1, gt)
        if lt >= 0:  # '<' again before the '>': this one is text ("a <<b>")
            i = lt
            continue
        if m and (value.find('"', i, gt) >= 0 or value.find("'", i, gt) >= 0):
            # A quoted attribute value may hold '>' (`<a title="x>y">`): the tag ends at the first '>' outside
            # quotes. The match never crosses a '<', so each character is read once more at most: linear.
            quoted = _QUOTED_TAG.match(value, i)
            if quoted:
                gt = quoted.end() - 1
        if name in (_CLOSED_BLOCKS if closing else _BLOCKS):
            out.append(value[done:i])
            out.append("\n")
            i = done = gt + 1
        elif gt - i - 1 <= MAX_TAG:
            out.append(value[done:i])
            i = done = gt + 1
        else:
            i += 1
    out.append(value[done:n])
    return "".join(out)


def strip_html(value: str | None) -> str:
    """Entry HTML to plain text with paragraph breaks."""
    if not value:
        return ""
    s = _strip_tags(value)
    s = _html.unescape(s).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in s.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def refuse_attribute_bombs(data: bytes) -> None:
    """Raise ReadError when one element has more than MAX_ATTRIBUTES attributes (one linear pass)."""
    for m in _LONG_TAG.finditer(data):
        if data.count(b"=", m.start(), m.end()) > MAX_ATTRIBUTES:
            raise ReadError(f"an element has more than {MAX_ATTRIBUTES:,} attributes; refused")


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
    refuse_attribute_bombs(data)  # first: defusedxml's parse below is linear but not free (2 MB: 0.7 s)
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
